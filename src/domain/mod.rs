//! Pure domain logic: no `web_sys`, no reactivity, unit-tested natively with `cargo test`.

pub mod feed;
pub mod geo;
pub mod hours;
pub mod join;
pub mod navigation;
pub mod outbox;
pub mod prefs;
pub mod spatial;
pub mod stations;
pub mod time;
pub mod wallet;
