//! Trust checks on feed bytes: signature, format, rollback, integrity, shape.
//! Nothing is trusted (or stored) until every check here has passed.
//! Longer than 400 lines because half of it is the tests: every refusal a hostile feed can
//! earn is checked here.

use super::model::{Manifest, Shard, FORMAT};
use super::paths::resolve;
use super::refusal::Refusal;
use base64::Engine;
use ed25519_dalek::{Signature, VerifyingKey};
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// The largest file the app downloads (a city shard is well under 2 MB).
pub const MAX_FILE_BYTES: usize = 32 * 1024 * 1024;

/// Lower-case hex SHA-256 of `bytes`: `sha256_hex(b"")` starts with `e3b0c442`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Checks a downloaded file against the manifest: `check_file(&bytes, &entry.sha256, path)`.
pub fn check_file(bytes: &[u8], sha256: &str, path: &str) -> Result<(), Refusal> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(Refusal::TooLarge(path.to_string()));
    }
    if sha256_hex(bytes) != sha256.to_ascii_lowercase() {
        return Err(Refusal::HashMismatch(path.to_string()));
    }
    Ok(())
}

/// Only the `format` field, as raw JSON text (it may be any JSON value).
#[derive(Deserialize)]
struct FormatOnly<'a> {
    #[serde(borrow)]
    format: Option<&'a serde_json::value::RawValue>,
}

/// Checks a manifest's bytes, in order: signature (when `keys` is not empty), format,
/// shape, paths, bboxes and intake. `manifest_path` is where it was fetched from (to
/// check the paths it names). Rollback is judged against what the device holds, by
/// [`super::sync::decide`].
pub fn check_manifest(
    bytes: &[u8],
    signature_b64: Option<&str>,
    keys: &[[u8; 32]],
    manifest_path: &str,
) -> Result<Manifest, Refusal> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(Refusal::TooLarge(manifest_path.to_string()));
    }
    if !keys.is_empty() {
        verify_signature(bytes, signature_b64.ok_or(Refusal::Unsigned)?, keys)?;
    }
    // Look at `format` first, so a feed of another format is named as such.
    let probe: FormatOnly =
        serde_json::from_slice(bytes).map_err(|e| Refusal::Malformed(e.to_string()))?;
    match probe.format {
        Some(raw) => {
            // A string is named by its text; any other value by its JSON.
            let shown = serde_json::from_slice::<String>(raw.get().as_bytes())
                .unwrap_or_else(|_| raw.get().to_string());
            if shown != FORMAT {
                return Err(Refusal::UnknownFormat(shown.chars().take(40).collect()));
            }
        }
        None => return Err(Refusal::UnknownFormat(String::new())),
    }
    let manifest: Manifest =
        serde_json::from_slice(bytes).map_err(|e| Refusal::Malformed(e.to_string()))?;
    let files = manifest.regions.iter().map(|r| (&r.path, &r.sha256)).chain(
        [
            &manifest.campaigns,
            &manifest.unions,
            &manifest.statuses,
            &manifest.coupons,
        ]
        .into_iter()
        .flatten()
        .map(|f| (&f.path, &f.sha256)),
    );
    for (path, sha) in files {
        resolve(manifest_path, path)?;
        if sha.len() != 64 || !sha.bytes().all(|c| c.is_ascii_hexdigit()) {
            return Err(Refusal::Malformed(format!("sha256 of {path}")));
        }
    }
    for r in &manifest.regions {
        let [a, b, c, d] = r.bbox;
        if !(r.bbox.iter().all(|v| v.is_finite()) && a <= c && b <= d) {
            return Err(Refusal::BadBbox(r.code.clone()));
        }
    }
    if let Some(intake) = &manifest.intake {
        if !intake_url_allowed(&intake.url) {
            return Err(Refusal::InsecureIntake(intake.url.clone()));
        }
    }
    Ok(manifest)
}

/// `https:` anywhere, `http:` only on this machine: `intake_url_allowed("http://localhost:9/x")`.
pub fn intake_url_allowed(url: &str) -> bool {
    if url.starts_with("https://") {
        return true;
    }
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#', '\\']).next().unwrap_or("");
    // `http://localhost:80@evil.example/` is a request to evil.example: what comes
    // before an `@` is user information, not the host.
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
        Some(_) => return false,
        None => host,
    };
    matches!(
        host.to_ascii_lowercase().as_str(),
        "localhost" | "127.0.0.1" | "[::1]"
    )
}

/// The publisher keys in `text`: base64 Ed25519 public keys separated by commas or
/// lines; anything else is skipped (the build checks them first with
/// [`check_publisher_keys`]): `publisher_keys_from("key1,key2")`.
pub fn publisher_keys_from(text: &str) -> Vec<[u8; 32]> {
    key_items(text)
        .filter_map(|k| base64::engine::general_purpose::STANDARD.decode(k).ok())
        .filter_map(|k| k.try_into().ok())
        .collect()
}

/// Every publisher key in `text` checked, at least one: an app built with a mistyped
/// key would trust no feed at all, so the build stops with the reason instead:
/// `check_publisher_keys("key1,key2")`.
pub fn check_publisher_keys(text: &str) -> Result<Vec<[u8; 32]>, String> {
    let mut keys = Vec::new();
    for (n, item) in key_items(text).enumerate() {
        // Named by its place, not its text: a secret key pasted by mistake stays out of
        // the build log.
        let which = format!("key {}", n + 1);
        let raw = base64::engine::general_purpose::STANDARD
            .decode(item)
            .map_err(|_| format!("{which} is not base64"))?;
        let length = raw.len();
        let key: [u8; 32] = raw.try_into().map_err(|_| {
            format!("{which} is {length} bytes, not the 32 of an Ed25519 public key")
        })?;
        VerifyingKey::from_bytes(&key)
            .map_err(|_| format!("{which} is not an Ed25519 public key"))?;
        keys.push(key);
    }
    if keys.is_empty() {
        return Err("no publisher key given".to_string());
    }
    Ok(keys)
}

/// The non-empty items of a key list, separated by commas or lines.
fn key_items(text: &str) -> impl Iterator<Item = &str> {
    text.split([',', '\n'])
        .map(str::trim)
        .filter(|k| !k.is_empty())
}

fn verify_signature(bytes: &[u8], signature_b64: &str, keys: &[[u8; 32]]) -> Result<(), Refusal> {
    let raw = base64::engine::general_purpose::STANDARD
        .decode(signature_b64.trim())
        .map_err(|_| Refusal::BadSignature)?;
    let signature = Signature::from_slice(&raw).map_err(|_| Refusal::BadSignature)?;
    let any_key_verifies = keys.iter().any(|k| {
        VerifyingKey::from_bytes(k).is_ok_and(|vk| vk.verify_strict(bytes, &signature).is_ok())
    });
    any_key_verifies.then_some(()).ok_or(Refusal::BadSignature)
}

/// Parses a shard already checked by hash, refusing one that names another region:
/// `parse_shard(&bytes, "371500")`.
/// A station that does not parse, whose coordinates are not on Earth (a misplaced
/// decimal point), or whose id repeats an earlier one, is left out and counted in `Shard::skipped`: it could not be shown
/// or reached, and the rest of the shard is good.
pub fn parse_shard(bytes: &[u8], region: &str) -> Result<Shard, Refusal> {
    let mut shard: Shard = match serde_json::from_slice(bytes) {
        Ok(shard) => shard,
        Err(_) => super::lenient::read_shard_items(bytes)?,
    };
    if shard.region != region {
        return Err(Refusal::WrongRegion {
            expected: region.to_string(),
            found: shard.region.chars().take(40).collect(),
        });
    }
    // Ids are unique across the feed; a repeated one would open the wrong station,
    // so only its first station is kept.
    let before = shard.stations.len();
    let mut seen = std::collections::HashSet::new();
    shard.stations.retain(|s| {
        (-180.0..=180.0).contains(&s.lng)
            && (-90.0..=90.0).contains(&s.lat)
            && seen.insert(s.id.clone())
    });
    shard.skipped += before - shard.stations.len();
    Ok(shard)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer, SigningKey};

    const M: &str = "/feed/manifest.json";

    fn manifest(sequence: u64) -> String {
        format!(
            r#"{{"format":"yizhan-feed/1","sequence":{sequence},"datum":"gcj02",
            "regions":[{{"code":"371500","bbox":[115.27,35.78,116.54,37.04],"path":"stations/371500.ab.json","sha256":"{}"}}],
            "holidays":["2026-10-01"],"intake":{{"url":"https://example.org/intake"}}}}"#,
            "a".repeat(64)
        )
    }

    #[test]
    fn sha256_matches_the_standard_vectors() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn a_good_manifest_is_accepted() {
        let m = check_manifest(manifest(42).as_bytes(), None, &[], M).unwrap();
        assert_eq!(m.sequence, 42);
        assert_eq!(m.regions[0].code, "371500");
        assert_eq!(m.holidays.len(), 1);
    }

    #[test]
    fn refusals_are_named() {
        let check = |s: &str| check_manifest(s.as_bytes(), None, &[], M);
        assert_eq!(
            check(r#"{"format":"yizhan-feed/2","sequence":99}"#),
            Err(Refusal::UnknownFormat("yizhan-feed/2".into()))
        );
        assert_eq!(
            check(r#"{"sequence":99}"#),
            Err(Refusal::UnknownFormat(String::new()))
        );
        // A format that is not a string is named by its JSON; an escaped one is read.
        assert_eq!(
            check(r#"{"format":[1,"x"],"sequence":99}"#),
            Err(Refusal::UnknownFormat(r#"[1,"x"]"#.into()))
        );
        assert!(!matches!(
            check(r#"{"format":"yizhan-feed\/1","sequence":99}"#),
            Err(Refusal::UnknownFormat(_))
        ));
        assert!(matches!(
            check(r#"{"format":"yizhan-feed/1""#),
            Err(Refusal::Malformed(_))
        ));
        assert!(matches!(check("<html>"), Err(Refusal::Malformed(_))));
        assert!(matches!(
            check(r#"{"format":"yizhan-feed/1","sequence":11}"#),
            Err(Refusal::Malformed(_)) // no datum
        ));
        let escaping = manifest(11).replace("stations/371500.ab.json", "../../x.json");
        assert_eq!(
            check(&escaping),
            Err(Refusal::UnsafePath("../../x.json".into()))
        );
        let http = manifest(11).replace("https://example.org", "http://example.org");
        assert!(matches!(check(&http), Err(Refusal::InsecureIntake(_))));
        let bbox =
            manifest(11).replace("[115.27,35.78,116.54,37.04]", "[116.54,35.78,115.27,37.04]");
        assert_eq!(check(&bbox), Err(Refusal::BadBbox("371500".into())));
        let short_hash = manifest(11).replace(&"a".repeat(64), "abc");
        assert!(matches!(check(&short_hash), Err(Refusal::Malformed(_))));
    }

    #[test]
    fn intake_must_be_https_or_local() {
        assert!(intake_url_allowed("https://union.example/intake"));
        assert!(intake_url_allowed("http://127.0.0.1:9000/intake"));
        assert!(intake_url_allowed("http://localhost/intake"));
        assert!(!intake_url_allowed("http://union.example/intake"));
        assert!(!intake_url_allowed("http://localhost.evil.cn/intake"));
        assert!(!intake_url_allowed("ftp://x"));
        assert!(!intake_url_allowed(
            "http://localhost:80@evil.example/intake"
        ));
        assert!(!intake_url_allowed("http://localhost@evil.example"));
        assert!(!intake_url_allowed("http://evil.example\\@localhost/"));
        assert!(!intake_url_allowed("http://localhost:x@evil.example"));
        assert!(intake_url_allowed("http://user@localhost:8787/intake"));
    }

    #[test]
    fn publisher_keys_are_read_from_a_list_and_junk_is_skipped() {
        let a = base64::engine::general_purpose::STANDARD.encode([1u8; 32]);
        let b = base64::engine::general_purpose::STANDARD.encode([2u8; 32]);
        let short = base64::engine::general_purpose::STANDARD.encode([3u8; 31]);
        let keys = publisher_keys_from(&format!(" {a} ,%%%,{short}\n{b}\n"));
        assert_eq!(keys, vec![[1u8; 32], [2u8; 32]]);
        assert!(publisher_keys_from("").is_empty());
    }

    #[test]
    fn the_build_refuses_a_key_list_that_would_trust_nothing_or_the_wrong_thing() {
        let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
        let a = SigningKey::from_bytes(&[7u8; 32])
            .verifying_key()
            .to_bytes();
        let b = SigningKey::from_bytes(&[8u8; 32])
            .verifying_key()
            .to_bytes();
        assert_eq!(
            check_publisher_keys(&format!(" {} ,\n{}\n", b64(&a), b64(&b))),
            Ok(vec![a, b])
        );
        assert_eq!(
            check_publisher_keys(" , \n"),
            Err("no publisher key given".to_string())
        );
        let bad = check_publisher_keys(&format!("{},%%%", b64(&a))).unwrap_err();
        assert_eq!(bad, "key 2 is not base64");
        let short = check_publisher_keys(&b64(&a[..31])).unwrap_err();
        assert_eq!(
            short,
            "key 1 is 31 bytes, not the 32 of an Ed25519 public key"
        );
        // 32 bytes that are no point on the curve (y = 2 has no x): not a public key.
        let mut off_curve = [0u8; 32];
        off_curve[0] = 2;
        assert!(VerifyingKey::from_bytes(&off_curve).is_err());
        assert!(check_publisher_keys(&b64(&off_curve))
            .unwrap_err()
            .ends_with("is not an Ed25519 public key"));
    }

    #[test]
    fn signatures_are_checked_when_keys_are_built_in() {
        let key = SigningKey::from_bytes(&[7u8; 32]);
        let public = key.verifying_key().to_bytes();
        let bytes = manifest(5);
        let sig =
            base64::engine::general_purpose::STANDARD.encode(key.sign(bytes.as_bytes()).to_bytes());
        assert!(check_manifest(bytes.as_bytes(), Some(&sig), &[public], M).is_ok());
        assert_eq!(
            check_manifest(bytes.as_bytes(), None, &[public], M),
            Err(Refusal::Unsigned)
        );
        let tampered = bytes.replace("\"sequence\":5", "\"sequence\":6");
        assert_eq!(
            check_manifest(tampered.as_bytes(), Some(&sig), &[public], M),
            Err(Refusal::BadSignature)
        );
        assert_eq!(
            check_manifest(bytes.as_bytes(), Some("not base64!"), &[public], M),
            Err(Refusal::BadSignature)
        );
        // Without keys, the signature is not required.
        assert!(check_manifest(bytes.as_bytes(), None, &[], M).is_ok());
    }

    #[test]
    fn files_are_checked_by_hash_and_shards_by_region() {
        let body = br#"{"region":"371500","stations":[{"id":"1","name":"<b>x</b>","lng":116.0,"lat":36.4}]}"#;
        let sha = sha256_hex(body);
        assert!(check_file(body, &sha, "s.json").is_ok());
        assert!(check_file(body, &sha.to_uppercase(), "s.json").is_ok());
        let mut tampered = body.to_vec();
        tampered[30] ^= 1;
        assert_eq!(
            check_file(&tampered, &sha, "s.json"),
            Err(Refusal::HashMismatch("s.json".into()))
        );
        let shard = parse_shard(body, "371500").unwrap();
        assert_eq!(shard.stations[0].name, "<b>x</b>");
        let misplaced = br#"{"region":"371500","stations":[{"id":"1","name":"a","lng":1159.85,"lat":36.4},
            {"id":"2","name":"b","lng":115.98,"lat":36.4},{"id":"3","name":"c","lng":115.98,"lat":-91}]}"#;
        let ids: Vec<String> = parse_shard(misplaced, "371500")
            .unwrap()
            .stations
            .into_iter()
            .map(|s| s.id)
            .collect();
        assert_eq!(ids, ["2"], "stations off the Earth are left out");
        let one_bad =
            br#"{"region":"371500","stations":[{"id":"1","name":"a","lng":"115.9","lat":36.4},
            {"id":"2","name":"b","lng":115.98,"lat":36.4}]}"#;
        let shard = parse_shard(one_bad, "371500").unwrap();
        assert_eq!((shard.stations.len(), shard.skipped), (1, 1));
        let twice =
            br#"{"region":"371500","stations":[{"id":"1","name":"first","lng":115.9,"lat":36.4},
            {"id":"1","name":"second","lng":115.98,"lat":36.4}]}"#;
        let shard = parse_shard(twice, "371500").unwrap();
        assert_eq!(shard.stations.len(), 1);
        assert_eq!(shard.stations[0].name, "first");
        assert_eq!(shard.skipped, 1);
        assert!(matches!(
            parse_shard(body, "370100"),
            Err(Refusal::WrongRegion { .. })
        ));
        assert!(matches!(
            parse_shard(&body[..40], "371500"),
            Err(Refusal::Malformed(_))
        ));
    }
}
