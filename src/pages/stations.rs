use crate::state::use_strings;
use leptos::prelude::*;
use leptos_meta::Title;

/// The `/stations` tab.
#[component]
pub fn StationsPage() -> impl IntoView {
    let t = use_strings();
    view! {
        <Title text=move || t().stations_title />
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{move || t().stations_title}</h1>
            <p class="lead">{move || t().stations_intro}</p>
        </section>
    }
}
