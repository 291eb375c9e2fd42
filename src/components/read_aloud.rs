use crate::adapters::speech;
use crate::state::{tr, use_lang};
use leptos::prelude::*;

/// A "read aloud" button for the text of a screen, offered only where the browser has
/// a voice for the page's language (a browser without a Chinese voice would read
/// Chinese as nothing, or as English letters). Browsers load their voices after the
/// page: the button appears when they arrive.
#[component]
pub fn ReadAloud(#[prop(into)] text: String) -> impl IntoView {
    let lang = use_lang();
    let text = StoredValue::new(text);
    let voices_changed = RwSignal::new(0u32);
    if let Some(stop) = speech::on_voices_changed(move || voices_changed.update(|n| *n += 1)) {
        let stop = send_wrapper::SendWrapper::new(stop);
        on_cleanup(move || stop.take()());
    }
    let has_voice = move || {
        voices_changed.track();
        speech::has_voice(lang.get().tag())
    };
    view! {
        <Show when=has_voice>
            <button type="button" class="big read-aloud" data-action="read-aloud"
                on:click=move |_| speech::speak(&text.get_value(), lang.get_untracked().tag())>
                <svg class="tab-icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M3 9v6h4l5 5V4L7 9H3zm13.5 3a4.5 4.5 0 0 0-2.5-4v8a4.5 4.5 0 0 0 2.5-4zM14 3.2v2.1a7 7 0 0 1 0 13.4v2.1a9 9 0 0 0 0-17.6z" /></svg>
                {tr(|s| s.read_aloud)}
            </button>
        </Show>
    }
}
