//! The desk API: how the union desk takes the requests away.
//!
//! - `GET /desk/requests?after=SEQ&limit=N`: a [`DeskPage`] of the requests with a seq
//!   above `after` (default 0), oldest first, at most `limit` (default 100, at most
//!   500); `next` is the last seq when the page is full, else `null`.
//! - `POST /desk/ack` with a [`DeskAck`] `{"ids": [...]}`: deletes those requests
//!   (keeping their ids as tombstones) and answers `{"deleted": n}`.
//!
//! Both need `Authorization: Bearer <token>`, the content of `--desk-token-file`. The
//! token is compared in constant time (the SHA-256 digests of the given and the
//! expected one), and wrong tokens are limited per address: once an address has used
//! its failures up, it gets 429 before anything is compared. No CORS: the desk is a
//! command-line tool, never a browser page. The token and the `Authorization` header
//! are never logged.

use crate::{error, limit::Limiter, store::timestamp, Intake};
use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::Arc;
use std::time::SystemTime;
use subtle::ConstantTimeEq;
use yizhan_core::envelope::{DeskAck, DeskPage, Envelope, Received};

/// The shortest token accepted, in characters.
pub const MIN_TOKEN: usize = 32;
/// `limit` when the desk gives none, and the most it may ask for.
pub const DEFAULT_LIMIT: usize = 100;
pub const MAX_LIMIT: usize = 500;
/// The largest `POST /desk/ack` body: some ten thousand ids.
pub const MAX_ACK_BODY: usize = 512 * 1024;

/// The desk's credentials and the limit on wrong guesses.
pub struct Desk {
    /// SHA-256 of the token: the token itself is not kept.
    token_sha256: [u8; 32],
    /// Consumed only by failed attempts.
    failures: Limiter,
}

/// Shows nothing of the token, not even its digest.
impl std::fmt::Debug for Desk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Desk { .. }")
    }
}

impl Desk {
    /// The desk API for `token` (trimmed), or why not: `Desk::new(&token)?`. Wrong
    /// tokens: 5 at once per address, then 5 a minute.
    pub fn new(token: &str) -> Result<Desk, String> {
        let token = token.trim();
        if token.chars().count() < MIN_TOKEN {
            return Err(format!(
                "the desk token is too short: it must have at least {MIN_TOKEN} characters \
                 (for example `openssl rand -hex 32`)"
            ));
        }
        Ok(Desk {
            token_sha256: Sha256::digest(token.as_bytes()).into(),
            failures: Limiter::new(5, 5),
        })
    }

    /// The desk API for the token in the file at `path`: `Desk::from_file(path)?`.
    pub fn from_file(path: &Path) -> Result<Desk, String> {
        let token = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the desk token file {}: {e}", path.display()))?;
        Desk::new(&token).map_err(|why| format!("{}: {why}", path.display()))
    }

    /// `None` when the request carries the token; else the 429 or 401 to answer.
    fn refusal(&self, peer: IpAddr, headers: &HeaderMap) -> Option<Response> {
        if let Some(wait) = self.failures.wait(peer) {
            let mut response = error(
                StatusCode::TOO_MANY_REQUESTS,
                "too many wrong tokens from this address; try again later",
            );
            let seconds = wait.as_secs_f64().ceil().max(1.0) as u64;
            if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            return Some(response);
        }
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                let (scheme, token) = v.trim().split_once(' ')?;
                scheme
                    .eq_ignore_ascii_case("bearer")
                    .then_some(token.trim())
            });
        let good = given.is_some_and(|token| {
            let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
            bool::from(digest.as_slice().ct_eq(self.token_sha256.as_slice()))
        });
        if good {
            return None;
        }
        self.failures.allow(peer);
        let mut response = error(
            StatusCode::UNAUTHORIZED,
            if given.is_some() {
                "wrong desk token"
            } else {
                "send Authorization: Bearer <the desk token>"
            },
        );
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"desk\""),
        );
        Some(response)
    }
}

/// `after` and `limit` from the query, or why not.
fn page_query(uri: &Uri) -> Result<(i64, usize), String> {
    let (mut after, mut limit) = (0i64, DEFAULT_LIMIT);
    for pair in uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        match name {
            "after" => {
                after = value
                    .parse()
                    .map_err(|_| "`after` must be a seq (a whole number)".to_string())?
            }
            "limit" => {
                limit = value
                    .parse::<usize>()
                    .ok()
                    .filter(|n| *n >= 1)
                    .ok_or(format!("`limit` must be a number from 1 to {MAX_LIMIT}"))?
                    .min(MAX_LIMIT)
            }
            _ => {}
        }
    }
    Ok((after, limit))
}

/// `GET /desk/requests?after=SEQ&limit=N`.
pub async fn requests(
    State(intake): State<Arc<Intake>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let (response, count) = page(&intake, peer.ip(), &uri, &headers).await;
    // Never the token, the query or the address.
    match count {
        Some(n) => println!(
            "{method} /desk/requests {} count={n}",
            response.status().as_u16()
        ),
        None => println!("{method} /desk/requests {}", response.status().as_u16()),
    }
    response
}

async fn page(
    intake: &Arc<Intake>,
    peer: IpAddr,
    uri: &Uri,
    headers: &HeaderMap,
) -> (Response, Option<usize>) {
    let Some(desk) = &intake.desk else {
        return (error(StatusCode::NOT_FOUND, "no such path"), None);
    };
    if let Some(refused) = desk.refusal(peer, headers) {
        return (refused, None);
    }
    let (after, limit) = match page_query(uri) {
        Ok(q) => q,
        Err(why) => return (error(StatusCode::BAD_REQUEST, &why), None),
    };
    let store = Arc::clone(intake);
    let rows = tokio::task::spawn_blocking(move || store.store.page(after, limit))
        .await
        .map_err(|e| e.to_string())
        .and_then(|r| r.map_err(|e| e.to_string()));
    let rows = match rows {
        Ok(rows) => rows,
        Err(e) => {
            eprintln!("store error: {e}");
            let status = StatusCode::SERVICE_UNAVAILABLE;
            return (error(status, "the database does not answer"), None);
        }
    };
    let next = (rows.len() == limit)
        .then(|| rows.last().map(|r| r.seq))
        .flatten();
    let requests: Vec<Received> = rows
        .into_iter()
        .filter_map(|row| {
            // Checked when it arrived; a body that no longer reads (a database edited by
            // hand) is skipped, not a failure of the whole page.
            match serde_json::from_str::<Envelope>(&row.body) {
                Ok(mut envelope) => {
                    // The id as stored: lower-case, the one `ack` takes.
                    envelope.id = row.id;
                    Some(Received {
                        seq: row.seq,
                        received_at: row.received_at,
                        envelope,
                    })
                }
                Err(_) => {
                    eprintln!("desk: the body at seq {} is not an envelope", row.seq);
                    None
                }
            }
        })
        .collect();
    let count = requests.len();
    let body = Json(DeskPage { requests, next });
    ((StatusCode::OK, body).into_response(), Some(count))
}

/// `POST /desk/ack` with `{"ids": [...]}`.
pub async fn ack(
    State(intake): State<Arc<Intake>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    method: Method,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let (response, deleted) = delete(&intake, peer.ip(), &headers, body).await;
    match deleted {
        Some(n) => println!(
            "{method} /desk/ack {} deleted={n}",
            response.status().as_u16()
        ),
        None => println!("{method} /desk/ack {}", response.status().as_u16()),
    }
    response
}

async fn delete(
    intake: &Arc<Intake>,
    peer: IpAddr,
    headers: &HeaderMap,
    body: Body,
) -> (Response, Option<usize>) {
    let Some(desk) = &intake.desk else {
        return (error(StatusCode::NOT_FOUND, "no such path"), None);
    };
    if let Some(refused) = desk.refusal(peer, headers) {
        return (refused, None);
    }
    let bytes = match axum::body::to_bytes(body, MAX_ACK_BODY).await {
        Ok(bytes) => bytes,
        Err(e) if crate::serve::timed_out(&e) => return (crate::too_slow(), None),
        Err(_) => {
            let status = StatusCode::PAYLOAD_TOO_LARGE;
            return (
                error(status, "acknowledge at most some ten thousand ids at once"),
                None,
            );
        }
    };
    let Ok(DeskAck { ids }) = serde_json::from_slice::<DeskAck>(&bytes) else {
        return (
            error(
                StatusCode::BAD_REQUEST,
                "send {\"ids\": [\"<request id>\", …]}",
            ),
            None,
        );
    };
    let store = Arc::clone(intake);
    let deleted =
        tokio::task::spawn_blocking(move || store.store.ack(&ids, &timestamp(SystemTime::now())))
            .await
            .map_err(|e| e.to_string())
            .and_then(|r| r.map_err(|e| e.to_string()));
    match deleted {
        Ok(n) => (
            (StatusCode::OK, Json(json!({ "deleted": n }))).into_response(),
            Some(n),
        ),
        Err(e) => {
            eprintln!("store error: {e}");
            let status = StatusCode::SERVICE_UNAVAILABLE;
            (
                error(status, "could not delete the requests; try again later"),
                None,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_tokens_are_refused_and_the_token_is_trimmed() {
        assert!(Desk::new("short").unwrap_err().contains("32"));
        assert!(Desk::new(&format!("  {}  \n", "x".repeat(31))).is_err());
        let desk = Desk::new(&format!("{}\n", "t".repeat(32))).unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Bearer {}", "t".repeat(32))).unwrap(),
        );
        assert!(desk.refusal([10, 0, 0, 1].into(), &headers).is_none());
    }

    #[test]
    fn the_query_has_defaults_and_bounds() {
        let q = |s: &str| page_query(&s.parse::<Uri>().unwrap());
        assert_eq!(q("/desk/requests"), Ok((0, 100)));
        assert_eq!(q("/desk/requests?after=12&limit=3"), Ok((12, 3)));
        assert_eq!(q("/desk/requests?limit=9999"), Ok((0, 500)));
        assert!(q("/desk/requests?limit=0").is_err());
        assert!(q("/desk/requests?after=x").is_err());
    }
}
