//! "This station is wrong": a problem report, kept on the device and queued for the
//! feed's intake.

use crate::feed_sync::use_feed;
use crate::i18n::Words;
use crate::state::{tr, use_app_state, use_strings};
use leptos::prelude::*;
use yizhan_core::request::Report;
use yizhan_core::vocab::ReportProblem;

/// "This station is wrong": kept on the device, queued for the feed's intake.
#[component]
pub(super) fn ReportForm(station_id: String) -> impl IntoView {
    let t = use_strings();
    let feed = use_feed();
    let app = use_app_state();
    let choice = RwSignal::new(None::<&'static ReportProblem>);
    let note = NodeRef::<leptos::html::Textarea>::new();
    let result = RwSignal::new(None::<(&'static str, &'static str)>);
    // The answer to a tap on "提交" is drawn below the button, which on a phone sits
    // just above the bottom bar: bring it on screen (its scroll margin clears the bar).
    let status = NodeRef::<leptos::html::P>::new();
    Effect::new(move |_| {
        if result.with(Option::is_some) {
            request_animation_frame(move || {
                if let Some(el) = status.get_untracked() {
                    el.scroll_into_view_with_bool(false);
                }
            });
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let t = t();
        let Some(problem) = choice.get_untracked() else {
            result.set(Some(("notice notice-warn", t.report_pick)));
            return;
        };
        let text = note.get().map(|n| n.value()).unwrap_or_default();
        let report = Report {
            station_id: station_id.clone(),
            problem: problem.clone(),
            note: text,
        };
        leptos::task::spawn_local(async move {
            // Not the outbox store: the stations app, whose wasm goes without it
            // (see `outbox::append`), has this form too.
            match crate::outbox::append(app, feed, report).await {
                Ok(_) => {
                    let has_intake = feed.data.with_untracked(|d| {
                        d.manifest.as_ref().is_some_and(|m| m.intake.is_some())
                    });
                    result.set(Some((
                        "notice notice-ok",
                        if has_intake {
                            t.report_saved_intake
                        } else {
                            t.report_saved_local
                        },
                    )));
                    choice.set(None);
                    if let Some(n) = note.get_untracked() {
                        n.set_value("");
                    }
                }
                Err(problem) => result.set(Some((
                    "notice notice-warn",
                    crate::components::storage_problem_text(t, problem),
                ))),
            }
        });
    };
    let option = move |problem: &'static ReportProblem| {
        view! {
            <label class="radio">
                <input type="radio" name="problem" value=problem.word() autocomplete="off"
                    prop:checked=move || choice.get() == Some(problem)
                    on:change=move |_| choice.set(Some(problem)) />
                <span>{move || problem.words(t())}</span>
            </label>
        }
    };
    view! {
        <form class="card report" on:submit=submit aria-labelledby="report-heading">
            <h2 id="report-heading">{tr(|s| s.report_heading)}</h2>
            <p class="muted">{tr(|s| s.report_intro)}</p>
            <fieldset>
                <legend class="visually-hidden">{tr(|s| s.report_heading)}</legend>
                {ReportProblem::KNOWN.iter().map(option).collect_view()}
            </fieldset>
            <label class="field">
                <span>{tr(|s| s.report_note)}</span>
                <textarea name="note" rows="3" maxlength="500" autocomplete=crate::state::personal_autocomplete("on") node_ref=note></textarea>
            </label>
            <button type="submit" class="primary">{tr(|s| s.report_submit)}</button>
            {move || result.get().map(|(class, m)| view! { <p class=class role="status" node_ref=status>{m}</p> })}
        </form>
    }
}
