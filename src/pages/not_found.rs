use crate::state::{tr, use_strings};
use leptos::prelude::*;

/// Shown for any unknown route, with a way back.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    let t = use_strings();
    crate::components::use_title(move || t().not_found_title.to_string());
    view! {
        <section class="page not-found" aria-labelledby="page-title">
            <h1 id="page-title">{tr(|s| s.not_found_title)}</h1>
            <p class="lead">{tr(|s| s.not_found_text)}</p>
            <a href="/stations" class="button primary">{tr(|s| s.not_found_back)}</a>
        </section>
    }
}
