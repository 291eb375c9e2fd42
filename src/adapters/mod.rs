//! Thin browser adapters: the only modules (with the UI) that touch `web_sys`.
//! Each wraps one browser API and names its failures.

pub mod camera;
pub mod clock;
pub mod download;
pub mod file_store;
pub mod geolocation;
pub mod intake;
pub mod ledger;
pub mod locks;
pub mod net;
pub mod perf;
pub mod pwa;
pub mod speech;
pub mod storage;
pub mod wake_lock;
