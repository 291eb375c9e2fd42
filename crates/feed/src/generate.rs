//! Realistic synthetic stations for samples and benchmarks: real city names, division
//! codes and area codes; Chinese station names, hosts and addresses; service mixes and
//! hours in the proportions the brief reports (about 6.5% open 24 h, about 1% with
//! battery swap, about 1.3% with cheap meals). Deterministic for a given seed.

use std::fmt::Write;
use yizhan_core::vocab::Service;

/// `(division code, name, centre lng, centre lat, telephone area code, weight)`.
/// Centres are WGS-84, rounded; weight is the city's share of stations.
pub const CITIES: [(&str, &str, f64, f64, &str, u32); 48] = [
    ("110000", "北京市", 116.40, 39.90, "010", 40),
    ("310000", "上海市", 121.47, 31.23, "021", 40),
    ("440100", "广州市", 113.26, 23.13, "020", 32),
    ("440300", "深圳市", 114.06, 22.54, "0755", 32),
    ("500000", "重庆市", 106.55, 29.56, "023", 30),
    ("510100", "成都市", 104.07, 30.57, "028", 30),
    ("120000", "天津市", 117.20, 39.13, "022", 24),
    ("420100", "武汉市", 114.31, 30.59, "027", 24),
    ("330100", "杭州市", 120.16, 30.27, "0571", 24),
    ("610100", "西安市", 108.94, 34.34, "029", 22),
    ("320100", "南京市", 118.80, 32.06, "025", 20),
    ("410100", "郑州市", 113.63, 34.75, "0371", 20),
    ("430100", "长沙市", 112.94, 28.23, "0731", 18),
    ("320500", "苏州市", 120.59, 31.30, "0512", 18),
    ("441900", "东莞市", 113.75, 23.02, "0769", 16),
    ("440600", "佛山市", 113.12, 23.02, "0757", 16),
    ("370100", "济南市", 117.00, 36.67, "0531", 16),
    ("370200", "青岛市", 120.38, 36.07, "0532", 16),
    ("130100", "石家庄市", 114.51, 38.04, "0311", 14),
    ("210100", "沈阳市", 123.43, 41.80, "024", 14),
    ("230100", "哈尔滨市", 126.63, 45.75, "0451", 14),
    ("340100", "合肥市", 117.23, 31.82, "0551", 14),
    ("330200", "宁波市", 121.55, 29.87, "0574", 14),
    ("220100", "长春市", 125.32, 43.82, "0431", 12),
    ("350100", "福州市", 119.30, 26.08, "0591", 12),
    ("360100", "南昌市", 115.86, 28.68, "0791", 12),
    ("530100", "昆明市", 102.83, 24.88, "0871", 12),
    ("450100", "南宁市", 108.37, 22.82, "0771", 12),
    ("140100", "太原市", 112.55, 37.87, "0351", 12),
    ("320200", "无锡市", 120.31, 31.49, "0510", 12),
    ("350200", "厦门市", 118.09, 24.48, "0592", 10),
    ("520100", "贵阳市", 106.63, 26.65, "0851", 10),
    ("130200", "唐山市", 118.18, 39.63, "0315", 10),
    ("370600", "烟台市", 121.45, 37.46, "0535", 10),
    ("371300", "临沂市", 118.36, 35.10, "0539", 10),
    ("410300", "洛阳市", 112.45, 34.62, "0379", 8),
    ("620100", "兰州市", 103.83, 36.06, "0931", 8),
    ("650100", "乌鲁木齐市", 87.62, 43.83, "0991", 8),
    ("150100", "呼和浩特市", 111.75, 40.84, "0471", 8),
    ("370300", "淄博市", 118.05, 36.81, "0533", 8),
    ("371500", "聊城市", 115.99, 36.46, "0635", 8),
    ("140200", "大同市", 113.30, 40.08, "0352", 6),
    ("140400", "长治市", 113.12, 36.20, "0355", 6),
    ("140500", "晋城市", 112.85, 35.49, "0356", 5),
    ("140800", "运城市", 111.00, 35.03, "0359", 6),
    ("460100", "海口市", 110.20, 20.04, "0898", 6),
    ("640100", "银川市", 106.23, 38.49, "0951", 6),
    ("630100", "西宁市", 101.78, 36.62, "0971", 5),
];

const ROADS: [&str; 32] = [
    "人民路",
    "解放路",
    "中山路",
    "建设路",
    "黄河路",
    "长江路",
    "文化路",
    "和平路",
    "新华路",
    "胜利路",
    "东风路",
    "光明路",
    "幸福路",
    "朝阳路",
    "振兴路",
    "青年路",
    "工业路",
    "府前街",
    "北京路",
    "学府路",
    "团结路",
    "滨河路",
    "花园路",
    "迎宾大道",
    "健康路",
    "红旗路",
    "育才路",
    "民主路",
    "兴华街",
    "金融街",
    "科技大道",
    "环城路",
];
const KINDS: [&str; 6] = [
    "爱心驿站",
    "劳动者港湾",
    "工会驿站",
    "户外劳动者服务站",
    "暖心驿站",
    "职工之家",
];
const HOSTS: [&str; 10] = [
    "中国银行{road}支行",
    "中国工商银行{road}支行",
    "中国建设银行{road}支行",
    "{road}环卫所",
    "{road}社区服务中心",
    "中国石化{road}加油站",
    "中国邮政{road}营业所",
    "国家电网{road}营业厅",
    "{road}便民超市",
    "{road}街道党群服务中心",
];
/// `(service, chance in a thousand)`.
const SERVICE_MIX: [(Service, u32); 16] = [
    (Service::Water, 970),
    (Service::Rest, 930),
    (Service::Charging, 760),
    (Service::Microwave, 700),
    (Service::Ac, 650),
    (Service::Toilet, 600),
    (Service::FirstAid, 550),
    (Service::Wifi, 500),
    (Service::Umbrella, 400),
    (Service::Pump, 300),
    (Service::Books, 250),
    (Service::Accessible, 200),
    (Service::Fridge, 150),
    (Service::Shower, 50),
    (Service::Meals, 13),
    (Service::BatterySwap, 11),
];
/// `(hours, chance in a thousand)`: 24 h, bank and office hours with weekend rules,
/// split shifts, overnight, extended hours, and a little free text nobody can parse.
const HOURS_MIX: [(&str, u32); 10] = [
    ("24/7", 65),
    ("Mo-Fr 09:00-17:00; Sa,Su 10:00-16:00; PH off", 200),
    ("Mo-Fr 07:00-21:00; Sa,Su 09:00-18:00; PH off", 180),
    ("Mo-Su 06:00-22:00", 180),
    ("Mo-Su 08:00-20:00", 150),
    ("Mo-Su 05:00-09:00,11:00-14:00,17:00-20:00", 70),
    ("Mo-Sa 07:00-19:00; Su off", 60),
    ("Mo-Su 20:00-08:00", 40),
    ("Mo-Fr 08:30-12:00,14:00-18:00; Sa 09:00-12:00", 45),
    ("以现场公示为准", 10),
];

/// A small deterministic generator (SplitMix64), so a seed gives the same file anywhere.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn gaussian(&mut self) -> f64 {
        let (u, v) = (self.unit().max(1e-12), self.unit());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// Writes `n` stations as the stations CSV, spread over `cities` (division codes; all
/// of [`CITIES`] when empty) by their weights: `generate_csv(3000, 42, &[])`.
/// Coordinates are GCJ-02 (`--datum gcj02`), as Chinese map data is.
pub fn generate_csv(n: usize, seed: u64, cities: &[String]) -> Result<String, String> {
    let chosen: Vec<_> = CITIES
        .iter()
        .filter(|c| cities.is_empty() || cities.iter().any(|x| x == c.0))
        .collect();
    if chosen.is_empty() {
        return Err(format!("no known city among {cities:?}"));
    }
    let total_weight: u32 = chosen.iter().map(|c| c.5).sum();
    let mut rng = Rng(seed);
    let mut out = String::with_capacity(n * 260);
    out.push_str("id,region,region_name,name,address,lng,lat,services,hours,phone,host,entry,entry_note,checked,updated\n");
    let mut assigned = 0usize;
    for (ci, &&(code, city, lng0, lat0, area, weight)) in chosen.iter().enumerate() {
        let count = if ci + 1 == chosen.len() {
            n - assigned
        } else {
            n * weight as usize / total_weight as usize
        };
        assigned += count;
        for i in 0..count {
            let road = *rng.pick(&ROADS);
            let kind = *rng.pick(&KINDS);
            // Dense centre, thinner suburbs: a Gaussian of about 7 km.
            let (dx, dy) = (rng.gaussian() * 7.0, rng.gaussian() * 7.0);
            let wgs_lat = lat0 + dy / 111.2;
            let wgs_lng = lng0 + dx / (111.2 * lat0.to_radians().cos());
            let g =
                yizhan_core::geo::wgs84_to_gcj02(yizhan_core::geo::LngLat::new(wgs_lng, wgs_lat));
            let services: Vec<&str> = SERVICE_MIX
                .iter()
                .filter(|(_, p)| rng.below(1000) < u64::from(*p))
                .map(|(s, _)| s.word())
                .collect();
            let mut roll = rng.below(1000) as u32;
            let hours = HOURS_MIX
                .iter()
                .find(|(_, p)| {
                    let hit = roll < *p;
                    roll = roll.saturating_sub(*p);
                    hit
                })
                .map_or("Mo-Su 08:00-20:00", |(h, _)| *h);
            let (entry, note) = match rng.below(10) {
                0 => ("members", "出示电子会员证"),
                1..=3 => (
                    "outdoor_workers",
                    if rng.below(2) == 0 {
                        "扫码进门"
                    } else {
                        ""
                    },
                ),
                _ => ("open", ""),
            };
            let host = rng.pick(&HOSTS).replace("{road}", road);
            let number = 1 + rng.below(300);
            let phone = format!("{area}-{}", 10_000_000 + rng.below(89_999_999));
            let checked_month = 1 + rng.below(11);
            let _ = writeln!(
                out,
                "{code}-{:05},{code},{city},{road}{kind},\"{city}{road}{number}号\",{:.6},{:.6},{},\"{hours}\",{phone},{host},{entry},{note},2026-{checked_month:02}-{:02},2026-{checked_month:02}-{:02}",
                i + 1,
                g.lng,
                g.lat,
                services.join("|"),
                1 + rng.below(28),
                1 + rng.below(28),
            );
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{import_stations, ImportOptions, Row, SheetDatum};

    #[test]
    fn generated_rows_read_back_without_errors_and_in_realistic_proportions() {
        let csv = generate_csv(4000, 7, &[]).unwrap();
        let got = import_stations(
            "gen.csv",
            csv.as_bytes(),
            &ImportOptions::new(SheetDatum::Gcj02),
        );
        let (rows, diags) = (got.rows, got.diags);
        let errors: Vec<_> = diags.iter().filter(|d| !d.warning).collect();
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(rows.len(), 4000);
        let cities: std::collections::BTreeSet<_> =
            rows.iter().map(|r| r.region.as_str()).collect();
        assert!(
            cities.len() >= 40,
            "spread over many cities: {}",
            cities.len()
        );
        let share = |f: &dyn Fn(&Row) -> bool| {
            rows.iter().filter(|r| f(r)).count() as f64 / rows.len() as f64
        };
        let always = share(&|r| r.station.hours.as_deref() == Some("24/7"));
        assert!((0.04..0.09).contains(&always), "24 h share {always}");
        let swap = share(&|r| {
            r.station
                .services
                .contains(&yizhan_core::vocab::Service::BatterySwap)
        });
        assert!((0.003..0.025).contains(&swap), "battery swap share {swap}");
        // The unparsable free-text hours come back as warnings, as they should.
        assert!(diags.iter().all(|d| d.warning));
    }

    #[test]
    fn the_same_seed_gives_the_same_file_and_cities_can_be_chosen() {
        assert_eq!(
            generate_csv(50, 1, &[]).unwrap(),
            generate_csv(50, 1, &[]).unwrap()
        );
        assert_ne!(
            generate_csv(50, 1, &[]).unwrap(),
            generate_csv(50, 2, &[]).unwrap()
        );
        let only = generate_csv(30, 1, &["371500".into()]).unwrap();
        assert!(only.lines().skip(1).all(|l| l.starts_with("371500-")));
        assert!(generate_csv(1, 1, &["999999".into()]).is_err());
    }

    #[test]
    fn every_service_word_is_generated() {
        for service in Service::KNOWN {
            assert!(
                SERVICE_MIX.iter().any(|(s, _)| s == service),
                "{service} missing from SERVICE_MIX"
            );
        }
    }
}
