//! The installable, offline app shell: registering the service worker (public/sw.js)
//! and telling which build is running.

use js_sys::Reflect;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Registers `/sw.js` where the browser supports service workers: `register()`.
pub fn register() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let navigator = window.navigator();
    if !Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false) {
        return;
    }
    let Ok(container) = Reflect::get(&navigator, &"serviceWorker".into()) else {
        return;
    };
    let Ok(register) =
        Reflect::get(&container, &"register".into()).and_then(|f| f.dyn_into::<js_sys::Function>())
    else {
        return;
    };
    if let Ok(promise) = register.call1(&container, &"/sw.js".into()) {
        // A failed registration only means no offline shell; the app works on.
        wasm_bindgen_futures::spawn_local(async move {
            let _ = JsFuture::from(js_sys::Promise::from(promise)).await;
        });
    }
}

/// The last build this device ran (for the "updated" notice): nothing about the user.
pub const BUILD_KEY: &str = "yizhan.build.v1";

/// This build's identity, the same in the worker's app and the venue's check: the
/// service worker's version, which scripts/precache.py writes into both pages and
/// which changes whenever any file of the build does: `build_id() == Some("7a80…")`.
pub fn build_id() -> Option<String> {
    let document = web_sys::window()?.document()?;
    let meta = document.query_selector("meta[name=yizhan-build]").ok()??;
    meta.get_attribute("content")
}
