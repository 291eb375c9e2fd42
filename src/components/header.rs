use crate::state::tr;
use leptos::prelude::*;

/// The top bar: the app's name and what it is for.
#[component]
pub fn AppHeader() -> impl IntoView {
    view! {
        <header class="app-header">
            <span class="app-mark" aria-hidden="true">"驿"</span>
            <span class="app-titles">
                <span class="app-name">{tr(|s| s.app_name)}</span>
                <span class="app-tagline">{tr(|s| s.app_tagline)}</span>
            </span>
        </header>
    }
}
