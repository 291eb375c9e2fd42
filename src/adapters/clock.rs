//! The clock: the only place the app reads the time.

use chrono::NaiveDateTime;

/// Milliseconds since the Unix epoch, UTC: `now_ms()`.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// The current China-local time, whatever the device's zone: `china_now()`.
pub fn china_now() -> NaiveDateTime {
    yizhan_core::time::china_local(now_ms())
}
