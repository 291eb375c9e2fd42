//! 驿站 Yizhan's reference intake server: it receives the requests the app POSTs to a
//! feed's `intake.url` (FEED.md's envelope, checked by `yizhan_core`'s
//! [`Envelope::check`]) and keeps them in SQLite until the union desk fetches them
//! (`yizhan-feed desk`, through the desk API below). Bad input gets a JSON error with a
//! 4xx, never a crash; a 2xx is sent only after the request is on disk.
//!
//! What it holds, and for how long:
//! - Each request's body exactly as received (with `--require-sealed`, the personal
//!   kinds only as sealed boxes that only the desk's key opens; `report` stays plain),
//!   with its kind, the phone's `created_at` and the intake's own `received_at`.
//! - Until the desk acknowledges it (`POST /desk/ack`): the row is then deleted and only
//!   its id kept (a tombstone, so a replay is answered "already stored" and not stored
//!   again). A request the desk never acknowledges is deleted `--keep-days` days (30 by
//!   default) after it arrived, tombstones likewise; this runs at start and every hour.
//! - Deleted rows leave no bytes behind: SQLite's `secure_delete` overwrites them and
//!   the WAL is checkpointed and truncated after each deletion.
//! - The log holds one line per request with a status, a kind and counts: never a
//!   payload, an id, a token or an address.
//!
//! Routes: `POST /intake` (and its CORS preflight), `GET /healthz`, and, only with a
//! desk token, `GET /desk/requests` and `POST /desk/ack` (bearer token, no CORS).

pub mod desk;
pub mod limit;
pub mod serve;
pub mod store;

use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use yizhan_core::envelope::Envelope;
use yizhan_core::request::KINDS;

/// The largest body accepted: a join request is about 1 KiB.
pub const MAX_BODY: usize = 64 * 1024;

/// What every handler shares.
pub struct Intake {
    pub store: store::Store,
    /// Exact origins (`https://yizhan.example.org`) whose pages may POST.
    pub allowed_origins: Vec<String>,
    pub limiter: limit::Limiter,
    /// `--require-sealed`: the kinds with personal data are refused in plain text.
    pub require_sealed: bool,
    /// `--desk-token-file`: the desk API, or `None` (its paths then answer 404).
    pub desk: Option<desk::Desk>,
}

/// The routes: `POST /intake` (and its CORS preflight), `GET /healthz`, and the desk
/// API when `intake.desk` is set.
/// `serve::serve(listener, app(intake), serve::Limits::default(), shutdown)` (or any
/// server that sets `ConnectInfo<SocketAddr>`).
pub fn app(intake: Arc<Intake>) -> Router {
    let mut router = Router::new()
        .route("/intake", post(receive).options(preflight))
        .route("/healthz", get(health));
    if intake.desk.is_some() {
        router = router
            .route("/desk/requests", get(desk::requests))
            .route("/desk/ack", post(desk::ack));
    }
    router
        .fallback(|| async { error(StatusCode::NOT_FOUND, "no such path") })
        .method_not_allowed_fallback(|| async {
            error(
                StatusCode::METHOD_NOT_ALLOWED,
                "no such method on this path",
            )
        })
        .with_state(intake)
}

/// Deletes what is older than `keep_days` at `now` (the store's [`store::Store::purge`])
/// on the blocking pool, and logs the counts: `purge deleted=3 tombstones=1`.
pub async fn purge(intake: &Arc<Intake>, now: SystemTime, keep_days: u32) {
    let intake = Arc::clone(intake);
    let purged = tokio::task::spawn_blocking(move || {
        intake
            .store
            .purge(now, keep_days)
            .map_err(|e| e.to_string())
    })
    .await
    .unwrap_or_else(|e| Err(e.to_string()));
    match purged {
        Ok(p) => println!("purge deleted={} tombstones={}", p.requests, p.tombstones),
        Err(e) => eprintln!("purge failed: {e}"),
    }
}

/// Purges now and then every hour, for as long as the server runs:
/// `tokio::spawn(purge_every_hour(intake, 30))`.
pub async fn purge_every_hour(intake: Arc<Intake>, keep_days: u32) {
    let mut hourly = tokio::time::interval(Duration::from_secs(3600));
    hourly.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        // The first tick is at once: the purge at start.
        hourly.tick().await;
        purge(&intake, SystemTime::now(), keep_days).await;
    }
}

pub(crate) fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

/// `408` for a body that did not arrive within `--body-timeout-ms`; the connection is
/// closed after it.
pub(crate) fn too_slow() -> Response {
    let mut response = error(
        StatusCode::REQUEST_TIMEOUT,
        "the body did not arrive in time",
    );
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// The origin of a browser request when it is one of the allowed ones.
fn allowed_origin<'a>(intake: &Intake, headers: &'a HeaderMap) -> Result<Option<&'a str>, ()> {
    match headers.get(header::ORIGIN).map(|o| o.to_str()) {
        None => Ok(None), // not a browser page: a desk tool, curl
        Some(Ok(origin)) if intake.allowed_origins.iter().any(|a| a == origin) => Ok(Some(origin)),
        Some(_) => Err(()),
    }
}

fn with_cors(mut response: Response, origin: Option<&str>) -> Response {
    if let Some(value) = origin.and_then(|o| HeaderValue::from_str(o).ok()) {
        let headers = response.headers_mut();
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
        headers.insert(header::VARY, HeaderValue::from_static("Origin"));
    }
    response
}

async fn preflight(State(intake): State<Arc<Intake>>, headers: HeaderMap) -> Response {
    let Ok(Some(origin)) = allowed_origin(&intake, &headers) else {
        return error(
            StatusCode::FORBIDDEN,
            "this origin may not send requests here",
        );
    };
    let mut response = StatusCode::NO_CONTENT.into_response();
    let h = response.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("POST"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("content-type"),
    );
    h.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    with_cors(response, Some(origin))
}

/// What the log may say of a request: its kind and whether it came sealed.
struct Seen {
    kind: &'static str,
    sealed: bool,
}

async fn receive(
    State(intake): State<Arc<Intake>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    method: Method,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let (status, seen, response) = answer(&intake, peer, &headers, body).await;
    // No payload, no id, no address: only what the operator needs to see load.
    match seen {
        Some(Seen { kind, sealed }) => println!(
            "{method} /intake {} kind={kind}{}",
            status.as_u16(),
            if sealed { " sealed" } else { "" }
        ),
        None => println!("{method} /intake {} kind=-", status.as_u16()),
    }
    response
}

async fn answer(
    intake: &Arc<Intake>,
    peer: SocketAddr,
    headers: &HeaderMap,
    body: Body,
) -> (StatusCode, Option<Seen>, Response) {
    let origin = match allowed_origin(intake, headers) {
        Ok(origin) => origin,
        Err(()) => {
            let status = StatusCode::FORBIDDEN;
            return (
                status,
                None,
                error(status, "this origin may not send requests here"),
            );
        }
    };
    let fail = |status: StatusCode, message: &str| {
        (status, None, with_cors(error(status, message), origin))
    };
    if !intake.limiter.allow(peer.ip()) {
        let mut response = with_cors(
            error(
                StatusCode::TOO_MANY_REQUESTS,
                "too many requests from this address; try again in a minute",
            ),
            origin,
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
        return (StatusCode::TOO_MANY_REQUESTS, None, response);
    }
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    if !is_json {
        return fail(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send Content-Type: application/json",
        );
    }
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        return fail(
            StatusCode::PAYLOAD_TOO_LARGE,
            "the body is larger than 64 KiB",
        );
    }
    let bytes = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(bytes) => bytes,
        Err(e) if serve::timed_out(&e) => {
            let status = StatusCode::REQUEST_TIMEOUT;
            return (status, None, with_cors(too_slow(), origin));
        }
        Err(_) => {
            return fail(
                StatusCode::PAYLOAD_TOO_LARGE,
                "the body is larger than 64 KiB",
            )
        }
    };
    // Not JSON at all (400) is told apart from JSON that is not a good envelope (422).
    if serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).is_err() {
        return fail(StatusCode::BAD_REQUEST, "the body is not JSON");
    }
    let envelope = match Envelope::check(&bytes, intake.require_sealed) {
        Ok(envelope) => envelope,
        Err(why) => return fail(StatusCode::UNPROCESSABLE_ENTITY, &why),
    };
    let seen = Seen {
        kind: KINDS
            .iter()
            .copied()
            .find(|k| *k == envelope.kind)
            .unwrap_or("-"),
        sealed: envelope.sealed.is_some(),
    };
    // The envelope as checked, written anew: only its known fields (a plain payload's
    // too), so nothing a client adds beside the box is kept in the open.
    let Ok(text) = serde_json::to_string(&envelope) else {
        return fail(
            StatusCode::UNPROCESSABLE_ENTITY,
            "the envelope cannot be stored",
        );
    };
    let received_at = store::timestamp(SystemTime::now());
    // SQLite commits with an fsync: on the blocking pool, so the few async workers
    // keep accepting and answering while a commit waits for the disk (with the commit
    // on a worker, 400 connections at once overflowed the accept queue and some were
    // reset).
    let store = Arc::clone(intake);
    let saved = tokio::task::spawn_blocking(move || {
        store
            .store
            .save(
                &envelope.id,
                &envelope.kind,
                &envelope.created_at,
                &text,
                &received_at,
            )
            .map_err(|e| e.to_string())
    })
    .await
    .unwrap_or_else(|e| Err(e.to_string()));
    match saved {
        Ok(saved) => {
            let (status, word) = match saved {
                store::Saved::New => (StatusCode::CREATED, "stored"),
                store::Saved::Repeat => (StatusCode::OK, "already stored"),
            };
            let body = (status, Json(json!({ "status": word }))).into_response();
            (status, Some(seen), with_cors(body, origin))
        }
        Err(e) => {
            eprintln!("store error: {e}");
            let status = StatusCode::SERVICE_UNAVAILABLE;
            (
                status,
                Some(seen),
                with_cors(
                    error(status, "could not store the request; try again later"),
                    origin,
                ),
            )
        }
    }
}

async fn health(State(intake): State<Arc<Intake>>) -> Response {
    let count = tokio::task::spawn_blocking(move || intake.store.count().map_err(|_| ()))
        .await
        .unwrap_or(Err(()));
    match count {
        Ok(n) => (StatusCode::OK, Json(json!({ "status": "ok", "stored": n }))).into_response(),
        Err(_) => error(
            StatusCode::SERVICE_UNAVAILABLE,
            "the database does not answer",
        ),
    }
}
