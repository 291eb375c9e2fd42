//! The union desk on the clerk's computer: its own SQLite file, filled by `pull` from
//! the intake's desk API, spreadsheets out and back, statuses out.
//!
//! The intake is a mailbox on the open internet that holds sealed requests only; the
//! desk pulls them ([`pull`]), opens them with its private key and keeps them here.
//! Clerks work in WPS or Excel, so a round is files and commands: [`sheet`] writes the
//! requests awaiting a decision to a CSV and reads the decisions back, [`coupons`]
//! decides the coupon claims by the campaigns' rules, [`statuses`] writes the
//! `statuses` file that `build` publishes (sealed to each request's `reply_key`), and
//! [`purge`] removes what the roster does not need once requests are decided.
//!
//! Every request is read through the core's [`Request`] type ([`held`]): one copy of
//! each kind's fields, here as in the app and the intake.

pub mod coupons;
pub mod history;
pub mod pull;
pub mod purge;
pub mod sheet;
pub mod statuses;
pub mod web;
pub mod words;

pub use coupons::{
    campaigns_left, coupons, decide_claim, decide_claims, record_redemptions, ClaimIn, Granted,
};
pub use history::{
    awaits_decision, decide, decision_of, history_of, member_number, supplements_of, Decided,
    Supplemented,
};
pub use pull::{pull, retry_held, store_received, PullSummary, Stored};
pub use purge::purge;
pub use sheet::{export, read_decisions, record, Decision, DECISIONS};
pub use statuses::{statuses, CardSigning};

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use std::path::Path;
use yizhan_core::request::Request;

/// The desk's tables. `requests.envelope` is the envelope as received (its `sealed` box
/// or plain `payload`), `payload` the opened (or plain) payload once it reads as its
/// kind's request, `problem` why it does not (then `payload` is NULL, and every pull
/// tries again).
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS requests (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    received_at TEXT NOT NULL,
    envelope    TEXT NOT NULL,
    payload     TEXT NULL,
    problem     TEXT NULL,
    -- When this desk stored it, by its own clock (NULL: stored by an older desk).
    stored_at   TEXT NULL
);
-- A box that does not open is looked up among the others (moved from another
-- request?): by index, or thousands of junk boxes would make every pull crawl.
CREATE INDEX IF NOT EXISTS requests_box ON requests (json_extract(envelope, '$.sealed.enc'));
-- Every pull retries the requests held with a problem.
CREATE INDEX IF NOT EXISTS requests_waiting ON requests (payload) WHERE payload IS NULL;
CREATE TABLE IF NOT EXISTS decisions (
    id         TEXT PRIMARY KEY REFERENCES requests(id),
    decision   TEXT NOT NULL,
    member_no  TEXT,
    note       TEXT,
    decided_at TEXT NOT NULL
);
-- Every decision ever recorded, oldest first: `decisions` holds the current one (a
-- needs_info answered by a supplement is decided again), this table the history. The
-- triggers keep it, whichever command writes `decisions`.
CREATE TABLE IF NOT EXISTS decision_history (
    n          INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT NOT NULL REFERENCES requests(id),
    decision   TEXT NOT NULL,
    member_no  TEXT,
    note       TEXT,
    decided_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS decision_history_id ON decision_history (id);
CREATE TRIGGER IF NOT EXISTS decisions_kept AFTER INSERT ON decisions BEGIN
    INSERT INTO decision_history (id, decision, member_no, note, decided_at)
    VALUES (NEW.id, NEW.decision, NEW.member_no, NEW.note, NEW.decided_at);
END;
CREATE TRIGGER IF NOT EXISTS decisions_kept_again AFTER UPDATE ON decisions BEGIN
    INSERT INTO decision_history (id, decision, member_no, note, decided_at)
    VALUES (NEW.id, NEW.decision, NEW.member_no, NEW.note, NEW.decided_at);
END;
-- A worker's supplement is found by the request it completes.
CREATE INDEX IF NOT EXISTS requests_supplement ON requests (json_extract(payload, '$.of'))
    WHERE kind = 'supplement';
CREATE TABLE IF NOT EXISTS grants (
    code_ref  TEXT PRIMARY KEY,
    campaign  TEXT NOT NULL,
    member_no TEXT,
    day       TEXT NOT NULL,
    claim_id  TEXT NOT NULL REFERENCES requests(id)
);
CREATE TABLE IF NOT EXISTS redemptions (
    code_ref   TEXT PRIMARY KEY,
    used_at    TEXT NOT NULL,
    venue      TEXT,
    request_id TEXT NOT NULL REFERENCES requests(id)
);";

/// Opens the desk's database, which must exist (`desk pull` creates it).
pub fn open(path: &str) -> Result<Connection, String> {
    if !Path::new(path).exists() {
        return Err(format!(
            "{path}: no such desk database (`yizhan-feed desk pull --db {path} …` creates it)"
        ));
    }
    open_or_create(path)
}

/// Writes `bytes` to `path` (replacing it) readable and writable by this account only
/// (mode 0600 on Unix): what the desk writes holds personal data.
/// `write_private("pending.csv", &bytes)?`.
pub fn write_private(path: &str, bytes: &[u8]) -> Result<(), String> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .map_err(|e| format!("writing {path}: {e}"))?;
    // A file that existed keeps its mode through `open`: narrow it too.
    #[cfg(unix)]
    std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(0o600))
        .map_err(|e| format!("{path}: {e}"))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| format!("writing {path}: {e}"))
}

/// Opens the desk's database, creating it when missing (`desk pull`). Commits are on
/// disk when they return: WAL with `synchronous=FULL`.
pub fn open_or_create(path: &str) -> Result<Connection, String> {
    // A new database is made readable by this account only (SQLite gives its WAL and
    // shared-memory files the same permissions): it will hold ID numbers.
    if !std::path::Path::new(path).exists() {
        write_private(path, b"")?;
    }
    let db = Connection::open(path).map_err(|e| format!("{path}: {e}"))?;
    let old_layout: bool = db
        .query_row(
            "SELECT COUNT(*) FROM pragma_table_info('requests') WHERE name = 'body'",
            [],
            |r| r.get::<_, i64>(0),
        )
        .map_err(|e| format!("{path}: {e}"))?
        > 0;
    if old_layout {
        return Err(format!(
            "{path} is an intake's database, not the desk's: the desk keeps its own file \
             and pulls from the intake (`desk pull --from URL --db desk.sqlite …`)"
        ));
    }
    db.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA secure_delete = ON;",
    )
    .map_err(|e| format!("{path}: {e}"))?;
    db.execute_batch(SCHEMA)
        .map_err(|e| format!("{path}: {e}"))?;
    migrate(&db).map_err(|e| format!("{path}: {e}"))?;
    Ok(db)
}

/// Brings a desk database written by an older desk up to this one's layout, keeping
/// every row: version 1 added `decision_history`, filled here from the decisions an
/// older desk recorded (one each, as it kept no more), and `requests.stored_at`
/// (empty for the requests stored before).
fn migrate(db: &Connection) -> rusqlite::Result<()> {
    let version: i64 = db.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let has_stored_at: bool = db.query_row(
        "SELECT COUNT(*) FROM pragma_table_info('requests') WHERE name = 'stored_at'",
        [],
        |r| r.get::<_, i64>(0),
    )? > 0;
    if !has_stored_at {
        db.execute_batch("ALTER TABLE requests ADD COLUMN stored_at TEXT NULL;")?;
    }
    if version < 1 {
        db.execute_batch(
            "BEGIN IMMEDIATE;
             INSERT INTO decision_history (id, decision, member_no, note, decided_at)
                SELECT id, decision, member_no, note, decided_at FROM decisions
                WHERE id NOT IN (SELECT id FROM decision_history) ORDER BY decided_at, id;
             PRAGMA user_version = 1;
             COMMIT;",
        )?;
    }
    Ok(())
}

/// The request kinds a clerk decides in the sheet (claims follow the campaign's
/// rules; reports and redemptions are not answered).
pub fn decided_by_clerk(request: &Request) -> bool {
    match request {
        Request::Join(_) | Request::Transfer(_) | Request::Card(_) => true,
        Request::Claim(_) | Request::Report(_) | Request::Redeem(_) | Request::Supplement(_) => {
            false
        }
    }
}

/// The kinds the worker's app waits an answer for in `statuses`. A station report has
/// no reply key: its answer is published plain (the clerk's note is public).
pub fn answered(request: &Request) -> bool {
    match request {
        Request::Claim(_) | Request::Report(_) => true,
        other => decided_by_clerk(other),
    }
}

/// A request the desk holds whose payload reads as its kind's request.
#[derive(Clone, Debug)]
pub struct Held {
    pub id: String,
    pub received_at: String,
    pub request: Request,
    /// The device's key for a sealed answer (base64 of 32 bytes), when it sent one.
    pub reply_key: Option<String>,
}

/// Reads a stored payload: its request, and the `reply_key` it carries. `None` when
/// it is not `kind`'s request.
pub fn read_payload(kind: &str, payload: &str) -> Option<(Request, Option<String>)> {
    let raw: Box<serde_json::value::RawValue> = serde_json::from_str(payload).ok()?;
    let request = Request::from_parts(kind, &raw)?;
    let reply_key = yizhan_core::seal::reply_key_of(payload);
    Some((request, reply_key))
}

/// The requests held without a problem, in the order received, that are not decided
/// yet (`undecided`) or all of them.
pub fn held(db: &Connection, undecided: bool) -> Result<Vec<Held>, String> {
    let sql = format!(
        "SELECT r.id, r.kind, r.received_at, r.payload FROM requests r
         LEFT JOIN decisions d ON d.id = r.id
         WHERE r.problem IS NULL AND r.payload IS NOT NULL {}
         ORDER BY r.received_at, r.id",
        if undecided { "AND d.id IS NULL" } else { "" }
    );
    let mut query = db.prepare(&sql).map_err(|e| e.to_string())?;
    let rows: Vec<(String, String, String, String)> = query
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .map_err(|e| e.to_string())?
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, kind, received_at, payload)| {
            let (request, reply_key) = read_payload(&kind, &payload)?;
            Some(Held {
                id,
                received_at,
                request,
                reply_key,
            })
        })
        .collect())
}

/// One request held, if it is held without a problem.
pub fn held_one(db: &Connection, id: &str) -> Result<Option<Held>, String> {
    let row: Option<(String, String, Option<String>)> = db
        .query_row(
            "SELECT kind, received_at, payload FROM requests WHERE id = ?1",
            params![id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()
        .map_err(|e| e.to_string())?;
    Ok(row.and_then(|(kind, received_at, payload)| {
        let (request, reply_key) = read_payload(&kind, payload.as_deref()?)?;
        Some(Held {
            id: id.to_string(),
            received_at,
            request,
            reply_key,
        })
    }))
}

/// The requests held with a problem: `(id, kind, problem)`, in the order received.
pub fn problems(db: &Connection) -> Result<Vec<(String, String, String)>, String> {
    let mut query = db
        .prepare(
            "SELECT id, kind, problem FROM requests WHERE problem IS NOT NULL
             ORDER BY received_at, id",
        )
        .map_err(|e| e.to_string())?;
    let rows = query
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .map_err(|e| e.to_string())?
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string());
    rows
}

/// Now, China time, RFC 3339 ("2026-11-23T10:00:05+08:00"): when a decision is made.
pub fn now_china() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs() as f64);
    yizhan_core::time::rfc3339_china(yizhan_core::time::china_local(secs * 1000.0))
}

/// The China-local day of an RFC 3339 time (the intake's `received_at`, in UTC), or
/// of its first ten characters when it does not parse as one.
pub fn china_day(time: &str) -> Option<NaiveDate> {
    let china = chrono::FixedOffset::east_opt(8 * 3600)?;
    chrono::DateTime::parse_from_rfc3339(time)
        .ok()
        .map(|t| t.with_timezone(&china).date_naive())
        .or_else(|| NaiveDate::parse_from_str(time.get(..10)?, "%Y-%m-%d").ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_is_the_china_local_day_of_the_intake_clock() {
        let day = |s: &str| china_day(s).map(|d| d.to_string());
        assert_eq!(day("2026-11-30T15:59:59Z").as_deref(), Some("2026-11-30"));
        assert_eq!(day("2026-11-30T16:00:00Z").as_deref(), Some("2026-12-01"));
        assert_eq!(
            day("2026-12-01T00:30:00+08:00").as_deref(),
            Some("2026-12-01")
        );
        assert_eq!(day("2026-12-01").as_deref(), Some("2026-12-01"));
        assert_eq!(day("soon"), None);
    }

    #[test]
    fn the_clerk_decides_joins_transfers_and_cards_and_claims_and_reports_are_answered_too() {
        let read = |kind: &str, payload: &str| read_payload(kind, payload).unwrap().0;
        let join = read(
            "join",
            r#"{"name":"王五","phone":"1","id_number":"2","occupation":"courier","union":"u"}"#,
        );
        let claim = read(
            "claim",
            r#"{"campaign_id":"fit","coupon_id":"c","code_ref":"r"}"#,
        );
        let report = read("report", r#"{"station_id":"s","problem":"moved"}"#);
        assert!(decided_by_clerk(&join) && answered(&join));
        assert!(!decided_by_clerk(&claim) && answered(&claim));
        // A report's outcome is published plain (it carries no reply key).
        assert!(!decided_by_clerk(&report) && answered(&report));
        let (_, key) = read_payload("join", r#"{"reply_key":"S0VZ","name":"王五","phone":"1","id_number":"2","occupation":"courier","union":"u"}"#).unwrap();
        assert_eq!(key.as_deref(), Some("S0VZ"));
        assert!(read_payload("join", r#"{"station_id":"s"}"#).is_none());
    }
}
