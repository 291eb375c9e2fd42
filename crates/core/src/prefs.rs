//! The user's interface preferences, and how a URL parameter overrides what is stored.

use crate::lang::Lang;
use serde::{Deserialize, Serialize};

/// Small, versioned user settings kept in localStorage under [`Prefs::STORAGE_KEY`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Prefs {
    pub lang: Lang,
    /// The manifest path chosen with `?feed=` (same origin), until changed.
    pub feed_path: Option<String>,
    /// Large text and high contrast (适老化), from `/me` or `?large=1`.
    pub large: bool,
    /// A shared kiosk (`?kiosk=1` until `?kiosk=0`): nothing personal is stored.
    pub kiosk: Option<Kiosk>,
}

/// A kiosk's own settings (its place, not anyone's personal data).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kiosk {
    /// `near=LAT,LNG` of the kiosk, as given.
    pub near: Option<String>,
    /// `place=` name shown on screen, e.g. 聊城市工人文化宫.
    pub place: Option<String>,
    /// Seconds without a touch before the screen is wiped (`idle=`, default 90).
    pub idle_secs: u32,
}

impl Kiosk {
    pub const DEFAULT_IDLE_SECS: u32 = 90;

    /// Where the kiosk returns after a wipe: `/stations` at its own place.
    pub fn start_url(&self) -> String {
        match &self.near {
            // Encoded (a comma is safe as it is): a `near` holding `&feed=…` must not
            // become another parameter.
            Some(near) => format!(
                "/stations?near={}",
                crate::navigation::encode(near).replace("%2C", ",")
            ),
            None => "/stations".to_string(),
        }
    }
}

/// Splits a query string into decoded pairs: `query_pairs("?a=1&place=%E5%B7%A5")`.
pub fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Prefs {
    /// The storage key; the version suffix changes when the shape does.
    pub const STORAGE_KEY: &'static str = "yizhan.prefs.v1";

    /// Applies the device-mode parameters of a URL: `kiosk=1|0` with `near`, `place`
    /// and `idle`, and `large=1|0`. Returns whether anything changed.
    pub fn apply_mode_params(&mut self, query: &str) -> bool {
        let before = self.clone();
        let pairs = query_pairs(query);
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.as_str())
        };
        match get("kiosk") {
            Some("1") => {
                let idle_secs = get("idle")
                    .and_then(|v| v.parse().ok())
                    .filter(|s: &u32| (10..=3600).contains(s))
                    .unwrap_or(Kiosk::DEFAULT_IDLE_SECS);
                self.kiosk = Some(Kiosk {
                    near: get("near").map(str::to_string),
                    place: get("place").map(|p| p.chars().take(40).collect()),
                    idle_secs,
                });
            }
            Some("0") => self.kiosk = None,
            _ => {}
        }
        match get("large") {
            Some("1") => self.large = true,
            Some("0") => self.large = false,
            _ => {}
        }
        *self != before
    }

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
    fn kiosk_and_large_mode_parameters() {
        let mut p = Prefs::default();
        assert!(p.apply_mode_params("?kiosk=1&near=36.45,115.98&place=%E5%B7%A5%E4%BA%BA%E6%96%87%E5%8C%96%E5%AE%AB&idle=30"));
        let k = p.kiosk.clone().unwrap();
        assert_eq!(k.place.as_deref(), Some("工人文化宫"));
        assert_eq!(k.idle_secs, 30);
        assert_eq!(k.start_url(), "/stations?near=36.45,115.98");
        let mut p2 = Prefs::default();
        p2.apply_mode_params("?kiosk=1&near=36.45%2C115.98%26feed%3D%2Fevil%2Fmanifest.json");
        assert_eq!(
            p2.kiosk.unwrap().start_url(),
            "/stations?near=36.45,115.98%26feed%3D%2Fevil%2Fmanifest.json",
            "the whole value stays one parameter"
        );
        assert!(
            !p.apply_mode_params("?lang=en"),
            "other parameters change nothing"
        );
        assert!(p.apply_mode_params("kiosk=0"));
        assert_eq!(p.kiosk, None);
        p.apply_mode_params("?kiosk=1&idle=2");
        assert_eq!(
            p.kiosk.unwrap().idle_secs,
            Kiosk::DEFAULT_IDLE_SECS,
            "too short an idle is ignored"
        );
        let mut p = Prefs::default();
        assert!(p.apply_mode_params("large=1"));
        assert!(p.large);
        assert!(p.apply_mode_params("large=0"));
        assert_eq!(
            query_pairs("a=%zz&b=x+y"),
            [("a".into(), "%zz".into()), ("b".into(), "x y".into())]
        );
        assert_eq!(
            query_pairs("place=%工人"),
            [("place".into(), "%工人".into())],
            "raw UTF-8 after %"
        );
    }

    #[test]
    fn stored_json_with_missing_or_extra_fields_still_loads() {
        let p: Prefs = serde_json::from_str("{}").unwrap();
        assert_eq!(p, Prefs::default());
        let p: Prefs = serde_json::from_str(r#"{"lang":"en","future":1}"#).unwrap();
        assert_eq!(p.lang, Lang::En);
    }
}
