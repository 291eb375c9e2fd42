//! What the feed crate's tests share (`mod common;`, or from `tests/desk/`
//! `#[path = "../common/mod.rs"] mod common;`): a fresh folder per test, a request
//! as the intake hands it over.
// Each test crate uses its own part of this.
#![allow(dead_code)]

use serde_json::value::RawValue;
use std::path::PathBuf;
use yizhan_core::envelope::{Envelope, Received};

/// A new, empty folder for one test: `temp_dir("round")`, under the system's temporary
/// folder, named by the test crate, the test and the process.
pub fn temp_dir(name: &str) -> PathBuf {
    let crate_name = env!("CARGO_CRATE_NAME");
    let dir =
        std::env::temp_dir().join(format!("yizhan-{crate_name}-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A plain request as the intake hands it over: made by the phone at `created_at`,
/// received at `received_at`, `payload` as JSON text.
pub fn plain(id: &str, kind: &str, created_at: &str, received_at: &str, payload: &str) -> Received {
    Received {
        seq: 0,
        received_at: received_at.to_string(),
        envelope: Envelope {
            id: id.to_string(),
            kind: kind.to_string(),
            created_at: created_at.to_string(),
            payload: Some(RawValue::from_string(payload.to_string()).unwrap()),
            sealed: None,
        },
    }
}
