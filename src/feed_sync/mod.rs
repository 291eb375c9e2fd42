//! Feed sync: brings the static feed onto the device and keeps it there.
//!
//! On start the app shows what the device holds, then asks the server. A new manifest
//! is adopted only after every check passed (signature, format, rollback, each file's
//! hash and shape); then its files are stored and, last, the manifest record. A refused
//! or failed update leaves the data the user had, and says why.

mod files;
mod lists;
mod shown;

pub use lists::{check_list_only, read_list_into, ListReader};
pub use shown::{FeedData, ListFailed, PointSource, SyncInfo, SyncStatus, UserPoint};

use crate::adapters::{clock, file_store, storage};
use files::{device_region, fetch_manifest, fetch_region, files_of, list_bytes, stored_bytes};
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

    /// Fetches and checks every file a new manifest needs, then commits it. The files
    /// are asked for all at once: on a 150 ms mobile round trip, one after another
    /// cost a round trip each before the first station row. The stations are shown as
    /// soon as their shards pass; a list file that cannot be had or read (missing,
    /// refused, never answering) costs that file only: the data and the device keep
    /// their last good copy of it, and the next sync asks for it again.
    async fn adopt(self, path: &str, manifest: Manifest) -> Result<(), Refusal> {
        let wanted = self.regions_to_load(&manifest);
        let before = self.data.with_untracked(|d| d.manifest.clone());
        let manifest = Arc::new(manifest);
        let refs = list_refs(&manifest);
        let stations = async {
            let shards = futures::future::join_all(
                wanted
                    .iter()
                    .map(|entry| self.shard_for(path, &manifest, entry)),
            )
            .await;
            let mut regions = Vec::new();
            let mut new_files: Vec<(String, Vec<u8>)> = Vec::new();
            for shard in shards {
                let (region, file) = shard?;
                regions.push(region);
                new_files.extend(file);
            }
            // Parsing the files and drawing the list: two tasks, not one long one.
            clock::next_turn().await;
            if self.is_current(path) {
                self.data.update(|d| {
                    d.manifest = Some(manifest.clone());
                    d.regions = regions;
                });
            }
            Ok(new_files)
        };
        let lists = async {
            let (a, b, c, d) = futures::join!(
                list_bytes(path, refs[0]),
                list_bytes(path, refs[1]),
                list_bytes(path, refs[2]),
                list_bytes(path, refs[3]),
            );
            Ok([a, b, c, d])
        };
        let (mut new_files, lists) = futures::try_join!(stations, lists)?;
        if !self.is_current(path) {
            return Ok(());
        }
        // What the device keeps: this manifest, but for a list that failed the last
        // good copy's entry (none if there was none).
        let mut kept = (*manifest).clone();
        let mut failed = Vec::new();
        self.data.update(|d| {
            for (i, (fetched, slot)) in lists.into_iter().zip(list_slots(&mut kept)).enumerate() {
                // A manifest that names no such file: the list is empty.
                let read = fetched.and_then(|file| match file {
                    Some((file_path, bytes)) => {
                        (self.read_list)(d, i, &bytes).map(|()| Some((file_path, bytes)))
                    }
                    None => (self.read_list)(d, i, b"{}").map(|()| None),
                });
                match read {
                    Ok(file) => new_files.extend(file),
                    Err(why) => {
                        let path = slot.take().map(|f| f.path).unwrap_or_default();
                        *slot = before.as_deref().and_then(|b| list_refs(b)[i].cloned());
                        failed.push(ListFailed {
                            which: i,
                            path,
                            why,
                        });
                    }
                }
            }
            d.manifest = Some(Arc::new(kept.clone()));
        });
        // Every check passed: keep the manifest record (a rollback is refused from now
        // on), then the files. A tab closed before the files are kept loses nothing:
        // the next start finds them missing and fetches them again.
        let now = clock::now_ms();
        let keep = files_of(path, &kept);
        let held = Held {
            path: path.to_string(),
            manifest: kept,
            checked_ms: Some(now),
            partial: !failed.is_empty(),
        };
        let mut full = storage::save(HELD_KEY, &held) == Err(storage::StorageProblem::Full);
        for (file_path, bytes) in &new_files {
            let kept = file_store::put(file_path, bytes).await;
            self.note_not_kept(&kept);
            full |= kept == Err(file_store::StoreError::Full);
        }
        let _ = file_store::retain(&keep).await;
        self.info.update(|i| {
            i.status = SyncStatus::Current;
            i.checked_ms = Some(now);
            i.storage_full = full;
            i.lists_failed = failed;
        });
        Ok(())
    }

    /// One shard a new manifest needs: the one shown when its hash is unchanged, else
    /// fetched and checked, with its `(path, bytes)` to store.
    async fn shard_for(
        self,
        path: &str,
        manifest: &Manifest,
        entry: &RegionEntry,
    ) -> Result<(Arc<Region>, Option<(String, Vec<u8>)>), Refusal> {
        let shown = self
            .data
            .with_untracked(|d| d.regions.iter().find(|r| r.sha256 == entry.sha256).cloned());
        if let Some(region) = shown {
            return Ok((region, None));
        }
        let (region, bytes) = fetch_region(path, manifest, entry).await?;
        Ok((Arc::new(region), Some((resolve(path, &entry.path)?, bytes))))
    }

    /// The manifest's regions within the search radius of the user that are not loaded.
    fn regions_to_load(self, manifest: &Manifest) -> Vec<RegionEntry> {
        let Some(user) = self.user.get_untracked().map(|u| u.at) else {
            return Vec::new();
        };
        let near = match manifest.datum {
            Datum::Gcj02 => to_gcj02(user, Datum::Wgs84),
            Datum::Wgs84 => user,
        };
        manifest
            .regions_near(near, SEARCH_RADIUS_M)
            .into_iter()
            .cloned()
            .collect()
    }

    /// Loads the held manifest's shards near the user: from the device when it has
    /// them (checked by hash again), else from the network.
    async fn load_regions_near(self) -> Result<(), Refusal> {
        let path = self.path.get_untracked();
        let Some(manifest) = self.data.with_untracked(|d| d.manifest.clone()) else {
            return Ok(());
        };
        let wanted: Vec<RegionEntry> = self
            .regions_to_load(&manifest)
            .into_iter()
            .filter(|e| {
                self.data
                    .with_untracked(|d| !d.regions.iter().any(|r| r.sha256 == e.sha256))
            })
            .collect();
        if wanted.is_empty() {
            return Ok(());
        }
        self.info.update(|i| i.loading_regions = true);
        let mut result = Ok(());
        for entry in wanted {
            let file_path = resolve(&path, &entry.path)?;
            // From the device, or fetched with the bytes to keep.
            let loaded = match device_region(&file_path, &manifest, &entry).await {
                Some(region) => region.map(|r| (r, None)),
                None => fetch_region(&path, &manifest, &entry)
                    .await
                    .map(|(r, bytes)| (r, Some(bytes))),
            };
            match loaded {
                Ok((region, bytes)) => {
                    // Shown first, kept after: the list does not wait for storage.
                    self.add_region(&path, manifest.sequence, region);
                    if let Some(bytes) = bytes {
                        let kept = file_store::put(&file_path, &bytes).await;
                        self.note_not_kept(&kept);
                    }
                }
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        self.info.update(|i| i.loading_regions = false);
        result
    }

    /// Tells the user when a downloaded file could not be kept for offline use.
    fn note_not_kept(self, kept: &Result<(), file_store::StoreError>) {
        match kept {
            Err(file_store::StoreError::Full) => self.info.update(|i| i.storage_full = true),
            Err(file_store::StoreError::Unavailable) => {
                self.info.update(|i| i.storage_unavailable = true)
            }
            _ => {}
        }
    }

    /// Adds a loaded shard if the feed and manifest it belongs to are still the ones
    /// shown, unless it is there already (two loads may race).
    fn add_region(self, path: &str, sequence: u64, region: Region) {
        if !self.is_current(path) {
            return;
        }
        self.data.update(|d| {
            let shown = d.manifest.as_ref().is_some_and(|m| m.sequence == sequence);
            if shown && !d.regions.iter().any(|r| r.sha256 == region.sha256) {
                d.regions.push(Arc::new(region));
            }
        });
    }

    /// Looks for station `id`, not among the shards shown: first in every shard the
    /// device holds (a page reloaded or opened from a bookmark, offline too: the
    /// position is never stored), then from the network in the shard its id names (a
    /// bare station link opened on a new device). The list stays limited to the
    /// search radius. `feed.find_station(id)`.
    pub fn find_station(self, id: String) {
        let path = self.path.get_untracked();
        let Some(manifest) = self.data.with_untracked(|d| d.manifest.clone()) else {
            return;
        };
        spawn_local(async move {
            self.info.update(|i| i.loading_regions = true);
            self.load_device_shards(&path, &manifest).await;
            let holds = |d: &FeedData| {
                d.regions
                    .iter()
                    .any(|r| r.stations.iter().any(|s| s.id == id))
            };
            if !self.data.with_untracked(holds) {
                for entry in manifest.regions_named_by(&id) {
                    let loaded = self
                        .data
                        .with_untracked(|d| d.regions.iter().any(|r| r.sha256 == entry.sha256));
                    if loaded || !self.is_current(&path) {
                        continue;
                    }
                    match fetch_region(&path, &manifest, entry).await {
                        Ok((region, bytes)) => {
                            if let Ok(file_path) = resolve(&path, &entry.path) {
                                let kept = file_store::put(&file_path, &bytes).await;
                                self.note_not_kept(&kept);
                            }
                            self.add_region(&path, manifest.sequence, region);
                        }
                        // Said in the feed notice (offline, server error, bad file).
                        Err(refusal) => self.set_problem(refusal),
                    }
                }
            }
            self.info.update(|i| i.loading_regions = false);
        });
    }

    /// Loads every shard the device holds for `manifest`, checked by hash again.
    async fn load_device_shards(self, path: &str, manifest: &Manifest) {
        for entry in &manifest.regions {
            if !self.is_current(path) {
                break;
            }
            let loaded = self
                .data
                .with_untracked(|d| d.regions.iter().any(|r| r.sha256 == entry.sha256));
            if loaded {
                continue;
            }
            let Ok(file_path) = resolve(path, &entry.path) else {
                continue;
            };
            if let Some(Ok(region)) = device_region(&file_path, manifest, entry).await {
                self.add_region(path, manifest.sequence, region);
            }
        }
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
