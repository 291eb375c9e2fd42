//! The station's hours as a weekly timetable in words.

use crate::i18n::{fill, Strings};
use leptos::prelude::*;
use yizhan_core::hours::{day_runs, OpeningHours, Span, WeekTable};

/// The weekly timetable; the feed's own text beside it when the table cannot say it
/// exactly (hours outside the subset, or an unusual holiday rule).
#[component]
pub(super) fn HoursTable(
    t: &'static Strings,
    hours: Option<OpeningHours>,
    published: Option<String>,
) -> impl IntoView {
    let table = hours.as_ref().map(OpeningHours::week_table);
    let exact = table.as_ref().is_some_and(|t| t.exact);
    let published = published
        .filter(|_| !exact)
        .map(|text| view! { <p class="muted hours-note">{crate::components::words(&fill(t.hours_as_published, &[("text", &text)]))}</p> });
    view! {
        {match table {
            None => view! { <span>{t.hours_unknown}</span> }.into_any(),
            Some(table) => view! {
                <table class="week-hours" data-testid="week-hours">
                    <tbody>
                        {week_lines(t, &table)
                            .into_iter()
                            .map(|(days, spans)| view! { <tr><th scope="row">{days}</th><td>{crate::components::words(&spans)}</td></tr> })
                            .collect_view()}
                    </tbody>
                </table>
            }.into_any(),
        }}
        {published}
    }
}

/// The timetable in words, a `(days, hours)` pair a line, holidays last: for
/// "Mo-Sa 07:00-19:00; Su off", `[("周一至周六", "07:00–19:00"), ("周日", "休息")]`.
fn week_lines(t: &Strings, table: &WeekTable) -> Vec<(String, String)> {
    let day = |w: usize| {
        t.weekdays
            .split(',')
            .nth(w)
            .unwrap_or("")
            .trim()
            .to_string()
    };
    let days_text = |mask: u8| {
        if mask == 0x7f {
            return t.hours_every_day.to_string();
        }
        let runs: Vec<String> = day_runs(mask)
            .into_iter()
            .map(|(a, b)| match b - a {
                0 => day(a),
                1 => format!("{}{}{}", day(a), t.hours_list_sep, day(b)),
                _ => fill(t.hours_day_range, &[("a", &day(a)), ("b", &day(b))]),
            })
            .collect();
        runs.join(t.hours_list_sep)
    };
    let mut lines: Vec<(String, String)> = table
        .lines
        .iter()
        .map(|l| (days_text(l.days), spans_words(t, &l.spans)))
        .collect();
    if let Some(spans) = &table.holidays {
        lines.push((t.hours_holidays.to_string(), spans_words(t, spans)));
    }
    lines
}

/// Opening spans in words: "06:00–09:00、17:00–20:00", "22:00–次日06:00", "休息", "24小时".
pub(super) fn spans_words(t: &Strings, spans: &[Span]) -> String {
    if spans.is_empty() {
        return t.hours_closed_day.to_string();
    }
    if spans.iter().any(Span::whole_day) {
        return t.open_24h.to_string();
    }
    let parts: Vec<String> = spans
        .iter()
        .map(|s| {
            let end = if s.overnight() {
                fill(t.hours_next_day, &[("time", &s.end_text())])
            } else {
                s.end_text()
            };
            format!("{}–{end}", s.start_text())
        })
        .collect();
    parts.join(t.hours_list_sep)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{strings, Lang};

    fn lines(lang: Lang, hours: &str) -> Vec<(String, String)> {
        let table = OpeningHours::parse(hours).unwrap().week_table();
        week_lines(strings(lang), &table)
    }
    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn the_timetable_reads_as_words() {
        use Lang::*;
        type Case<'a> = (Lang, &'a str, &'a [(&'a str, &'a str)]);
        let cases: &[Case] = &[
            (
                Zh,
                "Mo-Sa 07:00-19:00; Su off",
                &[("周一至周六", "07:00–19:00"), ("周日", "休息")],
            ),
            (
                En,
                "Mo-Sa 07:00-19:00; Su off",
                &[("Mon–Sat", "07:00–19:00"), ("Sun", "Closed")],
            ),
            (Zh, "24/7", &[("每天", "24小时")]),
            (Zh, "Mo-Su 00:00-24:00", &[("每天", "24小时")]),
            (
                Zh,
                "Mo-Fr 06:00-09:00,17:00-20:00; Sa,Su 22:00-06:00; PH off",
                &[
                    ("周一至周五", "06:00–09:00、17:00–20:00"),
                    ("周六、周日", "22:00–次日06:00"),
                    ("法定节假日", "休息"),
                ],
            ),
            (
                En,
                "Mo,We,Fr-Su 08:00-18:00",
                &[("Mon, Wed, Fri–Sun", "08:00–18:00"), ("Tue, Thu", "Closed")],
            ),
            (
                En,
                "Fr 22:00-24:00",
                &[("Mon–Thu, Sat, Sun", "Closed"), ("Fri", "22:00–24:00")],
            ),
        ];
        for (lang, hours, expected) in cases {
            assert_eq!(lines(*lang, hours), pairs(expected), "{hours}");
        }
    }
}
