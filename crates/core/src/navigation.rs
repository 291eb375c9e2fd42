//! Hand-off to the worker's own map app, each given coordinates in the datum it expects:
//! Amap takes GCJ-02, Baidu BD-09, Apple Maps and `geo:` WGS-84 (Apple converts to its
//! Chinese map data itself; `geo:` is WGS-84 by RFC 5870).

use crate::geo::{gcj02_to_bd09, to_gcj02, to_wgs84, Datum, LngLat};
use crate::text::fixed;

/// The navigation links for one destination.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NavLinks {
    pub amap_walk: String,
    pub amap_ride: String,
    pub baidu_walk: String,
    pub baidu_ride: String,
    pub apple_walk: String,
    pub geo: String,
}

/// Links for a destination given in the feed's datum:
/// `nav_links(LngLat::new(115.98, 36.45), Datum::Gcj02, "黄山路驿站")`.
pub fn nav_links(at: LngLat, datum: Datum, name: &str) -> NavLinks {
    let gcj = to_gcj02(at, datum);
    let bd = gcj02_to_bd09(gcj);
    let wgs = to_wgs84(at, datum);
    let name = encode(name);
    let (wgs_lat, wgs_lng) = (fixed(wgs.lat, 6), fixed(wgs.lng, 6));
    let amap = |mode: &str| {
        format!(
            "https://uri.amap.com/navigation?to={},{},{name}&mode={mode}&coordinate=gaode&callnative=1&src=yizhan",
            fixed(gcj.lng, 6), fixed(gcj.lat, 6)
        )
    };
    let baidu = |mode: &str| {
        format!(
            "https://api.map.baidu.com/direction?destination=latlng:{},{}|name:{name}&mode={mode}&coord_type=bd09ll&output=html&src=yizhan",
            fixed(bd.lat, 6), fixed(bd.lng, 6)
        )
    };
    NavLinks {
        amap_walk: amap("walk"),
        amap_ride: amap("ride"),
        baidu_walk: baidu("walking"),
        baidu_ride: baidu("riding"),
        apple_walk: format!("https://maps.apple.com/?daddr={wgs_lat},{wgs_lng}&dirflg=w&q={name}"),
        geo: format!("geo:{wgs_lat},{wgs_lng}?q={wgs_lat},{wgs_lng}({name})"),
    }
}

/// Percent-encodes a query value (UTF-8), leaving only unreserved characters.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A station id as one path segment of `/stations/…`, using only characters that no
/// router or browser rewrites: letters, digits, `-`, `_`, `.`, and `~XX` for every
/// other byte (`%` escapes are decoded once by the router on navigation, so an id
/// holding `%` would not survive a reload). `id_segment("371500-0001") == "371500-0001"`.
pub fn id_segment(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for b in id.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => out.push(b as char),
            _ => out.push_str(&format!("~{b:02X}")),
        }
    }
    out
}

/// The link that opens a station on any phone, a new one too: its page and its point
/// (WGS-84, `?near=`), from which the app finds its shard whatever the id's shape (a
/// bare `/stations/<id>` finds it only by an id that starts with its region code).
/// Shared links and posters' QR codes use it. `station_path("LC-0002", p)` is
/// `/stations/LC-0002?near=36.450000,115.980000`.
pub fn station_path(id: &str, wgs: crate::geo::LngLat) -> String {
    format!(
        "/stations/{}?near={},{}",
        id_segment(id),
        fixed(wgs.lat, 6),
        fixed(wgs.lng, 6)
    )
}

/// The station id of a path segment made by [`id_segment`]; `None` when it is not one
/// (an old link with the id as it is: compare it directly).
pub fn id_from_segment(segment: &str) -> Option<String> {
    crate::text::decode_escapes(segment, b'~')
}

/// The value of `key` in a URL's query (`?a=1&b=2`, the `?` optional), as a browser
/// decodes it: `+` is a space, `%XX` escapes are decoded (a malformed one is kept as
/// typed); the first of several; `Some("")` for a bare `key`:
/// `query_value("?near=36.4%2C115.9&lang=en", "near") == Some("36.4,115.9".into())`.
pub fn query_value(search: &str, key: &str) -> Option<String> {
    let decode = |text: &str| {
        let text = text.replace('+', " ");
        crate::text::decode_escapes(&text, b'%').unwrap_or(text)
    };
    search
        .strip_prefix('?')
        .unwrap_or(search)
        .split('&')
        .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
        .find(|(k, _)| decode(k) == key)
        .map(|(_, v)| decode(v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::{distance_m, wgs84_to_gcj02};

    fn number_after(url: &str, key: &str) -> (f64, f64) {
        let rest = &url[url.find(key).unwrap() + key.len()..];
        let mut parts = rest.split([',', '&', '|', '?', '(']);
        (
            parts.next().unwrap().parse().unwrap(),
            parts.next().unwrap().parse().unwrap(),
        )
    }

    #[test]
    fn a_station_link_carries_its_point_for_a_new_phone() {
        let p = LngLat::new(115.98, 36.45);
        assert_eq!(
            station_path("LC-0002", p),
            "/stations/LC-0002?near=36.450000,115.980000"
        );
        assert!(station_path("驿站 1", p).starts_with("/stations/~E9~A9~BF~E7~AB~99~201?near="));
    }

    #[test]
    fn each_app_gets_its_own_datum() {
        let wgs = LngLat::new(116.377817, 39.911954);
        let gcj = wgs84_to_gcj02(wgs);
        let links = nav_links(gcj, Datum::Gcj02, "劳动者驿站 A&B");
        let (lng, lat) = number_after(&links.amap_walk, "to=");
        assert!(
            distance_m(LngLat::new(lng, lat), gcj) < 0.2,
            "amap is GCJ-02"
        );
        let (lat, lng) = number_after(&links.baidu_walk, "latlng:");
        let bd = gcj02_to_bd09(gcj);
        assert!(
            distance_m(LngLat::new(lng, lat), bd) < 0.2,
            "baidu is BD-09"
        );
        let (lat, lng) = number_after(&links.apple_walk, "daddr=");
        assert!(
            distance_m(LngLat::new(lng, lat), wgs) < 0.5,
            "apple is WGS-84"
        );
        let (lat, lng) = number_after(&links.geo, "geo:");
        assert!(
            distance_m(LngLat::new(lng, lat), wgs) < 0.5,
            "geo is WGS-84"
        );
        assert!(links.amap_walk.contains("mode=walk") && links.amap_ride.contains("mode=ride"));
        assert!(
            links.baidu_walk.contains("mode=walking") && links.baidu_ride.contains("mode=riding")
        );
        assert!(links.baidu_walk.contains("coord_type=bd09ll"));
        assert!(links
            .amap_walk
            .contains("%E5%8A%B3%E5%8A%A8%E8%80%85%E9%A9%BF%E7%AB%99%20A%26B"));
    }

    #[test]
    fn a_wgs84_feed_is_converted_for_amap() {
        let wgs = LngLat::new(116.377817, 39.911954);
        let links = nav_links(wgs, Datum::Wgs84, "x");
        let (lng, lat) = number_after(&links.amap_walk, "to=");
        // The published GCJ-02 value for this point (eviltransform's test vector).
        assert!((lng - 116.384047).abs() < 2e-6 && (lat - 39.913345).abs() < 2e-6);
    }

    #[test]
    fn station_ids_survive_a_path_segment() {
        for id in ["371500-0001", "50% 折扣/站", "a~b", "~", "", "x%2Fy"] {
            let seg = id_segment(id);
            assert!(
                seg.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.~".contains(&b)),
                "{seg}"
            );
            assert_eq!(id_from_segment(&seg).as_deref(), Some(id));
        }
        assert_eq!(id_segment("371500-0001"), "371500-0001");
        assert_eq!(id_from_segment("~zz"), None);
        assert_eq!(id_from_segment("a~4"), None);
    }

    #[test]
    fn query_values_are_read_as_a_browser_reads_them() {
        let q = "?near=36.4%2C115.9&lang=en&lang=zh&q=a+b%20c&bare&bad=%zz%E9";
        assert_eq!(query_value(q, "near").as_deref(), Some("36.4,115.9"));
        assert_eq!(query_value(q, "lang").as_deref(), Some("en"));
        assert_eq!(query_value(q, "q").as_deref(), Some("a b c"));
        assert_eq!(query_value(q, "bare").as_deref(), Some(""));
        assert_eq!(query_value(q, "bad").as_deref(), Some("%zz%E9"));
        assert_eq!(query_value(q, "feed"), None);
        assert_eq!(query_value("", "near"), None);
        assert_eq!(
            query_value("feed=%2Ffeed%2Fmanifest.json", "feed").as_deref(),
            Some("/feed/manifest.json")
        );
        assert_eq!(query_value("?%6Eear=1", "near").as_deref(), Some("1"));
    }

    // proptest is native only (no randomness backend on wasm32).
    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn any_query_is_read_without_panic(search in "\\PC*", key in "[a-z%+]{0,6}") {
            let _ = query_value(&search, &key);
        }

        #[test]
        fn an_encoded_value_comes_back(value in "\\PC*") {
            let search = format!("?x=1&near={}", encode(&value));
            proptest::prop_assert_eq!(query_value(&search, "near"), Some(value));
        }
    }
}
