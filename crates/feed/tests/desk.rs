//! The union desk as a clerk runs it: the real `yizhan-feed desk …` commands on a real
//! intake database (written by the intake server's own store) and real CSV files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use yizhan_core::feed::Statuses;
use yizhan_core::outcome::status_for;
use yizhan_core::vocab::RequestState;
use yizhan_intake::store::Store;

const BIN: &str = env!("CARGO_BIN_EXE_yizhan-feed");
const JOIN: &str = "00000000-0000-4000-8000-00000000000a";
const TRANSFER: &str = "00000000-0000-4000-8000-00000000000b";
const CLAIM: &str = "00000000-0000-4000-8000-00000000000c";
const CARD: &str = "00000000-0000-4000-8000-00000000000d";

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

fn intake_with_requests(dir: &Path) -> PathBuf {
    let db = dir.join("intake.sqlite");
    let store = Store::open(&db).unwrap();
    let application = |name: &str, extra: &str| {
        format!(
            r#"{{"name":"{name}","phone":"13912345678","id_number":"11010519491231002X","occupation":"courier","employer":"某某快递","union":"371500-express"{extra}}}"#
        )
    };
    for (id, kind, payload) in [
        (JOIN, "join", application("王五", "")),
        (
            TRANSFER,
            "transfer",
            application("赵六", r#","from_union":"原单位工会""#),
        ),
        (
            CLAIM,
            "claim",
            r#"{"campaign_id":"fit","coupon_id":"c1","code_ref":"x"}"#.to_string(),
        ),
        (
            CARD,
            "card",
            r#"{"name":"钱七","member_no":"3715002026000999","union":"371500-express"}"#
                .to_string(),
        ),
    ] {
        let body = format!(
            r#"{{"id":"{id}","kind":"{kind}","created_at":"2026-11-23T10:00:00+08:00","payload":{payload}}}"#
        );
        store
            .save(id, kind, "2026-11-23T10:00:00+08:00", &body)
            .unwrap();
    }
    db
}

/// The exported sheet with `(id, decision, member_no, note)` filled in, as a clerk's
/// spreadsheet saves it (CSV UTF-8 with BOM).
fn fill(exported: &str, rows: &[(&str, &str, &str, &str)]) -> String {
    let mut reader = csv::Reader::from_reader(exported.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
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
    let db = intake_with_requests(&dir);
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
    assert!(
        lines[0].ends_with("decision,member_no,note"),
        "{}",
        lines[0]
    );
    assert_eq!(
        lines.len(),
        4,
        "join, transfer and card; the claim is not decided here:\n{text}"
    );
    assert!(text.contains("王五") && text.contains("原单位工会") && !text.contains(CLAIM));

    // Before any decision every request reads "received".
    let before = statuses(&db, &dir);
    assert_eq!(
        status_for(JOIN, &before).unwrap().state,
        RequestState::Received
    );
    // The claim in this set names no campaign code: it is turned down, with the reason.
    let claim = status_for(CLAIM, &before).unwrap();
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
    let join = status_for(JOIN, &after).unwrap();
    assert_eq!(join.state, RequestState::Approved);
    assert_eq!(join.member_no.as_deref(), Some("3715002026000777"));
    assert_eq!(join.note.as_deref(), Some("欢迎加入"));
    let transfer = status_for(TRANSFER, &after).unwrap();
    assert_eq!(transfer.state, RequestState::Rejected);
    assert_eq!(transfer.member_no, None);
    assert_eq!(
        status_for(CARD, &after).unwrap().state,
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
    let db = intake_with_requests(&dir);
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
        format!("{name}:3: decision `yes`"),
        format!("{name}:4: an approval needs a member number"),
        format!("{name}:5: `{CLAIM}` is a claim request"),
        format!("{name}:6: no request with id"),
        format!("{name}:7: `{JOIN}` appears twice"),
    ] {
        assert!(said.contains(&expected), "missing `{expected}` in:\n{said}");
    }
    assert!(said.contains("nothing was recorded"), "{said}");
    // Line 2 was good, but nothing is recorded when any row is wrong.
    assert_eq!(
        status_for(JOIN, &statuses(&db, &dir)).unwrap().state,
        RequestState::Received
    );
}

fn claim(
    store: &Store,
    n: u32,
    campaign: &str,
    member_no: Option<&str>,
    code: &str,
    day: &str,
) -> String {
    let id = format!("00000000-0000-4000-8000-{n:012}");
    let code_ref = yizhan_core::feed::sha256_hex(code.as_bytes());
    let member = member_no.map_or("null".to_string(), |m| format!("\"{m}\""));
    let body = format!(
        r#"{{"id":"{id}","kind":"claim","created_at":"{day}T09:00:00+08:00","payload":{{"campaign":"{campaign}","member_no":{member},"code_ref":"{code_ref}"}}}}"#
    );
    store
        .save(&id, "claim", &format!("{day}T09:00:00+08:00"), &body)
        .unwrap();
    id
}

#[test]
fn claims_are_decided_by_the_campaign_rules_redemptions_recorded_and_cards_signed() {
    let dir = temp_dir("claims");
    let db = intake_with_requests(&dir);
    let store = Store::open(&db).unwrap();
    let a1 = claim(
        &store,
        1,
        "fit",
        Some("3715002026000001"),
        "CODEA1",
        "2026-11-05",
    );
    let a2 = claim(
        &store,
        2,
        "fit",
        Some("3715002026000001"),
        "CODEA2",
        "2026-11-06",
    );
    let none = claim(&store, 3, "fit", None, "CODEN", "2026-11-06");
    let b1 = claim(
        &store,
        4,
        "fit",
        Some("3715002026000002"),
        "CODEB1",
        "2026-11-07",
    );
    let c1 = claim(
        &store,
        5,
        "fit",
        Some("3715002026000003"),
        "CODEC1",
        "2026-11-08",
    );
    let late = claim(&store, 6, "gloves", None, "CODEL", "2027-01-02");
    let gloves = claim(&store, 7, "gloves", None, "CODEG", "2026-12-01");
    let unknown = claim(
        &store,
        8,
        "nope",
        Some("3715002026000001"),
        "CODEU",
        "2026-11-05",
    );
    // A venue used A1 (twice: the first use counts) and tried a code never issued.
    for (n, code) in [(90, "CODEA1"), (91, "CODEA1"), (92, "FORGED")] {
        let id = format!("00000000-0000-4000-8000-{n:012}");
        let body = format!(
            r#"{{"id":"{id}","kind":"redeem","created_at":"2026-11-10T10:00:00+08:00","payload":{{"code_ref":"{}","campaign":"fit","venue":"健身馆","used_at":"2026-11-10T10:00:00+08:00"}}}}"#,
            yizhan_core::feed::sha256_hex(code.as_bytes())
        );
        store
            .save(&id, "redeem", "2026-11-10T10:00:00+08:00", &body)
            .unwrap();
    }
    // The clerk approves the join request; the union signs cards.
    let key = dir.join("union.key");
    let run = Command::new(BIN)
        .args(["keygen", "--out", key.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(run.status.success());
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
        let s = status_for(id, &statuses).unwrap();
        (s.state.clone(), s.note.clone().unwrap_or_default())
    };
    assert_eq!(said(&a1).0, RequestState::Approved);
    assert_eq!(said(&a2), (RequestState::Rejected, "本月已领满".into()));
    assert_eq!(
        said(&none),
        (RequestState::Rejected, "仅限工会会员领取".into())
    );
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
        let r = yizhan_core::feed::sha256_hex(code.as_bytes());
        coupons
            .coupons
            .iter()
            .find(|c| c.reference == r)
            .map(|c| c.used.clone())
    };
    assert_eq!(used("CODEA1"), Some(Some("2026-11-10".into())));
    assert_eq!(used("CODEB1"), Some(None));
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
    let card = status_for(JOIN, &statuses)
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
        status_for(&a1, &again).unwrap().state,
        RequestState::Approved
    );
    let coupons_again: yizhan_core::feed::Coupons =
        serde_json::from_slice(&std::fs::read(out.join("coupons.json")).unwrap()).unwrap();
    assert_eq!(coupons_again.coupons.len(), 3);
}
