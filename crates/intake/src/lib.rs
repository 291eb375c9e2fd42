//! 驿站 Yizhan's reference intake server: it receives the requests the app POSTs to a
//! feed's `intake.url` (FEED.md's envelope) and keeps them in SQLite for the union desk
//! (`yizhan-feed desk`). Bad input gets a JSON error with a 4xx, never a crash; a 2xx
//! is sent only after the request is on disk; logs never carry a payload (they hold ID
//! numbers and phone numbers).

pub mod envelope;
pub mod limit;
pub mod store;

use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::sync::Arc;

/// The largest body accepted: a join request is about 1 KiB.
pub const MAX_BODY: usize = 64 * 1024;

/// What every handler shares.
pub struct Intake {
    pub store: store::Store,
    /// Exact origins (`https://yizhan.example.org`) whose pages may POST.
    pub allowed_origins: Vec<String>,
    pub limiter: limit::Limiter,
}

/// The routes: `POST /intake` (and its CORS preflight), `GET /healthz`.
/// `axum::serve(listener, app(intake).into_make_service_with_connect_info::<SocketAddr>())`.
pub fn app(intake: Arc<Intake>) -> Router {
    Router::new()
        .route("/intake", post(receive).options(preflight))
        .route("/healthz", get(health))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "no such path") })
        .with_state(intake)
}

fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
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

async fn receive(
    State(intake): State<Arc<Intake>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    method: Method,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let (status, kind, response) = answer(&intake, peer, &headers, body).await;
    // No payload, no id, no address: only what the operator needs to see load.
    println!(
        "{method} /intake {} kind={}",
        status.as_u16(),
        kind.unwrap_or("-")
    );
    response
}

async fn answer(
    intake: &Arc<Intake>,
    peer: SocketAddr,
    headers: &HeaderMap,
    body: Body,
) -> (StatusCode, Option<&'static str>, Response) {
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
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return fail(
            StatusCode::PAYLOAD_TOO_LARGE,
            "the body is larger than 64 KiB",
        );
    };
    let Ok(value) = serde_json::from_slice::<Value>(&bytes) else {
        return fail(StatusCode::BAD_REQUEST, "the body is not JSON");
    };
    let envelope = match envelope::check(&value) {
        Ok(envelope) => envelope,
        Err(why) => return fail(StatusCode::UNPROCESSABLE_ENTITY, &why),
    };
    let kind = envelope::KINDS
        .iter()
        .copied()
        .find(|k| *k == envelope.kind);
    // The text as received (valid JSON, at most 64 KiB): what the desk reads.
    let text = String::from_utf8_lossy(&bytes).into_owned();
    // SQLite commits with an fsync: on the blocking pool, so the few async workers
    // keep accepting and answering while a commit waits for the disk (with the commit
    // on a worker, 400 connections at once overflowed the accept queue and some were
    // reset).
    let store = Arc::clone(intake);
    let saved = tokio::task::spawn_blocking(move || {
        store
            .store
            .save(&envelope.id, &envelope.kind, &envelope.created_at, &text)
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
            (status, kind, with_cors(body, origin))
        }
        Err(e) => {
            eprintln!("store error: {e}");
            let status = StatusCode::SERVICE_UNAVAILABLE;
            (
                status,
                kind,
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
