//! The venue's binary (verify.html, `/verify`): it only mounts `VenueApp` (see
//! `lib.rs`). Its own wasm, so workers never download the venue's check.

fn main() {
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    yizhan::mount(yizhan::VenueApp);
}
