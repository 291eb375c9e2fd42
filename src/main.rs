//! The worker's app binary (index.html): it only mounts the root component (see
//! `lib.rs`). The venue's check is the other binary, `src/bin/verify.rs`.

fn main() {
    // A debug build logs a panic's message. The release build aborts at once with no
    // message (scripts/release-env.sh); either way the trap reaches the loader, which
    // shows the crash page (web/boot.js).
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    yizhan::mount(yizhan::App);
}
