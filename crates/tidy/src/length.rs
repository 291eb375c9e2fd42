//! Rule: no source file or script is longer than 400 lines, unless it says why at
//! its top, in this exact form: a comment among its first 10 lines whose text starts
//! with `Longer than 400 lines because` and goes on to give a reason, e.g.
//! `//! Longer than 400 lines because half of it is the tests of the stored form.`

/// The most lines a file may have without a stated reason.
pub const MAX_LINES: usize = 400;
/// How a reason starts.
pub const REASON: &str = "Longer than 400 lines because";
/// How many lines at the top may hold the reason.
pub const REASON_WITHIN: usize = 10;
/// The fewest words after [`REASON`] that count as a reason.
pub const REASON_WORDS: usize = 3;

/// The files the rule covers: Rust sources and scripts (shell, Python, JavaScript).
pub fn is_covered(path: &str) -> bool {
    [".rs", ".sh", ".py", ".mjs", ".js", ".cjs"]
        .iter()
        .any(|ext| path.ends_with(ext))
}

/// What is wrong with `path`'s length, if anything:
/// `check("src/big.rs", &text)` is `Some("src/big.rs: 512 lines, …")` without a reason.
pub fn check(path: &str, text: &str) -> Option<String> {
    let lines = text.lines().count();
    if lines <= MAX_LINES || has_reason(text) {
        return None;
    }
    Some(format!(
        "{path}: {lines} lines, over {MAX_LINES}: split it, or say why in a comment \
         among its first {REASON_WITHIN} lines starting `{REASON} …`"
    ))
}

/// Every covered file of `files` that is too long without a reason.
pub fn check_all(files: &[(String, String)]) -> Vec<String> {
    files
        .iter()
        .filter(|(path, _)| is_covered(path))
        .filter_map(|(path, text)| check(path, text))
        .collect()
}

fn has_reason(text: &str) -> bool {
    text.lines().take(REASON_WITHIN).any(|line| {
        comment_text(line)
            .and_then(|t| t.strip_prefix(REASON))
            .is_some_and(|reason| reason.split_whitespace().count() >= REASON_WORDS)
    })
}

/// The text of a comment line (`//!`, `///`, `//`, `#`, `/*`, `*`), if it is one.
fn comment_text(line: &str) -> Option<&str> {
    let line = line.trim_start();
    ["//!", "///", "//", "/*", "#", "*"]
        .iter()
        .find_map(|marker| line.strip_prefix(marker))
        .map(str::trim_start)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(n: usize) -> String {
        (0..n).map(|i| format!("let x{i} = {i};\n")).collect()
    }

    #[test]
    fn planted_a_long_file_without_a_reason_is_named() {
        let files = vec![
            ("src/short.rs".to_string(), lines(400)),
            ("src/planted.rs".to_string(), lines(401)),
        ];
        let problems = check_all(&files);
        println!("planted (length): {problems:#?}");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("src/planted.rs: 401 lines, over 400"));
    }

    #[test]
    fn planted_a_long_script_and_a_reason_too_short_or_too_low_are_named() {
        let late = format!(
            "{}# Longer than 400 lines because it is a test.\n{}",
            lines(10),
            lines(400)
        );
        let empty = format!("//! Longer than 400 lines because.\n{}", lines(400));
        let files = vec![
            (
                "scripts/planted.sh".to_string(),
                format!("#!/bin/sh\n{}", lines(400)),
            ),
            ("tests/late.py".to_string(), late),
            ("src/empty_reason.rs".to_string(), empty),
        ];
        let problems = check_all(&files);
        println!("planted (length, scripts and bad reasons): {problems:#?}");
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].starts_with("scripts/planted.sh: 401 lines"));
        assert!(problems[1].starts_with("tests/late.py: 411 lines"));
        assert!(problems[2].starts_with("src/empty_reason.rs: 401 lines"));
    }

    #[test]
    fn a_reason_in_any_comment_form_near_the_top_lets_a_file_be_long() {
        for top in [
            "//! Longer than 400 lines because half of it is the tests.",
            "// Longer than 400 lines because the specs share one server.",
            "# Longer than 400 lines because every step is one place.",
            " * Longer than 400 lines because one table per string.",
        ] {
            let text = format!("// first line\n{top}\n{}", lines(500));
            assert_eq!(check("x.rs", &text), None, "{top}");
        }
        assert!(!is_covered("docs/FEED.md"));
        assert!(is_covered("tests/e2e/join.test.mjs"));
    }
}
