//! The document itself: its title and the `<html>` element's `lang` and class.
//! Two effects instead of `leptos_meta`, which cost the wasm more than it gave here.

use crate::state::{use_app_state, use_lang, use_strings};
use leptos::prelude::*;

/// Keeps the document's title at "PAGE · 驿站" while the calling page is shown (the
/// app's name alone when PAGE is empty): `use_title(move || t().me_title.to_string())`.
pub fn use_title(page: impl Fn() -> String + Send + Sync + 'static) {
    title_effect(Box::new(page));
}

// Not generic, so the effect is compiled once, not once per page.
fn title_effect(page: Box<dyn Fn() -> String + Send + Sync>) {
    let t = use_strings();
    Effect::new(move |_| {
        let page = page();
        let app = t().app_name;
        let title = if page.is_empty() {
            app.to_string()
        } else {
            format!("{page} · {app}")
        };
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            doc.set_title(&title);
        }
    });
}

/// Keeps `<html lang>` on the interface language (screen readers and CJK fonts
/// follow it) and `<html class>` on the device modes (`large`, `kiosk`).
pub fn use_document_root() {
    let state = use_app_state();
    let lang = use_lang();
    Effect::new(move |_| {
        let class = state.prefs.with(|p| match (p.large, p.kiosk.is_some()) {
            (true, true) => "large kiosk",
            (true, false) => "large",
            (false, true) => "kiosk",
            (false, false) => "",
        });
        let tag = lang.get().tag();
        let root = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element());
        if let Some(root) = root {
            // Setting an attribute on <html> cannot fail.
            let _ = root.set_attribute("lang", tag);
            root.set_class_name(class);
        }
    });
}
