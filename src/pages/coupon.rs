//! `/coupons/mine/:id`: one coupon, shown large at the venue once the union issued
//! it. The venue marks it used on its own device (`/verify`), never on this phone.

use crate::adapters::clock;
use crate::components::QrCodeView;
use crate::i18n::{fill, WorkerWords};
use crate::state::{use_worker_strings, worker_tr};
use crate::wallet_store::use_wallet;
use leptos::prelude::*;
use yizhan_core::wallet::CouponState;

#[component]
pub fn CouponPage(id: String) -> impl IntoView {
    let t = use_worker_strings();
    let wallet = use_wallet();
    let id = StoredValue::new(id);
    let coupon = move || {
        wallet
            .wallet
            .with(|w| id.with_value(|id| w.coupons.iter().find(|c| &c.id == id).cloned()))
    };
    crate::components::use_title(move || coupon().map(|c| c.title).unwrap_or_default());
    view! {
        <section class="page coupon-page">
            <a href="/coupons" class="back-link">{worker_tr(|s| s.back_to_coupons)}</a>
            {move || match coupon() {
                None => view! { <p class="notice notice-info" role="status">{t().coupon_not_found}</p> }.into_any(),
                Some(c) => {
                    let t = t();
                    let state = c.state(clock::china_now().date());
                    let issued = matches!(state, CouponState::Unused | CouponState::Used);
                    // Read the code one character at a time, as staff would; only once the
                    // union issued it (before that it is no coupon, and is not shown).
                    let spoken = if issued {
                        format!("{}。{}。{}。{}", c.title, state.words(t), t.coupon_code_label,
                            c.code.chars().filter(|ch| *ch != '-').map(String::from).collect::<Vec<_>>().join(" "))
                    } else {
                        format!("{}。{}。", c.title, state.words(t))
                    };
                    view! {
                        <h1>{c.title.clone()}</h1>
                        <crate::components::ReadAloud text=spoken />
                        <p class=format!("coupon-state big-state state-{}", state.word()) data-testid="coupon-state">{state.words(t)}</p>
                        {match state {
                            CouponState::Waiting => view! {
                                <p class="notice notice-info" role="status" data-testid="coupon-waiting">{t.coupon_waiting_hint}</p>
                            }.into_any(),
                            CouponState::Refused => view! {
                                <p class="notice notice-warn" role="status" data-testid="coupon-refused">{fill(t.coupon_refused_reason,
                                    &[("reason", c.refusal.as_deref().unwrap_or(t.coupon_no_reason))])}</p>
                            }.into_any(),
                            _ => ().into_any(),
                        }}
                        // The code and its QR exist only once the union issued the coupon.
                        {issued.then(|| view! {
                            <div class="coupon-ticket">
                                <p class="muted">{t.coupon_code_label}</p>
                                <p class="coupon-code" data-coupon-code=c.code.clone()>{c.code.clone()}</p>
                                <QrCodeView text=c.code.clone() label=c.code.clone() />
                            </div>
                            <crate::components::Present qr=c.code.clone() code=c.code.clone() title=c.title.clone() />
                            <p>{t.coupon_show_hint}</p>
                        })}
                        {(!c.venues.is_empty()).then(|| view! { <p><strong>{t.campaign_venues}</strong>" "{c.venues.join("、")}</p> })}
                        <p class="muted">{fill(t.campaign_valid, &[("from", &c.valid_from.to_string()), ("until", &c.valid_until.to_string())])}</p>
                        {c.used_at.map(|u| view! { <p class="muted">{fill(t.coupon_used_on, &[("date", &u.date().to_string())])}</p> })}
                    }.into_any()
                }
            }}
        </section>
    }
}
