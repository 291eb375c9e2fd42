//! Feed sync: brings the static feed onto the device and keeps it there.
//!
//! On start the app shows what the device holds, then asks the server. A new manifest
//! is adopted only after every check passed (signature, format, rollback, each file's
//! hash and shape); then its files are stored and, last, the manifest record. A refused
//! or failed update leaves the data the user had, and says why.

mod adopt;
mod files;
mod lists;
mod regions;
mod shown;

pub use lists::{check_list_only, read_list_into, ListReader};
pub use shown::{FeedData, ListFailed, PointSource, SyncInfo, SyncStatus, UserPoint};

use crate::adapters::{clock, file_store, storage};
use files::{device_region, fetch_manifest, stored_bytes};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use yizhan_core::feed::{decide, resolve, Decision, FileRef, Manifest, Refusal, RegionEntry};
use yizhan_core::geo::{to_gcj02, Datum};
use yizhan_core::stations::{Region, SEARCH_RADIUS_M};

/// Where the manifest is unless `?feed=` says otherwise: the core's, which the release
/// build (`cargo xtask build`) also has every page preload.
pub use yizhan_core::feed::DEFAULT_MANIFEST;
/// How often to check for a new publication while the app is open and online.
pub const RESYNC_MS: u32 = 5 * 60 * 1000;
/// Which feed sequence the device copy holds: public data, kept by "delete all".
pub const HELD_KEY: &str = "yizhan.feed.v1";

/// The accepted manifest, kept in localStorage (it is small); its files are in the
/// Cache API (see `adapters::file_store`).
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Held {
    path: String,
    manifest: Manifest,
    checked_ms: Option<f64>,
    /// A list file of this publication could not be had when it was adopted
    /// (`manifest` names the last good copy instead, or none): the next sync adopts
    /// the publication again to ask for it.
    #[serde(default)]
    partial: bool,
}

/// The feed's reactive state, provided as context by `App`.
#[derive(Clone, Copy)]
pub struct Feed {
    /// The manifest's same-origin path.
    pub path: RwSignal<String>,
    pub data: RwSignal<FeedData>,
    pub info: RwSignal<SyncInfo>,
    /// The user's position (WGS-84) and where it came from. Memory only: never
    /// stored, never sent.
    pub user: RwSignal<Option<UserPoint>>,
    busy: StoredValue<bool>,
    again: StoredValue<Option<bool>>,
    /// How this app reads the list files (see `lists`).
    read_list: ListReader,
}

/// The feed state: `let feed = use_feed();`.
pub fn use_feed() -> Feed {
    expect_context::<Feed>()
}

impl Feed {
    /// Creates the feed state for `path`, whose list files `read_list` reads, and
    /// provides it: `Feed::provide(path, feed_sync::read_list_into)`.
    pub fn provide(path: String, read_list: ListReader) -> Feed {
        let feed = Feed {
            path: RwSignal::new(path),
            data: RwSignal::new(FeedData::default()),
            info: RwSignal::new(SyncInfo::default()),
            user: RwSignal::new(None),
            busy: StoredValue::new(false),
            again: StoredValue::new(None),
            read_list,
        };
        provide_context(feed);
        feed
    }

    /// Switches to another manifest path: the other feed's data is dropped from view.
    pub fn switch_to(self, path: String) {
        if self.path.get_untracked() != path {
            self.path.set(path);
            self.data.set(FeedData::default());
            self.info.set(SyncInfo::default());
            self.refresh(true);
        }
    }

    /// Starts a refresh in the background: `feed.refresh(true)` asks the server;
    /// `feed.refresh(false)` only loads what the user's position now needs.
    pub fn refresh(self, check_server: bool) {
        if self.busy.get_value() {
            let pending = self.again.get_value().unwrap_or(false);
            self.again.set_value(Some(pending || check_server));
            return;
        }
        self.busy.set_value(true);
        spawn_local(async move {
            let mut check = check_server;
            loop {
                self.refresh_once(check).await;
                match self.again.get_value() {
                    Some(next) => {
                        self.again.set_value(None);
                        check = next;
                    }
                    None => break,
                }
            }
            self.busy.set_value(false);
        });
    }

    async fn refresh_once(self, check_server: bool) {
        let path = self.path.get_untracked();
        let held = match storage::load::<Held>(HELD_KEY) {
            Ok(Some(h)) if h.path == path => Some(h),
            _ => None,
        };
        let mut device_complete = true;
        if self.data.with_untracked(|d| d.manifest.is_none()) {
            if let Some(held) = &held {
                // Show what the device holds at once, before any network.
                device_complete = self.load_from_device(held).await;
                let _ = self.load_regions_near().await;
            }
        }
        if held.as_ref().is_some_and(|h| h.partial) {
            device_complete = false;
        }
        if check_server {
            self.info.update(|i| i.status = SyncStatus::Checking);
            // A first visit takes the manifest the page preloaded (xtask/src/page.rs).
            let offered = fetch_manifest(&path, held.is_some()).await;
            let held_manifest = held.as_ref().map(|h| &h.manifest);
            match (decide(held_manifest, device_complete, offered), held) {
                (Decision::Unchanged, Some(held)) => self.mark_checked(held),
                (Decision::Unchanged, None) => {}
                (Decision::Adopt(manifest), _) => {
                    if let Err(refusal) = self.adopt(&path, *manifest).await {
                        self.set_problem(refusal);
                    }
                }
                (Decision::Offline(detail), _) => self.set_problem(Refusal::Network(detail)),
                (Decision::Refuse(refusal), _) => self.set_problem(refusal),
            }
        }
        if let Err(refusal) = self.load_regions_near().await {
            if self.is_current(&path) {
                self.set_problem(refusal);
            }
        }
    }

    /// Whether `path` is still the feed being shown: a sync for a feed the user has
    /// since switched away from must not commit anything.
    fn is_current(self, path: &str) -> bool {
        self.path.get_untracked() == path
    }

    fn set_problem(self, refusal: Refusal) {
        let status = match refusal {
            Refusal::Network(_) => SyncStatus::Offline,
            Refusal::Server(status) => SyncStatus::ServerError(status),
            other => SyncStatus::Refused(other),
        };
        self.info.update(|i| i.status = status);
    }

    fn mark_checked(self, mut held: Held) {
        let now = clock::now_ms();
        held.checked_ms = Some(now);
        let full = storage::save(HELD_KEY, &held).is_err();
        self.info.update(|i| {
            i.status = SyncStatus::Current;
            i.checked_ms = Some(now);
            i.storage_full |= full;
        });
    }

    /// Shows what the device already holds, before (or without) any network.
    /// Returns whether every file the manifest names was there: the browser may have
    /// evicted some (Safari does after 7 unused days), and then the next server
    /// answer is adopted again even if its sequence is unchanged.
    async fn load_from_device(self, held: &Held) -> bool {
        if !self.is_current(&held.path) {
            return true;
        }
        let manifest = Arc::new(held.manifest.clone());
        let refs = list_refs(&manifest);
        let stored = futures::join!(
            stored_bytes(&held.path, refs[0]),
            stored_bytes(&held.path, refs[1]),
            stored_bytes(&held.path, refs[2]),
            stored_bytes(&held.path, refs[3]),
        );
        if !self.is_current(&held.path) {
            return true;
        }
        let mut data = FeedData {
            manifest: Some(manifest.clone()),
            ..FeedData::default()
        };
        let mut complete = true;
        for (i, bytes) in [stored.0, stored.1, stored.2, stored.3].iter().enumerate() {
            // Files kept only after they passed this same reader: a refusal now means
            // a damaged copy, fetched again, as is a missing one.
            complete &= match (refs[i], bytes) {
                (None, _) => true,
                (Some(_), Some(bytes)) => (self.read_list)(&mut data, i, bytes).is_ok(),
                (Some(_), None) => false,
            };
        }
        self.data.set(data);
        self.info.update(|i| i.checked_ms = held.checked_ms);
        complete
    }
}

/// The manifest's list files, in the order `lists::ListFiles` has them.
fn list_refs(m: &Manifest) -> [Option<&FileRef>; 4] {
    [
        m.campaigns.as_ref(),
        m.unions.as_ref(),
        m.statuses.as_ref(),
        m.coupons.as_ref(),
    ]
}

/// The manifest's list entries, to change, in the order of [`list_refs`].
fn list_slots(m: &mut Manifest) -> [&mut Option<FileRef>; 4] {
    [
        &mut m.campaigns,
        &mut m.unions,
        &mut m.statuses,
        &mut m.coupons,
    ]
}

/// Forgets the held feed and its stored files (the user's "delete all").
pub async fn forget_device_copy() {
    storage::remove(HELD_KEY);
    file_store::clear().await;
}
