//! The app binary: it only mounts the root component (see `lib.rs`).

fn main() {
    yizhan::adapters::crash::install();
    leptos::mount::mount_to_body(yizhan::App);
}
