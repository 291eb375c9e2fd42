//! `/verify`: venue staff check a coupon or a membership card, by the camera or by
//! typing the code, against the feed the device holds (offline after one visit), and
//! mark a coupon used: at once on this device, and for every venue once the union
//! publishes the `redeem` request this sends.

use crate::adapters::{camera, clock, storage};
use crate::feed_sync::use_feed;
use crate::i18n::{fill, WorkerStrings};
use crate::outbox::use_outbox;
use crate::state::{use_worker_strings, worker_tr};
use leptos::prelude::*;
use leptos::task::spawn_local;
use yizhan_core::outbox::Delivery;
use yizhan_core::request::{Redemption, Request};
use yizhan_core::time::rfc3339_china;
use yizhan_core::venue::{check, VenueLog, Verdict};

#[component]
pub fn VerifyPage() -> impl IntoView {
    let t = use_worker_strings();
    let feed = use_feed();
    let outbox = use_outbox();
    let log = RwSignal::new(load_log());
    storage::on_change(VenueLog::STORAGE_KEY, move || log.set(load_log()));
    storage::on_change(VenueLog::DAMAGED_KEY, move || log.set(load_log()));
    let rebuilding = RwSignal::new(false);
    let scanned = RwSignal::new(None::<String>);
    let typed = RwSignal::new(String::new());
    // A coupon marked used on this screen: `Some(None)` until its redeem request is
    // queued, then `Some(Some(id))` of that request in the outbox.
    let marked = RwSignal::new(None::<Option<String>>);
    let confirming = RwSignal::new(false);
    let scanning = RwSignal::new(false);
    let scan_problem = RwSignal::new(None::<camera::ScanProblem>);
    let save_problem = RwSignal::new(None::<storage::StorageProblem>);
    let video = NodeRef::<leptos::html::Video>::new();
    let keys = StoredValue::new(crate::trust::publisher_keys());
    let verdict_box = NodeRef::<leptos::html::Div>::new();

    let verdict = Memo::new(move |_| {
        let text = scanned.get()?;
        let today = clock::china_now().date();
        Some(feed.data.with(|d| {
            log.with(|l| check(&text, today, &d.coupons, &d.campaigns, l, &keys.get_value()))
        }))
    });
    // The answer is for a glance: bring it on screen (on a phone, and in large text, it
    // would otherwise sit below the fold, under the form).
    Effect::new(move |_| {
        if verdict.with(Option::is_some) {
            // After the answer is drawn; aligned to the bottom, where the box's scroll
            // margin keeps it clear of the bottom bar.
            request_animation_frame(move || {
                if let Some(el) = verdict_box.get_untracked() {
                    el.scroll_into_view_with_bool(false);
                }
            });
        }
    });
    let venues = move || {
        let mut names: Vec<String> = feed.data.with(|d| {
            d.campaigns
                .campaigns
                .iter()
                .flat_map(|c| c.venues.iter().map(|v| v.name.clone()))
                .collect()
        });
        yizhan_core::sort::sort(&mut names);
        names.dedup();
        names
    };
    // Marked on this screen: whether its redeem request has reached the union's intake
    // (only then does the screen say so).
    let marked_state = move || {
        marked.get().map(|id| {
            id.is_some_and(|id| {
                outbox.items.with(|items| {
                    items
                        .iter()
                        .any(|i| i.id == id && matches!(i.delivery, Delivery::Sent { .. }))
                })
            })
        })
    };
    let has_coupon_data = move || {
        feed.data
            .with(|d| d.manifest.as_ref().is_some_and(|m| m.coupons.is_some()))
    };
    let show = move |text: String| {
        marked.set(None);
        confirming.set(false);
        scanned.set(Some(text));
    };
    let stop_camera = move || {
        if let Some(v) = video.get_untracked() {
            camera::stop(&v);
        }
        scanning.set(false);
    };
    on_cleanup(stop_camera);
    let start_camera = move |_| {
        let Some(v) = video.get_untracked() else {
            return;
        };
        scan_problem.set(None);
        scanning.set(true);
        spawn_local(async move {
            let started = camera::start(&v, move |text| {
                scanning.set(false);
                show(text);
            })
            .await;
            if let Err(problem) = started {
                scanning.set(false);
                scan_problem.set(Some(problem));
            }
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = typed.get_untracked();
        if !text.trim().is_empty() {
            show(text);
        }
    };
    let set_venue = move |name: String| {
        let mut next = log.get_untracked();
        next.venue = (!name.is_empty()).then_some(name);
        if next.damaged {
            // Nothing is written over a damaged record before it is rebuilt.
            log.set(next);
            return;
        }
        save_problem.set(storage::save(VenueLog::STORAGE_KEY, &next).err());
        log.set(next);
    };
    let mark_used = move |_| {
        let Some(Verdict::CouponValid {
            code_ref, campaign, ..
        }) = verdict.get_untracked()
        else {
            return;
        };
        let now = clock::china_now();
        // Read the stored log again: another tab of this device may have used it.
        let mut next = load_log();
        if next.damaged || !next.record(&code_ref, now) {
            log.set(next);
            return;
        }
        if let Err(problem) = storage::save(VenueLog::STORAGE_KEY, &next) {
            // Not recorded here: say so, and send nothing (it is not used yet).
            save_problem.set(Some(problem));
            return;
        }
        let venue = next.venue.clone().unwrap_or_default();
        log.set(next);
        confirming.set(false);
        marked.set(Some(None));
        // The code as scanned or typed goes with it (sealed): the proof the venue saw
        // the coupon, which the public refs are not.
        let code = scanned.get_untracked().map(|c| c.trim().to_string());
        let redeem = Request::Redeem(Redemption {
            code,
            code_ref,
            campaign,
            venue,
            used_at: rfc3339_china(now),
        });
        spawn_local(async move {
            match outbox.enqueue(redeem).await {
                // Unless another code was checked meanwhile.
                Ok(item) => marked.update(|m| {
                    if let Some(id) = m.as_mut() {
                        *id = Some(item.id);
                    }
                }),
                Err(problem) => save_problem.set(Some(problem)),
            }
        });
    };

    // Rebuilding: a new, empty record (the venue chosen is kept), and the damaged one
    // moved out of the way. What this device marked used is then refused again only
    // once the feed lists it; what the desk already published stays refused.
    let rebuild = move |_| {
        let fresh = VenueLog {
            venue: log.with_untracked(|l| l.venue.clone()),
            ..VenueLog::default()
        };
        if let Err(problem) = storage::save(VenueLog::STORAGE_KEY, &fresh) {
            save_problem.set(Some(problem));
            return;
        }
        if !storage::move_aside(VenueLog::DAMAGED_KEY, VenueLog::REPLACED_KEY) {
            save_problem.set(Some(storage::StorageProblem::Unavailable));
        }
        rebuilding.set(false);
        marked.set(None);
        log.set(load_log());
    };

    crate::components::use_title(move || t().verify_title.to_string());
    view! {
        <section class="page verify-page" aria-labelledby="page-title">
            <h1 id="page-title">{worker_tr(|s| s.verify_title)}</h1>
            <p class="lead">{worker_tr(|s| s.verify_intro)}</p>
            {move || (!has_coupon_data()).then(|| view! {
                <p class="notice notice-info" role="status" data-testid="verify-no-data">{t().verify_data_none}</p>
            })}
            {move || log.with(|l| l.damaged).then(|| view! {
                <div class="notice notice-warn" role="alert" data-testid="venue-log-damaged">
                    <p>{t().verify_log_damaged}</p>
                    <Show when=move || rebuilding.get() fallback=move || view! {
                        <button type="button" data-action="rebuild-log" on:click=move |_| rebuilding.set(true)>{t().verify_log_rebuild}</button>
                    }>
                        <div class="card staff-confirm" role="alertdialog" aria-labelledby="rebuild-q">
                            <p id="rebuild-q">{t().verify_log_rebuild_confirm}</p>
                            <div class="choices">
                                <button type="button" class="primary" data-action="confirm-rebuild" on:click=rebuild>{t().verify_log_rebuild}</button>
                                <button type="button" on:click=move |_| rebuilding.set(false)>{t().staff_no}</button>
                            </div>
                        </div>
                    </Show>
                </div>
            })}
            <label class="field">
                <span>{worker_tr(|s| s.verify_venue)}</span>
                <select name="venue" data-testid="venue" on:change=move |ev| set_venue(event_target_value(&ev))>
                    <option value="" prop:selected=move || log.with(|l| l.venue.is_none())>{worker_tr(|s| s.verify_venue_none)}</option>
                    {move || venues().into_iter().map(|name| {
                        let (value, same) = (name.clone(), name.clone());
                        view! { <option value=value prop:selected=move || log.with(|l| l.venue.as_deref() == Some(&same))>{name}</option> }
                    }).collect_view()}
                </select>
            </label>
            <div class="scan">
                <video node_ref=video class="scan-video" playsinline=true muted=true
                    aria-hidden="true" class:scanning=move || scanning.get()></video>
                {move || if scanning.get() {
                    view! { <button type="button" class="big" data-action="scan-stop" on:click=move |_| stop_camera()>{t().verify_scan_stop}</button> }.into_any()
                } else {
                    view! { <button type="button" class="primary big" data-action="scan" on:click=start_camera>{t().verify_scan}</button> }.into_any()
                }}
                {move || scan_problem.get().map(|p| view! {
                    <p class="notice notice-warn" role="alert" data-testid="scan-problem">{match p {
                        camera::ScanProblem::Denied => t().verify_camera_denied,
                        camera::ScanProblem::NoCamera => t().verify_no_camera,
                    }}</p>
                })}
            </div>
            <form class="verify-form" on:submit=submit>
                <label class="field">
                    <span>{worker_tr(|s| s.coupon_code_label)}</span>
                    <input name="code" autocomplete="off" autocapitalize="characters" spellcheck="false"
                        prop:value=move || typed.get() on:input=move |ev| typed.set(event_target_value(&ev)) />
                </label>
                <button type="submit" class="big" data-action="check">{worker_tr(|s| s.verify_check)}</button>
            </form>
            <div aria-live="polite" class="verdict-box" node_ref=verdict_box>
                {move || verdict.get().map(|v| verdict_view(v, t(), marked_state()))}
            </div>
            {move || matches!(verdict.get(), Some(Verdict::CouponValid { .. })).then(|| view! {
                <Show when=move || confirming.get() fallback=move || view! {
                    <button type="button" class="primary big" data-action="mark-used" on:click=move |_| confirming.set(true)>{t().verify_mark_used}</button>
                }>
                    <div class="card staff-confirm" role="alertdialog" aria-labelledby="staff-q">
                        <p id="staff-q">{t().staff_confirm}</p>
                        <div class="choices">
                            <button type="button" class="primary" data-action="confirm-used" on:click=mark_used>{t().staff_yes}</button>
                            <button type="button" on:click=move |_| confirming.set(false)>{t().staff_no}</button>
                        </div>
                    </div>
                </Show>
            })}
            {move || save_problem.get().map(|p| view! {
                <p class="notice notice-warn" role="alert">{crate::components::storage_problem_text(t(), p)}</p>
            })}
        </section>
    }
}

/// This device's record, or a damaged one (no coupon valid) while a stored record that
/// did not read is set aside under [`VenueLog::DAMAGED_KEY`] (by `storage::load`)
/// and the staff have not rebuilt it: fail closed, never a silently empty record.
fn load_log() -> VenueLog {
    match storage::load::<VenueLog>(VenueLog::STORAGE_KEY) {
        Err(storage::StorageProblem::Corrupt) => VenueLog::damaged_log(),
        loaded => {
            let mut log = loaded.ok().flatten().unwrap_or_default();
            log.damaged = storage::holds(VenueLog::DAMAGED_KEY);
            log
        }
    }
}

/// The verdict, large: a word (valid / not valid) and the one reason or detail.
/// `marked` is `Some(sent)` when this screen has just marked the coupon used (then the
/// answer is the green "marked", and whether the union has been told), else `None`.
fn verdict_view(v: Verdict, t: &'static WorkerStrings, marked: Option<bool>) -> impl IntoView {
    let marked = marked.filter(|_| matches!(v, Verdict::UsedAlready(_)));
    let ok = v.is_valid() || marked.is_some();
    let (headline, detail) = match &v {
        Verdict::CouponValid {
            title,
            valid_from,
            valid_until,
            ..
        } => {
            let dates = match (valid_from, valid_until) {
                (Some(f), Some(u)) => fill(
                    t.verify_dates,
                    &[("from", &f.to_string()), ("until", &u.to_string())],
                ),
                _ => String::new(),
            };
            (
                t.verify_valid,
                [title.clone().unwrap_or_default(), dates]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(" · "),
            )
        }
        Verdict::CardValid(card) => (
            t.verify_card_valid,
            format!(
                "{} · {} · {}",
                card.name,
                crate::components::grouped(&card.member_no),
                fill(t.card_valid_until, &[("date", &card.valid_until)])
            ),
        ),
        Verdict::NotACode => (t.verify_invalid, t.verify_not_a_code.to_string()),
        Verdict::UnknownCode => (t.verify_invalid, t.verify_unknown.to_string()),
        Verdict::UsedAlready(_) if marked.is_some() => (
            t.verify_marked,
            if marked == Some(true) {
                t.verify_marked_sent
            } else {
                t.verify_marked_waiting
            }
            .to_string(),
        ),
        Verdict::UsedAlready(when) => (t.verify_invalid, fill(t.verify_used, &[("when", when)])),
        Verdict::NotYet(d) => (
            t.verify_invalid,
            fill(t.verify_not_yet, &[("date", &d.to_string())]),
        ),
        Verdict::Expired(d) => (
            t.verify_invalid,
            fill(t.verify_expired, &[("date", &d.to_string())]),
        ),
        Verdict::WrongVenue(names) => (
            t.verify_invalid,
            fill(t.verify_wrong_venue, &[("venues", &names.join("、"))]),
        ),
        Verdict::CardExpired(card) => (
            t.verify_invalid,
            fill(t.verify_card_expired, &[("date", &card.valid_until)]),
        ),
        Verdict::CardForged => (t.verify_invalid, t.verify_card_forged.to_string()),
        Verdict::CardUnverified => (t.verify_invalid, t.verify_card_unverified.to_string()),
        Verdict::LogDamaged => (t.verify_invalid, t.verify_log_damaged.to_string()),
    };
    let word = match &v {
        Verdict::CouponValid { .. } => "coupon-valid",
        Verdict::CardValid(_) => "card-valid",
        Verdict::NotACode => "not-a-code",
        Verdict::UnknownCode => "unknown",
        Verdict::UsedAlready(_) if marked.is_some() => "marked",
        Verdict::UsedAlready(_) => "used",
        Verdict::NotYet(_) => "not-yet",
        Verdict::Expired(_) => "expired",
        Verdict::WrongVenue(_) => "wrong-venue",
        Verdict::CardExpired(_) => "card-expired",
        Verdict::CardForged => "card-forged",
        Verdict::CardUnverified => "card-unverified",
        Verdict::LogDamaged => "log-damaged",
    };
    view! {
        <div class=if ok { "verdict verdict-ok" } else { "verdict verdict-bad" } data-testid="verdict" data-verdict=word>
            <p class="verdict-word">{if ok { "✓ " } else { "✗ " }}{headline}</p>
            <p class="verdict-detail">{detail}</p>
        </div>
    }
}
