//! The member's wallet: the electronic membership card, claimed coupons, and the rules
//! for claiming (validity window and per-member limits in China time, stock).
//! Longer than 400 lines because nearly half of it is the tests of the claiming rules.

use crate::feed::{Campaign, Coupons, SignedCard, Statuses};
use crate::vocab::CampaignKind;
use crate::vocab::RequestState;
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// The electronic membership card (电子会员证).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberCard {
    pub name: String,
    pub member_no: String,
    #[serde(default)]
    pub union_id: Option<String>,
    #[serde(default)]
    pub union_name: Option<String>,
    /// The union's signature over this card, when it came through the feed; a card
    /// typed in by hand has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed: Option<SignedCard>,
}

/// Why a card form is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CardError {
    NameMissing,
    /// The name holds a line break, a tab or another control character
    /// ([`crate::text::has_control`]): a signed card puts one field on each line.
    NameControl,
    /// A member number is 6–24 letters or digits.
    MemberNoInvalid,
}

impl MemberCard {
    /// Checks and tidies a card form: `MemberCard::from_form(" 张三 ", "3715 0020", None, None)`.
    pub fn from_form(
        name: &str,
        member_no: &str,
        union_id: Option<String>,
        union_name: Option<String>,
    ) -> Result<MemberCard, Vec<CardError>> {
        let name = name.trim();
        let member_no: String = crate::text::normalize_width(member_no)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let mut errors = Vec::new();
        if name.is_empty() {
            errors.push(CardError::NameMissing);
        } else if crate::text::has_control(name) {
            errors.push(CardError::NameControl);
        }
        if !(6..=24).contains(&member_no.len())
            || !member_no.chars().all(|c| c.is_ascii_alphanumeric())
        {
            errors.push(CardError::MemberNoInvalid);
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(MemberCard {
            name: name.chars().take(40).collect(),
            member_no: member_no.to_ascii_uppercase(),
            union_id,
            union_name,
            signed: None,
        })
    }

    /// The card the union signed, when its signature holds under `keys` and it is
    /// the card shown (same number and name): `card.verified(&keys)`.
    pub fn verified(&self, keys: &[[u8; 32]]) -> Option<&SignedCard> {
        self.signed.as_ref().filter(|s| {
            s.member_no == self.member_no && s.name == self.name && crate::card::verify(s, keys)
        })
    }
}

/// Where a claim stands with the union: sent and waiting, issued, or turned down.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Issue {
    #[default]
    Waiting,
    Issued,
    Refused,
}

/// A claimed coupon, with what it needs to be shown even after its campaign leaves
/// the feed. Its `id` is also the id of the claim request sent for it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Coupon {
    pub id: String,
    pub code: String,
    pub campaign_id: String,
    pub title: String,
    pub kind: CampaignKind,
    #[serde(default)]
    pub venues: Vec<String>,
    /// China-local time of the claim.
    #[serde(deserialize_with = "crate::time::read::date_time")]
    pub claimed_at: NaiveDateTime,
    #[serde(deserialize_with = "crate::time::read::date")]
    pub valid_from: NaiveDate,
    #[serde(deserialize_with = "crate::time::read::date")]
    pub valid_until: NaiveDate,
    #[serde(default, deserialize_with = "crate::time::read::opt_date_time")]
    pub used_at: Option<NaiveDateTime>,
    #[serde(default)]
    pub issue: Issue,
    /// Why the union turned the claim down, in its words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal: Option<String>,
}

/// What a coupon shows: 等待发放 / 未使用 / 已使用 / 已过期 / 未发放.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CouponState {
    Waiting,
    Unused,
    Used,
    Expired,
    Refused,
}

impl CouponState {
    /// The state as a word for styles and tests: `CouponState::Used.word() == "used"`.
    pub fn word(self) -> &'static str {
        match self {
            CouponState::Waiting => "waiting",
            CouponState::Unused => "unused",
            CouponState::Used => "used",
            CouponState::Expired => "expired",
            CouponState::Refused => "refused",
        }
    }
}

impl Coupon {
    /// Its state on China-local `today`: turned down stays so, used stays used; else
    /// expired after `valid_until`; else waiting until the union issues it.
    pub fn state(&self, today: NaiveDate) -> CouponState {
        if self.issue == Issue::Refused {
            CouponState::Refused
        } else if self.used_at.is_some() {
            CouponState::Used
        } else if today > self.valid_until {
            CouponState::Expired
        } else if self.issue == Issue::Waiting {
            CouponState::Waiting
        } else {
            CouponState::Unused
        }
    }
}

/// Everything the wallet keeps, stored under [`Wallet::STORAGE_KEY`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Wallet {
    pub card: Option<MemberCard>,
    pub coupons: Vec<Coupon>,
}

/// Why a claim is refused (the button is disabled and says so).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClaimRefusal {
    /// Members only, and there is no membership card on this device.
    NeedsCard,
    /// Members only, and the card on this device is not one the union signed (typed
    /// in, or past its date): FEED.md, a typed-in card cannot claim these.
    NeedsVerifiedCard,
    NotYet(NaiveDate),
    Ended(NaiveDate),
    SoldOut,
    /// The per-member limit for this period is reached.
    LimitReached {
        limit: u32,
        per_month: bool,
    },
    /// Medical discounts are used by showing the card, not with a coupon.
    ShowCardInstead,
}

impl Wallet {
    pub const STORAGE_KEY: &'static str = "yizhan.wallet.v1";

    /// How many coupons of `campaign` count against its limit on `today`: this
    /// calendar month (China) for `period: "month"`, else the whole campaign.
    pub fn claimed_in_period(&self, campaign: &Campaign, today: NaiveDate) -> u32 {
        let per_month = campaign.period.as_deref() == Some("month");
        self.coupons
            .iter()
            .filter(|c| c.campaign_id == campaign.id && c.issue != Issue::Refused)
            .filter(|c| {
                !per_month
                    || (c.claimed_at.date().year() == today.year()
                        && c.claimed_at.date().month() == today.month())
            })
            .count() as u32
    }

    /// Whether a claim may go ahead now; the first reason that stops it otherwise.
    /// `keys` are the publisher keys the app trusts (a members-only campaign needs a
    /// card the union signed, valid today). `wallet.may_claim(&campaign, today, &keys)`.
    pub fn may_claim(
        &self,
        campaign: &Campaign,
        today: NaiveDate,
        keys: &[[u8; 32]],
    ) -> Result<(), ClaimRefusal> {
        if campaign.kind == CampaignKind::Medical {
            return Err(ClaimRefusal::ShowCardInstead);
        }
        if today < campaign.valid_from {
            return Err(ClaimRefusal::NotYet(campaign.valid_from));
        }
        if today > campaign.valid_until {
            return Err(ClaimRefusal::Ended(campaign.valid_until));
        }
        if campaign.remaining == Some(0) {
            return Err(ClaimRefusal::SoldOut);
        }
        if campaign.members_only {
            let Some(card) = &self.card else {
                return Err(ClaimRefusal::NeedsCard);
            };
            if card.verified(keys).is_none() || self.signed_card_on(today, keys).is_none() {
                return Err(ClaimRefusal::NeedsVerifiedCard);
            }
        }
        if let Some(limit) = campaign.per_member {
            if self.claimed_in_period(campaign, today) >= limit {
                return Err(ClaimRefusal::LimitReached {
                    limit,
                    per_month: campaign.period.as_deref() == Some("month"),
                });
            }
        }
        Ok(())
    }

    /// The card the union signed, valid on `day`, if this device holds one: what a
    /// claim carries for a members-only campaign. `wallet.signed_card_on(today, &keys)`.
    pub fn signed_card_on(&self, day: NaiveDate, keys: &[[u8; 32]]) -> Option<&SignedCard> {
        let signed = self.card.as_ref()?.verified(keys)?;
        (crate::card::standing(signed, day, keys) == crate::card::Standing::Valid).then_some(signed)
    }

    /// Claims a coupon if the rules allow it: the whole check-and-add, so it can run
    /// under one lock. `wallet.claim(&campaign, now, id, code, &keys)`.
    pub fn claim(
        &mut self,
        campaign: &Campaign,
        now: NaiveDateTime,
        id: String,
        code: String,
        keys: &[[u8; 32]],
    ) -> Result<Coupon, ClaimRefusal> {
        self.may_claim(campaign, now.date(), keys)?;
        let coupon = Coupon {
            id,
            code,
            campaign_id: campaign.id.clone(),
            title: campaign.title.clone(),
            kind: campaign.kind.clone(),
            venues: campaign.venues.iter().map(|v| v.name.clone()).collect(),
            claimed_at: now,
            valid_from: campaign.valid_from,
            valid_until: campaign.valid_until,
            used_at: None,
            issue: Issue::Waiting,
            refusal: None,
        };
        self.coupons.push(coupon.clone());
        Ok(coupon)
    }

    /// Brings the union's answers into the wallet: a claim the feed approved or lists
    /// in `issued` is issued, one it rejected is turned down (with its note), and a
    /// coupon the feed lists as used is used from that day. Returns whether anything
    /// changed: `wallet.apply_feed(&statuses, &issued)`.
    pub fn apply_feed(&mut self, statuses: &Statuses, issued: &Coupons) -> bool {
        let mut changed = false;
        for coupon in &mut self.coupons {
            let reference = crate::coupon_code::code_ref(&coupon.code);
            let listed = issued
                .coupons
                .iter()
                .find(|i| i.reference.eq_ignore_ascii_case(&reference));
            if coupon.issue == Issue::Waiting {
                let status = statuses.for_request(&coupon.id);
                if listed.is_some() || status.is_some_and(|s| s.state == RequestState::Approved) {
                    coupon.issue = Issue::Issued;
                    changed = true;
                } else if let Some(s) = status.filter(|s| s.state == RequestState::Rejected) {
                    coupon.issue = Issue::Refused;
                    coupon.refusal = s.note.clone();
                    changed = true;
                }
            }
            let used_on = listed
                .and_then(|i| i.used.as_deref()?.get(..10))
                .and_then(crate::time::parse_date);
            if let (Some(day), None) = (used_on, coupon.used_at) {
                if coupon.issue == Issue::Issued {
                    coupon.used_at = Some(day.and_time(chrono::NaiveTime::MIN));
                    changed = true;
                }
            }
        }
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::Venue;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }
    fn campaign(per_member: Option<u32>, period: &str) -> Campaign {
        Campaign {
            id: "fit".into(),
            kind: "fitness".into(),
            title: "健身券".into(),
            description: None,
            venues: vec![Venue {
                name: "文化宫".into(),
                address: None,
                lng: None,
                lat: None,
            }],
            valid_from: d("2026-11-01"),
            valid_until: d("2026-12-31"),
            per_member,
            period: Some(period.into()),
            total: Some(100),
            remaining: Some(10),
            members_only: true,
            discount_percent: None,
        }
    }
    /// A card typed in on the phone: nothing vouches for it.
    fn typed_card() -> MemberCard {
        MemberCard::from_form("张三", "3715002026000123", None, None).unwrap()
    }
    /// The same card as the union signed it (valid until 2027-12-31), and its key.
    fn signed() -> (MemberCard, [u8; 32]) {
        let (signed, key) = crate::card::signed_for_test(1, "3715002026000123", "张三");
        let mut card = typed_card();
        card.signed = Some(signed);
        (card, key)
    }
    fn card() -> MemberCard {
        signed().0
    }
    fn keys() -> [[u8; 32]; 1] {
        [signed().1]
    }
    fn claim(w: &mut Wallet, c: &Campaign, when: &str) -> Result<Coupon, ClaimRefusal> {
        let n = w.coupons.len();
        w.claim(c, at(when), format!("id{n}"), format!("code{n}"), &keys())
    }

    #[test]
    fn monthly_limit_counts_the_calendar_month_in_china() {
        let c = campaign(Some(2), "month");
        let mut w = Wallet {
            card: Some(card()),
            coupons: vec![],
        };
        claim(&mut w, &c, "2026-11-05 10:00").unwrap();
        claim(&mut w, &c, "2026-11-30 23:59").unwrap();
        assert_eq!(
            claim(&mut w, &c, "2026-11-30 23:59"),
            Err(ClaimRefusal::LimitReached {
                limit: 2,
                per_month: true
            })
        );
        assert_eq!(w.claimed_in_period(&c, d("2026-11-30")), 2);
        // A new month, a new allowance.
        assert_eq!(w.claimed_in_period(&c, d("2026-12-01")), 0);
        claim(&mut w, &c, "2026-12-01 00:00").unwrap();
        assert_eq!(w.coupons.len(), 3);
    }

    #[test]
    fn per_campaign_limit_spans_the_whole_window() {
        let c = campaign(Some(1), "campaign");
        let mut w = Wallet {
            card: Some(card()),
            coupons: vec![],
        };
        claim(&mut w, &c, "2026-11-05 10:00").unwrap();
        assert_eq!(
            claim(&mut w, &c, "2026-12-20 10:00"),
            Err(ClaimRefusal::LimitReached {
                limit: 1,
                per_month: false
            })
        );
    }

    #[test]
    fn window_stock_card_and_medical_rules() {
        let mut c = campaign(Some(4), "month");
        let mut w = Wallet::default();
        assert_eq!(
            w.may_claim(&c, d("2026-11-10"), &keys()),
            Err(ClaimRefusal::NeedsCard)
        );
        w.card = Some(card());
        assert_eq!(
            w.may_claim(&c, d("2026-10-31"), &keys()),
            Err(ClaimRefusal::NotYet(d("2026-11-01")))
        );
        assert_eq!(
            w.may_claim(&c, d("2027-01-01"), &keys()),
            Err(ClaimRefusal::Ended(d("2026-12-31")))
        );
        assert_eq!(w.may_claim(&c, d("2026-11-01"), &keys()), Ok(()));
        assert_eq!(
            w.may_claim(&c, d("2026-12-31"), &keys()),
            Ok(()),
            "last day is valid"
        );
        // Members only: a card typed in, one whose signature fails, or one past its
        // date claims nothing; the card the union signed does.
        w.card = Some(typed_card());
        assert_eq!(
            w.may_claim(&c, d("2026-11-10"), &keys()),
            Err(ClaimRefusal::NeedsVerifiedCard)
        );
        w.card = Some(card());
        assert_eq!(
            w.may_claim(&c, d("2026-11-10"), &[[9; 32]]),
            Err(ClaimRefusal::NeedsVerifiedCard)
        );
        assert!(w.signed_card_on(d("2027-12-31"), &keys()).is_some());
        assert!(w.signed_card_on(d("2028-01-01"), &keys()).is_none());
        c.remaining = Some(0);
        assert_eq!(
            w.may_claim(&c, d("2026-11-10"), &keys()),
            Err(ClaimRefusal::SoldOut)
        );
        c.remaining = None;
        c.members_only = false;
        assert_eq!(
            Wallet::default().may_claim(&c, d("2026-11-10"), &keys()),
            Ok(())
        );
        c.kind = "medical".into();
        assert_eq!(
            w.may_claim(&c, d("2026-11-10"), &keys()),
            Err(ClaimRefusal::ShowCardInstead)
        );
    }

    fn status(id: &str, state: RequestState, note: Option<&str>) -> crate::feed::RequestStatus {
        crate::feed::RequestStatus {
            reference: crate::feed::sha256_hex(id.as_bytes()),
            state,
            member_no: None,
            note: note.map(str::to_string),
            updated: None,
            card: None,
            sealed: None,
        }
    }

    #[test]
    fn a_claim_waits_until_the_feed_issues_it_or_turns_it_down() {
        let c = campaign(Some(2), "month");
        let mut w = Wallet {
            card: Some(card()),
            coupons: vec![],
        };
        for _ in 0..2 {
            claim(&mut w, &c, "2026-11-05 10:00").unwrap();
        }
        let today = d("2026-11-06");
        assert!(w
            .coupons
            .iter()
            .all(|c| c.state(today) == CouponState::Waiting));
        assert!(matches!(
            w.may_claim(&c, today, &keys()),
            Err(ClaimRefusal::LimitReached { .. })
        ));
        // Nothing about these requests: nothing changes.
        assert!(!w.apply_feed(&Statuses::default(), &Coupons::default()));
        // id0 is listed as issued in the coupons file; id1 is turned down with a reason.
        let issued = Coupons {
            coupons: vec![crate::feed::IssuedCoupon {
                reference: crate::coupon_code::code_ref("code0").to_uppercase(),
                campaign: "fit".into(),
                valid_from: None,
                valid_until: None,
                used: None,
            }],
        };
        let statuses = Statuses {
            statuses: vec![status("id1", RequestState::Rejected, Some("本月已发完"))],
        };
        assert!(w.apply_feed(&statuses, &issued));
        assert_eq!(w.coupons[0].state(today), CouponState::Unused);
        assert_eq!(w.coupons[1].state(today), CouponState::Refused);
        assert_eq!(w.coupons[1].refusal.as_deref(), Some("本月已发完"));
        // A turned-down claim no longer counts against the monthly limit.
        assert_eq!(w.claimed_in_period(&c, today), 1);
        assert_eq!(w.may_claim(&c, today, &keys()), Ok(()));
        assert!(!w.apply_feed(&statuses, &issued), "applied once");
        // An approved status issues it too, and a later "rejected" never takes it back.
        claim(&mut w, &c, "2026-11-06 10:00").unwrap();
        let approved = Statuses {
            statuses: vec![status("id2", RequestState::Approved, None)],
        };
        assert!(w.apply_feed(&approved, &Coupons::default()));
        assert_eq!(w.coupons[2].issue, Issue::Issued);
        let rejected = Statuses {
            statuses: vec![status("id2", RequestState::Rejected, None)],
        };
        assert!(!w.apply_feed(&rejected, &Coupons::default()));
        // The feed says a venue used it: used from that day, and it stays used.
        let mut used = issued.clone();
        used.coupons[0].used = Some("2026-11-07".into());
        assert!(w.apply_feed(&statuses, &used));
        assert_eq!(w.coupons[0].state(today), CouponState::Used);
        assert_eq!(w.coupons[0].used_at, Some(at("2026-11-07 00:00")));
        assert!(!w.apply_feed(&statuses, &issued), "used stays used");
        // Expired is shown once the campaign is over, issued or not.
        assert_eq!(w.coupons[2].state(d("2027-01-01")), CouponState::Expired);
    }

    #[test]
    fn a_card_is_verified_only_with_a_signature_that_holds_for_the_card_shown() {
        let (signed, key) = crate::card::signed_for_test(5, "3715002026000123", "张三");
        let keys = [key];
        let mut c = card();
        assert_eq!(c.verified(&keys), None, "typed in");
        c.signed = Some(signed.clone());
        assert_eq!(c.verified(&keys), Some(&signed));
        assert_eq!(
            c.verified(&[[1u8; 32]]),
            None,
            "a key the app does not trust"
        );
        c.name = "李四".into();
        assert_eq!(c.verified(&keys), None, "a name edited on the device");
    }

    #[test]
    fn card_form_is_checked_and_tidied() {
        let c = MemberCard::from_form(" 张三 ", "3715 0020 2600 0123", None, None).unwrap();
        assert_eq!(
            (c.name.as_str(), c.member_no.as_str()),
            ("张三", "3715002026000123")
        );
        assert_eq!(
            MemberCard::from_form("", "12", None, None),
            Err(vec![CardError::NameMissing, CardError::MemberNoInvalid])
        );
        assert!(MemberCard::from_form("李四", "3715-0020", None, None).is_err());
        for name in [
            "张\n三",
            "张\t三",
            "张\u{7f}三",
            "张三\u{0}",
            "张\u{2029}三",
        ] {
            assert_eq!(
                MemberCard::from_form(name, "3715002026000123", None, None),
                Err(vec![CardError::NameControl]),
                "{name:?}"
            );
        }
        assert_eq!(
            MemberCard::from_form("Anna Li", "3715002026000123", None, None)
                .unwrap()
                .name,
            "Anna Li"
        );
        // A pasted cell's trailing line break is trimmed, not refused.
        let pasted = MemberCard::from_form("张三\r\n", "3715002026000123", None, None);
        assert_eq!(pasted.unwrap().name, "张三");
    }
}
