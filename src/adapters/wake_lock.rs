//! The Screen Wake Lock API: keeps the screen on while a code is shown to staff.
//! Reached through `Reflect` (web-sys has it only behind its unstable-API flag). A
//! browser without it, or one that refuses (low battery, a hidden page), just lets the
//! screen sleep as usual.

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// A held wake lock; [`WakeLock::release`] lets the screen sleep again.
pub struct WakeLock(JsValue);

impl WakeLock {
    /// Asks to keep the screen on: `let lock = WakeLock::request().await;` (`None` when
    /// the browser has no wake lock or refused it).
    pub async fn request() -> Option<WakeLock> {
        let navigator = web_sys::window()?.navigator();
        let wake_lock = Reflect::get(&navigator, &"wakeLock".into()).ok()?;
        let request: Function = Reflect::get(&wake_lock, &"request".into())
            .ok()?
            .dyn_into()
            .ok()?;
        let promise: Promise = request
            .call1(&wake_lock, &"screen".into())
            .ok()?
            .dyn_into()
            .ok()?;
        wasm_bindgen_futures::JsFuture::from(promise)
            .await
            .ok()
            .map(WakeLock)
    }

    /// Lets the screen sleep again: `lock.release()`.
    pub fn release(self) {
        if let Ok(release) = Reflect::get(&self.0, &"release".into()) {
            if let Some(release) = release.dyn_ref::<Function>() {
                let _ = release.call0(&self.0);
            }
        }
    }
}
