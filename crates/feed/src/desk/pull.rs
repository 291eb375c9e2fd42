//! `desk pull`: the requests the intake holds come to the desk's own database, page by
//! page, are opened with the desk's private key, and only once they are on disk here
//! does the intake hear it may delete them.
//!
//! Nothing is lost on the way: a request that does not open (changed on the way, sealed
//! to another desk key, its box taken from another request) or whose payload is not
//! its kind's request is kept with its envelope and the problem in words, and every
//! later pull tries to open it again (a clerk who gave the wrong key file pulls again
//! with the right one).

use super::read_payload;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use std::time::Duration;
use yizhan_core::envelope::{DeskAck, DeskPage, Envelope, Received};
use yizhan_core::request::Request;
use yizhan_core::seal::{key_bytes, open_request, SealError};

/// What one call of [`store_received`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stored {
    /// Requests not held before.
    pub new: usize,
    /// Requests held already (a page fetched again, an envelope replayed).
    pub already: usize,
    /// Sealed requests opened, new ones and ones that had a problem before.
    pub opened: usize,
    /// Plain requests read (the kinds the app sends plain, or a feed without a key).
    pub plain: usize,
    /// The ids now held on disk: what the intake may delete.
    pub ids: Vec<String>,
}

/// Stores what the intake handed over, in one transaction: each request once (by id;
/// an envelope replayed is not recorded again), with its payload opened by the desk's
/// `key` (or read plain) and checked as its kind's request, or with the problem (the
/// requests held with a problem from before are tried again by [`retry_held`], once a
/// pull). On return it is on disk (WAL, `synchronous=FULL`).
/// `store_received(&mut db, &page.requests, Some(&private))`.
pub fn store_received(
    db: &mut Connection,
    requests: &[Received],
    key: Option<&[u8; 32]>,
) -> Result<Stored, String> {
    let tx = db.transaction().map_err(|e| e.to_string())?;
    let mut stored = Stored::default();
    // By the desk's own clock, as its decisions are: whether a supplement came after
    // a needs_info never depends on the intake's clock agreeing with this one.
    let stored_at = super::now_china();
    for received in requests {
        let e = &received.envelope;
        let envelope = serde_json::to_string(e).map_err(|e| e.to_string())?;
        let id = e.id.to_ascii_lowercase();
        let added = tx
            .execute(
                "INSERT OR IGNORE INTO requests (id, kind, created_at, received_at, envelope, payload, problem, stored_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, NULL, 'not opened yet', ?6)",
                params![id, e.kind, e.created_at, received.received_at, envelope, stored_at],
            )
            .map_err(|e| e.to_string())?;
        if added == 1 {
            stored.new += 1;
        } else {
            stored.already += 1;
        }
        stored.ids.push(id);
    }
    let (opened, plain) = open_waiting(&tx, key, Some(&stored.ids))?;
    stored.opened = opened;
    stored.plain = plain;
    tx.commit().map_err(|e| e.to_string())?;
    Ok(stored)
}

/// Tries again every request held with a problem (a pull with the wrong key file, then
/// one with the right): `(sealed opened, plain read)`. `retry_held(&mut db, Some(&key))`.
pub fn retry_held(db: &mut Connection, key: Option<&[u8; 32]>) -> Result<(usize, usize), String> {
    let tx = db.transaction().map_err(|e| e.to_string())?;
    let done = open_waiting(&tx, key, None)?;
    tx.commit().map_err(|e| e.to_string())?;
    Ok(done)
}

/// Opens (or reads) the requests held without a payload, those of `only` or all:
/// `(sealed opened, plain read)`.
fn open_waiting(
    tx: &Transaction,
    key: Option<&[u8; 32]>,
    only: Option<&[String]>,
) -> Result<(usize, usize), String> {
    let waiting: Vec<(String, String, String, String)> = {
        let mut q = tx
            .prepare(
                "SELECT id, kind, created_at, envelope FROM requests WHERE payload IS NULL
                 ORDER BY received_at, id",
            )
            .map_err(|e| e.to_string())?;
        let rows = q
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .map_err(|e| e.to_string())?;
        rows.filter(|r| {
            r.as_ref()
                .map_or(true, |(id, ..)| only.is_none_or(|ids| ids.contains(id)))
        })
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?
    };
    let (mut opened, mut plain) = (0, 0);
    for (id, kind, created_at, envelope) in waiting {
        let outcome = open_one(tx, &id, &kind, &created_at, &envelope, key)?;
        match outcome {
            Ok((payload, sealed)) => {
                tx.execute(
                    "UPDATE requests SET payload = ?2, problem = NULL WHERE id = ?1",
                    params![id, payload],
                )
                .map_err(|e| e.to_string())?;
                if sealed {
                    opened += 1;
                } else {
                    plain += 1;
                }
            }
            Err(problem) => {
                tx.execute(
                    "UPDATE requests SET problem = ?2 WHERE id = ?1",
                    params![id, problem],
                )
                .map_err(|e| e.to_string())?;
            }
        }
    }
    Ok((opened, plain))
}

/// One envelope's payload (and whether it was sealed), or the problem in words.
type Opened = Result<(String, bool), String>;

fn open_one(
    tx: &Transaction,
    id: &str,
    kind: &str,
    created_at: &str,
    envelope: &str,
    key: Option<&[u8; 32]>,
) -> Result<Opened, String> {
    let envelope: Envelope = match serde_json::from_str(envelope) {
        Ok(e) => e,
        Err(e) => return Ok(Err(format!("信封读不出 (the envelope does not read: {e})"))),
    };
    let (text, sealed) = match (&envelope.payload, &envelope.sealed) {
        (Some(payload), None) => (payload.get().to_string(), false),
        (None, Some(sealed)) => {
            let Some(key) = key else {
                return Ok(Err(
                    "加密的申请，拉取时没有给服务台私钥 (sealed, and the pull was given no --key, the desk's private key)".into(),
                ));
            };
            match open_request(key, id, kind, created_at, sealed) {
                Ok(bytes) => match String::from_utf8(bytes) {
                    Ok(text) => (text, true),
                    Err(_) => {
                        return Ok(Err(
                            "能打开，但内容不是文字 (it opens, but holds no UTF-8 text)".into(),
                        ))
                    }
                },
                Err(SealError::WontOpen) => {
                    // A box opens only in its own envelope: the same box held under
                    // another id was moved here from that request.
                    let original: Option<String> = tx
                        .query_row(
                            "SELECT id FROM requests WHERE id <> ?1
                             AND json_extract(envelope, '$.sealed.enc') = ?2 LIMIT 1",
                            params![id, sealed.enc],
                            |r| r.get(0),
                        )
                        .optional()
                        .map_err(|e| e.to_string())?;
                    return Ok(Err(match original {
                        Some(other) => format!(
                            "加密内容是从另一个申请（{other}）挪来的 (its sealed box was taken from \
                             another request ({other}) and opens only in that one's envelope)"
                        ),
                        None => "用本服务台的私钥打不开：可能是发给另一个服务台的，或在途中被改过 \
                                 (the sealed box does not open with this desk key: sealed to \
                                 another desk key (is --key the key whose .pub is in the \
                                 feed?) or changed on the way (tampered with))"
                            .into(),
                    }));
                }
                Err(other) => return Ok(Err(other.to_string())),
            }
        }
        (Some(_), Some(_)) => {
            return Ok(Err(
                "信封里既有明文又有密文 (the envelope has both a payload and a box)".into(),
            ))
        }
        (None, None) => {
            return Ok(Err(
                "信封是空的 (the envelope has neither a payload nor a box)".into(),
            ))
        }
    };
    let Some((request, reply_key)) = read_payload(kind, &text) else {
        return Ok(Err(format!(
            "内容不是有效的申请 (the payload is not a `{kind}` request: fields missing or of \
             the wrong type)"
        )));
    };
    if let Some(field) = request.missing() {
        return Ok(Err(format!("必填项是空的 (`payload.{field}` is empty)")));
    }
    if let Some(field) = request.with_control() {
        return Ok(Err(format!(
            "内容里有换行、制表符等控制字符 (`payload.{field}` holds a line break, tab or other \
             control character: a card signed with it would not read at a venue; the app \
             refuses it: sent by another client?)"
        )));
    }
    // A supplement completes a request this desk holds (a join, transfer or card, the
    // kinds a clerk asks more of); one naming anything else is held with the reason,
    // and tried again at every pull (its original may come in a later one).
    if let Request::Supplement(s) = &request {
        let of_held = tx
            .query_row(
                "SELECT 1 FROM requests WHERE id = lower(?1) AND payload IS NOT NULL
                 AND kind IN ('join', 'transfer', 'card')",
                params![s.of.trim()],
                |_| Ok(()),
            )
            .optional()
            .map_err(|e| e.to_string())?
            .is_some();
        if !of_held {
            return Ok(Err(format!(
                "补充材料所补的申请（{}）不在本服务台：没有这个入会、转会或会员证申请                  (the supplement names no join, transfer or card request this desk holds)",
                s.of
            )));
        }
    }
    if reply_key.is_some_and(|k| key_bytes(&k).is_none()) {
        return Ok(Err(
            "答复密钥不对，无法加密答复 (its `reply_key` is not base64 of 32 bytes: no answer \
             could be sealed to it)"
                .into(),
        ));
    }
    Ok(Ok((text, sealed)))
}

/// What a whole `desk pull` did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PullSummary {
    pub stored: Stored,
    /// Pages fetched.
    pub pages: usize,
    /// Requests the intake said it deleted.
    pub deleted: u64,
    /// The pull stopped at [`MAX_PAGES`]: pull again for the rest.
    pub more: bool,
}

/// Requests per page.
const PAGE: usize = 100;

/// The most pages one pull fetches: `MAX_PAGES × PAGE` requests, far above a city's
/// month; the rest waits for the next pull.
pub const MAX_PAGES: usize = 1000;

/// Pulls every request the intake holds: `GET {from}/desk/requests?after=…` page by
/// page, each page stored ([`store_received`]) and only then acknowledged
/// (`POST {from}/desk/ack`), so the intake deletes only what is on disk here. The
/// token goes in the `Authorization` header and nowhere else.
pub fn pull(
    db: &mut Connection,
    from: &str,
    token: &str,
    key: Option<&[u8; 32]>,
) -> Result<PullSummary, String> {
    let base = from.trim_end_matches('/');
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into();
    let bearer = format!("Bearer {token}");
    let mut summary = PullSummary::default();
    // What earlier pulls could not open, tried once with this pull's key.
    let (opened, plain) = retry_held(db, key)?;
    summary.stored.opened += opened;
    summary.stored.plain += plain;
    let mut after = 0i64;
    loop {
        let url = format!("{base}/desk/requests?after={after}&limit={PAGE}");
        let response = agent
            .get(&url)
            .header("Authorization", &bearer)
            .call()
            .map_err(|e| format!("cannot reach {base}: {e}"))?;
        let body = answer(response, base)?;
        let page: DeskPage = serde_json::from_str(&body)
            .map_err(|e| format!("{base}/desk/requests did not answer a page: {e}"))?;
        summary.pages += 1;
        let stored = store_received(db, &page.requests, key)?;
        if !stored.ids.is_empty() {
            let ack = serde_json::to_string(&DeskAck {
                ids: stored.ids.clone(),
            })
            .map_err(|e| e.to_string())?;
            let response = agent
                .post(&format!("{base}/desk/ack"))
                .header("Authorization", &bearer)
                .content_type("application/json")
                .send(ack.as_bytes())
                .map_err(|e| format!("cannot reach {base}: {e} (what was pulled is stored)"))?;
            let body = answer(response, base)?;
            summary.deleted += serde_json::from_str::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v.get("deleted").and_then(serde_json::Value::as_u64))
                .unwrap_or(0);
        }
        let s = &mut summary.stored;
        s.new += stored.new;
        s.already += stored.already;
        s.opened += stored.opened;
        s.plain += stored.plain;
        s.ids.extend(stored.ids);
        // Only a full page with a cursor past this one's goes on: an intake that
        // answers with a trickle, or a cursor that does not move, ends the pull, and
        // no pull takes more than MAX_PAGES (a hostile intake cannot fill the desk).
        let last_seq = page.requests.iter().map(|r| r.seq).max();
        match (page.next, last_seq) {
            (Some(next), Some(last))
                if next > after && next >= last && page.requests.len() >= PAGE =>
            {
                after = next
            }
            _ => break,
        }
        if summary.pages >= MAX_PAGES {
            summary.more = true;
            break;
        }
    }
    Ok(summary)
}

/// The body of a 200 answer, or the intake's refusal in words.
fn answer(mut response: ureq::http::Response<ureq::Body>, base: &str) -> Result<String, String> {
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = response
        .body_mut()
        .read_to_string()
        .map_err(|e| format!("{base}: the answer did not arrive whole: {e}"))?;
    let said = || {
        serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_string))
            .map(|e| format!(": {e}"))
            .unwrap_or_default()
    };
    match status {
        200 => Ok(body),
        401 => Err(format!(
            "{base} refused the desk's token (401): check --token-file against the intake's"
        )),
        429 => Err(format!(
            "{base} is limiting requests (429): pull again in {} seconds",
            retry_after.as_deref().unwrap_or("a few")
        )),
        other => Err(format!("{base} answered {other}{}", said())),
    }
}
