//! The size report and budget (`cargo xtask size [dist]`): fails when the first visit's
//! critical path grows past the budget in SIZE_BUDGET.
//!
//! The critical path is what a first visit to the stations (a station's poster,
//! `/stations?near=…`) must download before the first station row: stations.html (the
//! stations app, which nginx serves there), the loader, the app's JS, its wasm and its
//! CSS, counted as the gzip files the build wrote beside them (Zopfli: deterministic for
//! the same build). Prints the brotli figures too, and the same for index.html, the whole
//! worker's app, which a first visit to another tab loads.

use std::path::Path;

/// The budget: SIZE_BUDGET's first whitespace-separated token (a bare number of bytes;
/// what follows is the history of why it is what it is).
pub fn budget(text: &str) -> Result<u64, String> {
    let token = text
        .split_whitespace()
        .next()
        .ok_or("SIZE_BUDGET is empty")?;
    token
        .replace(['_', ','], "")
        .parse()
        .map_err(|_| format!("SIZE_BUDGET: {token:?} is not a number of bytes"))
}

/// The files a page makes the browser fetch at once (its scripts, and its stylesheet,
/// module preload and preload links), as paths under the site's root, without the
/// feed's preloads (data, not the app): sorted, each once.
pub fn fetched_at_once(html: &str) -> Vec<String> {
    let mut named = Vec::new();
    for tag in tags(html) {
        let url = match tag.name.as_str() {
            "script" => tag.attr("src"),
            "link"
                if tag
                    .attr("rel")
                    .is_some_and(|r| matches!(r, "stylesheet" | "modulepreload" | "preload")) =>
            {
                tag.attr("href")
            }
            _ => None,
        };
        if let Some(path) = url.and_then(|u| u.strip_prefix('/')) {
            if !path.starts_with("feed/") && !named.iter().any(|n| n == path) {
                named.push(path.to_string());
            }
        }
    }
    named.sort();
    named
}

struct Tag {
    name: String,
    attrs: Vec<(String, String)>,
}

impl Tag {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The start tags of an HTML text, with their quoted attributes (enough for the pages
/// this build writes; comments are skipped).
fn tags(html: &str) -> Vec<Tag> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        rest = &rest[lt + 1..];
        if let Some(after) = rest.strip_prefix("!--") {
            rest = after.find("-->").map_or("", |e| &after[e + 3..]);
            continue;
        }
        let name_len = rest
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        if name_len == 0 {
            continue;
        }
        let name = rest[..name_len].to_ascii_lowercase();
        rest = &rest[name_len..];
        let mut attrs = Vec::new();
        loop {
            rest = rest.trim_start();
            if rest.is_empty() || rest.starts_with('>') || rest.starts_with("/>") {
                break;
            }
            let key_len = rest
                .find(|c: char| c == '=' || c == '>' || c == '/' || c.is_whitespace())
                .unwrap_or(rest.len())
                .max(1);
            let key = rest[..key_len].to_ascii_lowercase();
            rest = &rest[key_len..];
            let mut value = String::new();
            if let Some(after) = rest.trim_start().strip_prefix('=') {
                let after = after.trim_start();
                if let Some(q) = after.chars().next().filter(|c| *c == '"' || *c == '\'') {
                    let end = after[1..].find(q).map_or(after.len(), |e| e + 1);
                    value = after[1..end].to_string();
                    rest = after.get(end + 1..).unwrap_or("");
                } else {
                    let end = after
                        .find(|c: char| c.is_whitespace() || c == '>')
                        .unwrap_or(after.len());
                    value = after[..end].to_string();
                    rest = &after[end..];
                }
            }
            attrs.push((key, value));
        }
        out.push(Tag { name, attrs });
    }
    out
}

/// One page's critical path: its lines of the report and its (gzip, brotli) total.
pub fn critical_path(dist: &Path, page: &str) -> Result<(String, u64, u64), String> {
    let html = std::fs::read_to_string(dist.join(page)).map_err(|e| format!("{page}: {e}"))?;
    let mut report = String::new();
    let (mut total_gz, mut total_br) = (0, 0);
    for name in std::iter::once(page.to_string()).chain(fetched_at_once(&html)) {
        let size = |suffix: &str| {
            std::fs::metadata(dist.join(format!("{name}{suffix}")))
                .map(|m| m.len())
                .map_err(|e| format!("{name}{suffix}: {e}"))
        };
        let (raw, gz, br) = (size("")?, size(".gz")?, size(".br")?);
        total_gz += gz;
        total_br += br;
        report += &format!("  {name:44} {raw:>9} raw {gz:>8} gzip {br:>8} brotli\n");
    }
    Ok((report, total_gz, total_br))
}

/// The whole report; an error (after the report) when the stations app's critical path
/// is over `budget`.
pub fn report(dist: &Path, budget: u64) -> (String, Result<(), String>) {
    let mut text = String::new();
    // One page's files, then its total: "<label>: 411281 bytes gzip (401.6 KiB), …".
    let mut total = |page: &str, label: &str, tail: &str| {
        let (lines, gz, br) = critical_path(dist, page)?;
        let kib = |n: u64| n as f64 / 1024.0;
        text += &lines;
        text += &format!(
            "{label}: {gz} bytes gzip ({:.1} KiB), {br} brotli ({:.1} KiB){tail}\n",
            kib(gz),
            kib(br)
        );
        Ok::<u64, String>(gz)
    };
    if let Err(e) = total("index.html", "the whole worker's app (index.html)", "") {
        return (text, Err(e));
    }
    let first = match total(
        "stations.html",
        "critical path (stations.html)",
        &format!("; budget {budget} gzip"),
    ) {
        Ok(gz) => gz,
        Err(e) => return (text, Err(e)),
    };
    let verdict = if first > budget {
        Err(format!(
            "size budget exceeded by {} bytes: make it smaller, or raise SIZE_BUDGET in the same change and say why",
            first - budget
        ))
    } else {
        Ok(())
    };
    (text, verdict)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_is_the_first_token() {
        assert_eq!(
            budget("292000  # bytes, gzip: why…\nmore").unwrap(),
            292_000
        );
        assert_eq!(budget("292000\n").unwrap(), 292_000);
        assert_eq!(budget("292_000").unwrap(), 292_000);
        assert!(budget("").is_err());
        assert!(budget("lots").is_err());
        let checked_in = std::fs::read_to_string(crate::root().join("SIZE_BUDGET")).unwrap();
        assert!(budget(&checked_in).unwrap() > 100_000);
    }

    #[test]
    fn finds_what_a_page_fetches_at_once() {
        let html = r#"<!DOCTYPE html><html><head>
<link rel="stylesheet" href="/main-1.css" integrity="x" />
<link rel="icon" href="/icon-2.svg" />
<link rel="manifest" href="/manifest.webmanifest" />
<!-- <script src="/commented.js"></script> -->
<script type="module" src="/boot-3.js"></script>
<link rel="modulepreload" href="/app-4.js" crossorigin="anonymous">
<link rel="preload" href="/app-4_bg.wasm" as="fetch" type="application/wasm" />
<link rel="preload" href="/feed/manifest.json" as="fetch" />
<link href="/late.css" rel='stylesheet'>
</head><body><p>a < b</p></body></html>"#;
        assert_eq!(
            fetched_at_once(html),
            [
                "app-4.js",
                "app-4_bg.wasm",
                "boot-3.js",
                "late.css",
                "main-1.css"
            ]
        );
    }

    #[test]
    fn reports_and_checks_the_budget() {
        let dist = std::env::temp_dir().join(format!("xtask-size-{}", std::process::id()));
        std::fs::create_dir_all(&dist).unwrap();
        for page in ["index.html", "stations.html"] {
            std::fs::write(dist.join(page), r#"<script src="/boot-1.js"></script>"#).unwrap();
        }
        for (name, size) in [("index.html", 40), ("stations.html", 30), ("boot-1.js", 20)] {
            std::fs::write(dist.join(format!("{name}.gz")), vec![0; size]).unwrap();
            std::fs::write(dist.join(format!("{name}.br")), vec![0; size - 5]).unwrap();
        }
        std::fs::write(dist.join("boot-1.js"), "x").unwrap();
        let (text, verdict) = report(&dist, 50);
        assert!(verdict.is_ok(), "{text}");
        assert!(
            text.contains("the whole worker's app (index.html): 60 bytes gzip"),
            "{text}"
        );
        assert!(
            text.contains("critical path (stations.html): 50 bytes gzip (0.0 KiB), 40 brotli"),
            "{text}"
        );
        let (_, verdict) = report(&dist, 49);
        assert!(verdict
            .unwrap_err()
            .starts_with("size budget exceeded by 1 bytes"));
        std::fs::remove_dir_all(&dist).ok();
    }
}
