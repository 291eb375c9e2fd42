//! Chinese opening hours as station sheets write them ("周一至周五 9：00—17：00，
//! 节假日休息", "全天24小时", "上午8:00-12:00 下午2:00-6:00") turned into the feed's
//! `hours` subset (FEED.md), or refused with the reason: what is not read exactly is
//! published as the union's own words (`hours_text`), never guessed.
//!
//! Read left to right: a day phrase (每天, 工作日, 周一至周五, 周六、周日, 节假日…) sets
//! the days the following times belong to, until the next day phrase; times are
//! `H:MM-H:MM`, `H点-H点半`, with 上午/下午/晚上 before them; 全天/24小时 is the whole
//! day; 休息/不开放/闭馆 closes the days named. The result is checked by the feed's own
//! hours parser (`yizhan_core::hours`), the one place the grammar lives.

mod lex;

use lex::{lex, Tok};
use yizhan_core::hours::OpeningHours;

/// The feed's `hours` for a sheet's hours cell: `Ok("Mo-Fr 09:00-17:00; PH off")`,
/// or `Err(reason)` when it cannot be read exactly.
/// `hours_from_chinese("周一至周五 9：00—17：00，节假日休息")`.
pub fn hours_from_chinese(text: &str) -> Result<String, String> {
    let tokens = lex(text)?;
    let entries = parse(&tokens)?;
    let hours = emit(&entries);
    // One grammar: what we write must be what the app reads.
    OpeningHours::parse(&hours)
        .map(|_| hours.clone())
        .map_err(|e| format!("read as `{hours}`, which the feed cannot hold ({e})"))
}

/// The days a run of times belongs to: weekday bits (bit 0 = Monday) and holidays.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Days {
    mask: u8,
    holidays: bool,
}

const EVERY: Days = Days {
    mask: 0x7f,
    holidays: false,
};

#[derive(Debug, PartialEq)]
enum When {
    Spans(Vec<(u16, u16)>),
    Off,
}

fn parse(tokens: &[Tok]) -> Result<Vec<(Days, When)>, String> {
    let mut entries: Vec<(Days, When)> = Vec::new();
    let mut days = EVERY;
    // Days named with nothing after them yet ("周一至周五" then a comma, then times).
    let mut named_without_times = false;
    let mut i = 0;
    while i < tokens.len() {
        match tokens[i] {
            Tok::Day(_) | Tok::Every | Tok::Weekdays | Tok::Weekend | Tok::Holiday => {
                let (d, used) = day_list(&tokens[i..])?;
                if named_without_times && d != days {
                    return Err("days without hours".into());
                }
                days = d;
                named_without_times = true;
                i += used;
                continue;
            }
            Tok::AsUsual => {
                // "节假日照常开放": the holidays keep their weekday's hours.
                if !days.holidays || days.mask != 0 {
                    return Err("照常 after something other than 节假日".into());
                }
                named_without_times = false;
                days = EVERY;
            }
            Tok::Off => {
                if days == EVERY && !named_without_times {
                    return Err("closed, but on which days?".into());
                }
                add(&mut entries, days, None)?;
                named_without_times = false;
            }
            Tok::AllDay => {
                add(&mut entries, days, Some((0, 24 * 60)))?;
                named_without_times = false;
            }
            Tok::Am | Tok::Noon | Tok::Pm | Tok::Time(..) => {
                let (span, used) = span(&tokens[i..])?;
                add(&mut entries, days, Some(span))?;
                named_without_times = false;
                i += used;
                continue;
            }
            Tok::Sep => {}
            Tok::Dash | Tok::NextDay => return Err("a dash or 次日 without times".into()),
        }
        i += 1;
    }
    if named_without_times {
        return Err("days without hours".into());
    }
    if entries.is_empty() {
        return Err("no hours in it".into());
    }
    Ok(entries)
}

/// `周一至周五`, `周六、周日`, `周日及节假日`, `每天`, `工作日`: the days and tokens used.
fn day_list(tokens: &[Tok]) -> Result<(Days, usize), String> {
    let mut d = Days {
        mask: 0,
        holidays: false,
    };
    let mut i = 0;
    loop {
        match tokens.get(i) {
            Some(Tok::Day(a)) => {
                let a = *a;
                if let (Some(Tok::Dash), Some(Tok::Day(b))) = (tokens.get(i + 1), tokens.get(i + 2))
                {
                    let mut x = a;
                    loop {
                        d.mask |= 1 << x;
                        if x == *b {
                            break;
                        }
                        x = (x + 1) % 7;
                    }
                    i += 3;
                } else {
                    d.mask |= 1 << a;
                    i += 1;
                }
            }
            Some(Tok::Every) => {
                d.mask = 0x7f;
                i += 1;
            }
            Some(Tok::Weekdays) => {
                d.mask |= 0x1f;
                i += 1;
            }
            Some(Tok::Weekend) => {
                d.mask |= 0x60;
                i += 1;
            }
            Some(Tok::Holiday) => {
                d.holidays = true;
                i += 1;
            }
            _ => return Err("a day list that does not end".into()),
        }
        // 、 及 和 join days into one list only when another day follows.
        let joined = matches!(tokens.get(i), Some(Tok::Sep))
            && matches!(
                tokens.get(i + 1),
                Some(Tok::Day(_) | Tok::Weekend | Tok::Weekdays | Tok::Holiday | Tok::Every)
            );
        if !joined {
            return Ok((d, i));
        }
        i += 1;
    }
}

/// `上午8:00-下午6:00`, `8点-次日6点`: one span in minutes and the tokens used.
fn span(tokens: &[Tok]) -> Result<((u16, u16), usize), String> {
    let mut i = 0;
    let (start, period) = clock(tokens, &mut i, None)?;
    if tokens.get(i) != Some(&Tok::Dash) {
        return Err("a time that is not part of a range (write 8:00-18:00)".into());
    }
    i += 1;
    let mut next_day = false;
    if tokens.get(i) == Some(&Tok::NextDay) {
        next_day = true;
        i += 1;
    }
    // 下午 before the start carries to the end ("下午2:00-6:00"), not past 次日.
    let carried = if next_day { None } else { Some(period) };
    let said_end = matches!(tokens.get(i), Some(Tok::Am | Tok::Noon | Tok::Pm));
    let (end, _) = clock(tokens, &mut i, carried)?;
    if carried.is_some_and(|p| p != Tok::Am) && !said_end && end < start {
        // "晚上8点-6点": 18:00 is before the start, and 06:00 a guess.
        return Err("a range whose end could be either morning or evening".into());
    }
    if end == start || (end < start && !next_day && end != 0 && start < 12 * 60) {
        // "8:00-6:00" in a sheet is almost always 下午6点 written without 下午.
        return Err(
            "a range that ends before it starts (write 次日 if it runs past midnight)".into(),
        );
    }
    let end = if end == 0 && !next_day { 24 * 60 } else { end };
    Ok(((start, end), i))
}

/// A time with the 上午/下午 before it (or the range's start's): minutes since midnight.
fn clock(tokens: &[Tok], i: &mut usize, carried: Option<Tok>) -> Result<(u16, Tok), String> {
    let mut period = carried.unwrap_or(Tok::Am);
    let mut said = false;
    if let Some(p @ (Tok::Am | Tok::Noon | Tok::Pm)) = tokens.get(*i) {
        period = *p;
        said = true;
        *i += 1;
    }
    let Some(Tok::Time(h, m)) = tokens.get(*i) else {
        return Err("上午/下午 without a time after it".into());
    };
    *i += 1;
    let h = match period {
        Tok::Pm if *h < 12 => h + 12,
        Tok::Noon if *h < 3 => h + 12,
        Tok::Am if said && *h > 12 => return Err(format!("上午 {h} 点 is not in the morning")),
        _ => *h,
    };
    // A carried 下午 does not make "下午2:00-18:00" 30:00.
    let h = if h >= 24 && !(h == 24 && *m == 0) {
        h - 12
    } else {
        h
    };
    Ok((h * 60 + m, period))
}

fn add(
    entries: &mut Vec<(Days, When)>,
    days: Days,
    span: Option<(u16, u16)>,
) -> Result<(), String> {
    let at = entries.iter().position(|(d, _)| *d == days);
    match (at, span) {
        (None, Some(s)) => entries.push((days, When::Spans(vec![s]))),
        (None, None) => entries.push((days, When::Off)),
        (Some(at), Some(s)) => match &mut entries[at].1 {
            When::Spans(spans) => spans.push(s),
            When::Off => return Err("the same days both open and closed".into()),
        },
        (Some(at), None) if entries[at].1 == When::Off => {}
        (Some(_), None) => return Err("the same days both open and closed".into()),
    }
    Ok(())
}

/// Every day first (later rules override it on their days), then the days named in
/// the order written, holidays last.
fn emit(entries: &[(Days, When)]) -> String {
    let every = entries.iter().find(|(d, _)| *d == EVERY);
    if entries.len() == 1 {
        if let Some((_, When::Spans(s))) = every {
            if s.iter().any(|&(a, b)| a == 0 && b == 24 * 60) {
                return "24/7".into();
            }
        }
    }
    let mut ordered: Vec<&(Days, When)> = every.into_iter().collect();
    ordered.extend(entries.iter().filter(|(d, _)| *d != EVERY && !d.holidays));
    ordered.extend(entries.iter().filter(|(d, _)| d.holidays));
    let rules: Vec<String> = ordered
        .into_iter()
        .map(|(d, w)| {
            let when = match w {
                When::Off => "off".to_string(),
                When::Spans(s) => {
                    let mut s = s.clone();
                    s.sort();
                    s.iter()
                        .map(|&(a, b)| format!("{}-{}", hhmm(a), hhmm(b)))
                        .collect::<Vec<_>>()
                        .join(",")
                }
            };
            match days_text(*d) {
                Some(days) => format!("{days} {when}"),
                None => when,
            }
        })
        .collect();
    rules.join("; ")
}

fn hhmm(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// `Mo-Fr`, `Sa,Su,PH`, `PH`; `None` for every day.
fn days_text(d: Days) -> Option<String> {
    const NAMES: [&str; 7] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];
    if d == EVERY {
        return None;
    }
    let mut parts = Vec::new();
    for (a, b) in yizhan_core::hours::day_runs(d.mask) {
        parts.push(match b - a {
            0 => NAMES[a].to_string(),
            1 => format!("{},{}", NAMES[a], NAMES[b]),
            _ => format!("{}-{}", NAMES[a], NAMES[b]),
        });
    }
    if d.holidays {
        parts.push("PH".into());
    }
    Some(parts.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_s_own_phrasings() {
        for (zh, hours) in [
            ("8:00-18:00", "08:00-18:00"),
            ("全天24小时", "24/7"),
            ("周一至周五 9：00—17：00", "Mo-Fr 09:00-17:00"),
            (
                "周一至周五 8:00-18:00，节假日休息",
                "Mo-Fr 08:00-18:00; PH off",
            ),
            (
                "每天上午8:00-12:00，下午2:00-6:00",
                "08:00-12:00,14:00-18:00",
            ),
            (
                "工作日8:30-17:30；周末及法定节假日不开放",
                "Mo-Fr 08:30-17:30; Sa,Su,PH off",
            ),
            ("20:00-次日6:00", "20:00-06:00"),
        ] {
            assert_eq!(hours_from_chinese(zh).as_deref(), Ok(hours), "{zh}");
        }
    }

    #[test]
    fn what_is_not_read_exactly_says_why() {
        for (zh, why) in [
            ("夏季8:00-19:00，冬季8:30-18:00", "夏季"),
            ("8:00-6:00", "ends before it starts"),
            ("周一至周五", "days without hours"),
            ("休息", "which days"),
            ("预约开放", "预约"),
        ] {
            let e = hours_from_chinese(zh).unwrap_err();
            assert!(e.contains(why), "{zh}: {e}");
        }
    }
}
