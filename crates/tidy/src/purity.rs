//! Rule: `yizhan-core` is pure: no browser crate and no server crate anywhere in its
//! normal dependencies (what `cargo tree -p yizhan-core -e normal` shows), read from
//! `cargo metadata --format-version 1`. The metadata's resolve is the whole
//! workspace's (the app turns on getrandom's `js`, which brings wasm-bindgen), so the
//! walk follows each dependency the way Cargo enables it for the core alone: a
//! non-optional one, or an optional one a feature turned on, with the features its
//! parent asks for (and `default` unless `default-features = false`).

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// Crates the core must never reach: the browser's (Leptos, web-sys, js-sys, gloo,
/// wasm-bindgen) and the server's or desk's (axum, tokio, hyper, SQLite, CSV, the
/// sheets, HTTP clients, templates). A name matches as itself or as a family
/// (`gloo` refuses `gloo-net`, `wasm-bindgen` refuses `wasm-bindgen-futures`).
pub const REFUSED: &[&str] = &[
    "leptos",
    "web-sys",
    "js-sys",
    "gloo",
    "wasm-bindgen",
    "axum",
    "tokio",
    "hyper",
    "tower",
    "rusqlite",
    "libsqlite3-sys",
    "csv",
    "calamine",
    "encoding_rs",
    "ureq",
    "reqwest",
    "maud",
    "argon2",
    "mio",
    "rustls",
];

/// Whether `name` is refused: `refused("gloo-storage")`.
pub fn refused(name: &str) -> bool {
    REFUSED.iter().any(|r| {
        name == *r
            || name
                .strip_prefix(r)
                .is_some_and(|rest| rest.starts_with(['-', '_']))
    })
}

struct Dependency<'m> {
    name: &'m str,
    /// How the parent's features name it (its rename, else its name).
    key: &'m str,
    optional: bool,
    default_features: bool,
    features: Vec<&'m str>,
}

/// The packages `root` reaches through normal dependencies, each with the path that
/// reached it: `reached(&metadata, "yizhan-core")` →
/// `{"serde": ["yizhan-core", "serde"], …}`.
pub fn reached(metadata: &Value, root: &str) -> Result<BTreeMap<String, Vec<String>>, String> {
    let packages = metadata["packages"]
        .as_array()
        .ok_or("metadata without packages")?;
    let nodes = metadata["resolve"]["nodes"]
        .as_array()
        .ok_or("metadata without resolve")?;
    let package = |id: &str| packages.iter().find(|p| p["id"] == id);
    let node = |id: &str| nodes.iter().find(|n| n["id"] == id);
    let root_id = packages
        .iter()
        .find(|p| p["name"] == root)
        .and_then(|p| p["id"].as_str())
        .ok_or(format!("no package {root} in the metadata"))?;
    let mut active: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    let mut via: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = VecDeque::from([root_id]);
    active.insert(root_id, BTreeSet::from(["default".to_string()]));
    while let Some(id) = queue.pop_front() {
        let p = package(id).ok_or(format!("no package {id}"))?;
        let declared = p["features"].as_object().cloned().unwrap_or_default();
        let dependencies: Vec<Dependency> = p["dependencies"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|d| d["kind"].is_null())
            .map(|d| Dependency {
                name: d["name"].as_str().unwrap_or(""),
                key: d["rename"].as_str().or(d["name"].as_str()).unwrap_or(""),
                optional: d["optional"] == true,
                default_features: d["uses_default_features"] != false,
                features: d["features"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect(),
            })
            .collect();
        // The features on, closed over what they turn on.
        let mut features = active[id].clone();
        let mut on_deps: BTreeSet<String> = BTreeSet::new();
        let mut dep_features: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut todo: Vec<String> = features.iter().cloned().collect();
        while let Some(feature) = todo.pop() {
            if dependencies.iter().any(|d| d.optional && d.key == feature) {
                on_deps.insert(feature.clone());
            }
            for value in declared
                .get(&feature)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let value = value.as_str().unwrap_or("");
                if let Some(dep) = value.strip_prefix("dep:") {
                    on_deps.insert(dep.to_string());
                } else if let Some((dep, feature)) = value.split_once('/') {
                    let (dep, weak) = match dep.strip_suffix('?') {
                        Some(dep) => (dep, true),
                        None => (dep, false),
                    };
                    if !weak {
                        on_deps.insert(dep.to_string());
                    }
                    dep_features
                        .entry(dep.to_string())
                        .or_default()
                        .insert(feature.to_string());
                } else if features.insert(value.to_string()) {
                    todo.push(value.to_string());
                }
            }
        }
        let resolved: Vec<&Value> = node(id)
            .and_then(|n| n["deps"].as_array())
            .into_iter()
            .flatten()
            .collect();
        for dependency in &dependencies {
            if dependency.optional && !on_deps.contains(dependency.key) {
                continue;
            }
            let mut wanted: BTreeSet<String> =
                dependency.features.iter().map(|f| f.to_string()).collect();
            if dependency.default_features {
                wanted.insert("default".to_string());
            }
            wanted.extend(
                dep_features
                    .get(dependency.key)
                    .cloned()
                    .unwrap_or_default(),
            );
            let extern_name = dependency.key.replace('-', "_");
            for target in resolved
                .iter()
                .filter(|r| r["name"] == extern_name.as_str())
            {
                let Some(target_id) = target["pkg"].as_str() else {
                    continue;
                };
                if package(target_id).is_none_or(|t| t["name"] != dependency.name) {
                    continue;
                }
                let entry = active.entry(target_id).or_default();
                let before = entry.len();
                let new = !via.contains_key(target_id) && target_id != root_id;
                entry.extend(wanted.iter().cloned());
                if new {
                    via.insert(target_id, id);
                }
                if new || entry.len() != before {
                    queue.push_back(target_id);
                }
            }
        }
    }
    let name_of = |id: &str| {
        package(id)
            .and_then(|p| p["name"].as_str())
            .unwrap_or(id)
            .to_string()
    };
    let mut reached = BTreeMap::new();
    for id in active.keys() {
        let mut path = vec![name_of(id)];
        let mut at = *id;
        while let Some(parent) = via.get(at) {
            path.push(name_of(parent));
            at = parent;
        }
        path.reverse();
        reached.insert(name_of(id), path);
    }
    Ok(reached)
}

/// Every refused crate `root` reaches, one line each with the way it comes in:
/// `check(&metadata, "yizhan-core")`.
pub fn check(metadata: &Value, root: &str) -> Vec<String> {
    match reached(metadata, root) {
        Err(e) => vec![format!("cannot read the metadata: {e}")],
        Ok(reached) => reached
            .iter()
            .filter(|(name, _)| refused(name))
            .map(|(name, path)| {
                format!(
                    "{root} depends on {name}, a browser or server crate: {}",
                    path.join(" → ")
                )
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn dep(name: &str, optional: bool, features: &[&str]) -> Value {
        json!({"name": name, "rename": null, "kind": null, "optional": optional,
               "uses_default_features": true, "features": features})
    }

    fn package(name: &str, deps: Vec<Value>, features: Value) -> Value {
        json!({"id": format!("{name} 1.0"), "name": name, "dependencies": deps, "features": features})
    }

    fn node(name: &str, deps: &[&str]) -> Value {
        let deps: Vec<Value> = deps
            .iter()
            .map(|d| {
                json!({"name": d.replace('-', "_"), "pkg": format!("{d} 1.0"),
                            "dep_kinds": [{"kind": null, "target": null}]})
            })
            .collect();
        json!({"id": format!("{name} 1.0"), "deps": deps})
    }

    /// The core → getrandom, whose `js` feature (off for the core, on for the app in
    /// the workspace's resolve) brings wasm-bindgen; and a dev-dependency on tokio.
    fn metadata(core_deps: Vec<Value>) -> Value {
        let mut core_deps = core_deps;
        core_deps.push(dep("getrandom", false, &[]));
        core_deps.push(
            json!({"name": "tokio", "rename": null, "kind": "dev", "optional": false,
                              "uses_default_features": true, "features": []}),
        );
        json!({
            "packages": [
                package("yizhan-core", core_deps, json!({})),
                package("serde", vec![], json!({})),
                package("getrandom", vec![dep("wasm-bindgen", true, &[])],
                        json!({"js": ["wasm-bindgen"], "default": []})),
                package("wasm-bindgen", vec![], json!({})),
                package("gloo-storage", vec![dep("serde", false, &[])], json!({})),
                package("tokio", vec![], json!({})),
            ],
            "resolve": {"nodes": [
                node("yizhan-core", &["serde", "getrandom", "gloo-storage", "tokio"]),
                node("getrandom", &["wasm-bindgen"]),
                node("gloo-storage", &["serde"]),
                node("serde", &[]), node("wasm-bindgen", &[]), node("tokio", &[]),
            ]}
        })
    }

    #[test]
    fn a_pure_core_passes_though_the_workspace_turns_on_a_browser_feature() {
        let m = metadata(vec![dep("serde", false, &[])]);
        assert_eq!(check(&m, "yizhan-core"), Vec::<String>::new());
        let reached = reached(&m, "yizhan-core").unwrap();
        assert_eq!(
            reached.keys().collect::<Vec<_>>(),
            ["getrandom", "serde", "yizhan-core"]
        );
    }

    #[test]
    fn planted_a_browser_crate_is_named_with_its_way_in() {
        let m = metadata(vec![
            dep("serde", false, &[]),
            dep("gloo-storage", false, &[]),
        ]);
        let problems = check(&m, "yizhan-core");
        println!("planted (purity, direct): {problems:#?}");
        assert_eq!(
            problems,
            ["yizhan-core depends on gloo-storage, a browser or server crate: yizhan-core → gloo-storage"]
        );
    }

    #[test]
    fn planted_a_feature_that_brings_wasm_bindgen_is_named() {
        let mut m = metadata(vec![]);
        m["packages"][0]["dependencies"][0]["features"] = json!(["js"]);
        let problems = check(&m, "yizhan-core");
        println!("planted (purity, through a feature): {problems:#?}");
        assert_eq!(
            problems,
            ["yizhan-core depends on wasm-bindgen, a browser or server crate: yizhan-core → getrandom → wasm-bindgen"]
        );
    }

    #[test]
    fn families_are_refused_and_look_alikes_are_not() {
        assert!(refused("gloo-net") && refused("wasm-bindgen-futures") && refused("tokio"));
        assert!(refused("csv-core") && refused("leptos_dom") && refused("hyper-util"));
        assert!(!refused("serde") && !refused("tokio2") && !refused("csvx"));
    }
}
