//! Timing marks through the standard User Timing API, so benchmarks (and the browser's
//! own performance panel) can read how long sync and search take on a real device.

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// Milliseconds since page start, high resolution: `let t0 = perf::now();`.
pub fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Records `performance.measure(name, { start, end: now })`:
/// `perf::measure("yizhan:index 371500", t0)`.
pub fn measure(name: &str, start: f64) {
    let Some(performance) = web_sys::window().and_then(|w| w.performance()) else {
        return;
    };
    let options = Object::new();
    let _ = Reflect::set(&options, &"start".into(), &JsValue::from(start));
    let _ = Reflect::set(&options, &"end".into(), &JsValue::from(performance.now()));
    if let Ok(f) =
        Reflect::get(&performance, &"measure".into()).and_then(|f| f.dyn_into::<Function>())
    {
        let _ = f.call2(&performance, &JsValue::from(name), &options);
    }
}
