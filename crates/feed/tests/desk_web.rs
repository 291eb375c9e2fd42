//! The desk page (`desk serve`) through its router in process (`Router::oneshot`), as a
//! browser would use it: the queue in words, a decision recorded, a refused form shown
//! again with what was typed, the needs_info loop, station reports, the publish round,
//! and the attacks: forms without their CSRF token, another site's origin or host,
//! markup typed by a worker, a request id that does not exist, wrong passwords.
//! Longer than 400 lines because it is the page's whole use, its helpers shared by every
//! test.

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use std::path::Path;
use std::sync::{Arc, Mutex};
use tower::ServiceExt;
use yizhan_core::envelope::Received;
use yizhan_core::feed::Statuses;
use yizhan_core::vocab::RequestState;
use yizhan_feed::desk::web::{auth, config::Config, router, Desk, Shared};
use yizhan_feed::desk::{self};

mod common;
use common::{plain, temp_dir};

const BIN: &str = env!("CARGO_BIN_EXE_yizhan-feed");
const JOIN: &str = "00000000-0000-4000-8000-0000000000b1";
const OTHER: &str = "00000000-0000-4000-8000-0000000000b2";
const REPORT: &str = "00000000-0000-4000-8000-0000000000b3";
const SUPPLEMENT: &str = "00000000-0000-4000-8000-0000000000b4";
const STRAY: &str = "00000000-0000-4000-8000-0000000000b5";
const HOST: &str = "127.0.0.1:8790";
/// 22:10 UTC is 06:10 the next morning in Beijing.
const RECEIVED: &str = "2026-11-22T22:10:00Z";
/// When the phones made the requests, a minute before.
const CREATED: &str = "2026-11-23T06:09:00+08:00";
const UNIONS: &str = r#"{"unions":[{"id":"371500-express","name":"聊城市快递行业工会联合会","region":"371500","kind":"industry","answer_days":3}]}"#;

fn join(name: &str) -> String {
    serde_json::json!({"name": name, "phone": "13912345678", "id_number": "11010519491231002X",
        "occupation": "courier", "employer": "某某快递", "union": "371500-express"})
    .to_string()
}

/// A desk page over a new database in `dir` holding `requests`, without a password
/// (`password`: with one), its settings from `config` lines.
fn desk_page(dir: &Path, requests: &[Received], password: Option<&str>, config: &str) -> Shared {
    let db_path = dir.join("desk.sqlite");
    let mut db = desk::open_or_create(db_path.to_str().unwrap()).unwrap();
    desk::store_received(&mut db, requests, None).unwrap();
    std::fs::write(dir.join("unions.json"), UNIONS).unwrap();
    let conf = dir.join("desk.conf");
    std::fs::write(&conf, format!("unions = unions.json\n{config}")).unwrap();
    let config = Config::parse(
        conf.to_str().unwrap(),
        &std::fs::read_to_string(&conf).unwrap(),
    )
    .unwrap();
    let password = password.map(|p| auth::hash_password(p).unwrap());
    let hosts = if password.is_none() {
        vec![HOST.to_string()]
    } else {
        vec![]
    };
    Arc::new(Desk {
        db: Mutex::new(db),
        config,
        auth: auth::Auth::new(password, hosts).unwrap(),
    })
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

fn call(desk: &Shared, request: Request<Body>) -> Answer {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let response = router(desk.clone()).oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 22)
            .await
            .unwrap();
        Answer {
            status,
            headers,
            body: String::from_utf8(bytes.to_vec()).unwrap(),
        }
    })
}

fn get(desk: &Shared, path: &str) -> Answer {
    call(
        desk,
        Request::get(path)
            .header(header::HOST, HOST)
            .body(Body::empty())
            .unwrap(),
    )
}

fn post(desk: &Shared, path: &str, form: &[(&str, &str)]) -> Answer {
    let body = serde_urlencoded::to_string(form).unwrap();
    call(
        desk,
        Request::post(path)
            .header(header::HOST, HOST)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap(),
    )
}

/// The CSRF token the page's forms carry.
fn token_of(page: &str) -> String {
    let at = page
        .find(r#"name="csrf" value=""#)
        .expect("a form with its token")
        + 19;
    page[at..at + 64].to_string()
}

fn statuses(desk: &Shared) -> Statuses {
    let db = desk.db.lock().unwrap();
    serde_json::from_value(desk::statuses(&db, None).unwrap()).unwrap()
}

#[test]
fn the_queue_shows_requests_in_words_in_beijing_time_with_what_workers_typed_escaped() {
    let dir = temp_dir("queue");
    let evil = r#"<script>alert(1)</script><img src=x onerror=alert(2)>"#;
    let desk = desk_page(
        &dir,
        &[
            plain(JOIN, "join", CREATED, RECEIVED, &join(evil)),
            plain(
                OTHER,
                "join",
                CREATED,
                "2026-11-23T01:00:00Z",
                &join("王五").replace('{', r#"{"answer_by_phone":true,"#),
            ),
        ],
        None,
        "",
    );
    let page = get(&desk, "/");
    // Received in 2026-11, the union answers within 3 days: marked as late.
    assert!(
        page.body.contains(r#"data-late="true"> · 已等待 "#)
            && page.body.contains("（通常 3 天内答复）"),
        "{}",
        page.body
    );
    // Made on a kiosk: the clerk answers by phone.
    assert!(
        page.body
            .contains("快递员 · 聊城市快递行业工会联合会 · 电话答复"),
        "{}",
        page.body
    );
    assert!(get(&desk, &format!("/requests/{OTHER}"))
        .body
        .contains("请按上面的手机号打电话答复"));
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(r#"<html lang="zh-CN">"#));
    for words in [
        "快递员",
        "聊城市快递行业工会联合会",
        "2026-11-23 06:10",
        "待决定",
        "入会",
    ] {
        assert!(page.body.contains(words), "{words} in:\n{}", page.body);
    }
    assert!(!page.body.contains("<script>alert") && !page.body.contains("<img src=x"));
    assert!(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    // Newest first.
    assert!(page.body.find("王五").unwrap() < page.body.find("&lt;script").unwrap());
    let detail = get(&desk, &format!("/requests/{JOIN}"));
    assert!(detail.body.contains("11010519491231002X") && !detail.body.contains("<img src=x"));
    // The page's policy allows nothing from elsewhere and no script at all.
    let csp = page.headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("script-src"),
        "{csp}"
    );
    assert_eq!(page.headers["cache-control"], "no-store");
    // English second.
    let en = get(&desk, "/?lang=en");
    assert!(en.body.contains(r#"<html lang="en">"#) && en.body.contains("Courier"));
    assert!(en.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .starts_with("desk_lang=en"));
}

#[test]
fn markup_in_every_field_a_worker_sends_is_shown_as_text() {
    let dir = temp_dir("markup");
    let evil = |n: u8| format!("<b id=x{n}>粗</b>");
    let transfer = serde_json::json!({"name": evil(1), "phone": evil(2), "id_number": evil(3),
        "occupation": evil(4), "employer": evil(5), "union": evil(6), "from_union": evil(7)})
    .to_string();
    let card = serde_json::json!({"name": evil(8), "member_no": evil(9), "union": evil(10), "id_number": evil(11)}).to_string();
    let report = serde_json::json!({"station_id": evil(12), "problem": "other", "note": evil(13)})
        .to_string();
    let claim = serde_json::json!({"campaign_id": evil(14), "coupon_id": "c", "code_ref": "r", "member_no": evil(15)}).to_string();
    let supplement = serde_json::json!({"of": OTHER, "note": evil(16)}).to_string();
    let desk = desk_page(
        &dir,
        &[
            plain(OTHER, "transfer", CREATED, RECEIVED, &transfer),
            plain(JOIN, "card", CREATED, RECEIVED, &card),
            plain(REPORT, "report", CREATED, RECEIVED, &report),
            plain(STRAY, "claim", CREATED, RECEIVED, &claim),
            plain(
                SUPPLEMENT,
                "supplement",
                CREATED,
                "2099-01-01T00:00:00Z",
                &supplement,
            ),
        ],
        None,
        "",
    );
    let mut seen = String::new();
    for path in [
        "/?kind=transfer",
        "/?kind=card",
        "/?kind=report",
        "/?kind=claim",
        "/claims",
        "/problems",
    ] {
        seen.push_str(&get(&desk, path).body);
    }
    for id in [OTHER, JOIN, REPORT, STRAY] {
        seen.push_str(&get(&desk, &format!("/requests/{id}")).body);
    }
    assert!(!seen.contains("<b id="), "markup written as markup");
    for n in 1..=16 {
        assert!(
            seen.contains(&format!("&lt;b id=x{n}&gt;粗&lt;/b&gt;")),
            "field {n} shown escaped"
        );
    }
}

#[test]
fn an_unknown_request_is_a_404_page_and_a_refused_form_keeps_what_was_typed() {
    let dir = temp_dir("decide");
    let desk = desk_page(
        &dir,
        &[plain(JOIN, "join", CREATED, RECEIVED, &join("王五"))],
        None,
        "",
    );
    let missing = get(&desk, "/requests/00000000-0000-4000-8000-000000000fff");
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("没有这个申请"));
    let csrf = token_of(&get(&desk, &format!("/requests/{JOIN}")).body);
    let to = format!("/requests/{JOIN}/decide");
    let bad = post(
        &desk,
        &to,
        &[
            ("csrf", &csrf),
            ("decision", "approved"),
            ("member_no", "12-34"),
            ("note", "欢迎<b>加入</b>"),
        ],
    );
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("通过需要会员号"), "{}", bad.body);
    assert!(
        bad.body.contains(r#"value="12-34""#) && bad.body.contains("欢迎&lt;b&gt;加入&lt;/b&gt;")
    );
    assert!(bad.body.contains(r#"value="approved" checked"#));
    let rejected = post(
        &desk,
        &to,
        &[("csrf", &csrf), ("decision", "rejected"), ("note", "")],
    );
    assert!(rejected.body.contains("不通过的原因"));
    let gone = post(
        &desk,
        "/requests/nope/decide",
        &[("csrf", &csrf), ("decision", "rejected"), ("note", "x")],
    );
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    // Full-width digits and spaces, as the app's card form takes them.
    let ok = post(
        &desk,
        &to,
        &[
            ("csrf", &csrf),
            ("decision", "approved"),
            ("member_no", "３７１５ ００２０ ２６００ ０７７７"),
            ("note", "欢迎加入"),
        ],
    );
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let answer = statuses(&desk).for_request(JOIN).unwrap().clone();
    assert_eq!(answer.state, RequestState::Approved);
    assert_eq!(answer.member_no.as_deref(), Some("3715002026000777"));
    // Decided: no second decision.
    let again = post(
        &desk,
        &to,
        &[("csrf", &csrf), ("decision", "rejected"), ("note", "x")],
    );
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[test]
fn every_post_needs_the_pages_token_and_origin_and_a_page_without_password_its_own_host() {
    let dir = temp_dir("csrf");
    let desk = desk_page(
        &dir,
        &[plain(JOIN, "join", CREATED, RECEIVED, &join("王五"))],
        None,
        "",
    );
    let csrf = token_of(&get(&desk, &format!("/requests/{JOIN}")).body);
    let to = format!("/requests/{JOIN}/decide");
    let form = |token: &str| {
        vec![
            ("csrf", token.to_string()),
            ("decision", "rejected".into()),
            ("note", "x".into()),
        ]
    };
    for token in ["", "0".repeat(64).as_str(), &csrf[..63]] {
        let fields = form(token);
        let fields: Vec<(&str, &str)> = fields.iter().map(|(a, b)| (*a, b.as_str())).collect();
        assert_eq!(
            post(&desk, &to, &fields).status,
            StatusCode::FORBIDDEN,
            "token {token:?}"
        );
    }
    let no_token = post(&desk, &to, &[("decision", "rejected"), ("note", "x")]);
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    // A page from before a restart (an old token): refused, and shown again with what
    // was typed and this page's token, so nothing the clerk typed is lost.
    let stale = post(
        &desk,
        &to,
        &[
            ("csrf", &"a".repeat(64)),
            ("decision", "needs_info"),
            ("note", "请补充<工作单位>"),
        ],
    );
    assert_eq!(stale.status, StatusCode::FORBIDDEN);
    assert!(
        stale.body.contains("页面已过期") && stale.body.contains("请补充&lt;工作单位&gt;"),
        "{}",
        stale.body
    );
    assert!(stale.body.contains(r#"value="needs_info" checked"#) && token_of(&stale.body) == csrf);
    // Another site's page posting the right token (it cannot know it, but still).
    let body = serde_urlencoded::to_string([
        ("csrf", csrf.as_str()),
        ("decision", "rejected"),
        ("note", "x"),
    ])
    .unwrap();
    let foreign = call(
        &desk,
        Request::post(&to)
            .header(header::HOST, HOST)
            .header(header::ORIGIN, "http://evil.example")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap(),
    );
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);
    // DNS rebinding: a page served for another name is refused.
    let rebound = call(
        &desk,
        Request::get("/")
            .header(header::HOST, "evil.example:8790")
            .body(Body::empty())
            .unwrap(),
    );
    assert_eq!(rebound.status, StatusCode::MISDIRECTED_REQUEST);
    assert!(
        desk::decision_of(&desk.db.lock().unwrap(), JOIN)
            .unwrap()
            .is_none(),
        "nothing recorded"
    );
}

#[test]
fn with_a_password_the_page_needs_a_session_and_wrong_passwords_are_limited() {
    let dir = temp_dir("password");
    let desk = desk_page(&dir, &[], Some("工会服务台 2026"), "");
    let away = get(&desk, "/");
    assert_eq!(away.status, StatusCode::SEE_OTHER);
    assert_eq!(away.headers[header::LOCATION], "/login");
    let login = get(&desk, "/login");
    let pre = login.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let csrf = token_of(&login.body);
    let sign_in = |password: &str, cookie: &str, token: &str| {
        let body = serde_urlencoded::to_string([("csrf", token), ("password", password)]).unwrap();
        call(
            &desk,
            Request::post("/login")
                .header(header::HOST, HOST)
                .header(header::COOKIE, cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap(),
        )
    };
    // Without the sign-in page's own token: refused before the password is tried.
    assert_eq!(
        sign_in("工会服务台 2026", "", &csrf).status,
        StatusCode::FORBIDDEN
    );
    let ok = sign_in("工会服务台 2026", &pre, &csrf);
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let session = ok
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("desk_session="))
        .unwrap();
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Strict"),
        "{session}"
    );
    let cookie = session.split(';').next().unwrap().to_string();
    let inside = call(
        &desk,
        Request::get("/")
            .header(header::HOST, "desk.union.lan")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap(),
    );
    assert_eq!(inside.status, StatusCode::OK);
    assert!(inside.body.contains("退出"));
    // Wrong passwords: five, then refused for a while, even the right one.
    for _ in 0..5 {
        assert_eq!(
            sign_in("123456", &pre, &csrf).status,
            StatusCode::UNAUTHORIZED
        );
    }
    let limited = sign_in("工会服务台 2026", &pre, &csrf);
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.headers.contains_key(header::RETRY_AFTER));
    assert!(limited.body.contains("密码错误次数太多"));
}

#[test]
fn needs_info_is_a_loop_a_supplement_returns_the_request_and_its_new_decision_is_published() {
    let dir = temp_dir("loop");
    let desk = desk_page(
        &dir,
        &[plain(JOIN, "join", CREATED, RECEIVED, &join("王五"))],
        None,
        "",
    );
    let csrf = token_of(&get(&desk, &format!("/requests/{JOIN}")).body);
    let to = format!("/requests/{JOIN}/decide");
    let asked = post(
        &desk,
        &to,
        &[
            ("csrf", &csrf),
            ("decision", "needs_info"),
            ("note", "请补充工作单位的证明"),
        ],
    );
    assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.body);
    let first = statuses(&desk).for_request(JOIN).unwrap().clone();
    assert_eq!(first.state, RequestState::NeedsInfo);
    assert!(get(&desk, "/").body.contains("等待申请人补充材料"));
    // The worker answers; a supplement naming no request here is held with the reason.
    // The intake's clock is a year behind the desk's: the answer still counts as after
    // the question (the desk orders them by its own clock).
    let later = "2025-11-23T00:00:00Z";
    let answer = format!(r#"{{"of":"{JOIN}","note":"单位：某某快递\n站点：东昌府"}}"#);
    {
        let mut db = desk.db.lock().unwrap();
        desk::store_received(
            &mut db,
            &[
                plain(SUPPLEMENT, "supplement", CREATED, later, &answer),
                plain(
                    STRAY,
                    "supplement",
                    CREATED,
                    later,
                    r#"{"of":"00000000-0000-4000-8000-00000000dead","note":"?"}"#,
                ),
            ],
            None,
        )
        .unwrap();
        let problems = desk::problems(&db).unwrap();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0, STRAY);
        assert!(problems[0].2.contains("不在本服务台"), "{}", problems[0].2);
    }
    let queue = get(&desk, "/");
    assert!(
        queue.body.contains("已补充材料，待再决定"),
        "{}",
        queue.body
    );
    let detail = get(&desk, &format!("/requests/{JOIN}"));
    assert!(
        detail.body.contains("单位：某某快递\n站点：东昌府")
            && detail.body.contains("请补充工作单位的证明")
    );
    assert!(detail.body.contains(r#"data-action="decide""#));
    assert!(get(&desk, "/problems").body.contains(STRAY));
    let approved = post(
        &desk,
        &to,
        &[
            ("csrf", &csrf),
            ("decision", "approved"),
            ("member_no", "3715002026000777"),
            ("note", ""),
        ],
    );
    assert_eq!(approved.status, StatusCode::SEE_OTHER);
    let second = statuses(&desk).for_request(JOIN).unwrap().clone();
    assert_eq!(second.state, RequestState::Approved);
    assert!(
        second.updated > first.updated,
        "{:?} after {:?}",
        second.updated,
        first.updated
    );
    let history = desk::history_of(&desk.db.lock().unwrap(), JOIN).unwrap();
    assert_eq!(
        history
            .iter()
            .map(|d| d.decision.as_str())
            .collect::<Vec<_>>(),
        ["needs_info", "approved"]
    );
}

#[test]
fn a_station_report_shows_its_station_and_its_outcome_is_published_plain() {
    let dir = temp_dir("report");
    let publication = dir.join("feed");
    std::fs::create_dir_all(publication.join("stations")).unwrap();
    let shard = r#"{"region":"371500","stations":[{"id":"371500-0001","name":"黄山路劳动者驿站","address":"东昌府区黄山路12号","lng":115.98,"lat":36.45}]}"#;
    std::fs::write(publication.join("stations/371500.x.json"), shard).unwrap();
    std::fs::write(publication.join("manifest.json"), r#"{"format":"yizhan-feed/1","sequence":4,"datum":"gcj02","regions":[{"code":"371500","bbox":[115,36,116,37],"path":"stations/371500.x.json","sha256":"0"}]}"#).unwrap();
    let report =
        r#"{"station_id":"371500-0001","problem":"closed_when_open","note":"早上八点还锁着门"}"#;
    let desk = desk_page(
        &dir,
        &[plain(REPORT, "report", CREATED, RECEIVED, report)],
        None,
        "publication = feed\n",
    );
    let queue = get(&desk, "/?kind=report");
    assert!(queue.body.contains("黄山路劳动者驿站") && queue.body.contains("该开门时没开"));
    let detail = get(&desk, &format!("/requests/{REPORT}"));
    for words in [
        "东昌府区黄山路12号",
        "早上八点还锁着门",
        "已核实并更新",
        "无法核实",
        "公开发布",
    ] {
        assert!(detail.body.contains(words), "{words}");
    }
    let csrf = token_of(&detail.body);
    let to = format!("/requests/{REPORT}/decide");
    let refused = post(
        &desk,
        &to,
        &[("csrf", &csrf), ("decision", "needs_info"), ("note", "?")],
    );
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        post(
            &desk,
            &to,
            &[
                ("csrf", &csrf),
                ("decision", "approved"),
                ("note", "已更新开放时间")
            ]
        )
        .status,
        StatusCode::SEE_OTHER
    );
    let answer = statuses(&desk).for_request(REPORT).unwrap().clone();
    assert_eq!(answer.state, RequestState::Approved);
    assert_eq!(answer.note.as_deref(), Some("已更新开放时间"));
}

#[test]
fn the_queue_lists_the_newest_two_hundred_done() {
    let dir = temp_dir("many");
    let claims: Vec<Received> = (0..201u32)
        .map(|n| {
            let id = format!("00000000-0000-4000-8000-{n:012}");
            let payload =
                format!(r#"{{"campaign_id":"fit","coupon_id":"c{n}","code_ref":"r{n}"}}"#);
            plain(
                &id,
                "claim",
                CREATED,
                &format!("2026-11-23T01:{:02}:{:02}Z", n / 60, n % 60),
                &payload,
            )
        })
        .collect();
    let desk = desk_page(&dir, &claims, None, "");
    let page = get(&desk, "/?kind=claim");
    assert_eq!(page.body.matches("<tr data-request-id=").count(), 200);
    assert!(page.body.contains("只显示最近的 200 条"));
    let newest = "00000000-0000-4000-8000-000000000200";
    let oldest = "00000000-0000-4000-8000-000000000000";
    assert!(page.body.contains(newest) && !page.body.contains(oldest));
}

#[test]
fn an_older_desk_database_keeps_its_decisions_as_history() {
    let dir = temp_dir("migrate");
    let path = dir.join("desk.sqlite");
    {
        // The layout of the desk before this version: no history table.
        let db = rusqlite::Connection::open(&path).unwrap();
        db.execute_batch(
            "CREATE TABLE requests (id TEXT PRIMARY KEY, kind TEXT NOT NULL, created_at TEXT NOT NULL,
               received_at TEXT NOT NULL, envelope TEXT NOT NULL, payload TEXT NULL, problem TEXT NULL);
             CREATE TABLE decisions (id TEXT PRIMARY KEY REFERENCES requests(id), decision TEXT NOT NULL,
               member_no TEXT, note TEXT, decided_at TEXT NOT NULL);",
        )
        .unwrap();
        db.execute(
            "INSERT INTO requests VALUES (?1, 'join', 'c', ?2, '{}', ?3, NULL)",
            rusqlite::params![JOIN, RECEIVED, join("王五")],
        )
        .unwrap();
        db.execute("INSERT INTO decisions VALUES (?1, 'approved', '3715002026000777', '欢迎', '2026-11-24T09:00:00+08:00')", [JOIN]).unwrap();
    }
    for _ in 0..2 {
        let db = desk::open(path.to_str().unwrap()).unwrap();
        let history = desk::history_of(&db, JOIN).unwrap();
        assert_eq!(history.len(), 1, "copied once, however often it is opened");
        assert_eq!(history[0].member_no.as_deref(), Some("3715002026000777"));
        assert_eq!(
            desk::decision_of(&db, JOIN)
                .unwrap()
                .unwrap()
                .note
                .as_deref(),
            Some("欢迎")
        );
    }
}

#[test]
fn desk_password_writes_an_argon2_hash_readable_by_its_owner_only_and_serve_takes_it() {
    use std::io::{BufRead, Write};
    let dir = temp_dir("password-file");
    let file = dir.join("desk.password");
    let write = |password: &str| {
        let mut child = std::process::Command::new(BIN)
            .args(["desk", "password", "--out", file.to_str().unwrap()])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(password.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let short = write("123\n");
    assert!(!short.status.success() && String::from_utf8_lossy(&short.stderr).contains("密码太短"));
    assert!(write("工会服务台的密码 2026\n").status.success());
    let hash = std::fs::read_to_string(&file).unwrap();
    assert!(
        hash.starts_with("$argon2id$") && !hash.contains("2026"),
        "{hash}"
    );
    assert!(auth::password_matches(hash.trim(), "工会服务台的密码 2026"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    // With it, the page serves an address other computers reach.
    let mut serve = std::process::Command::new(BIN)
        .args([
            "desk",
            "serve",
            "--db",
            dir.join("desk.sqlite").to_str().unwrap(),
            "--listen",
            "0.0.0.0:0",
            "--password-file",
            file.to_str().unwrap(),
        ])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(serve.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    serve.kill().unwrap();
    serve.wait().unwrap();
    assert!(line.contains("listening on http://0.0.0.0:"), "{line}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("desk.sqlite"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "the desk's database is the clerk's only"
        );
    }
}

#[test]
fn the_page_refuses_to_serve_another_address_without_a_password() {
    let dir = temp_dir("refuse");
    let db = dir.join("desk.sqlite");
    let run = std::process::Command::new(BIN)
        .args([
            "desk",
            "serve",
            "--db",
            db.to_str().unwrap(),
            "--listen",
            "0.0.0.0:0",
        ])
        .output()
        .unwrap();
    assert!(!run.status.success());
    let said = String::from_utf8_lossy(&run.stderr);
    assert!(
        said.contains("拒绝") && said.contains("--password-file"),
        "{said}"
    );
    assert!(!db.exists(), "nothing was created");
}

#[test]
fn publish_does_a_whole_round_into_the_publication_folder_and_publishes_nothing_personal() {
    use base64::Engine;
    let dir = temp_dir("publish");
    let (secret, public) = yizhan_feed::keys::generate().unwrap();
    std::fs::write(dir.join("union.key"), &secret).unwrap();
    let (private, seal) = yizhan_feed::keys::desk_keypair().unwrap();
    std::fs::write(dir.join("desk.key"), &private).unwrap();
    std::fs::write(dir.join("desk.key.pub"), &seal).unwrap();
    std::fs::write(dir.join("intake.token"), "t".repeat(40)).unwrap();
    std::fs::write(
        dir.join("stations.csv"),
        yizhan_feed::generate::generate_csv(5, 1, &["371500".to_string()]).unwrap(),
    )
    .unwrap();
    std::fs::write(dir.join("campaigns.json"), r#"{"campaigns":[{"id":"fit","kind":"fitness","title":"职工健身券",
        "valid_from":"2026-01-01","valid_until":"2099-12-31","per_member":1,"period":"month","total":1,"remaining":1}]}"#).unwrap();
    let reply_key = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
    let sealed_join = join("王五").replace('{', &format!(r#"{{"reply_key":"{reply_key}","#));
    let claim = |n: u8| {
        format!(
            r#"{{"reply_key":"{reply_key}","campaign_id":"fit","coupon_id":"c{n}","code_ref":"{}","member_no":"3715002026000777"}}"#,
            format!("{n:02}").repeat(32)
        )
    };
    let config = "intake = http://127.0.0.1:9\ntoken_file = intake.token\ndesk_key = desk.key\nsign_key = union.key\n\
        card_valid_until = 2099-12-31\nstations = stations.csv\ncampaigns = campaigns.json\npublication = feed\n";
    let desk = desk_page(
        &dir,
        &[
            plain(JOIN, "join", CREATED, RECEIVED, &sealed_join),
            plain(OTHER, "claim", CREATED, "2026-11-23T01:00:00Z", &claim(1)),
            plain(STRAY, "claim", CREATED, "2026-11-23T01:00:01Z", &claim(2)),
            // A venue's redeem of a code never issued: turned down, said on the page,
            // never published.
            plain(
                REPORT,
                "redeem",
                CREATED,
                "2026-11-23T01:00:02Z",
                r#"{"code":"ABCD-EFGH-JKMN-PQ","code_ref":"x","campaign":"fit","venue":"文化宫","used_at":"2026-11-23T09:00:00+08:00"}"#,
            ),
        ],
        None,
        config,
    );
    let csrf = token_of(&get(&desk, &format!("/requests/{JOIN}")).body);
    post(
        &desk,
        &format!("/requests/{JOIN}/decide"),
        &[
            ("csrf", &csrf),
            ("decision", "approved"),
            ("member_no", "3715002026000777"),
            ("note", "欢迎加入"),
        ],
    );
    let first = post(&desk, "/publish", &[("csrf", &csrf)]);
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert!(
        first.body.contains(r#"data-sequence="1""#) && first.body.contains("无法连接收件服务器"),
        "{}",
        first.body
    );
    assert!(
        first.body.contains("发放 1") && first.body.contains("未发放 1"),
        "{}",
        first.body
    );
    let feed = dir.join("feed");
    let manifest = std::fs::read(feed.join("manifest.json")).unwrap();
    let sig = std::fs::read_to_string(feed.join("manifest.json.sig")).unwrap();
    let key = yizhan_core::seal::key_bytes(&public).unwrap();
    let m = yizhan_core::feed::check_manifest(&manifest, Some(&sig), &[key], "/feed/manifest.json")
        .unwrap();
    assert_eq!(
        m.intake.as_ref().unwrap().seal_key.as_deref(),
        Some(seal.trim())
    );
    assert_eq!(m.intake.unwrap().url, "http://127.0.0.1:9/intake");
    // Every file the manifest names is there, by its hash.
    for f in m.regions.iter().map(|r| (&r.path, &r.sha256)).chain(
        [
            m.statuses.as_ref(),
            m.coupons.as_ref(),
            m.campaigns.as_ref(),
        ]
        .into_iter()
        .flatten()
        .map(|f| (&f.path, &f.sha256)),
    ) {
        yizhan_core::feed::check_file(&std::fs::read(feed.join(f.0)).unwrap(), f.1, f.0).unwrap();
    }
    // The overview says what was issued and refused, and why.
    let claims = get(&desk, "/claims");
    assert!(
        claims.body.contains("职工健身券") && claims.body.contains("已发完：1"),
        "{}",
        claims.body
    );
    assert!(
        first.body.contains("不予登记 1") && first.body.contains("不是本工会发放的券"),
        "{}",
        first.body
    );
    assert!(
        claims.body.contains("不予登记（不公布）")
            && claims
                .body
                .contains("不是本工会发放的券 (the code is not a coupon this union issued)：1")
    );
    // Nothing of the worker in any published byte.
    let mut files = vec![feed.clone()];
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        for personal in [
            "王五",
            "13912345678",
            "11010519491231002X",
            "3715002026000777",
            "欢迎加入",
        ] {
            assert!(
                !bytes
                    .windows(personal.len())
                    .any(|w| w == personal.as_bytes()),
                "{} holds {personal}",
                path.display()
            );
        }
    }
    // The next round is the next sequence; a manifest that does not read stops it.
    let second = post(&desk, "/publish", &[("csrf", &csrf)]);
    assert!(
        second.body.contains(r#"data-sequence="2""#),
        "{}",
        second.body
    );
    std::fs::write(feed.join("manifest.json"), "{").unwrap();
    let broken = post(&desk, "/publish", &[("csrf", &csrf)]);
    assert_eq!(broken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(broken.body.contains("没有发布"));
    assert_eq!(std::fs::read(feed.join("manifest.json")).unwrap(), b"{");
}
