//! Every user-visible string, one table per language. Pure: no browser, no reactivity.
//!
//! Views never hold string literals; they read a field of [`Strings`] for the current
//! [`Lang`], so a missing translation is a compile error, not a blank on screen.

mod en;
mod zh;

use serde::{Deserialize, Serialize};

/// Interface language. Chinese is the default; English is the second language.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    #[serde(rename = "zh")]
    Zh,
    #[serde(rename = "en")]
    En,
}

impl Lang {
    /// Parses the `?lang=` value: `Lang::parse("en") == Some(Lang::En)`.
    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "zh" | "zh-cn" | "zh-hans" | "cn" => Some(Lang::Zh),
            "en" | "en-us" | "en-gb" => Some(Lang::En),
            _ => None,
        }
    }

    /// The BCP 47 tag for `<html lang>`: `Lang::Zh.tag() == "zh-CN"`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The short code used in URLs and storage: `Lang::En.code() == "en"`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }
}

/// The string table of one language.
pub struct Strings {
    pub app_name: &'static str,
    pub app_tagline: &'static str,
    pub skip_to_content: &'static str,
    pub nav_label: &'static str,
    pub nav_stations: &'static str,
    pub nav_coupons: &'static str,
    pub nav_join: &'static str,
    pub nav_me: &'static str,

    pub stations_title: &'static str,
    pub stations_intro: &'static str,
    pub coupons_title: &'static str,
    pub coupons_intro: &'static str,
    pub join_title: &'static str,
    pub join_intro: &'static str,
    pub me_title: &'static str,
    pub me_intro: &'static str,

    pub language_heading: &'static str,
    pub language_zh: &'static str,
    pub language_en: &'static str,
    pub about_heading: &'static str,
    pub about_text: &'static str,

    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub not_found_back: &'static str,

    pub storage_unavailable: &'static str,
    pub storage_full: &'static str,
    pub storage_corrupt: &'static str,
}

/// The string table for `lang`: `strings(Lang::En).nav_me == "Me"`.
pub fn strings(lang: Lang) -> &'static Strings {
    match lang {
        Lang::Zh => &zh::STRINGS,
        Lang::En => &en::STRINGS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_language_codes_case_insensitively() {
        assert_eq!(Lang::parse("en"), Some(Lang::En));
        assert_eq!(Lang::parse("EN"), Some(Lang::En));
        assert_eq!(Lang::parse("zh-CN"), Some(Lang::Zh));
        assert_eq!(Lang::parse("fr"), None);
        assert_eq!(Lang::parse(""), None);
    }

    #[test]
    fn chinese_is_the_default_language() {
        assert_eq!(Lang::default(), Lang::Zh);
        assert_eq!(Lang::default().tag(), "zh-CN");
    }

    #[test]
    fn both_tables_are_filled_and_differ() {
        let (zh, en) = (strings(Lang::Zh), strings(Lang::En));
        for (a, b) in [
            (zh.nav_stations, en.nav_stations),
            (zh.nav_coupons, en.nav_coupons),
            (zh.nav_join, en.nav_join),
            (zh.nav_me, en.nav_me),
            (zh.not_found_title, en.not_found_title),
        ] {
            assert!(!a.is_empty() && !b.is_empty());
            assert_ne!(a, b);
        }
        assert_eq!(zh.nav_stations, "附近驿站");
    }

    #[test]
    fn language_round_trips_through_json() {
        let json = serde_json::to_string(&Lang::En).unwrap();
        assert_eq!(json, "\"en\"");
        assert_eq!(serde_json::from_str::<Lang>(&json).unwrap(), Lang::En);
    }
}
