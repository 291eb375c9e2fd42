//! Text whose lines break between words only. CSS alone breaks Chinese between any
//! two characters ("步/行", "我要入/会") and a date after its hyphens ("2026-/11-30");
//! `word-break: keep-all` stops the first but then needs the places where a line may
//! break, which only a dictionary knows: the browser's Intl.Segmenter has one.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use yizhan_core::text::words_html;

thread_local! {
    /// The browser's word segmenter, made once; `None` where there is none (Firefox
    /// before 125): Chinese then breaks only at spaces and punctuation.
    static SEGMENTER: Option<js_sys::Intl::Segmenter> = {
        let intl = js_sys::Reflect::get(&js_sys::global(), &"Intl".into()).ok();
        intl.filter(|i| js_sys::Reflect::has(i, &"Segmenter".into()).unwrap_or(false))
            .map(|_| {
                let options = js_sys::Object::new();
                let _ = js_sys::Reflect::set(&options, &"granularity".into(), &"word".into());
                js_sys::Intl::Segmenter::new(&js_sys::Array::of1(&"zh".into()), &options)
            })
    };
}

/// Longer than any real name or address (a hostile feed's 200,000 characters): drawn
/// as plain text, which breaks anywhere; kept whole, it made the page 542 px wide.
const LONGEST: usize = 2_000;

/// Byte offsets in `text` where two words meet with nothing between them (Chinese):
/// never before punctuation or beside a space; in order.
fn breaks(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    SEGMENTER.with(|s| {
        let Some(s) = s else { return };
        let (mut at, mut last_word) = (0, false);
        for seg in js_sys::Array::from(&s.segment(text)).iter() {
            let seg: js_sys::Intl::SegmentData = seg.unchecked_into();
            let word = seg.is_word_like().unwrap_or(false);
            if word && last_word {
                out.push(at);
            }
            at += String::from(seg.segment()).len();
            last_word = word;
        }
    });
    out
}

/// `text` drawn with its lines breaking between words only (`.words`: keep-all, and a
/// `<wbr>` between two Chinese words); a time, date or phone number on one line (`.nw`).
/// As escaped HTML (yizhan_core::text::words_html): one element, not one per word.
pub fn words(text: &str) -> AnyView {
    if text.len() > LONGEST {
        return view! { <span>{text.to_string()}</span> }.into_any();
    }
    view! { <span class="words" inner_html=words_html(text, &breaks(text))></span> }.into_any()
}
