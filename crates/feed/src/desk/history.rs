//! A request's life at the desk: its decisions (the current one in `decisions`, every
//! one in `decision_history`) and the worker's supplements. `needs_info` is a loop: a
//! supplement received after the clerk asked for more puts the request back in the
//! queue, and the clerk's next decision is published for the original request (its
//! `updated` later than the `needs_info` one, sealed to the original's reply key).

use rusqlite::{params, Connection, OptionalExtension};
use yizhan_core::request::Request;

/// A decision as recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decided {
    pub decision: String,
    pub member_no: Option<String>,
    pub note: Option<String>,
    pub decided_at: String,
}

/// A worker's supplement to a request: its own id, when the intake received it, when
/// this desk stored it (its own clock; `None` if an older desk did), and what the
/// worker wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Supplemented {
    pub id: String,
    pub received_at: String,
    pub stored_at: Option<String>,
    pub note: String,
}

fn decided(r: &rusqlite::Row) -> rusqlite::Result<Decided> {
    Ok(Decided {
        decision: r.get(0)?,
        member_no: r.get(1)?,
        note: r.get(2)?,
        decided_at: r.get(3)?,
    })
}

/// The current decision on request `id`, if any.
pub fn decision_of(db: &Connection, id: &str) -> Result<Option<Decided>, String> {
    db.query_row(
        "SELECT decision, member_no, note, decided_at FROM decisions WHERE id = ?1",
        params![id],
        decided,
    )
    .optional()
    .map_err(|e| e.to_string())
}

/// Every decision recorded on request `id`, oldest first.
pub fn history_of(db: &Connection, id: &str) -> Result<Vec<Decided>, String> {
    let mut q = db
        .prepare(
            "SELECT decision, member_no, note, decided_at FROM decision_history
             WHERE id = ?1 ORDER BY n",
        )
        .map_err(|e| e.to_string())?;
    let rows = q
        .query_map(params![id], decided)
        .map_err(|e| e.to_string())?
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string());
    rows
}

/// The supplements the worker sent for request `id`, in the order received.
pub fn supplements_of(db: &Connection, id: &str) -> Result<Vec<Supplemented>, String> {
    let mut q = db
        .prepare(
            "SELECT id, received_at, payload, stored_at FROM requests
             WHERE kind = 'supplement' AND payload IS NOT NULL
             AND lower(json_extract(payload, '$.of')) = lower(?1)
             ORDER BY received_at, id",
        )
        .map_err(|e| e.to_string())?;
    let rows: Vec<(String, String, String, Option<String>)> = q
        .query_map(params![id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .map_err(|e| e.to_string())?
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    Ok(rows
        .into_iter()
        .filter_map(|(sid, received_at, payload, stored_at)| {
            match super::read_payload("supplement", &payload)?.0 {
                Request::Supplement(s) => Some(Supplemented {
                    id: sid,
                    received_at,
                    stored_at,
                    note: s.note,
                }),
                _ => None,
            }
        })
        .collect())
}

/// An RFC 3339 time as an instant: the intake's clock is UTC, the desk's China time,
/// so they are compared as instants, never as text.
fn instant(time: &str) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    chrono::DateTime::parse_from_rfc3339(time).ok()
}

/// Whether the clerk has request `id` (of a kind decided at the desk) to decide: never
/// decided, or asked for more information (`needs_info`) and a supplement came after:
/// stored by this desk no earlier than the question was recorded, both by this desk's
/// clock (the same second counts: better shown once too often than hidden), or, for
/// one an older desk stored, received by the intake after it.
pub fn awaits_decision(db: &Connection, id: &str) -> Result<bool, String> {
    let Some(current) = decision_of(db, id)? else {
        return Ok(true);
    };
    if current.decision != "needs_info" {
        return Ok(false);
    }
    let asked = instant(&current.decided_at);
    Ok(supplements_of(db, id)?.iter().any(|s| {
        let came = s.stored_at.as_deref().unwrap_or(&s.received_at);
        match (instant(came), asked) {
            (Some(came), Some(asked)) if s.stored_at.is_some() => came >= asked,
            (Some(came), Some(asked)) => came > asked,
            // A time that does not read: shown to the clerk rather than hidden.
            _ => true,
        }
    }))
}

/// The member number the clerk typed, as the app checks a card's number
/// ([`yizhan_core::wallet::MemberCard::from_form`]: 6–24 letters and digits,
/// full-width typing and spaces allowed), upper-case; `None` when it is not one.
pub fn member_number(typed: &str) -> Option<String> {
    yizhan_core::wallet::MemberCard::from_form("-", typed, None, None)
        .ok()
        .map(|card| card.member_no)
}

/// Records the clerk's decision on request `id` (the first, or a new one after a
/// supplement): `decisions` holds it, `decision_history` keeps every one. A new
/// decision is always dated after the one it replaces (a second later if the clock
/// says otherwise), so the app sees its `updated` move on.
pub fn decide(
    db: &Connection,
    id: &str,
    decision: &str,
    member_no: Option<&str>,
    note: Option<&str>,
    now: &str,
) -> Result<(), String> {
    let before = decision_of(db, id)?.and_then(|d| instant(&d.decided_at));
    let now = match (instant(now), before) {
        (Some(t), Some(b)) if t <= b => (b + chrono::TimeDelta::seconds(1)).to_rfc3339(),
        _ => now.to_string(),
    };
    db.execute(
        "INSERT INTO decisions (id, decision, member_no, note, decided_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(id) DO UPDATE SET decision = excluded.decision,
            member_no = excluded.member_no, note = excluded.note,
            decided_at = excluded.decided_at",
        params![id, decision, member_no, note, now],
    )
    .map(|_| ())
    .map_err(|e| format!("{id}: {e}"))
}
