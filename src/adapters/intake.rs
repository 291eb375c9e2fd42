//! POSTing requests to the feed's intake.

use gloo_net::http::Request;

/// POSTs `body` as JSON to `url`; `Ok(true)` on any 2xx, `Ok(false)` on another
/// status, `Err` when no answer came: `post_json(url, &item.body()).await`.
pub async fn post_json(url: &str, body: &serde_json::Value) -> Result<bool, String> {
    let request = Request::post(url)
        .header("Content-Type", "application/json")
        .body(body.to_string())
        .map_err(|e| e.to_string())?;
    let response = request.send().await.map_err(|e| e.to_string())?;
    Ok((200..300).contains(&response.status()))
}

/// 16 random bytes from the browser's `crypto.getRandomValues`.
pub fn random_bytes() -> [u8; 16] {
    let mut bytes = [0u8; 16];
    // getrandom's "js" backend; failing here means no crypto at all, which every
    // browser that runs wasm has.
    getrandom::getrandom(&mut bytes).expect("crypto.getRandomValues is available");
    bytes
}
