//! China time. Dates in the feed and every rule (opening hours, coupon windows) are in
//! China's zone (UTC+08:00, no daylight saving), whatever the device's own zone is.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Timelike};

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
    let utc = parse_rfc3339_utc(rfc3339)?;
    Some(date_time_text(utc.checked_add_signed(TimeDelta::hours(8))?))
}

// Hand-written reading too: chrono's parser (its `FromStr` and serde readers) works
// from a format description at run time and costs the wasm about 7 KB gzip; these
// are the only shapes the feed and the device's own records hold.

/// The number the ASCII digits `text` spell, or `None`: `digits("07") == Some(7)`.
fn digits(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// A date as the feed writes it, "2026-11-23" (a one-digit month or day is read too),
/// or `None`: `parse_date("2026-11-23") == NaiveDate::from_ymd_opt(2026, 11, 23)`.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let mut parts = text.trim().splitn(3, '-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    if year.len() != 4 || month.len() > 2 || day.len() > 2 {
        return None;
    }
    NaiveDate::from_ymd_opt(digits(year)? as i32, digits(month)?, digits(day)?)
}

/// "07:30", "07:30:05" or "07:30:05.123" (up to nine fraction digits), or `None`.
fn parse_time(text: &str) -> Option<NaiveTime> {
    let (hms, fraction) = match text.split_once('.') {
        Some((hms, fraction)) => (hms, Some(fraction)),
        None => (text, None),
    };
    let mut parts = hms.split(':');
    let (hour, minute, second) = (parts.next()?, parts.next()?, parts.next());
    if parts.next().is_some() || hour.len() != 2 || minute.len() != 2 {
        return None;
    }
    let second = match second {
        Some(s) if s.len() == 2 => digits(s)?,
        Some(_) => return None,
        None if fraction.is_some() => return None,
        None => 0,
    };
    let nanos = match fraction {
        None => 0,
        Some(f) if (1..=9).contains(&f.len()) => digits(f)? * 10u32.pow(9 - f.len() as u32),
        Some(_) => return None,
    };
    NaiveTime::from_hms_nano_opt(digits(hour)?, digits(minute)?, second, nanos)
}

/// A date and time as chrono writes one ("2026-11-23T07:30:05", a fraction optional;
/// a space for the `T` is read too), or `None`:
/// `parse_date_time("2026-11-23T07:30:00")`.
pub fn parse_date_time(text: &str) -> Option<NaiveDateTime> {
    let (date, time) = text.trim().split_once(['T', 't', ' '])?;
    Some(parse_date(date)?.and_time(parse_time(time)?))
}

/// An RFC 3339 time ("2026-11-20T08:00:00+08:00", or `Z`) as UTC, or `None`:
/// `parse_rfc3339_utc("2026-11-20T08:00:00+08:00")` is 2026-11-20 00:00 UTC.
pub fn parse_rfc3339_utc(text: &str) -> Option<NaiveDateTime> {
    let text = text.trim();
    let (local, offset_minutes) = match text.strip_suffix(['Z', 'z']) {
        Some(local) => (local, 0),
        None => {
            let at = text.len().checked_sub(6)?;
            let (local, offset) = (text.get(..at)?, text.get(at..)?);
            let sign = match offset.as_bytes() {
                [b'+', _, _, b':', _, _] => 1,
                [b'-', _, _, b':', _, _] => -1,
                _ => return None,
            };
            let (hours, minutes) = (digits(offset.get(1..3)?)?, digits(offset.get(4..6)?)?);
            if hours > 23 || minutes > 59 {
                return None;
            }
            (local, sign * i64::from(hours * 60 + minutes))
        }
    };
    parse_date_time(local)?.checked_sub_signed(TimeDelta::minutes(offset_minutes))
}

/// serde readers (`#[serde(deserialize_with = "crate::time::read::date")]`) for the
/// dates the feed and the device's records hold, by [`parse_date`] and
/// [`parse_date_time`]. chrono still writes them: its writers are small.
pub mod read {
    use super::{parse_date, parse_date_time};
    use chrono::{NaiveDate, NaiveDateTime};
    use serde::{de::Error, Deserialize, Deserializer};

    fn one<'de, D: Deserializer<'de>, T>(
        text: String,
        parse: fn(&str) -> Option<T>,
    ) -> Result<T, D::Error> {
        parse(&text).ok_or_else(|| D::Error::custom(format!("not a date or time: {text}")))
    }

    /// "2026-11-23".
    pub fn date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        one::<D, _>(String::deserialize(d)?, parse_date)
    }

    /// "2026-11-23" or null.
    pub fn opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|t| one::<D, _>(t, parse_date))
            .transpose()
    }

    /// ["2026-01-01", …].
    pub fn dates<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<NaiveDate>, D::Error> {
        Vec::<String>::deserialize(d)?
            .into_iter()
            .map(|t| one::<D, _>(t, parse_date))
            .collect()
    }

    /// "2026-11-23T07:30:05".
    pub fn date_time<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDateTime, D::Error> {
        one::<D, _>(String::deserialize(d)?, parse_date_time)
    }

    /// "2026-11-23T07:30:05" or null.
    pub fn opt_date_time<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<NaiveDateTime>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|t| one::<D, _>(t, parse_date_time))
            .transpose()
    }
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

    #[test]
    fn dates_and_times_read_as_chrono_reads_them() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(parse_date("2026-11-23"), Some(day));
        assert_eq!(parse_date(" 2026-11-23 "), Some(day));
        assert_eq!(parse_date("2026-1-5"), NaiveDate::from_ymd_opt(2026, 1, 5));
        for bad in [
            "",
            "2026-11",
            "2026-02-30",
            "26-11-23",
            "2026-11-23x",
            "２０２６-11-23",
            "2026-+1-23",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        let at = day.and_hms_opt(7, 30, 5).unwrap();
        assert_eq!(parse_date_time("2026-11-23T07:30:05"), Some(at));
        assert_eq!(parse_date_time("2026-11-23 07:30:05"), Some(at));
        assert_eq!(
            parse_date_time("2026-11-23T07:30"),
            day.and_hms_opt(7, 30, 0)
        );
        assert_eq!(
            parse_date_time("2026-11-23T07:30:05.25"),
            day.and_hms_milli_opt(7, 30, 5, 250)
        );
        for bad in [
            "2026-11-23",
            "2026-11-23T7:30",
            "2026-11-23T07:30:05.",
            "2026-11-23T24:00:00",
            "2026-11-23T07:30.5",
        ] {
            assert_eq!(parse_date_time(bad), None, "{bad}");
        }
        // What chrono writes, read back: the device's own records.
        let stored = serde_json::to_string(&at).unwrap();
        assert_eq!(parse_date_time(stored.trim_matches('"')), Some(at));
    }

    #[test]
    fn rfc3339_with_any_offset_becomes_utc() {
        let utc = NaiveDate::from_ymd_opt(2026, 11, 20)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        assert_eq!(parse_rfc3339_utc("2026-11-20T08:00:00+08:00"), Some(utc));
        assert_eq!(parse_rfc3339_utc("2026-11-20T00:00:00Z"), Some(utc));
        assert_eq!(parse_rfc3339_utc("2026-11-19T19:30:00-04:30"), Some(utc));
        for bad in [
            "2026-11-20T08:00:00",
            "2026-11-20T08:00:00+8:00",
            "2026-11-20T08:00:00+24:00",
            "Z",
            "聊城市驿站",
        ] {
            assert_eq!(parse_rfc3339_utc(bad), None, "{bad}");
        }
        assert_eq!(
            published_text("2026-11-20T00:00:00Z").as_deref(),
            Some("2026-11-20 08:00")
        );
    }
}
