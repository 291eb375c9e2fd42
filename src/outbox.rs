//! The outbox service: requests kept on the device first, sent to the feed's intake
//! when there is one, retried with back-off, never sent twice after a 2xx.

use crate::adapters::{clock, intake, locks, storage};
use yizhan_core::outbox::{uuid_v4, OutboxItem};
use crate::feed_sync::Feed;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Where the requests are kept (localStorage).
pub const STORAGE_KEY: &str = "yizhan.outbox.v1";
/// How long a send may take before another flush may try the same item again.
const LEASE_MS: f64 = 30_000.0;

/// Every request kept on the device.
pub fn load() -> Vec<OutboxItem> {
    storage::load(STORAGE_KEY)
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// Adds a request and tries to send it: `enqueue(feed, "report", payload)`.
/// Returns the saved item, or the storage problem that kept it from being saved.
pub fn enqueue(
    feed: Feed,
    kind: &str,
    payload: serde_json::Value,
) -> Result<OutboxItem, storage::StorageProblem> {
    let created = yizhan_core::time::china_local(clock::now_ms())
        .format("%Y-%m-%dT%H:%M:%S+08:00")
        .to_string();
    let item = OutboxItem::new(uuid_v4(intake::random_bytes()), kind, created, payload);
    let mut items = load();
    items.push(item.clone());
    storage::save(STORAGE_KEY, &items)?;
    flush(feed);
    Ok(item)
}

/// Deletes a request from the device: `remove(&id)`.
pub fn remove(id: &str) -> Result<(), storage::StorageProblem> {
    let mut items = load();
    items.retain(|i| i.id != id);
    storage::save(STORAGE_KEY, &items)
}

/// Sends every due request to the intake, if the feed has one. Each item is leased
/// under a cross-tab lock before its POST, so no two senders send it at once.
pub fn flush(feed: Feed) {
    let Some(url) = feed.data.with_untracked(|d| {
        d.manifest
            .as_ref()
            .and_then(|m| m.intake.as_ref().map(|i| i.url.clone()))
    }) else {
        return;
    };
    spawn_local(async move {
        loop {
            let now = clock::now_ms();
            let leased = locks::with_lock("yizhan-outbox", move || {
                let mut items = load();
                let at = items.iter().position(|i| i.is_due(now))?;
                items[at].lease(now, LEASE_MS);
                let body = (items[at].id.clone(), items[at].body());
                storage::save(STORAGE_KEY, &items).ok()?;
                Some(body)
            })
            .await;
            let Some((id, body)) = leased else { break };
            let accepted = intake::post_json(&url, &body).await.unwrap_or(false);
            locks::with_lock("yizhan-outbox", move || {
                let mut items = load();
                if let Some(item) = items.iter_mut().find(|i| i.id == id) {
                    item.record_attempt(accepted, clock::now_ms());
                    let _ = storage::save(STORAGE_KEY, &items);
                }
            })
            .await;
        }
    });
}
