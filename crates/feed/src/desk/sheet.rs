//! The clerk's sheet: `export` writes the join, transfer and card requests awaiting a
//! decision to a CSV (UTF-8 with BOM, which WPS and Excel both open as Chinese text)
//! with three columns to fill (`decision`, `member_no`, `note`); `import` reads it
//! back, checking every row and recording nothing if any row is wrong.

use super::{decided_by_clerk, held, held_one};
use crate::Diagnostic;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::HashSet;
use yizhan_core::request::Request;

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

/// The CSV of the requests awaiting a decision, and how many rows it has. Requests
/// held with a problem are not in it (`desk problems` lists them).
pub fn export(db: &Connection) -> Result<(Vec<u8>, usize), String> {
    let rows: Vec<_> = held(db, true)?
        .into_iter()
        .filter(|h| decided_by_clerk(&h.request))
        .collect();
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut writer = csv::Writer::from_writer(&mut out);
        writer.write_record(COLUMNS).map_err(|e| e.to_string())?;
        for r in &rows {
            // name, phone, id_number, occupation, employer, union, from_union, member_no
            let fields: [&str; 8] = match &r.request {
                Request::Join(a) | Request::Transfer(a) => [
                    &a.name,
                    &a.phone,
                    &a.id_number,
                    &a.occupation,
                    &a.employer,
                    &a.union,
                    a.from_union.as_deref().unwrap_or(""),
                    "",
                ],
                Request::Card(c) => [
                    &c.name,
                    "",
                    &c.id_number,
                    "",
                    "",
                    &c.union,
                    "",
                    &c.member_no,
                ],
                Request::Claim(_) | Request::Report(_) | Request::Redeem(_) => continue,
            };
            let [name, phone, id_number, occupation, employer, union, from_union, member_no] =
                fields;
            writer
                .write_record([
                    r.id.as_str(),
                    r.request.kind(),
                    r.received_at.as_str(),
                    name,
                    phone,
                    id_number,
                    occupation,
                    employer,
                    union,
                    from_union,
                    "",
                    member_no,
                    "",
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
        match held_one(db, &id) {
            Err(e) => {
                errors.push(error(line, e));
                continue;
            }
            Ok(None) => {
                let problem: Option<String> = db
                    .query_row(
                        "SELECT problem FROM requests WHERE id = ?1",
                        params![id],
                        |r| r.get(0),
                    )
                    .optional()
                    .unwrap_or(None);
                errors.push(error(
                    line,
                    match problem {
                        Some(p) => {
                            format!("`{id}` is held with a problem and cannot be decided: {p}")
                        }
                        None => format!("no request with id `{id}`"),
                    },
                ));
                continue;
            }
            Ok(Some(held)) if !decided_by_clerk(&held.request) => {
                errors.push(error(
                    line,
                    format!(
                        "`{id}` is a {} request, not decided at the desk",
                        held.request.kind()
                    ),
                ));
                continue;
            }
            Ok(Some(_)) => {}
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
