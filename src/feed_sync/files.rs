//! Fetching and reading feed files: from the network or the device's store, each
//! checked by hash (and the manifest by signature) before it is used.

use crate::adapters::{file_store, net, perf};
use yizhan_core::feed::{
    check_file, check_manifest, parse_shard, resolve, FileRef, Manifest, Refusal, RegionEntry,
    Shard,
};
use yizhan_core::stations::Region;

/// A failed download as a refusal: no answer is "offline", an HTTP error status is
/// the server failing (not the user's network).
fn net_refusal(e: net::NetError) -> Refusal {
    match e {
        net::NetError::Status(status) => Refusal::Server(status),
        other => Refusal::Network(other.to_string()),
    }
}

/// The server's manifest for `path`, checked (signature when keys are built in,
/// format, shape, paths, intake): `fetch_manifest("/feed/manifest.json", true).await`.
/// `revalidate` as in [`net::fetch_bytes`]: when the device holds none of this feed,
/// `false` lets the copy index.html preloaded with the page be used, instead of asking
/// the server again (a round trip on the first visit); a server's `no-cache` still
/// makes the browser revalidate anything older.
pub(super) async fn fetch_manifest(path: &str, revalidate: bool) -> Result<Manifest, Refusal> {
    // Both at once: one round trip, not two, before anything new can be shown.
    let sig_path = format!("{path}.sig");
    let (bytes, signature) = futures::join!(
        net::fetch_bytes(path, revalidate, net::MANIFEST_TIMEOUT_MS),
        net::fetch_optional(&sig_path, revalidate, net::MANIFEST_TIMEOUT_MS)
    );
    let bytes = bytes.map_err(net_refusal)?;
    let signature = signature
        .map_err(net_refusal)?
        .map(|b| String::from_utf8_lossy(&b).into_owned());
    let keys = crate::trust::publisher_keys();
    check_manifest(&bytes, signature.as_deref(), &keys, path)
}

/// A list file the manifest names (campaigns, unions, statuses, coupons): its checked
/// bytes (the device's copy, else the network's) with its resolved path; `None` when
/// the manifest names none. Read by the app's `ListReader`.
pub(super) async fn list_bytes(
    manifest_path: &str,
    file: Option<&FileRef>,
) -> Result<Option<(String, Vec<u8>)>, Refusal> {
    let Some(file) = file else {
        return Ok(None);
    };
    let path = resolve(manifest_path, &file.path)?;
    let bytes = match file_store::get(&path).await {
        Ok(Some(b)) if check_file(&b, &file.sha256, &file.path).is_ok() => b,
        _ => {
            let b = net::fetch_bytes(&path, false, net::FILE_TIMEOUT_MS)
                .await
                .map_err(net_refusal)?;
            check_file(&b, &file.sha256, &file.path)?;
            b
        }
    };
    Ok(Some((path, bytes)))
}

/// The device's copy of a list file, checked by hash again; `None` when the manifest
/// names none or the device lacks it.
pub(super) async fn stored_bytes(manifest_path: &str, file: Option<&FileRef>) -> Option<Vec<u8>> {
    let file = file?;
    let path = resolve(manifest_path, &file.path).ok()?;
    let bytes = file_store::get(&path).await.ok()??;
    check_file(&bytes, &file.sha256, &file.path).ok()?;
    Some(bytes)
}

/// The shard for `entry` that the device holds, checked by hash again; `None` when it
/// holds none, or a damaged one (then the network is asked).
pub(super) async fn device_region(
    file_path: &str,
    manifest: &Manifest,
    entry: &RegionEntry,
) -> Option<Result<Region, Refusal>> {
    let t0 = perf::now();
    let bytes = file_store::get(file_path).await.ok()??;
    check_file(&bytes, &entry.sha256, &entry.path).ok()?;
    let region = parse_shard(&bytes, &entry.code).map(|shard| region_of(shard, manifest, entry));
    perf::measure(&format!("yizhan:load-device {}", entry.code), t0);
    Some(region)
}

pub(super) async fn fetch_region(
    manifest_path: &str,
    manifest: &Manifest,
    entry: &RegionEntry,
) -> Result<(Region, Vec<u8>), Refusal> {
    let t0 = perf::now();
    let path = resolve(manifest_path, &entry.path)?;
    let bytes = net::fetch_bytes(&path, false, net::FILE_TIMEOUT_MS)
        .await
        .map_err(net_refusal)?;
    check_file(&bytes, &entry.sha256, &entry.path)?;
    let shard = parse_shard(&bytes, &entry.code)?;
    let region = region_of(shard, manifest, entry);
    perf::measure(&format!("yizhan:sync-network {}", entry.code), t0);
    Ok((region, bytes))
}

fn region_of(shard: Shard, manifest: &Manifest, entry: &RegionEntry) -> Region {
    let t0 = perf::now();
    let region = Region::new(
        shard,
        entry.name.clone(),
        entry.bbox,
        entry.sha256.clone(),
        manifest.datum,
    );
    perf::measure(&format!("yizhan:index {}", entry.code), t0);
    region
}

/// Every file path a manifest names (to keep in the store; the rest is removed).
pub(super) fn files_of(manifest_path: &str, m: &Manifest) -> Vec<String> {
    m.regions
        .iter()
        .map(|r| &r.path)
        .chain(
            [&m.campaigns, &m.unions, &m.statuses, &m.coupons]
                .into_iter()
                .flatten()
                .map(|f| &f.path),
        )
        .filter_map(|p| resolve(manifest_path, p).ok())
        .collect()
}
