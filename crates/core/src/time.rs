//! China time. Dates in the feed and every rule (opening hours, coupon windows) are in
//! China's zone (UTC+08:00, no daylight saving), whatever the device's own zone is.

use chrono::{DateTime, Datelike, NaiveDateTime, Timelike};

/// China-local date and time of a UTC instant in milliseconds (as `Date.now()` gives):
/// `china_local(0.0)` is 1970-01-01 08:00.
pub fn china_local(utc_ms: f64) -> NaiveDateTime {
    let secs = (utc_ms / 1000.0).floor() as i64 + 8 * 3600;
    DateTime::from_timestamp(secs, 0)
        .unwrap_or_default()
        .naive_utc()
}

// Hand-written formatting: chrono's `format("%…")` parses its pattern at run time and
// costs the wasm about 20 KB; these few shapes are all the app shows.

/// "07:30": `hm_text(at)`.
pub fn hm_text(at: NaiveDateTime) -> String {
    format!("{:02}:{:02}", at.hour(), at.minute())
}

/// "11-23 07:30": `month_day_time_text(at)`.
pub fn month_day_time_text(at: NaiveDateTime) -> String {
    format!("{:02}-{:02} {}", at.month(), at.day(), hm_text(at))
}

/// "2026-11-23 07:30": `date_time_text(at)`.
pub fn date_time_text(at: NaiveDateTime) -> String {
    format!("{:04}-{}", at.year(), month_day_time_text(at))
}

/// "2026-11-23 07:30:05", a running clock: `clock_text(at)`.
pub fn clock_text(at: NaiveDateTime) -> String {
    format!("{}:{:02}", date_time_text(at), at.second())
}

/// RFC 3339 of a China-local time: "2026-11-23T07:30:05+08:00".
pub fn rfc3339_china(at: NaiveDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+08:00",
        at.year(),
        at.month(),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// An RFC 3339 time (any offset) as China-local "2026-11-20 08:00", or `None`:
/// `published_text("2026-11-20T00:00:00Z") == Some("2026-11-20 08:00")`.
pub fn published_text(rfc3339: &str) -> Option<String> {
    let at = DateTime::parse_from_rfc3339(rfc3339).ok()?;
    Some(date_time_text(china_local(at.timestamp_millis() as f64)))
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

    #[test]
    fn formats_match_what_chrono_would_write() {
        let at = china_local(1_795_390_205_000.0); // 2026-11-23 07:30:05
        assert_eq!(hm_text(at), at.format("%H:%M").to_string());
        assert_eq!(
            month_day_time_text(at),
            at.format("%m-%d %H:%M").to_string()
        );
        assert_eq!(date_time_text(at), at.format("%Y-%m-%d %H:%M").to_string());
        assert_eq!(clock_text(at), at.format("%Y-%m-%d %H:%M:%S").to_string());
        assert_eq!(
            rfc3339_china(at),
            at.format("%Y-%m-%dT%H:%M:%S+08:00").to_string()
        );
        assert_eq!(
            published_text("2026-11-20T00:00:00Z").as_deref(),
            Some("2026-11-20 08:00")
        );
        assert_eq!(
            published_text("2026-11-20T08:00:00+08:00").as_deref(),
            Some("2026-11-20 08:00")
        );
        assert_eq!(published_text("昨天"), None);
    }
}
