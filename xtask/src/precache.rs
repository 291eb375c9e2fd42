//! The service worker's lists (public/sw.js's `'__VERSION__'`, `__PRECACHE__` and
//! `__VENUE__`), from the files this very build wrote, so hashed names are never typed
//! by hand. The version is a hash of those files' names and bytes; the pages carry it
//! too, as the build's identity (their own bytes are hashed without it).

use crate::hash::content_hash;

/// Where a file of the build is kept by the service worker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keep {
    /// The apps' shell: precached at install. The stations app is in it too: the
    /// worker answers the stations' pages with it (public/sw.js), and a first visit
    /// was that app, so its files come from the browser's cache.
    Shell,
    /// The venue's check (verify.html and its own files): only on a device that opens
    /// /verify, so no worker's phone downloads it.
    Venue,
}

/// The files (`/path`, bytes, where kept), in any order: the version, from all of them.
pub fn version(files: &[(String, Vec<u8>, Keep)]) -> String {
    let mut sorted: Vec<&(String, Vec<u8>, Keep)> = files.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let parts: Vec<&[u8]> = sorted
        .iter()
        .flat_map(|(path, bytes, _)| [path.as_bytes(), bytes.as_slice()])
        .collect();
    content_hash(&parts)
}

/// public/sw.js with its placeholders filled: the version, the shell's files and the
/// venue's (each sorted).
pub fn fill_worker(sw: &str, version: &str, files: &[(String, Keep)]) -> Result<String, String> {
    let list = |keep: Keep| {
        let mut paths: Vec<&str> = files
            .iter()
            .filter(|(_, k)| *k == keep)
            .map(|(p, _)| p.as_str())
            .collect();
        paths.sort();
        let quoted: Vec<String> = paths.iter().map(|p| json_string(p)).collect();
        format!("[{}]", quoted.join(", "))
    };
    let mut text = sw.to_string();
    for (placeholder, value) in [
        ("'__VERSION__'", json_string(version)),
        ("__PRECACHE__", list(Keep::Shell)),
        ("__VENUE__", list(Keep::Venue)),
    ] {
        if !text.contains(placeholder) {
            return Err(format!("public/sw.js has no {placeholder}"));
        }
        text = text.replace(placeholder, &value);
    }
    Ok(text)
}

/// A JSON string (the paths are the build's own: no quote, backslash or control
/// character can be in them, which is checked).
fn json_string(s: &str) -> String {
    assert!(
        !s.chars().any(|c| c == '"' || c == '\\' || c.is_control()),
        "a file name the service worker cannot list: {s:?}"
    );
    format!("\"{s}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> Vec<(String, Vec<u8>, Keep)> {
        vec![
            ("/index.html".into(), b"<html>".to_vec(), Keep::Shell),
            ("/app-1_bg.wasm".into(), b"wasm".to_vec(), Keep::Shell),
            ("/verify.html".into(), b"<v>".to_vec(), Keep::Venue),
            ("/stations.html".into(), b"<s>".to_vec(), Keep::Shell),
        ]
    }

    #[test]
    fn the_version_is_the_files_names_and_bytes_in_any_order() {
        let mut reversed = files();
        reversed.reverse();
        assert_eq!(version(&files()), version(&reversed));
        let mut changed = files();
        changed[1].1.push(0);
        assert_ne!(version(&files()), version(&changed));
        let mut renamed = files();
        renamed[1].0 = "/app-2_bg.wasm".into();
        assert_ne!(version(&files()), version(&renamed));
    }

    #[test]
    fn fills_the_checked_in_worker() {
        let sw = std::fs::read_to_string(crate::root().join("public/sw.js")).unwrap();
        let kept: Vec<(String, Keep)> = files().into_iter().map(|(p, _, k)| (p, k)).collect();
        let out = fill_worker(&sw, "0123456789abcdef", &kept).unwrap();
        assert!(out.contains(r#"const VERSION = "0123456789abcdef";"#));
        assert!(out
            .contains(r#"const PRECACHE = ["/app-1_bg.wasm", "/index.html", "/stations.html"];"#));
        assert!(out.contains(r#"const VENUE = ["/verify.html"];"#));
        assert!(!out.contains("__"), "every placeholder filled");
        assert_eq!(
            fill_worker("const V = 1;", "v", &kept).unwrap_err(),
            "public/sw.js has no '__VERSION__'"
        );
    }
}
