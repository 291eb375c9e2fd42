//! The only part that reads the disk: the workspace's files, as (path, text) pairs
//! with `/`-separated paths relative to the workspace root.

use std::fs;
use std::path::{Path, PathBuf};

/// Folders never walked: build output, installed packages, test output. Hidden
/// folders (`.git`, `.ci`, …) are skipped too.
pub const SKIPPED: &[&str] = &["target", "node_modules", "dist", "test-results"];

/// The workspace root (this crate is `crates/tidy`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every file under `dir` (relative to `root`) whose path `wanted` accepts, read as
/// text, sorted by path: `files(&root, "src", |p| p.ends_with(".rs"))`.
pub fn files(root: &Path, dir: &str, wanted: impl Fn(&str) -> bool) -> Vec<(String, String)> {
    let mut found = Vec::new();
    walk(root, &root.join(dir), &wanted, &mut found);
    found.sort();
    found
}

fn walk(root: &Path, dir: &Path, wanted: &dyn Fn(&str) -> bool, found: &mut Vec<(String, String)>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if !name.starts_with('.') && !SKIPPED.contains(&name.as_str()) {
                walk(root, &path, wanted, found);
            }
            continue;
        }
        let relative = path.strip_prefix(root).unwrap_or(&path);
        let relative = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        if wanted(&relative) {
            if let Ok(text) = fs::read_to_string(&path) {
                found.push((relative, text));
            }
        }
    }
}
