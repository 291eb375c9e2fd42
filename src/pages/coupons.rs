use crate::state::use_strings;
use leptos::prelude::*;
use leptos_meta::Title;

/// The `/coupons` tab.
#[component]
pub fn CouponsPage() -> impl IntoView {
    let t = use_strings();
    view! {
        <Title text=move || t().coupons_title />
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{move || t().coupons_title}</h1>
            <p class="lead">{move || t().coupons_intro}</p>
        </section>
    }
}
