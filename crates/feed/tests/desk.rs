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

fn statuses(db: &Path, dir: &Path) -> Statuses {
    let out = dir.join("statuses.json");
    let run = desk(&["statuses", "--out", out.to_str().unwrap()], db);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    serde_json::from_slice(&std::fs::read(out).unwrap()).unwrap()
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
    assert!(status_for(CLAIM, &before).is_none());

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
        !std::fs::read_to_string(dir.join("statuses.json"))
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
