//! Fetching feed files as bytes (parsed in Rust: faster than JSON.parse + conversion).

use gloo_net::http::Request;
use web_sys::RequestCache;

/// Why a fetch gave no bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NetError {
    /// The request never got an answer (offline, DNS, CORS, aborted).
    Unreachable(String),
    /// The server answered with this HTTP status.
    Status(u16),
}

impl std::fmt::Display for NetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NetError::Unreachable(e) => write!(f, "{e}"),
            NetError::Status(s) => write!(f, "HTTP {s}"),
        }
    }
}

/// GETs `path` as bytes. `revalidate` makes the browser ask the server whether its
/// copy is current (a conditional request with the stored ETag / Last-Modified), as
/// the manifest needs; content-hashed files may come from the HTTP cache.
/// `fetch_bytes("/feed/manifest.json", true).await`.
pub async fn fetch_bytes(path: &str, revalidate: bool) -> Result<Vec<u8>, NetError> {
    let cache = if revalidate {
        RequestCache::NoCache
    } else {
        RequestCache::Default
    };
    let response = Request::get(path)
        .cache(cache)
        .send()
        .await
        .map_err(|e| NetError::Unreachable(e.to_string()))?;
    if !response.ok() {
        return Err(NetError::Status(response.status()));
    }
    response
        .binary()
        .await
        .map_err(|e| NetError::Unreachable(e.to_string()))
}

/// Like [`fetch_bytes`], but a 404 is `Ok(None)`: for optional files such as
/// `manifest.json.sig`.
pub async fn fetch_optional(path: &str) -> Result<Option<Vec<u8>>, NetError> {
    match fetch_bytes(path, true).await {
        Ok(bytes) => Ok(Some(bytes)),
        Err(NetError::Status(404)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Whether the browser believes it is online: `is_online()`.
pub fn is_online() -> bool {
    web_sys::window().is_some_and(|w| w.navigator().on_line())
}
