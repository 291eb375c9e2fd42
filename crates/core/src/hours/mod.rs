//! Opening hours: the FEED.md subset of OpenStreetMap's `opening_hours`, parsed by hand
//! (a regex crate would cost ~500 KB of wasm) and evaluated in China time.
//! Longer than 400 lines because the grammar's parser and its evaluation in China time are
//! one piece (the tests are in tests.rs).
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

/// The manifest's holidays as the set the hours are evaluated with, built by insertion
/// (collecting into a set would bring one more sort into the wasm):
/// `holiday_set(&manifest.holidays)`.
pub fn holiday_set(dates: &[NaiveDate]) -> BTreeSet<NaiveDate> {
    let mut set = BTreeSet::new();
    for d in dates {
        set.insert(*d);
    }
    set
}

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

    /// The rule that governs `date` (the last rule naming it) and its position, or none.
    fn rule_on(&self, date: NaiveDate, holidays: &BTreeSet<NaiveDate>) -> Option<(usize, &Rule)> {
        let OpeningHours::Rules(rules) = self else {
            return None;
        };
        let weekday_bit = 1u8 << date.weekday().num_days_from_monday();
        let is_holiday = holidays.contains(&date);
        rules
            .iter()
            .enumerate()
            .rev()
            .find(|(_, r)| r.weekdays & weekday_bit != 0 || (r.holidays && is_holiday))
    }

    /// The spans of the rule that governs `date`, or none.
    fn spans_on(&self, date: NaiveDate, holidays: &BTreeSet<NaiveDate>) -> &[Span] {
        self.rule_on(date, holidays)
            .map(|(_, r)| r.spans.as_slice())
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
            let Some((index, rule)) = self.rule_on(date, holidays) else {
                continue;
            };
            // FEED.md, as OpenStreetMap reads it: a span runs past midnight into the
            // next day unless a later rule names that day; then the door shuts at
            // midnight (`Mo-Su 22:00-06:00; Sa off` is closed at 03:00 on Saturday).
            let next_named_later = self
                .rule_on(date + Duration::days(1), holidays)
                .is_some_and(|(next, _)| next > index);
            for s in &rule.spans {
                let (start, mut end) = (i64::from(s.start), i64::from(s.end));
                if end <= start {
                    end += DAY_MIN; // runs past midnight
                }
                if next_named_later {
                    end = end.min(DAY_MIN);
                }
                out.push((base + start, base + end));
            }
        }
        crate::sort::sort(&mut out);
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
        // As `intervals` reads midnight: a night span stops at 24:00 when a later rule
        // names the next day (`Mo-Su 22:00-06:00; Sa off`: Friday 22:00-24:00).
        let spans_of = |w: usize| {
            let Some(i) = governing[w] else {
                return Vec::new();
            };
            let cut = governing[(w + 1) % 7].is_some_and(|next| next > i);
            rules[i]
                .spans
                .iter()
                .map(|s| {
                    if cut && s.end <= s.start {
                        Span {
                            start: s.start,
                            end: DAY_MIN as u16,
                        }
                    } else {
                        *s
                    }
                })
                .collect::<Vec<_>>()
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
mod tests;
