//! The Web Locks API: one tab at a time in a critical section (a coupon claim's or a
//! request's read-check-write on shared storage).

use js_sys::{Function, Promise, Reflect};
use std::cell::RefCell;
use std::future::Future;
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
    // Shared, so that if the lock is never granted the section still runs, once.
    let task = Rc::new(RefCell::new(Some(f)));
    let Some((locks, request)) = lock_manager() else {
        let f = task.borrow_mut().take();
        return run(f).await;
    };
    let result: Rc<RefCell<Option<T>>> = Rc::new(RefCell::new(None));
    let (cell, held) = (result.clone(), task.clone());
    // The callback runs while the lock is held; the lock is released when the
    // promise it returns settles, that is when the section has finished.
    let callback = Closure::once(move |_lock: JsValue| -> Promise {
        let f = held.borrow_mut().take();
        wasm_bindgen_futures::future_to_promise(async move {
            let out = run(f).await;
            *cell.borrow_mut() = Some(out);
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
    let value = result.borrow_mut().take();
    match value {
        Some(value) => value,
        // The lock was never granted: run the section without it rather than abort.
        None => {
            let f = task.borrow_mut().take();
            run(f).await
        }
    }
}

async fn run<T, F: Future<Output = T>>(f: Option<impl FnOnce() -> F>) -> T {
    match f {
        Some(f) => f().await,
        // Unreachable: the section is taken exactly once, by the callback or by the
        // fallback after it, and only the one that takes it awaits it.
        None => std::future::pending().await,
    }
}
