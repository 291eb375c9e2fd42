//! Whom the app trusts: the publisher keys that sign the feed's manifest and the
//! union's membership cards.

/// The publisher keys built into the app: `YIZHAN_PUBLISHER_KEYS` (base64 Ed25519
/// public keys, comma-separated; each checked by the build's hook, scripts/check-keys.sh)
/// at build time, else the SAMPLE key that signs the
/// bundled sample feed (sample/README.md: never for real data):
/// `check_manifest(bytes, sig, &publisher_keys(), path)`.
pub fn publisher_keys() -> Vec<[u8; 32]> {
    let text = option_env!("YIZHAN_PUBLISHER_KEYS")
        .unwrap_or(include_str!("../sample/SAMPLE-ONLY-publisher.key.pub"));
    yizhan_core::feed::publisher_keys_from(text)
}
