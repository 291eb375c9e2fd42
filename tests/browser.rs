//! Browser adapters tested in headless Chromium:
//! `cargo test --target wasm32-unknown-unknown --test browser`.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;
use yizhan::adapters::storage::{self, StorageProblem};
use yizhan::adapters::{file_store, net};
use yizhan::i18n::Lang;
use yizhan_core::prefs::Prefs;

wasm_bindgen_test_configure!(run_in_browser);

fn local_storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

#[wasm_bindgen_test]
fn prefs_round_trip_through_local_storage() {
    let key = "test.prefs.roundtrip";
    storage::remove(key);
    assert_eq!(storage::load::<Prefs>(key), Ok(None));
    let prefs = Prefs {
        lang: Lang::En,
        feed_path: Some("/x/manifest.json".into()),
        ..Default::default()
    };
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

#[wasm_bindgen_test]
async fn feed_files_round_trip_through_the_cache_api_and_are_pruned() {
    let (a, b) = ("/test-feed/a.json", "/test-feed/b.json");
    file_store::put(a, b"{\"a\":1}").await.unwrap();
    file_store::put(b, &[0u8, 159, 146, 150]).await.unwrap();
    assert_eq!(
        file_store::get(a).await.unwrap().as_deref(),
        Some(&b"{\"a\":1}"[..])
    );
    assert_eq!(
        file_store::get(b).await.unwrap().as_deref(),
        Some(&[0u8, 159, 146, 150][..])
    );
    assert_eq!(file_store::get("/test-feed/none.json").await.unwrap(), None);
    // Keep only `a`: `b` goes.
    file_store::retain(&[a.to_string()]).await.unwrap();
    assert!(file_store::get(a).await.unwrap().is_some());
    assert_eq!(file_store::get(b).await.unwrap(), None);
    file_store::clear().await;
    assert_eq!(file_store::get(a).await.unwrap(), None);
}

#[wasm_bindgen_test]
async fn a_missing_file_is_a_404_and_optional_files_are_none() {
    assert_eq!(
        net::fetch_bytes("/no-such-file.json", true, net::MANIFEST_TIMEOUT_MS).await,
        Err(net::NetError::Status(404))
    );
    assert_eq!(
        net::fetch_optional("/no-such-file.json", true, net::MANIFEST_TIMEOUT_MS).await,
        Ok(None)
    );
}

#[wasm_bindgen_test]
fn kept_in_memory_keys_never_reach_local_storage() {
    // Runs last-ish by name, but uses its own key so other tests are unaffected.
    let key = "test.kiosk.personal";
    local_storage()
        .set_item(key, "\"left by the last user\"")
        .unwrap();
    storage::keep_in_memory(&["test.kiosk.personal"]);
    assert_eq!(
        local_storage().get_item(key).unwrap(),
        None,
        "what was stored is removed"
    );
    storage::save(key, &"13912345678").unwrap();
    assert_eq!(local_storage().get_item(key).unwrap(), None);
    assert_eq!(storage::load::<String>(key), Ok(Some("13912345678".into())));
    storage::remove(key);
    assert_eq!(storage::load::<String>(key), Ok(None));
}

#[wasm_bindgen_test]
async fn the_ledger_is_read_back_and_wins_over_a_stale_local_copy() {
    use yizhan::adapters::ledger;
    let key = "test.ledger";
    ledger::clear().await;
    storage::remove(key);
    assert_eq!(ledger::read::<Vec<u32>>(key).await, Ok(None));
    // Data from before the ledger: read from localStorage.
    storage::save(key, &vec![1u32]).unwrap();
    assert_eq!(ledger::read::<Vec<u32>>(key).await, Ok(Some(vec![1])));
    ledger::write(key, &vec![1u32, 2]).await.unwrap();
    assert_eq!(
        storage::load::<Vec<u32>>(key),
        Ok(Some(vec![1, 2])),
        "both copies written"
    );
    // A stale local copy (as another tab's renderer may still hold) does not win.
    storage::save(key, &vec![1u32]).unwrap();
    assert_eq!(ledger::read::<Vec<u32>>(key).await, Ok(Some(vec![1, 2])));
    // "Delete all": the ledger forgets, and only the local copy remains.
    ledger::clear().await;
    assert_eq!(ledger::read::<Vec<u32>>(key).await, Ok(Some(vec![1])));
    storage::remove(key);
}

#[wasm_bindgen_test]
async fn an_async_locked_section_runs_once_and_returns_its_value() {
    use yizhan::adapters::locks;
    let out = locks::with_lock_async("test-lock", || async { 40 + 2 }).await;
    assert_eq!(out, 42);
    let out = locks::with_lock("test-lock", || "sync").await;
    assert_eq!(out, "sync");
}

#[wasm_bindgen_test]
fn a_voice_counts_for_its_language_only_and_voiceschanged_is_followed_until_stopped() {
    use yizhan::adapters::speech;
    // The browser's list of voices, replaced (headless Chromium has none).
    let set_voices = |langs: &str| {
        js_sys::eval(&format!(
            "speechSynthesis.getVoices = () => {langs}.map((lang) => ({{ lang }})); \
             speechSynthesis.dispatchEvent(new Event('voiceschanged'))"
        ))
        .unwrap();
    };
    let seen = std::rc::Rc::new(std::cell::Cell::new(0));
    let counter = seen.clone();
    let stop = speech::on_voices_changed(move || counter.set(counter.get() + 1)).unwrap();
    set_voices("['en-US']");
    assert!(!speech::has_voice("zh-CN") && speech::has_voice("en"));
    set_voices("['zh_TW', 'cmn-Hans-CN']");
    assert!(speech::has_voice("zh-CN") && !speech::has_voice("en"));
    assert_eq!(seen.get(), 2);
    stop();
    set_voices("[]");
    assert_eq!(seen.get(), 2, "no call once stopped");
    assert!(!speech::has_voice("zh-CN"));
}
