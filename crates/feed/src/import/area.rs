//! Where a region's stations can be: the box of the province its division code
//! starts with (GB/T 2260's first two digits), a little wider than the province, so
//! that a point typed into the wrong place (another province, the sea, lng and lat
//! swapped) is caught while the datum's few hundred metres never matter; and a row's
//! point read, converted from Baidu's datum, and checked against its region's others.

use super::{Imported, SheetDatum};
use crate::Diagnostic;
use std::collections::HashMap;
use yizhan_core::geo::{bd09_to_gcj02, distance_m, LngLat};

/// `[min_lng, min_lat, max_lng, max_lat]` of each province-level division.
const PROVINCES: &[(&str, [f64; 4])] = &[
    ("11", [115.4, 39.4, 117.6, 41.1]), // 北京
    ("12", [116.7, 38.5, 118.1, 40.3]), // 天津
    ("13", [113.4, 36.0, 119.9, 42.7]), // 河北
    ("14", [110.2, 34.5, 114.6, 40.8]), // 山西
    ("15", [97.1, 37.4, 126.1, 53.4]),  // 内蒙古
    ("21", [118.8, 38.7, 125.8, 43.5]), // 辽宁
    ("22", [121.6, 40.8, 131.4, 46.3]), // 吉林
    ("23", [121.1, 43.4, 135.1, 53.6]), // 黑龙江
    ("31", [120.8, 30.6, 122.2, 31.9]), // 上海
    ("32", [116.3, 30.7, 121.9, 35.2]), // 江苏
    ("33", [118.0, 27.0, 123.0, 31.2]), // 浙江
    ("34", [114.8, 29.4, 119.7, 34.7]), // 安徽
    ("35", [115.8, 23.5, 120.8, 28.4]), // 福建
    ("36", [113.5, 24.4, 118.5, 30.1]), // 江西
    ("37", [114.8, 34.4, 122.7, 38.4]), // 山东
    ("41", [110.3, 31.4, 116.7, 36.4]), // 河南
    ("42", [108.3, 29.0, 116.2, 33.3]), // 湖北
    ("43", [108.7, 24.6, 114.3, 30.2]), // 湖南
    ("44", [109.6, 20.1, 117.4, 25.6]), // 广东
    ("45", [104.4, 20.9, 112.1, 26.4]), // 广西
    ("46", [108.3, 3.8, 118.0, 20.2]),  // 海南 (南海诸岛 included)
    ("50", [105.2, 28.1, 110.2, 32.2]), // 重庆
    ("51", [97.3, 26.0, 108.6, 34.4]),  // 四川
    ("52", [103.6, 24.6, 109.6, 29.3]), // 贵州
    ("53", [97.5, 21.1, 106.2, 29.3]),  // 云南
    ("54", [78.3, 26.8, 99.2, 36.5]),   // 西藏
    ("61", [105.4, 31.7, 111.3, 39.6]), // 陕西
    ("62", [92.1, 32.5, 108.8, 42.8]),  // 甘肃
    ("63", [89.4, 31.6, 103.1, 39.2]),  // 青海
    ("64", [104.2, 35.2, 107.7, 39.4]), // 宁夏
    ("65", [73.4, 34.3, 96.4, 49.2]),   // 新疆
    ("71", [119.3, 21.8, 122.1, 25.4]), // 台湾
    ("81", [113.8, 22.1, 114.5, 22.6]), // 香港
    ("82", [113.5, 22.1, 113.7, 22.3]), // 澳门
];

/// How much wider than the province the box is, in degrees (about 30 km).
const MARGIN: f64 = 0.3;

/// Whether `(lng, lat)` can be in region `code`: `None` when the code's province is
/// not known (nothing to say), else `Some(inside)`.
pub fn in_region(code: &str, lng: f64, lat: f64) -> Option<bool> {
    let [x0, y0, x1, y1] = PROVINCES.iter().find(|(p, _)| code.starts_with(p))?.1;
    Some((x0 - MARGIN..=x1 + MARGIN).contains(&lng) && (y0 - MARGIN..=y1 + MARGIN).contains(&lat))
}

/// The mainland-China box a station's coordinates must fall in (any datum).
pub const CHINA_BOX: [f64; 4] = [73.4, 3.8, 135.1, 53.6];

/// Whether a point is in China's box: `in_china(115.98, 36.45)`.
pub fn in_china(lng: f64, lat: f64) -> bool {
    let [x0, y0, x1, y1] = CHINA_BOX;
    (x0..=x1).contains(&lng) && (y0..=y1).contains(&lat)
}

/// How far from the median of its region's other stations a point is worth a
/// warning (a county is some 50 km across, a prefecture a few hundred).
const FAR_M: f64 = 150_000.0;

/// The point of a row, in the feed's datum (BD-09 converted to GCJ-02), or why not.
pub(super) fn coordinates(
    lng: Option<String>,
    lat: Option<String>,
    region: Option<&str>,
    datum: SheetDatum,
) -> Result<LngLat, String> {
    let number = |c: &Option<String>| {
        c.as_deref()
            .map(|t| {
                yizhan_core::text::normalize_width(t)
                    .trim()
                    .trim_end_matches('°')
                    .to_string()
            })
            .and_then(|t| t.parse::<f64>().ok())
            .filter(|v| v.is_finite())
    };
    let (Some(x), Some(y)) = (number(&lng), number(&lat)) else {
        return Err(format!(
            "经度/纬度 must be numbers in degrees, like 115.9854 and 36.4570 (got `{}`, `{}`)",
            lng.unwrap_or_default(),
            lat.unwrap_or_default()
        ));
    };
    if !in_china(x, y) {
        if in_china(y, x) {
            return Err(format!(
                "经度 {x} and 纬度 {y} look swapped (in China the 经度 is 73–135 and the 纬度 \
                 3–54): swap the two cells"
            ));
        }
        return Err(format!("the point {x},{y} is not in China"));
    }
    if let Some(region) = region {
        if in_region(region, x, y) == Some(false) {
            return Err(format!(
                "the point {x},{y} is outside the province of division code {region}: \
                 check the 经度/纬度 or the code"
            ));
        }
    }
    let p = LngLat::new(x, y);
    Ok(match datum {
        SheetDatum::Bd09 => bd09_to_gcj02(p),
        _ => p,
    })
}

/// Warns of a row far from the median point of its region's other rows (a typo in a
/// digit that stays in the province), where the region has enough rows to say.
pub(super) fn far_from_the_others(file: &str, out: &mut Imported, row_of: &HashMap<String, u64>) {
    let mut by_region: HashMap<&str, Vec<&super::Row>> = HashMap::new();
    for r in &out.rows {
        by_region.entry(r.region.as_str()).or_default().push(r);
    }
    let mut warnings = Vec::new();
    for rows in by_region.values().filter(|r| r.len() >= 4) {
        let median = |f: fn(&super::Row) -> f64| {
            let mut v: Vec<f64> = rows.iter().map(|r| f(r)).collect();
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        let centre = LngLat::new(median(|r| r.station.lng), median(|r| r.station.lat));
        for r in rows {
            let d = distance_m(centre, r.station.position());
            if d > FAR_M {
                warnings.push((r.station.id.clone(), d));
            }
        }
    }
    for (id, d) in warnings {
        out.diags.push(Diagnostic {
            file: file.into(),
            line: row_of.get(&id).copied().unwrap_or(0),
            message: format!(
                "station `{id}` is {:.0} km from its region's other stations: check its 经度/纬度",
                d / 1000.0
            ),
            warning: true,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_is_checked_against_its_province() {
        assert_eq!(in_region("371502", 115.98, 36.45), Some(true)); // 聊城
        assert_eq!(in_region("371502", 116.40, 39.90), Some(false)); // 北京
        assert_eq!(in_region("990000", 116.40, 39.90), None);
        // Every province's box lies in China's.
        for (code, [x0, y0, x1, y1]) in PROVINCES {
            assert!(in_china(*x0, *y0) && in_china(*x1, *y1), "{code}");
        }
    }
}
