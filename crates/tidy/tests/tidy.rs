//! The house rules (ARCHITECTURE.md "The house rules") over the real tree: each test
//! fails naming every offender. `cargo test -p yizhan-tidy`.

use std::process::Command;
use yizhan_tidy::{circles, keys, length, purity, tree};

fn fail_with(rule: &str, problems: &[String]) {
    assert!(
        problems.is_empty(),
        "{rule}: {} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn no_file_is_longer_than_the_house_allows() {
    let root = tree::workspace_root();
    let files = tree::files(&root, ".", length::is_covered);
    assert!(
        files.iter().any(|(p, _)| p == "src/state.rs"),
        "the walk found no source"
    );
    assert!(
        files.iter().any(|(p, _)| p == "scripts/test.sh"),
        "the walk found no script"
    );
    fail_with(
        "files over 400 lines without a reason",
        &length::check_all(&files),
    );
}

#[test]
fn no_module_circle_within_a_crate() {
    let root = tree::workspace_root();
    let mut problems = Vec::new();
    let mut crates = vec![("yizhan".to_string(), ".".to_string())];
    for entry in std::fs::read_dir(root.join("crates")).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        crates.push((format!("crates/{name}"), format!("crates/{name}")));
    }
    for (name, dir) in crates {
        let src = format!("{dir}/src");
        let prefix = if dir == "." {
            "src/".to_string()
        } else {
            format!("{src}/")
        };
        let files: Vec<(String, String)> = tree::files(&root, &src, |p| p.ends_with(".rs"))
            .into_iter()
            .map(|(path, text)| {
                (
                    path.strip_prefix(&prefix).unwrap_or(&path).to_string(),
                    text,
                )
            })
            .collect();
        assert!(
            files.iter().any(|(p, _)| p == "lib.rs"),
            "{name}: no src/lib.rs found"
        );
        problems.extend(circles::check(&name, &files));
    }
    fail_with("module circles", &problems);
}

#[test]
fn every_storage_key_is_personal_or_public() {
    let root = tree::workspace_root();
    let mut files = tree::files(&root, "src", |p| p.ends_with(".rs"));
    files.extend(tree::files(&root, "crates/core/src", |p| {
        p.ends_with(".rs")
    }));
    assert!(files.iter().any(|(p, _)| p == keys::LISTS_FILE));
    fail_with("storage keys", &keys::check(&files));
}

#[test]
fn the_core_has_no_browser_or_server_crate() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let output = Command::new(cargo)
        .args(["metadata", "--format-version", "1"])
        .current_dir(tree::workspace_root())
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let reached = purity::reached(&metadata, "yizhan-core").unwrap();
    // A walk that found nothing would pass: it must reach what the core names.
    for expected in ["serde", "serde_json", "ed25519-dalek", "hpke"] {
        assert!(
            reached.contains_key(expected),
            "the walk missed {expected}: {reached:?}"
        );
    }
    fail_with(
        "yizhan-core's dependencies",
        &purity::check(&metadata, "yizhan-core"),
    );
}
