//! "我的申请" on `/join`: everything the worker sent that the union answers (join,
//! transfer and card requests, station reports), how its delivery stands, how long it
//! has waited, the union's answer, and the answer to the union's question when it
//! asked for more (`needs_info`).

use crate::adapters::clock;
use crate::components::{kind_words, outcome_words, QrCodeView};
use crate::feed_sync::use_feed;
use crate::i18n::fill;
use crate::outbox::use_outbox;
use crate::state::{use_worker_strings, worker_tr};
use leptos::prelude::*;
use leptos::task::spawn_local;
use yizhan_core::follow::{days_waiting, is_final, supplement_for};
use yizhan_core::outbox::{Delivery, OutboxItem};
use yizhan_core::request::{Request, Supplement};
use yizhan_core::text::has_control_beyond_lines;
use yizhan_core::vocab::RequestState;

/// The list, newest first. Follows the outbox: a request sent in the background
/// changes here. Supplements are shown under the request they answer.
#[component]
pub fn MyRequests() -> impl IntoView {
    let t = use_worker_strings();
    let outbox = use_outbox();
    let list = move || {
        outbox.items.with(|items| {
            items
                .iter()
                .rev()
                .filter(|i| i.request.union().is_some() || matches!(i.request, Request::Report(_)))
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section aria-labelledby="my-requests">
            <h2 id="my-requests">{worker_tr(|s| s.my_requests)}</h2>
            {move || list().is_empty().then(|| view! { <p class="empty">{t().my_requests_empty}</p> })}
            <ul class="requests">
                {move || list().into_iter().map(|item| view! { <RequestRow item=item /> }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn RequestRow(item: OutboxItem) -> impl IntoView {
    let t = use_worker_strings();
    let feed = use_feed();
    let outbox = use_outbox();
    let show_qr = RwSignal::new(false);
    let confirm = RwSignal::new(false);
    // No file is ever written on a shared kiosk: no wipe reaches its downloads folder.
    // The QR hand-over stays, and goes with the rest of the page.
    let can_save_file = !crate::state::use_app_state().is_kiosk();
    let has_intake = move || {
        feed.data
            .with(|d| d.manifest.as_ref().is_some_and(|m| m.intake.is_some()))
    };
    let id = item.id.clone();
    let status = {
        let id = id.clone();
        move || {
            outbox
                .statuses
                .with(|statuses| statuses.for_request(&id).cloned())
        }
    };
    // The delivery as the outbox has it now (the row itself is not redrawn).
    let delivery = {
        let id = id.clone();
        move || {
            outbox.items.with(|items| {
                items
                    .iter()
                    .find(|i| i.id == id)
                    .map(|i| i.delivery.clone())
            })
        }
    };
    // What the row is about: the union it went to, or the station reported (its
    // shard loaded from the device, or by its id, when no position brought it).
    if let Request::Report(r) = &item.request {
        let station_id = r.station_id.clone();
        // Once per publication: a new one shows only the shards near the position.
        let asked = StoredValue::new(None::<u64>);
        Effect::new(move |_| {
            let missing = feed.data.with(|d| {
                let shown = d
                    .regions
                    .iter()
                    .any(|region| region.stations.iter().any(|s| s.id == station_id));
                d.manifest.as_ref().map(|m| m.sequence).filter(|_| !shown)
            });
            if missing.is_some() && asked.get_value() != missing {
                asked.set_value(missing);
                feed.find_station(station_id.clone());
            }
        });
    }
    let about = {
        let request = item.request.clone();
        move || {
            feed.data.with(|d| match &request {
                Request::Report(r) => d
                    .regions
                    .iter()
                    .flat_map(|region| &region.stations)
                    .find(|s| s.id == r.station_id)
                    .map_or_else(|| r.station_id.clone(), |s| s.name.clone()),
                other => {
                    let union = other.union().unwrap_or_default();
                    d.unions
                        .unions
                        .iter()
                        .find(|u| u.id == union)
                        .map(|u| u.name.clone())
                        .unwrap_or_default()
                }
            })
        }
    };
    // The union's usual answer time and phone, when the unions file gives them.
    let union_id = item.request.union().unwrap_or_default().to_string();
    let union_answer = move || {
        feed.data.with(|d| {
            d.unions
                .unions
                .iter()
                .find(|u| u.id == union_id)
                .map(|u| (u.answer_days, u.phone.clone()))
        })
    };
    let created_at = item.created_at.clone();
    let waiting_status = status.clone();
    let waiting = move || {
        let state = waiting_status().map(|s| s.state);
        if state.as_ref().is_some_and(is_final) {
            return None;
        }
        let days = days_waiting(&created_at, clock::china_now().date())?;
        let t = t();
        let mut line = fill(t.req_waiting, &[("days", &days.to_string())]);
        let (answer_days, phone) = union_answer().unwrap_or_default();
        if let Some(usual) = answer_days {
            line = format!(
                "{line} · {}",
                fill(t.req_answer_days, &[("days", &usual.to_string())])
            );
            if let Some(phone) = phone.filter(|_| days > i64::from(usual)) {
                line = format!("{line} · {}", fill(t.req_overdue, &[("phone", &phone)]));
            }
        }
        Some(line)
    };
    let personal = item.request.union().is_some();
    let body = item.body();
    let file_body = body.clone();
    let kind = item.request.kind();
    let delete_id = id.clone();
    let supplement_id = id.clone();
    view! {
        <li class="card request" data-request-id=id.clone() data-kind=kind>
            <p class="request-head">
                <strong>{move || kind_words(kind, t())}</strong>
                " · " {about}
            </p>
            <p class="muted">{fill(t().req_created, &[("time", &item.created_at.replace('T', " ").chars().take(16).collect::<String>())])}</p>
            <p class="delivery" data-testid="delivery">{move || match (delivery(), has_intake()) {
                (Some(Delivery::Sent { .. }), _) => t().req_sent,
                (_, true) => t().req_pending,
                (_, false) => t().req_local,
            }}</p>
            {move || waiting().map(|line| view! { <p class="muted" data-testid="waiting">{line}</p> })}
            {move || status().map(|s| {
                let t = t();
                view! {
                    <p class=format!("outcome outcome-{}", s.state) data-testid="outcome" data-state=s.state.word().to_string()>
                        <strong>{outcome_words(kind, &s.state, t)}</strong>
                        {s.note.clone().map(|n| format!(" · {n}"))}
                    </p>
                    {s.member_no.clone().filter(|_| s.state == RequestState::Approved).map(|no| view! {
                        <p class="muted">{fill(t.req_member_no, &[("no", &no)])}</p>
                    })}
                    {(s.state == RequestState::NeedsInfo).then(|| view! {
                        <SupplementForm of=supplement_id.clone() answered=s.updated.clone() />
                    })}
                }
            })}
            <div class="choices">
                {personal.then(|| view! {
                    <button type="button" data-action="show-qr" on:click=move |_| show_qr.update(|s| *s = !*s)>
                        {move || if show_qr.get() { t().req_hide_qr } else { t().req_show_qr }}
                    </button>
                })}
                {(personal && can_save_file).then(|| view! {
                    <button type="button" data-action="save-file" on:click=move |_| crate::adapters::download::offer("yizhan-request.json", &file_body)>
                        {worker_tr(|s| s.req_save_file)}
                    </button>
                })}
                <button type="button" data-action="delete-request" on:click=move |_| {
                    if confirm.get_untracked() {
                        outbox.remove(delete_id.clone());
                    } else {
                        confirm.set(true);
                    }
                }>{move || if confirm.get() { t().req_delete_confirm } else { t().req_delete }}</button>
            </div>
            <Show when=move || show_qr.get()>
                <QrCodeView text=body.clone() label=t().req_show_qr />
            </Show>
        </li>
    }
}

/// The answer to the union's `needs_info`, tied to request `of` and sent sealed like
/// the request itself; once sent (after the answer `answered` that asked), what was
/// sent is shown instead of the form.
#[component]
fn SupplementForm(of: String, answered: Option<String>) -> impl IntoView {
    let t = use_worker_strings();
    let outbox = use_outbox();
    let note = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<&'static str>);
    let sent = {
        let of = of.clone();
        move || {
            outbox.items.with(|items| {
                supplement_for(items, &of, answered.as_deref()).map(|s| s.note.clone())
            })
        }
    };
    let send = StoredValue::new(move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = note.get_untracked().trim().to_string();
        let t = t();
        if text.is_empty() {
            problem.set(Some(t.supplement_empty));
            return;
        }
        if has_control_beyond_lines(&text) {
            problem.set(Some(t.supplement_bad_text));
            return;
        }
        problem.set(None);
        let request = Request::Supplement(Supplement {
            of: of.clone(),
            note: text,
        });
        spawn_local(async move {
            // A storage problem is shown in the storage banner; what was typed stays.
            if outbox.enqueue(request).await.is_ok() {
                note.set(String::new());
            }
        });
    });
    view! {
        {move || match sent() {
            Some(text) => view! {
                <p class="notice notice-ok" role="status" data-testid="supplement-sent">{fill(t().supplement_sent, &[("note", &text)])}</p>
            }.into_any(),
            None => view! {
                <form class="supplement" on:submit=move |ev| send.with_value(|send| send(ev)) novalidate>
                    <label>
                        <span>{worker_tr(|s| s.supplement_label)}</span>
                        <textarea name="supplement-note" rows="3" maxlength="500" autocomplete="off"
                            aria-invalid=move || problem.get().is_some().to_string()
                            prop:value=move || note.get()
                            on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                    </label>
                    {move || problem.get().map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
                    <button type="submit" class="primary" data-action="send-supplement">{worker_tr(|s| s.supplement_send)}</button>
                </form>
            }.into_any(),
        }}
    }
}
