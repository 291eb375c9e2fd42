//! Coupon claims decided by their campaigns' rules, the venues' redemptions, and the
//! `coupons` and `campaigns` files a desk round publishes.

use super::{china_day, held};
use chrono::{Datelike, NaiveDate};
use rusqlite::OptionalExtension;
use rusqlite::{params, Connection};
use serde_json::Value;
use std::collections::HashMap;
use yizhan_core::card::{standing, Standing};
use yizhan_core::coupon_code::code_ref;
use yizhan_core::feed::{Campaign, SignedCard};
use yizhan_core::request::{Redemption, Request};
use yizhan_core::time::parse_date;

/// A coupon claim as the desk reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimIn {
    pub id: String,
    pub campaign: String,
    /// The member number the claim counts under: the signed card's when it holds
    /// (see `card`), else the number the app sent (only ever trusted for campaigns
    /// open to all).
    pub member_no: Option<String>,
    /// How the claim's signed card stands on its day: `Ok(())` for a card the union
    /// signed, valid that day; else why not, in words for the worker.
    pub card: Result<(), String>,
    /// SHA-256 (hex) of the coupon code, upper-case without dashes (FEED.md).
    pub code_ref: String,
    /// The China-local day the intake received it (the intake's clock, never the
    /// phone's `created_at`).
    pub day: NaiveDate,
}

/// A coupon issued: what counts against a campaign's and a member's limits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Granted {
    pub code_ref: String,
    pub campaign: String,
    pub member_no: Option<String>,
    pub day: NaiveDate,
}

/// Decides one claim by its campaign's rules, first come first served: `Ok(())` grants
/// it, `Err(reason)` turns it down with the reason in words (shown to the worker).
/// `granted` holds every coupon issued so far, this round's from index `this_round`
/// on: a campaign's `remaining` (as last published) bounds this round, and its `total`
/// bounds all rounds (so a stale campaigns file cannot issue more than the total).
pub fn decide_claim(
    claim: &ClaimIn,
    campaigns: &[Campaign],
    granted: &[Granted],
    this_round: usize,
) -> Result<(), String> {
    let Some(campaign) = campaigns.iter().find(|c| c.id == claim.campaign) else {
        return Err("没有这个活动".into());
    };
    if claim.day < campaign.valid_from || claim.day > campaign.valid_until {
        return Err("领取时不在活动有效期内".into());
    }
    if campaign.members_only {
        // Only a card the union signed, valid that day, claims these (FEED.md): a
        // number typed in could be anyone's.
        claim.card.clone()?;
    }
    if granted.iter().any(|g| g.code_ref == claim.code_ref) {
        return Err("券码重复，请重新领取".into());
    }
    let of_campaign =
        |list: &[Granted]| list.iter().filter(|g| g.campaign == campaign.id).count() as u64;
    let issued_now = of_campaign(granted.get(this_round..).unwrap_or_default());
    if campaign
        .total
        .is_some_and(|total| of_campaign(granted) >= total)
        || campaign.remaining.is_some_and(|left| issued_now >= left)
    {
        return Err("已发完".into());
    }
    if let (Some(limit), Some(member)) = (campaign.per_member, claim.member_no.as_ref()) {
        let monthly = campaign.period.as_deref() == Some("month");
        let same_period = |day: NaiveDate| {
            !monthly || (day.year(), day.month()) == (claim.day.year(), claim.day.month())
        };
        let mine = granted
            .iter()
            .filter(|g| {
                g.campaign == campaign.id
                    && g.member_no.as_ref() == Some(member)
                    && same_period(g.day)
            })
            .count();
        if mine as u64 >= u64::from(limit) {
            return Err(if monthly {
                "本月已领满".into()
            } else {
                "本活动已领满".into()
            });
        }
    }
    Ok(())
}

/// How a claim's card stands on `day` under the union's `keys`, in the worker's words.
fn card_standing(
    card: Option<&SignedCard>,
    day: NaiveDate,
    keys: &[[u8; 32]],
) -> Result<(), String> {
    let Some(card) = card else {
        return Err("仅限工会核验过会员证的会员领取：请先在“我的”页申请核验会员证".into());
    };
    match standing(card, day, keys) {
        Standing::Valid if !card.union.trim().is_empty() => Ok(()),
        Standing::Valid | Standing::Forged => {
            Err("会员证未通过工会核验，不能领取会员专享福利".into())
        }
        Standing::Expired => Err("会员证已过有效期".into()),
    }
}

/// Decides every claim not decided yet, in the order received, by `campaigns`' rules;
/// records all in one transaction. `card_keys` are the union's public keys its signed
/// cards are checked against (the key `publish --sign-key` signs with). Returns the
/// coupons issued per campaign, and how many claims were turned down.
pub fn decide_claims(
    db: &mut Connection,
    campaigns: &[Campaign],
    now: &str,
    card_keys: &[[u8; 32]],
) -> Result<(HashMap<String, u64>, usize), String> {
    let claims: Vec<(String, Option<ClaimIn>)> = held(db, true)?
        .into_iter()
        .filter_map(|h| match h.request {
            Request::Claim(c) => Some((
                h.id.clone(),
                china_day(&h.received_at).map(|day| {
                    let card = card_standing(c.card.as_ref(), day, card_keys);
                    // A card that holds names the member; else the number sent.
                    let member_no = match (&card, &c.card) {
                        (Ok(()), Some(signed)) => Some(signed.member_no.clone()),
                        _ => c.member_no.filter(|m| !m.trim().is_empty()),
                    };
                    ClaimIn {
                        id: h.id,
                        campaign: c.campaign_id,
                        member_no,
                        card,
                        code_ref: c.code_ref.to_ascii_lowercase(),
                        day,
                    }
                }),
            )),
            _ => None,
        })
        .collect();
    let tx = db.transaction().map_err(|e| e.to_string())?;
    let mut granted: Vec<Granted> = {
        let mut q = tx
            .prepare("SELECT code_ref, campaign, member_no, day FROM grants")
            .map_err(|e| e.to_string())?;
        let rows = q
            .query_map([], |r| {
                let day: String = r.get(3)?;
                Ok(Granted {
                    code_ref: r.get(0)?,
                    campaign: r.get(1)?,
                    member_no: r.get(2)?,
                    day: NaiveDate::parse_from_str(&day, "%Y-%m-%d").unwrap_or_default(),
                })
            })
            .map_err(|e| e.to_string())?;
        rows.collect::<Result<_, _>>().map_err(|e| e.to_string())?
    };
    let (mut yes, mut no) = (HashMap::<String, u64>::new(), 0);
    let this_round = granted.len();
    for (id, claim) in claims {
        let decision = match claim {
            None => Err("申请内容不完整".to_string()),
            Some(claim) => decide_claim(&claim, campaigns, &granted, this_round).map(|()| claim),
        };
        match decision {
            Ok(claim) => {
                tx.execute(
                    "INSERT INTO grants (code_ref, campaign, member_no, day, claim_id) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![claim.code_ref, claim.campaign, claim.member_no, claim.day.to_string(), id],
                )
                .map_err(|e| e.to_string())?;
                tx.execute(
                    "INSERT INTO decisions (id, decision, decided_at) VALUES (?1, 'approved', ?2)",
                    params![id, now],
                )
                .map_err(|e| e.to_string())?;
                granted.push(Granted {
                    code_ref: claim.code_ref,
                    campaign: claim.campaign,
                    member_no: claim.member_no,
                    day: claim.day,
                });
                *yes.entry(
                    granted
                        .last()
                        .map(|g| g.campaign.clone())
                        .unwrap_or_default(),
                )
                .or_insert(0) += 1;
            }
            Err(reason) => {
                tx.execute(
                    "INSERT INTO decisions (id, decision, note, decided_at) VALUES (?1, 'rejected', ?2, ?3)",
                    params![id, reason, now],
                )
                .map_err(|e| e.to_string())?;
                no += 1;
            }
        }
    }
    tx.commit().map_err(|e| e.to_string())?;
    Ok((yes, no))
}

/// Why a venue's `redeem` does not count, if it does not: it must carry the code
/// itself (the refs in `coupons` are public, FEED.md), the code must hash to a coupon
/// issued for that campaign, and its day must be a real date, not after the day the
/// intake received it. Returns the day it was used.
fn redeem_day(db: &Connection, r: &Redemption, received: NaiveDate) -> Result<NaiveDate, String> {
    let code = r
        .code
        .as_deref()
        .filter(|c| !c.trim().is_empty())
        .ok_or("没有券码 (no code: a redeem must carry the coupon's code itself)")?;
    let reference = code_ref(code);
    let campaign: Option<String> = db
        .query_row(
            "SELECT campaign FROM grants WHERE code_ref = ?1",
            [&reference],
            |row| row.get(0),
        )
        .optional()
        .map_err(|e| e.to_string())?;
    match campaign {
        None => {
            return Err("不是本工会发放的券 (the code is not a coupon this union issued)".into())
        }
        Some(c) if c != r.campaign => {
            return Err(format!(
                "是另一个活动的券 (the code is a coupon of campaign `{c}`, not `{}`)",
                r.campaign
            ))
        }
        Some(_) => {}
    }
    let day = r
        .used_at
        .get(..10)
        .and_then(parse_date)
        .filter(|_| yizhan_core::time::parse_rfc3339_utc(&r.used_at).is_some())
        .ok_or("使用时间读不出 (`used_at` is not a time, RFC 3339)")?;
    if day > received {
        return Err(format!(
            "使用日期晚于收到日期 (used on {day}, after the intake received it, {received})"
        ));
    }
    Ok(day)
}

/// Records the venues' `redeem` requests: the first use of a coupon issued for that
/// campaign counts, on the day the venue gave (never later than the day the intake
/// received it). A redeem that does not count is turned down with the reason (kept for
/// the clerk; never published). Returns how many codes became used, and each redeem
/// turned down with its reason (`(request id, reason)`).
pub fn record_redemptions(db: &Connection) -> Result<(usize, Vec<(String, String)>), String> {
    let (mut used, mut refused) = (0, Vec::new());
    for h in held(db, false)? {
        let Request::Redeem(r) = &h.request else {
            continue;
        };
        let decided: bool = db
            .query_row("SELECT 1 FROM decisions WHERE id = ?1", [&h.id], |_| {
                Ok(true)
            })
            .optional()
            .map_err(|e| e.to_string())?
            .unwrap_or(false);
        if decided {
            continue;
        }
        let received = china_day(&h.received_at).unwrap_or_default();
        match redeem_day(db, r, received) {
            Ok(day) => {
                let venue = (!r.venue.trim().is_empty()).then_some(r.venue.clone());
                used += db
                    .execute(
                        "INSERT OR IGNORE INTO redemptions (code_ref, used_at, venue, request_id)
                         VALUES (?1, ?2, ?3, ?4)",
                        params![
                            code_ref(r.code.as_deref().unwrap_or("")),
                            day.to_string(),
                            venue,
                            h.id
                        ],
                    )
                    .map_err(|e| e.to_string())?;
                db.execute(
                    "INSERT INTO decisions (id, decision, decided_at) VALUES (?1, 'approved', ?2)",
                    params![h.id, h.received_at],
                )
                .map_err(|e| e.to_string())?;
            }
            Err(reason) => {
                db.execute(
                    "INSERT INTO decisions (id, decision, note, decided_at) VALUES (?1, 'rejected', ?2, ?3)",
                    params![h.id, reason, h.received_at],
                )
                .map_err(|e| e.to_string())?;
                refused.push((h.id.clone(), reason));
            }
        }
    }
    Ok((used, refused))
}

/// The `coupons` file: every coupon issued, with the day it was used.
pub fn coupons(db: &Connection, campaigns: &[Campaign]) -> Result<Value, String> {
    let mut q = db
        .prepare(
            "SELECT g.code_ref, g.campaign, substr(r.used_at, 1, 10) FROM grants g
             LEFT JOIN redemptions r ON r.code_ref = g.code_ref ORDER BY g.code_ref",
        )
        .map_err(|e| e.to_string())?;
    let rows: Vec<(String, String, Option<String>)> = q
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .map_err(|e| e.to_string())?
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    let list: Vec<Value> = rows
        .into_iter()
        .map(|(code_ref, campaign, used)| {
            let c = campaigns.iter().find(|c| c.id == campaign);
            serde_json::json!({
                "ref": code_ref, "campaign": campaign,
                "valid_from": c.map(|c| c.valid_from.to_string()),
                "valid_until": c.map(|c| c.valid_until.to_string()),
                "used": used,
            })
        })
        .collect();
    Ok(serde_json::json!({ "coupons": list }))
}

/// The campaigns with `remaining` brought down by the coupons issued this round
/// (`issued_now`, per campaign id), and never above what is left of `total`.
pub fn campaigns_left(
    db: &Connection,
    campaigns_file: &Value,
    issued_now: &HashMap<String, u64>,
) -> Result<Value, String> {
    let mut out = campaigns_file.clone();
    if let Some(list) = out.get_mut("campaigns").and_then(Value::as_array_mut) {
        for campaign in list {
            let Some(id) = campaign
                .get("id")
                .and_then(Value::as_str)
                .map(str::to_string)
            else {
                continue;
            };
            let issued: u64 = db
                .query_row(
                    "SELECT COUNT(*) FROM grants WHERE campaign = ?1",
                    [&id],
                    |r| r.get(0),
                )
                .map_err(|e| e.to_string())?;
            let now = issued_now.get(&id).copied().unwrap_or(0);
            let by_remaining = campaign
                .get("remaining")
                .and_then(Value::as_u64)
                .map(|r| r.saturating_sub(now));
            let by_total = campaign
                .get("total")
                .and_then(Value::as_u64)
                .map(|t| t.saturating_sub(issued));
            let left = match (by_remaining, by_total) {
                (Some(r), Some(t)) => Some(r.min(t)),
                (r, t) => r.or(t),
            };
            if let Some(left) = left {
                campaign["remaining"] = Value::from(left);
            }
        }
    }
    Ok(out)
}
