//! What `trunk serve` (scripts/serve.sh, the dev build) takes from the release build:
//! its page, from the same template, and a post-build hook for the service worker's
//! lists and the QR reader.

use crate::apps::APPS;
use crate::page;
use crate::pipeline::{read, read_text, walk};
use crate::precache::{self, Keep};
use std::path::Path;

/// `trunk serve`'s page (serve.html, gitignored), from the same template: Trunk's own
/// directives where the release build puts its files. No policy <meta>: Trunk injects
/// its inline loader and live-reload script.
pub fn serve_page(root: &Path) -> Result<String, String> {
    let template = read_text(&root.join("web/page.html"))?;
    let app = &APPS[0];
    let mut styles: Vec<String> = app
        .styles
        .iter()
        .map(|s| format!(r#"<link data-trunk rel="css" href="style/{s}.css" />"#))
        .collect();
    styles.push(r#"<link data-trunk rel="icon" href="public/icon.svg" />"#.into());
    let mut scripts: Vec<String> = [
        "sw.js",
        "manifest.webmanifest",
        "icon-192.png",
        "icon-512.png",
        "icon.svg",
    ]
    .iter()
    .map(|f| format!(r#"<link data-trunk rel="copy-file" href="public/{f}" />"#))
    .collect();
    scripts.push(r#"<link data-trunk rel="copy-dir" href="public/feed" />"#.into());
    scripts.push(format!(
        r#"<link data-trunk rel="rust" data-bin="{}" data-wasm-opt="z" />"#,
        app.bin
    ));
    page::render(
        &template,
        &[
            (
                "csp",
                "<!-- no policy: trunk serve injects inline scripts -->",
            ),
            ("title", app.title),
            ("styles", &styles.join("\n    ")),
            ("scripts", &scripts.join("\n    ")),
            ("opening", app.opening),
        ],
    )
}

/// After `trunk serve` builds: the service worker's lists from what Trunk staged (all
/// of it the worker's app) and the venue's QR reader.
pub fn dev_post_build(root: &Path, staging: &Path) -> Result<(), String> {
    let mut files = Vec::new();
    for (rel, path) in walk(staging)? {
        if rel == "sw.js" || rel.starts_with("feed/") {
            continue;
        }
        files.push((format!("/{rel}"), read(&path)?, Keep::Shell));
    }
    let version = precache::version(&files);
    let kept: Vec<(String, Keep)> = files.into_iter().map(|(p, _, k)| (p, k)).collect();
    let sw = staging.join("sw.js");
    let text = precache::fill_worker(&read_text(&sw)?, &version, &kept)?;
    std::fs::write(&sw, text).map_err(|e| e.to_string())?;
    crate::vendor::vendor(root, staging)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_serve_page_is_the_template_with_trunks_directives() {
        let html = serve_page(&crate::root()).unwrap();
        assert!(
            html.contains(r#"<link data-trunk rel="rust" data-bin="yizhan" data-wasm-opt="z" />"#)
        );
        assert!(html.contains(r#"<link data-trunk rel="css" href="style/pages.css" />"#));
        assert!(html.contains(r#"<link data-trunk rel="copy-dir" href="public/feed" />"#));
        assert!(!html.contains("Content-Security-Policy"));
    }
}
