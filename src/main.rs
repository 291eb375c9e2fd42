//! The app binary: it only mounts the root component (see `lib.rs`).

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(yizhan::App);
}
