//! The hours grammar and its evaluation, case by case (FEED.md's examples included).

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
        // overrides meet midnight as FEED.md (and OpenStreetMap) read them:
        // a later rule naming a day cuts off the earlier day's span at midnight…
        ("Mo-Su 22:00-06:00; Sa off", "2026-11-28 03:00", false), // Saturday 03:00
        ("Mo-Su 22:00-06:00; Sa off", "2026-11-27 23:00", true),  // Friday night
        ("Mo-Su 22:00-06:00; Sa off", "2026-11-27 03:00", true),  // Thursday's night
        // …and a span overridden on its own day does not run into the next day
        ("Mo-Su 22:00-06:00; Sa off", "2026-11-29 03:00", false), // Sunday 03:00
        ("Mo-Su 22:00-06:00; Sa off", "2026-11-29 23:00", true),  // Sunday night
        ("Su 20:00-04:00; Mo 09:00-17:00", "2026-11-23 01:00", false), // Monday 01:00
        ("Su 20:00-04:00; Mo 09:00-17:00", "2026-11-22 23:00", true), // Sunday night
        ("Su 20:00-04:00; Mo 09:00-17:00", "2026-11-23 10:00", true),
        // an earlier rule naming the next day does not cut a later rule's span
        (
            "Mo-Su 09:00-17:00; Sa 22:00-06:00",
            "2026-11-29 03:00",
            true,
        ),
        // the same rule on both days: the night runs on
        ("Fr,Sa 22:00-04:00", "2026-11-28 03:00", true),
        // a rule without DAYS after rules with DAYS overrides every day
        ("Mo-Fr 08:00-12:00; 14:00-18:00", "2026-11-23 10:00", false),
        ("Mo-Fr 08:00-12:00; 14:00-18:00", "2026-11-23 15:00", true),
        ("Mo-Fr 08:00-12:00; 14:00-18:00", "2026-11-29 15:00", true), // Sunday too
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
        // the timetable says what the evaluator reads: Friday's night ends at midnight
        (
            "Mo-Su 22:00-06:00; Sa off",
            &[
                (0b100_1111, "22:00-06:00"),
                (0b001_0000, "22:00-24:00"),
                (0b010_0000, "off"),
            ],
            None,
            true,
        ),
        (
            "Su 20:00-04:00; Mo 09:00-17:00",
            &[
                (0b000_0001, "09:00-17:00"),
                (0b011_1110, "off"),
                (0b100_0000, "20:00-24:00"),
            ],
            None,
            true,
        ),
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
        let expected: Vec<(u8, String)> = lines.iter().map(|(d, s)| (*d, s.to_string())).collect();
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
    let OpeningHours::Rules(rules) = OpeningHours::parse("22:00-06:00,00:00-24:00").unwrap() else {
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
