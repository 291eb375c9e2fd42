use yizhan_core::feed::Refusal;
use crate::feed_sync::{use_feed, SyncStatus};
use crate::i18n::{fill, Strings};
use crate::state::{use_app_state, use_strings};
use leptos::prelude::*;

/// The plain-words reason for a refused update: `refusal_text(t, &refusal)`.
pub fn refusal_text(t: &Strings, refusal: &Refusal) -> String {
    match refusal {
        Refusal::Unsigned => t.refused_unsigned.into(),
        Refusal::BadSignature => t.refused_bad_signature.into(),
        Refusal::UnknownFormat(found) => fill(t.refused_unknown_format, &[("found", found)]),
        Refusal::Malformed(_) => t.refused_malformed.into(),
        Refusal::Rollback { offered, held } => fill(
            t.refused_rollback,
            &[
                ("offered", &offered.to_string()),
                ("held", &held.to_string()),
            ],
        ),
        Refusal::UnsafePath(_) => t.refused_unsafe_path.into(),
        Refusal::HashMismatch(path) => fill(t.refused_hash, &[("path", path)]),
        Refusal::InsecureIntake(_) => t.refused_insecure_intake.into(),
        Refusal::BadBbox(code) => fill(t.refused_bad_bbox, &[("code", code)]),
        Refusal::WrongRegion { .. } => t.refused_wrong_region.into(),
        Refusal::Network(detail) => fill(t.refused_network, &[("detail", detail)]),
        Refusal::TooLarge(_) => t.refused_too_large.into(),
    }
}

/// Tells the user when an update was refused, when they are offline, or when the
/// device is out of space. Silent when all is well.
#[component]
pub fn FeedNotice() -> impl IntoView {
    let feed = use_feed();
    let state = use_app_state();
    let t = use_strings();
    let message = move || {
        let t = t();
        let has_data = feed.data.with(|d| d.manifest.is_some());
        let info = feed.info.get();
        let mut lines: Vec<(&'static str, String)> = Vec::new();
        match &info.status {
            SyncStatus::Refused(r) => lines.push((
                "notice notice-warn",
                fill(t.feed_refused, &[("reason", &refusal_text(t, r))]),
            )),
            SyncStatus::Offline if has_data => {
                lines.push(("notice notice-info", t.feed_offline.into()))
            }
            SyncStatus::Offline => lines.push(("notice notice-warn", t.feed_offline_empty.into())),
            _ => {}
        }
        if info.storage_full {
            lines.push(("notice notice-warn", t.feed_storage_full.into()));
        }
        if info.storage_unavailable {
            lines.push(("notice notice-warn", t.feed_storage_unavailable.into()));
        }
        if state.feed_link_refused.get() {
            lines.push(("notice notice-warn", t.feed_cross_origin.into()));
        }
        lines
    };
    view! {
        <div class="feed-notices" role="status" aria-live="polite">
            {move || {
                message()
                    .into_iter()
                    .map(|(class, text)| view! { <p class=class data-testid="feed-notice">{text}</p> })
                    .collect_view()
            }}
        </div>
    }
}
