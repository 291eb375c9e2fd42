//! The first visit's binary (stations.html, served at `/`, `/stations` and
//! `/stations/<id>` until the service worker runs): it only mounts `StationsApp` (see
//! `lib.rs`). Its own wasm, a part of the worker's app, so the first row comes sooner.

fn main() {
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    yizhan::mount(yizhan::StationsApp);
}
