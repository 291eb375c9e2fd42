//! China time. Dates in the feed and every rule (opening hours, coupon windows) are in
//! China's zone (UTC+08:00, no daylight saving), whatever the device's own zone is.

use chrono::{DateTime, NaiveDateTime};

/// China-local date and time of a UTC instant in milliseconds (as `Date.now()` gives):
/// `china_local(0.0)` is 1970-01-01 08:00.
pub fn china_local(utc_ms: f64) -> NaiveDateTime {
    let secs = (utc_ms / 1000.0).floor() as i64 + 8 * 3600;
    DateTime::from_timestamp(secs, 0)
        .unwrap_or_default()
        .naive_utc()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_evening_is_the_next_morning_in_china() {
        // 2026-11-22T23:30Z is 2026-11-23 07:30 in China.
        let ms = 1_795_390_200_000.0;
        assert_eq!(china_local(ms).to_string(), "2026-11-23 07:30:00");
        assert_eq!(china_local(0.0).to_string(), "1970-01-01 08:00:00");
    }
}
