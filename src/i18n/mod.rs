//! Every user-visible string, two tables per language (the shared [`Strings`], and
//! [`WorkerStrings`] for the pages the stations app does not have). Pure: no browser,
//! no reactivity.
//!
//! Views never hold string literals; they read a field of a table for the current
//! [`Lang`], so a missing translation is a compile error, not a blank on screen.
//! Longer than 400 lines because it lists the two tables' fields, one line a string.

mod en;
mod words;
mod zh;

pub use words::{service_badge, Occupation, Words, WorkerWords};
pub use yizhan_core::lang::Lang;

/// The string table of one language.
pub struct Strings {
    /// The language of this table (some words, such as service names, are kept in
    /// one bilingual table in `words.rs`).
    pub lang: Lang,
    pub app_name: &'static str,
    pub app_tagline: &'static str,
    pub skip_to_content: &'static str,
    pub nav_label: &'static str,
    pub nav_stations: &'static str,
    pub nav_coupons: &'static str,
    pub nav_join: &'static str,
    pub nav_me: &'static str,

    pub stations_title: &'static str,
    pub me_title: &'static str,

    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub not_found_back: &'static str,

    pub storage_unavailable: &'static str,
    pub storage_full: &'static str,
    pub storage_corrupt: &'static str,

    pub feed_checking: &'static str,
    pub feed_updated: &'static str,
    pub feed_never_checked: &'static str,
    pub feed_offline: &'static str,
    pub feed_offline_empty: &'static str,
    pub feed_refused: &'static str,
    pub feed_skipped: &'static str,
    pub kiosk_refused: &'static str,
    pub kiosk_unsent: &'static str,
    pub feed_refused_empty: &'static str,
    pub feed_server_error: &'static str,
    pub feed_server_error_empty: &'static str,
    pub refused_server: &'static str,
    pub feed_storage_full: &'static str,
    pub feed_storage_unavailable: &'static str,
    pub feed_cross_origin: &'static str,
    pub feed_loading_regions: &'static str,
    pub feed_publisher: &'static str,
    pub refused_unsigned: &'static str,
    pub refused_bad_signature: &'static str,
    pub refused_unknown_format: &'static str,
    pub refused_malformed: &'static str,
    pub refused_rollback: &'static str,
    pub refused_unsafe_path: &'static str,
    pub refused_hash: &'static str,
    pub refused_insecure_intake: &'static str,
    pub refused_bad_bbox: &'static str,
    pub refused_wrong_region: &'static str,
    pub refused_network: &'static str,
    pub refused_too_large: &'static str,
    /// A list file could not be had; the rest was adopted: `{what}` one of
    /// `list_names`, `{path}` the file, `{reason}` a refusal's words.
    pub feed_list_failed: &'static str,
    /// The list files' names: campaigns, unions, statuses, coupons.
    pub list_names: [&'static str; 4],
    pub locate_prompt: &'static str,
    pub locate_button: &'static str,
    pub locating: &'static str,
    pub locate_denied: &'static str,
    pub locate_unavailable: &'static str,
    pub locate_timeout: &'static str,
    pub pick_city: &'static str,
    pub pick_city_placeholder: &'static str,
    pub address_label: &'static str,
    pub address_button: &'static str,
    pub address_no_match: &'static str,
    pub address_needs_city: &'static str,
    pub near_source_gps: &'static str,
    pub near_source_link: &'static str,
    pub near_source_kiosk: &'static str,
    pub near_source_map: &'static str,
    pub near_source_city: &'static str,
    pub near_source_address: &'static str,
    pub change_location: &'static str,
    pub filters_heading: &'static str,
    pub filter_open_now: &'static str,
    pub filter_more: &'static str,
    pub filter_fewer: &'static str,
    pub view_list: &'static str,
    pub view_map: &'static str,
    pub list_heading: &'static str,
    pub list_empty: &'static str,
    pub list_no_data: &'static str,
    pub list_more: &'static str,
    pub metres: &'static str,
    pub kilometres: &'static str,
    pub open_until: &'static str,
    pub closed_until: &'static str,
    pub closed_week: &'static str,
    pub open_24h: &'static str,
    pub hours_unknown: &'static str,
    pub today: &'static str,
    pub tomorrow: &'static str,
    pub weekdays: &'static str,
    pub entry_open: &'static str,
    pub entry_outdoor_workers: &'static str,
    pub entry_members: &'static str,
    pub entry_unknown: &'static str,
    pub services_label: &'static str,
    pub map_label: &'static str,
    pub map_you: &'static str,
    pub map_point: &'static str,
    pub map_legend_open: &'static str,
    pub map_legend_closed: &'static str,
    pub map_legend_numbers: &'static str,
    pub map_zoom_in: &'static str,
    pub map_zoom_out: &'static str,
    pub map_north: &'static str,
    pub detail_back: &'static str,
    pub detail_not_found: &'static str,
    pub detail_address: &'static str,
    pub detail_hours: &'static str,
    pub detail_hours_today: &'static str,
    /// The weekly timetable on the detail page.
    pub hours_every_day: &'static str,
    /// `{a}` to `{b}`, a run of three or more days.
    pub hours_day_range: &'static str,
    pub hours_list_sep: &'static str,
    pub hours_closed_day: &'static str,
    /// An end time on the next day, `{time}`.
    pub hours_next_day: &'static str,
    pub hours_holidays: &'static str,
    /// The feed's own text, `{text}`, beside a simplified or unknown timetable.
    pub hours_as_published: &'static str,
    pub detail_phone: &'static str,
    pub detail_host: &'static str,
    pub detail_entry: &'static str,
    pub detail_checked: &'static str,
    pub detail_not_checked: &'static str,
    pub detail_updated: &'static str,
    pub detail_distance: &'static str,
    /// The distance from a point that is not the person holding the phone.
    pub detail_distance_from: &'static str,
    pub list_heading_from: &'static str,
    pub point_link: &'static str,
    pub point_kiosk: &'static str,
    pub point_city: &'static str,
    pub point_address: &'static str,
    pub point_map: &'static str,
    pub navigate_heading: &'static str,
    pub navigate_on_phone: &'static str,
    pub navigate_amap: &'static str,
    pub navigate_baidu: &'static str,
    pub navigate_apple: &'static str,
    pub navigate_geo: &'static str,
    pub navigate_walk: &'static str,
    pub navigate_ride: &'static str,
    pub share: &'static str,
    pub share_copied: &'static str,
    pub share_failed: &'static str,
    pub report_heading: &'static str,
    pub report_intro: &'static str,
    pub report_closed: &'static str,
    pub report_service_missing: &'static str,
    pub report_moved: &'static str,
    pub report_other: &'static str,
    pub report_note: &'static str,
    pub report_submit: &'static str,
    pub report_saved_intake: &'static str,
    pub report_saved_local: &'static str,
    pub report_pick: &'static str,

    pub news_dot: &'static str,

    pub app_updated: &'static str,
    pub dismiss: &'static str,
    pub kiosk_banner: &'static str,
    pub kiosk_countdown: &'static str,
    pub kiosk_done: &'static str,
    pub kiosk_continue: &'static str,
    pub send_to_phone: &'static str,
    pub send_to_phone_hint: &'static str,
    pub read_aloud: &'static str,
}

/// The words of the pages the stations app does not have (coupons, joining, "我的",
/// the venue's check): a table of their own, so the stations app's wasm carries none
/// of them. Its pages read the shared words through it too (`Deref`).
pub struct WorkerStrings {
    shared: &'static Strings,
    pub coupons_title: &'static str,
    pub coupons_intro: &'static str,
    pub join_title: &'static str,
    pub join_intro: &'static str,
    pub me_intro: &'static str,
    /// `me_intro` on a shared kiosk, where nothing stays.
    pub me_intro_kiosk: &'static str,
    pub language_heading: &'static str,
    pub language_zh: &'static str,
    pub language_en: &'static str,
    pub about_heading: &'static str,
    pub about_text: &'static str,
    pub kind_all: &'static str,
    pub kind_filter_label: &'static str,
    pub no_campaigns: &'static str,
    pub campaign_valid: &'static str,
    pub campaign_remaining: &'static str,
    pub campaign_claimed_month: &'static str,
    pub campaign_claimed_campaign: &'static str,
    pub campaign_venues: &'static str,
    pub claim_button: &'static str,
    /// The fold of ended campaigns: `{n}` of them.
    pub campaigns_ended: &'static str,
    /// The link to 我的券 at the top of the coupons page: `{n}` coupons.
    pub my_coupons_count: &'static str,
    /// Shows a coupon's or card's code on the whole screen.
    pub present: &'static str,
    pub present_hint: &'static str,
    pub present_close: &'static str,
    /// On a kiosk, in place of the claim button: claim on your own phone.
    pub claim_on_phone: &'static str,
    pub add_card_link: &'static str,
    pub verify_card_link: &'static str,
    pub claim_done: &'static str,
    pub medical_discount: &'static str,
    pub medical_hospitals: &'static str,
    pub my_coupons: &'static str,
    pub my_coupons_empty: &'static str,
    pub coupon_code_label: &'static str,
    pub coupon_show_hint: &'static str,
    pub coupon_waiting_hint: &'static str,
    pub coupon_refused_reason: &'static str,
    pub coupon_no_reason: &'static str,
    pub coupon_used_on: &'static str,
    pub card_verified: &'static str,
    pub card_typed: &'static str,
    pub card_valid_until: &'static str,
    pub card_request_heading: &'static str,
    pub card_request_intro: &'static str,
    pub card_request_send: &'static str,
    pub card_request_sent: &'static str,
    pub card_request_need_union: &'static str,
    pub verify_link: &'static str,
    pub verify_title: &'static str,
    pub verify_intro: &'static str,
    pub verify_scan: &'static str,
    pub verify_scan_stop: &'static str,
    pub verify_no_camera: &'static str,
    pub verify_camera_denied: &'static str,
    pub verify_check: &'static str,
    pub verify_venue: &'static str,
    pub verify_venue_none: &'static str,
    pub verify_valid: &'static str,
    pub verify_invalid: &'static str,
    pub verify_card_valid: &'static str,
    pub verify_dates: &'static str,
    pub verify_not_a_code: &'static str,
    pub verify_unknown: &'static str,
    pub verify_used: &'static str,
    pub verify_not_yet: &'static str,
    pub verify_expired: &'static str,
    pub verify_wrong_venue: &'static str,
    pub verify_card_expired: &'static str,
    pub verify_card_forged: &'static str,
    pub verify_card_unverified: &'static str,
    pub verify_mark_used: &'static str,
    pub verify_marked: &'static str,
    /// Under "marked": the redeem request reached the union's intake.
    pub verify_marked_sent: &'static str,
    /// Under "marked": the redeem request waits on the device.
    pub verify_marked_waiting: &'static str,
    pub verify_data_none: &'static str,
    pub verify_log_damaged: &'static str,
    pub verify_log_rebuild: &'static str,
    pub verify_log_rebuild_confirm: &'static str,
    pub news_heading: &'static str,
    pub staff_confirm: &'static str,
    pub staff_yes: &'static str,
    pub staff_no: &'static str,
    pub coupon_not_found: &'static str,
    pub back_to_coupons: &'static str,
    pub card_heading: &'static str,
    pub card_add_intro: &'static str,
    pub card_name: &'static str,
    pub card_member_no: &'static str,
    pub card_union: &'static str,
    pub card_union_none: &'static str,
    pub card_save: &'static str,
    pub card_edit: &'static str,
    pub card_delete: &'static str,
    pub card_delete_confirm: &'static str,
    pub card_error_name: &'static str,
    /// The card's name holds a line break, tab or other control character.
    pub card_error_name_control: &'static str,
    pub card_error_member_no: &'static str,
    pub card_live_hint: &'static str,
    pub data_heading: &'static str,
    pub data_summary: &'static str,
    /// `data_summary` on a shared kiosk.
    pub data_summary_kiosk: &'static str,
    pub data_export: &'static str,
    pub data_delete_all: &'static str,
    pub data_delete_confirm: &'static str,
    pub data_deleted: &'static str,
    pub data_delete_failed: &'static str,
    pub large_heading: &'static str,
    pub large_on: &'static str,
    pub large_off: &'static str,
    pub join_kind_join: &'static str,
    pub join_kind_transfer: &'static str,
    pub join_kind_label: &'static str,
    pub join_name: &'static str,
    pub join_phone: &'static str,
    pub join_id_number: &'static str,
    pub join_occupation: &'static str,
    pub join_occupation_pick: &'static str,
    pub join_employer: &'static str,
    pub join_union: &'static str,
    pub join_union_pick: &'static str,
    pub join_city: &'static str,
    pub join_city_pick: &'static str,
    /// Under the union choice while no place is known: nothing is suggested.
    pub join_city_hint: &'static str,
    pub join_union_suggested: &'static str,
    pub join_from_union: &'static str,
    pub join_no_unions: &'static str,
    pub err_consent: &'static str,
    pub consent_heading: &'static str,
    pub consent_text: &'static str,
    pub consent_check: &'static str,
    pub join_submit: &'static str,
    pub join_saved: &'static str,
    /// `join_saved` on a kiosk: the union answers by phone; nothing stays here.
    pub join_saved_kiosk: &'static str,
    pub my_requests: &'static str,
    pub my_requests_empty: &'static str,
    pub req_join: &'static str,
    pub req_transfer: &'static str,
    pub req_card: &'static str,
    pub req_claim: &'static str,
    /// The news of a claim the union approved, said whole.
    pub claim_issued: &'static str,
    pub req_created: &'static str,
    pub req_sent: &'static str,
    pub req_pending: &'static str,
    pub req_local: &'static str,
    pub req_member_no: &'static str,
    pub req_show_qr: &'static str,
    pub req_hide_qr: &'static str,
    pub req_save_file: &'static str,
    pub req_delete: &'static str,
    pub req_delete_confirm: &'static str,
    pub req_report: &'static str,
    /// A station report's outcome: `approved` and `rejected` in a report's words.
    pub report_verified: &'static str,
    pub report_unverified: &'static str,
    /// `{days}` whole days since the request was made.
    pub req_waiting: &'static str,
    /// The union's usual answer time (`answer_days` in the unions file).
    pub req_answer_days: &'static str,
    /// Waiting longer than the union's usual time: `{phone}` the union's.
    pub req_overdue: &'static str,
    pub supplement_label: &'static str,
    pub supplement_send: &'static str,
    pub supplement_empty: &'static str,
    pub supplement_bad_text: &'static str,
    /// `{note}` what the worker sent.
    pub supplement_sent: &'static str,
    // The core's vocabularies as only these pages show them (`WorkerWords`).
    pub kind_fitness: &'static str,
    pub kind_counselling: &'static str,
    pub kind_health_check: &'static str,
    pub kind_medical: &'static str,
    pub kind_goods: &'static str,
    pub claim_needs_card: &'static str,
    pub claim_needs_verified_card: &'static str,
    pub claim_not_yet: &'static str,
    pub claim_ended: &'static str,
    pub claim_sold_out: &'static str,
    pub claim_limit_month: &'static str,
    pub claim_limit_campaign: &'static str,
    pub show_card: &'static str,
    pub coupon_unused: &'static str,
    pub coupon_used: &'static str,
    pub coupon_expired: &'static str,
    pub coupon_waiting: &'static str,
    pub coupon_refused: &'static str,
    pub occ_courier: &'static str,
    pub occ_rider: &'static str,
    pub occ_sanitation: &'static str,
    pub occ_taxi: &'static str,
    pub occ_ride_hailing: &'static str,
    pub occ_truck: &'static str,
    pub occ_police: &'static str,
    pub occ_other: &'static str,
    pub err_required: &'static str,
    pub err_phone: &'static str,
    pub err_id_shape: &'static str,
    pub err_id_check: &'static str,
    pub err_id_birth: &'static str,
    /// A line break, tab or other control character in a text field.
    pub err_control: &'static str,
    pub req_received: &'static str,
    pub req_approved: &'static str,
    pub req_needs_info: &'static str,
    pub req_rejected: &'static str,
}

impl std::ops::Deref for WorkerStrings {
    type Target = Strings;
    fn deref(&self) -> &Strings {
        self.shared
    }
}

/// Fills `{name}` placeholders: `fill("{n} 米", &[("n", "300")]) == "300 米"`.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// The string table for `lang`: `strings(Lang::En).nav_me == "Me"`.
pub fn strings(lang: Lang) -> &'static Strings {
    match lang {
        Lang::Zh => &zh::STRINGS,
        Lang::En => &en::STRINGS,
    }
}

/// The worker's pages' table for `lang`: `worker_strings(Lang::En).join_submit == "Send request"`.
pub fn worker_strings(lang: Lang) -> &'static WorkerStrings {
    match lang {
        Lang::Zh => &zh::WORKER_STRINGS,
        Lang::En => &en::WORKER_STRINGS,
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
        assert_eq!(zh.nav_stations, "爱心驿站");
    }

    #[test]
    fn the_worker_pages_table_reads_the_shared_words_too() {
        let en = worker_strings(Lang::En);
        assert_eq!(en.join_submit, "Send request");
        assert_eq!(en.nav_me, strings(Lang::En).nav_me);
        assert_eq!(worker_strings(Lang::Zh).lang, Lang::Zh);
        assert_ne!(worker_strings(Lang::Zh).join_submit, en.join_submit);
    }

    #[test]
    fn templates_fill() {
        assert_eq!(fill(strings(Lang::Zh).metres, &[("n", "300")]), "300 米");
        assert_eq!(
            fill(
                strings(Lang::En).refused_rollback,
                &[("offered", "3"), ("held", "5")]
            ),
            "the new data (version 3) is older than what you have (version 5)"
        );
        assert_eq!(strings(Lang::Zh).weekdays.split(',').count(), 7);
        assert_eq!(strings(Lang::En).weekdays.split(',').count(), 7);
    }

    #[test]
    fn language_round_trips_through_json() {
        let json = serde_json::to_string(&Lang::En).unwrap();
        assert_eq!(json, "\"en\"");
        assert_eq!(serde_json::from_str::<Lang>(&json).unwrap(), Lang::En);
    }
}
