//! The three apps and how each becomes its wasm and glue: cargo (the size options of
//! scripts/release-env.sh), wasm-bindgen (`--target=web`), wasm-opt (`-Oz`), the same
//! tools and flags Trunk used.

use crate::precache::Keep;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One app: a binary of the `yizhan` crate and its page.
#[derive(Debug)]
pub struct App {
    pub bin: &'static str,
    pub page: &'static str,
    pub title: &'static str,
    /// The boot frame's words while the code loads.
    pub opening: &'static str,
    /// Its style sheets (style/NAME.css), in order.
    pub styles: &'static [&'static str],
    /// Where the service worker keeps its own files.
    pub keep: Keep,
}

const OPENING_APP: &str = r#"正在打开驿站… <span lang="en">Opening Yizhan…</span>"#;

pub const APPS: &[App] = &[
    // The worker's app: every page.
    App {
        bin: "yizhan",
        page: "index.html",
        title: "驿站",
        opening: OPENING_APP,
        styles: &["main", "pages"],
        keep: Keep::Shell,
    },
    // The venue's check (/verify): its own wasm, so no worker downloads it.
    App {
        bin: "verify",
        page: "verify.html",
        title: "驿站 · 核验",
        opening: r#"正在打开核验… <span lang="en">Opening the check…</span>"#,
        styles: &["main", "pages"],
        keep: Keep::Venue,
    },
    // The first visit's stations app: it has none of the pages style/pages.css styles.
    App {
        bin: "stations",
        page: "stations.html",
        title: "驿站",
        opening: OPENING_APP,
        styles: &["main"],
        keep: Keep::Shell,
    },
];

/// What scripts/release-env.sh exports (the wasm's size options: std rebuilt with the
/// app, panics aborting at once; it says why and what each saves). Set on the wasm's
/// cargo only: this program itself is built with the stable defaults. A test checks
/// that the two agree (the benchmark's counter build sources the script).
pub const RELEASE_ENV: &[(&str, &str)] = &[
    ("RUSTC_BOOTSTRAP", "1"),
    ("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort"),
    (
        "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
        "--cfg erase_components -Zunstable-options -Cpanic=immediate-abort",
    ),
];

/// wasm-opt's level (Trunk's `data-wasm-opt="z"` until now).
pub const WASM_OPT_LEVEL: &str = "-Oz";

pub const TARGET: &str = "wasm32-unknown-unknown";

/// Runs a command, its output passed through; an error names it when it fails.
pub fn run(command: &mut Command) -> Result<(), String> {
    let said = std::iter::once(command.get_program())
        .chain(command.get_args())
        .map(|a| a.to_string_lossy())
        .collect::<Vec<_>>()
        .join(" ");
    let status = command.status().map_err(|e| format!("{said}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{said}` failed ({status})"))
    }
}

/// The cargo that runs this program (`cargo xtask`), else the one on PATH.
pub fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    // Whatever the caller set for its own target is not the wasm's.
    command.env_remove("CARGO_BUILD_TARGET");
    command
}

/// Where cargo puts its builds: CARGO_TARGET_DIR, else the workspace's target/.
pub fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                std::env::current_dir().unwrap_or_default().join(dir)
            }
        }
        None => root.join("target"),
    }
}

/// `cargo build --release` of the apps for wasm32, with the size options, as Trunk ran
/// it (so a build Trunk left in the target folder is reused). Returns each app's wasm.
pub fn build_wasm(root: &Path, apps: &[App]) -> Result<Vec<PathBuf>, String> {
    // Rebuilding std needs std's own dependencies (dlmalloc, …) in cargo's cache, which
    // no other step downloads on a fresh machine; the build itself is then offline.
    run(cargo()
        .current_dir(root)
        .args(["fetch", "--target", TARGET]))?;
    let mut command = cargo();
    command.current_dir(root).args([
        "build",
        &format!("--target={TARGET}"),
        "--manifest-path",
        &root.join("Cargo.toml").to_string_lossy(),
        "--release",
        "--offline",
    ]);
    for app in apps {
        command.args(["--bin", app.bin]);
    }
    command.envs(RELEASE_ENV.iter().copied());
    run(&mut command)?;
    let out = target_dir(root).join(TARGET).join("release");
    Ok(apps
        .iter()
        .map(|app| out.join(format!("{}.wasm", app.bin)))
        .collect())
}

/// The version of the `wasm-bindgen` crate in Cargo.lock (the CLI must be the same).
pub fn locked_wasm_bindgen(lock: &str) -> Option<&str> {
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            return lines
                .next()?
                .strip_prefix("version = \"")?
                .strip_suffix('"');
        }
    }
    None
}

/// Checks that `tool --version` says `expected` (a pinned tool, not whatever is on PATH).
pub fn check_version(tool: &Path, expected: &str) -> Result<(), String> {
    let out = Command::new(tool)
        .arg("--version")
        .output()
        .map_err(|e| format!("{}: {e} (scripts/setup.sh installs it)", tool.display()))?;
    let said = String::from_utf8_lossy(&out.stdout);
    if said.contains(expected) {
        Ok(())
    } else {
        Err(format!(
            "{} is {}, not {expected} (scripts/setup.sh installs it)",
            tool.display(),
            said.trim()
        ))
    }
}

/// wasm-bindgen (`--target=web`, no TypeScript) into `out`, named after the bin: writes
/// `out/<bin>.js`, `out/<bin>_bg.wasm` and any `out/snippets/`.
pub fn bindgen(wasm_bindgen: &Path, wasm: &Path, out: &Path, bin: &str) -> Result<(), String> {
    run(Command::new(wasm_bindgen).args([
        "--target=web".to_string(),
        format!("--out-dir={}", out.display()),
        format!("--out-name={bin}"),
        wasm.to_string_lossy().into_owned(),
        "--no-typescript".to_string(),
    ]))
}

/// wasm-opt at [`WASM_OPT_LEVEL`], `input` → `output`.
pub fn optimise(wasm_opt: &Path, input: &Path, output: &Path) -> Result<(), String> {
    run(Command::new(wasm_opt).args([
        format!("--output={}", output.display()),
        WASM_OPT_LEVEL.to_string(),
        input.to_string_lossy().into_owned(),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_release_options_are_release_env_shs() {
        let script = std::fs::read_to_string(crate::root().join("scripts/release-env.sh")).unwrap();
        let exported: Vec<(String, String)> = script
            .lines()
            .filter_map(|l| l.strip_prefix("export "))
            .map(|l| {
                let (k, v) = l.split_once('=').unwrap();
                (k.to_string(), v.trim_matches('"').to_string())
            })
            .collect();
        let ours: Vec<(String, String)> = RELEASE_ENV
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(exported, ours);
    }

    #[test]
    fn the_apps_are_the_crates_bins_each_once() {
        let manifest = std::fs::read_to_string(crate::root().join("Cargo.toml")).unwrap();
        for app in APPS {
            assert!(
                manifest.contains(&format!("name = \"{}\"", app.bin)),
                "{} is a bin of Cargo.toml",
                app.bin
            );
            assert_eq!(APPS.iter().filter(|a| a.page == app.page).count(), 1);
        }
        assert_eq!(APPS[0].page, "index.html");
    }

    #[test]
    fn reads_the_locked_wasm_bindgen() {
        let lock = "[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n\n[[package]]\nname = \"wasm-bindgen-futures\"\nversion = \"0.4.1\"\n";
        assert_eq!(locked_wasm_bindgen(lock), Some("0.2.130"));
        assert_eq!(locked_wasm_bindgen("name = \"x\""), None);
        let real = std::fs::read_to_string(crate::root().join("Cargo.lock")).unwrap();
        let manifest = std::fs::read_to_string(crate::root().join("Cargo.toml")).unwrap();
        let pinned = locked_wasm_bindgen(&real).unwrap();
        assert!(manifest.contains(&format!("wasm-bindgen = \"={pinned}\"")));
    }
}
