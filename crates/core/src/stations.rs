//! Searching loaded station shards: nearest first, with "open now" and service
//! filters, only among regions within the search radius of the user.
//! Longer than 400 lines because half of it is the tests of the search and its filters.

use crate::feed::{Shard, Station};
use crate::geo::{distance_to_bbox_m, Datum, LngLat};
use crate::hours::OpeningHours;
use crate::spatial::GridIndex;
use crate::vocab::Service;
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// How far from the user a region's bbox may be for its shard to be loaded and searched.
/// The release build's loader (web/boot.js) hints the shards within it from `?near=`.
pub const SEARCH_RADIUS_M: f64 = 25_000.0;

/// A region shard ready to search: stations, their WGS-84 positions in a grid index,
/// and their opening hours parsed once.
#[derive(Debug)]
pub struct Region {
    pub code: String,
    pub name: Option<String>,
    /// The manifest's bbox, in the feed's datum.
    pub bbox: [f64; 4],
    pub sha256: String,
    pub datum: Datum,
    pub stations: Vec<Station>,
    pub hours: Vec<Option<OpeningHours>>,
    pub index: GridIndex,
    /// Stations of the shard left out because they could not be read.
    pub skipped: usize,
}

impl Region {
    /// Prepares a shard for search: `Region::new(shard, &entry_bbox, sha, Datum::Gcj02)`.
    pub fn new(
        shard: Shard,
        name: Option<String>,
        bbox: [f64; 4],
        sha256: String,
        datum: Datum,
    ) -> Region {
        let points = shard.stations.iter().map(|s| s.wgs84(datum)).collect();
        let hours = shard
            .stations
            .iter()
            .map(|s| s.hours.as_deref().and_then(|h| OpeningHours::parse(h).ok()))
            .collect();
        Region {
            code: shard.region,
            name,
            bbox,
            sha256,
            datum,
            stations: shard.stations,
            hours,
            index: GridIndex::build(points, 0.02),
            skipped: shard.skipped,
        }
    }

    /// Whether this region is within `radius_m` of `user` (WGS-84).
    pub fn is_near(&self, user: LngLat, radius_m: f64) -> bool {
        // The bbox is in the feed's datum; the shift (< 1 km) is far below the radius,
        // but convert anyway so the rule is exact at its edge.
        let user_in_datum = crate::geo::to_gcj02(user, Datum::Wgs84);
        let user_in_datum = match self.datum {
            Datum::Gcj02 => user_in_datum,
            Datum::Wgs84 => user,
        };
        distance_to_bbox_m(user_in_datum, self.bbox) <= radius_m
    }
}

impl AsRef<Region> for Region {
    fn as_ref(&self) -> &Region {
        self
    }
}

/// What the user asked to see.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StationFilter {
    pub open_now: bool,
    /// Every one of these services must be offered.
    pub services: BTreeSet<Service>,
}

impl StationFilter {
    pub const STORAGE_KEY: &'static str = "yizhan.station-filter.v1";

    /// Whether station `i` of `region` passes at China-local time `now`.
    pub fn accepts(
        &self,
        region: &Region,
        i: usize,
        now: NaiveDateTime,
        holidays: &BTreeSet<NaiveDate>,
    ) -> bool {
        let station = &region.stations[i];
        if !self.services.iter().all(|s| station.services.contains(s)) {
            return false;
        }
        if self.open_now {
            // Unknown hours never count as open.
            return region.hours[i]
                .as_ref()
                .is_some_and(|h| h.is_open(now, holidays));
        }
        true
    }
}

/// One search result: which region and station, and how far (metres, WGS-84).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hit {
    pub region: usize,
    pub station: usize,
    pub distance_m: f64,
}

/// When a station can be used, in the order the list shows them: a worker at night
/// needs the open door, not the nearest shut one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Availability {
    Open,
    /// No usable `hours`: maybe open, so before the surely closed.
    Unknown,
    Closed,
}

fn availability(
    region: &Region,
    i: usize,
    now: NaiveDateTime,
    holidays: &BTreeSet<NaiveDate>,
) -> Availability {
    match &region.hours[i] {
        None => Availability::Unknown,
        Some(h) if h.is_open(now, holidays) => Availability::Open,
        Some(_) => Availability::Closed,
    }
}

/// The `k` stations to list for `user` (WGS-84), passing `filter` within
/// [`SEARCH_RADIUS_M`]: the open ones first, then those with unknown hours, then the
/// closed, each group nearest first. Each group is searched on its own, so closed
/// stations nearby never push an open one further out off the list:
/// `nearest(&regions, user, 20, &filter, now, &ph)`.
pub fn nearest(
    regions: &[impl AsRef<Region>],
    user: LngLat,
    k: usize,
    filter: &StationFilter,
    now: NaiveDateTime,
    holidays: &BTreeSet<NaiveDate>,
) -> Vec<Hit> {
    let mut hits = Vec::new();
    for group in [
        Availability::Open,
        Availability::Unknown,
        Availability::Closed,
    ] {
        if hits.len() >= k {
            break;
        }
        let mut found = nearest_where(regions, user, k - hits.len(), |region, i| {
            filter.accepts(region, i, now, holidays)
                && availability(region, i, now, holidays) == group
        });
        hits.append(&mut found);
    }
    hits
}

/// The `k` nearest stations to `user` for which `keep(region, i)` holds, nearest first.
fn nearest_where(
    regions: &[impl AsRef<Region>],
    user: LngLat,
    k: usize,
    keep: impl Fn(&Region, usize) -> bool,
) -> Vec<Hit> {
    let mut hits: Vec<Hit> = Vec::new();
    for (ri, region) in regions.iter().enumerate() {
        let region = region.as_ref();
        if !region.is_near(user, SEARCH_RADIUS_M) {
            continue;
        }
        let found = region
            .index
            .nearest(user, k, SEARCH_RADIUS_M, |i| keep(region, i));
        hits.extend(found.into_iter().map(|(i, d)| Hit {
            region: ri,
            station: i,
            distance_m: d,
        }));
    }
    crate::sort::sort_by(&mut hits, |a, b| a.distance_m.total_cmp(&b.distance_m));
    hits.truncate(k);
    hits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::{distance_m, wgs84_to_gcj02};

    fn station(id: &str, wgs: LngLat, services: &[&str], hours: Option<&str>) -> Station {
        let g = wgs84_to_gcj02(wgs);
        Station {
            id: id.into(),
            name: id.into(),
            address: None,
            lng: g.lng,
            lat: g.lat,
            services: services.iter().map(|s| Service::from_word(s)).collect(),
            hours: hours.map(str::to_string),
            hours_text: None,
            phone: None,
            host: None,
            entry: None,
            entry_note: None,
            checked: None,
            updated: None,
        }
    }

    fn region(code: &str, stations: Vec<Station>) -> Region {
        let bbox = stations.iter().fold(
            [f64::MAX, f64::MAX, f64::MIN, f64::MIN],
            |[a, b, c, d], s| [a.min(s.lng), b.min(s.lat), c.max(s.lng), d.max(s.lat)],
        );
        Region::new(
            Shard {
                region: code.into(),
                stations,
                skipped: 0,
            },
            None,
            bbox,
            String::new(),
            Datum::Gcj02,
        )
    }

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn order_is_true_wgs84_distance_on_a_gcj02_feed() {
        let user = LngLat::new(115.9800, 36.4500);
        // 300 m east, 500 m north, 150 m west (in WGS-84 metres).
        let east = LngLat::new(
            115.9800 + 300.0 / (111_195.0 * 36.45f64.to_radians().cos()),
            36.45,
        );
        let north = LngLat::new(115.98, 36.45 + 500.0 / 111_195.0);
        let west = LngLat::new(
            115.9800 - 150.0 / (111_195.0 * 36.45f64.to_radians().cos()),
            36.45,
        );
        let r = region(
            "371500",
            vec![
                station("east", east, &[], None),
                station("north", north, &[], None),
                station("west", west, &[], None),
            ],
        );
        let hits = nearest(
            &[&r],
            user,
            10,
            &StationFilter::default(),
            at("2026-11-23 12:00"),
            &BTreeSet::new(),
        );
        let ids: Vec<_> = hits
            .iter()
            .map(|h| r.stations[h.station].id.as_str())
            .collect();
        assert_eq!(ids, ["west", "east", "north"]);
        for (h, expect) in hits.iter().zip([150.0, 300.0, 500.0]) {
            assert!(
                (h.distance_m - expect).abs() < 2.0,
                "{} vs {expect}",
                h.distance_m
            );
        }
        // Had the GCJ-02 coordinates been taken as WGS-84, every distance would be off
        // by hundreds of metres.
        let naive = distance_m(user, r.stations[0].position());
        assert!(naive > 400.0, "{naive}");
    }

    #[test]
    fn filters_by_services_and_open_now_and_unknown_hours_are_not_open() {
        let base = LngLat::new(116.0, 36.5);
        let r = region(
            "371500",
            vec![
                station(
                    "a",
                    LngLat::new(116.001, 36.5),
                    &["water"],
                    Some("Mo-Su 08:00-20:00"),
                ),
                station(
                    "b",
                    LngLat::new(116.002, 36.5),
                    &["water", "battery_swap"],
                    Some("Mo-Su 08:00-20:00"),
                ),
                station(
                    "c",
                    LngLat::new(116.003, 36.5),
                    &["water", "battery_swap"],
                    None,
                ),
                station(
                    "d",
                    LngLat::new(116.004, 36.5),
                    &["water", "battery_swap", "meals"],
                    Some("24/7"),
                ),
            ],
        );
        let ids = |f: &StationFilter, when: &str| -> Vec<String> {
            nearest(&[&r], base, 10, f, at(when), &BTreeSet::new())
                .iter()
                .map(|h| r.stations[h.station].id.clone())
                .collect()
        };
        let mut f = StationFilter::default();
        // At 22:00 the open one first, then unknown hours, then the closed.
        assert_eq!(ids(&f, "2026-11-23 22:00"), ["d", "c", "a", "b"]);
        assert_eq!(ids(&f, "2026-11-23 12:00"), ["a", "b", "d", "c"]);
        f.services.insert("battery_swap".into());
        assert_eq!(ids(&f, "2026-11-23 22:00"), ["d", "c", "b"]);
        f.open_now = true;
        assert_eq!(ids(&f, "2026-11-23 22:00"), ["d"]);
        assert_eq!(ids(&f, "2026-11-23 12:00"), ["b", "d"]);
        f.services.insert("meals".into());
        assert_eq!(ids(&f, "2026-11-23 12:00"), ["d"]);
    }

    #[test]
    fn at_night_the_open_stations_come_first_even_beyond_the_closed_nearest_k() {
        // Three shut stations within 300 m; the one open at 02:00 is 3 km away. The
        // list of three must still hold it, first.
        let base = LngLat::new(116.0, 36.5);
        let day_only = Some("Mo-Su 08:00-20:00");
        let r = region(
            "371500",
            vec![
                station("shut1", LngLat::new(116.001, 36.5), &[], day_only),
                station("shut2", LngLat::new(116.002, 36.5), &[], day_only),
                station("shut3", LngLat::new(116.003, 36.5), &[], day_only),
                station(
                    "night",
                    LngLat::new(116.033, 36.5),
                    &[],
                    Some("Mo-Su 20:00-08:00"),
                ),
            ],
        );
        let ids = |when: &str, k: usize| -> Vec<String> {
            nearest(
                &[&r],
                base,
                k,
                &StationFilter::default(),
                at(when),
                &BTreeSet::new(),
            )
            .iter()
            .map(|h| r.stations[h.station].id.clone())
            .collect()
        };
        assert_eq!(ids("2026-11-24 02:00", 3), ["night", "shut1", "shut2"]);
        assert_eq!(ids("2026-11-24 12:00", 3), ["shut1", "shut2", "shut3"]);
        assert_eq!(ids("2026-11-24 12:00", 0), Vec::<String>::new());
    }

    #[test]
    fn a_far_away_region_never_contributes() {
        let near = region(
            "371500",
            vec![station("near", LngLat::new(116.2, 36.5), &[], None)],
        );
        let far = region(
            "310000",
            vec![station("far", LngLat::new(121.47, 31.23), &[], None)],
        );
        let hits = nearest(
            &[&far, &near],
            LngLat::new(116.0, 36.5),
            10,
            &StationFilter::default(),
            at("2026-11-23 12:00"),
            &BTreeSet::new(),
        );
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].region, 1);
    }
}
