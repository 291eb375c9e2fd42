//! `/stations/:id`: everything the feed says about one station, and the way there.

use crate::adapters::clock;
use crate::components::station_bits::{distance_text, open_text, ServiceList};
use crate::feed_sync::use_feed;
use crate::i18n::{fill, Strings, Words};
use crate::outbox::use_outbox;
use crate::state::{use_lang, use_strings};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use std::collections::BTreeSet;
use yizhan_core::geo::distance_m;
use yizhan_core::hours::{day_runs, OpeningHours, Span, WeekTable};
use yizhan_core::navigation::nav_links;
use yizhan_core::request::{Report, Request};
use yizhan_core::vocab::ReportProblem;

#[component]
pub fn StationDetailPage() -> impl IntoView {
    let t = use_strings();
    let lang = use_lang();
    let feed = use_feed();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();

    let found = Memo::new(move |_| {
        let id = id();
        feed.data.with(|d| {
            d.regions.iter().find_map(|r| {
                r.stations
                    .iter()
                    .position(|s| s.id == id)
                    .map(|i| (r.stations[i].clone(), r.hours[i].clone(), r.datum))
            })
        })
    });
    let holidays = move || -> BTreeSet<_> {
        feed.data.with(|d| {
            d.manifest
                .as_ref()
                .map(|m| m.holidays.iter().copied().collect())
                .unwrap_or_default()
        })
    };

    // Not among the shards near the user (or no position yet, after a reload): look in
    // every shard the device holds, once per manifest.
    let searched = StoredValue::new(None::<u64>);
    Effect::new(move |_| {
        let sequence = feed.data.with(|d| d.manifest.as_ref().map(|m| m.sequence));
        if let Some(sequence) = sequence {
            if found.with(Option::is_none) && searched.get_value() != Some(sequence) {
                searched.set_value(Some(sequence));
                feed.load_device_regions();
            }
        }
    });
    let looking = move || {
        use crate::feed_sync::SyncStatus::{Checking, Idle};
        feed.info.with(|i| {
            i.loading_regions
                || (matches!(i.status, Idle | Checking) && feed.data.with(|d| d.manifest.is_none()))
        })
    };

    view! {
        <Title text=move || found.get().map(|(s, ..)| s.name).unwrap_or_default() />
        <section class="page station-detail">
            <A href="/stations" attr:class="back-link">{move || t().detail_back}</A>
            {move || match found.get() {
                None => view! {
                    <h1>{move || t().stations_title}</h1>
                    <p class="notice notice-info" role="status">
                        {move || if looking() { t().feed_loading_regions } else { t().detail_not_found }}
                    </p>
                }.into_any(),
                Some((station, hours, datum)) => {
                    let t = t();
                    let now = clock::china_now();
                    let (open, state) = open_text(t, hours.as_ref(), now, &holidays());
                    let today = hours.as_ref().map(|h| spans_words(t, &h.spans_for(now.date(), &holidays())));
                    let links = nav_links(station.position(), datum, &station.name);
                    let wgs = station.wgs84(datum);
                    let away = feed.user.get().map(|u| distance_text(t, distance_m(u.at, wgs)));
                    let share_url = format!("/stations/{}?near={:.6},{:.6}",
                        yizhan_core::navigation::encode(&station.id), wgs.lat, wgs.lng);
                    let spoken = format!(
                        "{}。{}。{}。{}",
                        station.name,
                        open,
                        station.address.clone().unwrap_or_default(),
                        station.entry.words(t)
                    );
                    view! {
                        <h1 data-station-id=station.id.clone()>{station.name.clone()}</h1>
                        <p class=state.class()>{open}</p>
                        <crate::components::ReadAloud text=spoken />
                        {away.map(|d| view! { <p class="muted">{fill(t.detail_distance, &[("d", &d)])}</p> })}
                        <dl class="facts card">
                            {station.address.clone().map(|a| view! { <dt>{t.detail_address}</dt><dd>{a}</dd> })}
                            <dt>{t.detail_hours}</dt>
                            <dd>
                                <HoursTable t=t hours=hours.clone() published=station.hours.clone() />
                                {today.map(|s| view! { <p class="muted hours-note">{format!("{}: {s}", t.detail_hours_today)}</p> })}
                            </dd>
                            <dt>{t.detail_entry}</dt>
                            <dd>{station.entry.words(t)}
                                {station.entry_note.clone().map(|n| view! { <br /><span class="muted">{n}</span> })}</dd>
                            {station.phone.clone().map(|p| view! {
                                <dt>{t.detail_phone}</dt>
                                <dd><a href=format!("tel:{}", p.replace(' ', "")) data-testid="phone">{p.clone()}</a></dd>
                            })}
                            {station.host.clone().map(|h| view! { <dt>{t.detail_host}</dt><dd>{h}</dd> })}
                            <dt>{t.services_label}</dt>
                            <dd><ServiceList services=station.services.clone() lang=lang.get_untracked() /></dd>
                        </dl>
                        <p class="muted">
                            {station.checked.clone().map(|d| fill(t.detail_checked, &[("date", &d)])).unwrap_or_else(|| t.detail_not_checked.to_string())}
                            {station.updated.clone().map(|d| format!(" · {}", fill(t.detail_updated, &[("date", &d)])))}
                        </p>
                        <section class="card" aria-labelledby="nav-heading">
                            <h2 id="nav-heading">{t.navigate_heading}</h2>
                            <div class="nav-buttons">
                                <a class="button primary" data-nav="amap" href=links.amap_walk>{format!("{} · {}", t.navigate_amap, t.navigate_walk)}</a>
                                <a class="button" data-nav="amap-ride" href=links.amap_ride>{format!("{} · {}", t.navigate_amap, t.navigate_ride)}</a>
                                <a class="button" data-nav="baidu" href=links.baidu_walk>{format!("{} · {}", t.navigate_baidu, t.navigate_walk)}</a>
                                <a class="button" data-nav="baidu-ride" href=links.baidu_ride>{format!("{} · {}", t.navigate_baidu, t.navigate_ride)}</a>
                                <a class="button" data-nav="apple" href=links.apple_walk>{t.navigate_apple}</a>
                                <a class="button" data-nav="geo" href=links.geo>{t.navigate_geo}</a>
                            </div>
                        </section>
                        <ShareButton path=share_url.clone() title=station.name.clone() />
                        <crate::components::SendToPhone path=share_url />
                        <ReportProblem station_id=station.id.clone() />
                    }.into_any()
                }
            }}
        </section>
    }
}

/// The weekly timetable; the feed's own text beside it when the table cannot say it
/// exactly (hours outside the subset, or an unusual holiday rule).
#[component]
fn HoursTable(
    t: &'static Strings,
    hours: Option<OpeningHours>,
    published: Option<String>,
) -> impl IntoView {
    let table = hours.as_ref().map(OpeningHours::week_table);
    let exact = table.as_ref().is_some_and(|t| t.exact);
    let published = published
        .filter(|_| !exact)
        .map(|text| view! { <p class="muted hours-note">{fill(t.hours_as_published, &[("text", &text)])}</p> });
    view! {
        {match table {
            None => view! { <span>{t.hours_unknown}</span> }.into_any(),
            Some(table) => view! {
                <table class="week-hours" data-testid="week-hours">
                    <tbody>
                        {week_lines(t, &table)
                            .into_iter()
                            .map(|(days, spans)| view! { <tr><th scope="row">{days}</th><td>{spans}</td></tr> })
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
fn spans_words(t: &Strings, spans: &[Span]) -> String {
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

/// Web Share where the browser has it; otherwise copies the link.
#[component]
fn ShareButton(path: String, title: String) -> impl IntoView {
    let t = use_strings();
    let message = RwSignal::new(None::<&'static str>);
    let share = move |_| {
        let (path, title) = (path.clone(), title.clone());
        spawn_local(async move {
            let Some(window) = web_sys::window() else {
                return;
            };
            let url = format!("{}{}", window.location().origin().unwrap_or_default(), path);
            let navigator = window.navigator();
            let can_share = js_sys::Reflect::has(&navigator, &"share".into()).unwrap_or(false);
            if can_share {
                let data = web_sys::ShareData::new();
                data.set_title(&title);
                data.set_url(&url);
                if wasm_bindgen_futures::JsFuture::from(navigator.share_with_data(&data))
                    .await
                    .is_ok()
                {
                    return;
                }
            }
            let copied =
                wasm_bindgen_futures::JsFuture::from(navigator.clipboard().write_text(&url))
                    .await
                    .is_ok();
            message.set(Some(if copied {
                t().share_copied
            } else {
                t().share_failed
            }));
        });
    };
    view! {
        <button type="button" class="big" data-action="share" on:click=share>{move || t().share}</button>
        {move || message.get().map(|m| view! { <p class="notice notice-info" role="status">{m}</p> })}
    }
}

/// "This station is wrong": kept on the device, queued for the feed's intake.
#[component]
fn ReportProblem(station_id: String) -> impl IntoView {
    let t = use_strings();
    let feed = use_feed();
    let outbox = use_outbox();
    let choice = RwSignal::new(None::<&'static ReportProblem>);
    let note = NodeRef::<leptos::html::Textarea>::new();
    let result = RwSignal::new(None::<(&'static str, &'static str)>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let t = t();
        let Some(problem) = choice.get_untracked() else {
            result.set(Some(("notice notice-warn", t.report_pick)));
            return;
        };
        let text = note.get().map(|n| n.value()).unwrap_or_default();
        let report = Request::Report(Report {
            station_id: station_id.clone(),
            problem: problem.clone(),
            note: text,
        });
        match outbox.enqueue(report) {
            Ok(_) => {
                let has_intake = feed
                    .data
                    .with_untracked(|d| d.manifest.as_ref().is_some_and(|m| m.intake.is_some()));
                result.set(Some((
                    "notice notice-ok",
                    if has_intake {
                        t.report_saved_intake
                    } else {
                        t.report_saved_local
                    },
                )));
                choice.set(None);
                if let Some(n) = note.get() {
                    n.set_value("");
                }
            }
            Err(_) => result.set(Some(("notice notice-warn", t.storage_full))),
        }
    };
    let option = move |problem: &'static ReportProblem| {
        view! {
            <label class="radio">
                <input type="radio" name="problem" value=problem.word()
                    prop:checked=move || choice.get() == Some(problem)
                    on:change=move |_| choice.set(Some(problem)) />
                <span>{move || problem.words(t())}</span>
            </label>
        }
    };
    view! {
        <form class="card report" on:submit=submit aria-labelledby="report-heading">
            <h2 id="report-heading">{move || t().report_heading}</h2>
            <p class="muted">{move || t().report_intro}</p>
            <fieldset>
                <legend class="visually-hidden">{move || t().report_heading}</legend>
                {ReportProblem::KNOWN.iter().map(option).collect_view()}
            </fieldset>
            <label class="field">
                <span>{move || t().report_note}</span>
                <textarea name="note" rows="3" maxlength="500" node_ref=note></textarea>
            </label>
            <button type="submit" class="primary">{move || t().report_submit}</button>
            {move || result.get().map(|(class, m)| view! { <p class=class role="status">{m}</p> })}
        </form>
    }
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
