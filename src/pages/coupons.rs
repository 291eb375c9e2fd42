//! `/coupons`: the feed's campaigns, claiming, and the member's own coupons.

use crate::adapters::clock;
use crate::components::words;
use crate::feed_sync::use_feed;
use crate::i18n::{fill, WorkerWords};
use crate::outbox::use_outbox;
use crate::state::{use_worker_strings, worker_tr};
use crate::wallet_store::{use_wallet, ClaimError};
use leptos::prelude::*;
use leptos::task::spawn_local;
use yizhan_core::feed::Campaign;
use yizhan_core::vocab::CampaignKind;
use yizhan_core::wallet::{ClaimRefusal, CouponState};

#[component]
pub fn CouponsPage() -> impl IntoView {
    let t = use_worker_strings();
    let feed = use_feed();
    let wallet = use_wallet();
    let kind = RwSignal::new(None::<CampaignKind>);
    let campaigns = move || feed.data.with(|d| d.campaigns.campaigns.clone());
    // Open ones first, then those not started; the ended ones folded away at the end
    // (an expired campaign once came first on the page).
    let today = move || clock::china_now().date();
    let shown = move |ended: bool| {
        let mut list: Vec<Campaign> = campaigns()
            .into_iter()
            .filter(|c| kind.with(|k| k.as_ref().is_none_or(|k| *k == c.kind)))
            .filter(|c| (c.valid_until < today()) == ended)
            .collect();
        yizhan_core::sort::sort_by_key(&mut list, |c| (c.valid_from > today(), c.valid_until));
        list
    };
    // The kinds present, FEED.md's first (in its order), then any others.
    let kinds_present = move || {
        let present: Vec<CampaignKind> = campaigns().into_iter().map(|c| c.kind).collect();
        let mut kinds: Vec<CampaignKind> = CampaignKind::KNOWN
            .iter()
            .filter(|k| present.contains(k))
            .cloned()
            .collect();
        for k in present {
            if !kinds.contains(&k) {
                kinds.push(k);
            }
        }
        kinds
    };
    let kind_chip = move |k: Option<CampaignKind>| {
        let label = k.clone();
        let key = k.clone();
        view! {
            <button type="button" class="chip" data-kind=k.as_ref().map(|k| k.word().to_string()).unwrap_or_default()
                aria-pressed=move || (kind.get() == key).to_string()
                on:click=move |_| kind.set(k.clone())>
                {move || label.as_ref().map(|l| l.words(t())).unwrap_or_else(|| t().kind_all.into())}
            </button>
        }
    };
    crate::components::use_title(move || t().coupons_title.to_string());
    crate::news::use_news().follow_tab(yizhan_core::outcome::Tab::Coupons);
    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{worker_tr(|s| s.coupons_title)}</h1>
            <p class="lead">{worker_tr(|s| s.coupons_intro)}</p>
            <div class="chips" role="group" aria-label=worker_tr(|s| s.kind_filter_label)>
                {kind_chip(None)}
                {move || kinds_present().into_iter().map(|k| kind_chip(Some(k))).collect_view()}
            </div>
            // The worker's own coupons, what they come back for, are a tap away at the
            // top: a link, always one line, so a claim never pushes the button being
            // tapped down under the finger (the list itself grows at the end).
            <a href="#my-coupons" class="tap-link my-coupons-link" data-testid="my-coupons-link">
                {move || fill(t().my_coupons_count, &[("n", &wallet.wallet.with(|w| w.coupons.len()).to_string())])}
            </a>
            {move || campaigns().is_empty().then(|| view! { <p class="empty">{t().no_campaigns}</p> })}
            <ul class="campaigns">
                {move || shown(false).into_iter().map(|c| view! { <CampaignCard campaign=c /> }).collect_view()}
            </ul>
            {move || {
                let ended = shown(true);
                (!ended.is_empty()).then(|| view! {
                    <details class="ended-campaigns" data-testid="ended-campaigns">
                        <summary>{fill(t().campaigns_ended, &[("n", &ended.len().to_string())])}</summary>
                        <ul class="campaigns">
                            {ended.into_iter().map(|c| view! { <CampaignCard campaign=c /> }).collect_view()}
                        </ul>
                    </details>
                })
            }}
            <MyCoupons />
        </section>
    }
}

#[component]
fn CampaignCard(campaign: Campaign) -> impl IntoView {
    let t = use_worker_strings();
    let outbox = use_outbox();
    let wallet = use_wallet();
    let message = RwSignal::new(None::<(&'static str, String)>);
    let busy = RwSignal::new(false);
    let c = StoredValue::new(campaign.clone());
    let today = move || clock::china_now().date();
    let keys = StoredValue::new(crate::trust::publisher_keys());
    let refusal = move || {
        wallet.wallet.with(|w| {
            c.with_value(|c| keys.with_value(|k| w.may_claim(c, today(), k)))
                .err()
        })
    };
    let claimed = move || {
        wallet
            .wallet
            .with(|w| c.with_value(|c| w.claimed_in_period(c, today())))
    };
    let medical = campaign.kind == CampaignKind::Medical;
    let kiosk = crate::state::use_app_state().is_kiosk();
    let claim = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let campaign = c.get_value();
        spawn_local(async move {
            let t = t();
            let result = wallet.claim(campaign.clone(), outbox).await;
            message.set(Some(match result {
                Ok(coupon) => (
                    "notice notice-ok",
                    fill(t.claim_done, &[("title", &coupon.title)]),
                ),
                Err(ClaimError::Refused(r)) => ("notice notice-warn", r.words(t).into_owned()),
                Err(ClaimError::Storage(_)) => ("notice notice-warn", t.storage_full.to_string()),
            }));
            busy.set(false);
        });
    };
    let venues: Vec<String> = campaign
        .venues
        .iter()
        .map(|v| match &v.address {
            Some(a) => format!("{} · {a}", v.name),
            None => v.name.clone(),
        })
        .collect();
    view! {
        <li class="card campaign" data-campaign-id=campaign.id.clone() data-kind=campaign.kind.word().to_string()>
            <p class="campaign-kind">{move || c.with_value(|c| c.kind.words(t()))}</p>
            <h2>{campaign.title.clone()}</h2>
            {campaign.description.clone().map(|d| view! { <p>{words(&d)}</p> })}
            <p class="muted">{move || c.with_value(|c| words(&fill(t().campaign_valid, &[("from", &c.valid_from.to_string()), ("until", &c.valid_until.to_string())])))}</p>
            {campaign.remaining.map(|r| view! {
                <p class="muted" data-testid="remaining">{move || fill(t().campaign_remaining, &[
                    ("remaining", &r.to_string()),
                    ("total", &c.with_value(|c| c.total.map(|t| t.to_string()).unwrap_or_else(|| "—".into()))),
                ])}</p>
            })}
            {(!venues.is_empty()).then(|| view! {
                <p class="venues"><strong>{move || if medical { t().medical_hospitals } else { t().campaign_venues }}</strong>
                    " " {words(&venues.join("、"))}</p>
            })}
            {if medical {
                view! {
                    {campaign.discount_percent.map(|p| view! {
                        <p class="discount">{move || fill(t().medical_discount, &[("p", &yizhan_core::text::decimal(p, 2))])}</p>
                    })}
                    <a href="/me#card" class="button primary" data-action="show-card">{worker_tr(|s| s.show_card)}</a>
                }.into_any()
            } else {
                view! {
                    {campaign.per_member.map(|limit| view! {
                        <p class="claimed" data-testid="claimed">{move || {
                            let per_month = c.with_value(|c| c.period.as_deref() == Some("month"));
                            let template = if per_month { t().campaign_claimed_month } else { t().campaign_claimed_campaign };
                            fill(template, &[("n", &claimed().to_string()), ("limit", &limit.to_string())])
                        }}</p>
                    })}
                    // A coupon claimed on a shared kiosk would be wiped with it: it is
                    // claimed on the worker's own phone (the QR below).
                    {if kiosk {
                        view! { <p class="notice notice-info" data-testid="claim-on-phone">{worker_tr(|s| s.claim_on_phone)}</p> }.into_any()
                    } else {
                        view! {
                            <button type="button" class="primary big" data-action="claim"
                                disabled=move || refusal().is_some() || busy.get()
                                on:click=claim>{worker_tr(|s| s.claim_button)}</button>
                        }.into_any()
                    }}
                    {move || refusal().filter(|_| !kiosk).map(|r| view! {
                        <p class="reason" data-testid="claim-reason">{r.words(t())}
                            {(r == ClaimRefusal::NeedsCard).then(|| view! {
                                " " <a href="/me#card-form" class="tap-link" data-action="add-card">{worker_tr(|s| s.add_card_link)}</a>
                            })}
                            {(r == ClaimRefusal::NeedsVerifiedCard).then(|| view! {
                                " " <a href="/me#card-request" class="tap-link" data-action="verify-card">{worker_tr(|s| s.verify_card_link)}</a>
                            })}
                        </p>
                    })}
                }.into_any()
            }}
            {move || message.get().map(|(class, m)| view! { <p class=class role="status">{m}</p> })}
            <crate::components::SendToPhone path=format!("/coupons#{}", yizhan_core::navigation::encode(&campaign.id)) />
        </li>
    }
}

/// The member's coupons, newest first.
#[component]
fn MyCoupons() -> impl IntoView {
    let t = use_worker_strings();
    let wallet = use_wallet();
    let coupons = move || {
        let mut list = wallet.wallet.with(|w| w.coupons.clone());
        yizhan_core::sort::sort_by_key(&mut list, |c| std::cmp::Reverse(c.claimed_at));
        list
    };
    view! {
        <section aria-labelledby="my-coupons">
            <h2 id="my-coupons">{worker_tr(|s| s.my_coupons)}</h2>
            {move || coupons().is_empty().then(|| view! { <p class="empty">{t().my_coupons_empty}</p> })}
            <ul class="my-coupons">
                {move || coupons().into_iter().map(|c| {
                    let state = c.state(clock::china_now().date());
                    view! {
                        <li class="card coupon-row" data-coupon-id=c.id.clone()>
                            <a href=format!("/coupons/mine/{}", c.id) class="coupon-link">
                                <span class="coupon-title">{c.title.clone()}</span>
                                {matches!(state, CouponState::Unused | CouponState::Used).then(|| view! {
                                    <span class="coupon-code-small" data-coupon-code=c.code.clone()>{c.code.clone()}</span>
                                })}
                                <span class=format!("coupon-state state-{}", state.word())>{state.words(t())}</span>
                            </a>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}
