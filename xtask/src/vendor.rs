//! The venue's QR reader, copied into the build.

use std::path::Path;

/// The venue's QR reader (zxing-wasm from npm, pinned in package.json) under
/// /vendor/zxing/, keeping its own layout (es/reader/index.js imports ../share.js).
/// Only /verify loads it, and only where the browser has no BarcodeDetector; it is not
/// precached (no worker's phone downloads it), and it never comes from a CDN.
pub fn vendor(root: &Path, dist: &Path) -> Result<(), String> {
    let src = root.join("node_modules/zxing-wasm");
    let out = dist.join("vendor/zxing");
    if !src.join("dist/reader/zxing_reader.wasm").is_file() {
        return Err(format!(
            "{} missing; run 'npm ci' (scripts/setup.sh does)",
            src.join("dist").display()
        ));
    }
    for (from, to) in [
        ("dist/es/reader/index.js", "es/reader/index.js"),
        ("dist/es/share.js", "es/share.js"),
        ("dist/reader/zxing_reader.wasm", "reader/zxing_reader.wasm"),
        ("LICENSE", "LICENSE"),
    ] {
        let (from, to) = (src.join(from), out.join(to));
        if !from.is_file() && to.ends_with("LICENSE") {
            continue;
        }
        std::fs::create_dir_all(to.parent().expect("in vendor/zxing"))
            .map_err(|e| e.to_string())?;
        std::fs::copy(&from, &to).map_err(|e| format!("{}: {e}", from.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendors_the_qr_reader_in_its_own_layout() {
        let root = crate::root();
        if !root.join("node_modules/zxing-wasm/dist").is_dir() {
            eprintln!("no node_modules/zxing-wasm: not checked (npm ci)");
            return;
        }
        let dir = std::env::temp_dir().join(format!("xtask-vendor-{}", std::process::id()));
        vendor(&root, &dir).unwrap();
        for f in [
            "es/reader/index.js",
            "es/share.js",
            "reader/zxing_reader.wasm",
        ] {
            assert!(dir.join("vendor/zxing").join(f).is_file(), "{f}");
        }
        std::fs::remove_dir_all(&dir).ok();
        assert!(vendor(&dir, &dir).unwrap_err().contains("npm ci"));
    }
}
