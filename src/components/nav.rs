use crate::router::{is_current, use_router};
use crate::state::{tr, use_strings};
use leptos::prelude::*;
use yizhan_core::outcome::Tab;

/// The persistent bottom navigation: four tabs, each an icon with its word, and a
/// dot on a tab holding an answer from the union not yet seen there (in an app with
/// the news: not the stations app).
#[component]
pub fn BottomNav() -> impl IntoView {
    let t = use_strings();
    let news = use_context::<crate::news::News>();
    let marked = move |tab| news.is_some_and(|n| n.marked(tab));
    let router = use_router();
    let current = move |href| {
        router
            .with_path(|path| is_current(href, path))
            .then_some("page")
    };
    view! {
        <nav class="bottom-nav" aria-label=tr(|s| s.nav_label)>
            <a href="/stations" aria-current=move || current("/stations")>
                <svg class="tab-icon" viewBox="0 0 24 24" aria-hidden="true">
                    <path d="M12 2a7 7 0 0 0-7 7c0 5 7 13 7 13s7-8 7-13a7 7 0 0 0-7-7zm0 9.5A2.5 2.5 0 1 1 12 6.5a2.5 2.5 0 0 1 0 5z" />
                </svg>
                <span>{tr(|s| s.nav_stations)}</span>
            </a>
            <a href="/coupons" aria-current=move || current("/coupons")>
                <svg class="tab-icon" viewBox="0 0 24 24" aria-hidden="true">
                    <path d="M3 6h18v4a2 2 0 0 0 0 4v4H3v-4a2 2 0 0 0 0-4zm6 2v8h2V8zm4 0v8h2V8z" />
                </svg>
                <span>{tr(|s| s.nav_coupons)}</span>
                {move || marked(Tab::Coupons).then(|| view! { <span class="news-dot" data-testid="news-dot" role="img" aria-label=t().news_dot></span> })}
            </a>
            <a href="/join" aria-current=move || current("/join")>
                <svg class="tab-icon" viewBox="0 0 24 24" aria-hidden="true">
                    <path d="M9 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm0 2c-3 0-8 1.5-8 4.5V21h16v-2.5C17 15.5 12 14 9 14zm10-6V5h-2v3h-3v2h3v3h2v-3h3V8z" />
                </svg>
                <span>{tr(|s| s.nav_join)}</span>
                {move || marked(Tab::Join).then(|| view! { <span class="news-dot" data-testid="news-dot" role="img" aria-label=t().news_dot></span> })}
            </a>
            <a href="/me" aria-current=move || current("/me")>
                <svg class="tab-icon" viewBox="0 0 24 24" aria-hidden="true">
                    <path d="M12 12a5 5 0 1 0 0-10 5 5 0 0 0 0 10zm0 2c-4 0-9 2-9 5v3h18v-3c0-3-5-5-9-5z" />
                </svg>
                <span>{tr(|s| s.nav_me)}</span>
            </a>
        </nav>
    }
}
