//! The Web Locks API: one tab at a time in a critical section (a coupon claim's
//! read-check-write on shared storage).

use js_sys::{Function, Promise, Reflect};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Runs `f` holding the lock `name` across every tab of this origin; where the
/// browser lacks Web Locks, runs it directly (a single tab is already serial).
/// `with_lock("yizhan-wallet", move || claim()).await`.
pub async fn with_lock<T: 'static>(name: &str, f: impl FnOnce() -> T + 'static) -> T {
    let request = web_sys::window()
        .and_then(|w| Reflect::get(&w.navigator(), &"locks".into()).ok())
        .filter(|locks| !locks.is_undefined())
        .and_then(|locks| {
            let request = Reflect::get(&locks, &"request".into())
                .ok()?
                .dyn_into::<Function>()
                .ok()?;
            Some((locks, request))
        });
    let Some((locks, request)) = request else {
        return f();
    };
    let result: Rc<RefCell<Option<T>>> = Rc::new(RefCell::new(None));
    let cell = result.clone();
    let mut f = Some(f);
    // The callback runs while the lock is held; it returns nothing, so the lock is
    // released as soon as it returns.
    let callback = Closure::once(move |_lock: JsValue| {
        if let Some(f) = f.take() {
            *cell.borrow_mut() = Some(f());
        }
    });
    let promise = request
        .call2(&locks, &JsValue::from(name), callback.as_ref())
        .ok()
        .and_then(|p| p.dyn_into::<Promise>().ok());
    if let Some(promise) = promise {
        let _ = JsFuture::from(promise).await;
    }
    drop(callback);
    let value = result.borrow_mut().take();
    value.expect("the lock callback ran")
}
