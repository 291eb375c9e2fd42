//! Every parser and check of input from a person, a URL or a feed returns, whatever
//! it is given, and never panics: in the release wasm a panic aborts the whole app.
//! 10,000 cases per property (set `PROPTEST_CASES` to change it). Native only.
#![cfg(not(target_arch = "wasm32"))]

use chrono::{NaiveDate, NaiveDateTime};
use proptest::prelude::*;
use serde_json::Value;
use std::collections::BTreeSet;
use yizhan_core::coupon_code::code_is_valid;
use yizhan_core::feed::{
    check_manifest, check_publisher_keys, feed_path_from_param, parse_shard, publisher_keys_from,
    resolve, Campaigns, Statuses, Unions,
};
use yizhan_core::geo::parse_near;
use yizhan_core::hours::OpeningHours;
use yizhan_core::join::{check_id_number, check_phone};
use yizhan_core::prefs::{query_pairs, Prefs};
use yizhan_core::text::{fixed, normalize_width, pretty_json};
use yizhan_core::time::{parse_date, parse_date_time, parse_rfc3339_utc};
use yizhan_core::wallet::MemberCard;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(10_000);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Text as people and links type it: ASCII, full-width forms, CJK, accents, emoji,
/// spaces of every width, percent signs and the grammar's own punctuation.
/// A `?feed=` value as an attacker would shape it: slashes, dots, tabs, newlines,
/// backslashes and escapes, around another host's name.
fn url_path() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        prop::sample::select(vec![
            "/",
            "//",
            "\\",
            "\t",
            "\n",
            "\r",
            ".",
            "..",
            "%2e",
            "%2E",
            "%09",
            "\u{0}",
            "\u{7f}",
            "evil.example",
            "http://127.0.0.1:8080",
            "http:",
            "?",
            "#",
            " ",
        ])
        .prop_map(str::to_string),
        "[a-z.]{1,6}",
        typed(),
    ];
    proptest::collection::vec(piece, 0..8).prop_map(|v| v.concat())
}

fn typed() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[0-9]{1,18}",
        "[０-９Ｘｘ]{1,4}",
        "[a-zA-Z]{1,4}",
        Just("Mo-Fr 07:00-21:00".to_string()),
        Just("24:00".to_string()),
        "[ \u{3000},;:%+&=?#/\\-.]{1,3}",
        "[黄山路驿站éüß😀]{1,2}",
        any::<String>(),
    ];
    proptest::collection::vec(piece, 0..6).prop_map(|v| v.concat())
}

/// Any JSON value, a few levels deep.
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        typed().prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            proptest::collection::btree_map(
                prop_oneof![
                    typed(),
                    Just("format".to_string()),
                    Just("sequence".to_string()),
                    Just("datum".to_string()),
                    Just("regions".to_string()),
                    Just("stations".to_string()),
                    Just("campaigns".to_string()),
                    Just("statuses".to_string()),
                ],
                inner,
                0..8
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn a_time() -> impl Strategy<Value = NaiveDateTime> {
    (0i64..4_000_000_000).prop_map(|s| {
        chrono::DateTime::from_timestamp(s, 0)
            .unwrap_or_default()
            .naive_utc()
    })
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

proptest! {
    #![proptest_config(config())]

    /// The feed's and the device's dates: any text returns, and whatever chrono writes
    /// reads back as the same value.
    #[test]
    fn dates_read_back_and_never_panic(text in typed(), days in -100_000i64..100_000, secs in 0u32..86_400, nanos in 0u32..1_000_000_000) {
        let _ = (parse_date(&text), parse_date_time(&text), parse_rfc3339_utc(&text));
        let day = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + chrono::TimeDelta::days(days);
        let at = day.and_time(chrono::NaiveTime::from_num_seconds_from_midnight_opt(secs, nanos).unwrap());
        if (1000..=9999).contains(&chrono::Datelike::year(&day)) {
            prop_assert_eq!(parse_date(&day.to_string()), Some(day));
            prop_assert_eq!(parse_date_time(serde_json::to_string(&at).unwrap().trim_matches('"')), Some(at));
            prop_assert_eq!(parse_rfc3339_utc(&at.and_utc().to_rfc3339()), Some(at));
        }
    }

    /// `fixed` is `format!("{x:.N}")` but for the last digit at a tie: the two read back
    /// within one unit of that digit, for coordinates, distances and any magnitude a
    /// screen shows.
    #[test]
    fn fixed_matches_format_within_the_last_digit(x in -1.0e7f64..1.0e7, decimals in 0u8..=6) {
        let ours = fixed(x, decimals);
        let std = format!("{x:.*}", usize::from(decimals));
        let (a, b): (f64, f64) = (ours.parse().unwrap(), std.parse().unwrap());
        // One unit of the last digit, plus the reading back's own rounding.
        let unit = 1.0 / 10f64.powi(i32::from(decimals));
        prop_assert!((a - b).abs() <= unit + x.abs() * 1e-15, "{ours} vs {std}");
        prop_assert_eq!(ours.split('.').nth(1).map_or(0, str::len), usize::from(decimals));
    }

    /// The exported file's layout is serde_json's pretty layout of the same value, and
    /// any text at all (truncated, hostile) comes out without a panic.
    #[test]
    fn pretty_json_is_serde_jsons_layout(value in json(), text in typed()) {
        let compact = serde_json::to_string(&value).unwrap();
        prop_assert_eq!(pretty_json(&compact), serde_json::to_string_pretty(&value).unwrap());
        let _ = pretty_json(&text);
        let half = compact.char_indices().nth(compact.chars().count() / 2).map_or(0, |(i, _)| i);
        let _ = pretty_json(&compact[..half]);
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn person_input_parsers_return(text in typed(), other in typed()) {
        let _ = check_phone(&text);
        let _ = check_id_number(&text, today());
        let _ = MemberCard::from_form(&text, &other, None, None);
        let _ = code_is_valid(&text);
        let _ = yizhan_core::coupon_code::code_ref(&text);
        // What a venue scans or types: any text, or a card QR with any fields.
        let card_text = format!("yizhan-card/1\n{text}\n{other}\nu\n{other}\n{text}");
        for scanned in [&text, &card_text] {
            let _ = yizhan_core::venue::check(
                scanned,
                today(),
                &Default::default(),
                &Default::default(),
                &Default::default(),
                &[[7u8; 32]],
            );
        }
        let n = normalize_width(&text);
        prop_assert!(n.chars().count() == text.chars().count());
    }

    /// What the app's forms accept, the intake and the desk accept and a venue reads:
    /// no line break, tab or other control character gets through a form.
    #[test]
    fn forms_never_pass_a_control_character(
        text in typed(),
        other in typed(),
        breaks in "[\n\r\t\u{0}\u{1b}\u{7f}\u{85}\u{2028} ]{0,2}",
        at in 0usize..8,
    ) {
        use yizhan_core::join::{JoinForm, RequestKind};
        let cut = text.char_indices().nth(at).map_or(text.len(), |(i, _)| i);
        let name = format!("{}{breaks}{}", &text[..cut], &text[cut..]);
        if let Ok(card) = MemberCard::from_form(&name, "3715002026000123", None, None) {
            prop_assert!(!yizhan_core::text::has_control(&card.name));
            let signed = yizhan_core::card::signed_text(&card.member_no, &card.name, "u1", "2027-12-31");
            prop_assert_eq!(signed.split('\n').count(), 5);
        }
        for kind in [RequestKind::Join, RequestKind::Transfer] {
            let form = JoinForm {
                kind,
                name: name.clone(),
                phone: "13912345678".into(),
                id_number: "11010519491231002X".into(),
                occupation: "courier".into(),
                employer: format!("{other}{breaks}"),
                union_id: "u1".into(),
                from_union: format!("{breaks}{other}"),
                city: String::new(),
            };
            if let Some(request) = form.request(today(), false) {
                prop_assert_eq!(request.with_control(), None);
                prop_assert_eq!(request.missing(), None);
            }
        }
    }

    #[test]
    fn full_width_input_means_the_same_as_ascii(digits in "[0-9]{11,18}", x in prop::bool::ANY) {
        let ascii = if x { format!("{digits}X") } else { digits.clone() };
        let wide: String = ascii
            .chars()
            .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap())
            .collect();
        prop_assert_eq!(check_phone(&wide), check_phone(&ascii));
        prop_assert_eq!(check_id_number(&wide, today()), check_id_number(&ascii, today()));
    }

    #[test]
    fn url_parameters_return(text in typed(), origin in typed()) {
        let _ = parse_near(&text);
        let _ = query_pairs(&text);
        let mut prefs = Prefs::default();
        let _ = prefs.apply_mode_params(&text);
        let _ = prefs.apply_lang_param(Some(&text));
        if let Some(kiosk) = &prefs.kiosk {
            prop_assert!((10..=3600).contains(&kiosk.idle_secs));
            let _ = kiosk.start_url();
        }
        let _ = feed_path_from_param(&text, &origin);
        let _ = resolve(&origin, &text);
    }

    #[test]
    fn an_accepted_feed_param_stays_on_this_origin(text in url_path(), origin in typed()) {
        let origins = ["http://127.0.0.1:8080", origin.as_str()];
        for origin in origins {
            if let Ok(path) = feed_path_from_param(&text, origin) {
                // As the browser's URL parser reads it: tabs and newlines dropped.
                let parsed: String = path.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
                prop_assert!(parsed.starts_with('/'), "{text:?} -> {path:?}");
                prop_assert!(!parsed.starts_with("//"), "{text:?} -> {path:?}");
                prop_assert!(!parsed.contains('\\'), "{text:?} -> {path:?}");
                prop_assert!(!path.chars().any(char::is_control), "{text:?} -> {path:?}");
            }
        }
    }

    #[test]
    fn hours_parse_and_evaluate(text in typed(), at in a_time()) {
        let holidays: BTreeSet<NaiveDate> = [at.date()].into_iter().collect();
        if let Ok(hours) = OpeningHours::parse(&text) {
            let _ = hours.is_open(at, &holidays);
            let _ = hours.status(at, &holidays);
            let _ = hours.spans_for(at.date(), &holidays);
            let _ = hours.week_table();
        }
    }

    #[test]
    fn feed_files_of_any_shape_are_checked_not_crashed_on(value in json(), text in typed()) {
        let bytes = serde_json::to_vec(&value).unwrap();
        let _ = check_manifest(&bytes, Some(&text), &[[7u8; 32]], "/feed/manifest.json");
        if let Ok(manifest) = check_manifest(&bytes, None, &[], "/feed/manifest.json") {
            // A station id from a link picks the shard to fetch.
            let _ = manifest.regions_named_by(&text);
        }
        let _ = parse_shard(&bytes, &text);
        let _ = serde_json::from_slice::<Campaigns>(&bytes);
        let _ = serde_json::from_slice::<Unions>(&bytes);
        let _ = serde_json::from_slice::<Statuses>(&bytes);
    }

    #[test]
    fn feed_bytes_of_any_kind_are_checked_not_crashed_on(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = check_manifest(&bytes, None, &[], "/feed/manifest.json");
        let _ = parse_shard(&bytes, "371500");
    }

    /// A key list the build accepts is read by the app as exactly those keys.
    #[test]
    fn publisher_key_lists_are_checked_and_read_alike(text in typed(), keys in proptest::collection::vec(any::<[u8; 32]>(), 0..4)) {
        use base64::Engine;
        let listed: Vec<String> = keys.iter().map(|k| base64::engine::general_purpose::STANDARD.encode(k)).collect();
        for list in [text.clone(), listed.join(","), format!("{}\n{text}", listed.join("\n"))] {
            if let Ok(checked) = check_publisher_keys(&list) {
                prop_assert_eq!(checked, publisher_keys_from(&list));
            }
        }
    }
}
