//! Longer than 400 lines because the stages' order and the tests of what joins them
//! (the site's names, the staging swap) read best in one place.
//!
//! `cargo xtask build`: the release build, stage by stage (each stage is a function of
//! its own module, tested there). Writes everything into `<dist>.staging/` and only
//! then replaces `<dist>/` with it, so a failed build leaves no half-written dist.
//!
//!  1. the pre-build checks: the publisher keys (scripts/check-keys.sh, when
//!     YIZHAN_PUBLISHER_KEYS is set) and the bundled sample feed (scripts/sample-feed.sh);
//!  2. the three apps' wasm (apps.rs: cargo with the size options, wasm-bindgen,
//!     wasm-opt), their shared names shortened (wasm_names.rs), the glue minified
//!     (minify.rs);
//!  3. the style sheets minified; each file named by its content (`name-<hash>.ext`);
//!  4. each app's loader from web/boot.js (boot.rs);
//!  5. the three pages from web/page.html (page.rs), integrity hashes written once, of
//!     the files as they ship;
//!  6. the service worker's version and lists (precache.rs);
//!  7. the venue's QR reader under /vendor/zxing/, the feed under /feed/;
//!  8. a .gz and a .br beside every text file (compress.rs);
//!  9. the size report and budget (size.rs).

use crate::apps::{self, App, APPS};
use crate::compress;
use crate::hash::content_hash;
use crate::minify::{minify, Kind};
use crate::page::{self, Scripts};
use crate::precache::{self, Keep};
use crate::{boot, size};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The files of the build, by their path in the site (`/name`), before they are written.
#[derive(Default)]
pub struct Site {
    files: BTreeMap<String, (Vec<u8>, Keep)>,
}

impl Site {
    /// Adds a file; the same path twice must be the same bytes (the apps share files).
    pub fn add(&mut self, path: String, bytes: Vec<u8>, keep: Keep) -> Result<(), String> {
        if let Some((old, _)) = self.files.get(&path) {
            return if *old == bytes {
                Ok(())
            } else {
                Err(format!("{path}: two different files under one name"))
            };
        }
        self.files.insert(path, (bytes, keep));
        Ok(())
    }

    /// Adds a file named by its content: `/stem-<hash>.ext`; returns that path.
    pub fn add_hashed(
        &mut self,
        stem: &str,
        ext: &str,
        bytes: Vec<u8>,
        keep: Keep,
    ) -> Result<String, String> {
        let path = format!("/{stem}-{}.{ext}", content_hash(&[&bytes]));
        self.add(path.clone(), bytes, keep)?;
        Ok(path)
    }

    pub fn bytes(&self, path: &str) -> &[u8] {
        &self.files[path].0
    }

    pub fn write(&self, dir: &Path) -> Result<(), String> {
        for (path, (bytes, _)) in &self.files {
            let file = dir.join(path.trim_start_matches('/'));
            if let Some(parent) = file.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| format!("{}: {e}", parent.display()))?;
            }
            std::fs::write(&file, bytes).map_err(|e| format!("{}: {e}", file.display()))?;
        }
        Ok(())
    }
}

pub fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

pub fn read_text(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// What each app's page names.
struct Built {
    boot: String,
    glue: String,
    wasm: String,
    /// Snippets its glue imports (`/snippets/…`).
    snippets: Vec<String>,
}

/// The pre-build checks, as Trunk's hooks ran them.
pub fn pre_build(root: &Path) -> Result<(), String> {
    for script in ["scripts/check-keys.sh", "scripts/sample-feed.sh"] {
        apps::run(
            Command::new("bash")
                .arg(script)
                .current_dir(root)
                .env_remove("CARGO_BUILD_TARGET"),
        )?;
    }
    Ok(())
}

/// Every file under `dir` (recursively), as `(relative path with /, absolute path)`,
/// without dot files.
pub fn walk(dir: &Path) -> Result<Vec<(String, PathBuf)>, String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| format!("{}: {e}", d.display()))?;
        for entry in entries {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).expect("under dir");
                let rel: Vec<String> = rel
                    .iter()
                    .map(|c| c.to_string_lossy().into_owned())
                    .collect();
                out.push((rel.join("/"), path));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// One app: wasm-bindgen, wasm-opt, names, minified glue, its loader, into `site`.
fn build_app(
    tools: &Tools,
    site: &mut Site,
    app: &App,
    wasm: &Path,
    work: &Path,
) -> Result<Built, String> {
    let out = work.join(app.bin);
    if out.exists() {
        std::fs::remove_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    apps::bindgen(&tools.wasm_bindgen, wasm, &out, app.bin)?;
    let bound = out.join(format!("{}_bg.wasm", app.bin));
    let optimised = out.join(format!("{}_opt.wasm", app.bin));
    apps::optimise(&tools.wasm_opt, &bound, &optimised)?;
    let glue = read_text(&out.join(format!("{}.js", app.bin)))?;
    let short = crate::wasm_names::shorten_names(
        &read(&optimised)?,
        &glue,
        &format!("./{}_bg.js", app.bin),
    )?;
    println!(
        "{}: {} imports and {} exports renamed",
        app.bin, short.imports, short.exports
    );
    let glue = minify(&tools.esbuild, &short.glue, Kind::Module)?;
    // The glue and its wasm share one name, of both contents.
    let hash = content_hash(&[&short.wasm, glue.as_bytes()]);
    let (glue_path, wasm_path) = (
        format!("/{}-{hash}.js", app.bin),
        format!("/{}-{hash}_bg.wasm", app.bin),
    );
    // The snippets wasm-bindgen wrote (the crate's JS, such as the camera scan), under
    // their own names: the glue imports them so. Kept with the shell, as shared files.
    let mut snippets = Vec::new();
    if out.join("snippets").is_dir() {
        for (rel, path) in walk(&out.join("snippets"))? {
            let site_path = format!("/snippets/{rel}");
            site.add(site_path.clone(), read(&path)?, Keep::Shell)?;
            if glue.contains(&format!("./snippets/{rel}")) {
                snippets.push(site_path);
            }
        }
    }
    site.add(glue_path.clone(), glue.into_bytes(), app.keep)?;
    site.add(wasm_path.clone(), short.wasm, app.keep)?;
    let loader = boot::loader(&tools.boot_template, &glue_path, &wasm_path)?;
    let boot = site.add_hashed(
        "boot",
        "js",
        minify(&tools.esbuild, &loader, Kind::Module)?.into_bytes(),
        app.keep,
    )?;
    Ok(Built {
        boot,
        glue: glue_path,
        wasm: wasm_path,
        snippets,
    })
}

struct Tools {
    wasm_bindgen: PathBuf,
    wasm_opt: PathBuf,
    esbuild: PathBuf,
    boot_template: String,
}

/// The three pages, for a build version (the empty one to hash them without it).
fn pages(
    root: &Path,
    site: &Site,
    built: &[Built],
    styles: &BTreeMap<&str, String>,
    icon: &str,
    version: &str,
) -> Result<Vec<(String, String, Keep)>, String> {
    let template = read_text(&root.join("web/page.html"))?;
    let csp = page::csp_meta(&read_text(&root.join("deploy/nginx.conf"))?)?;
    let mut out = Vec::new();
    for (app, built) in APPS.iter().zip(built) {
        let mut head: Vec<String> = app
            .styles
            .iter()
            .map(|name| page::stylesheet(&styles[name], site.bytes(&styles[name])))
            .collect();
        head.push(format!(r#"<link rel="icon" href="{icon}" />"#));
        let modules: Vec<(String, &[u8])> = std::iter::once(&built.glue)
            .chain(&built.snippets)
            .map(|p| (p.clone(), site.bytes(p)))
            .collect();
        let scripts = Scripts {
            boot: &built.boot,
            modules: &modules,
            wasm: (&built.wasm, site.bytes(&built.wasm)),
            manifest: yizhan_core::feed::DEFAULT_MANIFEST,
            build: version,
        }
        .html();
        let html = page::render(
            &template,
            &[
                ("csp", &csp),
                ("title", app.title),
                ("styles", &head.join("\n    ")),
                ("scripts", &scripts),
                ("opening", app.opening),
            ],
        )?;
        out.push((format!("/{}", app.page), html, app.keep));
    }
    Ok(out)
}

/// Copies `from` (a folder) to `to`, without dot files.
fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    for (rel, path) in walk(from)? {
        let target = to.join(&rel);
        std::fs::create_dir_all(target.parent().expect("a file")).map_err(|e| e.to_string())?;
        std::fs::copy(&path, &target).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

/// The whole release build into `dist`.
pub fn build(root: &Path, dist: &Path, threads: usize) -> Result<(), String> {
    pre_build(root)?;
    let lock = read_text(&root.join("Cargo.lock"))?;
    let pinned = apps::locked_wasm_bindgen(&lock).ok_or("Cargo.lock has no wasm-bindgen")?;
    let tools = Tools {
        wasm_bindgen: PathBuf::from("wasm-bindgen"),
        wasm_opt: root.join("node_modules/.bin/wasm-opt"),
        esbuild: root.join("node_modules/.bin/esbuild"),
        boot_template: read_text(&root.join("web/boot.js"))?,
    };
    apps::check_version(&tools.wasm_bindgen, pinned)?;
    // binaryen 132 from npm (Debian's binaryen 108 produces a wasm that crashes at start).
    apps::check_version(&tools.wasm_opt, "version 132")?;

    let wasms = apps::build_wasm(root, APPS)?;
    let work = apps::target_dir(root).join("xtask");
    let mut site = Site::default();
    let mut built = Vec::new();
    for (app, wasm) in APPS.iter().zip(&wasms) {
        built.push(build_app(&tools, &mut site, app, wasm, &work)?);
    }

    let mut styles = BTreeMap::new();
    for name in ["main", "pages"] {
        let css = minify(
            &tools.esbuild,
            &read_text(&root.join(format!("style/{name}.css")))?,
            Kind::Css,
        )?;
        styles.insert(
            name,
            site.add_hashed(name, "css", css.into_bytes(), Keep::Shell)?,
        );
    }
    let public = root.join("public");
    let icon = site.add_hashed("icon", "svg", read(&public.join("icon.svg"))?, Keep::Shell)?;
    // Under their own names: the web app manifest must keep its URL; the icons are named
    // by it. (The service worker is written last, with the lists.)
    for name in [
        "manifest.webmanifest",
        "icon-192.png",
        "icon-512.png",
        "icon.svg",
    ] {
        site.add(format!("/{name}"), read(&public.join(name))?, Keep::Shell)?;
    }

    // The version: every file's name and bytes, the pages' without the version itself.
    let unversioned = pages(root, &site, &built, &styles, &icon, "")?;
    let mut all: Vec<(String, Vec<u8>, Keep)> = site
        .files
        .iter()
        .map(|(p, (b, k))| (p.clone(), b.clone(), *k))
        .collect();
    all.extend(
        unversioned
            .into_iter()
            .map(|(p, h, k)| (p, h.into_bytes(), k)),
    );
    let version = precache::version(&all);
    for (path, html, keep) in pages(root, &site, &built, &styles, &icon, &version)? {
        site.add(path, html.into_bytes(), keep)?;
    }
    let kept: Vec<(String, Keep)> = site
        .files
        .iter()
        .map(|(p, (_, k))| (p.clone(), *k))
        .collect();
    let sw = precache::fill_worker(&read_text(&public.join("sw.js"))?, &version, &kept)?;
    println!(
        "service worker {version}: {} files precached, {} kept where /verify opens",
        kept.iter().filter(|(_, k)| *k == Keep::Shell).count(),
        kept.iter().filter(|(_, k)| *k == Keep::Venue).count(),
    );

    let staging = PathBuf::from(format!("{}.staging", dist.display()));
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(|e| format!("{}: {e}", staging.display()))?;
    }
    std::fs::create_dir_all(&staging).map_err(|e| format!("{}: {e}", staging.display()))?;
    site.write(&staging)?;
    std::fs::write(staging.join("sw.js"), sw).map_err(|e| e.to_string())?;
    copy_dir(&public.join("feed"), &staging.join("feed"))?;
    crate::vendor::vendor(root, &staging)?;
    let (count, raw, br) = compress::precompress(&staging, threads).map_err(|e| e.to_string())?;
    println!("precompressed {count} files: {raw} bytes, {br} as brotli");

    if dist.exists() {
        std::fs::remove_dir_all(dist).map_err(|e| format!("{}: {e}", dist.display()))?;
    }
    std::fs::rename(&staging, dist).map_err(|e| format!("{}: {e}", dist.display()))?;
    let budget = size::budget(&read_text(&root.join("SIZE_BUDGET"))?)?;
    let (report, verdict) = size::report(dist, budget);
    print!("{report}");
    verdict
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_takes_a_shared_file_once_and_refuses_two_under_one_name() {
        let mut site = Site::default();
        let a = site
            .add_hashed("main", "css", b"a{}".to_vec(), Keep::Shell)
            .unwrap();
        assert!(
            a.starts_with("/main-") && a.ends_with(".css") && a.len() == "/main-.css".len() + 16
        );
        site.add("/snippets/x.js".into(), b"x".to_vec(), Keep::Shell)
            .unwrap();
        site.add("/snippets/x.js".into(), b"x".to_vec(), Keep::Shell)
            .unwrap();
        assert!(site
            .add("/snippets/x.js".into(), b"y".to_vec(), Keep::Shell)
            .is_err());
        // nginx's immutable pattern: `-[0-9a-f]{12,16}(_bg)?\.[a-z]+$`.
        let hash = &a["/main-".len()..a.len() - ".css".len()];
        assert!(hash
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    }

    #[test]
    fn walks_without_dot_files() {
        let dir = std::env::temp_dir().join(format!("xtask-walk-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("a/b")).unwrap();
        std::fs::write(dir.join("a/b/c.json"), "1").unwrap();
        std::fs::write(dir.join("d.js"), "2").unwrap();
        std::fs::write(dir.join(".inputs"), "3").unwrap();
        let names: Vec<String> = walk(&dir).unwrap().into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["a/b/c.json", "d.js"]);
        std::fs::remove_dir_all(&dir).ok();
    }
}
