//! 驿站 Yizhan: the outdoor worker's pocket union.
//!
//! Layers (see ARCHITECTURE.md): the rules live in the `yizhan-core` crate; `i18n` is
//! pure; `adapters` talk to the browser; `state`, the services (`feed_sync`, `outbox`,
//! `wallet_store`), `components` and `pages` are the UI. This file holds the three root
//! components, each its own wasm: the worker's `App`; `StationsApp`, the stations
//! alone for a quick first visit; the venue's `VenueApp`, so the venue's check is
//! not in every worker's download. Also their shared shell, the page each draws for
//! a route, and `mount`.

pub mod adapters;
pub mod components;
pub mod feed_sync;
pub mod handoff;
pub mod i18n;
pub mod news;
pub mod outbox;
pub mod pages;
pub mod router;
pub mod state;
pub mod trust;
pub mod wallet_store;

use components::{
    use_document_root, AppHeader, BottomNav, FeedNotice, KioskMode, StorageNotice, UpdatedNotice,
};
use feed_sync::{Feed, PointSource, UserPoint, DEFAULT_MANIFEST, RESYNC_MS};
use leptos::prelude::*;
use pages::{
    CouponPage, CouponsPage, JoinPage, MePage, NotFoundPage, StationDetailPage, StationsPage,
    VerifyPage,
};
use router::Route;
use state::{tr, use_app_state, AppState};

/// Removes the static frame index.html showed while the code loaded, then mounts
/// `app`: `yizhan::mount(yizhan::App)` (src/main.rs).
pub fn mount<F, N>(app: F)
where
    F: FnOnce() -> N + 'static,
    N: IntoView,
{
    if let Some(frame) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("boot"))
    {
        frame.remove();
    }
    leptos::mount::mount_to_body(app);
}

/// The worker's app: stations, coupons, joining and the card (index.html).
#[component]
pub fn App() -> impl IntoView {
    view! { <Shell services=worker_services lists=feed_sync::read_list_into pages=worker_pages /> }
}

fn worker_pages(route: Route) -> AnyView {
    match route {
        Route::Root => redirect_home(),
        Route::Stations => view! { <StationsPage /> }.into_any(),
        Route::Station(segment) => view! { <StationDetailPage segment /> }.into_any(),
        Route::Coupons => view! { <CouponsPage /> }.into_any(),
        Route::Coupon(id) => view! { <CouponPage id /> }.into_any(),
        Route::Join => view! { <JoinPage /> }.into_any(),
        Route::Me => view! { <MePage /> }.into_any(),
        Route::Verify | Route::Other => view! { <NotFoundPage /> }.into_any(),
    }
}

/// The stations app (stations.html, its own wasm): the stations list, a station's
/// page and the map, which is what a worker who scans a station's poster opens, and
/// what a return visit to them opens. Its wasm is about 22 % smaller than the whole
/// app's, so the first row comes sooner on a weak signal, and on a cheap phone's
/// return, sooner to compile. Any other page (a tab of the bottom bar) is the whole
/// app, loaded from the server or the service worker. The worker answers the
/// stations' pages with this app unless the union's answer may be news on the device
/// (`worker_services` tells it; only the whole app shows news): a device that never
/// made a request says so here.
#[component]
pub fn StationsApp() -> impl IntoView {
    if !adapters::storage::holds(yizhan_core::outbox::OutboxItem::STORAGE_KEY) {
        adapters::pwa::allow_stations_app(true);
    }
    view! { <Shell lists=feed_sync::check_list_only pages=stations_pages /> }
}

fn stations_pages(route: Route) -> AnyView {
    match route {
        Route::Root => redirect_home(),
        Route::Stations => view! { <StationsPage /> }.into_any(),
        Route::Station(segment) => view! { <StationDetailPage segment /> }.into_any(),
        _ => load_from_server(),
    }
}

/// The venue's check, `/verify` (verify.html, its own wasm). Any other page (a tab of
/// the bottom bar) belongs to the worker's app: it is loaded from the server.
#[component]
pub fn VenueApp() -> impl IntoView {
    adapters::pwa::keep_venue();
    // No worker's tabs: on the staff's device they covered the "mark used" button.
    view! { <Shell services=worker_services lists=feed_sync::read_list_into pages=venue_pages tabs=false /> }
}

fn venue_pages(route: Route) -> AnyView {
    match route {
        Route::Verify => view! { <VerifyPage /> }.into_any(),
        _ => load_from_server(),
    }
}

/// `/` shows the stations: the address becomes `/stations`, with its query (a poster's
/// `?near=`) and hash, replacing `/` so Back does not come back to it.
fn redirect_home() -> AnyView {
    let router = router::use_router();
    let address = router.address_untracked();
    // Not while the page is being drawn: the route changes at once.
    leptos::task::spawn_local(async move {
        router.navigate(
            &format!("/stations{}{}", address.search, address.hash),
            true,
        );
    });
    ().into_any()
}

/// Loads the address shown from the server, which answers it with the app that has
/// that page, handing over what this app held in memory (`handoff`). (The router has
/// already written the address into the history: this replaces that entry.)
fn load_from_server() -> AnyView {
    // As the browser has it (the router's path is decoded).
    let target = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    handoff::load_from_server(&target, feed_sync::use_feed().user.get_untracked());
    ().into_any()
}

/// What the apps share: state, feed sync, the router, header, notices and the four
/// tabs; `pages` draws the app's page for each route (`worker_pages`). `services` are what an app runs beside its
/// pages (`worker_services`), and `lists` how it reads the feed's list files
/// (`feed_sync::read_list_into` or `check_list_only`): functions passed in rather than called
/// here, so an app without them (the stations app) does not carry their code.
#[component]
fn Shell(
    #[prop(optional)] services: Option<fn(AppState, Feed)>,
    lists: feed_sync::ListReader,
    pages: fn(Route) -> AnyView,
    /// The worker's bottom tabs (all but the venue's check).
    #[prop(default = true)]
    tabs: bool,
) -> impl IntoView {
    let state = AppState::provide();
    let route = router::provide().route();
    // Coming from another of the apps: what it held in memory (after `provide`, which
    // decides whether this is a kiosk that keeps personal data in memory).
    let handed = handoff::take().unwrap_or_default();
    adapters::storage::restore_memory(handed.memory);
    adapters::pwa::register();
    let feed_path = state.prefs.with_untracked(|p| p.feed_path.clone());
    let feed = Feed::provide(
        feed_path.unwrap_or_else(|| DEFAULT_MANIFEST.to_string()),
        lists,
    );
    if handed.point.is_some() {
        feed.user.set(handed.point);
    }
    if let Some(services) = services {
        services(state, feed);
    }
    // The first sync starts once the URL's parameters are applied (see QueryParams);
    // then every few minutes while open and online, and when back online.
    // The requests on the device are retried at the same times.
    let interval = gloo_timers::callback::Interval::new(RESYNC_MS, move || {
        if adapters::net::is_online() {
            feed.refresh(true);
            outbox::send(state, feed);
        }
    });
    interval.forget();
    std::mem::forget(gloo_events_online(move || {
        feed.refresh(true);
        outbox::send(state, feed);
    }));
    // "Delete all" in another tab: start again from the emptied storage, so nothing
    // this tab holds in memory (a join form being typed) is written back.
    adapters::storage::on_deleted_elsewhere(&state::PUBLIC_KEYS, || {
        if let Some(window) = web_sys::window() {
            if window.location().reload().is_err() {
                web_sys::console::warn_1(&"reload after delete-all refused".into());
            }
        }
    });
    use_document_root();
    // The page is drawn one turn of the event loop after the frame around it: two
    // shorter tasks at start instead of one long one, so a tap is not held up.
    let page_shown = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        adapters::clock::next_turn().await;
        page_shown.set(true);
    });

    view! {
        <QueryParams />
            <a class="skip-link" href="#main">{tr(|s| s.skip_to_content)}</a>
            <AppHeader />
            <KioskMode />
            <StorageNotice />
            <UpdatedNotice />
            <FeedNotice />
            <main id="main" tabindex="-1">
                {move || page_shown.get().then(|| pages(route.get()))}
            </main>
            {tabs.then(|| view! { <BottomNav /> })}
    }
}

/// The worker's services, in the whole app and the venue's check: the wallet, the
/// requests kept on the device (the outbox) and the union's answers as news. The
/// stations app goes without: on a first visit the device holds none of them, and a
/// station report is saved and sent without the store (`outbox::append`). (`Shell`
/// retries sending in every app.)
fn worker_services(state: AppState, feed: Feed) {
    let wallet = wallet_store::WalletStore::provide(state);
    let outbox = outbox::OutboxStore::provide(state, feed);
    let news = news::News::provide(outbox);
    components::provide_news_box(news);
    // Which app the service worker may answer the stations' pages with next time.
    Effect::new(move |said: Option<bool>| {
        let allowed = !news.may_come(outbox);
        if said != Some(allowed) {
            adapters::pwa::allow_stations_app(allowed);
        }
        allowed
    });
    // Whenever the feed's data changes: send what waits for its intake, and turn an
    // approved join request into the membership card.
    Effect::new(move |_| {
        outbox.statuses.track();
        feed.data.with(|d| wallet.adopt_approved(d, outbox));
        outbox.flush();
    });
}

/// Applies the URL parameters any page may carry: `?lang=en|zh` (remembered),
/// `?feed=PATH` (same origin only, remembered) and `?near=LAT,LNG` (this visit only;
/// a kiosk's own place is remembered with the kiosk).
#[component]
fn QueryParams() -> impl IntoView {
    let search = router::use_router().search();
    let state = use_app_state();
    let feed = feed_sync::use_feed();
    Effect::new(move |started: Option<()>| {
        let (lang, feed_param, near) = search.with(|q| {
            let get = |key| yizhan_core::navigation::query_value(q, key);
            (get("lang"), get("feed"), get("near"))
        });
        state.update_prefs(|p| p.apply_lang_param(lang.as_deref()));
        if let Some(param) = feed_param {
            let origin = web_sys::window()
                .and_then(|w| w.location().origin().ok())
                .unwrap_or_default();
            let same_origin = yizhan_core::feed::feed_path_from_param(&param, &origin)
                .and_then(|path| path_on_this_origin(&path, &origin));
            match same_origin {
                Ok(path) => {
                    state.update_prefs(|p| {
                        let changed = p.feed_path.as_deref() != Some(path.as_str());
                        p.feed_path = Some(path.clone());
                        changed
                    });
                    if started.is_some() {
                        feed.switch_to(path);
                    } else {
                        feed.path.set(path);
                    }
                }
                Err(_) => state.feed_link_refused.set(true),
            }
        }
        // A kiosk stands where its own address said, also when a page is loaded
        // afresh without `?near=` (a reload, a tab, the start page after a wipe).
        let near = near.or_else(|| {
            let fresh = started.is_none() && feed.user.with_untracked(Option::is_none);
            state
                .prefs
                .with_untracked(|p| p.kiosk.as_ref().and_then(|k| k.near.clone()))
                .filter(|_| fresh)
        });
        if let Some(at) = near.as_deref().and_then(yizhan_core::geo::parse_near) {
            let point = UserPoint {
                at,
                source: if state.is_kiosk() {
                    PointSource::Kiosk
                } else {
                    PointSource::Link
                },
            };
            if feed.user.get_untracked().as_ref() != Some(&point) {
                feed.user.set(Some(point));
            }
        }
        if started.is_none() {
            feed.refresh(true);
        }
    });
    // Load the shards near wherever the user now is.
    Effect::new(move |_| {
        if feed.user.with(|u| u.is_some()) {
            feed.refresh(false);
        }
    });
}

/// `path` as the browser's own URL parser resolves it against this page, kept only if
/// it stays on this page's `origin`: its path and query, the form every fetch of the
/// feed then uses. (The core refuses what it can see; this is the parser that counts.)
fn path_on_this_origin(
    path: &str,
    origin: &str,
) -> Result<String, yizhan_core::feed::FeedUrlError> {
    let refused = yizhan_core::feed::FeedUrlError::CrossOrigin;
    let href = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .ok_or(refused.clone())?;
    let url = web_sys::Url::new_with_base(path, &href).map_err(|_| refused.clone())?;
    let resolved = format!("{}{}", url.pathname(), url.search());
    if origin.is_empty()
        || url.origin() != origin
        || !resolved.starts_with('/')
        || resolved.starts_with("//")
    {
        return Err(refused);
    }
    Ok(resolved)
}

/// Calls `f` whenever the browser goes back online.
fn gloo_events_online(f: impl Fn() + 'static) -> Option<wasm_bindgen::closure::Closure<dyn Fn()>> {
    use wasm_bindgen::JsCast;
    let window = web_sys::window()?;
    let closure = wasm_bindgen::closure::Closure::<dyn Fn()>::new(f);
    window
        .add_event_listener_with_callback("online", closure.as_ref().unchecked_ref())
        .ok()?;
    Some(closure)
}
