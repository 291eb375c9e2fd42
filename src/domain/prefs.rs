//! The user's interface preferences, and how a URL parameter overrides what is stored.

use crate::i18n::Lang;
use serde::{Deserialize, Serialize};

/// Small, versioned user settings kept in localStorage under [`Prefs::STORAGE_KEY`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Prefs {
    pub lang: Lang,
    /// The manifest path chosen with `?feed=` (same origin), until changed.
    pub feed_path: Option<String>,
}

impl Prefs {
    /// The storage key; the version suffix changes when the shape does.
    pub const STORAGE_KEY: &'static str = "yizhan.prefs.v1";

    /// Applies a `?lang=` value to the stored preferences, returning whether it changed
    /// anything: `Prefs::default().apply_lang_param(Some("en"))` switches to English.
    /// An unknown code is ignored, so a mistyped link never blanks the interface.
    pub fn apply_lang_param(&mut self, param: Option<&str>) -> bool {
        match param.and_then(Lang::parse) {
            Some(lang) if lang != self.lang => {
                self.lang = lang;
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lang_param_overrides_and_reports_change() {
        let mut p = Prefs::default();
        assert!(p.apply_lang_param(Some("en")));
        assert_eq!(p.lang, Lang::En);
        assert!(
            !p.apply_lang_param(Some("en")),
            "same language is no change"
        );
        assert!(!p.apply_lang_param(Some("xx")), "unknown code is ignored");
        assert_eq!(p.lang, Lang::En);
        assert!(!p.apply_lang_param(None));
        assert!(p.apply_lang_param(Some("zh")));
        assert_eq!(p.lang, Lang::Zh);
    }

    #[test]
    fn stored_json_with_missing_or_extra_fields_still_loads() {
        let p: Prefs = serde_json::from_str("{}").unwrap();
        assert_eq!(p, Prefs::default());
        let p: Prefs = serde_json::from_str(r#"{"lang":"en","future":1}"#).unwrap();
        assert_eq!(p.lang, Lang::En);
    }
}
