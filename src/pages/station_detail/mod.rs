//! `/stations/:id`: everything the feed says about one station, and the way there.

mod hours;
mod report;

use crate::adapters::clock;
use crate::components::station_bits::{distance_from, distance_text, open_text, ServiceList};
use crate::components::words;
use crate::feed_sync::use_feed;
use crate::i18n::{fill, Words};
use crate::state::{tr, use_lang, use_strings};
use hours::{spans_words, HoursTable};
use leptos::prelude::*;
use leptos::task::spawn_local;
use report::ReportForm;
use std::collections::BTreeSet;
use yizhan_core::geo::distance_m;
use yizhan_core::hours::holiday_set;
use yizhan_core::navigation::nav_links;

#[component]
pub fn StationDetailPage(segment: String) -> impl IntoView {
    let t = use_strings();
    let lang = use_lang();
    let feed = use_feed();
    let kiosk = crate::state::use_app_state().is_kiosk();
    // `/stations/<id_segment(id)>`; an old link may carry the id as it is.
    let id = yizhan_core::navigation::id_from_segment(&segment).unwrap_or(segment);
    let id = StoredValue::new(id);
    let id = move || id.get_value();

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
                .map(|m| holiday_set(&m.holidays))
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
                feed.find_station(id());
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

    crate::components::use_title(move || found.get().map(|(s, ..)| s.name).unwrap_or_default());
    view! {
        <section class="page station-detail">
            <a href="/stations" class="back-link">{tr(|s| s.detail_back)}</a>
            {move || match found.get() {
                None => view! {
                    <h1>{tr(|s| s.stations_title)}</h1>
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
                    let away = feed.user.get().map(|u| distance_from(t, &u.source, &distance_text(t, distance_m(u.at, wgs))));
                    let share_url = yizhan_core::navigation::station_path(&station.id, wgs);
                    // Read aloud: what the screen says, in sentences (a time range
                    // read as "07:00 至 19:00").
                    let to = fill(t.hours_day_range, &[("a", " "), ("b", " ")]);
                    let services: Vec<String> = station.services.iter().map(|s| s.words(t).to_string()).collect();
                    let spoken = [
                        station.name.clone(),
                        away.clone().unwrap_or_default(),
                        open.clone(),
                        today.as_ref().map(|s| format!("{}: {}", t.detail_hours_today, s.replace('–', &to))).unwrap_or_default(),
                        format!("{}: {}", t.services_label, services.join(t.hours_list_sep)),
                        station.address.clone().unwrap_or_default(),
                        station.entry.words(t).to_string(),
                    ]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join("。");
                    view! {
                        <h1 data-station-id=station.id.clone()>{words(&station.name)}</h1>
                        <p class=state.class()>{open}</p>
                        {away.map(|d| view! { <p class="muted" data-testid="distance">{d}</p> })}
                        // The way there on the first screen of a phone, right under the
                        // name and whether it is open; reading aloud after it.
                        <section class="card" aria-labelledby="nav-heading">
                            <h2 id="nav-heading">{t.navigate_heading}</h2>
                            {if kiosk {
                                // A map app opened on a shared kiosk would leave it on an
                                // outside page no wipe reaches: the way goes to the
                                // worker's own phone instead.
                                let url = crate::components::phone_url(&share_url);
                                view! {
                                    <p>{t.navigate_on_phone}</p>
                                    <crate::components::QrCodeView text=url label=t.send_to_phone />
                                }.into_any()
                            } else { view! {
                            <div class="nav-buttons">
                                <a class="button primary" data-nav="amap" href=links.amap_walk>{format!("{} · {}", t.navigate_amap, t.navigate_walk)}</a>
                                <a class="button" data-nav="amap-ride" href=links.amap_ride>{format!("{} · {}", t.navigate_amap, t.navigate_ride)}</a>
                                <a class="button" data-nav="baidu" href=links.baidu_walk>{format!("{} · {}", t.navigate_baidu, t.navigate_walk)}</a>
                                <a class="button" data-nav="baidu-ride" href=links.baidu_ride>{format!("{} · {}", t.navigate_baidu, t.navigate_ride)}</a>
                                <a class="button" data-nav="apple" href=links.apple_walk>{t.navigate_apple}</a>
                                <a class="button" data-nav="geo" href=links.geo>{t.navigate_geo}</a>
                            </div>
                            }.into_any() }}
                        </section>
                        <crate::components::ReadAloud text=spoken />
                        <dl class="facts card">
                            {station.address.clone().map(|a| view! { <dt>{t.detail_address}</dt><dd>{words(&a)}</dd> })}
                            <dt>{t.detail_hours}</dt>
                            <dd>
                                <HoursTable t=t hours=hours.clone() published=station.hours.clone().or(station.hours_text.clone()) />
                                {today.map(|s| view! { <p class="muted hours-note">{words(&format!("{}: {s}", t.detail_hours_today))}</p> })}
                            </dd>
                            <dt>{t.detail_entry}</dt>
                            <dd>{words(&station.entry.words(t))}
                                {station.entry_note.clone().map(|n| view! { <br /><span class="muted">{n}</span> })}</dd>
                            {station.phone.clone().map(|p| view! {
                                <dt class="beside-tap">{t.detail_phone}</dt>
                                <dd><a href=format!("tel:{}", p.replace(' ', "")) class="tap-link" data-testid="phone">{p.clone()}</a></dd>
                            })}
                            {station.host.clone().map(|h| view! { <dt>{t.detail_host}</dt><dd>{h}</dd> })}
                            <dt>{t.services_label}</dt>
                            <dd><ServiceList services=station.services.clone() lang=lang.get_untracked() /></dd>
                        </dl>
                        <p class="muted">
                            {words(&station.checked.clone().map(|d| fill(t.detail_checked, &[("date", &d)])).unwrap_or_else(|| t.detail_not_checked.to_string()))}
                            {station.updated.clone().map(|d| words(&format!(" · {}", fill(t.detail_updated, &[("date", &d)]))))}
                        </p>
                        // A kiosk's share sheet or clipboard is the next user's: its QR
                        // code above is how a station leaves a shared device.
                        {(!kiosk).then(|| view! { <ShareButton path=share_url.clone() title=station.name.clone() /> })}
                        <ReportForm station_id=station.id.clone() />
                    }.into_any()
                }
            }}
        </section>
    }
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
        <button type="button" class="big" data-action="share" on:click=share>{tr(|s| s.share)}</button>
        {move || message.get().map(|m| view! { <p class="notice notice-info" role="status">{m}</p> })}
    }
}
