//! Which column of a station sheet holds what: the header row read by name, in
//! Chinese as unions write it (站点名称、详细地址、经度…) or as the feed's own field
//! names (`name`, `lng`…), and a mapping file for any other header.

use crate::Diagnostic;
use std::collections::HashMap;

/// The fields a sheet can fill, as the feed (and a mapping file) names them.
/// `contact` (负责人) is recognised so that it is knowingly left out: a person's
/// name is not published; the station's phone is.
pub const FIELDS: [&str; 16] = [
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
    "contact",
];

/// The headers recognised for each field (after the datum words and brackets are
/// taken off, spaces removed, full-width letters made half-width).
const ALIASES: &[(&str, &[&str])] = &[
    (
        "id",
        &[
            "站点编号",
            "站点编码",
            "站点代码",
            "驿站编号",
            "编号",
            "站点id",
        ],
    ),
    (
        "region",
        &[
            "行政区划代码",
            "区划代码",
            "区县代码",
            "所属区县代码",
            "行政区划",
            "区划编码",
        ],
    ),
    (
        "region_name",
        &[
            "所属区县",
            "区县",
            "所属区域",
            "所在区县",
            "县区",
            "行政区",
            "所属地区",
            "区域",
        ],
    ),
    (
        "name",
        &[
            "站点名称",
            "驿站名称",
            "名称",
            "站点名",
            "驿站名",
            "服务站名称",
            "站名",
        ],
    ),
    (
        "address",
        &[
            "详细地址",
            "地址",
            "站点地址",
            "所在地址",
            "具体位置",
            "位置",
            "详细位置",
        ],
    ),
    ("lng", &["经度", "x"]),
    ("lat", &["纬度", "y"]),
    (
        "services",
        &[
            "服务内容",
            "服务项目",
            "服务设施",
            "服务功能",
            "配套设施",
            "设施",
            "功能",
        ],
    ),
    (
        "hours",
        &["开放时间", "服务时间", "营业时间", "开放时段", "开放时间段"],
    ),
    (
        "phone",
        &[
            "联系电话",
            "电话",
            "联系方式",
            "服务电话",
            "咨询电话",
            "电话号码",
        ],
    ),
    (
        "host",
        &[
            "依托单位",
            "所属单位",
            "承建单位",
            "建设单位",
            "主办单位",
            "所在单位",
            "运营单位",
        ],
    ),
    ("entry", &["开放对象", "服务对象", "服务人群"]),
    ("entry_note", &["进站说明", "入站须知", "进站须知"]),
    ("checked", &["核验日期", "检查日期", "核查日期"]),
    ("updated", &["更新日期", "更新时间", "修改日期"]),
    (
        "contact",
        &["负责人", "联系人", "管理人员", "站长", "管理员"],
    ),
];

/// What a coordinate header says of its datum ("经度（百度）", "百度经度", "高德经度").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DatumHint {
    Baidu,
    Gcj,
    Wgs,
}

/// The header row read: the column of each field found, the headers left unused,
/// and what the coordinate headers say of their datum.
#[derive(Debug, Default)]
pub struct Columns {
    pub index: HashMap<&'static str, usize>,
    pub unused: Vec<String>,
    pub datum_hint: Option<(String, DatumHint)>,
}

/// A mapping file: `表头 = field` a line (`# comments`), for headers this tool does
/// not know: `服务设施及项目 = services`.
pub fn read_mapping(
    file: &str,
    text: &str,
) -> Result<HashMap<String, &'static str>, Vec<Diagnostic>> {
    let mut map = HashMap::new();
    let mut errors = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let problem = match line.split_once('=') {
            None => Some(format!("`{line}` is not `表头 = field`")),
            Some((header, field)) => match FIELDS.iter().find(|f| **f == field.trim()) {
                Some(f) => {
                    map.insert(normalize(header), *f);
                    None
                }
                None => Some(format!(
                    "`{}` is not a field (use one of {})",
                    field.trim(),
                    FIELDS.join(", ")
                )),
            },
        };
        if let Some(message) = problem {
            errors.push(Diagnostic {
                file: file.into(),
                line: i as u64 + 1,
                message,
                warning: false,
            });
        }
    }
    if errors.is_empty() {
        Ok(map)
    } else {
        Err(errors)
    }
}

/// Reads the header row, the mapping's names first, then the known headers.
pub fn read_header(headers: &[String], mapping: &HashMap<String, &'static str>) -> Columns {
    let mut columns = Columns::default();
    for (i, raw) in headers.iter().enumerate() {
        if raw.trim().is_empty() {
            continue;
        }
        let (base, hint) = strip_datum(&normalize(raw));
        let field = mapping
            .get(&normalize(raw))
            .copied()
            .or_else(|| FIELDS.iter().find(|f| **f == base).copied())
            .or_else(|| {
                ALIASES
                    .iter()
                    .find(|(_, names)| names.contains(&base.as_str()))
                    .map(|(f, _)| *f)
            });
        match field {
            Some(f) if !columns.index.contains_key(f) => {
                columns.index.insert(f, i);
                if let (Some(h), "lng" | "lat", None) = (hint, f, &columns.datum_hint) {
                    columns.datum_hint = Some((raw.trim().to_string(), h));
                }
            }
            _ => columns.unused.push(raw.trim().to_string()),
        }
    }
    columns
}

/// Half-width, lower-case, without spaces: `normalize(" 站点 名称 ") == "站点名称"`.
fn normalize(header: &str) -> String {
    yizhan_core::text::normalize_width(header)
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// A header without the words that name a datum and without brackets:
/// `strip_datum("经度(百度)") == ("经度", Some(Baidu))`.
fn strip_datum(header: &str) -> (String, Option<DatumHint>) {
    let mut hint = None;
    let mut base = header.to_string();
    for (words, h) in [
        (&["百度", "bd09", "bd-09"][..], DatumHint::Baidu),
        (
            &["高德", "腾讯", "gcj02", "gcj-02", "火星"][..],
            DatumHint::Gcj,
        ),
        (&["wgs84", "wgs-84", "gps"][..], DatumHint::Wgs),
    ] {
        for w in words {
            if base.contains(w) {
                hint = Some(h);
                base = base.replace(w, "");
            }
        }
    }
    // "坐标经度" keeps its meaning once 坐标 is gone.
    let mut base = base.replace("坐标系", "").replace("坐标", "");
    base.retain(|c| !matches!(c, '(' | ')' | '（' | '）' | '[' | ']' | '【' | '】'));
    if base.is_empty() {
        return (header.to_string(), hint);
    }
    (base, hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn chinese_and_feed_headers_are_recognised_and_baidu_is_noticed() {
        let c = read_header(
            &header(&[
                "序号",
                "站点编号",
                "站点名称",
                "详细地址",
                "经度（百度）",
                "纬度（百度）",
                "开放时间",
                "服务内容",
                "联系电话",
                "负责人",
                "所属区县",
                "行政区划代码",
                "图片",
            ]),
            &HashMap::new(),
        );
        assert_eq!(c.index["id"], 1);
        assert_eq!(c.index["lng"], 4);
        assert_eq!(c.index["lat"], 5);
        assert_eq!(c.index["contact"], 9);
        assert_eq!(c.index["region"], 11);
        assert_eq!(c.unused, ["序号", "图片"]);
        assert_eq!(c.datum_hint.map(|h| h.1), Some(DatumHint::Baidu));
        let c = read_header(
            &header(&["id", "region", "name", "lng", "lat"]),
            &HashMap::new(),
        );
        assert_eq!(c.index.len(), 5);
        assert!(c.datum_hint.is_none());
    }

    #[test]
    fn a_mapping_file_names_other_headers_and_bad_lines_are_reported() {
        let map = read_mapping(
            "m.txt",
            "# 我们的表\n服务设施及项目 = services\n驿站 = name\n",
        )
        .unwrap();
        let c = read_header(&header(&["驿站", "服务设施及项目"]), &map);
        assert_eq!((c.index["name"], c.index["services"]), (0, 1));
        let errors = read_mapping("m.txt", "a = b\nno equals\n").unwrap_err();
        assert!(errors[0]
            .to_string()
            .starts_with("m.txt:1: `b` is not a field"));
        assert_eq!(
            errors[1].to_string(),
            "m.txt:2: `no equals` is not `表头 = field`"
        );
    }
}
