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
        return Ok(text.and_then(|t| serde_json::from_str(&t).ok()));
    }
    let raw = LocalStorage::raw();
    let text = match raw.get_item(key) {
        Ok(Some(text)) => text,
        Ok(None) => return Ok(None),
        Err(_) => return Err(StorageProblem::Unavailable),
    };
    match serde_json::from_str(&text) {
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
    use wasm_bindgen::JsCast;
    let Some(window) = web_sys::window() else {
        return;
    };
    let listener = wasm_bindgen::closure::Closure::<dyn Fn(web_sys::StorageEvent)>::new(
        move |ev: web_sys::StorageEvent| {
            if ev.key().is_none() || ev.key().as_deref() == Some(key) {
                f();
            }
        },
    );
    // Registration can only fail on a detached window; then other tabs' changes are
    // seen on the next start instead.
    let _ = window.add_event_listener_with_callback("storage", listener.as_ref().unchecked_ref());
    listener.forget();
}
