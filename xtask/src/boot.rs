//! The loader (web/boot.js): one per app, with the app's glue and wasm and the core's
//! feed constants filled in. Checked in as JavaScript; only its four `__PLACEHOLDERS__`
//! are ours.

use yizhan_core::feed::DEFAULT_MANIFEST;
use yizhan_core::stations::SEARCH_RADIUS_M;

/// `template` (web/boot.js) for the app whose glue and wasm are at these paths
/// (`/yizhan-<hash>.js`, `/yizhan-<hash>_bg.wasm`). Every placeholder must be there.
pub fn loader(template: &str, glue: &str, wasm: &str) -> Result<String, String> {
    let radius = format!("{SEARCH_RADIUS_M:.0}");
    fill(
        template,
        &[
            ("__GLUE__", glue),
            ("__WASM__", wasm),
            ("__MANIFEST__", DEFAULT_MANIFEST),
            ("__RADIUS_M__", &radius),
        ],
    )
}

/// Replaces each `(placeholder, value)`; a placeholder missing from the text is an error
/// (the template changed shape), as is one left unknown (`__UPPER__` still there).
pub fn fill(template: &str, values: &[(&str, &str)]) -> Result<String, String> {
    let mut text = template.to_string();
    for (placeholder, value) in values {
        if !text.contains(placeholder) {
            return Err(format!("web/boot.js has no {placeholder}"));
        }
        text = text.replace(placeholder, value);
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checked_in_loader_gets_the_apps_files_and_the_cores_constants() {
        let template = std::fs::read_to_string(crate::root().join("web/boot.js")).unwrap();
        let js = loader(&template, "/app-0123.js", "/app-0123_bg.wasm").unwrap();
        assert!(js.contains("await import('/app-0123.js')"));
        assert!(js.contains("module_or_path: '/app-0123_bg.wasm'"));
        assert!(js.contains("const manifest = '/feed/manifest.json';"));
        assert!(js.contains("const dLat = 25000 / 111000 + 0.01;"));
        assert!(!js.contains("__"), "a placeholder is left");
    }

    #[test]
    fn a_missing_placeholder_stops_the_build() {
        assert_eq!(
            loader("import('__GLUE__')", "/a.js", "/a.wasm").unwrap_err(),
            "web/boot.js has no __WASM__"
        );
    }
}
