//! Reading text aloud with the browser's speech synthesis.

use js_sys::{Function, Reflect};
use wasm_bindgen::{JsCast, JsValue};

fn synthesis() -> Option<JsValue> {
    let window = web_sys::window()?;
    let s = Reflect::get(&window, &"speechSynthesis".into()).ok()?;
    let has_utterance = Reflect::has(&window, &"SpeechSynthesisUtterance".into()).unwrap_or(false);
    (!s.is_undefined() && has_utterance).then_some(s)
}

/// Whether this browser can read aloud at all: `available()`.
pub fn available() -> bool {
    synthesis().is_some()
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
