//! `desk purge`: once requests are decided, the desk keeps what the roster needs (name,
//! member number, union, occupation, employer, the decision and its history, the
//! worker's supplements as text) and nothing more: the ID number and phone leave the
//! stored payload, and the envelope (the request's and its supplements') loses its sealed box
//! (which the desk key would open again) and its plain payload. `VACUUM` then rewrites
//! the file, so the bytes leave the disk's copy of the database too.

use chrono::NaiveDate;
use rusqlite::{params, Connection};
use serde_json::{Map, Value};

/// The payload fields a purge empties. They stay as empty strings, so the payload
/// still reads as its kind's request (the statuses and the roster go on reading it).
const PERSONAL: [&str; 2] = ["id_number", "phone"];

/// Purges the requests decided and received (China-local day) before `before`; returns
/// how many were changed. Purging again changes nothing.
pub fn purge(db: &mut Connection, before: NaiveDate) -> Result<usize, String> {
    let tx = db.transaction().map_err(|e| e.to_string())?;
    let rows: Vec<(String, String, String, Option<String>)> = {
        let mut q = tx
            .prepare(
                "SELECT r.id, r.received_at, r.envelope, r.payload FROM requests r
                 JOIN decisions d ON d.id = r.id
                 UNION ALL
                 -- The worker's supplements to a decided request go with it.
                 SELECT s.id, s.received_at, s.envelope, s.payload FROM requests s
                 JOIN decisions d ON d.id = lower(json_extract(s.payload, '$.of'))
                 WHERE s.kind = 'supplement'",
            )
            .map_err(|e| e.to_string())?;
        let rows = q
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .map_err(|e| e.to_string())?;
        rows.collect::<Result<_, _>>().map_err(|e| e.to_string())?
    };
    let mut purged = 0;
    for (id, received_at, envelope, payload) in rows {
        if super::china_day(&received_at).is_none_or(|day| day >= before) {
            continue;
        }
        let mut changed = false;
        let envelope = match serde_json::from_str::<Map<String, Value>>(&envelope) {
            Ok(mut e) => {
                for field in ["sealed", "payload"] {
                    changed |= e.remove(field).is_some();
                }
                if changed {
                    e.insert("purged".into(), Value::from(before.to_string()));
                }
                Value::Object(e).to_string()
            }
            Err(_) => {
                changed = true;
                "{}".to_string()
            }
        };
        let payload = match payload.map(|p| serde_json::from_str::<Map<String, Value>>(&p)) {
            Some(Ok(mut p)) => {
                for field in PERSONAL {
                    if p.get(field).is_some_and(|v| v != "") {
                        p.insert(field.into(), Value::from(""));
                        changed = true;
                    }
                }
                Some(Value::Object(p).to_string())
            }
            Some(Err(_)) => {
                changed = true;
                None
            }
            None => None,
        };
        if changed {
            tx.execute(
                "UPDATE requests SET envelope = ?2, payload = ?3 WHERE id = ?1",
                params![id, envelope, payload],
            )
            .map_err(|e| e.to_string())?;
            purged += 1;
        }
    }
    tx.commit().map_err(|e| e.to_string())?;
    // Rewrite the file without the old pages, and empty the WAL that held them.
    db.execute_batch("VACUUM; PRAGMA wal_checkpoint(TRUNCATE);")
        .map_err(|e| e.to_string())?;
    Ok(purged)
}
