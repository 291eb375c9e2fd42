//! Rule: every storage key the app stores under is classified, personal or public,
//! in exactly one of the two lists of `src/state.rs`: `PERSONAL_KEYS` ("delete all"
//! removes them; a kiosk keeps the user's in memory) or `PUBLIC_KEYS` ("delete all"
//! keeps them: they say nothing about anyone).
//!
//! A storage key is what the storage adapter says every key is: a string starting
//! with `yizhan.` (`APP_PREFIX`). Each is a `const` (`Wallet::STORAGE_KEY`,
//! `feed_sync::HELD_KEY`), named in the lists by its path; one written inline (a
//! literal `"yizhan.…"` outside a `const`) is refused, for the lists could not name
//! it. Tests (`#[cfg(test)]`) and the prefix itself are not keys.

use std::collections::BTreeMap;
use syn::visit::{self, Visit};

/// What every key starts with (`adapters::storage::APP_PREFIX`).
pub const PREFIX: &str = "yizhan.";
/// The file holding the two lists.
pub const LISTS_FILE: &str = "src/state.rs";
/// The two lists, by name.
pub const LISTS: [&str; 2] = ["PERSONAL_KEYS", "PUBLIC_KEYS"];

/// A key: where it is declared and how the lists name it (`Wallet::STORAGE_KEY`,
/// `handoff::KEY`: the type for an associated const, else the file's module).
#[derive(Debug)]
struct Key {
    qualifier: String,
    name: String,
    value: String,
    file: String,
}

struct Finder<'f> {
    file: &'f str,
    module: String,
    keys: Vec<Key>,
    inline: Vec<String>,
    lists: BTreeMap<String, Vec<Vec<String>>>,
}

fn is_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && a.parse_args::<syn::Meta>()
                .is_ok_and(|m| m.path().is_ident("test"))
    })
}

fn key_literal(expr: &syn::Expr) -> Option<String> {
    match expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(s.value()),
        _ => None,
    }
    .filter(|v| v.starts_with(PREFIX) && v != PREFIX)
}

impl Finder<'_> {
    fn constant(&mut self, qualifier: String, name: &syn::Ident, expr: &syn::Expr) -> bool {
        if let Some(value) = key_literal(expr) {
            self.keys.push(Key {
                qualifier,
                name: name.to_string(),
                value,
                file: self.file.to_string(),
            });
            return true;
        }
        if LISTS.iter().any(|list| name == list) {
            let elements = match expr {
                syn::Expr::Array(a) => Some(&a.elems),
                syn::Expr::Reference(r) => match &*r.expr {
                    syn::Expr::Array(a) => Some(&a.elems),
                    _ => None,
                },
                _ => None,
            };
            let paths = elements.into_iter().flatten().filter_map(|e| match e {
                syn::Expr::Path(p) => Some(
                    p.path
                        .segments
                        .iter()
                        .map(|s| s.ident.to_string())
                        .collect(),
                ),
                _ => None,
            });
            self.lists.insert(name.to_string(), paths.collect());
        }
        false
    }
}

impl<'ast> Visit<'ast> for Finder<'_> {
    fn visit_attribute(&mut self, _: &'ast syn::Attribute) {}

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        if !is_test(&m.attrs) {
            visit::visit_item_mod(self, m);
        }
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        if !is_test(&f.attrs) {
            visit::visit_item_fn(self, f);
        }
    }

    fn visit_item_const(&mut self, c: &'ast syn::ItemConst) {
        if !self.constant(self.module.clone(), &c.ident, &c.expr) {
            visit::visit_item_const(self, c);
        }
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let owner = match &*i.self_ty {
            syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        };
        for item in &i.items {
            match (item, &owner) {
                (syn::ImplItem::Const(c), Some(owner)) => {
                    if !self.constant(owner.clone(), &c.ident, &c.expr) {
                        visit::visit_impl_item_const(self, c);
                    }
                }
                _ => visit::visit_impl_item(self, item),
            }
        }
    }

    fn visit_lit_str(&mut self, s: &'ast syn::LitStr) {
        let value = s.value();
        if value.starts_with(PREFIX) && value != PREFIX {
            self.inline.push(format!(
                "{}: {value:?} is written inline: make it a const and list it in {LISTS_FILE}",
                self.file
            ));
        }
    }
}

/// The module a source file is, by the name the lists use: `src/adapters/pwa.rs` is
/// `pwa`, `src/feed_sync/mod.rs` is `feed_sync`.
fn module_name(path: &str) -> String {
    let stem = path.strip_suffix(".rs").unwrap_or(path);
    let mut parts: Vec<&str> = stem.split('/').collect();
    if parts.last().is_some_and(|l| *l == "mod" || *l == "lib") {
        parts.pop();
    }
    parts.last().unwrap_or(&"").to_string()
}

/// Every key not in exactly one list, every list entry that is no key, and every key
/// written inline, one line each: `check(&files)` over the app's and the core's
/// sources (paths relative to the workspace root, `src/state.rs` among them).
pub fn check(files: &[(String, String)]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut keys = Vec::new();
    let mut lists = BTreeMap::new();
    for (path, text) in files {
        let parsed = match syn::parse_file(text) {
            Ok(parsed) => parsed,
            Err(e) => {
                problems.push(format!("{path} does not parse: {e}"));
                continue;
            }
        };
        let mut finder = Finder {
            file: path,
            module: module_name(path),
            keys: Vec::new(),
            inline: Vec::new(),
            lists: BTreeMap::new(),
        };
        finder.visit_file(&parsed);
        keys.extend(finder.keys);
        problems.extend(finder.inline);
        if path == LISTS_FILE {
            lists = finder.lists;
        }
    }
    for list in LISTS {
        if !lists.contains_key(list) {
            problems.push(format!(
                "{LISTS_FILE} has no const {list} (an array of key paths)"
            ));
        }
    }
    let names = |key: &Key, path: &Vec<String>| match path.as_slice() {
        [.., qualifier, name] => *qualifier == key.qualifier && *name == key.name,
        [name] => *name == key.name,
        [] => false,
    };
    for key in &keys {
        let within: Vec<&str> = LISTS
            .iter()
            .filter(|list| {
                lists
                    .get(**list)
                    .is_some_and(|paths| paths.iter().any(|p| names(key, p)))
            })
            .copied()
            .collect();
        let what = format!(
            "{:?} ({}::{}, {})",
            key.value, key.qualifier, key.name, key.file
        );
        match within.as_slice() {
            [_] => {}
            [] => problems.push(format!(
                "{what} is in neither PERSONAL_KEYS nor PUBLIC_KEYS ({LISTS_FILE}): \
                 say whether it is personal or public"
            )),
            _ => problems.push(format!("{what} is in both PERSONAL_KEYS and PUBLIC_KEYS")),
        }
    }
    for (list, paths) in &lists {
        for path in paths {
            if !keys.iter().any(|key| names(key, path)) {
                problems.push(format!(
                    "{LISTS_FILE}: {list} names {}, which is no storage key",
                    path.join("::")
                ));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> (String, String) {
        (path.to_string(), text.to_string())
    }

    fn state(personal: &str, public: &str) -> (String, String) {
        file(
            LISTS_FILE,
            &format!(
                "pub const PERSONAL_KEYS: [&str; 2] = [{personal}];\n\
                 pub const PUBLIC_KEYS: &[&str] = &[{public}];"
            ),
        )
    }

    fn core() -> Vec<(String, String)> {
        vec![
            file(
                "crates/core/src/prefs.rs",
                "impl Prefs { pub const STORAGE_KEY: &'static str = \"yizhan.prefs.v1\"; }",
            ),
            file(
                "src/feed_sync/mod.rs",
                "pub const HELD_KEY: &str = \"yizhan.feed.v1\";",
            ),
            file(
                "src/adapters/storage.rs",
                "const APP_PREFIX: &str = \"yizhan.\";\n\
                 #[cfg(test)] mod tests { const T: &str = \"yizhan.test\"; }",
            ),
        ]
    }

    #[test]
    fn every_key_in_one_list_passes() {
        let mut files = core();
        files.push(state(
            "yizhan_core::prefs::Prefs::STORAGE_KEY",
            "crate::feed_sync::HELD_KEY",
        ));
        assert_eq!(check(&files), Vec::<String>::new());
    }

    #[test]
    fn planted_a_key_in_no_list_is_named() {
        let mut files = core();
        files.push(file(
            "crates/core/src/planted.rs",
            "impl Planted { pub const STORAGE_KEY: &'static str = \"yizhan.planted.v1\"; }",
        ));
        files.push(state("Prefs::STORAGE_KEY", "crate::feed_sync::HELD_KEY"));
        let problems = check(&files);
        println!("planted (keys, unclassified): {problems:#?}");
        assert_eq!(
            problems,
            [
                "\"yizhan.planted.v1\" (Planted::STORAGE_KEY, crates/core/src/planted.rs) is in \
              neither PERSONAL_KEYS nor PUBLIC_KEYS (src/state.rs): say whether it is \
              personal or public"
            ]
        );
    }

    #[test]
    fn planted_a_key_in_both_an_inline_key_and_a_stale_entry_are_named() {
        let mut files = core();
        files.push(file(
            "src/pages/x.rs",
            "fn f() { storage::save(\"yizhan.inline.v1\", &1); }",
        ));
        files.push(state(
            "Prefs::STORAGE_KEY, crate::feed_sync::HELD_KEY",
            "crate::feed_sync::HELD_KEY, crate::gone::OLD_KEY",
        ));
        let problems = check(&files);
        println!("planted (keys, inline, both, stale): {problems:#?}");
        assert_eq!(problems.len(), 3, "{problems:#?}");
        assert!(problems[0].starts_with("src/pages/x.rs: \"yizhan.inline.v1\" is written inline"));
        assert!(problems[1].starts_with(
            "\"yizhan.feed.v1\" (feed_sync::HELD_KEY, src/feed_sync/mod.rs) is in both"
        ));
        assert_eq!(
            problems[2],
            "src/state.rs: PUBLIC_KEYS names crate::gone::OLD_KEY, which is no storage key"
        );
    }

    #[test]
    fn planted_lists_missing_are_named() {
        let mut files = core();
        files.push(file(LISTS_FILE, "pub const KEYS: [&str; 0] = [];"));
        let problems = check(&files);
        println!("planted (keys, no lists): {problems:#?}");
        assert!(problems.contains(
            &"src/state.rs has no const PERSONAL_KEYS (an array of key paths)".to_string()
        ));
    }
}
