//! The outbox service: requests kept on the device first, sent to the feed's intake
//! when there is one, retried with back-off, never sent twice after a 2xx.
//!
//! The one place that reads and writes the stored requests. Pages of the whole app
//! read [`OutboxStore::items`], so a request's delivery state changes on screen as it
//! changes here (and when another tab changes it). Saving a report ([`append`]) and
//! sending ([`send`]) need no store: the stations app does both, and its wasm goes
//! without the store and the readers of every kind of request it brings.

use crate::adapters::{clock, intake, ledger, locks, storage};
use crate::feed_sync::Feed;
use crate::state::AppState;
use leptos::prelude::*;
use leptos::task::spawn_local;
use yizhan_core::feed::Statuses;
use yizhan_core::outbox::{uuid_v4, Delivery, OutboxItem, StoredRequest};
use yizhan_core::request::{Report, Request};
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
    /// The union's answers this device can read: the feed's plain entries, and the
    /// sealed ones of its own requests opened with their reply keys.
    pub statuses: Memo<Statuses>,
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
        let items = RwSignal::new(Vec::<OutboxItem>::new());
        let statuses = Memo::new(move |_| {
            items.with(|items| {
                let mine: Vec<(&str, &str)> = items
                    .iter()
                    .filter_map(|i| Some((i.id.as_str(), i.reply_key.as_deref()?)))
                    .collect();
                feed.data
                    .with(|d| yizhan_core::seal::readable_statuses(&d.statuses, &mine))
            })
        });
        let store = OutboxStore {
            items,
            statuses,
            feed,
            app,
        };
        store.reload();
        provide_context(store);
        storage::on_change(OutboxItem::STORAGE_KEY, move || store.reload());
        // Written in this tab without the store: a report saved, a request sent.
        Effect::watch(
            move || app.requests_changed.track(),
            move |_, _, _| store.reload(),
            false,
        );
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
        let mut added = StoredRequest::from(item.clone());
        // Sealed before it is first stored when the desk's key is known: it leaves
        // the device only as the box. (Otherwise `flush` seals it once the key is.)
        if let Some(key) = seal_key(self.feed) {
            seal(&mut added, &key);
        }
        let item = OutboxItem::try_from(added.clone()).unwrap_or(item);
        locks::with_lock_async(LOCK, move || async move {
            let mut items = stored().await;
            items.push(added);
            ledger::write(OutboxItem::STORAGE_KEY, &items).await
        })
        .await?;
        self.reload();
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
                ledger::write(OutboxItem::STORAGE_KEY, &items).await
            })
            .await;
            match saved {
                Ok(()) => self.reload(),
                Err(problem) => self.app.storage_problem.set(Some(problem)),
            }
        });
    }

    /// Seals the requests made before the feed named its desk key, then sends every
    /// due request to the intake, if the feed has one: `outbox.flush()` (see [`send`]).
    pub fn flush(self) {
        let (app, feed) = (self.app, self.feed);
        let Some(key) = seal_key(feed) else {
            return send(app, feed);
        };
        spawn_local(async move {
            let sealed = locks::with_lock_async(LOCK, move || async move {
                let mut items = stored().await;
                let waiting =
                    |i: &StoredRequest| !i.ready(f64::MAX, true) && i.delivery.is_due(f64::MAX);
                if !items.iter().any(waiting) {
                    return Ok(false);
                }
                items.iter_mut().for_each(|i| seal(i, &key));
                ledger::write(OutboxItem::STORAGE_KEY, &items)
                    .await
                    .map(|()| true)
            })
            .await;
            match sealed {
                Ok(changed) => {
                    if changed {
                        app.requests_changed.notify();
                    }
                    send(app, feed);
                }
                Err(problem) => app.storage_problem.set(Some(problem)),
            }
        });
    }
}

/// The feed's desk key (`intake.seal_key`), if it names one.
fn seal_key(feed: Feed) -> Option<String> {
    feed.data.with_untracked(|d| {
        d.manifest
            .as_ref()
            .and_then(|m| m.intake.as_ref()?.seal_key.clone())
    })
}

/// Seals `item` to `key` with the browser's randomness; without it (no
/// `crypto.getRandomValues`) the item stays unsealed and unsent rather than sealed
/// with a guessable key.
fn seal(item: &mut StoredRequest, key: &str) {
    let mut ok = true;
    let mut fill = |buf: &mut [u8]| ok &= intake::fill_secret(buf).is_some();
    let mut copy = item.clone();
    if copy.seal(key, &mut fill).is_ok() && ok {
        *item = copy;
    }
}

/// Saves a station report on the device behind the requests already there, then sends
/// what is due: `outbox::append(app, feed, report).await`. Reads the
/// stored requests in their stored form only (no store needed: the stations app has
/// none). Returns the storage problem that kept it from being saved (then nothing
/// changed).
pub async fn append(
    app: AppState,
    feed: Feed,
    report: Report,
) -> Result<(), storage::StorageProblem> {
    let created = rfc3339_china(china_local(clock::now_ms()));
    let item = StoredRequest::report(uuid_v4(intake::random_bytes()), created, &report);
    locks::with_lock_async(LOCK, move || async move {
        let mut items: Vec<StoredRequest> = ledger::read(OutboxItem::STORAGE_KEY)
            .await?
            .unwrap_or_default();
        items.push(item);
        ledger::write(OutboxItem::STORAGE_KEY, &items).await
    })
    .await?;
    app.requests_changed.notify();
    // The union's answer will be news, which only the whole app shows: the stations
    // app (which has no news) must not answer the stations' pages from now on.
    crate::adapters::pwa::allow_stations_app(false);
    send(app, feed);
    Ok(())
}

/// Sends every due request to the feed's intake, if it has one, one at a time. Each is
/// leased under a cross-tab lock before its POST, so no two senders send it at once
/// (another tab, or another call here); each outcome is saved at once, and a request
/// accepted (2xx) is never sent again. `outbox::send(app, feed)`.
pub fn send(app: AppState, feed: Feed) {
    let Some((url, seal_required)) = feed.data.with_untracked(|d| {
        d.manifest.as_ref().and_then(|m| {
            m.intake
                .as_ref()
                .map(|i| (i.url.clone(), i.seal_key.is_some()))
        })
    }) else {
        return;
    };
    spawn_local(async move {
        loop {
            let now = clock::now_ms();
            let leased = locks::with_lock_async(LOCK, move || async move {
                let mut items = stored().await;
                let at = items.iter().position(|i| i.ready(now, seal_required))?;
                items[at].delivery.lease(now, LEASE_MS);
                let body = (items[at].id.clone(), items[at].body());
                ledger::write(OutboxItem::STORAGE_KEY, &items).await.ok()?;
                Some(body)
            })
            .await;
            let Some((id, body)) = leased else { break };
            let accepted = intake::post_json(&url, &body).await.unwrap_or(false);
            let recorded = locks::with_lock_async(LOCK, move || async move {
                let mut items = stored().await;
                match items.iter_mut().find(|i| i.id == id) {
                    Some(item) => {
                        item.delivery.record_attempt(accepted, clock::now_ms());
                        ledger::write(OutboxItem::STORAGE_KEY, &items).await
                    }
                    None => Ok(()),
                }
            })
            .await;
            match recorded {
                Ok(()) => app.requests_changed.notify(),
                Err(problem) => {
                    app.storage_problem.set(Some(problem));
                    break;
                }
            }
        }
    });
}

/// How many stored requests wait to be sent (0 if none can be read): what a kiosk's
/// wipe would take with it. `outbox::unsent_count()`.
pub fn unsent_count() -> usize {
    storage::load::<Vec<StoredRequest>>(OutboxItem::STORAGE_KEY)
        .ok()
        .flatten()
        .map_or(0, |items| {
            items
                .iter()
                .filter(|i| matches!(i.delivery, Delivery::Pending { .. }))
                .count()
        })
}

/// The requests as every tab sees them now (another tab may have changed them since
/// the signal), in their stored form: call it inside the lock.
async fn stored() -> Vec<StoredRequest> {
    ledger::read(OutboxItem::STORAGE_KEY)
        .await
        .ok()
        .flatten()
        .unwrap_or_default()
}
