//! Small, versioned user state in localStorage, with every failure named.
//!
//! Station data does not belong here (localStorage is about 5 MB per origin).

use gloo_storage::{errors::StorageError, LocalStorage, Storage};
use serde::{de::DeserializeOwned, Serialize};
use std::cell::RefCell;
use std::collections::HashMap;

/// On a shared kiosk, personal keys live here instead of the browser's storage.
struct MemoryStore {
    keys: Vec<&'static str>,
    values: HashMap<String, String>,
}

thread_local! {
    /// Gone with the page: a kiosk's wipe is a reload.
    static MEMORY: RefCell<Option<MemoryStore>> = const { RefCell::new(None) };
}

/// From now on, keep these keys in memory only, never in the browser's storage (kiosk
/// mode), and remove whatever the browser held under them: `keep_in_memory(&[...])`.
pub fn keep_in_memory(keys: &[&'static str]) {
    for key in keys {
        LocalStorage::delete(key);
        LocalStorage::delete(format!("{key}.corrupt"));
    }
    MEMORY.with(|m| {
        *m.borrow_mut() = Some(MemoryStore {
            keys: keys.to_vec(),
            values: HashMap::new(),
        })
    });
}

/// Whether `key` is kept in memory (kiosk mode).
pub fn is_in_memory(key: &str) -> bool {
    MEMORY.with(|m| {
        m.borrow()
            .as_ref()
            .is_some_and(|store| store.keys.contains(&key))
    })
}

/// What a kiosk holds in memory, as (key, JSON text) pairs: `memory_values()`, for
/// the page load to another of the apps (`crate::handoff`).
pub fn memory_values() -> Vec<(String, String)> {
    MEMORY.with(|m| {
        m.borrow().as_ref().map_or_else(Vec::new, |store| {
            store
                .values
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
    })
}

/// Puts back what [`memory_values`] gave, for the keys this kiosk keeps in memory
/// (others are ignored): `restore_memory(values)`.
pub fn restore_memory(values: Vec<(String, String)>) {
    MEMORY.with(|m| {
        if let Some(store) = m.borrow_mut().as_mut() {
            for (key, text) in values {
                if store.keys.contains(&key.as_str()) {
                    store.values.insert(key, text);
                }
            }
        }
    });
}

/// Why a read or write did not happen. The UI turns each into a plain message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StorageProblem {
    /// No localStorage at all (some private modes, disabled storage).
    Unavailable,
    /// The origin's quota is used up; the write did not happen.
    Full,
    /// The stored value could not be read; it was moved aside under `<key>.corrupt`.
    Corrupt,
}

/// Reads `key` as JSON: `load::<Prefs>(Prefs::STORAGE_KEY)` gives `Ok(None)` when unset.
/// A value that does not parse is kept under `<key>.corrupt` (never silently dropped)
/// and reported as [`StorageProblem::Corrupt`].
pub fn load<T: DeserializeOwned>(key: &str) -> Result<Option<T>, StorageProblem> {
    if is_in_memory(key) {
        let text = MEMORY.with(|m| {
            m.borrow()
                .as_ref()
                .and_then(|store| store.values.get(key).cloned())
        });
        return Ok(text.and_then(|t| serde_json::from_slice(t.as_bytes()).ok()));
    }
    let raw = LocalStorage::raw();
    let text = match raw.get_item(key) {
        Ok(Some(text)) => text,
        Ok(None) => return Ok(None),
        Err(_) => return Err(StorageProblem::Unavailable),
    };
    // from_slice, as the feed's files are read: one serde_json reader in the wasm, not
    // two copies of every deserializer (measured: 9.3 KB gzip).
    match serde_json::from_slice(text.as_bytes()) {
        Ok(value) => Ok(Some(value)),
        Err(_) => {
            // Best effort: if even this fails, the original stays where it was.
            if raw.set_item(&format!("{key}.corrupt"), &text).is_ok() {
                let _ = raw.remove_item(key);
            }
            Err(StorageProblem::Corrupt)
        }
    }
}

/// Writes `value` as JSON under `key`: `save("yizhan.prefs.v1", &prefs)`.
pub fn save<T: Serialize>(key: &str, value: &T) -> Result<(), StorageProblem> {
    if is_in_memory(key) {
        let text = serde_json::to_string(value).map_err(|_| StorageProblem::Corrupt)?;
        MEMORY.with(|m| {
            if let Some(store) = m.borrow_mut().as_mut() {
                store.values.insert(key.to_string(), text);
            }
        });
        return Ok(());
    }
    LocalStorage::set(key, value).map_err(classify)
}

/// Whether the browser's storage holds anything under `key` (a set-aside
/// `<key>.corrupt` copy, say): `holds("yizhan.venue.v1.corrupt")`. False without
/// localStorage.
pub fn holds(key: &str) -> bool {
    matches!(LocalStorage::raw().get_item(key), Ok(Some(_)))
}

/// Moves the raw text under `from` to `to` (kept, never read by the app): true once
/// `from` is gone. `move_aside("yizhan.venue.v1.corrupt", "yizhan.venue.v1.replaced")`.
pub fn move_aside(from: &str, to: &str) -> bool {
    let raw = LocalStorage::raw();
    if let Ok(Some(text)) = raw.get_item(from) {
        // Best effort: the copy is for a person to look at, never read back.
        let _ = raw.set_item(to, &text);
    }
    raw.remove_item(from).is_ok() && !holds(from)
}

/// Removes `key`: `remove("yizhan.prefs.v1")`.
pub fn remove(key: &str) {
    if is_in_memory(key) {
        MEMORY.with(|m| {
            if let Some(store) = m.borrow_mut().as_mut() {
                store.values.remove(key);
            }
        });
        return;
    }
    LocalStorage::delete(key);
}

/// Every key this app writes starts with this.
const APP_PREFIX: &str = "yizhan.";

/// Set (then removed at once) by "delete all": other tabs hear it through the
/// `storage` event and drop what they hold in memory.
pub const WIPED_KEY: &str = "yizhan.wiped";

/// Removes every key this app wrote, set-aside `.corrupt` copies included, except the
/// ones in `keep` (public data, nothing about the user), from localStorage, this tab's
/// sessionStorage and the kiosk's memory. `remove_all_except(&[HELD_KEY])`, then
/// [`announce_deleted`] once the rest (the Cache API ledger) is gone too.
pub fn remove_all_except(keep: &[&str]) -> Result<(), StorageProblem> {
    let removed = remove_app_keys(keep);
    MEMORY.with(|m| {
        if let Some(store) = m.borrow_mut().as_mut() {
            store.values.clear();
        }
    });
    if let Some(session) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
        // Per tab and only this origin's: nothing in it outlives "delete all".
        if session.clear().is_err() {
            web_sys::console::warn_1(&"sessionStorage could not be cleared".into());
        }
    }
    if removed {
        Ok(())
    } else {
        Err(StorageProblem::Unavailable)
    }
}

/// Tells the other tabs that "delete all" happened (see [`on_deleted_elsewhere`]).
pub fn announce_deleted() {
    let raw = LocalStorage::raw();
    if raw.set_item(WIPED_KEY, "1").is_ok() {
        // If this fails, a "1" under a fixed name stays: it says nothing about anyone.
        let _ = raw.remove_item(WIPED_KEY);
    }
}

/// Calls `f` in every other tab after this origin's "delete all" (or a cleared
/// storage), after removing the app's keys once more there: whatever that tab wrote
/// between the deletion and hearing of it (a join draft being typed) goes too.
/// `on_deleted_elsewhere(&[HELD_KEY], || location.reload())`.
pub fn on_deleted_elsewhere(keep: &'static [&'static str], f: impl Fn() + 'static) {
    on_event(move |key, new_value| {
        let wiped = key.is_none() || (key.as_deref() == Some(WIPED_KEY) && new_value.is_some());
        if wiped {
            // A failure here is shown by the tab that asked for the deletion.
            remove_app_keys(keep);
            f();
        }
    });
}

/// Whether every app key not in `keep` is gone.
fn remove_app_keys(keep: &[&str]) -> bool {
    let raw = LocalStorage::raw();
    let count = raw.length().unwrap_or(0);
    // Collected first: removing while indexing would skip keys.
    let keys: Vec<String> = (0..count)
        .filter_map(|i| raw.key(i).ok().flatten())
        .collect();
    let mut removed = true;
    for key in keys {
        if key.starts_with(APP_PREFIX) && !keep.contains(&key.as_str()) {
            removed &= raw.remove_item(&key).is_ok();
        }
    }
    removed
}

fn classify(err: StorageError) -> StorageProblem {
    match err {
        StorageError::JsError(e) if e.name == "QuotaExceededError" => StorageProblem::Full,
        StorageError::SerdeError(_) => StorageProblem::Corrupt,
        _ => StorageProblem::Unavailable,
    }
}

/// Calls `f` whenever another tab changes `key` (or clears the storage): the browser's
/// `storage` event, which never fires in the tab that wrote. Lives as long as the page.
/// `on_change(Wallet::STORAGE_KEY, move || store.reload())`.
pub fn on_change(key: &'static str, f: impl Fn() + 'static) {
    on_event(move |changed, _| {
        if changed.is_none() || changed.as_deref() == Some(key) {
            f();
        }
    });
}

/// Calls `f(key, new_value)` on every `storage` event from another tab.
fn on_event(f: impl Fn(Option<String>, Option<String>) + 'static) {
    use wasm_bindgen::JsCast;
    let Some(window) = web_sys::window() else {
        return;
    };
    let listener = wasm_bindgen::closure::Closure::<dyn Fn(web_sys::StorageEvent)>::new(
        move |ev: web_sys::StorageEvent| f(ev.key(), ev.new_value()),
    );
    // Registration can only fail on a detached window; then other tabs' changes are
    // seen on the next start instead.
    let _ = window.add_event_listener_with_callback("storage", listener.as_ref().unchecked_ref());
    listener.forget();
}
