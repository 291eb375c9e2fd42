//! The installable, offline app shell: registering the service worker (public/sw.js)
//! and telling which build is running.

use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

// The service worker API is read by name (Reflect), not through web_sys' typed
// bindings: where a browser has none (plain http, some embedded browsers) a typed getter
// hands back `undefined` that throws on first use; and the typed bindings' features
// cost the first visit's wasm bytes (`cargo xtask size`).

/// `navigator.serviceWorker`, where the browser has it: `container().is_some()`.
fn container() -> Option<JsValue> {
    let navigator = web_sys::window()?.navigator();
    if !Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false) {
        return None;
    }
    Reflect::get(&navigator, &"serviceWorker".into()).ok()
}

/// Calls `target[name](arg)`, if `target` has such a method: `call(&c, "register", &url)`.
fn call(target: &JsValue, name: &str, arg: &JsValue) -> Option<JsValue> {
    let method = Reflect::get(target, &name.into()).ok()?;
    method
        .dyn_into::<js_sys::Function>()
        .ok()?
        .call1(target, arg)
        .ok()
}

/// Registers `/sw.js` where the browser supports service workers: `register()`.
pub fn register() {
    let Some(promise) = container().and_then(|c| call(&c, "register", &"/sw.js".into())) else {
        return;
    };
    // A failed registration only means no offline shell; the app works on.
    wasm_bindgen_futures::spawn_local(async move {
        let _ = JsFuture::from(js_sys::Promise::from(promise)).await;
    });
}

/// On the venue's device, `/verify` loaded before the service worker ran (a first
/// visit, or one opened while the worker was still installing): asks the worker, once
/// it runs, to take this page and keep the venue's check for offline use. A page the
/// worker already serves needs nothing (the worker keeps those files when it serves
/// `/verify`). `keep_venue()`.
pub fn keep_venue() {
    let Some(container) = container() else {
        return;
    };
    if Reflect::get(&container, &"controller".into()).is_ok_and(|c| c.is_object()) {
        return;
    }
    // What public/sw.js answers with clients.claim() and keepVenue().
    tell_worker(&container, "keep-venue");
}

/// Tells the service worker whether the stations' pages (`/`, `/stations`, a
/// station's page) may open in the stations app on this device's next visit (less
/// wasm to compile: the first row sooner), or must open in the whole app, which alone
/// shows the union's answers as news (public/sw.js keeps the word):
/// `allow_stations_app(!news_may_come)`.
pub fn allow_stations_app(allowed: bool) {
    if let Some(container) = container() {
        tell_worker(
            &container,
            if allowed { "stations-app" } else { "whole-app" },
        );
    }
}

/// Posts `word` to the service worker once it is active (on a first visit it is still
/// installing): `tell_worker(&container, "keep-venue")`.
fn tell_worker(container: &JsValue, word: &'static str) {
    let Ok(ready) = Reflect::get(container, &"ready".into()) else {
        return;
    };
    wasm_bindgen_futures::spawn_local(async move {
        let Ok(registration) = JsFuture::from(js_sys::Promise::from(ready)).await else {
            return;
        };
        if let Ok(worker) = Reflect::get(&registration, &"active".into()) {
            call(&worker, "postMessage", &word.into());
        }
    });
}

/// The last build this device ran (for the "updated" notice): nothing about the user.
pub const BUILD_KEY: &str = "yizhan.build.v1";

/// This build's identity, the same in the worker's app and the venue's check: the
/// service worker's version, which the build (`cargo xtask build`) writes into every page and
/// which changes whenever any file of the build does: `build_id() == Some("7a80…")`.
pub fn build_id() -> Option<String> {
    let document = web_sys::window()?.document()?;
    let meta = document.query_selector("meta[name=yizhan-build]").ok()??;
    meta.get_attribute("content")
}
