use crate::state::use_strings;
use leptos::prelude::*;
use leptos_meta::Title;

/// The `/join` tab.
#[component]
pub fn JoinPage() -> impl IntoView {
    let t = use_strings();
    view! {
        <Title text=move || t().join_title />
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{move || t().join_title}</h1>
            <p class="lead">{move || t().join_intro}</p>
        </section>
    }
}
