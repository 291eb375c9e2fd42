//! The one copy of the user's wallet and requests that every tab reads the same.
//!
//! localStorage is not that copy: each tab's renderer keeps its own cache of it, so a
//! tab that has just taken the cross-tab lock may still read the value from before
//! another tab's write (measured here: in 3 of 8 two-tab claims of a last coupon, both
//! tabs said "claimed" and one coupon was lost). The Cache API lives in the browser
//! process: under the lock, a read sees every write that finished before it.
//!
//! Every write goes to both: localStorage stays the quick synchronous read at start
//! and what other tabs hear about through the `storage` event. On a kiosk (the key
//! kept in memory) or without a Cache API, localStorage's adapter is used alone.

use super::file_store::{self, StoreError};
use super::storage::{self, StorageProblem};
use serde::{de::DeserializeOwned, Serialize};

const LEDGER: &str = "yizhan-ledger-v1";

fn entry(key: &str) -> String {
    format!("/__yizhan-ledger/{key}")
}

/// The value under `key` as the last write left it, in any tab: call it inside the
/// cross-tab lock. `read::<Wallet>(Wallet::STORAGE_KEY).await`.
pub async fn read<T: DeserializeOwned>(key: &str) -> Result<Option<T>, StorageProblem> {
    if storage::is_in_memory(key) {
        return storage::load(key);
    }
    match file_store::get_from(LEDGER, &entry(key)).await {
        Ok(Some(bytes)) => match serde_json::from_slice(&bytes) {
            Ok(value) => Ok(Some(value)),
            // A damaged ledger entry: localStorage's copy (set aside if damaged too).
            Err(_) => storage::load(key),
        },
        // Never written here yet (data from before the ledger), or no Cache API.
        Ok(None) | Err(_) => storage::load(key),
    }
}

/// Writes `value` under `key` to localStorage and the ledger:
/// `write(Wallet::STORAGE_KEY, &wallet).await`.
pub async fn write<T: Serialize>(key: &str, value: &T) -> Result<(), StorageProblem> {
    storage::save(key, value)?;
    if storage::is_in_memory(key) {
        return Ok(());
    }
    let bytes = serde_json::to_vec(value).map_err(|_| StorageProblem::Corrupt)?;
    match file_store::put_in(LEDGER, &entry(key), &bytes).await {
        Ok(()) | Err(StoreError::Unavailable) => Ok(()),
        Err(_) => {
            // The ledger must never hold an older value than localStorage: drop its
            // entry, so reads fall back to the copy just saved.
            file_store::delete_in(LEDGER, &entry(key)).await;
            Ok(())
        }
    }
}

/// Forgets everything the ledger holds (the user's "delete all").
pub async fn clear() -> bool {
    file_store::delete_cache(LEDGER).await
}
