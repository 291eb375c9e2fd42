//! POSTing requests to the feed's intake.

use gloo_net::http::Request;

/// How long a POST may take before it is given up (a body is a few KB); shorter than
/// the outbox lease, so no other sender starts while this one still waits.
pub const POST_TIMEOUT_MS: u32 = 25_000;

/// POSTs `body` (JSON text) to `url`; `Ok(true)` on any 2xx, `Ok(false)` on another
/// status, `Err` when no answer came: `post_json(url, &item.body()).await`.
///
/// Redirects are not followed: fetch would re-issue a 301/302 as a GET without the
/// body, and its 2xx would mark a request delivered that never arrived. Only a 2xx
/// to the POST itself counts (a redirect answers with status 0, so it is retried).
pub async fn post_json(url: &str, body: &str) -> Result<bool, String> {
    // An intake that never answers is given up and retried later with back-off.
    let deadline = super::net::Deadline::after(POST_TIMEOUT_MS);
    let signal = deadline.signal();
    let request = Request::post(url)
        .redirect(web_sys::RequestRedirect::Manual)
        .abort_signal(signal.as_ref())
        .header("Content-Type", "application/json")
        .body(body)
        .map_err(|e| e.to_string())?;
    let response = request.send().await.map_err(|e| e.to_string())?;
    Ok((200..300).contains(&response.status()))
}

/// Fills `buf` from the browser's `crypto.getRandomValues` (the keys that seal a
/// request): `fill_secret(&mut key)`. `None` when the browser has no such source:
/// then nothing is sealed with a guessable key (the request waits, unsent).
pub fn fill_secret(buf: &mut [u8]) -> Option<()> {
    getrandom::getrandom(buf).ok()
}

/// 16 random bytes from the browser's `crypto.getRandomValues`.
pub fn random_bytes() -> [u8; 16] {
    let mut bytes = [0u8; 16];
    // getrandom's "js" backend. Every browser that runs wasm has crypto; should it be
    // missing, Math.random still makes request ids that do not collide in practice
    // (they need to be unique, not secret), instead of a panic.
    if getrandom::getrandom(&mut bytes).is_err() {
        for b in &mut bytes {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes
}
