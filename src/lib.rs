//! 驿站 Yizhan: the outdoor worker's pocket union.
//!
//! Layers (see ARCHITECTURE.md): `i18n` and `domain` are pure; `adapters` talk to the
//! browser; `state`, `components` and `pages` are the UI. This file holds the root
//! component, the router and the document metadata.

pub mod adapters;
pub mod components;
pub mod domain;
pub mod feed_sync;
pub mod i18n;
pub mod pages;
#[cfg(not(target_arch = "wasm32"))]
pub mod publish;
pub mod state;

use components::{AppHeader, BottomNav, StorageNotice};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Html, Title};
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::hooks::use_query_map;
use leptos_router::path;
use pages::{CouponsPage, JoinPage, MePage, NotFoundPage, StationsPage};
use state::{use_app_state, use_lang, use_strings, AppState};

/// The root component: state, metadata, the router and the four tabs.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    AppState::provide();
    let lang = use_lang();
    let t = use_strings();

    view! {
        <Html {..} lang=move || lang.get().tag() />
        <Title formatter=move |page: String| {
            if page.is_empty() { t().app_name.to_string() } else { format!("{page} · {}", t().app_name) }
        } />
        <Router>
            <LangFromQuery />
            <a class="skip-link" href="#main">{move || t().skip_to_content}</a>
            <AppHeader />
            <StorageNotice />
            <main id="main" tabindex="-1">
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=|| view! { <Redirect path="/stations" /> } />
                    <Route path=path!("/stations") view=StationsPage />
                    <Route path=path!("/coupons") view=CouponsPage />
                    <Route path=path!("/join") view=JoinPage />
                    <Route path=path!("/me") view=MePage />
                </Routes>
            </main>
            <BottomNav />
        </Router>
    }
}

/// Applies `?lang=en` / `?lang=zh` from any URL and remembers the choice.
#[component]
fn LangFromQuery() -> impl IntoView {
    let query = use_query_map();
    let state = use_app_state();
    Effect::new(move |_| {
        let param = query.with(|q| q.get("lang"));
        state.update_prefs(|p| p.apply_lang_param(param.as_deref()));
    });
}
