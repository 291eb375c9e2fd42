//! The venue's check (`/verify`): a scanned or typed coupon code or card QR gets one
//! verdict, from the feed's issued coupons and campaigns, the venue device's own
//! record of what it marked used, and the publisher keys. No network is needed.

use crate::card::{from_qr_text, standing, Standing};
use crate::coupon_code::{code_is_valid, code_ref};
use crate::feed::{Campaigns, Coupons, SignedCard};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// A coupon this venue device marked used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalUse {
    pub code_ref: String,
    /// China-local time.
    #[serde(deserialize_with = "crate::time::read::date_time")]
    pub used_at: NaiveDateTime,
}

/// What the venue device keeps, under [`VenueLog::STORAGE_KEY`]: which venue it is
/// and the coupons it marked used (until the feed lists them as used).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct VenueLog {
    pub venue: Option<String>,
    pub used: Vec<LocalUse>,
    /// The stored log could not be read (it was set aside under
    /// [`VenueLog::DAMAGED_KEY`]): what this device marked used is unknown, so no
    /// coupon is valid here until the staff rebuild the log. Never stored.
    #[serde(skip)]
    pub damaged: bool,
}

impl VenueLog {
    pub const STORAGE_KEY: &'static str = "yizhan.venue.v1";
    /// Where a stored log that did not read is set aside; while it is there the log is
    /// damaged ([`VenueLog::damaged`]), until the staff rebuild it (a new, empty log:
    /// from then on the feed's used list refuses what the desk published).
    pub const DAMAGED_KEY: &'static str = "yizhan.venue.v1.corrupt";
    /// Where a rebuilt log's damaged record is kept (for a person to look at; never
    /// read by the app).
    pub const REPLACED_KEY: &'static str = "yizhan.venue.v1.replaced";

    /// The log to check with when the stored one is damaged: `VenueLog::damaged_log()`.
    pub fn damaged_log() -> Self {
        VenueLog {
            damaged: true,
            ..VenueLog::default()
        }
    }

    /// Records `code_ref` as used at `now`; false if this device already had it:
    /// `log.record(&code_ref, now)`.
    pub fn record(&mut self, code_ref: &str, now: NaiveDateTime) -> bool {
        if self.used.iter().any(|u| u.code_ref == code_ref) {
            return false;
        }
        self.used.push(LocalUse {
            code_ref: code_ref.to_string(),
            used_at: now,
        });
        true
    }
}

/// The answer at the counter, in one glance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// An issued, unused coupon, valid today (and here).
    CouponValid {
        code_ref: String,
        campaign: String,
        /// The campaign's title, when the feed still lists it.
        title: Option<String>,
        valid_from: Option<NaiveDate>,
        valid_until: Option<NaiveDate>,
    },
    /// Neither a card nor a code whose check symbol holds (a misread or made-up code).
    NotACode,
    /// A well-formed code the union never issued (or not yet published).
    UnknownCode,
    /// Used before: on this device (with the time) or as the feed says (the date).
    UsedAlready(String),
    NotYet(NaiveDate),
    Expired(NaiveDate),
    /// The campaign is for other venues (their names).
    WrongVenue(Vec<String>),
    /// A card the union signed, valid today.
    CardValid(SignedCard),
    /// A card the union signed whose validity ended.
    CardExpired(SignedCard),
    /// A card whose signature does not hold under any trusted key.
    CardForged,
    /// A bare member number: the QR of a card typed in on the phone, which nothing
    /// vouches for.
    CardUnverified,
    /// A coupon code while this device's own record of used coupons is damaged: it may
    /// have been used here, so it is not valid until the record is rebuilt.
    LogDamaged,
}

impl Verdict {
    /// Whether the answer is "yes, accept it": `verdict.is_valid()`.
    pub fn is_valid(&self) -> bool {
        matches!(self, Verdict::CouponValid { .. } | Verdict::CardValid(_))
    }
}

/// The verdict on `scanned` (a QR text or a typed code) on China-local `today`:
/// `check(text, today, &issued, &campaigns, &log, &keys)`. Never panics.
pub fn check(
    scanned: &str,
    today: NaiveDate,
    issued: &Coupons,
    campaigns: &Campaigns,
    log: &VenueLog,
    keys: &[[u8; 32]],
) -> Verdict {
    if let Some(card) = from_qr_text(scanned) {
        return check_card(card, today, keys);
    }
    if !code_is_valid(scanned) {
        let bare = crate::text::normalize_width(scanned);
        let bare = bare.trim();
        let member_no = (6..=24).contains(&bare.len())
            && bare.chars().all(|c| c.is_ascii_alphanumeric())
            && bare.chars().any(|c| c.is_ascii_digit());
        return if member_no && !bare.contains('-') {
            Verdict::CardUnverified
        } else {
            Verdict::NotACode
        };
    }
    let reference = code_ref(scanned);
    if log.damaged {
        // Fail closed: only what the feed itself says used is told apart.
        return match issued
            .coupons
            .iter()
            .find(|c| c.reference.eq_ignore_ascii_case(&reference))
            .and_then(|c| c.used.clone())
        {
            Some(day) => Verdict::UsedAlready(day),
            None => Verdict::LogDamaged,
        };
    }
    if let Some(local) = log.used.iter().find(|u| u.code_ref == reference) {
        return Verdict::UsedAlready(crate::time::date_time_text(local.used_at));
    }
    let Some(coupon) = issued
        .coupons
        .iter()
        .find(|c| c.reference.eq_ignore_ascii_case(&reference))
    else {
        return Verdict::UnknownCode;
    };
    if let Some(day) = &coupon.used {
        return Verdict::UsedAlready(day.clone());
    }
    let campaign = campaigns.campaigns.iter().find(|c| c.id == coupon.campaign);
    let valid_from = coupon.valid_from.or(campaign.map(|c| c.valid_from));
    let valid_until = coupon.valid_until.or(campaign.map(|c| c.valid_until));
    if let Some(from) = valid_from.filter(|from| today < *from) {
        return Verdict::NotYet(from);
    }
    if let Some(until) = valid_until.filter(|until| today > *until) {
        return Verdict::Expired(until);
    }
    if let (Some(here), Some(c)) = (&log.venue, campaign) {
        if !c.venues.is_empty() && !c.venues.iter().any(|v| &v.name == here) {
            return Verdict::WrongVenue(c.venues.iter().map(|v| v.name.clone()).collect());
        }
    }
    Verdict::CouponValid {
        code_ref: reference,
        campaign: coupon.campaign.clone(),
        title: campaign.map(|c| c.title.clone()),
        valid_from,
        valid_until,
    }
}

fn check_card(card: SignedCard, today: NaiveDate, keys: &[[u8; 32]]) -> Verdict {
    match standing(&card, today, keys) {
        Standing::Valid => Verdict::CardValid(card),
        Standing::Expired => Verdict::CardExpired(card),
        Standing::Forged => Verdict::CardForged,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::qr_text;
    use crate::coupon_code::coupon_code;
    use crate::feed::{Campaign, IssuedCoupon, Venue};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn feed(code: &str, used: Option<&str>) -> (Coupons, Campaigns) {
        let issued = Coupons {
            coupons: vec![IssuedCoupon {
                reference: code_ref(code).to_uppercase(),
                campaign: "fit".into(),
                valid_from: Some(d("2026-11-01")),
                valid_until: Some(d("2026-11-30")),
                used: used.map(str::to_string),
            }],
        };
        let campaigns = Campaigns {
            campaigns: vec![Campaign {
                id: "fit".into(),
                kind: "fitness".into(),
                title: "健身券".into(),
                description: None,
                venues: vec![Venue {
                    name: "市工人文化宫".into(),
                    address: None,
                    lng: None,
                    lat: None,
                }],
                valid_from: d("2026-11-01"),
                valid_until: d("2026-11-30"),
                per_member: None,
                period: None,
                total: None,
                remaining: None,
                members_only: false,
                discount_percent: None,
            }],
        };
        (issued, campaigns)
    }

    #[test]
    fn a_coupon_gets_one_verdict_from_the_feed_and_this_device() {
        let code = coupon_code([9; 9]);
        let (issued, campaigns) = feed(&code, None);
        let mut log = VenueLog::default();
        let today = d("2026-11-23");
        let at = |text: &str, day: &str, log: &VenueLog| {
            check(text, d(day), &issued, &campaigns, log, &[])
        };
        let valid = at(&code, "2026-11-23", &log);
        assert!(valid.is_valid(), "{valid:?}");
        assert!(matches!(&valid, Verdict::CouponValid { title: Some(t), .. } if t == "健身券"));
        // Typed as staff might: lower case, spaces, O for 0.
        assert!(at(&code.to_lowercase().replace('-', " "), "2026-11-23", &log).is_valid());
        assert_eq!(at("1234-5678", "2026-11-23", &log), Verdict::NotACode);
        assert_eq!(at("哈哈", "2026-11-23", &log), Verdict::NotACode);
        // A typed-in card's QR (the bare number) is not a coupon, and not a verified card.
        assert_eq!(
            at("3715002026000123", "2026-11-23", &log),
            Verdict::CardUnverified
        );
        assert_eq!(
            at(&coupon_code([8; 9]), "2026-11-23", &log),
            Verdict::UnknownCode
        );
        assert_eq!(
            at(&code, "2026-10-31", &log),
            Verdict::NotYet(d("2026-11-01"))
        );
        assert_eq!(
            at(&code, "2026-12-01", &log),
            Verdict::Expired(d("2026-11-30"))
        );
        log.venue = Some("另一个场馆".into());
        assert_eq!(
            at(&code, "2026-11-23", &log),
            Verdict::WrongVenue(vec!["市工人文化宫".into()])
        );
        log.venue = Some("市工人文化宫".into());
        // Marked used here: refused on this device at once, and only recorded once.
        let now = today.and_hms_opt(10, 5, 0).unwrap();
        assert!(log.record(&code_ref(&code), now));
        assert!(!log.record(&code_ref(&code), now));
        assert_eq!(
            at(&code, "2026-11-23", &log),
            Verdict::UsedAlready("2026-11-23 10:05".into())
        );
        // Used as the feed says: refused on every device.
        let (used, _) = feed(&code, Some("2026-11-22"));
        assert_eq!(
            check(&code, today, &used, &campaigns, &VenueLog::default(), &[]),
            Verdict::UsedAlready("2026-11-22".into())
        );
    }

    #[test]
    fn a_damaged_log_makes_no_coupon_valid() {
        let code = coupon_code([9; 9]);
        let (issued, campaigns) = feed(&code, None);
        let today = d("2026-11-23");
        let damaged = VenueLog::damaged_log();
        let verdict = check(&code, today, &issued, &campaigns, &damaged, &[]);
        assert_eq!(verdict, Verdict::LogDamaged);
        assert!(!verdict.is_valid());
        // What the feed lists as used is still said so.
        let (used, _) = feed(&code, Some("2026-11-22"));
        assert_eq!(
            check(&code, today, &used, &campaigns, &damaged, &[]),
            Verdict::UsedAlready("2026-11-22".into())
        );
        // Not a code stays not a code; the flag is never stored, and a rebuilt
        // (default) log checks as before.
        assert_eq!(
            check("1234-5678", today, &issued, &campaigns, &damaged, &[]),
            Verdict::NotACode
        );
        let text = serde_json::to_string(&damaged).unwrap();
        assert!(!text.contains("damaged"), "{text}");
        let read: VenueLog = serde_json::from_str(&text).unwrap();
        assert!(!read.damaged);
        assert!(check(&code, today, &issued, &campaigns, &read, &[]).is_valid());
    }

    #[test]
    fn a_card_is_valid_only_when_its_signature_holds() {
        let (card, key) = crate::card::signed_for_test(4, "3715002026000123", "张三");
        let keys = [key];
        let (issued, campaigns) = feed("x", None);
        let log = VenueLog::default();
        let at = |text: &str, day: &str| check(text, d(day), &issued, &campaigns, &log, &keys);
        assert_eq!(
            at(&qr_text(&card), "2026-11-23"),
            Verdict::CardValid(card.clone())
        );
        assert_eq!(
            at(&qr_text(&card), "2028-01-01"),
            Verdict::CardExpired(card.clone())
        );
        let forged = SignedCard {
            valid_until: "2099-12-31".into(),
            ..card
        };
        assert_eq!(at(&qr_text(&forged), "2026-11-23"), Verdict::CardForged);
    }
}
