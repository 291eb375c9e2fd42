//! Opening hours: the FEED.md subset of OpenStreetMap's `opening_hours`, parsed by hand
//! (a regex crate would cost ~500 KB of wasm) and evaluated in China time.
//!
//! Grammar: `24/7`, or rules separated by `;`, each `[DAYS] TIMES` or `[DAYS] off`.
//! DAYS is a comma list of `Mo`..`Su`, ranges (`Fr-Mo` wraps) and `PH` (the manifest's
//! holidays); TIMES is a comma list of `HH:MM-HH:MM` (an end before the start runs past
//! midnight; `24:00` may end a span). A later rule overrides earlier ones on its days.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use std::collections::BTreeSet;
use std::fmt;

const DAY_MIN: i64 = 24 * 60;
const WEEKDAYS: [&str; 7] = ["mo", "tu", "we", "th", "fr", "sa", "su"];

/// Parsed opening hours.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpeningHours {
    /// `24/7`.
    Always,
    Rules(Vec<Rule>),
}

/// One `DAYS TIMES` or `DAYS off` rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// Bit `i` set: applies on weekday `i` (0 = Monday). All set when DAYS is absent.
    weekdays: u8,
    /// Applies on the manifest's public holidays.
    holidays: bool,
    /// Empty means `off`.
    spans: Vec<Span>,
}

/// Minutes since midnight; `end <= start` runs past midnight, `end` may be 1440.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    start: u16,
    end: u16,
}

/// Why an `hours` string is outside the subset. The app shows such hours as unknown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoursError(pub String);

impl fmt::Display for HoursError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn err<T>(msg: impl Into<String>) -> Result<T, HoursError> {
    Err(HoursError(msg.into()))
}

/// What a station's hours mean at a given moment, for the list and detail pages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpenStatus {
    /// Open around the clock (`24/7`, or no closing within the next week).
    AlwaysOpen,
    /// Open now; closes at this China-local time.
    OpenUntil(NaiveDateTime),
    /// Closed now; opens at this time, or not within the next week (`None`).
    ClosedUntil(Option<NaiveDateTime>),
}

impl OpeningHours {
    /// Parses an `hours` value: `OpeningHours::parse("Mo-Fr 07:00-21:00; PH off")`.
    pub fn parse(text: &str) -> Result<OpeningHours, HoursError> {
        let text = text.trim();
        if text.is_empty() {
            return err("empty hours");
        }
        if text == "24/7" {
            return Ok(OpeningHours::Always);
        }
        let rules = text
            .split(';')
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(parse_rule)
            .collect::<Result<Vec<_>, _>>()?;
        if rules.is_empty() {
            return err("no rules");
        }
        Ok(OpeningHours::Rules(rules))
    }

    /// The spans of the rule that governs `date` (the last rule naming it), or none.
    fn spans_on(&self, date: NaiveDate, holidays: &BTreeSet<NaiveDate>) -> &[Span] {
        let OpeningHours::Rules(rules) = self else {
            return &[];
        };
        let weekday_bit = 1u8 << date.weekday().num_days_from_monday();
        let is_holiday = holidays.contains(&date);
        rules
            .iter()
            .rev()
            .find(|r| r.weekdays & weekday_bit != 0 || (r.holidays && is_holiday))
            .map(|r| r.spans.as_slice())
            .unwrap_or(&[])
    }

    /// Open intervals from `from` for `days` days, in minutes relative to `from` 00:00,
    /// sorted and merged, including the spill-over of the day before `from`.
    fn intervals(
        &self,
        from: NaiveDate,
        days: i64,
        holidays: &BTreeSet<NaiveDate>,
    ) -> Vec<(i64, i64)> {
        let mut out: Vec<(i64, i64)> = Vec::new();
        for offset in -1..days {
            let date = from + Duration::days(offset);
            let base = offset * DAY_MIN;
            for s in self.spans_on(date, holidays) {
                let (start, mut end) = (i64::from(s.start), i64::from(s.end));
                if end <= start {
                    end += DAY_MIN; // runs past midnight
                }
                out.push((base + start, base + end));
            }
        }
        out.sort_unstable();
        let mut merged: Vec<(i64, i64)> = Vec::with_capacity(out.len());
        for (s, e) in out {
            match merged.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        merged
    }

    /// Whether it is open at a China-local moment:
    /// `hours.is_open(at, &holidays)`.
    pub fn is_open(&self, at: NaiveDateTime, holidays: &BTreeSet<NaiveDate>) -> bool {
        matches!(
            self.status(at, holidays),
            OpenStatus::AlwaysOpen | OpenStatus::OpenUntil(_)
        )
    }

    /// Open now and until when, or closed and when it opens, looking a week ahead:
    /// `hours.status(at, &holidays)`.
    pub fn status(&self, at: NaiveDateTime, holidays: &BTreeSet<NaiveDate>) -> OpenStatus {
        if *self == OpeningHours::Always {
            return OpenStatus::AlwaysOpen;
        }
        const WEEK: i64 = 8;
        let day = at.date();
        let midnight = day.and_time(NaiveTime::MIN);
        let now = i64::from(at.time().num_seconds_from_midnight() / 60);
        let intervals = self.intervals(day, WEEK, holidays);
        let at_minute = |m: i64| midnight + Duration::minutes(m);
        if let Some(&(_, end)) = intervals.iter().find(|(s, e)| *s <= now && now < *e) {
            if end - now >= 7 * DAY_MIN {
                return OpenStatus::AlwaysOpen;
            }
            return OpenStatus::OpenUntil(at_minute(end));
        }
        let next = intervals.iter().find(|(s, _)| *s > now).map(|(s, _)| *s);
        OpenStatus::ClosedUntil(next.map(at_minute))
    }

    /// The spans that start on `date`, holidays included (empty when closed all day):
    /// for "today's hours", `hours.spans_for(today, &holidays)`.
    pub fn spans_for(&self, date: NaiveDate, holidays: &BTreeSet<NaiveDate>) -> Vec<Span> {
        if *self == OpeningHours::Always {
            return vec![Span {
                start: 0,
                end: DAY_MIN as u16,
            }];
        }
        self.spans_on(date, holidays).to_vec()
    }
}

/// One line of a weekly timetable: the weekdays it covers and their spans.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WeekLine {
    /// Bit `i` set: weekday `i` (0 = Monday).
    pub days: u8,
    /// Empty means closed on those days.
    pub spans: Vec<Span>,
}

/// A station's hours as a weekly timetable, for people rather than parsers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WeekTable {
    /// Days with the same spans grouped together, in the order of their first day.
    pub lines: Vec<WeekLine>,
    /// The spans on the manifest's holidays, when they differ from the weekday's own.
    pub holidays: Option<Vec<Span>>,
    /// False when a `PH` rule governs holidays on some weekdays only (a later weekday
    /// rule overrides it on others): the table then simplifies, so show the original
    /// text beside it.
    pub exact: bool,
}

impl OpeningHours {
    /// The weekly timetable: `OpeningHours::parse("Mo-Sa 07:00-19:00; Su off")?.week_table()`
    /// has two lines, Monday to Saturday and Sunday (closed).
    pub fn week_table(&self) -> WeekTable {
        let rules = match self {
            OpeningHours::Always => {
                return WeekTable {
                    lines: vec![WeekLine {
                        days: 0x7f,
                        spans: vec![Span {
                            start: 0,
                            end: DAY_MIN as u16,
                        }],
                    }],
                    holidays: None,
                    exact: true,
                }
            }
            OpeningHours::Rules(rules) => rules,
        };
        // The rule that governs each weekday: the last one naming it.
        let governing: Vec<Option<usize>> = (0..7)
            .map(|w| rules.iter().rposition(|r| r.weekdays & (1 << w) != 0))
            .collect();
        let spans_of = |w: usize| {
            governing[w]
                .map(|i| rules[i].spans.clone())
                .unwrap_or_default()
        };
        let mut lines: Vec<WeekLine> = Vec::new();
        for w in 0..7 {
            let spans = spans_of(w);
            match lines.iter_mut().find(|l| l.spans == spans) {
                Some(line) => line.days |= 1 << w,
                None => lines.push(WeekLine {
                    days: 1 << w,
                    spans,
                }),
            }
        }
        // A holiday falling on weekday `w` follows the last rule naming `w` or `PH`.
        let (mut holidays, mut exact) = (None, true);
        if let Some(ph) = rules.iter().rposition(|r| r.holidays) {
            let governed: Vec<usize> = (0..7)
                .filter(|&w| governing[w].is_none_or(|i| i <= ph))
                .collect();
            let ph_spans = &rules[ph].spans;
            if governed.iter().any(|&w| spans_of(w) != *ph_spans) {
                holidays = Some(ph_spans.clone());
                exact = governed.len() == 7;
            }
        }
        WeekTable {
            lines,
            holidays,
            exact,
        }
    }
}

/// A mask of weekdays as runs of consecutive days, Monday first:
/// `day_runs(0b0011111) == [(0, 4)]` (Monday to Friday).
pub fn day_runs(days: u8) -> Vec<(usize, usize)> {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for w in (0..7).filter(|w| days & (1 << w) != 0) {
        match runs.last_mut() {
            Some(run) if run.1 + 1 == w => run.1 = w,
            _ => runs.push((w, w)),
        }
    }
    runs
}

impl Span {
    /// `HH:MM` of the start.
    pub fn start_text(&self) -> String {
        hhmm(self.start)
    }
    /// `HH:MM` of the end (`24:00` at midnight ending the day).
    pub fn end_text(&self) -> String {
        hhmm(self.end)
    }
    /// Whether the span runs past midnight into the next day (`22:00-06:00`).
    pub fn overnight(&self) -> bool {
        self.end <= self.start
    }
    /// Whether it covers the whole day (`00:00-24:00`).
    pub fn whole_day(&self) -> bool {
        self.start == 0 && i64::from(self.end) == DAY_MIN
    }
}

fn hhmm(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

fn parse_rule(rule: &str) -> Result<Rule, HoursError> {
    // DAYS ends where the times (a digit) or `off` begin.
    let lower = rule.to_ascii_lowercase();
    let split = lower
        .find(|c: char| c.is_ascii_digit())
        .into_iter()
        .chain(lower.find("off"))
        .chain(lower.find("closed"))
        .min()
        .ok_or_else(|| HoursError(format!("no times in rule `{rule}`")))?;
    let (days, times) = lower.split_at(split);
    let (weekdays, holidays) = if days.trim().is_empty() {
        (0x7f, true)
    } else {
        parse_days(days)?
    };
    let times = times.trim();
    let spans = if times == "off" || times == "closed" {
        Vec::new()
    } else {
        times
            .split(',')
            .map(|s| parse_span(s.trim()))
            .collect::<Result<_, _>>()?
    };
    Ok(Rule {
        weekdays,
        holidays,
        spans,
    })
}

fn parse_days(days: &str) -> Result<(u8, bool), HoursError> {
    let (mut mask, mut ph) = (0u8, false);
    for item in days.split(',').map(|d| d.trim()).filter(|d| !d.is_empty()) {
        if item == "ph" {
            ph = true;
            continue;
        }
        let (a, b) = match item.split_once('-') {
            Some((a, b)) => (weekday(a.trim())?, weekday(b.trim())?),
            None => (weekday(item)?, weekday(item)?),
        };
        // A range that ends before it starts wraps over Sunday (`Fr-Mo`).
        let mut d = a;
        loop {
            mask |= 1 << d;
            if d == b {
                break;
            }
            d = (d + 1) % 7;
        }
    }
    if mask == 0 && !ph {
        return err(format!("no days in `{days}`"));
    }
    Ok((mask, ph))
}

fn weekday(name: &str) -> Result<usize, HoursError> {
    WEEKDAYS
        .iter()
        .position(|d| *d == name)
        .ok_or_else(|| HoursError(format!("unknown day `{name}`")))
}

fn parse_span(span: &str) -> Result<Span, HoursError> {
    let (a, b) = span
        .split_once('-')
        .ok_or_else(|| HoursError(format!("`{span}` is not HH:MM-HH:MM")))?;
    let start = parse_time(a.trim(), false)?;
    let end = parse_time(b.trim(), true)?;
    if start == end {
        return err(format!("`{span}` starts and ends at the same time"));
    }
    Ok(Span { start, end })
}

fn parse_time(t: &str, may_be_24: bool) -> Result<u16, HoursError> {
    let bad = || HoursError(format!("`{t}` is not a time HH:MM"));
    let (h, m) = t.split_once(':').ok_or_else(bad)?;
    if h.len() != 2 || m.len() != 2 || !h.bytes().chain(m.bytes()).all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    match (h, m) {
        (24, 0) if may_be_24 => Ok(24 * 60),
        (0..=23, 0..=59) => Ok(h * 60 + m),
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use OpenStatus::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }
    fn no_holidays() -> BTreeSet<NaiveDate> {
        BTreeSet::new()
    }
    fn open(hours: &str, when: &str, holidays: &BTreeSet<NaiveDate>) -> bool {
        OpeningHours::parse(hours)
            .unwrap()
            .is_open(at(when), holidays)
    }
    // 2026-11-23 is a Monday; 2026-11-28 Saturday; 2026-11-29 Sunday.

    #[test]
    fn open_now_table() {
        let h = no_holidays();
        let table: &[(&str, &str, bool)] = &[
            ("24/7", "2026-11-23 03:00", true),
            ("07:00-21:00", "2026-11-29 07:00", true), // no DAYS: every day, start inclusive
            ("07:00-21:00", "2026-11-29 21:00", false), // end exclusive
            ("07:00-21:00", "2026-11-29 06:59", false),
            ("Mo-Fr 07:00-21:00", "2026-11-23 12:00", true),
            ("Mo-Fr 07:00-21:00", "2026-11-28 12:00", false), // Saturday
            (
                "Mo-Fr 07:00-21:00; Sa,Su 09:00-18:00",
                "2026-11-28 08:30",
                false,
            ),
            (
                "Mo-Fr 07:00-21:00; Sa,Su 09:00-18:00",
                "2026-11-28 09:00",
                true,
            ),
            (
                "Mo-Fr 07:00-21:00; Sa,Su 09:00-18:00",
                "2026-11-29 18:30",
                false,
            ),
            // several spans (split shift)
            ("Mo-Su 06:00-09:00,17:00-20:00", "2026-11-24 08:59", true),
            ("Mo-Su 06:00-09:00,17:00-20:00", "2026-11-24 12:00", false),
            ("Mo-Su 06:00-09:00, 17:00-20:00", "2026-11-24 17:30", true),
            // overnight spans run into the next day
            ("22:00-06:00", "2026-11-24 23:30", true),
            ("22:00-06:00", "2026-11-24 05:59", true),
            ("22:00-06:00", "2026-11-24 06:00", false),
            ("Fr 22:00-06:00", "2026-11-28 03:00", true), // Friday night into Saturday
            ("Fr 22:00-06:00", "2026-11-27 03:00", false), // Friday early morning: Thursday had none
            // 24:00 as an end
            ("Mo-Fr 18:00-24:00", "2026-11-23 23:59", true),
            ("Mo-Fr 18:00-24:00", "2026-11-24 00:00", false),
            // wrapping day ranges
            ("Fr-Mo 10:00-16:00", "2026-11-29 12:00", true), // Sunday
            ("Fr-Mo 10:00-16:00", "2026-11-23 12:00", true), // Monday
            ("Fr-Mo 10:00-16:00", "2026-11-25 12:00", false), // Wednesday
            ("Sa-Tu 10:00-16:00", "2026-11-24 12:00", true), // Tuesday
            // a later rule overrides an earlier one on the days it names
            ("Mo-Su 08:00-20:00; We off", "2026-11-25 12:00", false),
            ("Mo-Su 08:00-20:00; We off", "2026-11-26 12:00", true),
            (
                "Mo-Su 08:00-20:00; Sa 10:00-12:00",
                "2026-11-28 09:00",
                false,
            ),
            (
                "Mo-Su 08:00-20:00; Sa 10:00-12:00",
                "2026-11-28 11:00",
                true,
            ),
            ("We off; Mo-Su 08:00-20:00", "2026-11-25 12:00", true), // order matters
            // lenient forms the subset implies
            ("mo-fr 07:00-21:00", "2026-11-23 12:00", true),
            ("Mo, We 08:00-10:00", "2026-11-25 09:00", true),
            ("Mo-Fr 07:00-21:00;", "2026-11-23 12:00", true),
            ("Su closed; 08:00-18:00", "2026-11-29 12:00", true),
        ];
        for (hours, when, expected) in table {
            assert_eq!(open(hours, when, &h), *expected, "{hours} at {when}");
        }
    }

    #[test]
    fn public_holidays_follow_the_manifest() {
        let holidays: BTreeSet<NaiveDate> = [NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()].into();
        let h = "Mo-Fr 07:00-21:00; Sa,Su 09:00-18:00; PH off";
        assert!(
            !open(h, "2026-11-23 12:00", &holidays),
            "holiday Monday is off"
        );
        assert!(open(h, "2026-11-24 12:00", &holidays));
        assert!(open(h, "2026-11-23 12:00", &no_holidays()));
        // PH with its own hours
        let h = "Mo-Fr 07:00-21:00; PH 10:00-14:00";
        assert!(!open(h, "2026-11-23 08:00", &holidays));
        assert!(open(h, "2026-11-23 11:00", &holidays));
        // A PH rule earlier than a weekday rule is overridden by it.
        assert!(open(
            "PH off; Mo-Fr 07:00-21:00",
            "2026-11-23 12:00",
            &holidays
        ));
    }

    #[test]
    fn status_gives_closing_and_opening_times() {
        let h = no_holidays();
        let hours = OpeningHours::parse("Mo-Fr 07:00-21:00; Sa,Su 09:00-18:00").unwrap();
        assert_eq!(
            hours.status(at("2026-11-23 12:00"), &h),
            OpenUntil(at("2026-11-23 21:00"))
        );
        assert_eq!(
            hours.status(at("2026-11-23 22:00"), &h),
            ClosedUntil(Some(at("2026-11-24 07:00")))
        );
        assert_eq!(
            hours.status(at("2026-11-27 21:30"), &h),
            ClosedUntil(Some(at("2026-11-28 09:00")))
        );
        // Overnight: open now, closes tomorrow morning.
        let night = OpeningHours::parse("22:00-06:00").unwrap();
        assert_eq!(
            night.status(at("2026-11-23 23:00"), &h),
            OpenUntil(at("2026-11-24 06:00"))
        );
        // Adjacent spans merge across midnight.
        let joined = OpeningHours::parse("18:00-24:00; 00:00-02:00").unwrap();
        // The second rule (no DAYS) overrides the first on every day.
        assert_eq!(
            joined.status(at("2026-11-23 01:00"), &h),
            OpenUntil(at("2026-11-23 02:00"))
        );
        let joined = OpeningHours::parse("00:00-02:00,18:00-24:00").unwrap();
        assert_eq!(
            joined.status(at("2026-11-23 23:00"), &h),
            OpenUntil(at("2026-11-24 02:00"))
        );
        // Every day all day is 24 hours; 24/7 is too.
        let all = OpeningHours::parse("Mo-Su 00:00-24:00").unwrap();
        assert_eq!(all.status(at("2026-11-23 12:00"), &h), AlwaysOpen);
        assert_eq!(
            OpeningHours::Always.status(at("2026-11-23 12:00"), &h),
            AlwaysOpen
        );
        // Never open within a week.
        let never = OpeningHours::parse("Mo-Su off").unwrap();
        assert_eq!(never.status(at("2026-11-23 12:00"), &h), ClosedUntil(None));
    }

    #[test]
    fn the_spans_of_a_day_follow_weekday_and_holiday_rules() {
        let text = |spans: Vec<Span>| -> Vec<String> {
            spans
                .iter()
                .map(|s| format!("{}-{}", s.start_text(), s.end_text()))
                .collect()
        };
        let monday = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let saturday = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let hours =
            OpeningHours::parse("Mo-Fr 07:00-12:00,14:00-24:00; Sa off; PH 09:00-11:00").unwrap();
        let h = no_holidays();
        assert_eq!(
            text(hours.spans_for(monday, &h)),
            ["07:00-12:00", "14:00-24:00"]
        );
        assert!(hours.spans_for(saturday, &h).is_empty());
        let ph: BTreeSet<NaiveDate> = [monday].into();
        assert_eq!(text(hours.spans_for(monday, &ph)), ["09:00-11:00"]);
        assert_eq!(
            text(OpeningHours::Always.spans_for(saturday, &h)),
            ["00:00-24:00"]
        );
    }

    #[test]
    fn outside_the_subset_is_an_error() {
        for bad in [
            "",
            "   ",
            "sunrise-sunset",
            "Mo-Fr",
            "Mo-Fr 7:00-21:00",
            "Mo-Fr 07:00-25:00",
            "Mo-Fr 24:00-06:00",
            "Mo-Fr 07:60-21:00",
            "Xx 07:00-21:00",
            "Mo-Fr 07:00",
            "Mo-Fr 07:00-07:00",
            "Jan-Mar 08:00-18:00",
            "Mo-Fr 08:00-18:00 \"call ahead\"",
            ";",
        ] {
            assert!(
                OpeningHours::parse(bad).is_err(),
                "`{bad}` should not parse"
            );
        }
    }

    /// The timetable as `(days mask, "HH:MM-HH:MM,…" or "off")` lines, and holidays.
    fn table(hours: &str) -> (Vec<(u8, String)>, Option<String>, bool) {
        let text = |spans: &[Span]| {
            if spans.is_empty() {
                return "off".to_string();
            }
            let parts: Vec<String> = spans
                .iter()
                .map(|s| format!("{}-{}", s.start_text(), s.end_text()))
                .collect();
            parts.join(",")
        };
        let t = OpeningHours::parse(hours).unwrap().week_table();
        let lines = t.lines.iter().map(|l| (l.days, text(&l.spans))).collect();
        (lines, t.holidays.as_deref().map(text), t.exact)
    }

    #[test]
    fn week_table_groups_days_with_the_same_hours() {
        const MO_FR: u8 = 0b001_1111;
        const SA_SU: u8 = 0b110_0000;
        /// (hours, expected lines, expected holidays, exact)
        type Case<'a> = (&'a str, &'a [(u8, &'a str)], Option<&'a str>, bool);
        let cases: &[Case] = &[
            ("24/7", &[(0x7f, "00:00-24:00")], None, true),
            ("07:00-21:00", &[(0x7f, "07:00-21:00")], None, true),
            (
                "Mo-Sa 07:00-19:00; Su off",
                &[(0b011_1111, "07:00-19:00"), (0b100_0000, "off")],
                None,
                true,
            ),
            (
                "Mo-Fr 07:00-21:00; Sa,Su 09:00-18:00",
                &[(MO_FR, "07:00-21:00"), (SA_SU, "09:00-18:00")],
                None,
                true,
            ),
            // days no rule names are closed
            (
                "Mo-Fr 08:00-17:00",
                &[(MO_FR, "08:00-17:00"), (SA_SU, "off")],
                None,
                true,
            ),
            // the same hours on days apart share one line
            (
                "Mo,We,Fr 08:00-12:00",
                &[(0b001_0101, "08:00-12:00"), (0b110_1010, "off")],
                None,
                true,
            ),
            // a wrapping range, split shifts, overnight
            (
                "Fr-Mo 22:00-06:00",
                &[(0b111_0001, "22:00-06:00"), (0b000_1110, "off")],
                None,
                true,
            ),
            (
                "Mo-Su 06:00-09:00,17:00-20:00",
                &[(0x7f, "06:00-09:00,17:00-20:00")],
                None,
                true,
            ),
            // a later rule overrides an earlier one
            (
                "Mo-Su 08:00-20:00; We off",
                &[(0b111_1011, "08:00-20:00"), (0b000_0100, "off")],
                None,
                true,
            ),
            // holidays: a last PH rule governs every holiday
            (
                "Mo-Fr 07:00-21:00; PH off",
                &[(MO_FR, "07:00-21:00"), (SA_SU, "off")],
                Some("off"),
                true,
            ),
            (
                "Mo-Su 08:00-18:00; PH 10:00-16:00",
                &[(0x7f, "08:00-18:00")],
                Some("10:00-16:00"),
                true,
            ),
            // PH named first and overridden on every day it would differ: no line
            (
                "PH off; Mo-Su 08:00-18:00",
                &[(0x7f, "08:00-18:00")],
                None,
                true,
            ),
            // the last PH rule also names days, and governs every holiday
            (
                "PH off; Mo-Fr 08:00-18:00; Sa,Su 09:00-12:00; Sa,Su,PH off",
                &[(MO_FR, "08:00-18:00"), (SA_SU, "off")],
                Some("off"),
                true,
            ),
            // PH governs holidays except on Monday, where a later rule wins: not exact
            (
                "Mo-Su 08:00-18:00; PH off; Mo 09:00-17:00",
                &[(0b000_0001, "09:00-17:00"), (0b111_1110, "08:00-18:00")],
                Some("off"),
                false,
            ),
        ];
        for (hours, lines, holidays, exact) in cases {
            let expected: Vec<(u8, String)> =
                lines.iter().map(|(d, s)| (*d, s.to_string())).collect();
            assert_eq!(
                table(hours),
                (expected, holidays.map(String::from), *exact),
                "{hours}"
            );
        }
    }

    #[test]
    fn day_runs_are_consecutive_days() {
        assert_eq!(day_runs(0b001_1111), [(0, 4)]);
        assert_eq!(day_runs(0b111_0001), [(0, 0), (4, 6)]);
        assert_eq!(day_runs(0b001_0101), [(0, 0), (2, 2), (4, 4)]);
        assert_eq!(day_runs(0x7f), [(0, 6)]);
        assert!(day_runs(0).is_empty());
    }

    #[test]
    fn span_texts_and_kinds() {
        let OpeningHours::Rules(rules) = OpeningHours::parse("22:00-06:00,00:00-24:00").unwrap()
        else {
            panic!("rules expected");
        };
        let (night, day) = (rules[0].spans[0], rules[0].spans[1]);
        assert!(night.overnight() && !night.whole_day());
        assert_eq!(
            (night.start_text(), night.end_text()),
            ("22:00".into(), "06:00".into())
        );
        assert!(day.whole_day() && !day.overnight());
        assert_eq!(day.end_text(), "24:00");
    }
}
