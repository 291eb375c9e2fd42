//! Fetching feed files as bytes (parsed in Rust: faster than JSON.parse + conversion).

use gloo_net::http::Request;
use gloo_timers::callback::Timeout;
use web_sys::{AbortController, RequestCache};

/// How long the manifest may take: it is a few KB, so longer means the server or the
/// network has hung, and the app says so instead of "checking…" for the session.
pub const MANIFEST_TIMEOUT_MS: u32 = 20_000;
/// How long any other feed file may take (a city shard is under 2 MB: a minute and a
/// half is about 180 kbit/s).
pub const FILE_TIMEOUT_MS: u32 = 90_000;

/// Why a fetch gave no bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NetError {
    /// The request never got an answer (offline, DNS, CORS, aborted).
    Unreachable(String),
    /// The server answered with this HTTP status.
    Status(u16),
    /// No complete answer within the time allowed; the request was given up.
    TimedOut,
}

impl std::fmt::Display for NetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NetError::Unreachable(e) => write!(f, "{e}"),
            NetError::Status(s) => write!(f, "HTTP {s}"),
            NetError::TimedOut => f.write_str("timeout"),
        }
    }
}

/// GETs `path` as bytes, given up after `limit_ms`. `revalidate` makes the browser
/// ask the server whether its copy is current (a conditional request with the stored
/// ETag / Last-Modified), as the manifest needs; otherwise content-hashed files, and a
/// response index.html preloaded, may answer from the browser.
/// `fetch_bytes("/feed/manifest.json", true, MANIFEST_TIMEOUT_MS).await`.
pub async fn fetch_bytes(path: &str, revalidate: bool, limit_ms: u32) -> Result<Vec<u8>, NetError> {
    let cache = if revalidate {
        RequestCache::NoCache
    } else {
        RequestCache::Default
    };
    let deadline = Deadline::after(limit_ms);
    let signal = deadline.signal();
    let unreachable = |e: gloo_net::Error| {
        if deadline.passed() {
            NetError::TimedOut
        } else {
            NetError::Unreachable(e.to_string())
        }
    };
    let response = Request::get(path)
        .cache(cache)
        .abort_signal(signal.as_ref())
        .send()
        .await
        .map_err(unreachable)?;
    if !response.ok() {
        return Err(NetError::Status(response.status()));
    }
    response.binary().await.map_err(unreachable)
}

/// A time limit for a request: its signal aborts the request (and the reading of its
/// body) when the time is up; dropping it cancels the timer.
/// `let d = Deadline::after(20_000); request.abort_signal(d.signal().as_ref())`.
pub struct Deadline {
    controller: Option<AbortController>,
    _timer: Option<Timeout>,
}

impl Deadline {
    pub fn after(ms: u32) -> Deadline {
        // Without AbortController (very old browsers) requests simply have no limit.
        let controller = AbortController::new().ok();
        let timer = controller
            .clone()
            .map(|c| Timeout::new(ms, move || c.abort()));
        Deadline {
            controller,
            _timer: timer,
        }
    }

    pub fn signal(&self) -> Option<web_sys::AbortSignal> {
        self.controller.as_ref().map(AbortController::signal)
    }

    /// Whether the time ran out (the request was aborted for it).
    pub fn passed(&self) -> bool {
        self.controller
            .as_ref()
            .is_some_and(|c| c.signal().aborted())
    }
}

/// Like [`fetch_bytes`], but a 404 is `Ok(None)`: for optional files such as
/// `manifest.json.sig`: `fetch_optional("/feed/manifest.json.sig", true, MANIFEST_TIMEOUT_MS).await`.
pub async fn fetch_optional(
    path: &str,
    revalidate: bool,
    limit_ms: u32,
) -> Result<Option<Vec<u8>>, NetError> {
    match fetch_bytes(path, revalidate, limit_ms).await {
        Ok(bytes) => Ok(Some(bytes)),
        Err(NetError::Status(404)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Whether the browser believes it is online: `is_online()`.
pub fn is_online() -> bool {
    web_sys::window().is_some_and(|w| w.navigator().on_line())
}
