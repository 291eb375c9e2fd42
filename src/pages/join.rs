//! `/join`: apply to join a union or transfer membership, and follow the outcome.

use crate::adapters::{clock, storage};
use crate::feed_sync::use_feed;
use crate::i18n::{Occupation, WorkerStrings, WorkerWords};
use crate::outbox::use_outbox;
use crate::state::{stored_signal, use_worker_strings, worker_tr};
use leptos::prelude::*;
use std::collections::HashSet;
use yizhan_core::join::{Field, FieldError, JoinForm, RequestKind, OCCUPATIONS};
use yizhan_core::unions::order_unions;

#[component]
pub fn JoinPage() -> impl IntoView {
    let t = use_worker_strings();
    let feed = use_feed();
    // The draft is kept as the user types (the rules are checked only on leaving a field).
    let form = stored_signal::<JoinForm>(JoinForm::DRAFT_KEY);
    let shown_errors = RwSignal::new(Vec::<(Field, FieldError)>::new());
    let touched = RwSignal::new(HashSet::<Field>::new());
    let consent = RwSignal::new(false);
    let consent_error = RwSignal::new(false);
    let saved = RwSignal::new(false);
    let submit_failed = RwSignal::new(None::<crate::adapters::storage::StorageProblem>);
    let outbox = use_outbox();
    let kiosk = crate::state::use_app_state().is_kiosk();

    let today = move || clock::china_now().date();
    let check = move |field: Field| {
        touched.update(|t| {
            t.insert(field);
        });
        let f = form.get_untracked();
        shown_errors.update(|errs| {
            errs.retain(|(x, _)| *x != field);
            if let Some(e) = f.error(field, today()) {
                errs.push((field, e));
            }
        });
    };
    let error_of = move |field: Field| {
        shown_errors.with(|e| e.iter().find(|(f, _)| *f == field).map(|(_, e)| *e))
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        submit_failed.set(None);
        let f = form.get_untracked();
        let errors = f.errors(today());
        shown_errors.set(errors.clone());
        consent_error.set(!consent.get_untracked());
        if !errors.is_empty() || !consent.get_untracked() {
            // Focus the first field in error, so a screen reader says what to fix.
            if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
                if let Ok(Some(el)) = doc.query_selector("[aria-invalid=true]") {
                    if let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el) {
                        let _ = el.focus();
                    }
                }
            }
            return;
        }
        let Some(request) = f.request(today(), kiosk) else {
            return;
        };
        leptos::task::spawn_local(async move {
            match outbox.enqueue(request).await {
                Ok(_) => {
                    storage::remove(JoinForm::DRAFT_KEY);
                    form.set(JoinForm::default());
                    consent.set(false);
                    touched.set(HashSet::new());
                    saved.set(true);
                }
                // Not saved: say so where the worker is looking; the form stays as typed.
                Err(problem) => submit_failed.set(Some(problem)),
            }
        });
    };

    // Where the worker is known to work: the city they chose, else the regions near
    // their position (GPS, a kiosk's place, a station link, a city or address picked
    // on the stations page). Empty on a direct visit or a reload: then no union is
    // suggested until a city is chosen.
    let place = move || {
        let city = form.with(|f| f.city.clone());
        if !city.is_empty() {
            return vec![city];
        }
        let user = feed.user.get();
        feed.data.with(|d| {
            d.regions
                .iter()
                .filter(|r| {
                    user.as_ref()
                        .is_some_and(|u| r.is_near(u.at, yizhan_core::stations::SEARCH_RADIUS_M))
                })
                .map(|r| r.code.clone())
                .collect::<Vec<_>>()
        })
    };
    let unions = move || {
        let near = place();
        let occupation = form.with(|f| f.occupation.clone());
        feed.data
            .with(|d| order_unions(&d.unions.unions, &occupation, &near))
    };
    // The cities of the feed, by name, to choose from.
    let cities = move || {
        let mut list: Vec<(String, String)> = feed.data.with(|d| {
            d.manifest
                .iter()
                .flat_map(|m| &m.regions)
                .map(|r| {
                    (
                        r.code.clone(),
                        r.name.clone().unwrap_or_else(|| r.code.clone()),
                    )
                })
                .collect()
        });
        yizhan_core::sort::sort_by(&mut list, |a, b| a.1.cmp(&b.1));
        list
    };

    // A text input bound to one field of the form.
    let input = move |field: Field,
                      name: &'static str,
                      label: fn(&WorkerStrings) -> &'static str,
                      attrs: (&'static str, &'static str, &'static str)| {
        let (kind, autocomplete, inputmode) = attrs;
        // On a shared kiosk the browser must not remember (and offer the next person)
        // this person's name, phone or employer.
        let autocomplete = crate::state::personal_autocomplete(autocomplete);
        let get = move |f: &JoinForm| match field {
            Field::Name => f.name.clone(),
            Field::Phone => f.phone.clone(),
            Field::IdNumber => f.id_number.clone(),
            Field::FromUnion => f.from_union.clone(),
            _ => f.employer.clone(),
        };
        let error_id = format!("{name}-error");
        view! {
            <label class="field">
                <span>{move || label(t())}</span>
                <input type=kind name=name autocomplete=autocomplete inputmode=inputmode
                    prop:value=move || form.with(get)
                    aria-invalid=move || error_of(field).is_some().to_string()
                    aria-describedby=error_id.clone()
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        form.update(|f| match field {
                            Field::Name => f.name = v,
                            Field::Phone => f.phone = v,
                            Field::IdNumber => f.id_number = v,
                            Field::FromUnion => f.from_union = v,
                            _ => f.employer = v,
                        });
                    }
                    on:blur=move |_| check(field) />
                <span id=error_id class="field-error" data-error-for=name>{move || error_of(field).map(|e| e.words(t()))}</span>
            </label>
        }
    };

    crate::components::use_title(move || t().join_title.to_string());
    crate::news::use_news().follow_tab(yizhan_core::outcome::Tab::Join);
    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{worker_tr(|s| s.join_title)}</h1>
            <p class="lead">{worker_tr(|s| s.join_intro)}</p>
            <form class="card join-form" novalidate on:submit=submit>
                <fieldset class="kind">
                    <legend>{worker_tr(|s| s.join_kind_label)}</legend>
                    <div class="choices">
                        {[(RequestKind::Join, "join"), (RequestKind::Transfer, "transfer")].into_iter().map(|(k, v)| view! {
                            <label class="radio choice-radio">
                                <input type="radio" name="kind" value=v autocomplete="off" prop:checked=move || form.with(|f| f.kind == k)
                                    on:change=move |_| form.update(|f| f.kind = k) />
                                <span>{move || if k == RequestKind::Join { t().join_kind_join } else { t().join_kind_transfer }}</span>
                            </label>
                        }).collect_view()}
                    </div>
                </fieldset>
                {input(Field::Name, "name", |t| t.join_name, ("text", "name", "text"))}
                {input(Field::Phone, "phone", |t| t.join_phone, ("tel", "tel", "numeric"))}
                {input(Field::IdNumber, "id_number", |t| t.join_id_number, ("text", "off", "text"))}
                <label class="field">
                    <span>{worker_tr(|s| s.join_occupation)}</span>
                    <select name="occupation" aria-invalid=move || error_of(Field::Occupation).is_some().to_string()
                        aria-describedby="occupation-error"
                        on:change=move |ev| { let v = event_target_value(&ev); form.update(|f| f.occupation = v); check(Field::Occupation); }>
                        // Selection as a property on every option, the empty one included:
                        // a `selected` attribute does not move a choice the user made, so
                        // the screen kept the last request's choice after a reset.
                        <option value="" prop:selected=move || form.with(|f| f.occupation.is_empty())>{worker_tr(|s| s.join_occupation_pick)}</option>
                        {OCCUPATIONS.into_iter().map(|o| view! {
                            <option value=o prop:selected=move || form.with(|f| f.occupation == o)>{move || Occupation(o).words(t())}</option>
                        }).collect_view()}
                    </select>
                    <span id="occupation-error" class="field-error">{move || error_of(Field::Occupation).map(|e| e.words(t()))}</span>
                </label>
                {input(Field::Employer, "employer", |t| t.join_employer, ("text", "organization", "text"))}
                <label class="field">
                    <span>{worker_tr(|s| s.join_city)}</span>
                    <select name="city" autocomplete="off" on:change=move |ev| { let v = event_target_value(&ev); form.update(|f| f.city = v); }>
                        <option value="" prop:selected=move || form.with(|f| f.city.is_empty())>{worker_tr(|s| s.join_city_pick)}</option>
                        {move || cities().into_iter().map(|(code, name)| {
                            let selected = code.clone();
                            view! { <option value=code prop:selected=move || form.with(|f| f.city == selected)>{name}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span>{worker_tr(|s| s.join_union)}</span>
                    <select name="union" aria-invalid=move || error_of(Field::Union).is_some().to_string()
                        aria-describedby="union-error"
                        on:change=move |ev| { let v = event_target_value(&ev); form.update(|f| f.union_id = v); check(Field::Union); }>
                        <option value="" prop:selected=move || form.with(|f| f.union_id.is_empty())>{worker_tr(|s| s.join_union_pick)}</option>
                        {move || unions().into_iter().map(|(u, suggested)| {
                            let id = u.id.clone();
                            let label = if suggested { format!("{} · {}", u.name, t().join_union_suggested) } else { u.name.clone() };
                            view! { <option value=u.id.clone() prop:selected=move || form.with(|f| f.union_id == id)>{label}</option> }
                        }).collect_view()}
                    </select>
                    <span id="union-error" class="field-error">{move || error_of(Field::Union).map(|e| e.words(t()))}</span>
                    {move || feed.data.with(|d| d.unions.unions.is_empty()).then(|| view! { <span class="muted">{t().join_no_unions}</span> })}
                    {move || (place().is_empty() && feed.data.with(|d| !d.unions.unions.is_empty())).then(|| view! { <span class="muted" data-testid="city-hint">{t().join_city_hint}</span> })}
                </label>
                <Show when=move || form.with(|f| f.kind == RequestKind::Transfer)>
                    {input(Field::FromUnion, "from_union", |t| t.join_from_union, ("text", "off", "text"))}
                </Show>
                <section class="consent" aria-labelledby="consent-heading">
                    <h2 id="consent-heading">{worker_tr(|s| s.consent_heading)}</h2>
                    <p>{worker_tr(|s| s.consent_text)}</p>
                    <label class="radio">
                        <input type="checkbox" name="consent" autocomplete="off" prop:checked=move || consent.get()
                            aria-invalid=move || consent_error.get().to_string() aria-describedby="consent-error"
                            on:change=move |ev| { consent.set(event_target_checked(&ev)); consent_error.set(false); } />
                        <span>{worker_tr(|s| s.consent_check)}</span>
                    </label>
                    <span id="consent-error" class="field-error">{move || consent_error.get().then(|| t().err_consent)}</span>
                </section>
                <button type="submit" class="primary big">{worker_tr(|s| s.join_submit)}</button>
                {move || saved.get().then(|| view! { <p class="notice notice-ok" role="status" data-testid="join-saved">{if kiosk { t().join_saved_kiosk } else { t().join_saved }}</p> })}
                {move || submit_failed.get().map(|p| view! {
                    <p class="notice notice-warn" role="alert" data-testid="submit-failed">{crate::components::storage_problem_text(t(), p)}</p>
                })}
            </form>
            <super::my_requests::MyRequests />
        </section>
    }
}
