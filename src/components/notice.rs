use crate::adapters::storage::StorageProblem;
use crate::state::{use_app_state, use_strings};
use leptos::prelude::*;

/// A plain-language banner when the device could not keep or read what it should.
#[component]
pub fn StorageNotice() -> impl IntoView {
    let state = use_app_state();
    let t = use_strings();
    let text = move || {
        state.storage_problem.get().map(|p| match p {
            StorageProblem::Unavailable => t().storage_unavailable,
            StorageProblem::Full => t().storage_full,
            StorageProblem::Corrupt => t().storage_corrupt,
        })
    };
    view! {
        <Show when=move || text().is_some()>
            <p class="notice notice-warn" role="alert">{text}</p>
        </Show>
    }
}
