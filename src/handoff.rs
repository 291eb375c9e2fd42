//! What a page load from one of the apps to another carries over (a tab of the bottom
//! bar in the stations app or the venue's check loads the whole app from the server).
//! In one app this lives in memory; across the load it sits in the tab's
//! sessionStorage, and the next app takes it at start and deletes it at once, so it
//! never outlives the move (nor the tab: sessionStorage is per tab).

use crate::adapters::storage;
use crate::feed_sync::UserPoint;
use serde::{Deserialize, Serialize};

/// Where the handoff waits in the tab's sessionStorage (personal: the user's point, a
/// kiosk's memory; see `state::PERSONAL_KEYS`).
pub const KEY: &str = "yizhan.handoff.v1";

/// What moves with the user.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Handoff {
    /// Where the list is sorted from: a poster's `?near=`, the phone's position, a
    /// city or an address picked (this visit only, so not kept in localStorage).
    pub point: Option<UserPoint>,
    /// On a kiosk, what it keeps in memory instead of the browser's storage (a report
    /// not yet sent, say): without this, the move would lose it.
    pub memory: Vec<(String, String)>,
}

/// Best effort: without sessionStorage, the next app starts as a first visit would.
fn give(handoff: &Handoff) {
    let (Some(session), Ok(text)) = (session(), serde_json::to_string(handoff)) else {
        return;
    };
    if session.set_item(KEY, &text).is_err() {
        web_sys::console::warn_1(&"handoff not kept: sessionStorage refused it".into());
    }
}

/// At start: what the app before handed over, if any, removed as it is read:
/// `if let Some(h) = handoff::take() { … }`.
pub fn take() -> Option<Handoff> {
    let session = session()?;
    let text = session.get_item(KEY).ok().flatten()?;
    let _ = session.remove_item(KEY);
    serde_json::from_slice(text.as_bytes()).ok()
}

/// Hands over the point and the kiosk's memory, then loads `target` from the server in
/// place of the history entry the router pushes for it (with `assign`, Back from the
/// new page led to the same address in the old app: two taps to go back):
/// `handoff::load_from_server("/coupons", feed.user.get_untracked())`.
pub fn load_from_server(target: &str, point: Option<UserPoint>) {
    give(&Handoff {
        point,
        memory: storage::memory_values(),
    });
    // Replaces the entry the router pushed for this address (before drawing its page),
    // so Back goes to the page the worker came from.
    let refused = web_sys::window().is_none_or(|w| w.location().replace(target).is_err());
    if refused {
        web_sys::console::warn_1(&"loading another app's page refused".into());
    }
}

fn session() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}
