//! The union desk: the intake's SQLite file in, spreadsheets out and back, statuses out.
//!
//! Clerks work in WPS or Excel, so a round is files and commands:
//! `export` writes the join, transfer and card requests awaiting a decision to a CSV
//! (UTF-8 with BOM, which both open as Chinese text) with three columns to fill
//! (`decision`, `member_no`, `note`); `import` reads it back, checking every row and
//! recording nothing if any row is wrong; `statuses` writes the `statuses` file that
//! `build` publishes (FEED.md: `ref` = SHA-256 of the request id, never the id).

use crate::Diagnostic;
use chrono::{Datelike, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use yizhan_core::feed::check::sha256_hex;
use yizhan_core::feed::Campaign;

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

/// How the union signs the cards of approved requests: its key file's text and the
/// date the cards are valid until.
pub struct CardSigning<'a> {
    pub key_file_text: &'a str,
    pub valid_until: &'a str,
}

/// The `statuses` file for `build`: every join, transfer, card and claim request,
/// `received` until decided, then the decision (an approval with its member number
/// and, when `signing` is given, the card signed by the union).
pub fn statuses(db: &Connection, signing: Option<&CardSigning>) -> Result<Value, String> {
    let mut query = db
        .prepare(
            "SELECT r.id, r.kind, r.body, d.decision, d.member_no, d.note, COALESCE(d.decided_at, r.received_at)
             FROM requests r LEFT JOIN decisions d ON d.id = r.id
             WHERE r.kind IN ('join', 'transfer', 'card', 'claim') ORDER BY r.id",
        )
        .map_err(|e| e.to_string())?;
    type Row = (
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        String,
    );
    let rows: Vec<Row> = query
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })
        .map_err(|e| e.to_string())?
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    let mut list = Vec::with_capacity(rows.len());
    for (id, kind, body, state, member_no, note, updated) in rows {
        let approved = state.as_deref() == Some("approved");
        let mut status = serde_json::json!({
            "ref": sha256_hex(id.as_bytes()),
            "state": state.as_deref().unwrap_or("received"),
            "updated": updated,
        });
        if let Some(no) = member_no.filter(|_| approved && kind != "claim") {
            if let Some(signing) = signing {
                let payload = serde_json::from_str::<Value>(&body)
                    .ok()
                    .and_then(|v| v.get("payload").cloned());
                let field = |name: &str| {
                    payload
                        .as_ref()
                        .and_then(|p| p.get(name))
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string()
                };
                let (name, union) = (field("name"), field("union"));
                let text = yizhan_core::card::signed_text(&no, &name, &union, signing.valid_until);
                let sig = crate::keys::sign(signing.key_file_text, text.as_bytes())?;
                status["card"] = serde_json::json!({
                    "member_no": no, "name": name, "union": union,
                    "valid_until": signing.valid_until, "sig": sig,
                });
            }
            status["member_no"] = Value::from(no);
        }
        if let Some(note) = note {
            status["note"] = Value::from(note);
        }
        list.push(status);
    }
    Ok(serde_json::json!({ "statuses": list }))
}

/// A coupon claim as the desk reads it from the intake.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimIn {
    pub id: String,
    pub campaign: String,
    pub member_no: Option<String>,
    /// SHA-256 (hex) of the coupon code, upper-case without dashes (FEED.md).
    pub code_ref: String,
    /// The China-local day the worker claimed it.
    pub day: NaiveDate,
}

/// A coupon issued: what counts against a campaign's and a member's limits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Granted {
    pub code_ref: String,
    pub campaign: String,
    pub member_no: Option<String>,
    pub day: NaiveDate,
}

/// Decides one claim by its campaign's rules, first come first served: `Ok(())` grants
/// it, `Err(reason)` turns it down with the reason in words (shown to the worker).
/// `granted` holds every coupon issued so far, this round's from index `this_round`
/// on: a campaign's `remaining` (as last published) bounds this round, and its `total`
/// bounds all rounds (so a stale campaigns file cannot issue more than the total).
pub fn decide_claim(
    claim: &ClaimIn,
    campaigns: &[Campaign],
    granted: &[Granted],
    this_round: usize,
) -> Result<(), String> {
    let Some(campaign) = campaigns.iter().find(|c| c.id == claim.campaign) else {
        return Err("没有这个活动".into());
    };
    if claim.day < campaign.valid_from || claim.day > campaign.valid_until {
        return Err("领取时不在活动有效期内".into());
    }
    if campaign.members_only && claim.member_no.is_none() {
        return Err("仅限工会会员领取".into());
    }
    if granted.iter().any(|g| g.code_ref == claim.code_ref) {
        return Err("券码重复，请重新领取".into());
    }
    let of_campaign =
        |list: &[Granted]| list.iter().filter(|g| g.campaign == campaign.id).count() as u64;
    let issued_now = of_campaign(granted.get(this_round..).unwrap_or_default());
    if campaign
        .total
        .is_some_and(|total| of_campaign(granted) >= total)
        || campaign.remaining.is_some_and(|left| issued_now >= left)
    {
        return Err("已发完".into());
    }
    if let (Some(limit), Some(member)) = (campaign.per_member, claim.member_no.as_ref()) {
        let monthly = campaign.period.as_deref() == Some("month");
        let same_period = |day: NaiveDate| {
            !monthly || (day.year(), day.month()) == (claim.day.year(), claim.day.month())
        };
        let mine = granted
            .iter()
            .filter(|g| {
                g.campaign == campaign.id
                    && g.member_no.as_ref() == Some(member)
                    && same_period(g.day)
            })
            .count();
        if mine as u64 >= u64::from(limit) {
            return Err(if monthly {
                "本月已领满".into()
            } else {
                "本活动已领满".into()
            });
        }
    }
    Ok(())
}

fn claim_of(id: String, body: &str, received_at: &str) -> Option<ClaimIn> {
    let value: Value = serde_json::from_str(body).ok()?;
    let payload = value.get("payload")?;
    let text = |name: &str| {
        payload
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let code_ref = text("code_ref").or_else(|| {
        // An app from before the union desk sent the code itself.
        text("code").map(|c| yizhan_core::coupon_code::code_ref(&c))
    })?;
    let when = value
        .get("created_at")
        .and_then(Value::as_str)
        .unwrap_or(received_at);
    let day = NaiveDate::parse_from_str(when.get(..10)?, "%Y-%m-%d")
        .ok()
        .or_else(|| NaiveDate::parse_from_str(received_at.get(..10)?, "%Y-%m-%d").ok())?;
    Some(ClaimIn {
        id,
        campaign: text("campaign").or_else(|| text("campaign_id"))?,
        member_no: text("member_no").filter(|m| !m.is_empty()),
        code_ref: code_ref.to_ascii_lowercase(),
        day,
    })
}

fn ensure_coupon_tables(db: &Connection) -> rusqlite::Result<()> {
    db.execute_batch(
        "CREATE TABLE IF NOT EXISTS grants (
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
        );",
    )
}

/// Decides every claim not decided yet, in the order received, by `campaigns`' rules;
/// records all in one transaction. Returns the coupons issued per campaign, and how
/// many claims were turned down.
pub fn decide_claims(
    db: &mut Connection,
    campaigns: &[Campaign],
    now: &str,
) -> Result<(HashMap<String, u64>, usize), String> {
    ensure_coupon_tables(db).map_err(|e| e.to_string())?;
    let tx = db.transaction().map_err(|e| e.to_string())?;
    let mut granted: Vec<Granted> = {
        let mut q = tx
            .prepare("SELECT code_ref, campaign, member_no, day FROM grants")
            .map_err(|e| e.to_string())?;
        let rows = q
            .query_map([], |r| {
                let day: String = r.get(3)?;
                Ok(Granted {
                    code_ref: r.get(0)?,
                    campaign: r.get(1)?,
                    member_no: r.get(2)?,
                    day: NaiveDate::parse_from_str(&day, "%Y-%m-%d").unwrap_or_default(),
                })
            })
            .map_err(|e| e.to_string())?;
        rows.collect::<Result<_, _>>().map_err(|e| e.to_string())?
    };
    let claims: Vec<(String, String, String)> = {
        let mut q = tx
            .prepare(
                "SELECT r.id, r.body, r.received_at FROM requests r LEFT JOIN decisions d ON d.id = r.id
                 WHERE r.kind = 'claim' AND d.id IS NULL ORDER BY r.received_at, r.id",
            )
            .map_err(|e| e.to_string())?;
        let rows = q
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .map_err(|e| e.to_string())?;
        rows.collect::<Result<_, _>>().map_err(|e| e.to_string())?
    };
    let (mut yes, mut no) = (HashMap::<String, u64>::new(), 0);
    let this_round = granted.len();
    for (id, body, received_at) in claims {
        let decision = match claim_of(id.clone(), &body, &received_at) {
            None => Err("申请内容不完整".to_string()),
            Some(claim) => decide_claim(&claim, campaigns, &granted, this_round).map(|()| claim),
        };
        match decision {
            Ok(claim) => {
                tx.execute(
                    "INSERT INTO grants (code_ref, campaign, member_no, day, claim_id) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![claim.code_ref, claim.campaign, claim.member_no, claim.day.to_string(), id],
                )
                .map_err(|e| e.to_string())?;
                tx.execute(
                    "INSERT INTO decisions (id, decision, decided_at) VALUES (?1, 'approved', ?2)",
                    params![id, now],
                )
                .map_err(|e| e.to_string())?;
                granted.push(Granted {
                    code_ref: claim.code_ref,
                    campaign: claim.campaign,
                    member_no: claim.member_no,
                    day: claim.day,
                });
                *yes.entry(
                    granted
                        .last()
                        .map(|g| g.campaign.clone())
                        .unwrap_or_default(),
                )
                .or_insert(0) += 1;
            }
            Err(reason) => {
                tx.execute(
                    "INSERT INTO decisions (id, decision, note, decided_at) VALUES (?1, 'rejected', ?2, ?3)",
                    params![id, reason, now],
                )
                .map_err(|e| e.to_string())?;
                no += 1;
            }
        }
    }
    tx.commit().map_err(|e| e.to_string())?;
    Ok((yes, no))
}

/// Records the venues' `redeem` requests: the first use of a granted code counts, a
/// code never granted is ignored. Returns how many codes became used.
pub fn record_redemptions(db: &Connection) -> Result<usize, String> {
    ensure_coupon_tables(db).map_err(|e| e.to_string())?;
    let mut q = db
        .prepare("SELECT id, body, received_at FROM requests WHERE kind = 'redeem' ORDER BY received_at, id")
        .map_err(|e| e.to_string())?;
    let rows: Vec<(String, String, String)> = q
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .map_err(|e| e.to_string())?
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    let mut used = 0;
    for (id, body, received_at) in rows {
        let Some(payload) = serde_json::from_str::<Value>(&body)
            .ok()
            .and_then(|v| v.get("payload").cloned())
        else {
            continue;
        };
        let text = |name: &str| {
            payload
                .get(name)
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let Some(code_ref) = text("code_ref").map(|c| c.to_ascii_lowercase()) else {
            continue;
        };
        let used_at = text("used_at").unwrap_or(received_at);
        used += db
            .execute(
                "INSERT OR IGNORE INTO redemptions (code_ref, used_at, venue, request_id)
                 SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM grants WHERE code_ref = ?1)",
                params![code_ref, used_at, text("venue"), id],
            )
            .map_err(|e| e.to_string())?;
    }
    Ok(used)
}

/// The `coupons` file: every coupon issued, with the day it was used.
pub fn coupons(db: &Connection, campaigns: &[Campaign]) -> Result<Value, String> {
    ensure_coupon_tables(db).map_err(|e| e.to_string())?;
    let mut q = db
        .prepare(
            "SELECT g.code_ref, g.campaign, substr(r.used_at, 1, 10) FROM grants g
             LEFT JOIN redemptions r ON r.code_ref = g.code_ref ORDER BY g.code_ref",
        )
        .map_err(|e| e.to_string())?;
    let rows: Vec<(String, String, Option<String>)> = q
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .map_err(|e| e.to_string())?
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    let list: Vec<Value> = rows
        .into_iter()
        .map(|(code_ref, campaign, used)| {
            let c = campaigns.iter().find(|c| c.id == campaign);
            serde_json::json!({
                "ref": code_ref, "campaign": campaign,
                "valid_from": c.map(|c| c.valid_from.to_string()),
                "valid_until": c.map(|c| c.valid_until.to_string()),
                "used": used,
            })
        })
        .collect();
    Ok(serde_json::json!({ "coupons": list }))
}

/// The campaigns with `remaining` brought down by the coupons issued this round
/// (`issued_now`, per campaign id), and never above what is left of `total`.
pub fn campaigns_left(
    db: &Connection,
    campaigns_file: &Value,
    issued_now: &HashMap<String, u64>,
) -> Result<Value, String> {
    ensure_coupon_tables(db).map_err(|e| e.to_string())?;
    let mut out = campaigns_file.clone();
    if let Some(list) = out.get_mut("campaigns").and_then(Value::as_array_mut) {
        for campaign in list {
            let Some(id) = campaign
                .get("id")
                .and_then(Value::as_str)
                .map(str::to_string)
            else {
                continue;
            };
            let issued: u64 = db
                .query_row(
                    "SELECT COUNT(*) FROM grants WHERE campaign = ?1",
                    [&id],
                    |r| r.get(0),
                )
                .map_err(|e| e.to_string())?;
            let now = issued_now.get(&id).copied().unwrap_or(0);
            let by_remaining = campaign
                .get("remaining")
                .and_then(Value::as_u64)
                .map(|r| r.saturating_sub(now));
            let by_total = campaign
                .get("total")
                .and_then(Value::as_u64)
                .map(|t| t.saturating_sub(issued));
            let left = match (by_remaining, by_total) {
                (Some(r), Some(t)) => Some(r.min(t)),
                (r, t) => r.or(t),
            };
            if let Some(left) = left {
                campaign["remaining"] = Value::from(left);
            }
        }
    }
    Ok(out)
}
