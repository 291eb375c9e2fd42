//! JavaScript and CSS minified by esbuild, the binary npm installed
//! (node_modules/.bin/esbuild, pinned in package-lock.json), run as a subprocess.
//! Why not a Rust minifier: esbuild is what shipped until now, so the same source gives
//! the very same bytes as before (no size regression, no new behaviour to review), and
//! it is a single static binary that starts in milliseconds. The Rust minifiers either
//! pull in a whole compiler front end (swc, oxc: hundreds of crates) or do less.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// What to minify, as esbuild's loader names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// An ES module (wasm-bindgen's glue, the loader).
    Module,
    Css,
}

/// `source` minified (`--minify --legal-comments=none`, no `--target`: nothing is
/// rewritten, only shortened).
pub fn minify(esbuild: &Path, source: &str, kind: Kind) -> Result<String, String> {
    let mut command = Command::new(esbuild);
    command.args(["--minify", "--legal-comments=none", "--log-level=warning"]);
    match kind {
        Kind::Module => command.args(["--loader=js", "--format=esm"]),
        Kind::Css => command.args(["--loader=css"]),
    };
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{}: {e} (run `npm ci`)", esbuild.display()))?;
    let mut stdin = child.stdin.take().expect("piped");
    let input = source.to_string();
    // Written from a thread: esbuild may fill its output pipe before reading all input.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    writer
        .join()
        .map_err(|_| "esbuild: writing its input failed".to_string())?
        .map_err(|e| format!("esbuild: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "esbuild: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    String::from_utf8(out.stdout).map_err(|_| "esbuild wrote no UTF-8".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::root;

    fn esbuild() -> Option<std::path::PathBuf> {
        let path = root().join("node_modules/.bin/esbuild");
        path.exists().then_some(path).or_else(|| {
            eprintln!("no node_modules/.bin/esbuild: not checked (npm ci)");
            None
        })
    }

    #[test]
    fn minifies_css_and_modules() {
        let Some(esbuild) = esbuild() else { return };
        assert_eq!(
            minify(&esbuild, "body  {  color :  red ;  }\n", Kind::Css).unwrap(),
            "body{color:red}\n"
        );
        let js = "// a comment\nexport function add(first, second) {\n  return first + second;\n}\nconst unused = 1;\n";
        let out = minify(&esbuild, js, Kind::Module).unwrap();
        assert!(out.contains("export{") && !out.contains("comment"), "{out}");
        assert!(out.len() < js.len() * 2 / 3, "{out}");
        // The same source gives the same bytes (files are named by their content).
        assert_eq!(out, minify(&esbuild, js, Kind::Module).unwrap());
    }

    #[test]
    fn a_syntax_error_stops_the_build() {
        let Some(esbuild) = esbuild() else { return };
        let err = minify(&esbuild, "const = ;", Kind::Module).unwrap_err();
        assert!(err.starts_with("esbuild:"), "{err}");
    }
}
