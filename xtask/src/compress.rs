//! A `NAME.gz` and `NAME.br` beside every text file of the build, so nginx's
//! gzip_static/brotli_static, or any static host or CDN that serves precompressed
//! files, never compresses per request. The gzip is Zopfli's (still plain gzip to every
//! client; 15 iterations): about 5 % smaller than gzip -9 on the app's wasm, for hosts
//! that serve gzip only. Brotli at quality 11, window 22. Both deterministic: the same input gives the same bytes (the
//! gzip header has no time), which the size budget relies on.

use std::path::{Path, PathBuf};

/// Which files get compressed copies.
pub const TEXT: &[&str] = &[
    "html",
    "js",
    "wasm",
    "css",
    "json",
    "svg",
    "webmanifest",
    "sig",
    "txt",
];

pub fn is_text(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| TEXT.contains(&e))
}

/// Zopfli's gzip, fed one master block (1,000,000 bytes: C Zopfli's
/// `ZOPFLI_MASTER_BLOCK_SIZE`) at a time, as the C library splits its input: the
/// crate's own buffered writer splits at 999,424 bytes instead, which cost the app's
/// 1 MB wasm 1,236 bytes.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut out = Vec::new();
    let mut encoder = zopfli::GzipEncoder::new(
        zopfli::Options::default(),
        zopfli::BlockType::Dynamic,
        &mut out,
    )
    .expect("writing into memory cannot fail");
    for block in bytes.chunks(1_000_000) {
        encoder
            .write_all(block)
            .expect("compressing into memory cannot fail");
    }
    encoder
        .finish()
        .expect("compressing into memory cannot fail");
    out
}

/// Brotli, quality 11, window 22. The Rust port does not give the C library's bytes:
/// on a large file its choice of block size can lose (the app's wasm: 330,188 bytes
/// against the C library's 329,668), so a file over 64 KiB is also tried with blocks
/// of 2^16 and 2^17 bytes and the smallest kept (the first of equals: deterministic).
pub fn brotli(bytes: &[u8]) -> Vec<u8> {
    let blocks: &[i32] = if bytes.len() > 64 * 1024 {
        &[0, 16, 17]
    } else {
        &[0]
    };
    blocks
        .iter()
        .map(|&lgblock| brotli_with(bytes, lgblock))
        .min_by_key(Vec::len)
        .expect("one at least")
}

/// Brotli with blocks of 2^lgblock bytes (0: the library's choice).
fn brotli_with(bytes: &[u8], lgblock: i32) -> Vec<u8> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        lgblock,
        size_hint: bytes.len(),
        ..Default::default()
    };
    let mut out = Vec::new();
    let mut input = vec![0; 1 << 16];
    let mut output = vec![0; 1 << 16];
    brotli::enc::BrotliCompressCustomAlloc(
        &mut &bytes[..],
        &mut out,
        &mut input,
        &mut output,
        &params,
        brotli::enc::StandardAlloc::default(),
    )
    .expect("compressing into memory cannot fail");
    out
}

/// Every text file under `dir` (recursively, sorted), not already a .gz or .br.
pub fn text_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if is_text(&path) {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Writes the .gz and .br of every text file under `dir`, on `threads` threads (the
/// biggest files first, so no thread is left with a wasm at the end). Returns
/// (files, raw bytes, brotli bytes).
pub fn precompress(dir: &Path, threads: usize) -> std::io::Result<(usize, u64, u64)> {
    let mut files: Vec<(PathBuf, u64)> = text_files(dir)?
        .into_iter()
        .map(|p| {
            let len = std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0);
            (p, len)
        })
        .collect();
    files.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let totals = std::sync::Mutex::new((0usize, 0u64, 0u64));
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.max(1))
            .map(|_| {
                scope.spawn(|| -> std::io::Result<()> {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some((path, _)) = files.get(i) else {
                            return Ok(());
                        };
                        let bytes = std::fs::read(path)?;
                        let br = brotli(&bytes);
                        std::fs::write(with_suffix(path, "gz"), gzip(&bytes))?;
                        std::fs::write(with_suffix(path, "br"), &br)?;
                        let mut t = totals.lock().expect("no thread panics holding it");
                        t.0 += 1;
                        t.1 += bytes.len() as u64;
                        t.2 += br.len() as u64;
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .try_for_each(|w| w.join().expect("a compressing thread panicked"))
    })?;
    Ok(totals.into_inner().expect("no thread panicked"))
}

/// `a/b.js` → `a/b.js.gz`
pub fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT_SAMPLE: &[u8] =
        b"<!DOCTYPE html><p>\xe9\xa9\xbf\xe7\xab\x99 station station station station</p>\n";

    #[test]
    fn gzip_is_plain_gzip_without_a_time_and_deterministic() {
        let gz = gzip(TEXT_SAMPLE);
        // Magic, deflate, no flags, mtime 0.
        assert_eq!(&gz[..8], &[0x1f, 0x8b, 8, 0, 0, 0, 0, 0]);
        assert_eq!(gz, gzip(TEXT_SAMPLE));
        assert_eq!(gunzip(&gz, "small"), TEXT_SAMPLE);
    }

    /// `bytes` read back by the system's gzip, an independent reader (always there on
    /// the machines this builds on: a missing one fails the test, it is not skipped).
    fn gunzip(bytes: &[u8], name: &str) -> Vec<u8> {
        let dir = std::env::temp_dir().join(format!("xtask-gz-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.gz"), bytes).unwrap();
        let out = std::process::Command::new("gzip")
            .args(["-dc", dir.join("a.gz").to_str().unwrap()])
            .output()
            .expect("the system's gzip runs");
        std::fs::remove_dir_all(&dir).ok();
        assert!(
            out.status.success(),
            "gzip -dc: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    }

    #[test]
    fn gzip_over_a_master_block_is_whole() {
        // Past 1,000,000 bytes the input goes in two blocks: the stream is still one.
        let big: Vec<u8> = (0..1_100_000u32)
            .map(|i| b"yizhan "[(i % 7) as usize])
            .collect();
        assert!(
            gunzip(&gzip(&big), "big") == big,
            "gunzip gives the input back"
        );
    }

    #[test]
    fn brotli_round_trips_and_is_deterministic() {
        let big: Vec<u8> = TEXT_SAMPLE.iter().copied().cycle().take(200_000).collect();
        for input in [TEXT_SAMPLE, &big[..], b""] {
            let br = brotli(input);
            assert_eq!(br, brotli(input));
            let mut back = Vec::new();
            brotli::BrotliDecompress(&mut &br[..], &mut back).unwrap();
            assert_eq!(back, input);
        }
        assert!(brotli(&big).len() < 1_000);
    }

    #[test]
    fn precompresses_text_files_only_beside_them() {
        let dir = std::env::temp_dir().join(format!("xtask-pre-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("feed")).unwrap();
        std::fs::write(dir.join("index.html"), TEXT_SAMPLE).unwrap();
        std::fs::write(dir.join("feed/manifest.json.sig"), b"sig").unwrap();
        std::fs::write(dir.join("icon.png"), b"png").unwrap();
        let (count, raw, _) = precompress(&dir, 2).unwrap();
        assert_eq!((count, raw), (2, TEXT_SAMPLE.len() as u64 + 3));
        for name in ["index.html", "feed/manifest.json.sig"] {
            assert!(dir.join(format!("{name}.gz")).is_file(), "{name}.gz");
            assert!(dir.join(format!("{name}.br")).is_file(), "{name}.br");
        }
        assert!(!dir.join("icon.png.gz").exists());
        // Run again: the .gz and .br themselves are not compressed.
        assert_eq!(precompress(&dir, 1).unwrap().0, 2);
        std::fs::remove_dir_all(&dir).ok();
    }
}
