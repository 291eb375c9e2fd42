//! Downloaded feed files kept for offline use in the Cache API (station data is far
//! too big for localStorage's ~5 MB). Keys are the files' same-origin paths.

use js_sys::{Array, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Cache, Response};

const CACHE_NAME: &str = "yizhan-feed-v1";

/// Why the store could not keep or give a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreError {
    /// No Cache API here (an insecure context, or disabled): files live in memory only.
    Unavailable,
    /// The origin's quota is used up.
    Full,
    Other(String),
}

fn js_error(e: JsValue) -> StoreError {
    let name = js_sys::Reflect::get(&e, &"name".into())
        .ok()
        .and_then(|n| n.as_string())
        .unwrap_or_default();
    if name == "QuotaExceededError" {
        StoreError::Full
    } else {
        StoreError::Other(format!("{name}: {e:?}"))
    }
}

async fn open() -> Result<Cache, StoreError> {
    open_named(CACHE_NAME).await
}

async fn open_named(name: &str) -> Result<Cache, StoreError> {
    let window = web_sys::window().ok_or(StoreError::Unavailable)?;
    // `caches` is absent outside secure contexts; web_sys would throw on the getter.
    let has_caches = js_sys::Reflect::has(&window, &"caches".into()).unwrap_or(false);
    if !has_caches {
        return Err(StoreError::Unavailable);
    }
    let storage = window.caches().map_err(|_| StoreError::Unavailable)?;
    let cache = JsFuture::from(storage.open(name)).await.map_err(js_error)?;
    Ok(cache.unchecked_into())
}

/// Keeps `bytes` under `path`: `put("/feed/stations/a.json", &bytes).await`.
pub async fn put(path: &str, bytes: &[u8]) -> Result<(), StoreError> {
    put_in(CACHE_NAME, path, bytes).await
}

/// Keeps `bytes` under `path` in the cache `name` (another store than the feed's).
pub async fn put_in(name: &str, path: &str, bytes: &[u8]) -> Result<(), StoreError> {
    let cache = open_named(name).await?;
    let mut body = bytes.to_vec();
    let response = Response::new_with_opt_u8_array(Some(&mut body)).map_err(js_error)?;
    JsFuture::from(cache.put_with_str(path, &response))
        .await
        .map_err(js_error)?;
    Ok(())
}

/// The bytes kept under `path`, if any: `get("/feed/stations/a.json").await`.
pub async fn get(path: &str) -> Result<Option<Vec<u8>>, StoreError> {
    get_from(CACHE_NAME, path).await
}

/// The bytes kept under `path` in the cache `name`, if any.
pub async fn get_from(name: &str, path: &str) -> Result<Option<Vec<u8>>, StoreError> {
    let cache = open_named(name).await?;
    let found = JsFuture::from(cache.match_with_str(path))
        .await
        .map_err(js_error)?;
    if found.is_undefined() {
        return Ok(None);
    }
    let response: Response = found.unchecked_into();
    let buffer = JsFuture::from(response.array_buffer().map_err(js_error)?)
        .await
        .map_err(js_error)?;
    Ok(Some(Uint8Array::new(&buffer).to_vec()))
}

/// Removes every kept file whose path is not in `keep` (files a newer manifest no
/// longer names): `retain(&paths).await`.
pub async fn retain(keep: &[String]) -> Result<(), StoreError> {
    let cache = open().await?;
    let keys: Array = JsFuture::from(cache.keys())
        .await
        .map_err(js_error)?
        .unchecked_into();
    for request in keys.iter() {
        let request: web_sys::Request = request.unchecked_into();
        let url = request.url();
        let path = url
            .find("://")
            .and_then(|i| url[i + 3..].find('/').map(|j| &url[i + 3 + j..]))
            .unwrap_or(&url);
        if !keep.iter().any(|k| k == path) {
            let _ = JsFuture::from(cache.delete_with_str(&url)).await;
        }
    }
    Ok(())
}

/// Deletes every kept file (the user's "delete all data", or a kiosk wipe).
pub async fn clear() {
    delete_cache(CACHE_NAME).await;
}

/// Deletes the cache `name` and all it holds. Best effort: where there is no Cache
/// API there is nothing to delete.
/// Returns whether the cache is gone (or there never was a Cache API to hold it).
pub async fn delete_cache(name: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return true;
    };
    if !js_sys::Reflect::has(&window, &"caches".into()).unwrap_or(false) {
        return true;
    }
    match window.caches() {
        Ok(storage) => JsFuture::from(storage.delete(name)).await.is_ok(),
        Err(_) => false,
    }
}

/// Deletes one entry of the cache `name`; best effort, like [`delete_cache`].
pub async fn delete_in(name: &str, path: &str) {
    if let Ok(cache) = open_named(name).await {
        let _ = JsFuture::from(cache.delete_with_str(path)).await;
    }
}
