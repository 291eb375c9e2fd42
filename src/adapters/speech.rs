//! Reading text aloud with the browser's speech synthesis.

use js_sys::{Function, Reflect};
use wasm_bindgen::{JsCast, JsValue};

fn synthesis() -> Option<JsValue> {
    let window = web_sys::window()?;
    let s = Reflect::get(&window, &"speechSynthesis".into()).ok()?;
    let has_utterance = Reflect::has(&window, &"SpeechSynthesisUtterance".into()).unwrap_or(false);
    (!s.is_undefined() && has_utterance).then_some(s)
}

/// Whether the browser has a voice for `lang` (a BCP 47 tag such as `zh-CN`): one of
/// the same language (`zh-TW` or `cmn-CN` reads Chinese too). The list may still be
/// empty while the browser loads it: [`on_voices_changed`] says when it changes.
pub fn has_voice(lang: &str) -> bool {
    // The language's first two letters; Chinese voices may also say cmn or yue.
    let same = |tag: &str| {
        let tag = tag.to_ascii_lowercase();
        tag.get(..2) == lang.get(..2)
            || (lang.starts_with("zh") && (tag.starts_with("cmn") || tag.starts_with("yue")))
    };
    let Some(synth) = synthesis() else {
        return false;
    };
    let voices = Reflect::get(&synth, &"getVoices".into())
        .and_then(|f| f.dyn_into::<Function>())
        .and_then(|f| f.call0(&synth));
    let Ok(voices) = voices else { return false };
    js_sys::Array::from(&voices).iter().any(|v| {
        Reflect::get(&v, &"lang".into())
            .ok()
            .and_then(|l| l.as_string())
            .is_some_and(|l| same(&l))
    })
}

/// Calls `f` whenever the browser's list of voices changes, until the function it
/// returns is called; `None` without speech synthesis.
pub fn on_voices_changed(f: impl Fn() + 'static) -> Option<impl FnOnce()> {
    let target = synthesis()?.dyn_into::<web_sys::EventTarget>().ok()?;
    let listener = wasm_bindgen::closure::Closure::<dyn Fn()>::new(f);
    let callback = || listener.as_ref().unchecked_ref::<Function>().clone();
    target
        .add_event_listener_with_callback("voiceschanged", &callback())
        .ok()?;
    let callback = callback();
    Some(move || {
        let _ = target.remove_event_listener_with_callback("voiceschanged", &callback);
        drop(listener);
    })
}

/// Reads `text` aloud in `lang` (a BCP 47 tag such as `zh-CN`), stopping anything
/// already being read. Quietly does nothing without speech synthesis.
pub fn speak(text: &str, lang: &str) {
    let Some(synth) = synthesis() else { return };
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(ctor) = Reflect::get(&window, &"SpeechSynthesisUtterance".into())
        .and_then(|c| c.dyn_into::<Function>())
    else {
        return;
    };
    let args = js_sys::Array::of1(&JsValue::from(text));
    let Ok(utterance) = Reflect::construct(&ctor, &args) else {
        return;
    };
    let _ = Reflect::set(&utterance, &"lang".into(), &JsValue::from(lang));
    let _ = Reflect::set(&utterance, &"rate".into(), &JsValue::from(0.9));
    for (method, arg) in [("cancel", None), ("speak", Some(utterance))] {
        if let Ok(f) = Reflect::get(&synth, &method.into()).and_then(|f| f.dyn_into::<Function>()) {
            let _ = match arg {
                Some(a) => f.call1(&synth, &a),
                None => f.call0(&synth),
            };
        }
    }
}
