//! Whether the device holds someone's data, read from what is stored without reading
//! it in full. A `?kiosk=1` link opened on a worker's own phone must not wipe their
//! card, coupons, requests or join draft; the stations app makes that check too, and
//! these small readers keep the full ones (the wallet's, every request's, the form's)
//! out of its wasm.

use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::BTreeMap;

/// What a stored wallet ([`crate::wallet::Wallet`]) holds:
/// `serde_json::from_str::<WalletContents>(stored)?.is_empty()`.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct WalletContents {
    card: Option<IgnoredAny>,
    coupons: Vec<IgnoredAny>,
}

impl WalletContents {
    /// No membership card and no coupon.
    pub fn is_empty(&self) -> bool {
        self.card.is_none() && self.coupons.is_empty()
    }
}

/// Whether a stored join draft ([`crate::join::JoinForm`], as its JSON text) holds
/// nothing a person typed or picked: each field but its kind (join or transfer, which
/// says nothing about anyone) is empty or absent. Text that is not a JSON object
/// counts as holding something. `draft_is_empty(stored)`. Read field by field as raw
/// text: a reader of the form's fields cost the stations app's wasm 5.8 KB.
pub fn draft_is_empty(text: &str) -> bool {
    serde_json::from_slice::<BTreeMap<String, &RawValue>>(text.as_bytes()).is_ok_and(|fields| {
        fields
            .iter()
            .all(|(name, value)| name == "kind" || matches!(value.get(), r#""""# | "null"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::join::{JoinForm, RequestKind};
    use crate::wallet::Wallet;

    fn wallet(text: &str) -> WalletContents {
        serde_json::from_str(text).unwrap()
    }

    fn draft_empty(form: &JoinForm) -> bool {
        draft_is_empty(&serde_json::to_string(form).unwrap())
    }

    #[test]
    fn an_empty_wallet_is_empty_and_a_card_or_a_coupon_is_not() {
        let empty = serde_json::to_string(&Wallet::default()).unwrap();
        assert!(wallet(&empty).is_empty());
        assert!(wallet("{}").is_empty());
        assert!(wallet(r#"{"card":null,"coupons":[]}"#).is_empty());
        assert!(!wallet(r#"{"card":{"member_no":"A1"},"coupons":[]}"#).is_empty());
        assert!(!wallet(r#"{"card":null,"coupons":[{"id":"c"}]}"#).is_empty());
    }

    #[test]
    fn any_typed_field_of_the_form_counts_and_its_kind_alone_does_not() {
        assert!(draft_empty(&JoinForm::default()));
        let transfer = JoinForm {
            kind: RequestKind::Transfer,
            ..JoinForm::default()
        };
        assert!(draft_empty(&transfer));
        let typed: [fn(&mut JoinForm); 8] = [
            |f| f.name = "王".into(),
            |f| f.phone = "1".into(),
            |f| f.id_number = "1".into(),
            |f| f.occupation = "快递员".into(),
            |f| f.employer = "x".into(),
            |f| f.union_id = "u".into(),
            |f| f.from_union = "u".into(),
            |f| f.city = "371500".into(),
        ];
        // Every field of JoinForm but its kind: a field added to the form (and given
        // a non-empty default) fails this test, rather than going unnoticed.
        assert_eq!(
            serde_json::to_value(JoinForm::default())
                .unwrap()
                .as_object()
                .unwrap()
                .len(),
            typed.len() + 1
        );
        for fill in typed {
            let mut form = JoinForm::default();
            fill(&mut form);
            assert!(!draft_empty(&form), "{form:?}");
        }
    }

    #[test]
    fn a_value_of_another_shape_is_refused_or_counts() {
        assert!(serde_json::from_str::<WalletContents>(r#"{"coupons":3}"#).is_err());
        assert!(!draft_is_empty("[1]"));
        assert!(!draft_is_empty("not json"));
        assert!(!draft_is_empty(r#"{"name":" "}"#));
        assert!(!draft_is_empty(r#"{"note":7}"#));
        assert!(draft_is_empty(
            r#"{"name":"","kind":"transfer","phone":null}"#
        ));
        assert!(draft_is_empty("{}"));
    }

    // proptest is native only (no randomness backend on wasm32).
    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        /// Whatever the device holds under these keys, reading it returns.
        #[test]
        fn reading_any_text_returns(text in ".{0,200}") {
            let _ = serde_json::from_str::<WalletContents>(&text);
            let _ = draft_is_empty(&text);
        }
    }
}
