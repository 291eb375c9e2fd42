//! The app binary: it only mounts the root component (see `lib.rs`).

fn main() {
    // A debug build logs a panic's message. The release build aborts at once with no
    // message (scripts/release-env.sh); either way the trap reaches the loader, which
    // shows the crash page (scripts/boot.py).
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    // The static frame index.html showed while the code loaded gives way to the app.
    if let Some(frame) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("boot"))
    {
        frame.remove();
    }
    leptos::mount::mount_to_body(yizhan::App);
}
