//! The app's pages, all three from one template (web/page.html): `{{name}}`
//! placeholders, filled here, and `<!-- -->` comments, which are the template's notes
//! for whoever edits it and are dropped from the pages.

use crate::hash::sri;

/// `{{name}}` → value, every placeholder known and every value used; comments dropped.
pub fn render(template: &str, values: &[(&str, &str)]) -> Result<String, String> {
    let text = without_comments(template)?;
    let mut out = String::with_capacity(text.len() + 1024);
    let mut rest = text.as_str();
    let mut used = vec![false; values.len()];
    while let Some(start) = rest.find("{{") {
        let end = rest[start..]
            .find("}}")
            .map(|e| start + e)
            .ok_or("web/page.html: a {{ without its }}")?;
        let name = &rest[start + 2..end];
        let (i, (_, value)) = values
            .iter()
            .enumerate()
            .find(|(_, (key, _))| *key == name)
            .ok_or_else(|| format!("web/page.html: unknown placeholder {{{{{name}}}}}"))?;
        used[i] = true;
        out.push_str(&rest[..start]);
        out.push_str(value);
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    if let Some(i) = used.iter().position(|u| !u) {
        return Err(format!("web/page.html has no {{{{{}}}}}", values[i].0));
    }
    Ok(out)
}

/// The text without its `<!-- … -->` comments, and without the lines they leave empty.
fn without_comments(text: &str) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("<!--") {
        let end = rest[start..]
            .find("-->")
            .map(|e| start + e + 3)
            .ok_or("web/page.html: a comment that never ends")?;
        let before = &rest[..start];
        // A comment alone on its lines takes its indentation and line end along.
        let line_start = before.rfind('\n').map_or(0, |n| n + 1);
        let after = &rest[end..];
        if before[line_start..].trim().is_empty() && after.starts_with('\n') {
            out.push_str(&before[..line_start]);
            rest = &after[1..];
        } else {
            out.push_str(before);
            rest = after;
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// A stylesheet link with its integrity.
pub fn stylesheet(href: &str, bytes: &[u8]) -> String {
    format!(
        r#"<link rel="stylesheet" href="{href}" integrity="{}" />"#,
        sri(bytes)
    )
}

/// The loader, then the app's glue and the snippets it imports as module preloads, then
/// its wasm and the default feed's manifest and signature as preloads (after the app's
/// own files, so they never hold up the wasm on a host with few connections: the app
/// finds them already arrived; bench/startup.mjs, first row on a slow first visit,
/// medians of 7: 3.11 -> 3.04 s), then the build's identity (the service worker's
/// version: moving between the apps is not taken for an update, src/adapters/pwa.rs).
pub struct Scripts<'a> {
    pub boot: &'a str,
    /// `(href, bytes)` of the glue, then of each snippet it imports.
    pub modules: &'a [(String, &'a [u8])],
    pub wasm: (&'a str, &'a [u8]),
    pub manifest: &'a str,
    pub build: &'a str,
}

impl Scripts<'_> {
    pub fn html(&self) -> String {
        let mut html = format!(r#"<script type="module" src="{}"></script>"#, self.boot);
        for (href, bytes) in self.modules {
            html += &format!(
                r#"<link rel="modulepreload" href="{href}" crossorigin="anonymous" integrity="{}" />"#,
                sri(bytes)
            );
        }
        html += &format!(
            r#"<link rel="preload" href="{}" crossorigin="anonymous" integrity="{}" as="fetch" type="application/wasm" />"#,
            self.wasm.0,
            sri(self.wasm.1)
        );
        for href in [self.manifest.to_string(), format!("{}.sig", self.manifest)] {
            html += &format!(
                r#"<link rel="preload" href="{href}" as="fetch" crossorigin="anonymous" />"#
            );
        }
        html += &format!(r#"<meta name="yizhan-build" content="{}" />"#, self.build);
        html
    }
}

/// The Content-Security-Policy `<meta>`: the one policy of deploy/nginx.conf (the header
/// a server sends), for hosts that cannot set headers, minus what a `<meta>` cannot
/// carry (frame-ancestors). No inline script anywhere, so it needs no per-build hash.
pub fn csp_meta(nginx_conf: &str) -> Result<String, String> {
    const HEADER: &str = "add_header Content-Security-Policy \"";
    let start = nginx_conf
        .find(HEADER)
        .ok_or("deploy/nginx.conf has no Content-Security-Policy header")?
        + HEADER.len();
    let end = nginx_conf[start..]
        .find('"')
        .ok_or("deploy/nginx.conf: the Content-Security-Policy header never ends")?;
    let policy: Vec<&str> = nginx_conf[start..start + end]
        .split("; ")
        .filter(|p| !p.starts_with("frame-ancestors"))
        .collect();
    Ok(format!(
        r#"<meta http-equiv="Content-Security-Policy" content="{}" />"#,
        policy.join("; ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_every_placeholder_and_drops_the_comments() {
        let template = "<!DOCTYPE html>\n<!-- note\n  more -->\n<title>{{title}}</title>\n  <!-- alone -->\n<p>{{opening}} <!-- inline --> end</p>\n";
        let html = render(template, &[("title", "驿站"), ("opening", "a & b")]).unwrap();
        assert_eq!(
            html,
            "<!DOCTYPE html>\n<title>驿站</title>\n<p>a & b  end</p>\n"
        );
    }

    #[test]
    fn unknown_and_unused_placeholders_stop_the_build() {
        assert!(render("{{x}}", &[])
            .unwrap_err()
            .contains("unknown placeholder {{x}}"));
        assert!(render("{{x}}", &[("x", ""), ("y", "")])
            .unwrap_err()
            .contains("has no {{y}}"));
        assert!(render("<!-- x", &[]).is_err());
    }

    #[test]
    fn the_template_has_each_placeholder_the_build_fills() {
        let template = std::fs::read_to_string(crate::root().join("web/page.html")).unwrap();
        let html = render(
            &template,
            &[
                ("csp", "CSP"),
                ("title", "TITLE"),
                ("styles", "STYLES"),
                ("scripts", "SCRIPTS"),
                ("opening", "OPENING"),
            ],
        )
        .unwrap();
        assert!(!html.contains("<!--") && !html.contains("{{"));
        assert!(html.contains("<meta charset=\"utf-8\" />\n    CSP\n"));
        assert!(html.contains("<title>TITLE</title>"));
        assert!(html.contains("SCRIPTS\n  </head>"));
        assert!(html.contains(r#"<p class="boot-loading" role="status">OPENING</p>"#));
        assert!(html.contains(r#"id="boot-retry""#));
    }

    #[test]
    fn the_policy_is_nginxs_without_frame_ancestors() {
        let conf = std::fs::read_to_string(crate::root().join("deploy/nginx.conf")).unwrap();
        let meta = csp_meta(&conf).unwrap();
        assert!(meta.starts_with(
            r#"<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'wasm-unsafe-eval';"#
        ));
        assert!(meta.ends_with(r#"form-action 'self'" />"#), "{meta}");
        assert!(!meta.contains("frame-ancestors"));
        assert!(csp_meta("server {}").is_err());
    }

    #[test]
    fn scripts_come_in_the_order_the_browser_should_fetch_them() {
        let modules = [
            ("/app-1.js".to_string(), &b"glue"[..]),
            ("/snippets/x/scan.js".to_string(), &b"scan"[..]),
        ];
        let html = Scripts {
            boot: "/boot-2.js",
            modules: &modules,
            wasm: ("/app-1_bg.wasm", b"wasm"),
            manifest: "/feed/manifest.json",
            build: "abc",
        }
        .html();
        let order = [
            r#"<script type="module" src="/boot-2.js"></script>"#,
            &format!(
                r#"href="/app-1.js" crossorigin="anonymous" integrity="{}""#,
                sri(b"glue")
            ),
            r#"href="/snippets/x/scan.js""#,
            r#"href="/app-1_bg.wasm""#,
            r#"href="/feed/manifest.json" as="fetch""#,
            r#"href="/feed/manifest.json.sig""#,
            r#"<meta name="yizhan-build" content="abc" />"#,
        ];
        let places: Vec<usize> = order.iter().map(|s| html.find(s).expect(s)).collect();
        assert!(places.windows(2).all(|w| w[0] < w[1]), "{html}");
    }
}
