//! Thin browser adapters: the only modules (with the UI) that touch `web_sys`.

pub mod storage;
