//! The clock: the only place the app reads the time, and waits for the next task.

use chrono::NaiveDateTime;

/// Milliseconds since the Unix epoch, UTC: `now_ms()`.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// The current China-local time, whatever the device's zone: `china_now()`.
pub fn china_now() -> NaiveDateTime {
    yizhan_core::time::china_local(now_ms())
}

/// Waits one turn of the browser's event loop, so the work before and after it runs
/// as two tasks and a tap can be answered in between (a long task holds it up):
/// `clock::next_turn().await`.
pub async fn next_turn() {
    gloo_timers::future::TimeoutFuture::new(0).await;
}
