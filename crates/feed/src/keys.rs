//! Ed25519 publisher keys: a key file holds the base64 32-byte secret; the public key
//! (base64) is what the app is built with (`YIZHAN_PUBLISHER_KEYS`).

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::{Signer, SigningKey};

/// A new key pair from the OS's randomness: `(secret_b64, public_b64)`.
pub fn generate() -> Result<(String, String), String> {
    let mut secret = [0u8; 32];
    getrandom::getrandom(&mut secret).map_err(|e| e.to_string())?;
    let key = SigningKey::from_bytes(&secret);
    Ok((
        B64.encode(secret),
        B64.encode(key.verifying_key().to_bytes()),
    ))
}

/// The union desk's new X25519 key pair (FEED.md `intake.seal_key`) from the OS's
/// randomness: `(private_b64, public_b64)`. The private key opens sealed requests; the
/// public key goes into the feed.
pub fn desk_keypair() -> Result<(String, String), String> {
    let mut seed = [0u8; 32];
    getrandom::getrandom(&mut seed).map_err(|e| e.to_string())?;
    let (private, public) = yizhan_core::seal::keypair(seed);
    Ok((B64.encode(private), B64.encode(public)))
}

/// The desk's private key from its key file's text (`desk keygen`).
pub fn desk_private_key(key_file_text: &str) -> Result<[u8; 32], String> {
    yizhan_core::seal::key_bytes(key_file_text)
        .ok_or_else(|| "the desk key file does not hold base64 of a 32-byte key".to_string())
}

/// Writes a new secret key file `out` (readable by its owner only: mode 0600) and its
/// public key to `out.pub`. Refuses, writing nothing, when either file exists: a key
/// overwritten is a feed nobody can sign or requests nobody can open.
pub fn write_key_files(out: &str, secret: &str, public: &str) -> Result<(), String> {
    let public_path = format!("{out}.pub");
    for path in [out, public_path.as_str()] {
        if std::path::Path::new(path).exists() {
            return Err(format!(
                "{path} exists: a key is never overwritten (move it away first if you \
                 really mean to replace it)"
            ));
        }
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let write = |options: &std::fs::OpenOptions, path: &str, text: &str| {
        use std::io::Write;
        let mut file = options
            .open(path)
            .map_err(|e| format!("writing {path}: {e}"))?;
        file.write_all(format!("{text}\n").as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|e| format!("writing {path}: {e}"))
    };
    write(&options, out, secret)?;
    let mut public_options = std::fs::OpenOptions::new();
    public_options.write(true).create_new(true);
    write(&public_options, &public_path, public)
}

/// Signs `bytes` with the secret in `key_file_text`, giving the base64 signature that
/// goes into `manifest.json.sig`.
pub fn sign(key_file_text: &str, bytes: &[u8]) -> Result<String, String> {
    let raw = B64
        .decode(key_file_text.trim())
        .map_err(|_| "the key file is not base64".to_string())?;
    let secret: [u8; 32] = raw
        .try_into()
        .map_err(|_| "the key file does not hold a 32-byte Ed25519 secret".to_string())?;
    Ok(B64.encode(SigningKey::from_bytes(&secret).sign(bytes).to_bytes()))
}

/// The public key (base64) of a secret key file.
pub fn public_of(key_file_text: &str) -> Result<String, String> {
    let raw = B64
        .decode(key_file_text.trim())
        .map_err(|e| e.to_string())?;
    let secret: [u8; 32] = raw.try_into().map_err(|_| "not 32 bytes".to_string())?;
    Ok(B64.encode(SigningKey::from_bytes(&secret).verifying_key().to_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use yizhan_core::feed::check_manifest;

    #[test]
    fn a_generated_key_signs_what_the_app_verifies() {
        let (secret, public) = generate().unwrap();
        assert_eq!(public_of(&secret).unwrap(), public);
        let manifest = br#"{"format":"yizhan-feed/1","sequence":1,"datum":"wgs84"}"#;
        let sig = sign(&secret, manifest).unwrap();
        let key: [u8; 32] = B64.decode(&public).unwrap().try_into().unwrap();
        assert!(check_manifest(manifest, Some(&sig), &[key], "/m.json").is_ok());
        assert!(sign("短", manifest).is_err());
    }
}
