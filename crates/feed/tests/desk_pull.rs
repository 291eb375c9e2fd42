//! `desk pull` against the real intake server (its router, on a local port): the app
//! posts a sealed join, the desk pulls it with its token and key, opens it, and the
//! intake deletes it once the desk has it on disk.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use serde_json::value::RawValue;
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;
use yizhan_core::seal::{seal_request, sealed_plaintext};
use yizhan_intake::{app, desk::Desk, limit::Limiter, store::Store, Intake};

mod common;
use common::temp_dir;

const BIN: &str = env!("CARGO_BIN_EXE_yizhan-feed");
const JOIN: &str = "00000000-0000-4000-8000-0000000000a1";
const REPORT: &str = "00000000-0000-4000-8000-0000000000a2";
const CREATED: &str = "2026-11-23T10:00:00+08:00";

fn feed(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

fn said(run: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    )
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The intake server with the desk API on `127.0.0.1:<random>`, on its own runtime
/// (kept alive by the caller): `(runtime, base URL, the intake's state)`.
fn start_intake(dir: &Path, token: &str) -> (tokio::runtime::Runtime, String, Arc<Intake>) {
    let intake = Arc::new(Intake {
        store: Store::open(&dir.join("intake.sqlite")).unwrap(),
        allowed_origins: vec![],
        limiter: Limiter::new(1000, 1000),
        require_sealed: true,
        desk: Some(Desk::new(token).unwrap()),
    });
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let served = Arc::clone(&intake);
    runtime.spawn(async move {
        axum::serve(
            listener,
            app(served).into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
    });
    (runtime, base, intake)
}

/// POSTs an envelope to the intake as the app does; returns the status.
fn post(base: &str, body: &str) -> u16 {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    agent
        .post(&format!("{base}/intake"))
        .content_type("application/json")
        .send(body.as_bytes())
        .unwrap()
        .status()
        .as_u16()
}

#[test]
fn pull_takes_a_sealed_join_from_the_real_intake_which_then_deletes_it() {
    let dir = temp_dir("intake");
    let token = "f3a9c1d2e4b5a6978877665544332211";
    let (_runtime, base, intake) = start_intake(&dir, token);
    let token_file = dir.join("desk.token");
    std::fs::write(&token_file, format!("  {token}\n")).unwrap();

    // The desk's key; the app seals a join to its public key.
    let key = dir.join("desk.key");
    assert!(feed(&["desk", "keygen", "--out", path(&key)])
        .status
        .success());
    let public = std::fs::read_to_string(dir.join("desk.key.pub")).unwrap();
    let payload = RawValue::from_string(
        r#"{"name":"王五","phone":"13912345678","id_number":"11010519491231002X","occupation":"courier","employer":"","union":"371500-express"}"#
            .to_string(),
    )
    .unwrap();
    let reply_key = B64.encode([5u8; 32]);
    let plaintext = sealed_plaintext(&payload, &reply_key);
    let sealed = seal_request(
        public.trim(),
        JOIN,
        "join",
        CREATED,
        plaintext.as_bytes(),
        &mut |b: &mut [u8]| getrandom::getrandom(b).unwrap(),
    )
    .unwrap();
    let envelope = serde_json::json!({
        "id": JOIN, "kind": "join", "created_at": CREATED, "sealed": sealed,
    });
    assert_eq!(post(&base, &envelope.to_string()), 201);
    let report = serde_json::json!({
        "id": REPORT, "kind": "report", "created_at": CREATED,
        "payload": {"station_id": "371500-0001", "problem": "moved", "note": ""},
    });
    assert_eq!(post(&base, &report.to_string()), 201);
    assert_eq!(intake.store.count().unwrap(), 2);

    let db = dir.join("desk.sqlite");
    let pull = |token_file: &Path| {
        feed(&[
            "desk",
            "pull",
            "--from",
            &format!("{base}/"),
            "--token-file",
            path(token_file),
            "--db",
            path(&db),
            "--key",
            path(&key),
        ])
    };
    // A wrong token: refused, said so, the token never printed, nothing deleted.
    let wrong = dir.join("wrong.token");
    std::fs::write(&wrong, "0000000000000000000000000000000000").unwrap();
    let refused = pull(&wrong);
    assert!(!refused.status.success());
    let words = said(&refused);
    assert!(words.contains("401"), "{words}");
    assert!(
        !words.contains("00000000000000000000000000000000"),
        "{words}"
    );
    assert_eq!(intake.store.count().unwrap(), 2);

    let run = pull(&token_file);
    let words = said(&run);
    assert!(run.status.success(), "{words}");
    assert!(
        words.contains("2 new") && words.contains("1 sealed opened"),
        "{words}"
    );
    assert!(words.contains("the intake deleted 2"), "{words}");
    assert!(!words.contains(token), "{words}");
    assert_eq!(intake.store.count().unwrap(), 0, "the intake let them go");

    // The desk has the join opened: it is in the sheet.
    let pending = dir.join("pending.csv");
    let export = feed(&["desk", "export", "--db", path(&db), "--out", path(&pending)]);
    assert!(export.status.success(), "{}", said(&export));
    let sheet = std::fs::read_to_string(&pending).unwrap();
    assert!(sheet.contains(JOIN) && sheet.contains("王五"), "{sheet}");
    // The desk's files hold ID numbers: readable by the clerk's account only.
    #[cfg(unix)]
    for file in [&db, &pending] {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", file.display());
    }

    // Pulling again: nothing new, nothing lost; the same envelope replayed is refused
    // by the intake (it keeps the id) and never recorded twice here.
    assert_eq!(post(&base, &envelope.to_string()), 200);
    let again = pull(&token_file);
    assert!(again.status.success(), "{}", said(&again));
    assert!(said(&again).contains("0 new"), "{}", said(&again));
}

#[test]
fn pull_pages_through_what_the_intake_holds_and_each_page_is_acknowledged() {
    let dir = temp_dir("pages");
    let token = "0123456789abcdef0123456789abcdef";
    let (_runtime, base, intake) = start_intake(&dir, token);
    let token_file = dir.join("desk.token");
    std::fs::write(&token_file, token).unwrap();
    for n in 0..150 {
        let report = serde_json::json!({
            "id": format!("00000000-0000-4000-8000-{n:012}"), "kind": "report",
            "created_at": CREATED,
            "payload": {"station_id": "371500-0001", "problem": "moved", "note": ""},
        });
        assert_eq!(post(&base, &report.to_string()), 201);
    }
    let db = dir.join("desk.sqlite");
    let run = feed(&[
        "desk",
        "pull",
        "--from",
        &base,
        "--token-file",
        path(&token_file),
        "--db",
        path(&db),
    ]);
    let words = said(&run);
    assert!(run.status.success(), "{words}");
    assert!(
        words.contains("pulled 2 page(s)") && words.contains("150 new"),
        "{words}"
    );
    assert!(words.contains("the intake deleted 150"), "{words}");
    assert_eq!(intake.store.count().unwrap(), 0);
    let held: i64 = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT COUNT(*) FROM requests WHERE problem IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(held, 150);
}

#[test]
fn pull_says_when_the_intake_cannot_be_reached() {
    let dir = temp_dir("unreachable");
    let token_file = dir.join("desk.token");
    std::fs::write(&token_file, "f3a9c1d2e4b5a6978877665544332211").unwrap();
    // A port nobody listens on: bound, then closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let run = feed(&[
        "desk",
        "pull",
        "--from",
        &format!("http://127.0.0.1:{port}"),
        "--token-file",
        path(&token_file),
        "--db",
        path(&dir.join("desk.sqlite")),
    ]);
    assert!(!run.status.success());
    assert!(said(&run).contains("cannot reach"), "{}", said(&run));
}

/// A hostile "intake" that answers every page with one new request and a cursor one
/// further, forever: the pull ends after the first short page instead of filling the
/// desk.
#[test]
fn a_hostile_intake_cannot_keep_a_pull_going() {
    use axum::extract::RawQuery;
    use axum::routing::{get, post};
    let dir = temp_dir("hostile");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = axum::Router::new()
        .route(
            "/desk/requests",
            get(|RawQuery(q): RawQuery| async move {
                let after: i64 = q
                    .unwrap_or_default()
                    .split('&')
                    .find_map(|kv| kv.strip_prefix("after=")?.parse().ok())
                    .unwrap_or(0);
                let id = format!("00000000-0000-4000-8000-{:012}", after + 1);
                axum::Json(serde_json::json!({
                    "requests": [{"seq": after + 1, "received_at": "2026-11-23T02:00:00Z",
                        "envelope": {"id": id, "kind": "report", "created_at": CREATED,
                            "payload": {"station_id": "371500-0001", "problem": "moved"}}}],
                    "next": after + 1,
                }))
            }),
        )
        .route(
            "/desk/ack",
            post(|| async { axum::Json(serde_json::json!({"deleted": 0})) }),
        );
    runtime.spawn(async move { axum::serve(listener, router).await });
    let token_file = dir.join("token");
    std::fs::write(&token_file, "x".repeat(40)).unwrap();
    let db = dir.join("desk.sqlite");
    let run = feed(&[
        "desk",
        "pull",
        "--from",
        &base,
        "--token-file",
        path(&token_file),
        "--db",
        path(&db),
    ]);
    assert!(run.status.success(), "{}", said(&run));
    assert!(said(&run).contains("pulled 1 page(s)"), "{}", said(&run));
}
