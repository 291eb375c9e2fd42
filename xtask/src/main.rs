//! 驿站 Yizhan's release build as one program (`cargo xtask …`, an alias in
//! .cargo/config.toml; scripts/build.sh runs `cargo xtask build`):
//!
//! ```text
//! cargo xtask build [--dist DIR]   the release build into dist/ (pipeline.rs says what)
//! cargo xtask size [DIR]           the size report; fails over SIZE_BUDGET
//! cargo xtask precompress DIR      a .gz and .br beside every text file of DIR
//! cargo xtask serve-page           writes serve.html, the page `trunk serve` builds
//! cargo xtask dev-post [DIR]       Trunk's post-build hook for `trunk serve`
//! ```

mod apps;
mod boot;
mod compress;
mod hash;
mod minify;
mod page;
mod pipeline;
mod precache;
mod serve;
mod size;
mod vendor;
mod wasm_names;

use std::path::{Path, PathBuf};

/// The workspace's root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask/ is in the workspace")
        .to_path_buf()
}

/// Two threads compress: the build machine's two cores are often shared.
const THREADS: usize = 2;

const USAGE: &str = "usage: cargo xtask build [--dist DIR] | size [DIR] | precompress DIR | serve-page | dev-post [DIR]";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Err(e) = run(&args) {
        eprintln!("xtask: {e}");
        std::process::exit(1);
    }
}

fn run(args: &[String]) -> Result<(), String> {
    let root = root();
    let arg = |i: usize| args.get(i).map(PathBuf::from);
    match args.first().map(String::as_str) {
        Some("build") => {
            let dist = match (args.get(1).map(String::as_str), arg(2)) {
                (None, _) => root.join("dist"),
                (Some("--dist"), Some(dir)) => dir,
                _ => return Err(USAGE.into()),
            };
            pipeline::build(&root, &dist, THREADS)
        }
        Some("size") => {
            let dist = arg(1).unwrap_or_else(|| root.join("dist"));
            let text =
                std::fs::read_to_string(root.join("SIZE_BUDGET")).map_err(|e| e.to_string())?;
            let (report, verdict) = size::report(&dist, size::budget(&text)?);
            print!("{report}");
            verdict
        }
        Some("precompress") => {
            let dir = arg(1).ok_or(USAGE)?;
            let (count, raw, br) =
                compress::precompress(&dir, THREADS).map_err(|e| e.to_string())?;
            println!("precompressed {count} files: {raw} bytes, {br} as brotli");
            Ok(())
        }
        Some("serve-page") => {
            let html = serve::serve_page(&root)?;
            std::fs::write(root.join("serve.html"), html).map_err(|e| e.to_string())
        }
        Some("dev-post") => {
            let dir = arg(1)
                .or_else(|| std::env::var_os("TRUNK_STAGING_DIR").map(PathBuf::from))
                .ok_or(USAGE)?;
            serve::dev_post_build(&root, &dir)
        }
        _ => Err(USAGE.into()),
    }
}
