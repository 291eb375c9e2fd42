//! The Web Locks API: one tab at a time in a critical section (a coupon claim's or a
//! request's read-check-write on shared storage).

use js_sys::{Function, Promise, Reflect};
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// `navigator.locks` and its `request` function, where the browser has them.
fn lock_manager() -> Option<(JsValue, Function)> {
    let locks = web_sys::window()
        .and_then(|w| Reflect::get(&w.navigator(), &"locks".into()).ok())
        .filter(|locks| !locks.is_undefined())?;
    let request = Reflect::get(&locks, &"request".into())
        .ok()?
        .dyn_into::<Function>()
        .ok()?;
    Some((locks, request))
}

/// Runs `f` holding the lock `name` across every tab of this origin; where the
/// browser lacks Web Locks, or refuses the request (an opaque origin), runs it
/// directly (a single tab is already serial).
/// `with_lock("yizhan-wallet", move || claim()).await`.
pub async fn with_lock<T: 'static>(name: &str, f: impl FnOnce() -> T + 'static) -> T {
    with_lock_async(name, move || async move { f() }).await
}

/// Like [`with_lock`] for an async critical section: the lock is held until the
/// future `f()` completes. `with_lock_async("yizhan-outbox", || async { … }).await`.
pub async fn with_lock_async<T, F, G>(name: &str, f: G) -> T
where
    T: 'static,
    F: Future<Output = T> + 'static,
    G: FnOnce() -> F + 'static,
{
    // Only this small wrapper is generic: the locking itself is one function in the
    // wasm, not one per section (it was ~19 KB across eight kinds of section).
    let result: Rc<RefCell<Option<T>>> = Rc::new(RefCell::new(None));
    let cell = result.clone();
    run_locked(
        name,
        Box::new(move || {
            Box::pin(async move {
                let out = f().await;
                *cell.borrow_mut() = Some(out);
            })
        }),
    )
    .await;
    let value = result.borrow_mut().take();
    match value {
        Some(value) => value,
        // Unreachable: run_locked returns once the section has completed.
        None => std::future::pending().await,
    }
}

/// A critical section with its result already routed to its caller.
type Section = Box<dyn FnOnce() -> Pin<Box<dyn Future<Output = ()>>>>;

/// Runs `section` once, holding the lock `name` where the browser grants it.
async fn run_locked(name: &str, section: Section) {
    // Shared, so that if the lock is never granted the section still runs, once.
    let task = Rc::new(RefCell::new(Some(section)));
    if let Some((locks, request)) = lock_manager() {
        let held = task.clone();
        // The callback runs while the lock is held; the lock is released when the
        // promise it returns settles, that is when the section has finished.
        let callback = Closure::once(move |_lock: JsValue| -> Promise {
            let section = held.borrow_mut().take();
            wasm_bindgen_futures::future_to_promise(async move {
                if let Some(section) = section {
                    section().await;
                }
                Ok(JsValue::UNDEFINED)
            })
        });
        let promise = request
            .call2(&locks, &JsValue::from(name), callback.as_ref())
            .ok()
            .and_then(|p| p.dyn_into::<Promise>().ok());
        if let Some(promise) = promise {
            // A rejected request (no lock for this origin) is handled below.
            let _ = JsFuture::from(promise).await;
        }
        drop(callback);
    }
    // No Web Locks, or the lock was never granted: run the section without it rather
    // than not at all. (Taken by the callback means it has already completed.)
    let left = task.borrow_mut().take();
    if let Some(section) = left {
        section().await;
    }
}
