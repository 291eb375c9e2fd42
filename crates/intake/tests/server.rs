//! The intake as the real server over HTTP: the binary is started on a free port with
//! its own database, and spoken to with plain HTTP/1.1 over TCP.

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
        let mut child = Command::new(env!("CARGO_BIN_EXE_yizhan-intake"))
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
        let dir = std::env::temp_dir().join(format!("yizhan-intake-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Server::start(dir.join("intake.sqlite"), extra)
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
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
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
        r#"{{"id":"{}","kind":"join","created_at":"2026-11-23T10:00:00+08:00","payload":{{"name":"王五","phone":"13912345678","id_number":"11010519491231002X"}}}}"#,
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
    let server = Server::fresh("concurrent", &["--burst", "10000"]);
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
