//! One way to put any domain value into the user's words: `value.words(t)`.
//!
//! Every vocabulary of the core (services, entry rules, campaign kinds, request states,
//! report problems, occupations) and every named refusal or error implements
//! [`Words`], or [`WorkerWords`] when only the worker's other pages show it (its words
//! then live in their table, which the stations app does not carry). The matches are exhaustive, so a new variant without words is a compile
//! error; an unknown feed word (`Other`) is shown as it is.

use super::{fill, Lang, Strings, WorkerStrings};
use std::borrow::Cow;
use yizhan_core::feed::Refusal;
use yizhan_core::join::FieldError;
use yizhan_core::vocab::{CampaignKind, Entry, ReportProblem, RequestState, Service};
use yizhan_core::wallet::{ClaimRefusal, CouponState};

/// A value the user reads: `Service::Water.words(t) == "饮水"` in Chinese.
pub trait Words {
    fn words(&self, t: &'static Strings) -> Cow<'static, str>;
}

/// `Words` for the values only the worker's other pages show (coupons, joining, 我的),
/// whose words are in their table: `CouponState::Used.words(worker_strings(Lang::En)) == "Used"`.
pub trait WorkerWords {
    fn words(&self, t: &'static WorkerStrings) -> Cow<'static, str>;
}

/// A service's words are the core's one table (`Service::names`, the posters use it too).
fn service_names(s: &Service) -> Option<(&'static str, &'static str, &'static str)> {
    s.names()
}

impl Words for Service {
    fn words(&self, t: &'static Strings) -> Cow<'static, str> {
        match (service_names(self), t.lang) {
            (Some((zh, _, _)), Lang::Zh) => zh.into(),
            (Some((_, en, _)), Lang::En) => en.into(),
            (None, _) => self.word().to_string().into(),
        }
    }
}

/// The one-glyph badge of a service (an unknown word: its first letter):
/// `service_badge(&Service::Water) == "水"`.
pub fn service_badge(s: &Service) -> String {
    match service_names(s) {
        Some((_, _, badge)) => badge.to_string(),
        None => s
            .word()
            .chars()
            .next()
            .map(String::from)
            .unwrap_or_default(),
    }
}

impl Words for Option<Entry> {
    fn words(&self, t: &'static Strings) -> Cow<'static, str> {
        match self {
            Some(Entry::Open) => t.entry_open,
            Some(Entry::OutdoorWorkers) => t.entry_outdoor_workers,
            Some(Entry::Members) => t.entry_members,
            Some(Entry::Other(_)) | None => t.entry_unknown,
        }
        .into()
    }
}

impl WorkerWords for CampaignKind {
    fn words(&self, t: &'static WorkerStrings) -> Cow<'static, str> {
        match self {
            CampaignKind::Fitness => t.kind_fitness.into(),
            CampaignKind::Counselling => t.kind_counselling.into(),
            CampaignKind::HealthCheck => t.kind_health_check.into(),
            CampaignKind::Medical => t.kind_medical.into(),
            CampaignKind::Goods => t.kind_goods.into(),
            CampaignKind::Other(word) => word.clone().into(),
        }
    }
}

impl WorkerWords for RequestState {
    fn words(&self, t: &'static WorkerStrings) -> Cow<'static, str> {
        match self {
            RequestState::Received => t.req_received.into(),
            RequestState::Approved => t.req_approved.into(),
            RequestState::NeedsInfo => t.req_needs_info.into(),
            RequestState::Rejected => t.req_rejected.into(),
            RequestState::Other(word) => word.clone().into(),
        }
    }
}

impl Words for ReportProblem {
    fn words(&self, t: &'static Strings) -> Cow<'static, str> {
        match self {
            ReportProblem::ClosedWhenOpen => t.report_closed.into(),
            ReportProblem::ServiceMissing => t.report_service_missing.into(),
            ReportProblem::Moved => t.report_moved.into(),
            ReportProblem::OtherProblem => t.report_other.into(),
            ReportProblem::Other(word) => word.clone().into(),
        }
    }
}

/// An occupation word of FEED.md (`occupations`); any other word reads "other".
pub struct Occupation<'a>(pub &'a str);

impl WorkerWords for Occupation<'_> {
    fn words(&self, t: &'static WorkerStrings) -> Cow<'static, str> {
        match self.0 {
            "courier" => t.occ_courier,
            "rider" => t.occ_rider,
            "sanitation" => t.occ_sanitation,
            "taxi" => t.occ_taxi,
            "ride_hailing" => t.occ_ride_hailing,
            "truck" => t.occ_truck,
            "police" => t.occ_police,
            _ => t.occ_other,
        }
        .into()
    }
}

impl WorkerWords for CouponState {
    fn words(&self, t: &'static WorkerStrings) -> Cow<'static, str> {
        match self {
            CouponState::Waiting => t.coupon_waiting,
            CouponState::Unused => t.coupon_unused,
            CouponState::Refused => t.coupon_refused,
            CouponState::Used => t.coupon_used,
            CouponState::Expired => t.coupon_expired,
        }
        .into()
    }
}

/// Why the claim button is disabled.
impl WorkerWords for ClaimRefusal {
    fn words(&self, t: &'static WorkerStrings) -> Cow<'static, str> {
        match self {
            ClaimRefusal::NeedsCard => t.claim_needs_card.into(),
            ClaimRefusal::NeedsVerifiedCard => t.claim_needs_verified_card.into(),
            ClaimRefusal::NotYet(d) => fill(t.claim_not_yet, &[("date", &d.to_string())]).into(),
            ClaimRefusal::Ended(d) => fill(t.claim_ended, &[("date", &d.to_string())]).into(),
            ClaimRefusal::SoldOut => t.claim_sold_out.into(),
            ClaimRefusal::LimitReached {
                limit,
                per_month: true,
            } => fill(t.claim_limit_month, &[("limit", &limit.to_string())]).into(),
            ClaimRefusal::LimitReached { limit, .. } => {
                fill(t.claim_limit_campaign, &[("limit", &limit.to_string())]).into()
            }
            ClaimRefusal::ShowCardInstead => t.show_card.into(),
        }
    }
}

/// Why a feed update was refused.
impl Words for Refusal {
    fn words(&self, t: &'static Strings) -> Cow<'static, str> {
        match self {
            Refusal::Unsigned => t.refused_unsigned.into(),
            Refusal::BadSignature => t.refused_bad_signature.into(),
            Refusal::UnknownFormat(found) => {
                fill(t.refused_unknown_format, &[("found", found)]).into()
            }
            Refusal::Malformed(_) => t.refused_malformed.into(),
            Refusal::Rollback { offered, held } => fill(
                t.refused_rollback,
                &[
                    ("offered", &offered.to_string()),
                    ("held", &held.to_string()),
                ],
            )
            .into(),
            Refusal::UnsafePath(_) => t.refused_unsafe_path.into(),
            Refusal::HashMismatch(path) => fill(t.refused_hash, &[("path", path)]).into(),
            Refusal::InsecureIntake(_) => t.refused_insecure_intake.into(),
            Refusal::BadBbox(code) => fill(t.refused_bad_bbox, &[("code", code)]).into(),
            Refusal::WrongRegion { .. } => t.refused_wrong_region.into(),
            Refusal::Network(detail) => fill(t.refused_network, &[("detail", detail)]).into(),
            Refusal::Server(status) => {
                fill(t.refused_server, &[("status", &status.to_string())]).into()
            }
            Refusal::TooLarge(_) => t.refused_too_large.into(),
        }
    }
}

/// Why a form field is not accepted.
impl WorkerWords for FieldError {
    fn words(&self, t: &'static WorkerStrings) -> Cow<'static, str> {
        match self {
            FieldError::Required => t.err_required,
            FieldError::Phone => t.err_phone,
            FieldError::IdShape => t.err_id_shape,
            FieldError::IdCheck => t.err_id_check,
            FieldError::IdBirthDate => t.err_id_birth,
            FieldError::Control => t.err_control,
        }
        .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{strings, worker_strings};

    #[test]
    fn every_known_word_has_words_in_both_languages() {
        let (zh, en) = (strings(Lang::Zh), strings(Lang::En));
        let (wzh, wen) = (worker_strings(Lang::Zh), worker_strings(Lang::En));
        for s in Service::KNOWN {
            assert_ne!(s.words(zh), s.word(), "{s} has a Chinese label");
            assert_ne!(s.words(zh), s.words(en), "{s}");
            assert_eq!(service_badge(s).chars().count(), 1, "{s}");
        }
        for k in CampaignKind::KNOWN {
            assert_ne!(k.words(wzh), k.words(wen), "{k}");
        }
        for r in RequestState::KNOWN {
            assert_ne!(r.words(wzh), r.word(), "{r}");
        }
        for p in ReportProblem::KNOWN {
            assert_ne!(p.words(zh), p.word(), "{p}");
        }
        for e in Entry::KNOWN {
            assert_ne!(Some(e.clone()).words(zh), zh.entry_unknown, "{e}");
        }
    }

    #[test]
    fn unknown_words_are_shown_as_they_are() {
        let zh = strings(Lang::Zh);
        assert_eq!(Service::from_word("hot_tea").words(zh), "hot_tea");
        assert_eq!(service_badge(&Service::from_word("hot_tea")), "h");
        assert_eq!(
            CampaignKind::from_word("理发").words(worker_strings(Lang::Zh)),
            "理发"
        );
        assert_eq!(Some(Entry::from_word("vip")).words(zh), zh.entry_unknown);
        assert_eq!(Service::Water.words(zh), "饮水");
        assert_eq!(Service::Water.words(strings(Lang::En)), "Water");
    }
}
