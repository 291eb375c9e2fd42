use crate::adapters::storage::StorageProblem;
use crate::i18n::Strings;
use crate::state::{tr, use_app_state, use_strings};
use leptos::prelude::*;

/// A storage problem in plain words: `storage_problem_text(t, StorageProblem::Full)`.
pub fn storage_problem_text(t: &'static Strings, problem: StorageProblem) -> &'static str {
    match problem {
        StorageProblem::Unavailable => t.storage_unavailable,
        StorageProblem::Full => t.storage_full,
        StorageProblem::Corrupt => t.storage_corrupt,
    }
}

/// A plain-language banner when the device could not keep or read what it should.
#[component]
pub fn StorageNotice() -> impl IntoView {
    let state = use_app_state();
    let t = use_strings();
    let text = move || {
        state
            .storage_problem
            .get()
            .map(|p| storage_problem_text(t(), p))
    };
    view! {
        <Show when=move || text().is_some()>
            <p class="notice notice-warn" role="alert">{text}</p>
        </Show>
    }
}

/// A one-time notice after the app was updated to a new build.
#[component]
pub fn UpdatedNotice() -> impl IntoView {
    const KEY: &str = crate::adapters::pwa::BUILD_KEY;
    let current = crate::adapters::pwa::build_id();
    let previous = crate::adapters::storage::load::<String>(KEY).ok().flatten();
    if let Some(current) = &current {
        let _ = crate::adapters::storage::save(KEY, current);
    }
    let updated = RwSignal::new(matches!((&previous, &current), (Some(p), Some(c)) if p != c));
    view! {
        <Show when=move || updated.get()>
            <p class="notice notice-ok" role="status" data-testid="updated-notice">
                {tr(|s| s.app_updated)} " "
                <button type="button" class="link-button" on:click=move |_| updated.set(false)>{tr(|s| s.dismiss)}</button>
            </p>
        </Show>
    }
}
