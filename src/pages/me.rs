//! `/me`: the membership card, everything the device keeps about the user (export,
//! delete), language and about.

use crate::adapters::storage;
use crate::components::MemberCardView;
use crate::feed_sync::use_feed;
use crate::i18n::WorkerWords;
use crate::i18n::{fill, Lang};
use crate::outbox::use_outbox;
use crate::state::{use_app_state, use_lang, use_worker_strings, worker_tr};
use crate::wallet_store::use_wallet;
use leptos::prelude::*;
use leptos::task::spawn_local;
use yizhan_core::join::{check_id_number, FieldError};
use yizhan_core::outbox::OutboxItem;
use yizhan_core::request::{CardRequest, Request};
use yizhan_core::text::pretty_json;
use yizhan_core::wallet::{CardError, MemberCard, Wallet};

/// The `/me` tab.
#[component]
pub fn MePage() -> impl IntoView {
    let t = use_worker_strings();
    let kiosk = use_app_state().is_kiosk();
    crate::components::use_title(move || t().me_title.to_string());
    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{worker_tr(|s| s.me_title)}</h1>
            <p class="lead">{move || if kiosk { t().me_intro_kiosk } else { t().me_intro }}</p>
            <CardSection />
            <MyData />
            <LanguageSwitch />
            <LargeSwitch />
            <section class="card" aria-labelledby="about-heading">
                <h2 id="about-heading">{worker_tr(|s| s.about_heading)}</h2>
                <p>{worker_tr(|s| s.about_text)}</p>
                // The venue's check is its own app (verify.html): a page load, not a route.
                <p><a href="/verify" rel="external" class="tap-link" data-action="open-verify">{worker_tr(|s| s.verify_link)}</a></p>
                <p class="muted" data-testid="about-feed">{move || {
                    use_feed().data.with(|d| d.manifest.as_ref().and_then(|m| m.publisher.as_ref()).map(|p| crate::components::words(&fill(t().feed_publisher, &[("name", &p.name)]))))
                }}</p>
            </section>
        </section>
    }
}

/// The card when there is one (with edit and delete), the form otherwise.
#[component]
fn CardSection() -> impl IntoView {
    let t = use_worker_strings();
    let wallet = use_wallet();
    let editing = RwSignal::new(false);
    let confirm_delete = RwSignal::new(false);
    let card = move || wallet.wallet.with(|w| w.card.clone());
    view! {
        <section class="card-section" aria-labelledby="card-heading">
            <h2 id="card-heading">{worker_tr(|s| s.card_heading)}</h2>
            {move || match card() {
                Some(c) if !editing.get() => view! {
                    <MemberCardView card=c.clone() />
                    <div class="choices">
                        <button type="button" data-action="edit-card" on:click=move |_| editing.set(true)>{worker_tr(|s| s.card_edit)}</button>
                        <button type="button" data-action="delete-card" on:click=move |_| {
                            if confirm_delete.get_untracked() {
                                confirm_delete.set(false);
                                // A failed change is shown by the storage banner (`WalletStore::change`).
                                spawn_local(async move { let _ = wallet.delete_card().await; });
                            } else {
                                confirm_delete.set(true);
                            }
                        }>{worker_tr(|s| s.card_delete)}</button>
                    </div>
                    {move || confirm_delete.get().then(|| view! { <p class="notice notice-warn" role="alert">{t().card_delete_confirm}</p> })}
                    {c.verified(&crate::trust::publisher_keys()).is_none().then(move || view! { <CardRequestForm card=c /> })}
                }.into_any(),
                existing => view! { <CardForm existing=existing editing=editing /> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn CardForm(existing: Option<MemberCard>, editing: RwSignal<bool>) -> impl IntoView {
    let t = use_worker_strings();
    let wallet = use_wallet();
    let feed = use_feed();
    let errors = RwSignal::new(Vec::<CardError>::new());
    let name = NodeRef::<leptos::html::Input>::new();
    let member_no = NodeRef::<leptos::html::Input>::new();
    let union = NodeRef::<leptos::html::Select>::new();
    let unions = move || feed.data.with(|d| d.unions.unions.clone());
    let (name0, no0, union0) = existing
        .map(|c| (c.name, c.member_no, c.union_id.unwrap_or_default()))
        .unwrap_or_default();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let value =
            |n: NodeRef<leptos::html::Input>| n.get().map(|i| i.value()).unwrap_or_default();
        let union_id = union.get().map(|s| s.value()).filter(|v| !v.is_empty());
        let union_name = union_id
            .as_ref()
            .and_then(|id| unions().into_iter().find(|u| &u.id == id).map(|u| u.name));
        match MemberCard::from_form(&value(name), &value(member_no), union_id, union_name) {
            Ok(card) => {
                errors.set(Vec::new());
                spawn_local(async move {
                    if wallet.save_card(card).await.is_ok() {
                        editing.set(false);
                    }
                });
            }
            Err(e) => errors.set(e),
        }
    };
    let has = move |e: CardError| errors.with(|es| es.contains(&e));
    view! {
        <form class="card" id="card-form" on:submit=submit novalidate>
            <p class="muted">{worker_tr(|s| s.card_add_intro)}</p>
            <label class="field">
                <span>{worker_tr(|s| s.card_name)}</span>
                <input name="name" autocomplete=crate::state::personal_autocomplete("name") node_ref=name value=name0
                    aria-invalid=move || (has(CardError::NameMissing) || has(CardError::NameControl)).to_string() aria-describedby="card-name-error" />
                <span id="card-name-error" class="field-error">{move || {
                    if has(CardError::NameMissing) {
                        Some(t().card_error_name)
                    } else {
                        has(CardError::NameControl).then(|| t().card_error_name_control)
                    }
                }}</span>
            </label>
            <label class="field">
                <span>{worker_tr(|s| s.card_member_no)}</span>
                <input name="member_no" inputmode="numeric" autocomplete="off" node_ref=member_no value=no0
                    aria-invalid=move || has(CardError::MemberNoInvalid).to_string() aria-describedby="card-no-error" />
                <span id="card-no-error" class="field-error">{move || has(CardError::MemberNoInvalid).then(|| t().card_error_member_no)}</span>
            </label>
            <label class="field">
                <span>{worker_tr(|s| s.card_union)}</span>
                <select name="union" node_ref=union>
                    <option value="">{worker_tr(|s| s.card_union_none)}</option>
                    {move || unions().into_iter().map(|u| {
                        let selected = u.id == union0;
                        view! { <option value=u.id.clone() selected=selected>{u.name.clone()}</option> }
                    }).collect_view()}
                </select>
            </label>
            <button type="submit" class="primary big">{worker_tr(|s| s.card_save)}</button>
        </form>
    }
}

/// A member whose card is only typed in asks the union for a signed one: the card's
/// name and number, the union, and the ID number the union checks them against.
#[component]
fn CardRequestForm(card: MemberCard) -> impl IntoView {
    let t = use_worker_strings();
    let feed = use_feed();
    let outbox = use_outbox();
    let unions = move || feed.data.with(|d| d.unions.unions.clone());
    let union = RwSignal::new(card.union_id.clone().unwrap_or_default());
    let id_number = RwSignal::new(String::new());
    let id_error = RwSignal::new(None::<FieldError>);
    let union_error = RwSignal::new(false);
    let failed = RwSignal::new(None::<storage::StorageProblem>);
    let member_no = card.member_no.clone();
    let sent = move || {
        outbox.items.with(|items| {
            items
                .iter()
                .any(|i| matches!(&i.request, Request::Card(c) if c.member_no == member_no))
        })
    };
    let card = StoredValue::new(card);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let today = crate::adapters::clock::china_now().date();
        let checked = check_id_number(&id_number.get_untracked(), today);
        id_error.set(checked.as_ref().err().copied());
        union_error.set(union.with_untracked(String::is_empty));
        let (Ok(id), false) = (checked, union_error.get_untracked()) else {
            return;
        };
        let request = card.with_value(|c| {
            Request::Card(CardRequest {
                name: c.name.clone(),
                member_no: c.member_no.clone(),
                union: union.get_untracked(),
                id_number: id,
            })
        });
        spawn_local(async move {
            match outbox.enqueue(request).await {
                Ok(_) => id_number.set(String::new()),
                Err(problem) => failed.set(Some(problem)),
            }
        });
    };
    view! {
        <Show when=move || !sent() fallback=move || view! {
            <p class="notice notice-info" role="status" data-testid="card-request-sent">{t().card_request_sent}</p>
        }>
            <form class="card" id="card-request" on:submit=submit novalidate>
                <h3>{worker_tr(|s| s.card_request_heading)}</h3>
                <p class="muted">{worker_tr(|s| s.card_request_intro)}</p>
                <label class="field">
                    <span>{worker_tr(|s| s.card_union)}</span>
                    <select name="union" on:change=move |ev| { union.set(event_target_value(&ev)); union_error.set(false); }
                        aria-invalid=move || union_error.get().to_string() aria-describedby="card-request-union-error">
                        <option value="" prop:selected=move || union.with(String::is_empty)>{worker_tr(|s| s.card_union_none)}</option>
                        {move || unions().into_iter().map(|u| {
                            let id = u.id.clone();
                            view! { <option value=u.id.clone() prop:selected=move || union.with(|v| *v == id)>{u.name.clone()}</option> }
                        }).collect_view()}
                    </select>
                    <span id="card-request-union-error" class="field-error">{move || union_error.get().then(|| t().card_request_need_union)}</span>
                </label>
                <label class="field">
                    <span>{worker_tr(|s| s.join_id_number)}</span>
                    <input name="id_number" autocomplete="off" prop:value=move || id_number.get()
                        on:input=move |ev| id_number.set(event_target_value(&ev))
                        aria-invalid=move || id_error.get().is_some().to_string() aria-describedby="card-request-id-error" />
                    <span id="card-request-id-error" class="field-error">{move || id_error.get().map(|e| e.words(t()))}</span>
                </label>
                <button type="submit" class="primary big" data-action="request-card">{worker_tr(|s| s.card_request_send)}</button>
                {move || failed.get().map(|p| view! { <p class="notice notice-warn" role="alert">{crate::components::storage_problem_text(t(), p)}</p> })}
            </form>
        </Show>
    }
}

/// What the device keeps about the user, with export and delete-all.
/// The file "download my data" writes: everything the device holds about the person.
#[derive(serde::Serialize)]
struct DataExport<'a> {
    exported_by: &'static str,
    wallet: &'a Wallet,
    requests: &'a [OutboxItem],
}

#[component]
fn MyData() -> impl IntoView {
    let t = use_worker_strings();
    let wallet = use_wallet();
    let state = use_app_state();
    let confirm = RwSignal::new(false);
    let done = RwSignal::new(false);
    let failed = RwSignal::new(false);
    let outbox = use_outbox();
    let summary = move || {
        let (card, coupons) = wallet
            .wallet
            .with(|w| (w.card.is_some() as usize, w.coupons.len()));
        fill(
            if state.is_kiosk() {
                t().data_summary_kiosk
            } else {
                t().data_summary
            },
            &[
                ("card", &card.to_string()),
                ("coupons", &coupons.to_string()),
                ("requests", &outbox.items.with(Vec::len).to_string()),
            ],
        )
    };
    let export = move |_| {
        let wallet = wallet.wallet.get_untracked();
        let requests = outbox.items.get_untracked();
        let data = DataExport {
            exported_by: "yizhan",
            wallet: &wallet,
            requests: &requests,
        };
        // Compact, then laid out by hand: no second, pretty copy of every serializer.
        let json = serde_json::to_string(&data).unwrap_or_default();
        crate::adapters::download::offer("yizhan-my-data.json", &pretty_json(&json));
    };
    let delete_all = move |_| {
        if !confirm.get_untracked() {
            confirm.set(true);
            return;
        }
        // Every key the app wrote (set-aside copies and other tabs' drafts included),
        // except the public feed's bookkeeping.
        let removed = storage::remove_all_except(&crate::state::PUBLIC_KEYS);
        // The cross-tab copy of the wallet and requests goes too, or it would bring
        // them back on the next change.
        spawn_local(async move {
            if !crate::adapters::ledger::clear().await {
                failed.set(true);
            }
            storage::announce_deleted();
        });
        wallet.wallet.set(Wallet::default());
        state.prefs.set(Default::default());
        outbox.reload();
        confirm.set(false);
        done.set(true);
        failed.set(removed.is_err());
    };
    view! {
        <section class="card" aria-labelledby="data-heading">
            <h2 id="data-heading">{worker_tr(|s| s.data_heading)}</h2>
            <p data-testid="data-summary">{summary}</p>
            <div class="choices">
                // No file is ever written on a shared kiosk.
                {(!state.is_kiosk()).then(|| view! {
                    <button type="button" data-action="export" on:click=export>{worker_tr(|s| s.data_export)}</button>
                })}
                <button type="button" data-action="delete-all" on:click=delete_all>{worker_tr(|s| s.data_delete_all)}</button>
            </div>
            {move || confirm.get().then(|| view! { <p class="notice notice-warn" role="alert">{t().data_delete_confirm}</p> })}
            {move || (done.get() && !failed.get()).then(|| view! { <p class="notice notice-ok" role="status">{t().data_deleted}</p> })}
            {move || failed.get().then(|| view! { <p class="notice notice-warn" role="alert">{t().data_delete_failed}</p> })}
        </section>
    }
}

/// Two big buttons, one per language; the pressed one is the current language.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let lang = use_lang();
    let state = use_app_state();
    let button = move |choice: Lang, label: &'static str| {
        view! {
            <button type="button" class="choice" lang=choice.tag()
                aria-pressed=move || (lang.get() == choice).to_string()
                on:click=move |_| state.set_lang(choice)>
                {label}
            </button>
        }
    };
    view! {
        <section class="card" aria-labelledby="lang-heading">
            <h2 id="lang-heading">{worker_tr(|s| s.language_heading)}</h2>
            <div class="choices" role="group" aria-labelledby="lang-heading" data-testid="language-switch">
                {button(Lang::Zh, crate::i18n::worker_strings(Lang::Zh).language_zh)}
                {button(Lang::En, crate::i18n::worker_strings(Lang::En).language_en)}
            </div>
        </section>
    }
}

/// Large text and high contrast (适老化), remembered on the device.
#[component]
fn LargeSwitch() -> impl IntoView {
    let state = use_app_state();
    let large = move || state.prefs.with(|p| p.large);
    let set = move |on: bool| state.update_prefs(|p| std::mem::replace(&mut p.large, on) != on);
    view! {
        <section class="card" aria-labelledby="large-heading">
            <h2 id="large-heading">{worker_tr(|s| s.large_heading)}</h2>
            <div class="choices" role="group" aria-labelledby="large-heading">
                <button type="button" class="choice" data-action="large-off" aria-pressed=move || (!large()).to_string() on:click=move |_| set(false)>{worker_tr(|s| s.large_off)}</button>
                <button type="button" class="choice" data-action="large-on" aria-pressed=move || large().to_string() on:click=move |_| set(true)>{worker_tr(|s| s.large_on)}</button>
            </div>
        </section>
    }
}
