//! The union desk as a clerk runs it: the real `yizhan-feed desk …` commands on a real
//! desk database (filled by the desk's own `store_received`, as `desk pull` fills it)
//! and real CSV files; sealed requests sealed as the app seals them.
//! The helpers every test shares are here; the tests are by concern: the clerk's round
//! trip (`round.rs`), sealed requests and published statuses (`sealed.rs`), the
//! union's key and the cards it signs (`cards.rs`), coupons (`coupons.rs`).

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

mod cards;
#[path = "../common/mod.rs"]
mod common;
mod coupons;
mod round;
mod sealed;

use common::{plain, temp_dir};

const BIN: &str = env!("CARGO_BIN_EXE_yizhan-feed");
const JOIN: &str = "00000000-0000-4000-8000-00000000000a";
const TRANSFER: &str = "00000000-0000-4000-8000-00000000000b";
const CLAIM: &str = "00000000-0000-4000-8000-00000000000c";
const CARD: &str = "00000000-0000-4000-8000-00000000000d";
/// When the phones made the requests, and when the intake received them (UTC).
const CREATED: &str = "2026-11-23T10:00:00+08:00";
const RECEIVED: &str = "2026-11-23T02:00:05Z";

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
        plain(JOIN, "join", CREATED, RECEIVED, &application("王五", "")),
        plain(
            TRANSFER,
            "transfer",
            CREATED,
            RECEIVED,
            &application("赵六", r#","from_union":"原单位工会""#),
        ),
        plain(
            CLAIM,
            "claim",
            CREATED,
            RECEIVED,
            r#"{"campaign_id":"nope","coupon_id":"c1","code_ref":"x"}"#,
        ),
        plain(
            CARD,
            "card",
            CREATED,
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
