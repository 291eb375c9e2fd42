//! The last line of defence. The release build aborts on a panic, and Leptos goes with
//! it; so the panic hook writes a plain page itself (no Leptos, no event handler: the
//! reload is an ordinary link) and touches no stored data.

/// Replaces the browser's default panic handling: the panic is logged to the console
/// and the page says what happened. Call once before mounting: `crash::install()`.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            write_crash_page(&document);
        }
    }));
}

/// Writes the crash page into `document`'s `<body>` in its language (`<html lang>`,
/// which the app keeps in step with the user's choice): `write_crash_page(&document)`.
pub fn write_crash_page(document: &web_sys::Document) {
    let english = document
        .document_element()
        .and_then(|root| root.get_attribute("lang"))
        .is_some_and(|lang| lang.starts_with("en"));
    let (title, text, reload) = if english {
        (
            "Something went wrong",
            "Yizhan stopped because of an error in the app. What you saved on this phone is kept. Open it again to go on.",
            "Open Yizhan again",
        )
    } else {
        (
            "出错了",
            "驿站因程序错误停止了运行。本机已保存的数据都还在，重新打开即可继续使用。",
            "重新打开驿站",
        )
    };
    if let Some(body) = document.body() {
        // An empty href is this page's own address: following it reloads without any
        // script, which is all that is left after an abort.
        body.set_inner_html(&format!(
            r#"<main class="crash" role="alert" data-testid="crash"><h1>{title}</h1><p>{text}</p><p><a class="button primary big" href="">{reload}</a></p></main>"#
        ));
    }
}
