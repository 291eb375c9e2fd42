use crate::state::use_strings;
use leptos::prelude::*;

/// The top bar: the app's name and what it is for.
#[component]
pub fn AppHeader() -> impl IntoView {
    let t = use_strings();
    view! {
        <header class="app-header">
            <span class="app-mark" aria-hidden="true">"驿"</span>
            <span class="app-titles">
                <span class="app-name">{move || t().app_name}</span>
                <span class="app-tagline">{move || t().app_tagline}</span>
            </span>
        </header>
    }
}
