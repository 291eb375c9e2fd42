//! The app binary: it only mounts the root component (see `lib.rs`).

fn main() {
    yizhan::adapters::crash::install();
    // The static frame index.html showed while the code loaded gives way to the app.
    if let Some(frame) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("boot"))
    {
        frame.remove();
    }
    leptos::mount::mount_to_body(yizhan::App);
}
