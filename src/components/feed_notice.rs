use crate::feed_sync::{use_feed, SyncStatus};
use crate::i18n::{fill, Words};
use crate::state::{use_app_state, use_strings};
use leptos::prelude::*;

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
        // "You keep the data you had" only when there is data to keep.
        let (refused, server) = if has_data {
            (t.feed_refused, t.feed_server_error)
        } else {
            (t.feed_refused_empty, t.feed_server_error_empty)
        };
        match &info.status {
            SyncStatus::Refused(r) => lines.push((
                "notice notice-warn",
                fill(refused, &[("reason", &r.words(t))]),
            )),
            SyncStatus::ServerError(status) => lines.push((
                "notice notice-warn",
                fill(server, &[("status", &status.to_string())]),
            )),
            SyncStatus::Offline if has_data => {
                lines.push(("notice notice-info", t.feed_offline.into()))
            }
            SyncStatus::Offline => lines.push(("notice notice-warn", t.feed_offline_empty.into())),
            _ => {}
        }
        for failed in &info.lists_failed {
            let what = t.list_names[failed.which];
            lines.push((
                "notice notice-info",
                fill(
                    t.feed_list_failed,
                    &[
                        ("what", what),
                        ("path", &failed.path),
                        ("reason", &failed.why.words(t)),
                    ],
                ),
            ));
        }
        let skipped = feed.data.with(|d| d.skipped_total());
        if skipped > 0 {
            lines.push((
                "notice notice-info",
                fill(t.feed_skipped, &[("n", &skipped.to_string())]),
            ));
        }
        if info.storage_full {
            lines.push(("notice notice-warn", t.feed_storage_full.into()));
        }
        if info.storage_unavailable {
            lines.push(("notice notice-warn", t.feed_storage_unavailable.into()));
        }
        if state.kiosk_refused.get() {
            lines.push(("notice notice-warn", t.kiosk_refused.into()));
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
