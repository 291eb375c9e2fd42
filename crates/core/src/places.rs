//! Where to search from when the device's position is not used: a city picked from
//! the feed's regions (its centre), or a station whose address or name matches what
//! the user typed. Every point returned is WGS-84, like the device's own position.

use crate::feed::Manifest;
use crate::geo::{to_wgs84, LngLat};
use crate::stations::Region;

/// A city the user can pick: a region of the manifest and the centre of its bbox.
#[derive(Clone, Debug, PartialEq)]
pub struct City {
    pub code: String,
    /// The region's name, or its code when the feed gives none.
    pub name: String,
    /// The centre of the region's bbox, in WGS-84.
    pub centre: LngLat,
}

/// The manifest's regions as cities, in the manifest's order:
/// `cities(&manifest)[0].centre` is where the list sorts from after picking it.
pub fn cities(manifest: &Manifest) -> Vec<City> {
    manifest
        .regions
        .iter()
        .map(|r| {
            let [min_lng, min_lat, max_lng, max_lat] = r.bbox;
            let centre = LngLat::new((min_lng + max_lng) / 2.0, (min_lat + max_lat) / 2.0);
            City {
                code: r.code.clone(),
                name: r.name.clone().unwrap_or_else(|| r.code.clone()),
                centre: to_wgs84(centre, manifest.datum),
            }
        })
        .collect()
}

/// The position (WGS-84) of the first loaded station whose address or name contains
/// `query` (trimmed; ASCII letters in any case, so "depot" finds "Depot", without the
/// Unicode case tables in the wasm): `find_place(&regions, "黄山路")`.
/// `None` for an empty query or no match.
pub fn find_place(regions: &[impl AsRef<Region>], query: &str) -> Option<LngLat> {
    let q = query.trim().to_ascii_lowercase();
    if q.is_empty() {
        return None;
    }
    regions.iter().find_map(|r| {
        let r = r.as_ref();
        r.stations
            .iter()
            .find(|s| {
                s.address
                    .as_deref()
                    .is_some_and(|a| a.to_ascii_lowercase().contains(&q))
                    || s.name.to_ascii_lowercase().contains(&q)
            })
            .map(|s| s.wgs84(r.datum))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::{RegionEntry, Shard, Station};
    use crate::geo::{distance_m, Datum};

    fn manifest(datum: Datum) -> Manifest {
        Manifest {
            regions: vec![
                RegionEntry {
                    code: "371500".into(),
                    name: Some("聊城市".into()),
                    bbox: [115.0, 36.0, 116.0, 37.0],
                    count: None,
                    path: "stations/a.json".into(),
                    sha256: "0".repeat(64),
                },
                RegionEntry {
                    code: "370100".into(),
                    name: None,
                    bbox: [116.6, 36.2, 117.6, 37.2],
                    count: None,
                    path: "stations/b.json".into(),
                    sha256: "0".repeat(64),
                },
            ],
            ..Manifest::new(1, datum)
        }
    }

    #[test]
    fn city_centres_are_bbox_centres_in_wgs84() {
        let wgs = cities(&manifest(Datum::Wgs84));
        assert_eq!(wgs[0].name, "聊城市");
        assert_eq!(wgs[1].name, "370100", "no name: the code");
        assert_eq!(wgs[0].centre, LngLat::new(115.5, 36.5));
        // On a GCJ-02 feed the centre is moved back to WGS-84 (a few hundred metres).
        let gcj = cities(&manifest(Datum::Gcj02));
        let shift = distance_m(gcj[0].centre, LngLat::new(115.5, 36.5));
        assert!((100.0..1000.0).contains(&shift), "{shift}");
    }

    fn station(id: &str, name: &str, address: Option<&str>, lng: f64, lat: f64) -> Station {
        serde_json::from_value(serde_json::json!({
            "id": id, "name": name, "address": address, "lng": lng, "lat": lat
        }))
        .unwrap()
    }

    #[test]
    fn places_are_found_by_address_or_name() {
        let shard = Shard {
            region: "371500".into(),
            stations: vec![
                station("1", "黄山路驿站", Some("东昌府区黄山路12号"), 115.98, 36.45),
                station("2", "Depot East", None, 116.10, 36.50),
            ],
            skipped: 0,
        };
        let regions = [Region::new(
            shard,
            None,
            [115.0, 36.0, 117.0, 37.0],
            "x".into(),
            Datum::Wgs84,
        )];
        assert_eq!(
            find_place(&regions, " 黄山路12 "),
            Some(LngLat::new(115.98, 36.45))
        );
        assert_eq!(
            find_place(&regions, "depot"),
            Some(LngLat::new(116.10, 36.50))
        );
        assert_eq!(find_place(&regions, "不存在"), None);
        assert_eq!(find_place(&regions, "  "), None);
    }
}
