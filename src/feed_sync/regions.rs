//! The shards near the user: loaded from the device when it holds them (checked by
//! hash again), else from the network, and a station looked for by its id outside
//! the shards shown.

use super::files::fetch_region;
use super::*;

impl Feed {
    /// The manifest's regions within the search radius of the user that are not loaded.
    pub(super) fn regions_to_load(self, manifest: &Manifest) -> Vec<RegionEntry> {
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
    pub(super) async fn load_regions_near(self) -> Result<(), Refusal> {
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
    pub(super) fn note_not_kept(self, kept: &Result<(), file_store::StoreError>) {
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
    pub(super) fn add_region(self, path: &str, sequence: u64, region: Region) {
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
    pub(super) async fn load_device_shards(self, path: &str, manifest: &Manifest) {
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
