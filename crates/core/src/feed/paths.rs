//! Where feed files live: the manifest's own path, and paths relative to it.

use super::refusal::Refusal;

/// Where the app reads its feed's manifest unless `?feed=` says otherwise (same
/// origin). The release build (`cargo xtask build`) has every page preload it and its
/// signature, and the loader hint the shards near a poster's point from it.
pub const DEFAULT_MANIFEST: &str = "/feed/manifest.json";

/// Why a `?feed=` value was not taken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FeedUrlError {
    /// Another origin (or a scheme such as `javascript:`): only same-origin feeds are read.
    CrossOrigin,
    Empty,
}

/// Turns a `?feed=` value into a same-origin path, given this page's origin:
/// `feed_path_from_param("/test/manifest.json", "https://a.cn") == Ok("/test/manifest.json")`.
/// A full URL on the same origin is accepted; any other origin or scheme is refused.
pub fn feed_path_from_param(param: &str, origin: &str) -> Result<String, FeedUrlError> {
    let param = param.trim();
    if param.is_empty() {
        return Err(FeedUrlError::Empty);
    }
    let path = match param.strip_prefix(origin) {
        Some(rest) if rest.starts_with('/') => rest,
        Some(_) => return Err(FeedUrlError::CrossOrigin),
        None => param,
    };
    // As the browser's URL parser will read it: it drops every tab and newline (so
    // `/\t/evil.example` is the protocol-relative `//evil.example`), takes `\` for `/`,
    // and turns `/a/..//evil.example` (or `%2e`) into the path `//evil.example`, which a
    // fetch reads as another host. None of these belongs in a feed's path.
    let parsed: String = path
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let path_part = parsed.split(['?', '#']).next().unwrap_or("");
    if path.chars().any(char::is_control)
        || path.contains('\\')
        || path.contains(':')
        || parsed.starts_with("//")
        || path_part.split('/').any(is_dot_segment)
    {
        return Err(FeedUrlError::CrossOrigin);
    }
    Ok(if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    })
}

/// `.` or `..`, also escaped (`%2e`), as the URL parser's path steps see them.
fn is_dot_segment(seg: &str) -> bool {
    let seg = seg.to_ascii_lowercase().replace("%2e", ".");
    seg == "." || seg == ".."
}

/// Resolves a manifest-relative `path` against the manifest's own path:
/// `resolve("/feed/manifest.json", "stations/a.json") == Ok("/feed/stations/a.json")`.
/// Absolute paths, other origins, schemes and `..` are refused: a manifest may only
/// point below its own folder.
pub fn resolve(manifest_path: &str, path: &str) -> Result<String, Refusal> {
    // Checked as the server will read it too: `%2e%2e` is `..` to a web server.
    let decoded = crate::text::decode_escapes(path, b'%');
    if path.contains('%')
        && (decoded.is_none() || resolve(manifest_path, decoded.as_deref().unwrap_or("")).is_err())
    {
        return Err(Refusal::UnsafePath(path.to_string()));
    }
    let unsafe_path = path.is_empty()
        || path.starts_with('/')
        || path.contains(':')
        || path.contains('\\')
        || path.contains('?')
        || path.contains('#')
        || path
            .split('/')
            .any(|seg| seg == ".." || seg == "." || seg.is_empty());
    if unsafe_path {
        return Err(Refusal::UnsafePath(path.to_string()));
    }
    let dir = match manifest_path.rfind('/') {
        Some(i) => &manifest_path[..=i],
        None => "/",
    };
    Ok(format!("{dir}{path}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGIN: &str = "http://127.0.0.1:8080";

    #[test]
    fn feed_param_accepts_same_origin_only() {
        let ok = |p: &str| feed_path_from_param(p, ORIGIN);
        assert_eq!(ok("/feed/manifest.json"), Ok("/feed/manifest.json".into()));
        assert_eq!(ok("test/m.json"), Ok("/test/m.json".into()));
        assert_eq!(
            ok("http://127.0.0.1:8080/x/manifest.json"),
            Ok("/x/manifest.json".into())
        );
        assert_eq!(
            ok("https://evil.example/manifest.json"),
            Err(FeedUrlError::CrossOrigin)
        );
        assert_eq!(
            ok("//evil.example/manifest.json"),
            Err(FeedUrlError::CrossOrigin)
        );
        assert_eq!(
            ok("http://127.0.0.1:8080.evil.cn/m.json"),
            Err(FeedUrlError::CrossOrigin)
        );
        assert_eq!(ok("javascript:alert(1)"), Err(FeedUrlError::CrossOrigin));
        assert_eq!(ok("/\\evil.example/m.json"), Err(FeedUrlError::CrossOrigin));
        // The browser drops tabs and newlines before it reads the URL: each of these is
        // `//evil.example/…`, another host.
        for bad in [
            "/\t/evil.example/m.json",
            "/\n/evil.example/m.json",
            "/\r/evil.example/m.json",
            "/\r\n/evil.example/m.json",
            "http://127.0.0.1:8080/\t/evil.example/m.json",
            "/\u{0}/evil.example/m.json",
            "/feed/\u{7f}m.json",
            "/feed/\u{85}m.json",
            "/a/..//evil.example/m.json",
            "/.//evil.example/m.json",
            "/%2e//evil.example/m.json",
            "/a/%2E%2e//evil.example/m.json",
        ] {
            assert_eq!(ok(bad), Err(FeedUrlError::CrossOrigin), "{bad:?}");
        }
        assert_eq!(ok("/feed/m.json?v=2"), Ok("/feed/m.json?v=2".into()));
        assert_eq!(ok("/feed/%09m.json"), Ok("/feed/%09m.json".into()));
        assert_eq!(ok("  "), Err(FeedUrlError::Empty));
    }

    #[test]
    fn relative_paths_resolve_below_the_manifest() {
        assert_eq!(
            resolve("/feed/manifest.json", "stations/371500.ab.json"),
            Ok("/feed/stations/371500.ab.json".into())
        );
        assert_eq!(resolve("/m.json", "c.json"), Ok("/c.json".into()));
        assert_eq!(
            resolve("/feed/manifest.json", "stations/%E8%81%8A.json"),
            Ok("/feed/stations/%E8%81%8A.json".into()),
            "an escaped name that stays below the folder is fine"
        );
        for bad in [
            "/etc/passwd",
            "../secret.json",
            "stations/../../x.json",
            "https://evil.example/x.json",
            "//evil.example/x.json",
            "a//b.json",
            "",
            "x.json?y",
            "stations/%2e%2e/%2e%2e/x.json",
            "stations/%2E%2E/x.json",
            "%2fetc/passwd",
            "stations/%5c..%5cx.json",
            "stations/%zz.json",
        ] {
            assert!(resolve("/feed/manifest.json", bad).is_err(), "{bad}");
        }
    }
}
