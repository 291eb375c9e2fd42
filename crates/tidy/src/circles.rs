//! Rule: no import circle between the modules of a crate. Every `crate::…`,
//! `super::…` and `self::…` path (in `use` items, in code, and in the tokens of macro
//! calls such as `view!`) is an edge from the module it is written in to the module
//! it names. For each module, its children must not form a circle: an edge from
//! anything inside child `a` to anything inside child `b` is `a → b`. So `outcome →
//! wallet → outcome` under the core's root is refused, and so is `pages → state →
//! pages`, or `web::auth → web::pages → web::auth` inside the desk. A module using its
//! own parent or child is no circle.

use proc_macro2::{TokenStream, TokenTree};
use std::collections::{BTreeMap, BTreeSet};
use syn::visit::{self, Visit};

/// A module's path in its crate: `["desk", "web", "auth"]`; the root is `[]`.
pub type ModulePath = Vec<String>;

/// The module a file under `src/` is, or None for a binary's files (`main.rs`,
/// `bin/…`), which are crates of their own: `module_of("desk/web/mod.rs")`.
pub fn module_of(relative: &str) -> Option<ModulePath> {
    if relative == "main.rs" || relative.starts_with("bin/") {
        return None;
    }
    let stem = relative.strip_suffix(".rs")?;
    let mut path: ModulePath = stem.split('/').map(String::from).collect();
    if path.last().is_some_and(|last| last == "mod") || path == ["lib"] {
        path.pop();
    }
    Some(path)
}

/// One path written in a file: from the module it is written in, to what it names.
#[derive(Clone, Debug)]
struct Reference {
    from: ModulePath,
    to: ModulePath,
    file: String,
    written: String,
}

struct Collector<'f> {
    file: &'f str,
    stack: ModulePath,
    modules: Vec<ModulePath>,
    references: Vec<Reference>,
}

impl Collector<'_> {
    fn record(&mut self, segments: &[String]) {
        let Some(first) = segments.first() else {
            return;
        };
        let to: ModulePath = match first.as_str() {
            "crate" => segments[1..].to_vec(),
            "self" => self.stack.iter().chain(&segments[1..]).cloned().collect(),
            "super" => {
                let ups = segments.iter().take_while(|s| *s == "super").count();
                if ups > self.stack.len() {
                    return;
                }
                let base = &self.stack[..self.stack.len() - ups];
                base.iter().chain(&segments[ups..]).cloned().collect()
            }
            _ => return,
        };
        self.references.push(Reference {
            from: self.stack.clone(),
            to,
            file: self.file.to_string(),
            written: segments.join("::"),
        });
    }

    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(prefix, &p.tree);
                prefix.pop();
            }
            syn::UseTree::Name(n) => self.record_with(prefix, &n.ident),
            syn::UseTree::Rename(r) => self.record_with(prefix, &r.ident),
            syn::UseTree::Glob(_) => self.record(&prefix.clone()),
            syn::UseTree::Group(g) => {
                for item in &g.items {
                    self.use_tree(prefix, item);
                }
            }
        }
    }

    fn record_with(&mut self, prefix: &[String], last: &syn::Ident) {
        let mut path = prefix.to_vec();
        if last != "self" {
            path.push(last.to_string());
        }
        self.record(&path);
    }

    /// `crate :: a :: b` sequences in a macro's tokens (what syn cannot parse as code).
    fn tokens(&mut self, tokens: TokenStream) {
        let flat: Vec<TokenTree> = tokens.into_iter().collect();
        let mut i = 0;
        while i < flat.len() {
            match &flat[i] {
                TokenTree::Group(g) => self.tokens(g.stream()),
                TokenTree::Ident(id) if id == "crate" || id == "super" || id == "self" => {
                    let mut segments = vec![id.to_string()];
                    let mut j = i + 1;
                    while let (
                        Some(TokenTree::Punct(a)),
                        Some(TokenTree::Punct(b)),
                        Some(TokenTree::Ident(next)),
                    ) = (flat.get(j), flat.get(j + 1), flat.get(j + 2))
                    {
                        if a.as_char() != ':' || b.as_char() != ':' {
                            break;
                        }
                        segments.push(next.to_string());
                        j += 3;
                    }
                    if segments.len() > 1 {
                        self.record(&segments);
                    }
                    i = j;
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
    }
}

impl<'ast> Visit<'ast> for Collector<'_> {
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        self.stack.push(m.ident.to_string());
        self.modules.push(self.stack.clone());
        visit::visit_item_mod(self, m);
        self.stack.pop();
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        self.use_tree(&mut Vec::new(), &u.tree);
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        let segments: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
        self.record(&segments);
        visit::visit_path(self, p);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        visit::visit_macro(self, m);
        self.tokens(m.tokens.clone());
    }
}

/// Every module circle in one crate, one line each with the paths that make it:
/// `check("yizhan-core", &[("outcome.rs".into(), text), …])`. `files` are the crate's
/// sources with paths relative to its `src/`; a file that does not parse is named.
pub fn check(crate_name: &str, files: &[(String, String)]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut modules: BTreeSet<ModulePath> = BTreeSet::new();
    let mut references = Vec::new();
    for (relative, text) in files {
        let Some(module) = module_of(relative) else {
            continue;
        };
        let parsed = match syn::parse_file(text) {
            Ok(parsed) => parsed,
            Err(e) => {
                problems.push(format!("{crate_name}: src/{relative} does not parse: {e}"));
                continue;
            }
        };
        let mut collector = Collector {
            file: relative,
            stack: module.clone(),
            modules: vec![module],
            references: Vec::new(),
        };
        collector.visit_file(&parsed);
        modules.extend(collector.modules);
        references.extend(collector.references);
    }
    // Under each parent module: child → child → the first reference making that edge.
    let mut graphs: BTreeMap<ModulePath, BTreeMap<String, BTreeMap<String, Reference>>> =
        BTreeMap::new();
    for reference in references {
        // What it names, cut to the deepest module (`wallet::MemberCard` is `wallet`).
        let mut to = reference.to.clone();
        while !to.is_empty() && !modules.contains(&to) {
            to.pop();
        }
        let common = reference
            .from
            .iter()
            .zip(&to)
            .take_while(|(a, b)| a == b)
            .count();
        if common == reference.from.len() || common == to.len() {
            continue;
        }
        let parent = reference.from[..common].to_vec();
        graphs
            .entry(parent)
            .or_default()
            .entry(reference.from[common].clone())
            .or_default()
            .entry(to[common].clone())
            .or_insert(reference);
    }
    for (parent, graph) in &graphs {
        for circle in circles(graph) {
            let under = if parent.is_empty() {
                "its root".to_string()
            } else {
                parent.join("::")
            };
            let mut shown = circle.join(" → ");
            shown.push_str(" → ");
            shown.push_str(&circle[0]);
            let because: Vec<String> = circle
                .iter()
                .zip(circle.iter().cycle().skip(1))
                .map(|(a, b)| {
                    let r = &graph[a][b];
                    format!("src/{} uses {}", r.file, r.written)
                })
                .collect();
            problems.push(format!(
                "{crate_name}: module circle under {under}: {shown} ({})",
                because.join("; ")
            ));
        }
    }
    problems
}

/// One circle per group of modules that reach each other, shortest from the group's
/// first module (in name order).
fn circles<V>(graph: &BTreeMap<String, BTreeMap<String, V>>) -> Vec<Vec<String>> {
    let nodes: BTreeSet<&String> = graph
        .iter()
        .flat_map(|(from, tos)| std::iter::once(from).chain(tos.keys()))
        .collect();
    let reach = |start: &String| -> BTreeMap<String, String> {
        // node → the node it was reached from (breadth first: shortest paths).
        let mut came: BTreeMap<String, String> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([start.clone()]);
        while let Some(at) = queue.pop_front() {
            for next in graph.get(&at).map(|t| t.keys()).into_iter().flatten() {
                if !came.contains_key(next) {
                    came.insert(next.clone(), at.clone());
                    queue.push_back(next.clone());
                }
            }
        }
        came
    };
    let mut done: BTreeSet<String> = BTreeSet::new();
    let mut found = Vec::new();
    for node in nodes {
        if done.contains(node) {
            continue;
        }
        let came = reach(node);
        if !came.contains_key(node) {
            continue;
        }
        // The shortest way back to `node`.
        let mut circle = vec![];
        let mut at = came[node].clone();
        while &at != node {
            circle.push(at.clone());
            at = came[&at].clone();
        }
        circle.push(node.clone());
        circle.reverse();
        // Its whole group (reached from it and reaching it) is reported once.
        for other in came.keys() {
            if reach(other).contains_key(node) {
                done.insert(other.clone());
            }
        }
        found.push(circle);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> (String, String) {
        (path.to_string(), text.to_string())
    }

    #[test]
    fn planted_a_circle_between_two_modules_is_named_with_its_paths() {
        let files = [
            file("lib.rs", "pub mod outcome; pub mod wallet;"),
            file(
                "outcome.rs",
                "use crate::wallet::MemberCard; pub fn f(_: MemberCard) {}",
            ),
            file(
                "wallet.rs",
                "pub struct MemberCard; fn g() { let _ = crate::outcome::status_for(); }",
            ),
        ];
        let problems = check("planted-core", &files);
        println!("planted (circles): {problems:#?}");
        assert_eq!(
            problems,
            [
                "planted-core: module circle under its root: outcome → wallet → outcome \
              (src/outcome.rs uses crate::wallet::MemberCard; \
              src/wallet.rs uses crate::outcome::status_for)"
            ]
        );
    }

    #[test]
    fn planted_circles_deeper_down_through_super_groups_and_macros_are_named() {
        let files = [
            file("lib.rs", "mod desk; mod state; mod pages;"),
            file("desk/mod.rs", "mod web;"),
            file("desk/web/mod.rs", "mod auth; mod pages;"),
            file("desk/web/auth.rs", "use super::{pages::{self, Page}};"),
            file("desk/web/pages.rs", "use super::super::web::auth::*;"),
            // A page named in a macro's tokens only, as `view!` does.
            file("state.rs", "fn f() { view! { <crate::pages::Home /> } }"),
            file("pages/mod.rs", "mod home;"),
            file("pages/home.rs", "use crate::state; pub struct Home;"),
        ];
        let problems = check("planted-app", &files);
        println!("planted (circles, nested and in a macro): {problems:#?}");
        assert_eq!(problems.len(), 2, "{problems:#?}");
        assert!(problems[0].starts_with(
            "planted-app: module circle under its root: pages → state → pages \
             (src/pages/home.rs uses crate::state; src/state.rs uses crate::pages::Home)"
        ));
        assert!(problems[1]
            .starts_with("planted-app: module circle under desk::web: auth → pages → auth"));
    }

    #[test]
    fn one_way_uses_parents_children_and_binaries_make_no_circle() {
        let files = [
            file("lib.rs", "mod a; mod b; use crate::a::X;"),
            file("a/mod.rs", "mod inner; pub use inner::X; use crate::b::Y;"),
            file(
                "a/inner.rs",
                "use super::super::a::*; pub struct X; use crate::a;",
            ),
            file(
                "b.rs",
                "pub struct Y; #[cfg(test)] mod tests { use super::*; }",
            ),
            file("main.rs", "use crate::a; use crate::b;"),
            file("bin/tool.rs", "mod b; use crate::b;"),
        ];
        assert_eq!(check("fine", &files), Vec::<String>::new());
        assert_eq!(
            module_of("desk/web/mod.rs"),
            Some(vec!["desk".into(), "web".into()])
        );
        assert_eq!(module_of("lib.rs"), Some(vec![]));
        assert_eq!(module_of("bin/verify.rs"), None);
    }

    #[test]
    fn planted_a_file_that_does_not_parse_is_named() {
        let problems = check("broken", &[file("lib.rs", "fn (")]);
        println!("planted (circles, unparsable): {problems:#?}");
        assert!(
            problems[0].starts_with("broken: src/lib.rs does not parse"),
            "{problems:?}"
        );
    }
}
