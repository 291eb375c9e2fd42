use crate::i18n::Lang;
use crate::state::{use_app_state, use_lang, use_strings};
use leptos::prelude::*;
use leptos_meta::Title;

/// The `/me` tab: settings and everything the device keeps about the user.
#[component]
pub fn MePage() -> impl IntoView {
    let t = use_strings();
    view! {
        <Title text=move || t().me_title />
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{move || t().me_title}</h1>
            <p class="lead">{move || t().me_intro}</p>
            <LanguageSwitch />
            <section class="card" aria-labelledby="about-heading">
                <h2 id="about-heading">{move || t().about_heading}</h2>
                <p>{move || t().about_text}</p>
            </section>
        </section>
    }
}

/// Two big buttons, one per language; the pressed one is the current language.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let t = use_strings();
    let lang = use_lang();
    let state = use_app_state();
    let button = move |choice: Lang, label: fn() -> &'static str| {
        view! {
            <button
                type="button"
                class="choice"
                lang=choice.tag()
                aria-pressed=move || (lang.get() == choice).to_string()
                on:click=move |_| state.set_lang(choice)
            >
                {label}
            </button>
        }
    };
    view! {
        <section class="card" aria-labelledby="lang-heading">
            <h2 id="lang-heading">{move || t().language_heading}</h2>
            <div class="choices" role="group" aria-labelledby="lang-heading" data-testid="language-switch">
                {button(Lang::Zh, || crate::i18n::strings(Lang::Zh).language_zh)}
                {button(Lang::En, || crate::i18n::strings(Lang::En).language_en)}
            </div>
        </section>
    }
}
