//! Pure domain logic: no `web_sys`, no reactivity, unit-tested natively with `cargo test`.

pub mod prefs;
