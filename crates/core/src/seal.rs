//! Sealed requests and sealed answers (FEED.md "Sealed requests and sealed answers").
//! Longer than 400 lines because nearly a third of it is the tests of the sealing both
//! ways.
//!
//! A request leaves the device sealed to the union desk's X25519 key with HPKE
//! (RFC 9180: mode base, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305),
//! bound to its `id`, `kind` and `created_at`, so the intake (and anyone who steals its
//! disk) holds only ciphertext, and a box moved to another envelope does not open.
//! The desk answers under the `reply_key` the device drew for that request, so the
//! public `statuses` file names nobody. The crypto is the `hpke` and
//! `chacha20poly1305` crates'; this module only fixes the contract's bytes.
//!
//! Randomness comes from the caller (`fill`: the browser's or the system's CSPRNG), so
//! the core stays free of any platform crate.
//! (Over 400 lines: about half of it is the tests of every refusal.)

use crate::feed::{RequestStatus, SignedCard, Statuses};
use crate::vocab::RequestState;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::ChaCha20Poly1305;
use hpke::kem::X25519HkdfSha256;
use hpke::{Deserializable, Kem, OpModeR, OpModeS, Serializable};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// HPKE's `info` for every sealed request.
pub const REQUEST_INFO: &[u8] = b"yizhan-request/1";

/// FEED.md's suite: ChaCha20-Poly1305 and HKDF-SHA256 (with DHKEM(X25519)).
type SuiteAead = hpke::aead::ChaCha20Poly1305;
type SuiteKdf = hpke::kdf::HkdfSha256;

/// A sealed payload as the envelope carries it: `{ "enc": base64, "ct": base64 }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedBox {
    /// The sender's encapsulated (ephemeral) X25519 key: 32 bytes.
    pub enc: String,
    /// The ChaCha20-Poly1305 ciphertext with its 16-byte tag.
    pub ct: String,
}

/// Why a box did not seal or open, in words a desk's operator can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SealError {
    /// The key is not base64 of 32 bytes.
    BadKey,
    /// The box is not base64, or too short to be one.
    Malformed,
    /// The box does not open: tampered with, sealed to another key, or moved from
    /// another request.
    WontOpen,
}

impl std::fmt::Display for SealError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SealError::BadKey => "the key is not base64 of 32 bytes",
            SealError::Malformed => "the sealed box is not base64 of a box",
            SealError::WontOpen => {
                "the sealed box does not open: it was changed on the way, sealed to another \
                 desk key, or taken from another request"
            }
        })
    }
}

/// A random source for the `hpke` crate that calls the caller's `fill`.
struct Filler<'a>(&'a mut dyn FnMut(&mut [u8]));

impl rand_core::RngCore for Filler<'_> {
    fn next_u32(&mut self) -> u32 {
        let mut b = [0u8; 4];
        (self.0)(&mut b);
        u32::from_le_bytes(b)
    }
    fn next_u64(&mut self) -> u64 {
        let mut b = [0u8; 8];
        (self.0)(&mut b);
        u64::from_le_bytes(b)
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        (self.0)(dest)
    }
}
impl rand_core::CryptoRng for Filler<'_> {}

/// 32 bytes from base64, or `None`: `key_bytes(&manifest_seal_key)`.
pub fn key_bytes(b64: &str) -> Option<[u8; 32]> {
    B64.decode(b64.trim()).ok()?.try_into().ok()
}

/// The desk's key pair from 32 random bytes: `(private, public)`, raw.
/// `let (private, public) = keypair(seed);`
pub fn keypair(seed: [u8; 32]) -> ([u8; 32], [u8; 32]) {
    let (private, public) = X25519HkdfSha256::derive_keypair(&seed);
    (private.to_bytes().into(), public.to_bytes().into())
}

/// The AAD of a sealed request: `id`, `kind` and `created_at`, each followed by `\n`.
pub fn request_aad(id: &str, kind: &str, created_at: &str) -> Vec<u8> {
    format!("{id}\n{kind}\n{created_at}\n").into_bytes()
}

/// The plaintext a request seals: its payload's JSON object with `reply_key` added.
/// `sealed_plaintext(&request.payload(), &reply_key_b64)`.
pub fn sealed_plaintext(payload: &RawValue, reply_key: &str) -> String {
    let text = payload.get().trim();
    let inner = text
        .strip_prefix('{')
        .and_then(|t| t.strip_suffix('}'))
        .unwrap_or("")
        .trim();
    // A base64 key needs no JSON escaping.
    let key = format!("\"reply_key\":\"{reply_key}\"");
    if inner.is_empty() {
        format!("{{{key}}}")
    } else {
        format!("{{{key},{inner}}}")
    }
}

/// The `reply_key` a sealed request's payload carries (base64), if any: what the
/// device keeps to open its answer and the desk seals the answer to.
/// `reply_key_of(r#"{"reply_key":"…","name":"…"}"#)`.
pub fn reply_key_of(payload: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct ReplyKey {
        #[serde(default)]
        reply_key: Option<String>,
    }
    serde_json::from_str::<ReplyKey>(payload).ok()?.reply_key
}

/// Seals `plaintext` for the request (`id`, `kind`, `created_at`) to the desk's public
/// key `seal_key` (base64, from the manifest's `intake.seal_key`):
/// `seal_request(&seal_key, &id, "join", &created, plaintext.as_bytes(), &mut fill)`.
pub fn seal_request(
    seal_key: &str,
    id: &str,
    kind: &str,
    created_at: &str,
    plaintext: &[u8],
    fill: &mut dyn FnMut(&mut [u8]),
) -> Result<SealedBox, SealError> {
    let raw = key_bytes(seal_key).ok_or(SealError::BadKey)?;
    let public =
        <X25519HkdfSha256 as Kem>::PublicKey::from_bytes(&raw).map_err(|_| SealError::BadKey)?;
    let aad = request_aad(id, kind, created_at);
    let (enc, ct) = hpke::single_shot_seal::<SuiteAead, SuiteKdf, X25519HkdfSha256, _>(
        &OpModeS::Base,
        &public,
        REQUEST_INFO,
        plaintext,
        &aad,
        &mut Filler(fill),
    )
    .map_err(|_| SealError::BadKey)?;
    Ok(SealedBox {
        enc: B64.encode(enc.to_bytes()),
        ct: B64.encode(ct),
    })
}

/// Opens a sealed request with the desk's private key (raw 32 bytes): the payload's
/// JSON bytes, or why not. `open_request(&private, &id, &kind, &created_at, &sealed)`.
pub fn open_request(
    private_key: &[u8; 32],
    id: &str,
    kind: &str,
    created_at: &str,
    sealed: &SealedBox,
) -> Result<Vec<u8>, SealError> {
    let private = <X25519HkdfSha256 as Kem>::PrivateKey::from_bytes(private_key)
        .map_err(|_| SealError::BadKey)?;
    let enc = B64
        .decode(sealed.enc.trim())
        .map_err(|_| SealError::Malformed)?;
    let enc = <X25519HkdfSha256 as Kem>::EncappedKey::from_bytes(&enc)
        .map_err(|_| SealError::Malformed)?;
    let ct = B64
        .decode(sealed.ct.trim())
        .map_err(|_| SealError::Malformed)?;
    let aad = request_aad(id, kind, created_at);
    hpke::single_shot_open::<SuiteAead, SuiteKdf, X25519HkdfSha256>(
        &OpModeR::Base,
        &private,
        &enc,
        REQUEST_INFO,
        &ct,
        &aad,
    )
    .map_err(|_| SealError::WontOpen)
}

/// Whether a sealed box has the shape of one (base64; `enc` 32 bytes; `ct` at least
/// the 16-byte tag), without opening it: what the intake can check.
pub fn box_is_well_formed(sealed: &SealedBox) -> bool {
    let enc = B64.decode(sealed.enc.trim());
    let ct = B64.decode(sealed.ct.trim());
    matches!((enc, ct), (Ok(e), Ok(c)) if e.len() == 32 && c.len() >= 16 && c.len() <= 64 * 1024)
}

/// What a `box` holds: a `statuses` entry's plain fields without its `ref`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedAnswer {
    pub state: RequestState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_no: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<SignedCard>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
}

/// Sealed answers are padded to a multiple of this many bytes (a signed card with a
/// note fits in one).
pub const ANSWER_BLOCK: usize = 1024;

/// A `statuses` entry's `box`: the 12-byte `nonce`, then ChaCha20-Poly1305 under the
/// request's `reply_key` with AAD the UTF-8 of `reference`, all in base64:
/// `seal_answer(&reply_key, &sha256_hex(id), json.as_bytes(), nonce)`.
pub fn seal_answer(
    reply_key: &[u8; 32],
    reference: &str,
    plaintext: &[u8],
    nonce: [u8; 12],
) -> String {
    // Padded with spaces (JSON ignores them) to a whole number of blocks, so the box's
    // length tells a reader of the feed nothing of the state, the note or the name.
    let mut padded = plaintext.to_vec();
    padded.resize(
        plaintext.len().div_ceil(ANSWER_BLOCK).max(1) * ANSWER_BLOCK,
        b' ',
    );
    let cipher = ChaCha20Poly1305::new(reply_key.into());
    let sealed = cipher
        .encrypt(
            (&nonce).into(),
            Payload {
                msg: &padded,
                aad: reference.as_bytes(),
            },
        )
        // Encryption of an in-memory buffer this size cannot fail.
        .unwrap_or_default();
    let mut out = nonce.to_vec();
    out.extend_from_slice(&sealed);
    B64.encode(out)
}

/// Opens a `statuses` entry's `box` with the request's `reply_key`: the JSON bytes of
/// the answer, or `None` (not ours, or tampered): `open_answer(&key, &entry.reference, b)`.
pub fn open_answer(reply_key: &[u8; 32], reference: &str, sealed: &str) -> Option<Vec<u8>> {
    let bytes = B64.decode(sealed.trim()).ok()?;
    if bytes.len() < 12 + 16 {
        return None;
    }
    let (nonce, ct) = bytes.split_at(12);
    ChaCha20Poly1305::new(reply_key.into())
        .decrypt(
            nonce.into(),
            Payload {
                msg: ct,
                aad: reference.as_bytes(),
            },
        )
        .ok()
}

/// The statuses this device can read: the plain entries as they are, and the sealed
/// entries of its own requests opened with their reply keys (`mine`: request id and
/// base64 reply key); every other sealed entry is left out.
/// `readable_statuses(&feed.statuses, &[(item.id.as_str(), key.as_str())])`.
pub fn readable_statuses(statuses: &Statuses, mine: &[(&str, &str)]) -> Statuses {
    let opened = mine.iter().filter_map(|(id, key)| {
        let key = key_bytes(key)?;
        let reference = crate::feed::sha256_hex(id.as_bytes());
        statuses
            .statuses
            .iter()
            .filter(|s| s.sealed.is_some() && s.reference.eq_ignore_ascii_case(&reference))
            .find_map(|s| {
                let json = open_answer(&key, &s.reference, s.sealed.as_deref()?)?;
                let answer: SealedAnswer = serde_json::from_slice(&json).ok()?;
                Some(RequestStatus {
                    reference: s.reference.clone(),
                    state: answer.state,
                    member_no: answer.member_no,
                    note: answer.note,
                    updated: answer.updated,
                    card: answer.card,
                    sealed: None,
                })
            })
    });
    Statuses {
        statuses: statuses
            .statuses
            .iter()
            .filter(|s| s.sealed.is_none())
            .cloned()
            .chain(opened)
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic filler for tests (the real ones are the platform's CSPRNG).
    fn counter(start: u8) -> impl FnMut(&mut [u8]) {
        let mut n = start;
        move |buf: &mut [u8]| {
            for b in buf {
                n = n.wrapping_mul(31).wrapping_add(7);
                *b = n;
            }
        }
    }

    const ID: &str = "0b9e6c1e-6a54-4f3b-9a57-1f0a2b3c4d5e";
    const AT: &str = "2026-11-23T10:00:00+08:00";

    #[test]
    fn a_request_opens_only_with_the_desk_key_and_its_own_envelope() {
        let (private, public) = keypair([7; 32]);
        let seal_key = B64.encode(public);
        let plain = r#"{"reply_key":"k","name":"张三"}"#.as_bytes();
        let sealed = seal_request(&seal_key, ID, "join", AT, plain, &mut counter(1)).unwrap();
        assert!(box_is_well_formed(&sealed));
        assert!(!sealed.ct.contains("张三"));
        assert_eq!(
            open_request(&private, ID, "join", AT, &sealed).unwrap(),
            plain
        );
        // A wrong desk key, another request's envelope, a changed byte: refused.
        let (other, _) = keypair([8; 32]);
        assert_eq!(
            open_request(&other, ID, "join", AT, &sealed),
            Err(SealError::WontOpen)
        );
        let other_id = ID.replace("0b9e", "1b9e");
        for (id, kind, at) in [
            (other_id.as_str(), "join", AT),
            (ID, "transfer", AT),
            (ID, "join", "2026-11-24T10:00:00+08:00"),
        ] {
            assert_eq!(
                open_request(&private, id, kind, at, &sealed),
                Err(SealError::WontOpen)
            );
        }
        let mut ct = B64.decode(&sealed.ct).unwrap();
        ct[3] ^= 1;
        let tampered = SealedBox {
            ct: B64.encode(ct),
            ..sealed.clone()
        };
        assert_eq!(
            open_request(&private, ID, "join", AT, &tampered),
            Err(SealError::WontOpen)
        );
        let junk = SealedBox {
            enc: "not base64!".into(),
            ct: sealed.ct.clone(),
        };
        assert_eq!(
            open_request(&private, ID, "join", AT, &junk),
            Err(SealError::Malformed)
        );
        assert!(!box_is_well_formed(&junk));
        assert_eq!(
            seal_request("short", ID, "join", AT, plain, &mut counter(1)),
            Err(SealError::BadKey)
        );
    }

    #[test]
    fn two_seals_of_the_same_request_differ() {
        let (_, public) = keypair([7; 32]);
        let key = B64.encode(public);
        let a = seal_request(&key, ID, "join", AT, b"{}", &mut counter(1)).unwrap();
        let b = seal_request(&key, ID, "join", AT, b"{}", &mut counter(2)).unwrap();
        assert_ne!(a.enc, b.enc);
    }

    #[test]
    fn the_reply_key_is_added_to_the_payload() {
        let payload = serde_json::value::to_raw_value(&serde_json::json!({"a": 1})).unwrap();
        let text = sealed_plaintext(&payload, "S0VZ");
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["reply_key"], "S0VZ");
        assert_eq!(reply_key_of(&text).as_deref(), Some("S0VZ"));
        assert_eq!(reply_key_of(r#"{"a":1}"#), None);
        assert_eq!(v["a"], 1);
        let empty = serde_json::value::to_raw_value(&serde_json::json!({})).unwrap();
        let v: serde_json::Value = serde_json::from_str(&sealed_plaintext(&empty, "K")).unwrap();
        assert_eq!(v["reply_key"], "K");
    }

    #[test]
    fn answers_open_for_their_own_request_only() {
        let key = [9u8; 32];
        let reference = crate::feed::sha256_hex(ID.as_bytes());
        let answer = br#"{"state":"approved","member_no":"3715002026000123","updated":"2026-11-21T10:00:00+08:00"}"#;
        let sealed = seal_answer(&key, &reference, answer, [1; 12]);
        assert!(!sealed.contains("3715"));
        let opened = open_answer(&key, &reference, &sealed).unwrap();
        assert_eq!(opened.trim_ascii_end(), answer);
        // A short answer and a long one are boxes of one length.
        let short = seal_answer(&key, &reference, br#"{"state":"received"}"#, [2; 12]);
        assert_eq!(short.len(), sealed.len(), "the length says nothing");
        assert_eq!(
            open_answer(&[8; 32], &reference, &sealed),
            None,
            "another key"
        );
        assert_eq!(
            open_answer(&key, &"0".repeat(64), &sealed),
            None,
            "moved to another ref"
        );
        assert_eq!(open_answer(&key, &reference, "AAAA"), None, "too short");
        let statuses: Statuses = serde_json::from_value(serde_json::json!({"statuses": [
            {"ref": reference, "box": sealed},
            {"ref": "ab".repeat(32), "box": seal_answer(&[3; 32], &"ab".repeat(32), answer, [2; 12])},
            {"ref": "cd".repeat(32), "state": "rejected"},
        ]}))
        .unwrap();
        let key_b64 = B64.encode(key);
        let readable = readable_statuses(&statuses, &[(ID, key_b64.as_str())]);
        assert_eq!(readable.statuses.len(), 2, "the plain one and ours");
        let ours = readable.for_request(ID).unwrap();
        assert_eq!(ours.state, RequestState::Approved);
        assert_eq!(ours.member_no.as_deref(), Some("3715002026000123"));
        // Without the key, nothing of ours is read.
        assert!(statuses.for_request(ID).is_none());
    }
}
