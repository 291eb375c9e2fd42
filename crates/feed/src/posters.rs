//! `yizhan-feed posters`: printable A4 pages for the stations' doors, made from a
//! published feed (what the app shows is what the door shows): one page a station
//! (name, services as badges with words, hours, phone, and a QR code that opens the
//! station in the app on any phone) and one sheet a region listing its stations.
//! Plain HTML with print CSS and the system's CJK fonts: nothing fetched from outside.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use std::path::Path;
use yizhan_core::feed::{check_file, parse_shard, Manifest, Station};
use yizhan_core::hours::{day_runs, OpeningHours, Span};
use yizhan_core::navigation::{id_segment, station_path};
use yizhan_core::vocab::Service;

/// Writes `out/<region>/<station>.html` for each station and `out/<region>/index.html`
/// for each region, from the feed whose manifest is at `manifest_path`; the QR codes
/// open `app_url` (`https://yizhan.example.org`). Returns (posters, region sheets).
pub fn write_posters(
    manifest_path: &Path,
    app_url: &str,
    out: &Path,
) -> Result<(usize, usize), String> {
    let app_url = app_url.trim_end_matches('/');
    if !(app_url.starts_with("https://") || app_url.starts_with("http://")) {
        return Err(format!(
            "--app-url `{app_url}` must be the app's address, https://…"
        ));
    }
    let read = |p: &Path| std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()));
    let manifest: Manifest = serde_json::from_slice(&read(manifest_path)?)
        .map_err(|e| format!("{} is not a feed manifest: {e}", manifest_path.display()))?;
    let folder = manifest_path.parent().unwrap_or(Path::new("."));
    let (mut posters, mut sheets) = (0, 0);
    for region in &manifest.regions {
        let bytes = read(&folder.join(&region.path))?;
        check_file(&bytes, &region.sha256, &region.path)
            .and_then(|_| parse_shard(&bytes, &region.code))
            .map_err(|e| format!("{}: {e:?}", region.path))
            .and_then(|shard| {
                let dir = out.join(&region.code);
                std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
                let title = region.name.clone().unwrap_or_else(|| region.code.clone());
                let mut rows = String::new();
                for s in &shard.stations {
                    let link = format!("{app_url}{}", station_path(&s.id, s.wgs84(manifest.datum)));
                    let page = poster(s, &link)?;
                    let file = dir.join(format!("{}.html", id_segment(&s.id)));
                    std::fs::write(&file, page).map_err(|e| format!("{}: {e}", file.display()))?;
                    rows.push_str(&sheet_row(s, &link)?);
                    posters += 1;
                }
                let sheet = page(
                    &format!("{title} · 爱心驿站一览"),
                    "sheet",
                    &format!(
                        "<h1>{} · 爱心驿站一览 <small>Rest stations</small></h1>\
                         <p class=\"muted\">共 {} 个站点 · 扫码查看开放时间与导航</p>\
                         <table><thead><tr><th>站点</th><th>开放时间</th><th>电话</th><th>扫码</th></tr></thead>\
                         <tbody>{rows}</tbody></table>",
                        esc(&title),
                        shard.stations.len()
                    ),
                );
                let file = dir.join("index.html");
                std::fs::write(&file, sheet).map_err(|e| format!("{}: {e}", file.display()))?;
                sheets += 1;
                Ok(())
            })?;
    }
    Ok((posters, sheets))
}

/// One station's poster.
fn poster(s: &Station, link: &str) -> Result<String, String> {
    let services: String = s
        .services
        .iter()
        .map(|sv| {
            let (zh, en, badge) = names(sv);
            format!(
                "<li data-service=\"{}\"><span class=\"badge\" aria-hidden=\"true\">{}</span>{}<small>{}</small></li>",
                esc(sv.word()),
                esc(&badge),
                esc(zh),
                esc(en)
            )
        })
        .collect();
    let optional = |label: &str, v: &Option<String>| {
        v.as_ref()
            .map(|v| format!("<dt>{label}</dt><dd>{}</dd>", esc(v)))
            .unwrap_or_default()
    };
    let body = format!(
        "<p class=\"kicker\">爱心驿站 · 户外劳动者服务站 <small>Rest station for outdoor workers</small></p>\
         <h1 data-station-id=\"{id}\">{name}</h1>\
         <ul class=\"services\">{services}</ul>\
         <dl>\
           <dt>开放时间 <small>Hours</small></dt><dd class=\"hours\">{hours}</dd>\
           {phone}{address}{host}\
         </dl>\
         <figure class=\"qr\" data-qr=\"{link_attr}\">{qr}\
           <figcaption>手机扫码：查看开放时间、服务和导航<br><small>Scan to open this station in the app</small></figcaption>\
         </figure>",
        id = esc(&s.id),
        name = esc(&s.name),
        hours = hours_words(s),
        phone = optional("电话 <small>Phone</small>", &s.phone),
        address = optional("地址 <small>Address</small>", &s.address),
        host = optional("依托单位 <small>Host</small>", &s.host),
        link_attr = esc(link),
        qr = qr_svg(link, 360)?,
    );
    Ok(page(&s.name, "poster", &body))
}

fn sheet_row(s: &Station, link: &str) -> Result<String, String> {
    Ok(format!(
        "<tr><td><b>{}</b><br><span class=\"muted\">{}</span></td><td>{}</td><td>{}</td><td class=\"qr-small\">{}</td></tr>",
        esc(&s.name),
        esc(s.address.as_deref().unwrap_or("")),
        hours_words(s),
        esc(s.phone.as_deref().unwrap_or("")),
        qr_svg(link, 96)?
    ))
}

/// The hours in Chinese words, a line per group of days; the union's own words with
/// 以现场为准 when the feed could not say them exactly.
fn hours_words(s: &Station) -> String {
    let parsed = s.hours.as_deref().map(OpeningHours::parse);
    match (parsed, &s.hours, &s.hours_text) {
        (Some(Ok(h)), ..) => {
            let table = h.week_table();
            let mut lines: Vec<String> = table
                .lines
                .iter()
                .map(|l| format!("{} {}", days_zh(l.days), spans_zh(&l.spans)))
                .collect();
            if let Some(spans) = &table.holidays {
                lines.push(format!("法定节假日 {}", spans_zh(spans)));
            }
            if !table.exact {
                lines.push(format!(
                    "（原文：{}，以现场为准）",
                    s.hours.as_deref().unwrap_or("")
                ));
            }
            esc(&lines.join("\n")).replace('\n', "<br>")
        }
        (_, published, text) => match text.as_ref().or(published.as_ref()) {
            Some(t) => format!(
                "{}<br><span class=\"note\">以现场为准 · check on site</span>",
                esc(t)
            ),
            None => "以现场为准 <small>Hours: ask on site</small>".into(),
        },
    }
}

fn days_zh(mask: u8) -> String {
    const DAYS: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
    if mask == 0x7f {
        return "每天".into();
    }
    day_runs(mask)
        .into_iter()
        .map(|(a, b)| match b - a {
            0 => DAYS[a].to_string(),
            1 => format!("{}、{}", DAYS[a], DAYS[b]),
            _ => format!("{}至{}", DAYS[a], DAYS[b]),
        })
        .collect::<Vec<_>>()
        .join("、")
}

fn spans_zh(spans: &[Span]) -> String {
    if spans.is_empty() {
        return "休息".into();
    }
    if spans.iter().any(Span::whole_day) {
        return "24小时".into();
    }
    spans
        .iter()
        .map(|s| {
            let end = if s.overnight() {
                format!("次日{}", s.end_text())
            } else {
                s.end_text()
            };
            format!("{}–{end}", s.start_text())
        })
        .collect::<Vec<_>>()
        .join("、")
}

/// `(中文, English, badge)` of a service, the app's own words (`Service::names`); an
/// unknown word as it is.
fn names(s: &Service) -> (&str, &str, String) {
    match s.names() {
        Some((zh, en, badge)) => (zh, en, badge.to_string()),
        None => (
            s.word(),
            "",
            s.word()
                .chars()
                .next()
                .map(String::from)
                .unwrap_or_default(),
        ),
    }
}

/// The QR code of `text` as an inline SVG of `size` pixels at least.
fn qr_svg(text: &str, size: u32) -> Result<String, String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| format!("the link {text} does not fit a QR code: {e}"))?;
    let svg = code
        .render::<svg::Color>()
        .min_dimensions(size, size)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .quiet_zone(true)
        .build();
    Ok(svg[svg.find("<svg").unwrap_or(0)..].to_string())
}

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A whole page: A4, margins, the system's CJK fonts, black on white.
fn page(title: &str, class: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\">\
         <title>{}</title><style>{CSS}</style></head><body class=\"{class}\"><main>{body}</main></body></html>\n",
        esc(title)
    )
}

const CSS: &str = "@page{size:A4;margin:14mm}\
*{box-sizing:border-box}\
body{margin:0;font-family:'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif;color:#000;background:#fff;-webkit-print-color-adjust:exact;print-color-adjust:exact}\
main{max-width:182mm;margin:0 auto}\
small{font-size:.55em;color:#333;margin-left:.4em;font-weight:normal}\
.kicker{font-size:16pt;margin:0 0 4mm;border-bottom:2pt solid #c00;padding-bottom:2mm;color:#c00}\
.poster h1{font-size:34pt;line-height:1.2;margin:0 0 6mm}\
.services{list-style:none;padding:0;margin:0 0 6mm;display:flex;flex-wrap:wrap;gap:3mm}\
.services li{font-size:15pt;border:1pt solid #000;border-radius:3mm;padding:1.5mm 3mm;display:flex;align-items:center;gap:2mm}\
.badge{display:inline-grid;place-items:center;width:9mm;height:9mm;border-radius:50%;background:#c00;color:#fff;font-weight:bold}\
dl{display:grid;grid-template-columns:38mm 1fr;gap:2mm 4mm;font-size:15pt;margin:0 0 6mm}\
dt{font-weight:bold}dd{margin:0}\
.qr{margin:0;text-align:center;break-inside:avoid}\
.qr svg{width:80mm;height:80mm}\
figcaption{font-size:14pt}\
.sheet h1{font-size:20pt}\
.muted{color:#333}\
.note{font-size:.85em;font-weight:bold}\
table{width:100%;border-collapse:collapse;font-size:10.5pt}\
th,td{border:.5pt solid #000;padding:1.5mm;vertical-align:top;text-align:left}\
tr{break-inside:avoid}\
.qr-small svg{width:22mm;height:22mm}";

#[cfg(test)]
mod tests {
    use super::*;

    fn station(hours: Option<&str>, text: Option<&str>) -> Station {
        serde_json::from_value(serde_json::json!({
            "id": "LC-0002", "name": "柳园<驿站>", "lng": 115.98, "lat": 36.45,
            "services": ["water", "battery_swap", "hot_tea"], "hours": hours, "hours_text": text,
            "phone": "0635-8211002"
        }))
        .unwrap()
    }

    #[test]
    fn a_poster_has_the_name_services_hours_phone_and_the_station_s_link() {
        let s = station(Some("Mo-Fr 08:00-18:00; PH off"), None);
        let link = "https://yizhan.example.org/stations/LC-0002?near=36.450000,115.980000";
        let html = poster(&s, link).unwrap();
        for part in [
            "柳园&lt;驿站&gt;",
            "饮水",
            "换电",
            "hot_tea",
            "周一至周五 08:00–18:00",
            "法定节假日 休息",
            "0635-8211002",
            "<svg",
            "@page{size:A4",
        ] {
            assert!(html.contains(part), "{part} missing");
        }
        assert!(html.contains(&format!("data-qr=\"{link}\"")));
        assert!(
            !html.contains("<script") && !html.contains("https://fonts"),
            "nothing from outside"
        );
    }

    #[test]
    fn hours_the_feed_could_not_say_are_shown_as_written_to_be_checked_on_site() {
        let html = hours_words(&station(None, Some("夏季6:00-19:00，冬季7:00-18:00")));
        assert!(
            html.starts_with("夏季6:00-19:00，冬季7:00-18:00<br><span class=\"note\">以现场为准"),
            "{html}"
        );
    }
}
