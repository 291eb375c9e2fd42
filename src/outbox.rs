//! The outbox service: requests kept on the device first, sent to the feed's intake
//! when there is one, retried with back-off, never sent twice after a 2xx.
//!
//! The one place that reads and writes the stored requests. Pages read
//! [`OutboxStore::items`], so a request's delivery state changes on screen as it
//! changes here (and when another tab changes it).

use crate::adapters::{clock, intake, ledger, locks, storage};
use crate::feed_sync::Feed;
use crate::state::AppState;
use leptos::prelude::*;
use leptos::task::spawn_local;
use yizhan_core::outbox::{uuid_v4, OutboxItem};
use yizhan_core::request::Request;
use yizhan_core::time::{china_local, rfc3339_china};

/// How long a send may take before another flush may try the same item again.
const LEASE_MS: f64 = 30_000.0;
/// The cross-tab lock every read-modify-write of the stored requests holds.
const LOCK: &str = "yizhan-outbox";

/// The requests kept on the device, provided as context by `App`.
#[derive(Clone, Copy)]
pub struct OutboxStore {
    /// Every request on the device, oldest first.
    pub items: RwSignal<Vec<OutboxItem>>,
    feed: Feed,
    app: AppState,
}

/// The outbox: `let outbox = use_outbox(); outbox.items.get()`.
pub fn use_outbox() -> OutboxStore {
    expect_context::<OutboxStore>()
}

impl OutboxStore {
    /// Loads the stored requests and provides the store; follows other tabs' changes.
    pub fn provide(app: AppState, feed: Feed) -> OutboxStore {
        let store = OutboxStore {
            items: RwSignal::new(Vec::new()),
            feed,
            app,
        };
        store.reload();
        provide_context(store);
        storage::on_change(OutboxItem::STORAGE_KEY, move || store.reload());
        store
    }

    /// Re-reads the stored requests into the signal (a damaged store is set aside by
    /// the storage adapter and reported): after another tab's change, or "delete all".
    pub fn reload(self) {
        match storage::load::<Vec<OutboxItem>>(OutboxItem::STORAGE_KEY) {
            Ok(items) => self.items.set(items.unwrap_or_default()),
            Err(problem) => {
                self.app.storage_problem.set(Some(problem));
                self.items.set(Vec::new());
            }
        }
    }

    /// Adds a request, saves it, shows it, and tries to send it:
    /// `outbox.enqueue(Request::Report(report))`. Returns the saved item, or the
    /// storage problem that kept it from being saved (then nothing was added).
    ///
    /// The read-add-write holds the cross-tab lock and re-reads inside it, so two tabs
    /// submitting at once both keep their request.
    pub async fn enqueue(self, request: Request) -> Result<OutboxItem, storage::StorageProblem> {
        self.enqueue_as(uuid_v4(intake::random_bytes()), request)
            .await
    }

    /// Queues `request` under the id `id` (a UUID v4 made on this device), for a
    /// request whose answer belongs to something that already has that id (a claimed
    /// coupon): `outbox.enqueue_as(coupon.id.clone(), claim)`.
    pub async fn enqueue_as(
        self,
        id: String,
        request: Request,
    ) -> Result<OutboxItem, storage::StorageProblem> {
        let created = rfc3339_china(china_local(clock::now_ms()));
        let item = OutboxItem::new(id, created, request);
        let added = item.clone();
        let items = locks::with_lock_async(LOCK, move || async move {
            let mut items = stored().await;
            items.push(added);
            ledger::write(OutboxItem::STORAGE_KEY, &items)
                .await
                .map(|_| items)
        })
        .await?;
        self.items.set(items);
        self.flush();
        Ok(item)
    }

    /// Deletes a request from the device: `outbox.remove(&id)`. A storage failure is
    /// shown in the storage banner, and the request stays listed.
    pub fn remove(self, id: String) {
        spawn_local(async move {
            let saved = locks::with_lock_async(LOCK, move || async move {
                let mut items = stored().await;
                items.retain(|i| i.id != id);
                ledger::write(OutboxItem::STORAGE_KEY, &items)
                    .await
                    .map(|_| items)
            })
            .await;
            match saved {
                Ok(items) => self.items.set(items),
                Err(problem) => self.app.storage_problem.set(Some(problem)),
            }
        });
    }

    /// Sends every due request to the intake, if the feed has one. Each item is leased
    /// under a cross-tab lock before its POST, so no two senders send it at once; the
    /// signal follows each outcome.
    pub fn flush(self) {
        let Some(url) = self.feed.data.with_untracked(|d| {
            d.manifest
                .as_ref()
                .and_then(|m| m.intake.as_ref().map(|i| i.url.clone()))
        }) else {
            return;
        };
        spawn_local(async move {
            loop {
                let now = clock::now_ms();
                let leased = locks::with_lock_async(LOCK, move || async move {
                    let mut items = stored().await;
                    let at = items.iter().position(|i| i.is_due(now))?;
                    items[at].lease(now, LEASE_MS);
                    let body = (items[at].id.clone(), items[at].body());
                    ledger::write(OutboxItem::STORAGE_KEY, &items).await.ok()?;
                    Some(body)
                })
                .await;
                let Some((id, body)) = leased else { break };
                let accepted = intake::post_json(&url, &body).await.unwrap_or(false);
                let items = locks::with_lock_async(LOCK, move || async move {
                    let mut items = stored().await;
                    if let Some(item) = items.iter_mut().find(|i| i.id == id) {
                        item.record_attempt(accepted, clock::now_ms());
                        ledger::write(OutboxItem::STORAGE_KEY, &items)
                            .await
                            .map(|_| items)
                    } else {
                        Ok(items)
                    }
                })
                .await;
                match items {
                    Ok(items) => self.items.set(items),
                    Err(problem) => self.app.storage_problem.set(Some(problem)),
                }
            }
        });
    }
}

/// The requests as every tab sees them now (another tab may have changed them since
/// the signal): call it inside the lock.
async fn stored() -> Vec<OutboxItem> {
    ledger::read(OutboxItem::STORAGE_KEY)
        .await
        .ok()
        .flatten()
        .unwrap_or_default()
}
