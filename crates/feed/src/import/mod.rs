//! Reads a union's station sheet (docs/FEED.md "The station sheet") into stations:
//! the file as rows of text (`sheet`), the header by name (`columns`), then each row
//! checked here. Hours and services written in Chinese are read by `hours_zh` and
//! `services_zh`; a point is checked against its province (`area`). Every problem is
//! reported as `FILE:ROW: reason`, not just the first; the caller writes nothing when
//! any is an error.

pub mod area;
pub mod columns;
pub mod hours_zh;
pub mod services_zh;
pub mod sheet;

use crate::Diagnostic;
use columns::DatumHint;
use std::collections::HashMap;
use yizhan_core::feed::Station;
use yizhan_core::hours::OpeningHours;
use yizhan_core::vocab::Entry;

/// A station with the region it belongs to.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub region: String,
    pub region_name: Option<String>,
    pub station: Station,
}

/// The datum the sheet's coordinates were picked in (`--datum`). The feed holds
/// GCJ-02 or WGS-84; Baidu's BD-09 is converted to GCJ-02 as it is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SheetDatum {
    Wgs84,
    Gcj02,
    Bd09,
}

/// How to read a sheet: its datum, the region of rows without a division code, and
/// the mapping file's headers.
#[derive(Clone, Debug)]
pub struct ImportOptions {
    pub datum: SheetDatum,
    pub region: Option<String>,
    pub mapping: HashMap<String, &'static str>,
}

impl ImportOptions {
    /// No default region, no mapping file: `ImportOptions::new(SheetDatum::Gcj02)`.
    pub fn new(datum: SheetDatum) -> Self {
        ImportOptions {
            datum,
            region: None,
            mapping: HashMap::new(),
        }
    }
}

/// What a sheet gave: the good rows, every problem, the headers not used, and the
/// ids derived for rows without one (`(row, id, name)`, to write back to the sheet).
#[derive(Debug, Default)]
pub struct Imported {
    pub rows: Vec<Row>,
    pub diags: Vec<Diagnostic>,
    pub unused_headers: Vec<String>,
    pub derived_ids: Vec<(u64, String, String)>,
}

/// Reads the sheet `file` (its bytes): `import_stations("站点.xlsx", &bytes, &options)`.
pub fn import_stations(file: &str, bytes: &[u8], options: &ImportOptions) -> Imported {
    let mut out = Imported::default();
    let rows = match sheet::read_sheet(file, bytes) {
        Ok(rows) => rows,
        Err(d) => {
            out.diags.push(d);
            return out;
        }
    };
    let Some((header, rows)) = rows.split_first() else {
        out.diags.push(error(
            file,
            1,
            "is empty: the first row must name the columns".into(),
        ));
        return out;
    };
    let columns = columns::read_header(&header.cells, &options.mapping);
    out.unused_headers = columns.unused.clone();
    let mut missing: Vec<&str> = ["name", "lng", "lat"]
        .into_iter()
        .filter(|c| !columns.index.contains_key(c))
        .collect();
    if options.region.is_none() && !columns.index.contains_key("region") {
        missing.push("region");
    }
    if !missing.is_empty() {
        let message = format!(
            "no column for {} (headers such as 站点名称, 经度, 纬度, 行政区划代码 are \
             recognised; name others in a mapping file, or give --region for a sheet of \
             one county)",
            missing.join(", ")
        );
        out.diags.push(error(file, header.number, message));
        return out;
    }
    if let Some((said, hint)) = &columns.datum_hint {
        let agrees = matches!(
            (hint, options.datum),
            (DatumHint::Baidu, SheetDatum::Bd09)
                | (DatumHint::Gcj, SheetDatum::Gcj02)
                | (DatumHint::Wgs, SheetDatum::Wgs84)
        );
        if !agrees {
            let message = format!(
                "the column `{said}` says its points are {}, but --datum is {}: points read \
                 in the wrong datum are 0.5–1 km off; give --datum {}",
                match hint {
                    DatumHint::Baidu => "Baidu's (BD-09)",
                    DatumHint::Gcj => "Amap's or Tencent's (GCJ-02)",
                    DatumHint::Wgs => "GPS (WGS-84)",
                },
                datum_word(options.datum),
                match hint {
                    DatumHint::Baidu => "bd09",
                    DatumHint::Gcj => "gcj02",
                    DatumHint::Wgs => "wgs84",
                }
            );
            out.diags.push(error(file, header.number, message));
            return out;
        }
    }
    let mut seen: HashMap<String, u64> = HashMap::new();
    for row in rows {
        let cell = |name: &str| {
            columns
                .index
                .get(name)
                .and_then(|&i| row.cells.get(i))
                .map(|c| c.trim())
                .filter(|c| !c.is_empty())
                .map(str::to_string)
        };
        let before = out.diags.len();
        let mut problem = |message: String, warning: bool| {
            out.diags.push(Diagnostic {
                file: file.into(),
                line: row.number,
                message,
                warning,
            })
        };
        let name = cell("name");
        if name.is_none() {
            problem("no station name (站点名称)".into(), false);
        }
        let region = cell("region").or(options.region.clone());
        match &region {
            None => problem(
                "no division code (行政区划代码), and no --region given".into(),
                false,
            ),
            Some(r) if r.len() != 6 || !r.bytes().all(|c| c.is_ascii_digit()) => problem(
                format!("division code `{r}` is not six digits (e.g. 371502 for 东昌府区)"),
                false,
            ),
            _ => {}
        }
        let point = area::coordinates(cell("lng"), cell("lat"), region.as_deref(), options.datum);
        if let Err(message) = &point {
            problem(message.clone(), false);
        }
        let (hours, hours_text) = match cell("hours") {
            None => (None, None),
            Some(h) if OpeningHours::parse(&h).is_ok() => (Some(h), None),
            Some(h) => match hours_zh::hours_from_chinese(&h) {
                Ok(read) => (Some(read), None),
                Err(why) => {
                    problem(
                        format!(
                            "hours `{h}` not read exactly ({why}): published as written, \
                             shown with 以现场为准"
                        ),
                        true,
                    );
                    (None, Some(h))
                }
            },
        };
        let (services, unknown) = cell("services")
            .map(|s| services_zh::services_from_cell(&s))
            .unwrap_or_default();
        for word in unknown {
            problem(
                format!("service `{word}` is not a known service: shown as written"),
                true,
            );
        }
        let entry = match cell("entry").map(|e| entry_of(&e)) {
            Some(Ok(e)) => Some(e),
            Some(Err(message)) => {
                problem(message, false);
                None
            }
            None => None,
        };
        let mut dates = [None, None];
        for (slot, col) in dates.iter_mut().zip(["checked", "updated"]) {
            if let Some(d) = cell(col) {
                *slot = date_of(&d);
                if slot.is_none() {
                    problem(
                        format!("{col} `{d}` is not a date (write 2026-10-01)"),
                        true,
                    );
                }
            }
        }
        // The sheet's own id; else one derived from what names the station.
        let id = match (cell("id"), &region, &name) {
            (Some(id), ..) if yizhan_core::text::has_control(&id) => {
                problem(
                    format!("station id `{id}` holds a line break or a tab"),
                    false,
                );
                None
            }
            (Some(id), ..) => Some(id),
            (None, Some(region), Some(name)) => {
                let id = derived_id(region, name, cell("address").as_deref());
                out.derived_ids.push((row.number, id.clone(), name.clone()));
                Some(id)
            }
            _ => None,
        };
        if let Some(id) = &id {
            match seen.get(id) {
                Some(first) => out.diags.push(error(
                    file,
                    row.number,
                    format!(
                        "station id `{id}` is already on row {first} (two rows for one station?)"
                    ),
                )),
                None => {
                    seen.insert(id.clone(), row.number);
                }
            }
        }
        if out.diags[before..].iter().any(|d| !d.warning) {
            continue;
        }
        let (Some(id), Some(region), Some(name), Ok(p)) = (id, region, name, point) else {
            continue;
        };
        out.rows.push(Row {
            region,
            region_name: cell("region_name"),
            station: Station {
                id,
                name,
                address: cell("address"),
                lng: p.lng,
                lat: p.lat,
                services,
                hours,
                hours_text,
                phone: cell("phone").map(|p| yizhan_core::text::normalize_width(&p)),
                host: cell("host"),
                entry,
                entry_note: cell("entry_note"),
                checked: dates[0].clone(),
                updated: dates[1].clone(),
            },
        });
    }
    area::far_from_the_others(file, &mut out, &seen);
    out
}

fn datum_word(d: SheetDatum) -> &'static str {
    match d {
        SheetDatum::Wgs84 => "wgs84",
        SheetDatum::Gcj02 => "gcj02",
        SheetDatum::Bd09 => "bd09",
    }
}

/// `{region}-{8 hex}` from the region, name and address: the same station gets the
/// same id at every import while its name and address stay; written back to the sheet
/// (`FILE.ids.csv`) it then stays when they change. It starts with its region code,
/// so even a bare link to it finds its shard.
pub fn derived_id(region: &str, name: &str, address: Option<&str>) -> String {
    let key = format!("{region}\n{name}\n{}", address.unwrap_or(""));
    format!(
        "{region}-{}",
        &yizhan_core::feed::sha256_hex(key.as_bytes())[..8]
    )
}

/// `open`, `outdoor_workers`, `members`, or the Chinese a sheet writes for them.
fn entry_of(text: &str) -> Result<Entry, String> {
    let known = Entry::from_word(text);
    if known.is_known() {
        return Ok(known);
    }
    if text.contains("会员") {
        Ok(Entry::Members)
    } else if text.contains("户外") || text.contains("劳动者") || text.contains("职工") {
        Ok(Entry::OutdoorWorkers)
    } else if ["所有", "社会", "公众", "市民", "群众", "全部", "不限"]
        .iter()
        .any(|w| text.contains(w))
    {
        Ok(Entry::Open)
    } else {
        Err(format!(
            "开放对象 `{text}` is not one of 所有人 (open), 户外劳动者 (outdoor_workers), \
             工会会员 (members)"
        ))
    }
}

/// `2026-10-01`, `2026/10/1`, `2026.10.01`, `2026年10月1日` as `2026-10-01`.
fn date_of(text: &str) -> Option<String> {
    let parts: Vec<u32> = text
        .split(['-', '/', '.', '年', '月', '日'])
        .filter(|p| !p.is_empty())
        .map(|p| p.trim().parse().ok())
        .collect::<Option<_>>()?;
    let [y, m, d] = parts[..] else { return None };
    let day = chrono::NaiveDate::from_ymd_opt(y as i32, m, d)?;
    Some(day.format("%Y-%m-%d").to_string())
}

fn error(file: &str, line: u64, message: String) -> Diagnostic {
    Diagnostic {
        file: file.into(),
        line,
        message,
        warning: false,
    }
}

#[cfg(test)]
mod tests;
