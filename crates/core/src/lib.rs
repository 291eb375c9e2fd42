//! 驿站 Yizhan's core: the pure domain and the feed contract (docs/FEED.md).
//!
//! No browser, no server, no reactivity: plain values in (including "now", as a
//! value), plain values out, so every rule is unit-tested natively with
//! `cargo test -p yizhan-core`. The web app (`yizhan`) and the publisher's tool
//! (`yizhan-feed`) both build on it.

pub mod card;
pub mod coupon_code;
pub mod envelope;
pub mod feed;
pub mod follow;
pub mod geo;
pub mod hours;
pub mod join;
pub mod lang;
pub mod navigation;
pub mod outbox;
pub mod outcome;
pub mod personal;
pub mod places;
pub mod prefs;
pub mod request;
pub mod seal;
pub mod sort;
pub mod spatial;
pub mod stations;
pub mod text;
pub mod time;
pub mod unions;
pub mod venue;
pub mod vocab;
pub mod wallet;
