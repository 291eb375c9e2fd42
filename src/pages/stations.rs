//! `/stations`: where am I, what do I need, and the nearest stations that have it.

use crate::adapters::{clock, geolocation};
use crate::components::station_bits::{
    distance_text, open_text, point_words, ServiceList, StationRow,
};
use crate::components::{words, StationMap};
use crate::feed_sync::{use_feed, PointSource, UserPoint};
use crate::i18n::{fill, service_badge, strings, Lang, Words};
use crate::state::{stored_signal, tr, use_lang, use_strings};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;
use yizhan_core::geo::LngLat;
use yizhan_core::hours::holiday_set;
use yizhan_core::places::{cities, find_place};
use yizhan_core::stations::{nearest, StationFilter};
use yizhan_core::time::{china_local, month_day_time_text, published_text};
use yizhan_core::vocab::Service;

/// How many stations one "page" of the list shows.
const PAGE: usize = 20;
/// The `/stations` page.
#[component]
pub fn StationsPage() -> impl IntoView {
    let t = use_strings();
    let lang = use_lang();
    let feed = use_feed();

    // The filter is kept on the device so it survives a reload.
    let filter = stored_signal::<StationFilter>(StationFilter::STORAGE_KEY);
    let shown = RwSignal::new(PAGE);
    let view_map = RwSignal::new(false);

    // "Now" in China time, refreshed every 30 s so open states stay true.
    let now = RwSignal::new(clock::china_now());
    if let Ok(handle) =
        set_interval_with_handle(move || now.set(clock::china_now()), Duration::from_secs(30))
    {
        on_cleanup(move || handle.clear());
    }

    let rows = Memo::new(move |_| {
        let user = feed.user.get()?;
        let t = t();
        let now = now.get();
        let f = filter.get();
        let k = shown.get();
        feed.data.with(|data| {
            let holidays = data
                .manifest
                .as_ref()
                .map(|m| holiday_set(&m.holidays))
                .unwrap_or_default();
            let t0 = crate::adapters::perf::now();
            let hits = nearest(&data.regions, user.at, k, &f, now, &holidays);
            crate::adapters::perf::measure("yizhan:nearest", t0);
            Some(
                hits.into_iter()
                    .map(|h| {
                        let region = &data.regions[h.region];
                        let s = &region.stations[h.station];
                        let (open, open_state) =
                            open_text(t, region.hours[h.station].as_ref(), now, &holidays);
                        StationRow {
                            id: s.id.clone(),
                            name: s.name.clone(),
                            address: s.address.clone(),
                            distance: distance_text(t, h.distance_m),
                            open,
                            open_state,
                            services: s.services.clone(),
                            entry: s.entry.words(t).into_owned(),
                            at: s.wgs84(region.datum),
                        }
                    })
                    .collect::<Vec<_>>(),
            )
        })
    });

    crate::components::use_title(move || t().stations_title.to_string());
    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{tr(|s| s.stations_title)}</h1>
            <crate::components::NewsNotice />
            <LocationPanel />
            <Filters filter=filter lang=lang />
            <Show when=move || feed.user.with(|u| u.is_some())>
                <div class="view-switch" role="group">
                    <button type="button" class="choice" aria-pressed=move || (!view_map.get()).to_string()
                        on:click=move |_| view_map.set(false)>{tr(|s| s.view_list)}</button>
                    <button type="button" class="choice" aria-pressed=move || view_map.get().to_string()
                        on:click=move |_| {
                            view_map.set(true);
                            request_animation_frame(crate::components::show_whole_map);
                        }>{tr(|s| s.view_map)}</button>
                </div>
                <Show when=move || feed.info.with(|i| i.loading_regions)>
                    <p class="muted" role="status">{tr(|s| s.feed_loading_regions)}</p>
                </Show>
                {move || {
                    let rows = rows.get().unwrap_or_default();
                    let centre = feed.user.get().map(|u| u.at).unwrap_or(LngLat::new(0.0, 0.0));
                    if view_map.get() {
                        view! { <StationMap centre=centre rows=rows /> }.into_any()
                    } else {
                        view! { <StationList rows=rows shown=shown /> }.into_any()
                    }
                }}
            </Show>
            <FeedFooter />
        </section>
    }
}

/// The list, nearest first, paged by "show more".
#[component]
fn StationList(rows: Vec<StationRow>, shown: RwSignal<usize>) -> impl IntoView {
    let t = use_strings();
    let lang = use_lang();
    let feed = use_feed();
    let full_page = rows.len() >= shown.get_untracked();
    let empty = rows.is_empty();
    let no_data = feed.data.with_untracked(|d| d.regions.is_empty());
    view! {
        <h2 class="visually-hidden">{move || {
            let source = feed.user.with(|u| u.as_ref().map(|u| u.source.clone()));
            match source.as_ref().and_then(|s| point_words(t(), s)) {
                Some(place) => fill(t().list_heading_from, &[("place", &place)]),
                None => t().list_heading.to_string(),
            }
        }}</h2>
        {empty.then(|| view! {
            <p class="empty">{move || if no_data { t().list_no_data } else { t().list_empty }}</p>
        })}
        <ol class="station-list">
            {rows.into_iter().map(|row| {
                let href = format!("/stations/{}", yizhan_core::navigation::id_segment(&row.id));
                view! {
                    <li class="station-row" data-station-id=row.id.clone()>
                        <a href=href class="station-link">
                            <span class="row-head">
                                <span class="station-name">{words(&row.name)}</span>
                                <span class="distance">{row.distance.clone()}</span>
                            </span>
                            <span class=row.open_state.class()>{row.open.clone()}</span>
                            {row.address.clone().map(|a| view! { <span class="address">{words(&a)}</span> })}
                            <span class="entry">{row.entry}</span>
                        </a>
                        <ServiceList services=row.services.clone() lang=lang.get_untracked() />
                    </li>
                }
            }).collect_view()}
        </ol>
        {full_page.then(|| view! {
            <button type="button" class="more" on:click=move |_| shown.update(|n| *n += PAGE)>
                {tr(|s| s.list_more)}
            </button>
        })}
    }
}

/// "Open now" and the services the worker needs, as toggle buttons.
#[component]
fn Filters(filter: RwSignal<StationFilter>, lang: Signal<Lang>) -> impl IntoView {
    let t = use_strings();
    let all = RwSignal::new(false);
    let chip = move |service: &'static Service| {
        let pressed = move || filter.with(|f| f.services.contains(service));
        view! {
            <button type="button" class="chip" data-service=service.word() aria-pressed=move || pressed().to_string()
                on:click=move |_| filter.update(|f| {
                    if !f.services.remove(service) {
                        f.services.insert(service.clone());
                    }
                })>
                <span class="badge" aria-hidden="true">{service_badge(service)}</span>
                {move || service.words(strings(lang.get()))}
            </button>
        }
    };
    view! {
        <fieldset class="filters">
            <legend>{tr(|s| s.filters_heading)}</legend>
            <div class="chips">
                <button type="button" class="chip chip-open" data-filter="open-now"
                    aria-pressed=move || filter.with(|f| f.open_now).to_string()
                    on:click=move |_| filter.update(|f| f.open_now = !f.open_now)>
                    {tr(|s| s.filter_open_now)}
                </button>
                {Service::KNOWN.iter().filter(|s| s.is_everyday()).map(chip).collect_view()}
                <Show when=move || all.get()>
                    {Service::KNOWN.iter().filter(|s| !s.is_everyday()).map(chip).collect_view()}
                </Show>
                <button type="button" class="chip chip-more" aria-expanded=move || all.get().to_string()
                    on:click=move |_| all.update(|a| *a = !*a)>
                    {move || if all.get() { t().filter_fewer } else { t().filter_more }}
                </button>
            </div>
        </fieldset>
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Locating {
    Idle,
    Busy,
    Failed(geolocation::GeoError),
}

/// Where the list is sorted from: GPS with a clear prompt, or a city, a typed street,
/// a link's `?near=`, or a tap on the map.
#[component]
fn LocationPanel() -> impl IntoView {
    let t = use_strings();
    let feed = use_feed();
    let locating = RwSignal::new(Locating::Idle);
    let editing = RwSignal::new(false);
    let address_message = RwSignal::new(None::<String>);

    let locate = move || {
        locating.set(Locating::Busy);
        spawn_local(async move {
            match geolocation::locate(10_000).await {
                Ok(at) => {
                    locating.set(Locating::Idle);
                    editing.set(false);
                    feed.user.set(Some(UserPoint {
                        at,
                        source: PointSource::Gps,
                    }));
                }
                Err(e) => locating.set(Locating::Failed(e)),
            }
        });
    };
    // If the user already allowed location for this site, use it without a prompt.
    spawn_local(async move {
        if feed.user.get_untracked().is_none() && geolocation::already_granted().await {
            locate();
        }
    });

    let city_list = move || {
        feed.data
            .with(|d| d.manifest.as_deref().map(cities))
            .unwrap_or_default()
    };
    let pick_city = move |code: String| {
        let city = feed
            .data
            .with_untracked(|d| d.manifest.as_deref().map(cities))
            .and_then(|list| list.into_iter().find(|c| c.code == code));
        if let Some(city) = city {
            editing.set(false);
            address_message.set(None);
            feed.user.set(Some(UserPoint {
                at: city.centre,
                source: PointSource::City(city.name),
            }));
        }
    };
    let query = NodeRef::<leptos::html::Input>::new();
    let search_address = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let q = query
            .get()
            .map(|i| i.value())
            .unwrap_or_default()
            .trim()
            .to_string();
        if q.is_empty() {
            return;
        }
        let found = feed.data.with_untracked(|d| find_place(&d.regions, &q));
        let t = t();
        match found {
            Some(at) => {
                address_message.set(None);
                editing.set(false);
                feed.user.set(Some(UserPoint {
                    at,
                    source: PointSource::Address(q),
                }));
            }
            None if feed.data.with_untracked(|d| d.regions.is_empty()) => {
                address_message.set(Some(t.address_needs_city.to_string()))
            }
            None => address_message.set(Some(fill(t.address_no_match, &[("q", &q)]))),
        }
    };

    let source_text = move || {
        let t = t();
        feed.user.get().map(|u| match u.source {
            PointSource::Gps => t.near_source_gps.to_string(),
            PointSource::Link => t.near_source_link.to_string(),
            PointSource::Kiosk => t.near_source_kiosk.to_string(),
            PointSource::Map => t.near_source_map.to_string(),
            PointSource::City(name) => fill(t.near_source_city, &[("name", &name)]),
            PointSource::Address(q) => fill(t.near_source_address, &[("q", &q)]),
        })
    };
    let failure = move || match locating.get() {
        Locating::Failed(geolocation::GeoError::Denied) => Some(t().locate_denied),
        Locating::Failed(geolocation::GeoError::Timeout) => Some(t().locate_timeout),
        Locating::Failed(_) => Some(t().locate_unavailable),
        _ => None,
    };

    view! {
        <Show when=move || feed.user.with(|u| u.is_some()) && !editing.get()>
            <p class="location-line">
                <span data-testid="location-source">{source_text}</span>
                <button type="button" class="link-button" on:click=move |_| editing.set(true)>
                    {tr(|s| s.change_location)}
                </button>
            </p>
        </Show>
        <Show when=move || feed.user.with(|u| u.is_none()) || editing.get()>
            <div class="card location-card">
                <p>{tr(|s| s.locate_prompt)}</p>
                <button type="button" class="primary big" data-action="locate"
                    disabled=move || locating.get() == Locating::Busy
                    on:click=move |_| locate()>
                    {move || if locating.get() == Locating::Busy { t().locating } else { t().locate_button }}
                </button>
                {move || failure().map(|m| view! { <p class="notice notice-warn" role="alert" data-testid="locate-error">{m}</p> })}
                <label class="field">
                    <span>{tr(|s| s.pick_city)}</span>
                    <select name="city" on:change=move |ev| pick_city(event_target_value(&ev))>
                        <option value="">{tr(|s| s.pick_city_placeholder)}</option>
                        {move || city_list().into_iter().map(|c| view! { <option value=c.code>{c.name}</option> }).collect_view()}
                    </select>
                </label>
                <form class="address-search" on:submit=search_address>
                    <label class="field">
                        <span>{tr(|s| s.address_label)}</span>
                        <input type="search" name="address" autocomplete=crate::state::personal_autocomplete("on") node_ref=query enterkeyhint="search" />
                    </label>
                    <button type="submit">{tr(|s| s.address_button)}</button>
                </form>
                {move || address_message.get().map(|m| view! { <p class="notice notice-info" role="status">{m}</p> })}
            </div>
        </Show>
    }
}

/// Who published the data, when, and when it was last checked.
#[component]
pub fn FeedFooter() -> impl IntoView {
    let t = use_strings();
    let feed = use_feed();
    let text = move || {
        let t = t();
        let info = feed.info.get();
        feed.data.with(|d| {
            let m = d.manifest.as_ref()?;
            let published = m
                .published_at
                .as_deref()
                .and_then(published_text)
                .unwrap_or_default();
            let checked = info
                .checked_ms
                .map(|ms| month_day_time_text(china_local(ms)))
                .unwrap_or_else(|| t.feed_never_checked.to_string());
            let mut line = fill(
                t.feed_updated,
                &[("published", &published), ("checked", &checked)],
            );
            if let Some(p) = &m.publisher {
                line = format!("{line} · {}", fill(t.feed_publisher, &[("name", &p.name)]));
            }
            Some(line)
        })
    };
    view! {
        <p class="feed-footer" data-testid="feed-updated">
            {move || if feed.info.with(|i| i.status == crate::feed_sync::SyncStatus::Checking) {
                Some(words(t().feed_checking))
            } else {
                text().map(|l| words(&l))
            }}
        </p>
    }
}
