//! What the sync shows: the data, where the last sync stands, and the point the
//! station list is sorted from.

use std::sync::Arc;
use yizhan_core::feed::{Campaigns, Coupons, Manifest, Refusal, Statuses, Unions};
use yizhan_core::geo::LngLat;
use yizhan_core::stations::Region;

/// The feed data the app shows.
#[derive(Clone, Debug, Default)]
pub struct FeedData {
    pub manifest: Option<Arc<Manifest>>,
    pub regions: Vec<Arc<Region>>,
    pub campaigns: Arc<Campaigns>,
    pub unions: Arc<Unions>,
    pub statuses: Arc<Statuses>,
    /// The coupons the union issued and which are used (for venues and claims).
    pub coupons: Arc<Coupons>,
    /// Items of the campaigns, unions, statuses and coupons files (in that order) that
    /// could not be read and are left out (the shards count theirs in `Region::skipped`).
    pub skipped: [usize; 4],
}

impl FeedData {
    /// Every item of the shown data left out because it could not be read.
    pub fn skipped_total(&self) -> usize {
        self.skipped.iter().sum::<usize>() + self.regions.iter().map(|r| r.skipped).sum::<usize>()
    }
}

/// Where the last sync stands.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum SyncStatus {
    #[default]
    Idle,
    Checking,
    /// The server was reached and the data is current.
    Current,
    /// The server could not be reached; the device's data is shown.
    Offline,
    /// The server answered with an HTTP error; the device's data is shown.
    ServerError(u16),
    /// The last update was refused, for this reason; the previous data stays.
    Refused(Refusal),
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SyncInfo {
    pub status: SyncStatus,
    /// When the server last answered with a usable manifest (ms since epoch).
    pub checked_ms: Option<f64>,
    /// A file could not be stored for lack of space: data lives in memory only.
    pub storage_full: bool,
    /// This browser has no Cache API here (not a secure context): data lives in
    /// memory only, so nothing shows without signal.
    pub storage_unavailable: bool,
    /// Region shards near the user are being fetched.
    pub loading_regions: bool,
    /// The list files the last adopted publication could not have: the rest of it
    /// was adopted, and the device keeps its last good copy of these.
    pub lists_failed: Vec<ListFailed>,
}

/// A list file (campaigns, unions, statuses, coupons) that could not be had (no
/// answer, an HTTP error, a bad hash, not a list): it costs that file only.
#[derive(Clone, Debug, PartialEq)]
pub struct ListFailed {
    /// Which list: 0 campaigns, 1 unions, 2 statuses, 3 coupons.
    pub which: usize,
    /// Its path in the manifest.
    pub path: String,
    pub why: Refusal,
}

/// Where the list is sorted from.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct UserPoint {
    pub at: LngLat,
    pub source: PointSource,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum PointSource {
    Gps,
    /// `?near=` in a shared link (a poster, a message).
    Link,
    /// `?near=` in a kiosk's own address: where the kiosk stands.
    Kiosk,
    /// The centre of a city the user picked (its name).
    City(String),
    /// A station address matching what the user typed.
    Address(String),
    /// A point the user tapped on the map.
    Map,
}
