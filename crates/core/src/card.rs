//! Membership cards signed by the union (FEED.md, union desk): the exact bytes signed,
//! and the check a venue's device makes.

use crate::feed::SignedCard;
use base64::Engine;
use ed25519_dalek::{Signature, VerifyingKey};

/// The bytes a card's `sig` signs: `yizhan-card/1`, then `member_no`, `name`, `union`
/// and `valid_until`, each on its own line after a `\n`:
/// `signed_text("3715002026000123", "张三", "371500-express", "2027-12-31")`.
pub fn signed_text(member_no: &str, name: &str, union: &str, valid_until: &str) -> String {
    format!("yizhan-card/1\n{member_no}\n{name}\n{union}\n{valid_until}")
}

/// Whether `card`'s signature holds under one of `keys` (raw Ed25519 public keys).
/// Never panics, whatever the card holds: `verify(&card, &keys)`.
pub fn verify(card: &SignedCard, keys: &[[u8; 32]]) -> bool {
    let Ok(raw) = base64::engine::general_purpose::STANDARD.decode(card.sig.trim()) else {
        return false;
    };
    let Ok(signature) = Signature::from_slice(&raw) else {
        return false;
    };
    let text = signed_text(&card.member_no, &card.name, &card.union, &card.valid_until);
    keys.iter().any(|k| {
        VerifyingKey::from_bytes(k)
            .is_ok_and(|vk| vk.verify_strict(text.as_bytes(), &signature).is_ok())
    })
}

/// Where a signed card stands on a China-local day: the one rule for the venue's
/// check and the desk's members-only claims.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    Valid,
    /// Past its `valid_until`, or a `valid_until` that is not a date (never read as
    /// "no end").
    Expired,
    /// Its signature does not hold under any of the keys.
    Forged,
}

/// `standing(&card, today, &keys) == Standing::Valid` for a card the union signed,
/// valid today.
pub fn standing(card: &SignedCard, day: chrono::NaiveDate, keys: &[[u8; 32]]) -> Standing {
    if !verify(card, keys) {
        return Standing::Forged;
    }
    match crate::time::parse_date(&card.valid_until) {
        Some(until) if day <= until => Standing::Valid,
        _ => Standing::Expired,
    }
}

/// What a verified card's QR code holds: the signed text, then the signature on a
/// line of its own, so a venue checks it with no network: `qr_text(&card)`.
pub fn qr_text(card: &SignedCard) -> String {
    let text = signed_text(&card.member_no, &card.name, &card.union, &card.valid_until);
    format!("{text}\n{}", card.sig)
}

/// The signed card in a scanned QR text, if it is one (not yet checked): the inverse
/// of [`qr_text`]; `None` for anything else, whatever it holds.
pub fn from_qr_text(text: &str) -> Option<SignedCard> {
    let mut lines = text.trim_end().split('\n');
    if lines.next()? != "yizhan-card/1" {
        return None;
    }
    let mut next = || lines.next().map(str::to_string);
    let card = SignedCard {
        member_no: next()?,
        name: next()?,
        union: next()?,
        valid_until: next()?,
        sig: next()?,
    };
    lines.next().is_none().then_some(card)
}

/// A card signed by a test key made from `seed`, and that key's public half: what
/// the union's desk would publish, for the tests of the modules that check cards.
#[cfg(test)]
pub(crate) fn signed_for_test(seed: u8, member_no: &str, name: &str) -> (SignedCard, [u8; 32]) {
    use ed25519_dalek::{Signer, SigningKey};
    let key = SigningKey::from_bytes(&[seed; 32]);
    let (union, valid_until) = ("u1", "2027-12-31");
    let text = signed_text(member_no, name, union, valid_until);
    let card = SignedCard {
        member_no: member_no.into(),
        name: name.into(),
        union: union.into(),
        valid_until: valid_until.into(),
        sig: base64::engine::general_purpose::STANDARD.encode(key.sign(text.as_bytes()).to_bytes()),
    };
    (card, key.verifying_key().to_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer, SigningKey};

    #[test]
    fn a_card_stands_valid_only_through_a_date_that_reads() {
        use chrono::NaiveDate;
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let (card, key) = signed_for_test(3, "3715002026000123", "张三");
        assert_eq!(standing(&card, day("2027-12-31"), &[key]), Standing::Valid);
        assert_eq!(
            standing(&card, day("2028-01-01"), &[key]),
            Standing::Expired
        );
        assert_eq!(
            standing(&card, day("2026-01-01"), &[[1; 32]]),
            Standing::Forged
        );
        // A union that signed a date no one can read signed no end date: never valid.
        let key_bytes = [3u8; 32];
        for unreadable in ["2027/12/31", "", "永久", "2027-13-01"] {
            use ed25519_dalek::{Signer, SigningKey};
            let signer = SigningKey::from_bytes(&key_bytes);
            let text = signed_text(&card.member_no, &card.name, &card.union, unreadable);
            let odd = SignedCard {
                valid_until: unreadable.into(),
                sig: base64::engine::general_purpose::STANDARD
                    .encode(signer.sign(text.as_bytes()).to_bytes()),
                ..card.clone()
            };
            assert_eq!(
                standing(&odd, day("2026-01-01"), &[key]),
                Standing::Expired,
                "{unreadable}"
            );
        }
    }

    #[test]
    fn a_signed_card_verifies_and_any_changed_field_does_not() {
        let key = SigningKey::from_bytes(&[7u8; 32]);
        let public = key.verifying_key().to_bytes();
        let text = signed_text("3715002026000123", "张三", "371500-express", "2027-12-31");
        assert_eq!(
            text,
            "yizhan-card/1\n3715002026000123\n张三\n371500-express\n2027-12-31"
        );
        let card = SignedCard {
            member_no: "3715002026000123".into(),
            name: "张三".into(),
            union: "371500-express".into(),
            valid_until: "2027-12-31".into(),
            sig: base64::engine::general_purpose::STANDARD
                .encode(key.sign(text.as_bytes()).to_bytes()),
        };
        assert!(verify(&card, &[public]));
        assert_eq!(from_qr_text(&qr_text(&card)), Some(card.clone()));
        assert_eq!(from_qr_text("3715002026000123"), None);
        assert_eq!(from_qr_text(&format!("{}\nextra", qr_text(&card))), None);
        assert!(!verify(&card, &[[9u8; 32]]), "another key");
        assert!(!verify(&card, &[]), "no trusted key");
        for forged in [
            SignedCard {
                name: "李四".into(),
                ..card.clone()
            },
            SignedCard {
                member_no: "3715002026000124".into(),
                ..card.clone()
            },
            SignedCard {
                valid_until: "2099-12-31".into(),
                ..card.clone()
            },
            SignedCard {
                sig: "bm90IGEgc2lnbmF0dXJl".into(),
                ..card.clone()
            },
            SignedCard {
                sig: "%%%".into(),
                ..card.clone()
            },
        ] {
            assert!(!verify(&forged, &[public]), "{forged:?}");
        }
    }
}
