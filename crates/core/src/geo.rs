//! Coordinates, datums and distances.
//!
//! Browsers give WGS-84; Amap and Tencent use GCJ-02; Baidu uses BD-09. Mixing them puts
//! a point 100–700 m off, so every point carries its datum in its type's name, and the
//! conversion happens at the edges.

use serde::{Deserialize, Serialize};
use std::f64::consts::PI;

/// A point in degrees. Which datum it is in is said by the variable's name or the feed.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LngLat {
    pub lng: f64,
    pub lat: f64,
}

impl LngLat {
    /// `LngLat::new(116.397, 39.909)` (longitude first, as in the feed).
    pub const fn new(lng: f64, lat: f64) -> Self {
        LngLat { lng, lat }
    }
}

/// The datum of the feed's coordinates (`manifest.datum`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Datum {
    Wgs84,
    Gcj02,
}

/// Parses `?near=LAT,LNG` (WGS-84, latitude first as people write it):
/// `parse_near("36.45,115.98") == Some(LngLat::new(115.98, 36.45))`.
pub fn parse_near(text: &str) -> Option<LngLat> {
    let text = crate::text::normalize_width(text);
    let (lat, lng) = text.split_once(',')?;
    let (lat, lng): (f64, f64) = (lat.trim().parse().ok()?, lng.trim().parse().ok()?);
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lng))
        .then(|| LngLat::new(lng, lat))
}

const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Great-circle distance in metres: `distance_m(a, a) == 0.0`.
pub fn distance_m(a: LngLat, b: LngLat) -> f64 {
    let (la1, la2) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = la2 - la1;
    let dlng = (b.lng - a.lng).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlng / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// Distance in metres from `p` to the nearest point of `bbox` = `[min_lng, min_lat,
/// max_lng, max_lat]` (0 inside): decides which region shards are near the user.
pub fn distance_to_bbox_m(p: LngLat, bbox: [f64; 4]) -> f64 {
    let nearest = LngLat::new(p.lng.clamp(bbox[0], bbox[2]), p.lat.clamp(bbox[1], bbox[3]));
    distance_m(p, nearest)
}

/// Whether a point lies in the box where GCJ-02 applies (mainland China, roughly);
/// outside it GCJ-02 equals WGS-84.
pub fn in_china(p: LngLat) -> bool {
    (72.004..=137.8347).contains(&p.lng) && (0.8293..=55.8271).contains(&p.lat)
}

// Krasovsky 1940 ellipsoid, as used by the GCJ-02 transform.
const A: f64 = 6_378_245.0;
const EE: f64 = 0.006_693_421_622_965_943;

fn transform_lat(x: f64, y: f64) -> f64 {
    let mut r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    r
}

fn transform_lng(x: f64, y: f64) -> f64 {
    let mut r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    r
}

/// WGS-84 to GCJ-02 (the standard published transform):
/// `wgs84_to_gcj02(LngLat::new(116.397, 39.909))` moves the point a few hundred metres.
pub fn wgs84_to_gcj02(p: LngLat) -> LngLat {
    if !in_china(p) {
        return p;
    }
    let dlat = transform_lat(p.lng - 105.0, p.lat - 35.0);
    let dlng = transform_lng(p.lng - 105.0, p.lat - 35.0);
    let rad = p.lat.to_radians();
    let magic = 1.0 - EE * rad.sin().powi(2);
    let sqrt_magic = magic.sqrt();
    let dlat = (dlat * 180.0) / ((A * (1.0 - EE)) / (magic * sqrt_magic) * PI);
    let dlng = (dlng * 180.0) / (A / sqrt_magic * rad.cos() * PI);
    LngLat::new(p.lng + dlng, p.lat + dlat)
}

/// GCJ-02 to WGS-84, by fixed-point iteration on the forward transform: exact to
/// millimetres, where the common one-step inverse is off by up to a couple of metres.
pub fn gcj02_to_wgs84(g: LngLat) -> LngLat {
    if !in_china(g) {
        return g;
    }
    let mut w = g;
    for _ in 0..30 {
        let f = wgs84_to_gcj02(w);
        let (dl, da) = (f.lng - g.lng, f.lat - g.lat);
        w = LngLat::new(w.lng - dl, w.lat - da);
        if dl.abs() < 1e-10 && da.abs() < 1e-10 {
            break;
        }
    }
    w
}

const X_PI: f64 = PI * 3000.0 / 180.0;

/// GCJ-02 to BD-09 (Baidu Maps): `gcj02_to_bd09(p)` for a Baidu navigation link.
pub fn gcj02_to_bd09(g: LngLat) -> LngLat {
    let (x, y) = (g.lng, g.lat);
    let z = (x * x + y * y).sqrt() + 0.00002 * (y * X_PI).sin();
    let theta = y.atan2(x) + 0.000003 * (x * X_PI).cos();
    LngLat::new(z * theta.cos() + 0.0065, z * theta.sin() + 0.006)
}

/// BD-09 to GCJ-02 (the published inverse of [`gcj02_to_bd09`], within a metre): a
/// point picked on Baidu's map, as the feed holds it. `bd09_to_gcj02(gcj02_to_bd09(g))`.
pub fn bd09_to_gcj02(b: LngLat) -> LngLat {
    let (x, y) = (b.lng - 0.0065, b.lat - 0.006);
    let z = (x * x + y * y).sqrt() - 0.00002 * (y * X_PI).sin();
    let theta = y.atan2(x) - 0.000003 * (x * X_PI).cos();
    LngLat::new(z * theta.cos(), z * theta.sin())
}

/// A point in the feed's datum, as WGS-84: `to_wgs84(p, Datum::Gcj02)`.
pub fn to_wgs84(p: LngLat, datum: Datum) -> LngLat {
    match datum {
        Datum::Wgs84 => p,
        Datum::Gcj02 => gcj02_to_wgs84(p),
    }
}

/// A point in the feed's datum, as GCJ-02: `to_gcj02(p, Datum::Wgs84)`.
pub fn to_gcj02(p: LngLat, datum: Datum) -> LngLat {
    match datum {
        Datum::Wgs84 => wgs84_to_gcj02(p),
        Datum::Gcj02 => p,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: LngLat, b: LngLat, metres: f64) -> bool {
        distance_m(a, b) <= metres
    }

    #[test]
    fn haversine_matches_known_distances() {
        // Beijing Tiananmen to Shanghai People's Square: about 1,067 km.
        let d = distance_m(
            LngLat::new(116.3975, 39.9087),
            LngLat::new(121.4737, 31.2304),
        );
        assert!((d - 1_067_000.0).abs() < 5_000.0, "{d}");
        // One degree of latitude is about 111.2 km.
        let d = distance_m(LngLat::new(116.0, 36.0), LngLat::new(116.0, 37.0));
        assert!((d - 111_195.0).abs() < 50.0, "{d}");
        assert_eq!(
            distance_m(LngLat::new(1.0, 2.0), LngLat::new(1.0, 2.0)),
            0.0
        );
    }

    // The reference implementation's own test vectors (eviltransform, go/transform_test.go):
    // (wgs lat, wgs lng, gcj lat, gcj lng), compared there to 5 decimals.
    const PUBLISHED: [(f64, f64, f64, f64); 3] = [
        (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215), // Shanghai
        (22.543847, 113.912316, 22.540796131694766, 113.9171764808363), // Shenzhen
        (39.911954, 116.377817, 39.91334545536069, 116.38404722455657), // Beijing
    ];

    #[test]
    fn gcj02_matches_published_pairs() {
        for (wlat, wlng, glat, glng) in PUBLISHED {
            let g = wgs84_to_gcj02(LngLat::new(wlng, wlat));
            assert!(
                (g.lat - glat).abs() < 1e-8 && (g.lng - glng).abs() < 1e-8,
                "{g:?}"
            );
            let w = gcj02_to_wgs84(LngLat::new(glng, glat));
            assert!(close(w, LngLat::new(wlng, wlat), 0.5), "inverse {w:?}");
        }
    }

    #[test]
    fn gcj02_shift_is_hundreds_of_metres_and_inverse_is_exact() {
        for (lng, lat) in [
            (116.39, 39.9),
            (113.26, 23.13),
            (104.06, 30.67),
            (87.6, 43.8),
        ] {
            let w = LngLat::new(lng, lat);
            let g = wgs84_to_gcj02(w);
            let shift = distance_m(w, g);
            assert!((50.0..800.0).contains(&shift), "shift {shift} m at {w:?}");
            assert!(close(gcj02_to_wgs84(g), w, 0.01), "round trip at {w:?}");
        }
    }

    #[test]
    fn near_parameter_is_lat_then_lng_and_checked() {
        assert_eq!(parse_near("36.45,115.98"), Some(LngLat::new(115.98, 36.45)));
        assert_eq!(
            parse_near(" 36.45 , 115.98 "),
            Some(LngLat::new(115.98, 36.45))
        );
        assert_eq!(parse_near("95,115"), None);
        assert_eq!(parse_near("36.45"), None);
        assert_eq!(parse_near("a,b"), None);
    }

    #[test]
    fn outside_china_nothing_moves() {
        let tokyo = LngLat::new(139.69, 35.69);
        assert_eq!(wgs84_to_gcj02(tokyo), tokyo);
        assert_eq!(gcj02_to_wgs84(tokyo), tokyo);
    }

    #[test]
    fn bd09_adds_baidus_offset_and_inverts() {
        let g = LngLat::new(116.38404722455657, 39.91334545536069);
        let b = gcj02_to_bd09(g);
        // Baidu's offset is about +0.0065 lng, +0.006 lat, give or take 0.0005.
        assert!((b.lng - g.lng - 0.0065).abs() < 0.0005, "{b:?}");
        assert!((b.lat - g.lat - 0.006).abs() < 0.0005, "{b:?}");
        // The published inverse (bd09 -> gcj02) brings it back to within a metre.
        assert!(close(bd09_to_gcj02(b), g, 1.0));
        // A Baidu-picked point read as GCJ-02 would be 0.5–1 km off: the converted one is not.
        let picked = LngLat::new(115.9919, 36.4632);
        let shift = distance_m(picked, bd09_to_gcj02(picked));
        assert!((500.0..1_000.0).contains(&shift), "{shift} m");
    }

    #[test]
    fn bbox_distance_is_zero_inside_and_grows_outside() {
        let bbox = [115.0, 36.0, 116.0, 37.0];
        assert_eq!(distance_to_bbox_m(LngLat::new(115.5, 36.5), bbox), 0.0);
        let d = distance_to_bbox_m(LngLat::new(115.5, 37.1), bbox);
        assert!((d - 11_120.0).abs() < 50.0, "{d}");
    }
}
