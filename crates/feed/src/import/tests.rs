use super::*;
use yizhan_core::geo::{distance_m, LngLat};
use yizhan_core::vocab::Service;

const HEADER: &str = "id,region,region_name,name,address,lng,lat,services,hours,phone,host,entry,entry_note,checked,updated\n";

fn import(text: &str, datum: SheetDatum) -> Imported {
    import_stations("s.csv", text.as_bytes(), &ImportOptions::new(datum))
}

fn messages(got: &Imported) -> Vec<String> {
    got.diags.iter().map(|d| d.to_string()).collect()
}

#[test]
fn reads_good_rows_with_quoted_commas_and_empty_cells() {
    let csv = format!(
        "{HEADER}371500-0001,371500,聊城市,黄山路劳动者驿站,\"东昌府区黄山路12号, 一楼\",115.9854,36.4570,water|microwave,\"Mo-Fr 07:00-21:00; PH off\",0635-8123456,中国银行,open,,2026-10-01,2026-10-02\n"
    );
    let got = import(&csv, SheetDatum::Gcj02);
    assert!(got.diags.is_empty(), "{:?}", got.diags);
    let s = &got.rows[0].station;
    assert_eq!(s.address.as_deref(), Some("东昌府区黄山路12号, 一楼"));
    assert_eq!(s.services, [Service::Water, Service::Microwave]);
    assert_eq!(s.hours.as_deref(), Some("Mo-Fr 07:00-21:00; PH off"));
    assert_eq!(s.entry_note, None);
    assert_eq!(got.rows[0].region_name.as_deref(), Some("聊城市"));
    assert!(got.derived_ids.is_empty());
}

#[test]
fn every_bad_row_is_reported_with_its_row() {
    let csv = format!(
        "{HEADER}\
a,371500,,,addr,115.9,36.4,,,,,,,,\n\
b,371500,,B,,abc,36.4,,,,,,,,\n\
c,371500,,C,,2.35,48.85,,,,,,,,\n\
a,371500,,A2,,115.9,36.4,,,,,,,,\n\
d,3715,,D,,115.9,36.4,,,,,,,,\n\
e,371500,,E,,115.9,36.4,,,,,vip,,,\n\
f,371500,,F,,115.9,36.4,water|jacuzzi,sunrise-sunset,,,,,,\n\
g,371500,,G,,36.4,115.9,,,,,,,,\n\
h,371500,,H,,116.4,39.9,,,,,,,,\n"
    );
    let got = import(&csv, SheetDatum::Gcj02);
    let text = messages(&got);
    let expect = [
        "s.csv:2: no station name (站点名称)",
        "s.csv:3: 经度/纬度 must be numbers in degrees, like 115.9854 and 36.4570 (got `abc`, `36.4`)",
        "s.csv:4: the point 2.35,48.85 is not in China",
        "s.csv:5: station id `a` is already on row 2 (two rows for one station?)",
        "s.csv:6: division code `3715` is not six digits (e.g. 371502 for 东昌府区)",
        "s.csv:7: 开放对象 `vip` is not one of 所有人 (open), 户外劳动者 (outdoor_workers), 工会会员 (members)",
        "s.csv:8: warning: hours `sunrise-sunset` not read exactly (does not know `sunrise-sunset`): published as written, shown with 以现场为准",
        "s.csv:8: warning: service `jacuzzi` is not a known service: shown as written",
        "s.csv:9: 经度 36.4 and 纬度 115.9 look swapped (in China the 经度 is 73–135 and the 纬度 3–54): swap the two cells",
        "s.csv:10: the point 116.4,39.9 is outside the province of division code 371500: check the 经度/纬度 or the code",
    ];
    for e in expect {
        assert!(text.iter().any(|t| t == e), "missing `{e}` in {text:#?}");
    }
    assert_eq!(got.diags.len(), expect.len(), "{text:#?}");
    // Only the warned row (f) is kept, its hours as the union wrote them.
    assert_eq!(got.rows.len(), 1);
    let f = &got.rows[0].station;
    assert_eq!((f.id.as_str(), f.hours.as_deref()), ("f", None));
    assert_eq!(f.hours_text.as_deref(), Some("sunrise-sunset"));
}

#[test]
fn a_header_without_required_columns_is_one_clear_error() {
    let got = import("name,lat\nx,1\n", SheetDatum::Gcj02);
    assert!(got.rows.is_empty());
    assert_eq!(messages(&got), ["s.csv:1: no column for lng, region (headers such as 站点名称, 经度, 纬度, 行政区划代码 are recognised; name others in a mapping file, or give --region for a sheet of one county)"]);
}

const COUNTY: &str = "序号,站点名称,详细地址,经度（百度）,纬度（百度）,开放时间,服务内容,联系电话,负责人,所属区县,行政区划代码\n\
1,古楼街道爱心驿站,东昌府区古楼街道柳园路8号,115.9919,36.4632,周一至周五 8：00—18：00，节假日休息,饮水、热饭、手机充电、卫生间,0635-8211001,王芳,东昌府区,371502\n\
2,新区环卫驿站,东昌府区新区街道,115.9794,36.4412,夏季6:00-19:00，冬季7:00-18:00,饮水|休息|打气筒,0635-8211002,李强,东昌府区,371502\n";

#[test]
fn a_county_sheet_in_gb18030_with_baidu_points_is_read_and_converted() {
    let (gbk, _, _) = encoding_rs::GB18030.encode(COUNTY);
    let options = ImportOptions::new(SheetDatum::Bd09);
    let got = import_stations("县.csv", &gbk, &options);
    assert_eq!(
        messages(&got),
        ["县.csv:3: warning: hours `夏季6:00-19:00，冬季7:00-18:00` not read exactly (does not know `夏季`): published as written, shown with 以现场为准"]
    );
    assert_eq!(got.unused_headers, ["序号"]);
    let s = &got.rows[0].station;
    assert_eq!(s.hours.as_deref(), Some("Mo-Fr 08:00-18:00; PH off"));
    assert_eq!(
        s.services,
        [
            Service::Water,
            Service::Microwave,
            Service::Charging,
            Service::Toilet
        ]
    );
    assert_eq!(
        got.rows[1].station.services,
        [Service::Water, Service::Rest, Service::Pump]
    );
    // Converted from BD-09: some 0.5–1 km from where Baidu's numbers would put it.
    let moved = distance_m(LngLat::new(115.9919, 36.4632), s.position());
    assert!((500.0..1000.0).contains(&moved), "{moved}");
    // No 站点编号: ids derived, the same at every import, handed back for the sheet.
    assert!(s.id.starts_with("371502-") && s.id.len() == 15, "{}", s.id);
    let again = import_stations("县.csv", &gbk, &options);
    assert_eq!(again.rows[0].station.id, s.id);
    assert_eq!(
        got.derived_ids[0],
        (2, s.id.clone(), "古楼街道爱心驿站".to_string())
    );
    // The person in charge is recognised and never published.
    assert!(!format!("{:?}", got.rows).contains("王芳"));
}

#[test]
fn baidu_headers_with_another_datum_stop_the_import() {
    let got = import(COUNTY, SheetDatum::Gcj02);
    assert!(got.rows.is_empty());
    assert!(messages(&got)[0].starts_with("s.csv:1: the column `经度（百度）` says its points are Baidu's (BD-09), but --datum is gcj02"), "{:?}", messages(&got));
}

#[test]
fn a_point_far_from_its_region_s_others_is_a_warning() {
    let mut csv = "站点编号,站点名称,经度,纬度,行政区划代码\n".to_string();
    for (i, (lng, lat)) in [
        (115.98, 36.45),
        (115.99, 36.46),
        (116.0, 36.44),
        (115.97, 36.47),
        (121.4, 37.5),
    ]
    .iter()
    .enumerate()
    {
        csv.push_str(&format!("LC-{i},驿站{i},{lng},{lat},371502\n"));
    }
    let got = import(&csv, SheetDatum::Gcj02);
    let text = messages(&got);
    assert_eq!(text.len(), 1, "{text:?}");
    assert!(
        text[0].starts_with("s.csv:6: warning: station `LC-4` is 4"),
        "{text:?}"
    );
    assert_eq!(got.rows.len(), 5);
}

#[test]
fn a_sheet_of_one_county_takes_its_region_from_the_command_line() {
    let csv = "站点编号,站点名称,经度,纬度,开放对象,更新日期\nLC-0002,柳园驿站,115.98,36.45,户外劳动者,2026年10月1日\n";
    let mut options = ImportOptions::new(SheetDatum::Gcj02);
    options.region = Some("371502".into());
    let got = import_stations("s.csv", csv.as_bytes(), &options);
    assert!(got.diags.is_empty(), "{:?}", got.diags);
    assert_eq!(got.rows[0].region, "371502");
    assert_eq!(got.rows[0].station.entry, Some(Entry::OutdoorWorkers));
    assert_eq!(got.rows[0].station.updated.as_deref(), Some("2026-10-01"));
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_bytes_as_a_csv_or_a_workbook(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            for file in ["s.csv", "s.xlsx", "s.ods", "s.xls"] {
                let got = import_stations(file, &bytes, &ImportOptions::new(SheetDatum::Bd09));
                // Whatever it is, a row kept has a name and a point in China.
                for r in &got.rows {
                    prop_assert!(!r.station.name.is_empty());
                }
            }
        }

        #[test]
        fn any_cells_under_a_chinese_header(cells in proptest::collection::vec("[0-9.,，:：一-龥a-z \\-—|、]{0,12}", 6..30)) {
            let mut text = "站点名称,经度,纬度,开放时间,服务内容,行政区划代码\n".to_string();
            for row in cells.chunks(6) {
                text.push_str(&row.iter().map(|c| format!("\"{}\"", c.replace('"', ""))).collect::<Vec<_>>().join(","));
                text.push('\n');
            }
            let got = import_stations("s.csv", text.as_bytes(), &ImportOptions::new(SheetDatum::Gcj02));
            for r in &got.rows {
                if let Some(h) = &r.station.hours {
                    prop_assert!(OpeningHours::parse(h).is_ok(), "{h}");
                }
            }
        }

        #[test]
        fn any_text_as_hours_or_services(text in "\\PC{0,40}") {
            if let Ok(h) = hours_zh::hours_from_chinese(&text) {
                prop_assert!(OpeningHours::parse(&h).is_ok());
            }
            let _ = services_zh::services_from_cell(&text);
        }

        #[test]
        fn hours_built_from_the_words_it_knows(parts in proptest::collection::vec(prop_oneof![
            Just("周一"), Just("至"), Just("周五"), Just("每天"), Just("节假日"), Just("休息"),
            Just("上午"), Just("下午"), Just("8:00"), Just("12点"), Just("6点半"), Just("-"),
            Just("—"), Just("，"), Just("、"), Just("全天"), Just("24小时"), Just("次日"),
            Just("照常开放"), Just("及"), Just("周末"), Just("工作日"), Just("18：30"),
        ], 0..12)) {
            let text: String = parts.concat();
            if let Ok(h) = hours_zh::hours_from_chinese(&text) {
                prop_assert!(OpeningHours::parse(&h).is_ok(), "{text} -> {h}");
            }
        }
    }
}
