//! English (second language).

use super::Strings;

pub(super) const STRINGS: Strings = Strings {
    app_name: "Yizhan",
    app_tagline: "The outdoor worker's pocket union",
    skip_to_content: "Skip to content",
    nav_label: "Main navigation",
    nav_stations: "Stations",
    nav_coupons: "Coupons",
    nav_join: "Join",
    nav_me: "Me",

    stations_title: "Nearby stations",
    stations_intro: "Find the nearest rest station that is open now and has what you need: water, a microwave, charging, a toilet, a seat.",
    coupons_title: "Coupons",
    coupons_intro: "Claim fitness, counselling, health-check and medical-discount coupons and show them at the venue.",
    join_title: "Join or transfer",
    join_intro: "Apply to join a union online, or move your membership to a new union, and follow the outcome.",
    me_title: "Me",
    me_intro: "Your membership card, coupons, requests and settings are kept on this device only.",

    language_heading: "Language",
    language_zh: "中文",
    language_en: "English",
    about_heading: "About Yizhan",
    about_text: "Yizhan runs entirely in your browser: no account, and your information stays on this device. Stations, coupons and unions come from data published by the unions.",

    not_found_title: "Page not found",
    not_found_text: "The link may be wrong, or the page has moved.",
    not_found_back: "Back to nearby stations",

    storage_unavailable: "This device cannot save data (private mode?). You can go on, but settings will not be kept after you close the page.",
    storage_full: "The device storage is full, so your last change was not saved. Free some space and try again.",
    storage_corrupt: "The settings saved on this device were damaged; the defaults are used instead.",
};
