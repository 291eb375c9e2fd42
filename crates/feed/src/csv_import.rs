//! Reads the stations CSV: a header row, then
//! `id, region, region_name, name, address, lng, lat, services, hours, phone, host,
//! entry, entry_note, checked, updated` (columns found by name; `services` split on `|`;
//! empty cells are absent). Every bad row is reported, not just the first.

use super::Diagnostic;
use chrono::NaiveDate;
use std::collections::HashMap;
use yizhan_core::feed::Station;
use yizhan_core::hours::OpeningHours;
use yizhan_core::vocab::{Entry, Service};

/// A station with the region it belongs to.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub region: String,
    pub region_name: Option<String>,
    pub station: Station,
}

const COLUMNS: [&str; 15] = [
    "id",
    "region",
    "region_name",
    "name",
    "address",
    "lng",
    "lat",
    "services",
    "hours",
    "phone",
    "host",
    "entry",
    "entry_note",
    "checked",
    "updated",
];

/// The mainland-China box a station's coordinates must fall in (either datum).
const CHINA_BOX: [f64; 4] = [73.4, 3.8, 135.1, 53.6];

/// Parses `text` (the CSV named `file`), returning the good rows and every problem.
/// `read_stations("a.csv", "id,region,...\n...")`.
pub fn read_stations(file: &str, text: &str) -> (Vec<Row>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut rows = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            diags.push(diag(
                file,
                1,
                format!("cannot read the header row: {e}"),
                false,
            ));
            return (rows, diags);
        }
    };
    let index: HashMap<&str, usize> = headers.iter().enumerate().map(|(i, h)| (h, i)).collect();
    let missing: Vec<_> = ["id", "region", "name", "lng", "lat"]
        .into_iter()
        .filter(|c| !index.contains_key(c))
        .collect();
    if !missing.is_empty() {
        let msg = format!(
            "header lacks column(s): {} (expected {})",
            missing.join(", "),
            COLUMNS.join(",")
        );
        diags.push(diag(file, 1, msg, false));
        return (rows, diags);
    }
    let mut seen: HashMap<String, u64> = HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                diags.push(diag(file, line, format!("unreadable row: {e}"), false));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let cell = |name: &str| {
            index
                .get(name)
                .and_then(|&i| record.get(i))
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let before = diags.len();
        let mut error = |msg: String| diags.push(diag(file, line, msg, false));
        let id = cell("id");
        let region = cell("region");
        let name = cell("name");
        if id.is_none() {
            error("missing id".into());
        }
        if name.is_none() {
            error("missing name".into());
        }
        match &region {
            None => error("missing region".into()),
            Some(r) if r.len() != 6 || !r.bytes().all(|c| c.is_ascii_digit()) => {
                error(format!("region `{r}` is not a six-digit division code"))
            }
            _ => {}
        }
        if let Some(id) = &id {
            if let Some(first) = seen.get(id) {
                error(format!("duplicate id `{id}` (first on line {first})"));
            } else {
                seen.insert(id.clone(), line);
            }
        }
        let lng = number(cell("lng"));
        let lat = number(cell("lat"));
        match (lng, lat) {
            (Some(lng), Some(lat)) => {
                let [x0, y0, x1, y1] = CHINA_BOX;
                if !((x0..=x1).contains(&lng) && (y0..=y1).contains(&lat)) {
                    error(format!("coordinates {lng},{lat} are outside China"));
                }
            }
            _ => error(format!(
                "lng/lat must be numbers (got `{}`, `{}`)",
                cell("lng").unwrap_or_default(),
                cell("lat").unwrap_or_default()
            )),
        }
        let entry = cell("entry").map(|e| Entry::from_word(&e));
        if let Some(e) = entry.as_ref().filter(|e| !e.is_known()) {
            let known: Vec<&str> = Entry::KNOWN.iter().map(Entry::word).collect();
            error(format!("unknown entry `{e}` (use {})", known.join(", ")));
        }
        let hours = cell("hours");
        if let Some(h) = &hours {
            if let Err(e) = OpeningHours::parse(h) {
                diags.push(diag(
                    file,
                    line,
                    format!("hours `{h}` outside the feed subset: {e}"),
                    true,
                ));
            }
        }
        let services: Vec<Service> = cell("services")
            .map(|s| {
                s.split('|')
                    .map(str::trim)
                    .filter(|w| !w.is_empty())
                    .map(Service::from_word)
                    .collect()
            })
            .unwrap_or_default();
        for word in &services {
            if !word.is_known() {
                diags.push(diag(
                    file,
                    line,
                    format!("unknown service word `{word}`"),
                    true,
                ));
            }
        }
        for col in ["checked", "updated"] {
            if let Some(d) = cell(col) {
                if NaiveDate::parse_from_str(&d, "%Y-%m-%d").is_err() {
                    diags.push(diag(
                        file,
                        line,
                        format!("{col} `{d}` is not YYYY-MM-DD"),
                        true,
                    ));
                }
            }
        }
        let row_has_errors = diags[before..].iter().any(|d| !d.warning);
        if row_has_errors {
            continue;
        }
        let (Some(id), Some(region), Some(name), Some(lng), Some(lat)) =
            (id, region, name, lng, lat)
        else {
            continue;
        };
        rows.push(Row {
            region,
            region_name: cell("region_name"),
            station: Station {
                id,
                name,
                address: cell("address"),
                lng,
                lat,
                services,
                hours,
                phone: cell("phone"),
                host: cell("host"),
                entry,
                entry_note: cell("entry_note"),
                checked: cell("checked"),
                updated: cell("updated"),
            },
        });
    }
    (rows, diags)
}

fn number(cell: Option<String>) -> Option<f64> {
    cell.and_then(|c| c.parse::<f64>().ok())
        .filter(|v| v.is_finite())
}

fn diag(file: &str, line: u64, message: String, warning: bool) -> Diagnostic {
    Diagnostic {
        file: file.to_string(),
        line,
        message,
        warning,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "id,region,region_name,name,address,lng,lat,services,hours,phone,host,entry,entry_note,checked,updated\n";

    #[test]
    fn reads_good_rows_with_quoted_commas_and_empty_cells() {
        let csv = format!(
            "{HEADER}371500-0001,371500,聊城市,黄山路劳动者驿站,\"东昌府区黄山路12号, 一楼\",115.9854,36.4570,water|microwave,\"Mo-Fr 07:00-21:00; PH off\",0635-8123456,中国银行,open,,2026-10-01,2026-10-02\n"
        );
        let (rows, diags) = read_stations("s.csv", &csv);
        assert!(diags.is_empty(), "{diags:?}");
        let s = &rows[0].station;
        assert_eq!(s.address.as_deref(), Some("东昌府区黄山路12号, 一楼"));
        assert_eq!(s.services, [Service::Water, Service::Microwave]);
        assert_eq!(s.entry_note, None);
        assert_eq!(rows[0].region_name.as_deref(), Some("聊城市"));
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line() {
        let csv = format!(
            "{HEADER}\
a,371500,,,addr,115.9,36.4,,,,,,,,\n\
b,371500,,B,,abc,36.4,,,,,,,,\n\
c,371500,,C,,2.35,48.85,,,,,,,,\n\
a,371500,,A2,,115.9,36.4,,,,,,,,\n\
d,,,D,,115.9,36.4,,,,,,,,\n\
e,371500,,E,,115.9,36.4,,,,,vip,,,\n\
f,371500,,F,,115.9,36.4,water|jacuzzi,sunrise-sunset,,,,,,\n\
,371500,,G,,115.9,36.4,,,,,,,,\n"
        );
        let (rows, diags) = read_stations("s.csv", &csv);
        let text: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
        let expect = [
            "s.csv:2: missing name",
            "s.csv:3: lng/lat must be numbers (got `abc`, `36.4`)",
            "s.csv:4: coordinates 2.35,48.85 are outside China",
            "s.csv:5: duplicate id `a` (first on line 2)",
            "s.csv:6: missing region",
            "s.csv:7: unknown entry `vip` (use open, outdoor_workers, members)",
            "s.csv:8: warning: hours `sunrise-sunset` outside the feed subset: no times in rule `sunrise-sunset`",
            "s.csv:8: warning: unknown service word `jacuzzi`",
            "s.csv:9: missing id",
        ];
        for e in expect {
            assert!(text.iter().any(|t| t == e), "missing `{e}` in {text:#?}");
        }
        assert_eq!(diags.len(), expect.len(), "{text:#?}");
        // Only the warned row (f) is kept; errored rows are not.
        assert_eq!(
            rows.iter()
                .map(|r| r.station.id.as_str())
                .collect::<Vec<_>>(),
            ["f"]
        );
    }

    #[test]
    fn a_header_without_required_columns_is_one_clear_error() {
        let (rows, diags) = read_stations("s.csv", "name,lat\nx,1\n");
        assert!(rows.is_empty());
        assert_eq!(diags.len(), 1);
        assert!(diags[0]
            .to_string()
            .starts_with("s.csv:1: header lacks column(s): id, region, lng"));
    }
}
