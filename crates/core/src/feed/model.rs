//! Feed data types. Unknown fields are ignored; optional fields may be absent.
//! Longer than 400 lines because every type of the feed's files is in one place, with their
//! tests.

use crate::geo::{distance_to_bbox_m, to_wgs84, Datum, LngLat};
use crate::vocab::{CampaignKind, Entry, RequestState, Service};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The only format this app reads.
pub const FORMAT: &str = "yizhan-feed/1";

/// `manifest.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub sequence: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<Publisher>,
    pub datum: Datum,
    #[serde(default)]
    pub regions: Vec<RegionEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaigns: Option<FileRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unions: Option<FileRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statuses: Option<FileRef>,
    /// The coupons issued and used (FEED.md's union desk section).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coupons: Option<FileRef>,
    #[serde(default, deserialize_with = "crate::time::read::dates")]
    pub holidays: Vec<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intake: Option<Intake>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Publisher {
    pub name: String,
    #[serde(default)]
    pub phone: Option<String>,
}

/// One region shard as the manifest lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RegionEntry {
    pub code: String,
    #[serde(default)]
    pub name: Option<String>,
    /// `[min_lng, min_lat, max_lng, max_lat]` in the feed's datum.
    pub bbox: [f64; 4],
    #[serde(default)]
    pub count: Option<u64>,
    pub path: String,
    pub sha256: String,
}

/// A content-addressed file the manifest points to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRef {
    pub path: String,
    pub sha256: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Intake {
    pub url: String,
    /// Base64 of the union desk's X25519 public key: requests are sealed to it
    /// (FEED.md "Sealed requests and sealed answers").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seal_key: Option<String>,
}

/// `stations/<region>.<hash>.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Shard {
    pub region: String,
    pub stations: Vec<Station>,
    /// How many stations of the file were left out (not in the file; counted on read).
    #[serde(skip)]
    pub skipped: usize,
}

/// One rest station. `name`, `lng`, `lat` and `id` are required.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Station {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    pub lng: f64,
    pub lat: f64,
    /// Service words; an unknown word is kept and shown as it is.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<Service>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<String>,
    /// The union's own words for hours `hours` could not say exactly (docs/FEED.md):
    /// shown as written, with 以现场为准.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours_text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// `open`, `outdoor_workers` or `members`; anything else is shown as unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<Entry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
}

impl Station {
    /// The station's position in the feed's datum.
    pub fn position(&self) -> LngLat {
        LngLat::new(self.lng, self.lat)
    }

    /// The station's position in WGS-84 (what the device's GPS and distances use),
    /// from a feed in `datum`: the one place a station point changes datum.
    pub fn wgs84(&self, datum: Datum) -> LngLat {
        to_wgs84(self.position(), datum)
    }
}

/// `campaigns.<hash>.json`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Campaigns {
    #[serde(default)]
    pub campaigns: Vec<Campaign>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Campaign {
    pub id: String,
    pub kind: CampaignKind,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub venues: Vec<Venue>,
    #[serde(deserialize_with = "crate::time::read::date")]
    pub valid_from: NaiveDate,
    #[serde(deserialize_with = "crate::time::read::date")]
    pub valid_until: NaiveDate,
    #[serde(default)]
    pub per_member: Option<u32>,
    #[serde(default)]
    pub period: Option<String>,
    #[serde(default)]
    pub total: Option<u64>,
    #[serde(default)]
    pub remaining: Option<u64>,
    #[serde(default)]
    pub members_only: bool,
    #[serde(default)]
    pub discount_percent: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Venue {
    pub name: String,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub lng: Option<f64>,
    #[serde(default)]
    pub lat: Option<f64>,
}

/// `unions.<hash>.json`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Unions {
    #[serde(default)]
    pub unions: Vec<Union>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Union {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub occupations: Vec<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    /// How many days the union usually takes to answer a request (this project's
    /// addition): the app shows it beside how long a request has waited.
    #[serde(default)]
    pub answer_days: Option<u32>,
}

/// `statuses.<hash>.json`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statuses {
    #[serde(default)]
    pub statuses: Vec<RequestStatus>,
}

impl Statuses {
    /// The outcome the union published for the request `request_id`, if any (the
    /// latest, of those not sealed): `statuses.for_request("…uuid…")` looks up
    /// `sha256(id)`.
    pub fn for_request(&self, request_id: &str) -> Option<&RequestStatus> {
        let reference = super::sha256_hex(request_id.as_bytes());
        self.statuses
            .iter()
            .filter(|s| s.sealed.is_none() && s.reference.eq_ignore_ascii_case(&reference))
            .max_by(|a, b| a.updated.cmp(&b.updated))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestStatus {
    /// SHA-256 (lower-case hex) of the request's id.
    #[serde(rename = "ref")]
    pub reference: String,
    /// A sealed entry has no plain state until it is opened ([`crate::seal`]).
    #[serde(default = "unread_state")]
    pub state: RequestState,
    #[serde(default)]
    pub member_no: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub updated: Option<String>,
    /// For an approved join, transfer or card request: the card, signed by the union.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<SignedCard>,
    /// A sealed answer (FEED.md `box`): the fields above, sealed under the request's
    /// `reply_key`; only the device that asked opens it ([`crate::seal::readable_statuses`]).
    #[serde(rename = "box", default, skip_serializing_if = "Option::is_none")]
    pub sealed: Option<String>,
}

/// The state of a sealed entry nobody opened: no word of FEED.md's.
fn unread_state() -> RequestState {
    RequestState::Other(String::new())
}

/// A membership card as the union signs it (see [`crate::card`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedCard {
    pub member_no: String,
    pub name: String,
    pub union: String,
    pub valid_until: String,
    /// Base64 Ed25519 signature of [`crate::card::signed_text`].
    pub sig: String,
}

/// `coupons.<hash>.json`: the coupons issued, and which are used. The codes themselves
/// never appear: only `ref`, the SHA-256 of the code (upper-case, no dashes).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coupons {
    #[serde(default)]
    pub coupons: Vec<IssuedCoupon>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedCoupon {
    #[serde(rename = "ref")]
    pub reference: String,
    pub campaign: String,
    #[serde(default, deserialize_with = "crate::time::read::opt_date")]
    pub valid_from: Option<NaiveDate>,
    #[serde(default, deserialize_with = "crate::time::read::opt_date")]
    pub valid_until: Option<NaiveDate>,
    /// The date a venue recorded it as used.
    #[serde(default)]
    pub used: Option<String>,
}

impl Manifest {
    /// A manifest with nothing in it yet (the publisher fills it; tests build on it):
    /// `Manifest::new(1, Datum::Gcj02)`.
    pub fn new(sequence: u64, datum: Datum) -> Manifest {
        Manifest {
            format: FORMAT.to_string(),
            sequence,
            published_at: None,
            publisher: None,
            datum,
            regions: Vec::new(),
            campaigns: None,
            unions: None,
            statuses: None,
            coupons: None,
            holidays: Vec::new(),
            intake: None,
        }
    }

    /// The regions whose bbox lies within `radius_m` of `near` (in the feed's datum):
    /// `manifest.regions_near(p, 25_000.0)` names the shards a device must fetch.
    pub fn regions_near(&self, near: LngLat, radius_m: f64) -> Vec<&RegionEntry> {
        self.regions
            .iter()
            .filter(|r| distance_to_bbox_m(near, r.bbox) <= radius_m)
            .collect()
    }

    /// The regions whose code starts station `id` (`371500` for `371500-0001`, not for
    /// `3715001`): where a station opened by its bare link most likely is. FEED.md
    /// does not promise ids shaped so; this only chooses what to fetch first.
    /// `manifest.regions_named_by("371500-0001")`.
    pub fn regions_named_by(&self, id: &str) -> Vec<&RegionEntry> {
        self.regions
            .iter()
            .filter(|r| {
                !r.code.is_empty()
                    && id
                        .strip_prefix(r.code.as_str())
                        .is_some_and(|rest| !rest.starts_with(|c: char| c.is_ascii_digit()))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(code: &str, bbox: [f64; 4]) -> RegionEntry {
        RegionEntry {
            code: code.into(),
            name: None,
            bbox,
            count: None,
            path: format!("stations/{code}.x.json"),
            sha256: "0".repeat(64),
        }
    }

    #[test]
    fn a_station_id_names_the_region_its_code_starts() {
        let m = Manifest {
            regions: vec![
                region("371500", [115.27, 35.78, 116.54, 37.04]),
                region("37150", [0.0, 0.0, 1.0, 1.0]),
                region("", [0.0, 0.0, 1.0, 1.0]),
            ],
            ..Manifest::new(1, Datum::Gcj02)
        };
        let codes = |id: &str| -> Vec<String> {
            m.regions_named_by(id)
                .iter()
                .map(|r| r.code.clone())
                .collect()
        };
        assert_eq!(codes("371500-0001"), ["371500"]);
        assert_eq!(codes("371500"), ["371500"]);
        assert!(
            codes("3715001").is_empty(),
            "a longer number is another code"
        );
        assert!(codes("x-1").is_empty());
        assert!(codes("").is_empty());
    }

    #[test]
    fn only_regions_within_the_radius_are_near() {
        let m = Manifest {
            regions: vec![
                region("371500", [115.27, 35.78, 116.54, 37.04]), // Liaocheng
                region("370100", [116.6, 36.2, 117.6, 37.2]),     // Jinan, ~10 km east
                region("310000", [120.85, 30.68, 122.0, 31.88]),  // Shanghai
            ],
            ..Manifest::new(1, Datum::Gcj02)
        };
        let liaocheng = LngLat::new(115.98, 36.45);
        let codes: Vec<_> = m
            .regions_near(liaocheng, 25_000.0)
            .iter()
            .map(|r| r.code.as_str())
            .collect();
        assert_eq!(codes, ["371500"]);
        let edge = LngLat::new(116.50, 36.45); // 9 km from Jinan's bbox
        let codes: Vec<_> = m
            .regions_near(edge, 25_000.0)
            .iter()
            .map(|r| r.code.as_str())
            .collect();
        assert_eq!(codes, ["371500", "370100"]);
    }

    #[test]
    fn station_points_come_back_to_wgs84_from_either_datum() {
        let wgs = LngLat::new(115.98, 36.45);
        let gcj = crate::geo::wgs84_to_gcj02(wgs);
        let station = |at: LngLat| Station {
            lng: at.lng,
            lat: at.lat,
            ..serde_json::from_str(r#"{"id":"a","name":"n","lng":0,"lat":0}"#).unwrap()
        };
        assert_eq!(station(wgs).wgs84(Datum::Wgs84), wgs);
        let back = station(gcj).wgs84(Datum::Gcj02);
        assert!(crate::geo::distance_m(back, wgs) < 1.0, "{back:?}");
    }

    #[test]
    fn stations_keep_unknown_services_and_ignore_unknown_fields() {
        let s: Station = serde_json::from_str(
            r#"{"id":"a","name":"n","lng":1.0,"lat":2.0,"services":["water","hot_tea"],"future":{"x":1}}"#,
        )
        .unwrap();
        assert_eq!(
            s.services,
            [Service::Water, Service::Other("hot_tea".into())]
        );
        assert!(serde_json::from_str::<Station>(r#"{"id":"a","lng":1.0,"lat":2.0}"#).is_err());
    }
}
