//! Kiosk mode: a shared touch screen. After `idle` seconds without a touch, a visible
//! countdown (at least 20 s, WCAG 2.2.1) warns, then every trace of the last user is
//! wiped and the screen returns to the start.

use crate::adapters::clock;
use crate::components::QrCodeView;
use crate::i18n::fill;
use crate::state::{tr, use_app_state, use_strings, KIOSK_MEMORY_KEYS};
use leptos::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use wasm_bindgen::JsCast;
use yizhan_core::prefs::Kiosk;

/// How long the warning shows before the wipe.
const WARNING_SECS: u32 = 20;

/// Set once a wipe has started the page load, so later ticks do not restart it.
static WIPING: AtomicBool = AtomicBool::new(false);

/// Wipes the last user's traces and returns to the kiosk's start screen. A full page
/// load drops everything held in memory (form fields, card, coupons, requests).
/// Only the first call navigates: on a slow link the idle tick fires again before the
/// page is gone, and each new `location.replace` would abort and restart the load.
pub fn wipe(kiosk: &Kiosk) {
    if WIPING.swap(true, Ordering::SeqCst) {
        return;
    }
    crate::adapters::storage::keep_in_memory(KIOSK_MEMORY_KEYS);
    if let Some(window) = web_sys::window() {
        // The app writes nothing there; cleared in case a page of this origin did.
        if let Ok(Some(session)) = window.session_storage() {
            let _ = session.clear();
        }
        if window.location().replace(&kiosk.start_url()).is_err() {
            // Not navigated: the next idle tick (or touch of the button) tries again.
            WIPING.store(false, Ordering::SeqCst);
            web_sys::console::error_1(&"kiosk wipe: navigation refused".into());
        }
    }
}

/// The banner and the idle watch, shown only in kiosk mode.
#[component]
pub fn KioskMode() -> impl IntoView {
    let t = use_strings();
    let state = use_app_state();
    let kiosk = move || state.prefs.with(|p| p.kiosk.clone());
    // None until the first touch since this page loaded: an untouched start screen
    // holds nothing to wipe, and is not reloaded over and over.
    let last_activity = StoredValue::new(None::<f64>);
    let remaining = RwSignal::new(None::<u32>);

    if let Some(window) = web_sys::window() {
        let on_activity = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || {
            last_activity.set_value(Some(clock::now_ms()));
            if remaining.get_untracked().is_some() {
                remaining.set(None);
            }
        });
        for event in ["pointerdown", "keydown", "input", "touchstart", "wheel"] {
            let _ = window
                .add_event_listener_with_callback(event, on_activity.as_ref().unchecked_ref());
        }
        on_activity.forget();
    }
    if let Ok(handle) = set_interval_with_handle(
        move || {
            let Some(k) = kiosk() else { return };
            let Some(last) = last_activity.get_value() else {
                return;
            };
            // As the README says: `idle` seconds without a touch, then a 20-second
            // countdown, then the wipe.
            let idle_ms = f64::from(k.idle_secs) * 1000.0;
            let wipe_at_ms = idle_ms + f64::from(WARNING_SECS) * 1000.0;
            let elapsed = clock::now_ms() - last;
            if elapsed >= wipe_at_ms {
                wipe(&k);
            } else if elapsed >= idle_ms {
                remaining.set(Some(((wipe_at_ms - elapsed) / 1000.0).ceil() as u32));
            }
        },
        Duration::from_millis(500),
    ) {
        on_cleanup(move || handle.clear());
    }

    view! {
        <Show when=move || kiosk().is_some()>
            <div class="kiosk-banner" data-testid="kiosk-banner">
                <p>
                    {move || kiosk().and_then(|k| k.place).map(|p| format!("{p} · "))}
                    {tr(|s| s.kiosk_banner)}
                </p>
                // On every screen: the next person never waits out the idle time to
                // find the last one's form.
                <button type="button" class="primary kiosk-done" data-action="kiosk-done"
                    on:click=move |_| if let Some(k) = kiosk() { wipe(&k) }>
                    {tr(|s| s.kiosk_done)}
                </button>
            </div>
        </Show>
        {move || remaining.get().map(|n| view! {
            <div class="kiosk-countdown" role="alertdialog" aria-modal="true" aria-labelledby="countdown-text">
                <div class="card">
                    <p id="countdown-text" data-testid="kiosk-countdown">{fill(t().kiosk_countdown, &[("n", &n.to_string())])}</p>
                    // Said before the wipe: requests not yet delivered go with it (read
                    // again each second, as the countdown is drawn).
                    {
                        let unsent = crate::outbox::unsent_count();
                        (unsent > 0).then(|| view! {
                            <p class="notice notice-warn" data-testid="kiosk-unsent">{fill(t().kiosk_unsent, &[("n", &unsent.to_string())])}</p>
                        })
                    }
                    <button type="button" class="primary big" on:click=move |_| {
                        last_activity.set_value(Some(clock::now_ms()));
                        remaining.set(None);
                    }>{tr(|s| s.kiosk_continue)}</button>
                </div>
            </div>
        })}
    }
}

/// The full address of `path` on this origin, for a QR code a phone scans:
/// `phone_url("/stations/x")` is `https://host/stations/x`.
pub fn phone_url(path: &str) -> String {
    let origin = web_sys::window().and_then(|w| w.location().origin().ok());
    format!("{}{path}", origin.unwrap_or_default())
}

/// On a kiosk: a QR code that opens the same page on the worker's own phone. The
/// link carries only the page (and a station's place), never personal data.
#[component]
pub fn SendToPhone(#[prop(into)] path: String) -> impl IntoView {
    let t = use_strings();
    let state = use_app_state();
    let open = RwSignal::new(false);
    let url = StoredValue::new(phone_url(&path));
    view! {
        <Show when=move || state.prefs.with(|p| p.kiosk.is_some())>
            <button type="button" class="big" data-action="send-to-phone" on:click=move |_| open.update(|o| *o = !*o)>
                {tr(|s| s.send_to_phone)}
            </button>
            <Show when=move || open.get()>
                <div class="send-to-phone">
                    <p>{tr(|s| s.send_to_phone_hint)}</p>
                    <QrCodeView text=url.get_value() label=t().send_to_phone />
                </div>
            </Show>
        </Show>
    }
}
