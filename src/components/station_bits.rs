//! Small pieces every station view shares: distance, open state, entry rule, services.

use crate::feed_sync::PointSource;
use crate::i18n::{fill, service_badge, strings, Lang, Strings, Words};
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use leptos::prelude::*;
use std::collections::BTreeSet;
use yizhan_core::geo::LngLat;
use yizhan_core::hours::{OpenStatus, OpeningHours};
use yizhan_core::text::fixed;
use yizhan_core::time::hm_text;
use yizhan_core::vocab::Service;

/// One row of the station list (and one marker of the map), computed once per change
/// of data, place, filter or minute.
#[derive(Clone, Debug, PartialEq)]
pub struct StationRow {
    pub id: String,
    pub name: String,
    pub address: Option<String>,
    pub distance: String,
    pub open: String,
    pub open_state: OpenState,
    pub services: Vec<Service>,
    pub entry: String,
    /// WGS-84.
    pub at: LngLat,
}

/// "300 米" under a kilometre (rounded to 10 m), "2.4 公里" above:
/// `distance_text(t, 1234.0) == "1.2 公里"`.
pub fn distance_text(t: &Strings, metres: f64) -> String {
    if metres < 1000.0 {
        let n = ((metres / 10.0).round() * 10.0).max(10.0) as u32;
        fill(t.metres, &[("n", &n.to_string())])
    } else if metres < 100_000.0 {
        fill(t.kilometres, &[("n", &fixed(metres / 1000.0, 1))])
    } else {
        fill(t.kilometres, &[("n", &fixed(metres / 1000.0, 0))])
    }
}

/// The point distances are measured from, in words, unless it is where the phone
/// is (then `None`: "离你"): `point_words(t, &PointSource::Link) == Some("链接里的位置")`.
pub fn point_words(t: &Strings, source: &PointSource) -> Option<String> {
    match source {
        PointSource::Gps => None,
        PointSource::Link => Some(t.point_link.to_string()),
        PointSource::Kiosk => Some(t.point_kiosk.to_string()),
        PointSource::City(name) => Some(fill(t.point_city, &[("name", name)])),
        PointSource::Address(name) => Some(fill(t.point_address, &[("name", name)])),
        PointSource::Map => Some(t.point_map.to_string()),
    }
}

/// "离你 300 米" only when measured from the phone's own position; otherwise from
/// the named point: `distance_from(t, &PointSource::Map, "300 米")` is
/// "离地图上选的点 300 米". A shared link's point is not the person reading it.
pub fn distance_from(t: &Strings, source: &PointSource, distance: &str) -> String {
    match point_words(t, source) {
        None => fill(t.detail_distance, &[("d", distance)]),
        Some(place) => fill(
            t.detail_distance_from,
            &[("d", distance), ("place", &place)],
        ),
    }
}

/// The open state in words, and whether it is open: "营业中 · 21:00 关门",
/// "已关门 · 明天 07:00 开门", "24小时", "营业时间未知".
pub fn open_text(
    t: &Strings,
    hours: Option<&OpeningHours>,
    now: NaiveDateTime,
    holidays: &BTreeSet<NaiveDate>,
) -> (String, OpenState) {
    let Some(hours) = hours else {
        return (t.hours_unknown.into(), OpenState::Unknown);
    };
    match hours.status(now, holidays) {
        OpenStatus::AlwaysOpen => (t.open_24h.into(), OpenState::Open),
        OpenStatus::OpenUntil(at) => (
            fill(t.open_until, &[("time", &hm_text(at))]),
            OpenState::Open,
        ),
        OpenStatus::ClosedUntil(Some(at)) => {
            let days = (at.date() - now.date()).num_days();
            let day = match days {
                0 => t.today.to_string(),
                1 => t.tomorrow.to_string(),
                _ => t
                    .weekdays
                    .split(',')
                    .nth(at.weekday().num_days_from_monday() as usize)
                    .unwrap_or("")
                    .to_string(),
            };
            (
                fill(t.closed_until, &[("day", &day), ("time", &hm_text(at))]),
                OpenState::Closed,
            )
        }
        OpenStatus::ClosedUntil(None) => (t.closed_week.into(), OpenState::Closed),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenState {
    Open,
    Closed,
    Unknown,
}

impl OpenState {
    pub fn class(self) -> &'static str {
        match self {
            OpenState::Open => "open-state is-open",
            OpenState::Closed => "open-state is-closed",
            OpenState::Unknown => "open-state is-unknown",
        }
    }
}

/// Service badges, each an icon-like glyph with its word.
#[component]
pub fn ServiceList(services: Vec<Service>, lang: Lang) -> impl IntoView {
    view! {
        <ul class="services">
            {services
                .into_iter()
                .map(|service| {
                    let label = service.words(strings(lang));
                    let badge = service_badge(&service);
                    let scarce = service.is_scarce();
                    view! {
                        <li class:scarce=scarce data-service=service.word().to_string()>
                            <span class="badge" aria-hidden="true">{badge}</span>
                            <span>{label}</span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn distance_is_from_you_only_when_measured_from_the_phone() {
        let zh = strings(Lang::Zh);
        assert_eq!(
            distance_from(zh, &PointSource::Gps, "300 米"),
            "离你 300 米"
        );
        assert_eq!(
            distance_from(zh, &PointSource::Link, "10 米"),
            "离链接里的位置 10 米"
        );
        assert_eq!(
            distance_from(zh, &PointSource::Kiosk, "10 米"),
            "离这台设备 10 米"
        );
        assert_eq!(
            distance_from(zh, &PointSource::City("聊城市".into()), "1.2 公里"),
            "离聊城市中心 1.2 公里"
        );
        assert_eq!(
            distance_from(zh, &PointSource::Map, "10 米"),
            "离地图上选的点 10 米"
        );
        let en = strings(Lang::En);
        assert_eq!(
            distance_from(en, &PointSource::Gps, "1.2 km"),
            "1.2 km from you"
        );
        assert_eq!(
            distance_from(en, &PointSource::Address("黄山路".into()), "10 m"),
            "10 m from “黄山路”"
        );
    }

    #[test]
    fn distances_read_naturally() {
        let zh = strings(Lang::Zh);
        assert_eq!(distance_text(zh, 3.0), "10 米");
        assert_eq!(distance_text(zh, 304.0), "300 米");
        assert_eq!(distance_text(zh, 1234.0), "1.2 公里");
        assert_eq!(distance_text(strings(Lang::En), 1234.0), "1.2 km");
        assert_eq!(distance_text(zh, 123_456.0), "123 公里");
    }

    #[test]
    fn open_state_in_the_words_the_brief_asks_for() {
        let zh = strings(Lang::Zh);
        let h = BTreeSet::new();
        let hours = OpeningHours::parse("Mo-Fr 07:00-21:00; Sa,Su 09:00-18:00").unwrap();
        // 2026-11-23 is a Monday.
        let (text, state) = open_text(zh, Some(&hours), at("2026-11-23 12:00"), &h);
        assert_eq!(
            (text.as_str(), state),
            ("营业中 · 21:00 关门", OpenState::Open)
        );
        let (text, _) = open_text(zh, Some(&hours), at("2026-11-23 22:00"), &h);
        assert_eq!(text, "已关门 · 明天 07:00 开门");
        let (text, _) = open_text(zh, Some(&hours), at("2026-11-23 05:00"), &h);
        assert_eq!(text, "已关门 · 今天 07:00 开门");
        let weekend = OpeningHours::parse("Sa 09:00-12:00").unwrap();
        let (text, _) = open_text(zh, Some(&weekend), at("2026-11-23 12:00"), &h);
        assert_eq!(text, "已关门 · 周六 09:00 开门");
        let (text, _) = open_text(zh, Some(&OpeningHours::Always), at("2026-11-23 12:00"), &h);
        assert_eq!(text, "24小时");
        let (text, state) = open_text(zh, None, at("2026-11-23 12:00"), &h);
        assert_eq!((text.as_str(), state), ("营业时间未知", OpenState::Unknown));
        let (text, _) = open_text(strings(Lang::En), Some(&hours), at("2026-11-23 22:00"), &h);
        assert_eq!(text, "Closed · opens tomorrow 07:00");
    }
}
