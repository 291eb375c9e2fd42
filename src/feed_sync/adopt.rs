//! Adopting a new publication: every file it needs fetched at once and checked, the
//! stations shown as soon as their shards pass, each list file on its own (one that
//! cannot be had costs that file only), then the files and, last, the manifest record
//! kept.

use super::files::{fetch_region, files_of, list_bytes};
use super::*;

impl Feed {
    /// Fetches and checks every file a new manifest needs, then commits it. The files
    /// are asked for all at once: on a 150 ms mobile round trip, one after another
    /// cost a round trip each before the first station row. The stations are shown as
    /// soon as their shards pass; a list file that cannot be had or read (missing,
    /// refused, never answering) costs that file only: the data and the device keep
    /// their last good copy of it, and the next sync asks for it again.
    pub(super) async fn adopt(self, path: &str, manifest: Manifest) -> Result<(), Refusal> {
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
    pub(super) async fn shard_for(
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
}
