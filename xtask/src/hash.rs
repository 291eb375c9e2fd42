//! The two hashes of the build: a file's name part (`name-<16 hex>.ext`, its content's
//! SHA-256, so a name stands for one content, as the year-long `immutable` caching of
//! deploy/nginx.conf needs) and Subresource Integrity (`sha384-…`).

use base64::Engine;
use sha2::{Digest, Sha256, Sha384};

/// The first 16 hex digits of the SHA-256 of all `parts` in order.
pub fn content_hash(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hasher
        .finalize()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The `integrity` attribute's value for these bytes.
pub fn sri(bytes: &[u8]) -> String {
    let digest = Sha384::digest(bytes);
    format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_hash_is_sixteen_hex_digits_of_sha256() {
        // SHA-256("abc") = ba7816bf8f01cfea…
        assert_eq!(content_hash(&[b"abc"]), "ba7816bf8f01cfea");
        assert_eq!(content_hash(&[b"a", b"bc"]), "ba7816bf8f01cfea");
        // Always 16 digits, leading zeros kept (nginx's immutable pattern wants 12 to 16).
        assert!((0..200).all(|i| content_hash(&[format!("{i}").as_bytes()]).len() == 16));
    }

    #[test]
    fn sri_is_base64_sha384() {
        // The value `openssl dgst -sha384 -binary | base64` gives for "abc".
        assert_eq!(
            sri(b"abc"),
            "sha384-ywB1P0WjXou1oD1pmsZQBycsMqsO3tFjGotgWkP/W+2AhgcroefMI1i67KE0yCWn"
        );
    }
}
