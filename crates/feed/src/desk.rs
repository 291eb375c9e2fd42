//! The union desk: the intake's SQLite file in, spreadsheets out and back, statuses out.
//!
//! Clerks work in WPS or Excel, so a round is files and commands:
//! `export` writes the join, transfer and card requests awaiting a decision to a CSV
//! (UTF-8 with BOM, which both open as Chinese text) with three columns to fill
//! (`decision`, `member_no`, `note`); `import` reads it back, checking every row and
//! recording nothing if any row is wrong; `statuses` writes the `statuses` file that
//! `build` publishes (FEED.md: `ref` = SHA-256 of the request id, never the id).

use crate::Diagnostic;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;
use std::collections::HashSet;
use yizhan_core::feed::check::sha256_hex;

/// The request kinds a clerk decides (claims follow the campaign's rules instead).
pub const DECIDED_KINDS: [&str; 3] = ["join", "transfer", "card"];
/// The words of the `decision` column.
pub const DECISIONS: [&str; 3] = ["approved", "needs_info", "rejected"];

const COLUMNS: [&str; 13] = [
    "id",
    "kind",
    "received_at",
    "name",
    "phone",
    "id_number",
    "occupation",
    "employer",
    "union",
    "from_union",
    "decision",
    "member_no",
    "note",
];

/// Opens the intake's database for the desk, adding the desk's own table.
pub fn open(path: &str) -> Result<Connection, String> {
    if !std::path::Path::new(path).exists() {
        return Err(format!("{path}: no such database (the intake's --db file)"));
    }
    let db = Connection::open(path).map_err(|e| format!("{path}: {e}"))?;
    db.execute_batch(
        "CREATE TABLE IF NOT EXISTS decisions (
            id         TEXT PRIMARY KEY REFERENCES requests(id),
            decision   TEXT NOT NULL,
            member_no  TEXT,
            note       TEXT,
            decided_at TEXT NOT NULL
        );",
    )
    .map_err(|e| format!("{path}: {e}"))?;
    Ok(db)
}

struct Pending {
    id: String,
    kind: String,
    received_at: String,
    payload: Value,
}

fn pending(db: &Connection) -> rusqlite::Result<Vec<Pending>> {
    let mut query = db.prepare(
        "SELECT r.id, r.kind, r.received_at, r.body FROM requests r
         LEFT JOIN decisions d ON d.id = r.id
         WHERE d.id IS NULL AND r.kind IN ('join', 'transfer', 'card')
         ORDER BY r.received_at, r.id",
    )?;
    let rows = query.query_map([], |row| {
        let body: String = row.get(3)?;
        let payload = serde_json::from_str::<Value>(&body)
            .ok()
            .and_then(|v| v.get("payload").cloned())
            .unwrap_or(Value::Null);
        Ok(Pending {
            id: row.get(0)?,
            kind: row.get(1)?,
            received_at: row.get(2)?,
            payload,
        })
    })?;
    rows.collect()
}

/// The CSV of the requests awaiting a decision, and how many rows it has.
pub fn export(db: &Connection) -> Result<(Vec<u8>, usize), String> {
    let rows = pending(db).map_err(|e| e.to_string())?;
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut writer = csv::Writer::from_writer(&mut out);
        writer.write_record(COLUMNS).map_err(|e| e.to_string())?;
        for r in &rows {
            let field = |name: &str| {
                r.payload
                    .get(name)
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string()
            };
            writer
                .write_record([
                    r.id.clone(),
                    r.kind.clone(),
                    r.received_at.clone(),
                    field("name"),
                    field("phone"),
                    field("id_number"),
                    field("occupation"),
                    field("employer"),
                    field("union"),
                    field("from_union"),
                    String::new(),
                    field("member_no"),
                    String::new(),
                ])
                .map_err(|e| e.to_string())?;
        }
        writer.flush().map_err(|e| e.to_string())?;
    }
    Ok((out, rows.len()))
}

/// One decision read from a filled CSV.
#[derive(Debug, PartialEq, Eq)]
pub struct Decision {
    pub id: String,
    pub decision: String,
    pub member_no: Option<String>,
    pub note: Option<String>,
}

/// Reads a filled CSV (rows left without a decision are skipped), checking every row:
/// the request exists, is a join/transfer/card request not decided before nor twice
/// in the file; the decision is one of [`DECISIONS`]; an approval carries a member
/// number (6–24 letters and digits, full-width typing allowed). Every bad row is one
/// `FILE:LINE: reason`.
pub fn read_decisions(
    db: &Connection,
    file: &str,
    bytes: &[u8],
) -> Result<Vec<Decision>, Vec<Diagnostic>> {
    let error = |line: u64, message: String| Diagnostic {
        file: file.to_string(),
        line,
        message,
        warning: false,
    };
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.trim_start_matches('\u{feff}'),
        Err(_) => {
            return Err(vec![error(
                1,
                "not UTF-8: save the sheet as \"CSV UTF-8\"".into(),
            )])
        }
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_string()).collect(),
        Err(e) => return Err(vec![error(1, format!("no header row: {e}"))]),
    };
    let column = |name: &str| header.iter().position(|h| h == name);
    let (Some(c_id), Some(c_decision), Some(c_member), Some(c_note)) = (
        column("id"),
        column("decision"),
        column("member_no"),
        column("note"),
    ) else {
        return Err(vec![error(
            1,
            "the header needs the columns id, decision, member_no and note".into(),
        )]);
    };
    let mut decisions = Vec::new();
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    for (i, record) in reader.records().enumerate() {
        let line = i as u64 + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(error(line, format!("unreadable row: {e}")));
                continue;
            }
        };
        let get = |c: usize| record.get(c).unwrap_or("").trim().to_string();
        let (id, decision) = (get(c_id), get(c_decision));
        if decision.is_empty() {
            continue; // not decided yet: stays pending
        }
        if !DECISIONS.contains(&decision.as_str()) {
            errors.push(error(
                line,
                format!(
                    "decision `{decision}` must be one of {}",
                    DECISIONS.join(", ")
                ),
            ));
            continue;
        }
        let kind: Option<String> = db
            .query_row("SELECT kind FROM requests WHERE id = ?1", [&id], |r| {
                r.get(0)
            })
            .optional()
            .unwrap_or(None);
        match kind.as_deref() {
            None => {
                errors.push(error(line, format!("no request with id `{id}`")));
                continue;
            }
            Some(k) if !DECIDED_KINDS.contains(&k) => {
                errors.push(error(
                    line,
                    format!("`{id}` is a {k} request, not decided at the desk"),
                ));
                continue;
            }
            _ => {}
        }
        let decided: bool = db
            .query_row("SELECT 1 FROM decisions WHERE id = ?1", [&id], |_| Ok(true))
            .optional()
            .unwrap_or(None)
            .unwrap_or(false);
        if decided {
            errors.push(error(
                line,
                format!("`{id}` was decided before; a decision is recorded once"),
            ));
            continue;
        }
        if !seen.insert(id.clone()) {
            errors.push(error(line, format!("`{id}` appears twice in this file")));
            continue;
        }
        let member_no: String = yizhan_core::text::normalize_width(&get(c_member))
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        if decision == "approved"
            && (!(6..=24).contains(&member_no.len())
                || !member_no.chars().all(|c| c.is_ascii_alphanumeric()))
        {
            errors.push(error(
                line,
                "an approval needs a member number of 6 to 24 letters and digits".into(),
            ));
            continue;
        }
        let note = get(c_note);
        decisions.push(Decision {
            id,
            decision,
            member_no: (!member_no.is_empty()).then_some(member_no),
            note: (!note.is_empty()).then_some(note),
        });
    }
    if errors.is_empty() {
        Ok(decisions)
    } else {
        Err(errors)
    }
}

/// Records the decisions in one transaction: all or none.
pub fn record(db: &mut Connection, decisions: &[Decision], now: &str) -> Result<(), String> {
    let tx = db.transaction().map_err(|e| e.to_string())?;
    for d in decisions {
        tx.execute(
            "INSERT INTO decisions (id, decision, member_no, note, decided_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![d.id, d.decision, d.member_no, d.note, now],
        )
        .map_err(|e| format!("{}: {e}", d.id))?;
    }
    tx.commit().map_err(|e| e.to_string())
}

/// The `statuses` file for `build`: every join, transfer and card request, `received`
/// until decided, then the decision (with the member number of an approval).
pub fn statuses(db: &Connection) -> Result<Value, String> {
    let mut query = db
        .prepare(
            "SELECT r.id, d.decision, d.member_no, d.note, COALESCE(d.decided_at, r.received_at)
             FROM requests r LEFT JOIN decisions d ON d.id = r.id
             WHERE r.kind IN ('join', 'transfer', 'card') ORDER BY r.id",
        )
        .map_err(|e| e.to_string())?;
    let rows = query
        .query_map([], |row| {
            let id: String = row.get(0)?;
            let state: Option<String> = row.get(1)?;
            let member_no: Option<String> = row.get(2)?;
            let note: Option<String> = row.get(3)?;
            let updated: String = row.get(4)?;
            let mut status = serde_json::json!({
                "ref": sha256_hex(id.as_bytes()),
                "state": state.as_deref().unwrap_or("received"),
                "updated": updated,
            });
            if let Some(no) = member_no.filter(|_| state.as_deref() == Some("approved")) {
                status["member_no"] = Value::from(no);
            }
            if let Some(note) = note {
                status["note"] = Value::from(note);
            }
            Ok(status)
        })
        .map_err(|e| e.to_string())?;
    let list: Result<Vec<Value>, _> = rows.collect();
    Ok(serde_json::json!({ "statuses": list.map_err(|e| e.to_string())? }))
}
