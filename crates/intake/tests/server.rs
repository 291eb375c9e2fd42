//! The intake as the real server over HTTP: the binary is started on a free port with
//! its own database, and spoken to with plain HTTP/1.1 over TCP. Below them, the same
//! routes in process (`Router::oneshot`): the envelope's check, sealed requests, the
//! desk API, retention and what the database file keeps after a deletion.
//! Longer than 400 lines because it holds the server's process tests and in-process tests,
//! their helpers shared.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::Duration;

const ORIGIN: &str = "https://yizhan.example.org";

struct Server {
    child: Child,
    /// The server's output after its first line ("listening on ADDR").
    stdout: BufReader<ChildStdout>,
    addr: String,
    db: PathBuf,
}

impl Server {
    /// Starts the server on a port the system picks (`--listen 127.0.0.1:0`) and reads
    /// the port from its first line: picking a free port here and handing it over
    /// raced with the hundreds of client connections the other tests open.
    fn start(db: PathBuf, extra: &[&str]) -> Server {
        Server::start_with_files(db, extra, None)
    }

    /// The same, with at most `files` open files for the server (`ulimit -n`), as a
    /// service's `LimitNOFILE` would have it.
    fn start_with_files(db: PathBuf, extra: &[&str], files: Option<u32>) -> Server {
        let bin = env!("CARGO_BIN_EXE_yizhan-intake");
        let mut command = match files {
            None => Command::new(bin),
            Some(n) => {
                let mut sh = Command::new("sh");
                sh.args(["-c", &format!("ulimit -n {n} && exec \"$0\" \"$@\""), bin]);
                sh
            }
        };
        let mut child = command
            .args([
                "serve",
                "--db",
                db.to_str().unwrap(),
                "--listen",
                "127.0.0.1:0",
                "--allow-origin",
                ORIGIN,
            ])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).unwrap();
        let addr = first
            .trim()
            .strip_prefix("yizhan-intake listening on ")
            .unwrap_or_else(|| panic!("the server did not start: {first:?}"))
            .to_string();
        TcpStream::connect(&addr).expect("the server accepts connections");
        Server {
            child,
            stdout,
            addr,
            db,
        }
    }

    fn fresh(name: &str, extra: &[&str]) -> Server {
        Server::fresh_with_files(name, extra, None)
    }

    fn fresh_with_files(name: &str, extra: &[&str], files: Option<u32>) -> Server {
        let dir = std::env::temp_dir().join(format!("yizhan-intake-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Server::start_with_files(dir.join("intake.sqlite"), extra, files)
    }

    /// Kills the server (SIGKILL: no chance to flush anything) and returns its output.
    fn kill(mut self) -> (PathBuf, String) {
        self.child.kill().unwrap();
        let mut out = String::new();
        self.stdout.read_to_string(&mut out).unwrap();
        self.child.wait().unwrap();
        (self.db.clone(), out)
    }

    fn post(&self, headers: &[(&str, &str)], body: &[u8]) -> Answer {
        http(&self.addr, "POST", "/intake", headers, body)
    }

    fn post_json(&self, body: &str) -> Answer {
        self.post(&[("Content-Type", "application/json")], body.as_bytes())
    }

    fn stored(&self) -> u64 {
        let answer = http(&self.addr, "GET", "/healthz", &[], b"");
        assert_eq!(answer.status, 200, "{}", answer.body);
        let v: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
        v["stored"].as_u64().unwrap()
    }
}

#[derive(Debug)]
struct Answer {
    status: u16,
    headers: String,
    body: String,
}

fn http(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Answer {
    let stream = TcpStream::connect(addr).unwrap();
    http_on(
        stream,
        addr,
        method,
        path,
        headers,
        body,
        Duration::from_secs(30),
    )
}

/// One request on `stream`, waiting at most `wait` for each read of the answer (an
/// answer that does not come is status 0).
fn http_on(
    mut stream: TcpStream,
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    wait: Duration,
) -> Answer {
    stream.set_read_timeout(Some(wait)).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if !headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("transfer-encoding"))
    {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    // The server may answer (413) and close before a large body is written: a failed
    // write is not the test's answer, the response is.
    let _ = stream
        .write_all(head.as_bytes())
        .and_then(|_| stream.write_all(body));
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Answer {
        status,
        headers: head.to_ascii_lowercase(),
        body: body.to_string(),
    }
}

fn id(n: u64) -> String {
    format!(
        "{:08x}-0000-4000-8000-{:012x}",
        n >> 32,
        n & 0xffff_ffff_ffff
    )
}

fn request(n: u64) -> String {
    format!(
        r#"{{"id":"{}","kind":"join","created_at":"2026-11-23T10:00:00+08:00","payload":{{"name":"王五","phone":"13912345678","id_number":"11010519491231002X","occupation":"courier","union":"371500-express"}}}}"#,
        id(n)
    )
}

#[test]
fn bad_bodies_of_every_kind_get_a_json_4xx_and_nothing_is_stored() {
    let server = Server::fresh("bad", &["--burst", "1000"]);
    let json = [("Content-Type", "application/json")];
    /// (headers, body, expected status)
    type Case<'a> = (Vec<(&'a str, &'a str)>, Vec<u8>, u16);
    let cases: Vec<Case> = vec![
        (vec![], request(1).into_bytes(), 415),
        (vec![("Content-Type", "text/plain")], request(1).into_bytes(), 415),
        (json.to_vec(), b"".to_vec(), 400),
        (json.to_vec(), b"{not json".to_vec(), 400),
        (json.to_vec(), vec![0xff, 0xfe, b'{', b'}'], 400),
        (json.to_vec(), b"[1,2,3]".to_vec(), 422),
        (json.to_vec(), b"null".to_vec(), 422),
        (json.to_vec(), request(1).replace("join", "vote").into_bytes(), 422),
        (json.to_vec(), request(1).replace("-4000-", "-1000-").into_bytes(), 422),
        (json.to_vec(), br#"{"id":"00000000-0000-4000-8000-000000000001","kind":"join","created_at":"t","payload":[]}"#.to_vec(), 422),
        // Nested past serde_json's depth limit, within 64 KiB: refused, not a crash.
        (json.to_vec(), b"{\"a\":".repeat(10_000), 400),
        (json.to_vec(), vec![b'['; 60_000], 400),
        (json.to_vec(), vec![b'['; 100_000], 413),
    ];
    for (headers, body, expected) in cases {
        let answer = server.post(&headers, &body);
        assert_eq!(
            answer.status,
            expected,
            "{:?}: {}",
            String::from_utf8_lossy(&body[..body.len().min(60)]),
            answer.body
        );
        let v: serde_json::Value = serde_json::from_str(&answer.body).expect("a JSON error body");
        assert!(
            v["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{}",
            answer.body
        );
    }
    // Ten megabytes, declared and undeclared (chunked): refused without reading it all.
    let ten_mb = vec![b' '; 10 * 1024 * 1024];
    assert_eq!(server.post(&json, &ten_mb).status, 413);
    let mut chunked = Vec::new();
    for piece in ten_mb.chunks(1 << 20) {
        chunked.extend(format!("{:x}\r\n", piece.len()).bytes());
        chunked.extend(piece);
        chunked.extend(b"\r\n");
    }
    chunked.extend(b"0\r\n\r\n");
    let answer = server.post(
        &[
            ("Content-Type", "application/json"),
            ("Transfer-Encoding", "chunked"),
        ],
        &chunked,
    );
    assert_eq!(answer.status, 413, "{}", answer.body);
    assert_eq!(server.stored(), 0);
    // Still serving after all that.
    assert_eq!(server.post_json(&request(1)).status, 201);
    let (_, log) = server.kill();
    assert!(
        !log.contains("13912345678")
            && !log.contains("11010519491231002X")
            && !log.contains("王五"),
        "logs carry no payload:\n{log}"
    );
    assert!(log.contains("POST /intake 201 kind=join"), "{log}");
}

#[test]
fn a_repeated_id_answers_200_and_stores_nothing_new() {
    let server = Server::fresh("repeat", &[]);
    assert_eq!(server.post_json(&request(7)).status, 201);
    let again = server.post_json(&request(7).replace("王五", "改过的名字"));
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(server.stored(), 1);
    server.kill();
}

#[test]
fn a_burst_over_the_limit_gets_429_with_retry_after() {
    let server = Server::fresh("burst", &["--burst", "5", "--per-minute", "6"]);
    let answers: Vec<u16> = (0..8)
        .map(|n| server.post_json(&request(100 + n)).status)
        .collect();
    assert_eq!(answers, [201, 201, 201, 201, 201, 429, 429, 429]);
    let refused = server.post_json(&request(200));
    assert!(
        refused.headers.contains("retry-after: 60"),
        "{}",
        refused.headers
    );
    assert_eq!(server.stored(), 5);
    server.kill();
}

#[test]
fn what_was_acknowledged_survives_kill_9() {
    let server = Server::fresh("kill", &["--burst", "1000"]);
    for n in 0..20 {
        assert_eq!(server.post_json(&request(1000 + n)).status, 201);
    }
    let (db, _) = server.kill();
    let server = Server::start(db, &[]);
    assert_eq!(server.stored(), 20, "every acknowledged request is on disk");
    for n in 0..20 {
        assert_eq!(
            server.post_json(&request(1000 + n)).status,
            200,
            "and known as a repeat"
        );
    }
    server.kill();
}

#[test]
fn two_hundred_concurrent_posts_are_each_stored_once() {
    // All 400 come from one address here (on the internet, from 400 phones).
    let server = Server::fresh(
        "concurrent",
        &["--burst", "10000", "--max-per-address", "400"],
    );
    let addr = server.addr.clone();
    // 200 different requests, each sent twice at the same time.
    let threads: Vec<_> = (0..400u64)
        .map(|i| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                http(
                    &addr,
                    "POST",
                    "/intake",
                    &[("Content-Type", "application/json")],
                    request(5000 + i % 200).as_bytes(),
                )
                .status
            })
        })
        .collect();
    let statuses: Vec<u16> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let other: Vec<u16> = statuses
        .iter()
        .copied()
        .filter(|s| *s != 200 && *s != 201)
        .collect();
    assert_eq!(
        other,
        Vec::<u16>::new(),
        "every connection answered (0: reset)"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        200,
        "each stored once"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        200,
        "each repeat known"
    );
    assert_eq!(server.stored(), 200);
    server.kill();
}

#[test]
fn cors_admits_the_allowed_origin_only() {
    let server = Server::fresh("cors", &[]);
    let ok = http(
        &server.addr,
        "OPTIONS",
        "/intake",
        &[
            ("Origin", ORIGIN),
            ("Access-Control-Request-Method", "POST"),
            ("Access-Control-Request-Headers", "content-type"),
        ],
        b"",
    );
    assert_eq!(ok.status, 204);
    assert!(
        ok.headers
            .contains(&format!("access-control-allow-origin: {ORIGIN}")),
        "{}",
        ok.headers
    );
    assert!(ok
        .headers
        .contains("access-control-allow-headers: content-type"));
    let other = http(
        &server.addr,
        "OPTIONS",
        "/intake",
        &[("Origin", "https://evil.example")],
        b"",
    );
    assert_eq!(other.status, 403);
    assert!(!other.headers.contains("access-control-allow-origin"));
    let posted = server.post(
        &[
            ("Content-Type", "application/json"),
            ("Origin", "https://evil.example"),
        ],
        request(9).as_bytes(),
    );
    assert_eq!(posted.status, 403);
    let allowed = server.post(
        &[("Content-Type", "application/json"), ("Origin", ORIGIN)],
        request(9).as_bytes(),
    );
    assert_eq!(allowed.status, 201);
    assert!(allowed
        .headers
        .contains(&format!("access-control-allow-origin: {ORIGIN}")));
    assert_eq!(server.stored(), 1);
    assert_eq!(http(&server.addr, "GET", "/nowhere", &[], b"").status, 404);
    server.kill();
}

/// A desk token file with `token` in a fresh folder.
fn token_file(name: &str, token: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("yizhan-intake-token-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("desk.token");
    std::fs::write(&path, format!("{token}\n")).unwrap();
    path
}

#[test]
fn a_short_desk_token_refuses_to_start() {
    let dir = std::env::temp_dir().join(format!("yizhan-intake-short-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let run = |file: &PathBuf| {
        Command::new(env!("CARGO_BIN_EXE_yizhan-intake"))
            .args(["serve", "--db", dir.join("intake.sqlite").to_str().unwrap()])
            .args(["--listen", "127.0.0.1:0", "--desk-token-file"])
            .arg(file)
            .output()
            .unwrap()
    };
    let short = run(&token_file("short", "tooshort-secret"));
    let said = String::from_utf8_lossy(&short.stderr);
    assert_eq!(short.status.code(), Some(1), "{said}");
    assert!(said.contains("at least 32 characters"), "{said}");
    assert!(
        !said.contains("tooshort-secret"),
        "the token is never printed: {said}"
    );
    assert!(short.stdout.is_empty(), "it never listened");
    let missing = run(&dir.join("no-such-file"));
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read the desk token"));
}

#[test]
fn the_desk_api_over_http_logs_counts_only() {
    let token = "0123456789abcdef0123456789abcdef-desk";
    let file = token_file("http", token);
    let server = Server::fresh("desk-http", &["--desk-token-file", file.to_str().unwrap()]);
    assert_eq!(server.post_json(&request(42)).status, 201);
    assert_eq!(
        server
            .post_json(&in_process::sealed_join(43, [5; 32]))
            .status,
        201
    );
    let bearer = format!("Bearer {token}");
    let auth = [("Authorization", bearer.as_str())];
    let page = http(&server.addr, "GET", "/desk/requests", &auth, b"");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        !page.headers.contains("access-control"),
        "no CORS: {}",
        page.headers
    );
    let page: serde_json::Value = serde_json::from_str(&page.body).unwrap();
    assert_eq!(page["requests"][0]["envelope"]["id"], id(42));
    assert_eq!(page["requests"][1]["envelope"]["id"], id(43));
    assert!(page["requests"][1]["envelope"]["sealed"]["ct"].is_string());
    let ack = format!(r#"{{"ids":["{}","{}"]}}"#, id(42), id(43));
    let acked = http(&server.addr, "POST", "/desk/ack", &auth, ack.as_bytes());
    assert_eq!(acked.body, r#"{"deleted":2}"#);
    assert_eq!(
        http(
            &server.addr,
            "GET",
            "/desk/requests",
            &[("Authorization", "Bearer nope")],
            b""
        )
        .status,
        401
    );
    assert_eq!(server.stored(), 0);
    let (_, log) = server.kill();
    for line in [
        "POST /intake 201 kind=join\n",
        "POST /intake 201 kind=join sealed\n",
        "GET /desk/requests 200 count=2",
        "POST /desk/ack 200 deleted=2",
        "GET /desk/requests 401",
        "purge deleted=0",
    ] {
        assert!(log.contains(line), "{line:?} in\n{log}");
    }
    for secret in [token, &id(42), &id(43), "127.0.0.1", "王五", "Bearer"] {
        assert!(!log.contains(secret), "{secret:?} in\n{log}");
    }
}

/// A connection to `addr` from the loopback address `from` (127.0.0.x): one client
/// per address, as on the internet.
fn connect_from(from: [u8; 4], addr: &str) -> TcpStream {
    static RUNTIME: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    let runtime = RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build()
            .unwrap()
    });
    let stream = runtime
        .block_on(async {
            let socket = tokio::net::TcpSocket::new_v4()?;
            socket.bind(std::net::SocketAddr::from((from, 0)))?;
            socket.connect(addr.parse().unwrap()).await?.into_std()
        })
        .unwrap();
    stream.set_nonblocking(false).unwrap();
    stream
}

/// A valid plain report: what a phone would send while the others stall.
fn report(n: u64) -> String {
    format!(
        r#"{{"id":"{}","kind":"report","created_at":"2026-11-23T10:00:00+08:00","payload":{{"station_id":"371500-0001","problem":"moved","note":""}}}}"#,
        id(n)
    )
}

/// What a stalled connection got before the server closed it, or `None` when it is
/// still open at `deadline` (never waits past it).
fn closed_by(stream: &mut TcpStream, deadline: std::time::Instant) -> Option<String> {
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            return None;
        }
        stream.set_read_timeout(Some(left)).unwrap();
        match stream.read(&mut buf) {
            Ok(0) => return Some(String::from_utf8_lossy(&got).into_owned()),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return None
            }
            // Reset: closed.
            Err(_) => return Some(String::from_utf8_lossy(&got).into_owned()),
        }
    }
}

/// The reviewer's attack, from a few addresses: half-sent headers, bodies that never
/// come, silent and idle keep-alive connections, and one address opening hundreds,
/// more than the server's open-file limit. A phone's report is still stored within a
/// second, `/healthz` answers, and every stalled connection is closed after the
/// timeouts (headers 0.5 s, body 1 s).
#[test]
fn stalled_clients_are_dropped_and_a_real_post_still_gets_in() {
    let server = Server::fresh_with_files(
        "stalled",
        &[
            "--burst",
            "1000000",
            "--header-timeout-ms",
            "500",
            "--body-timeout-ms",
            "1000",
            "--max-connections",
            "220",
        ],
        Some(256),
    );
    let addr = server.addr.clone();
    let opened = std::time::Instant::now();
    let mut half_headers = Vec::new();
    for n in 0..100u8 {
        let mut s = connect_from([127, 0, 0, 10 + n % 4], &addr);
        s.write_all(b"POST /intake HTTP/1.1\r\nHost: x\r\nContent-Ty")
            .unwrap();
        half_headers.push(s);
    }
    let mut stalled_bodies = Vec::new();
    for _ in 0..20 {
        let mut s = connect_from([127, 0, 0, 20], &addr);
        s.write_all(
            b"POST /intake HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"id\":",
        )
        .unwrap();
        stalled_bodies.push(s);
    }
    let silent: Vec<TcpStream> = (0..10)
        .map(|_| connect_from([127, 0, 0, 21], &addr))
        .collect();
    // One that asked once with keep-alive and then says nothing more.
    let mut idle = connect_from([127, 0, 0, 22], &addr);
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    idle.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    let mut first = [0u8; 12];
    idle.read_exact(&mut first).unwrap();
    assert_eq!(&first, b"HTTP/1.1 200");
    // One address opening 300 half-sent requests: more than the server's 256 files.
    let mut flood = Vec::new();
    for _ in 0..300 {
        let mut s = connect_from([127, 0, 0, 30], &addr);
        let _ = s.write_all(b"GET /healthz HTTP/1.1\r\nHo");
        flood.push(s);
    }
    let open_for = opened.elapsed();

    // While they are open (none of them has timed out yet: the flood is the newest).
    let asked = std::time::Instant::now();
    let answer = http_on(
        connect_from([127, 0, 0, 1], &addr),
        &addr,
        "POST",
        "/intake",
        &[("Content-Type", "application/json")],
        report(1).as_bytes(),
        Duration::from_secs(3),
    );
    let took = asked.elapsed();
    assert_eq!(answer.status, 201, "{answer:?} (opening took {open_for:?})");
    assert!(took < Duration::from_secs(1), "the report took {took:?}");
    let health = http_on(
        connect_from([127, 0, 0, 1], &addr),
        &addr,
        "GET",
        "/healthz",
        &[],
        b"",
        Duration::from_secs(3),
    );
    assert_eq!(health.status, 200, "{health:?}");
    assert!(health.body.contains("\"stored\":1"), "{}", health.body);

    // And every stalled one is closed: 0.5 s for headers (idle ones too), 1 s for a
    // body, with room for a busy machine; never waits past the bound.
    let deadline = std::time::Instant::now() + Duration::from_secs(4);
    for (name, streams) in [
        ("half a header", &mut half_headers),
        ("silent", &mut { silent }),
        ("flood", &mut flood),
    ] {
        for (i, s) in streams.iter_mut().enumerate() {
            assert!(
                closed_by(s, deadline).is_some(),
                "{name} connection {i} still open after {:?}",
                opened.elapsed()
            );
        }
    }
    for (i, s) in stalled_bodies.iter_mut().enumerate() {
        let got = closed_by(s, deadline)
            .unwrap_or_else(|| panic!("stalled body {i} still open after {:?}", opened.elapsed()));
        assert!(got.starts_with("HTTP/1.1 408"), "stalled body {i}: {got:?}");
    }
    assert!(
        closed_by(&mut idle, deadline).is_some(),
        "the idle keep-alive connection is still open"
    );
    let closed_after = opened.elapsed();
    println!("all stalled connections closed {closed_after:?} after the first was opened");
    // Still serving.
    assert_eq!(server.post_json(&report(2)).status, 201);
    let (_, log) = server.kill();
    assert!(log.contains("connections refused"), "{log}");
}

/// `--max-per-address 4 --max-connections 6`: the fifth connection from one address
/// and the seventh in all are closed at once without an answer; another address still
/// gets in, and a freed place is taken again.
#[test]
fn connections_over_the_per_address_or_total_cap_are_closed_at_once() {
    let server = Server::fresh(
        "caps",
        &[
            "--burst",
            "1000000",
            "--max-per-address",
            "4",
            "--max-connections",
            "6",
        ],
    );
    let addr = server.addr.clone();
    let healthz = |from: [u8; 4]| {
        http_on(
            connect_from(from, &addr),
            &addr,
            "GET",
            "/healthz",
            &[],
            b"",
            Duration::from_secs(2),
        )
    };
    // A connection from `from` that was served once and holds its place by saying
    // nothing more; `None` if it was closed instead.
    let hold = |from: [u8; 4]| {
        let mut s = connect_from(from, &addr);
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            .ok()?;
        s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
        let mut first = [0u8; 12];
        s.read_exact(&mut first).ok()?;
        (&first == b"HTTP/1.1 200").then_some(s)
    };
    let mut held: Vec<TcpStream> = (0..4)
        .map(|_| hold([127, 0, 0, 40]).expect("each of the four is served"))
        .collect();
    let asked = std::time::Instant::now();
    let over = healthz([127, 0, 0, 40]);
    assert_eq!(over.status, 0, "the fifth from one address: {over:?}");
    assert!(
        asked.elapsed() < Duration::from_secs(1),
        "closed at once, not left to time out"
    );
    // Another address has its own places.
    let other = http_on(
        connect_from([127, 0, 0, 41], &addr),
        &addr,
        "POST",
        "/intake",
        &[("Content-Type", "application/json")],
        report(3).as_bytes(),
        Duration::from_secs(2),
    );
    assert_eq!(other.status, 201, "{other:?}");
    // Six in all: four from .40 and two held from .41; a third address is refused.
    // (Until the server has seen the POST's connection close, it still counts: one of
    // the two may be refused then, and is asked for again. The flaky test of old took
    // the two for held after a 200 ms sleep, and .42 got the place the refused one
    // left.)
    let mut two = Vec::new();
    for _ in 0..40 {
        if two.len() == 2 {
            break;
        }
        match hold([127, 0, 0, 41]) {
            Some(s) => two.push(s),
            None => std::thread::sleep(Duration::from_millis(50)),
        }
    }
    assert_eq!(two.len(), 2, "two places for .41 once the POST's is free");
    let asked = std::time::Instant::now();
    let over = healthz([127, 0, 0, 42]);
    assert_eq!(over.status, 0, "the seventh in all: {over:?}");
    assert!(asked.elapsed() < Duration::from_secs(1));
    // A place freed is taken again.
    drop(held.pop());
    let mut again = healthz([127, 0, 0, 40]);
    for _ in 0..20 {
        if again.status == 200 {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
        again = healthz([127, 0, 0, 40]);
    }
    assert_eq!(again.status, 200, "{again:?}");
    let (_, log) = server.kill();
    assert!(log.contains("connections refused"), "{log}");
    assert!(!log.contains("127.0.0."), "no address in the log:\n{log}");
}

/// The routes in process: `Router::oneshot` with the peer's address set by hand.
mod in_process {
    use axum::body::Body;
    use axum::extract::ConnectInfo;
    use axum::http::{HeaderMap, Request};
    use base64::engine::general_purpose::STANDARD as B64;
    use base64::Engine;
    use serde_json::{json, Value};
    use std::net::SocketAddr;
    use std::path::PathBuf;
    use std::sync::Arc;
    use std::time::{Duration, SystemTime};
    use tower::ServiceExt;
    use yizhan_core::envelope::DeskPage;
    use yizhan_core::seal::{keypair, open_request, seal_request, sealed_plaintext};
    use yizhan_intake::{app, desk::Desk, limit::Limiter, store::Store, Intake};

    const TOKEN: &str = "desk-0123456789abcdef0123456789abcdef";
    const AT: &str = "2026-11-23T10:00:00+08:00";
    const HERE: [u8; 4] = [10, 0, 0, 1];

    struct Setup {
        intake: Arc<Intake>,
        db: PathBuf,
    }

    fn setup(name: &str, require_sealed: bool, desk: bool) -> Setup {
        let dir = std::env::temp_dir().join(format!(
            "yizhan-intake-oneshot-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let db = dir.join("intake.sqlite");
        let intake = Arc::new(Intake {
            store: Store::open(&db).unwrap(),
            allowed_origins: vec![super::ORIGIN.to_string()],
            limiter: Limiter::new(1000, 1000),
            require_sealed,
            desk: desk.then(|| Desk::new(TOKEN).unwrap()),
        });
        Setup { intake, db }
    }

    struct Answer {
        status: u16,
        headers: HeaderMap,
        json: Value,
    }

    impl Setup {
        async fn call(
            &self,
            peer: [u8; 4],
            method: &str,
            path: &str,
            headers: &[(&str, &str)],
            body: &str,
        ) -> Answer {
            let mut request = Request::builder().method(method).uri(path);
            for (k, v) in headers {
                request = request.header(*k, *v);
            }
            let mut request = request.body(Body::from(body.to_string())).unwrap();
            request
                .extensions_mut()
                .insert(ConnectInfo(SocketAddr::from((peer, 50_000))));
            let response = app(Arc::clone(&self.intake))
                .oneshot(request)
                .await
                .unwrap();
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap();
            let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            Answer {
                status,
                headers,
                json,
            }
        }

        async fn post(&self, body: &str) -> Answer {
            self.call(
                HERE,
                "POST",
                "/intake",
                &[("Content-Type", "application/json")],
                body,
            )
            .await
        }

        async fn desk(&self, peer: [u8; 4], method: &str, path: &str, body: &str) -> Answer {
            let bearer = format!("Bearer {TOKEN}");
            self.call(peer, method, path, &[("Authorization", &bearer)], body)
                .await
        }

        async fn page(&self, path: &str) -> DeskPage {
            let answer = self.desk(HERE, "GET", path, "").await;
            assert_eq!(answer.status, 200, "{}", answer.json);
            serde_json::from_value(answer.json).unwrap()
        }

        async fn stored(&self) -> u64 {
            let answer = self.call(HERE, "GET", "/healthz", &[], "").await;
            assert_eq!(answer.json["status"], "ok");
            answer.json["stored"].as_u64().unwrap()
        }
    }

    fn join_payload() -> Value {
        json!({"name": "王五", "phone": "13912345678", "id_number": "11010519491231002X",
               "occupation": "courier", "union": "371500-express"})
    }

    fn envelope(n: u64, kind: &str, payload: Value) -> String {
        json!({"id": super::id(n), "kind": kind, "created_at": AT, "payload": payload}).to_string()
    }

    fn report(n: u64, note: &str) -> String {
        envelope(
            n,
            "report",
            json!({"station_id": "371500-0001", "problem": "moved", "note": note}),
        )
    }

    /// A test's random bytes (xorshift): the seal needs some, not good ones.
    fn filler() -> impl FnMut(&mut [u8]) {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        move |out: &mut [u8]| {
            for byte in out {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                *byte = state as u8;
            }
        }
    }

    #[tokio::test]
    async fn a_name_with_a_line_break_is_refused_naming_the_field() {
        let s = setup("control", false, false);
        let mut broken = join_payload();
        broken["name"] = json!("张\n三");
        let refused = s.post(&envelope(1, "join", broken)).await;
        assert_eq!(refused.status, 422, "{}", refused.json);
        let said = refused.json["error"].as_str().unwrap();
        assert!(
            said.contains("payload.name") && said.contains("line break"),
            "{said}"
        );
        assert_eq!(s.stored().await, 0);
    }

    /// A join sealed to the desk key made from `seed`, as the app sends it.
    pub(super) fn sealed_join(n: u64, seed: [u8; 32]) -> String {
        let (_, public) = keypair(seed);
        let id = super::id(n);
        let payload = serde_json::value::to_raw_value(&join_payload()).unwrap();
        let plaintext = sealed_plaintext(&payload, &B64.encode([7u8; 32]));
        let mut fill = filler();
        let sealed = seal_request(
            &B64.encode(public),
            &id,
            "join",
            AT,
            plaintext.as_bytes(),
            &mut fill,
        )
        .unwrap();
        json!({"id": id, "kind": "join", "created_at": AT, "sealed": sealed}).to_string()
    }

    #[tokio::test]
    async fn an_empty_or_blank_join_is_refused_naming_the_problem() {
        let s = setup("empty", false, false);
        let empty = s.post(&envelope(1, "join", json!({}))).await;
        assert_eq!(empty.status, 422);
        let said = empty.json["error"].as_str().unwrap();
        assert!(
            said.contains("`join`") && said.contains("payload"),
            "{said}"
        );
        let mut blank = join_payload();
        blank["name"] = json!("");
        let blank = s.post(&envelope(2, "join", blank)).await;
        assert_eq!(blank.status, 422);
        assert!(
            blank.json["error"]
                .as_str()
                .unwrap()
                .contains("payload.name"),
            "{}",
            blank.json
        );
        let not_json = s.post("{\"id\":").await;
        assert_eq!(not_json.status, 400, "{}", not_json.json);
        assert_eq!(s.stored().await, 0);
        assert_eq!(
            s.post(&envelope(3, "join", join_payload())).await.status,
            201
        );
    }

    #[tokio::test]
    async fn a_sealed_join_is_accepted_and_stored_with_its_fields_only() {
        let seed = [3u8; 32];
        for require_sealed in [false, true] {
            let s = setup(&format!("sealed-{require_sealed}"), require_sealed, false);
            let body = sealed_join(10, seed);
            // A field beside the box (a careless or hostile client) is not kept.
            let mut with_extra: serde_json::Value = serde_json::from_str(&body).unwrap();
            with_extra["leak"] = json!({"phone": "13912345678"});
            let answer = s.post(&with_extra.to_string()).await;
            assert_eq!(answer.status, 201, "{}", answer.json);
            assert_eq!(answer.json["status"], "stored");
            let stored = s.intake.store.body_of(&super::id(10)).unwrap().unwrap();
            let (sent, kept): (serde_json::Value, serde_json::Value) = (
                serde_json::from_str(&body).unwrap(),
                serde_json::from_str(&stored).unwrap(),
            );
            assert_eq!(kept, sent, "the envelope's own fields, and only them");
            assert!(!stored.contains("13912345678"), "only ciphertext is held");
            // And the desk's key opens it.
            let envelope: yizhan_core::envelope::Envelope = serde_json::from_str(&stored).unwrap();
            let (private, _) = keypair(seed);
            let opened = open_request(
                &private,
                &envelope.id,
                &envelope.kind,
                &envelope.created_at,
                envelope.sealed.as_ref().unwrap(),
            )
            .unwrap();
            assert!(String::from_utf8(opened).unwrap().contains("13912345678"));
            let mut bad: Value = serde_json::from_str(&body).unwrap();
            bad["id"] = json!(super::id(11));
            bad["sealed"]["enc"] = json!("AAAA");
            assert_eq!(s.post(&bad.to_string()).await.status, 422);
        }
    }

    #[tokio::test]
    async fn require_sealed_refuses_a_plain_join_and_takes_a_plain_report() {
        let s = setup("require", true, false);
        let plain = s.post(&envelope(20, "join", join_payload())).await;
        assert_eq!(plain.status, 422);
        assert!(
            plain.json["error"]
                .as_str()
                .unwrap()
                .contains("must be sealed"),
            "{}",
            plain.json
        );
        assert_eq!(s.post(&report(21, "")).await.status, 201);
        assert_eq!(s.stored().await, 1);
    }

    #[tokio::test]
    async fn without_a_token_file_the_desk_paths_are_404() {
        let s = setup("nodesk", false, false);
        assert_eq!(s.post(&report(30, "")).await.status, 201);
        let page = s.desk(HERE, "GET", "/desk/requests", "").await;
        assert_eq!(page.status, 404);
        assert!(page.json["error"].is_string());
        let ack = format!(r#"{{"ids":["{}"]}}"#, super::id(30));
        assert_eq!(s.desk(HERE, "POST", "/desk/ack", &ack).await.status, 404);
        assert_eq!(s.stored().await, 1);
    }

    #[tokio::test]
    async fn the_desk_token_is_required_and_wrong_ones_are_limited() {
        let s = setup("token", false, true);
        let (a, b, c) = ([10, 0, 0, 2], [10, 0, 0, 3], [10, 0, 0, 4]);
        let none = s.call(a, "GET", "/desk/requests", &[], "").await;
        assert_eq!(none.status, 401);
        assert!(none.json["error"].is_string());
        let wrong = |peer: [u8; 4]| {
            let s = &s;
            async move {
                let token = format!("Bearer {}", TOKEN.replace('0', "1"));
                s.call(
                    peer,
                    "GET",
                    "/desk/requests",
                    &[("Authorization", &token)],
                    "",
                )
                .await
            }
        };
        for _ in 0..5 {
            let answer = wrong(b).await;
            assert_eq!(answer.status, 401, "{}", answer.json);
            assert!(answer.headers.get("access-control-allow-origin").is_none());
        }
        let limited = wrong(b).await;
        assert_eq!(limited.status, 429, "{}", limited.json);
        assert!(limited.json["error"].is_string());
        let retry: u64 = limited.headers["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=12).contains(&retry), "{retry}");
        assert_eq!(
            s.desk(b, "GET", "/desk/requests", "").await.status,
            429,
            "not even the right token is compared while the address is limited"
        );
        assert_eq!(
            s.desk(b, "POST", "/desk/ack", r#"{"ids":[]}"#).await.status,
            429
        );
        assert_eq!(s.desk(c, "GET", "/desk/requests", "").await.status, 200);
        // The right token consumes nothing: many in a row all pass.
        for _ in 0..10 {
            assert_eq!(s.desk(a, "GET", "/desk/requests", "").await.status, 200);
        }
        let lower = format!("bearer {TOKEN}");
        let answer = s
            .call(c, "GET", "/desk/requests", &[("Authorization", &lower)], "")
            .await;
        assert_eq!(answer.status, 200);
    }

    #[tokio::test]
    async fn the_desk_pages_by_seq_and_ack_deletes_for_good() {
        let s = setup("page", false, true);
        for n in 0..5 {
            assert_eq!(s.post(&report(100 + n, "")).await.status, 201);
        }
        // An upper-case id is stored and handed over lower-case.
        let upper = report(105, "").replace(&super::id(105), &super::id(105).to_uppercase());
        assert_eq!(s.post(&upper).await.status, 201);
        let first = s.page("/desk/requests?limit=2").await;
        let ids = |page: &DeskPage| -> Vec<String> {
            page.requests
                .iter()
                .map(|r| r.envelope.id.clone())
                .collect()
        };
        assert_eq!(ids(&first), [super::id(100), super::id(101)]);
        assert_eq!(first.next, Some(first.requests[1].seq));
        let r = &first.requests[0];
        assert_eq!(r.received_at.len(), "2026-11-23T02:00:00.000Z".len());
        assert!(r.received_at.ends_with('Z'), "{}", r.received_at);
        assert_eq!(r.envelope.kind, "report");
        assert!(r
            .envelope
            .payload
            .as_ref()
            .unwrap()
            .get()
            .contains("371500-0001"));
        let second = s
            .page(&format!(
                "/desk/requests?after={}&limit=2",
                first.next.unwrap()
            ))
            .await;
        assert_eq!(ids(&second), [super::id(102), super::id(103)]);
        let third = s
            .page(&format!(
                "/desk/requests?after={}&limit=2",
                second.next.unwrap()
            ))
            .await;
        assert_eq!(ids(&third), [super::id(104), super::id(105)]);
        let end = s
            .page(&format!(
                "/desk/requests?after={}&limit=2",
                third.next.unwrap()
            ))
            .await;
        assert!(end.requests.is_empty() && end.next.is_none());
        let all = s.page("/desk/requests").await;
        assert_eq!(all.requests.len(), 6);
        assert_eq!(all.next, None, "a page that is not full is the last");
        let bad = s.desk(HERE, "GET", "/desk/requests?limit=0", "").await;
        assert_eq!(bad.status, 400);

        let ack = json!({"ids": [super::id(100), super::id(101), super::id(105).to_uppercase()]});
        let acked = s.desk(HERE, "POST", "/desk/ack", &ack.to_string()).await;
        assert_eq!(acked.status, 200, "{}", acked.json);
        assert_eq!(acked.json, json!({"deleted": 3}));
        assert_eq!(s.stored().await, 3);
        assert!(s.intake.store.body_of(&super::id(100)).unwrap().is_none());
        assert_eq!(
            ids(&s.page("/desk/requests").await),
            [super::id(102), super::id(103), super::id(104)]
        );
        // Acknowledged again (a desk retrying): nothing more to delete.
        let again = s.desk(HERE, "POST", "/desk/ack", &ack.to_string()).await;
        assert_eq!(again.json, json!({"deleted": 0}));
        // The phone sends it again (it never saw the 201): answered, not stored again.
        let replay = s.post(&report(100, "")).await;
        assert_eq!(replay.status, 200, "{}", replay.json);
        assert_eq!(replay.json["status"], "already stored");
        assert_eq!(s.stored().await, 3);
        assert!(s.intake.store.body_of(&super::id(100)).unwrap().is_none());
        // A later page never goes back: seqs are not reused.
        assert_eq!(s.post(&report(106, "")).await.status, 201);
        let last = s
            .page(&format!("/desk/requests?after={}", third.next.unwrap()))
            .await;
        assert_eq!(ids(&last), [super::id(106)]);

        let not_ack = s.desk(HERE, "POST", "/desk/ack", "[1]").await;
        assert_eq!(not_ack.status, 400);
        assert!(not_ack.json["error"].is_string());
    }

    #[tokio::test]
    async fn a_purge_deletes_old_unacked_requests_and_keeps_new_ones() {
        let s = setup("purge", false, true);
        let now = SystemTime::now();
        let days_ago =
            |n: u64| yizhan_intake::store::timestamp(now - Duration::from_secs(n * 86_400));
        let store = &s.intake.store;
        store
            .save(
                &super::id(200),
                "report",
                AT,
                &report(200, ""),
                &days_ago(45),
            )
            .unwrap();
        store
            .save(
                &super::id(201),
                "report",
                AT,
                &report(201, ""),
                &days_ago(31),
            )
            .unwrap();
        store
            .save(
                &super::id(202),
                "report",
                AT,
                &report(202, ""),
                &days_ago(29),
            )
            .unwrap();
        assert_eq!(s.post(&report(203, "")).await.status, 201);
        assert_eq!(s.stored().await, 4);
        yizhan_intake::purge(&s.intake, now, 30).await;
        assert_eq!(s.stored().await, 2);
        assert!(store.body_of(&super::id(200)).unwrap().is_none());
        assert!(store.body_of(&super::id(201)).unwrap().is_none());
        assert!(store.body_of(&super::id(202)).unwrap().is_some());
        assert!(store.body_of(&super::id(203)).unwrap().is_some());
        // A week later with a 7-day retention, the rest goes too.
        yizhan_intake::purge(&s.intake, now + Duration::from_secs(8 * 86_400), 7).await;
        assert_eq!(s.stored().await, 0);
    }

    /// Whether `needle` is in the bytes of the database file or its WAL.
    fn on_disk(db: &std::path::Path, needle: &str) -> bool {
        let mut wal = db.as_os_str().to_owned();
        wal.push("-wal");
        [db.to_path_buf(), PathBuf::from(wal)].iter().any(|file| {
            std::fs::read(file)
                .unwrap_or_default()
                .windows(needle.len())
                .any(|w| w == needle.as_bytes())
        })
    }

    #[tokio::test]
    async fn after_ack_and_purge_the_files_keep_no_trace_of_the_payload() {
        let s = setup("trace", false, true);
        const MARKER: &str = "MARKER-7f3a";
        assert_eq!(s.post(&report(300, MARKER)).await.status, 201);
        assert_eq!(s.post(&report(301, "another note")).await.status, 201);
        assert!(on_disk(&s.db, MARKER), "the test would prove nothing");
        let ack = json!({"ids": [super::id(300)]}).to_string();
        assert_eq!(
            s.desk(HERE, "POST", "/desk/ack", &ack).await.json,
            json!({"deleted": 1})
        );
        yizhan_intake::purge(&s.intake, SystemTime::now(), 30).await;
        assert!(
            !on_disk(&s.db, MARKER),
            "the acknowledged note is gone from the files"
        );
        assert!(on_disk(&s.db, "another note"), "what is still held stays");
        // The same after a purge by age.
        assert_eq!(s.post(&report(302, "MARKER-old")).await.status, 201);
        yizhan_intake::purge(
            &s.intake,
            SystemTime::now() + Duration::from_secs(31 * 86_400),
            30,
        )
        .await;
        assert!(!on_disk(&s.db, "MARKER-old") && !on_disk(&s.db, "another note"));
    }
}
