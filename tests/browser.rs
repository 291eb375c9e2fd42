//! Browser adapters tested in headless Chromium:
//! `cargo test --target wasm32-unknown-unknown --test browser`.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;
use yizhan::adapters::storage::{self, StorageProblem};
use yizhan::domain::prefs::Prefs;
use yizhan::i18n::Lang;

wasm_bindgen_test_configure!(run_in_browser);

fn local_storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

#[wasm_bindgen_test]
fn prefs_round_trip_through_local_storage() {
    let key = "test.prefs.roundtrip";
    storage::remove(key);
    assert_eq!(storage::load::<Prefs>(key), Ok(None));
    let prefs = Prefs { lang: Lang::En };
    storage::save(key, &prefs).unwrap();
    assert_eq!(storage::load::<Prefs>(key), Ok(Some(prefs)));
    storage::remove(key);
}

#[wasm_bindgen_test]
fn corrupt_value_is_reported_and_set_aside_not_dropped() {
    let key = "test.prefs.corrupt";
    local_storage().set_item(key, "{not json").unwrap();
    assert_eq!(storage::load::<Prefs>(key), Err(StorageProblem::Corrupt));
    assert_eq!(local_storage().get_item(key).unwrap(), None);
    assert_eq!(
        local_storage()
            .get_item(&format!("{key}.corrupt"))
            .unwrap()
            .as_deref(),
        Some("{not json")
    );
    local_storage()
        .remove_item(&format!("{key}.corrupt"))
        .unwrap();
}

#[wasm_bindgen_test]
fn a_full_quota_is_reported_as_full() {
    // Fill the origin's localStorage until the browser refuses, then check the name.
    let big = "x".repeat(1 << 20);
    let mut filled = Vec::new();
    let mut result = Ok(());
    for i in 0..32 {
        let key = format!("test.fill.{i}");
        result = storage::save(&key, &big);
        filled.push(key);
        if result.is_err() {
            break;
        }
    }
    for key in &filled {
        storage::remove(key);
    }
    assert_eq!(result, Err(StorageProblem::Full));
}
