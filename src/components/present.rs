//! "全屏出示": a coupon's or a card's code on the whole screen, above the bottom bar,
//! for staff to scan, with the screen kept awake while it is shown.

use crate::adapters::wake_lock::WakeLock;
use crate::components::QrCodeView;
use crate::state::worker_tr;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// A button that shows `qr` (and `code`, as text staff can type) full screen under
/// `title`: `<Present qr=code.clone() code=code title=title />`.
#[component]
pub fn Present(qr: String, code: String, title: String) -> impl IntoView {
    let open = RwSignal::new(false);
    let (qr, code, title) = (
        StoredValue::new(qr),
        StoredValue::new(code),
        StoredValue::new(title),
    );
    view! {
        <button type="button" class="primary big" data-action="present" on:click=move |_| open.set(true)>
            {worker_tr(|s| s.present)}
        </button>
        <Show when=move || open.get()>
            <PresentScreen qr=qr.get_value() code=code.get_value() title=title.get_value() close=move || open.set(false) />
        </Show>
    }
}

#[component]
fn PresentScreen(
    qr: String,
    code: String,
    title: String,
    close: impl Fn() + Copy + 'static,
) -> impl IntoView {
    // Kept awake while shown; released when closed (or the page leaves).
    let lock = StoredValue::new_local(None::<WakeLock>);
    let closed = StoredValue::new(false);
    spawn_local(async move {
        let held = WakeLock::request().await;
        match held {
            // Closed before the browser answered: let go at once.
            Some(held) if closed.get_value() => held.release(),
            held => lock.set_value(held),
        }
    });
    on_cleanup(move || {
        closed.set_value(true);
        if let Some(held) = lock.try_update_value(Option::take).flatten() {
            held.release();
        }
    });
    let close_button = NodeRef::<leptos::html::Button>::new();
    // Focus goes to the dialog's one control, so a screen reader is inside it.
    Effect::new(move |_| {
        if let Some(button) = close_button.get() {
            let _ = button.focus();
        }
    });
    view! {
        <div class="present" role="dialog" aria-modal="true" aria-labelledby="present-title" data-testid="present">
            <h2 id="present-title">{title}</h2>
            <QrCodeView text=qr label=code.clone() />
            <p class="present-code">{code}</p>
            <p class="present-hint">{worker_tr(|s| s.present_hint)}</p>
            <button type="button" class="big" data-action="present-close" node_ref=close_button on:click=move |_| close()>
                {worker_tr(|s| s.present_close)}
            </button>
        </div>
    }
}
