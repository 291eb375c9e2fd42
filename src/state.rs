//! App-wide reactive state, provided once by `App` and read by any component.

use crate::adapters::storage::{self, StorageProblem};
use crate::i18n::{strings, worker_strings, Lang, Strings, WorkerStrings};
use leptos::prelude::*;
use yizhan_core::prefs::Prefs;

/// Every storage key that holds something about the user: "delete all" removes them
/// (it removes every key not in [`PUBLIC_KEYS`]). Every key the app stores under is in
/// exactly one of the two lists: the tidy test (`crates/tidy`) finds every `yizhan.…`
/// const in the app and the core and fails naming one that is in neither or both.
pub const PERSONAL_KEYS: [&str; 7] = [
    // The first five a kiosk keeps in memory only (`KIOSK_MEMORY_KEYS`).
    yizhan_core::outcome::Seen::STORAGE_KEY,
    yizhan_core::wallet::Wallet::STORAGE_KEY,
    yizhan_core::outbox::OutboxItem::STORAGE_KEY,
    yizhan_core::join::JoinForm::DRAFT_KEY,
    yizhan_core::stations::StationFilter::STORAGE_KEY,
    // The settings (language, large text, a `?feed=` chosen). On a kiosk they are the
    // kiosk's own (its place, its idle time) and stay in the browser's storage.
    yizhan_core::prefs::Prefs::STORAGE_KEY,
    // What a page load from one app to another carries (the user's point, a kiosk's
    // memory), in the tab's sessionStorage and deleted as the next app starts.
    crate::handoff::KEY,
];

/// What a kiosk keeps in memory instead of the browser's storage: the user's data of
/// [`PERSONAL_KEYS`], not the kiosk's settings nor the handoff.
pub const KIOSK_MEMORY_KEYS: &[&str] = PERSONAL_KEYS.split_at(5).0;

/// The keys "delete all" keeps: the device copy's bookkeeping of the public feed, the
/// last build seen, a venue device's record of coupons it marked used (hashes of
/// codes: forgetting them would let a used coupon pass again until the next
/// publication), and the signal "delete all" itself sends. None says anything about
/// the user.
pub const PUBLIC_KEYS: [&str; 6] = [
    crate::feed_sync::HELD_KEY,
    crate::adapters::pwa::BUILD_KEY,
    yizhan_core::venue::VenueLog::STORAGE_KEY,
    // A damaged record set aside: while it is there the venue accepts no coupon, so
    // "delete all" must not clear the damage away.
    yizhan_core::venue::VenueLog::DAMAGED_KEY,
    // A damaged record the staff replaced, kept for a person to look at.
    yizhan_core::venue::VenueLog::REPLACED_KEY,
    // Set and removed at once by "delete all" to tell the other tabs; holds "1".
    crate::adapters::storage::WIPED_KEY,
];

/// What the app holds for the whole session.
#[derive(Clone, Copy)]
pub struct AppState {
    pub prefs: RwSignal<Prefs>,
    /// The latest storage problem, shown in a banner until dismissed.
    pub storage_problem: RwSignal<Option<StorageProblem>>,
    /// A `?feed=` link pointed to another origin and was ignored.
    pub feed_link_refused: RwSignal<bool>,
    /// A `?kiosk=1` link was ignored because this device holds someone's card,
    /// coupons or requests.
    pub kiosk_refused: RwSignal<bool>,
    /// This tab changed the stored requests without the outbox store (a report saved,
    /// a request sent: `outbox::append`, `outbox::send`): the store, in an app that
    /// has one, reads them again.
    pub requests_changed: Trigger,
}

impl AppState {
    /// Loads the stored preferences (reporting a damaged store) and provides the state
    /// as context: call once at the root, `AppState::provide()`.
    pub fn provide() -> AppState {
        let (prefs, problem) = match storage::load::<Prefs>(Prefs::STORAGE_KEY) {
            Ok(p) => (p.unwrap_or_default(), None),
            Err(problem) => (Prefs::default(), Some(problem)),
        };
        let mut prefs = prefs;
        // Device modes come from the URL before anything else loads, so that on a
        // kiosk nothing personal is ever read from or written to the browser's storage.
        let search = web_sys::window()
            .and_then(|w| w.location().search().ok())
            .unwrap_or_default();
        let was_kiosk = prefs.kiosk.is_some();
        let mut kiosk_refused = false;
        if prefs.apply_mode_params(&search) {
            // A `?kiosk=1` link opened on a worker's own phone would wipe their card,
            // coupons and requests: a device that holds any stays a personal device.
            if !was_kiosk && prefs.kiosk.is_some() && holds_personal_data() {
                prefs.kiosk = None;
                kiosk_refused = true;
            }
            // A failed save only means the mode is not remembered; the banner would
            // say "storage full" for a setting the user did not change by hand.
            let _ = storage::save(Prefs::STORAGE_KEY, &prefs);
        }
        if prefs.kiosk.is_some() {
            storage::keep_in_memory(KIOSK_MEMORY_KEYS);
            // Nothing personal may be read from the device on a kiosk.
            leptos::task::spawn_local(async {
                if !crate::adapters::ledger::clear().await {
                    web_sys::console::error_1(
                        &"kiosk: the cross-tab ledger could not be cleared".into(),
                    );
                }
            });
        }
        let state = AppState {
            prefs: RwSignal::new(prefs),
            storage_problem: RwSignal::new(problem),
            feed_link_refused: RwSignal::new(false),
            kiosk_refused: RwSignal::new(kiosk_refused),
            requests_changed: Trigger::new(),
        };
        provide_context(state);
        state
    }

    /// Changes the preferences and saves them, reporting a failed save.
    pub fn update_prefs(&self, change: impl FnOnce(&mut Prefs) -> bool) {
        let mut prefs = self.prefs.get_untracked();
        if change(&mut prefs) {
            if let Err(problem) = storage::save(Prefs::STORAGE_KEY, &prefs) {
                self.storage_problem.set(Some(problem));
            }
            self.prefs.set(prefs);
        }
    }

    /// Whether this is a shared kiosk (fixed for the page's life: set from the URL at
    /// start): `if state.is_kiosk() { … }`.
    pub fn is_kiosk(&self) -> bool {
        self.prefs.with_untracked(|p| p.kiosk.is_some())
    }

    /// Switches the interface language and remembers it: `state.set_lang(Lang::En)`.
    pub fn set_lang(&self, lang: Lang) {
        self.update_prefs(|p| p.apply_lang_param(Some(lang.code())));
    }
}

/// Whether this device holds someone's card, coupons, requests or join draft. Read
/// with `yizhan_core::personal`'s small readers, not the full ones: the stations app
/// checks this too, and its wasm has no reader for every kind of request.
fn holds_personal_data() -> bool {
    use serde::de::IgnoredAny;
    use serde_json::value::RawValue;
    use yizhan_core::personal::{draft_is_empty, WalletContents};
    use yizhan_core::{join::JoinForm, outbox::OutboxItem, wallet::Wallet};
    let wallet = storage::load::<WalletContents>(Wallet::STORAGE_KEY);
    let requests = storage::load::<Vec<IgnoredAny>>(OutboxItem::STORAGE_KEY);
    let draft = storage::load::<Box<RawValue>>(JoinForm::DRAFT_KEY);
    // Unreadable data is still someone's: it counts.
    wallet.map_or(true, |w| w.is_some_and(|w| !w.is_empty()))
        || requests.map_or(true, |r| r.is_some_and(|r| !r.is_empty()))
        || draft.map_or(true, |d| d.is_some_and(|d| !draft_is_empty(d.get())))
}

/// The app state provided by `App`: `let state = use_app_state();`.
pub fn use_app_state() -> AppState {
    expect_context::<AppState>()
}

/// The `autocomplete` word for a field that holds something of the person (a name,
/// a phone number, a note): `hint` on the person's own phone, and always `"off"` on a
/// shared kiosk, so the browser never offers the next person what this one typed:
/// `<input autocomplete=personal_autocomplete("name") />`.
pub fn personal_autocomplete(hint: &'static str) -> &'static str {
    if use_app_state().is_kiosk() {
        "off"
    } else {
        hint
    }
}

/// The current language, reactive: `let lang = use_lang(); lang.get()`.
pub fn use_lang() -> Signal<Lang> {
    let prefs = use_app_state().prefs;
    Signal::derive(move || prefs.with(|p| p.lang))
}

/// The string table of the current language, reactive: `let t = use_strings(); t().nav_me`.
pub fn use_strings() -> impl Fn() -> &'static Strings + Copy + Send + Sync + 'static {
    let lang = use_lang();
    move || strings(lang.get())
}

/// One field of the string table as reactive text, for a view or an attribute:
/// `<h1>{tr(|s| s.me_title)}</h1>`. Every call returns the same closure type, so the
/// renderer's code for reactive text is in the wasm once, not once per string (a
/// `move || t().me_title` at each of ~100 places was a copy each).
pub fn tr(
    field: fn(&'static Strings) -> &'static str,
) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let prefs = use_app_state().prefs;
    move || field(strings(prefs.with(|p| p.lang)))
}

/// `use_strings` for the pages the stations app does not have, whose words are in
/// their own table (`WorkerStrings`): `let t = use_worker_strings(); t().join_submit`.
pub fn use_worker_strings() -> impl Fn() -> &'static WorkerStrings + Copy + Send + Sync + 'static {
    let lang = use_lang();
    move || worker_strings(lang.get())
}

/// `tr` for the pages the stations app does not have: `worker_tr(|s| s.join_submit)`.
pub fn worker_tr(
    field: fn(&'static WorkerStrings) -> &'static str,
) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let prefs = use_app_state().prefs;
    move || field(worker_strings(prefs.with(|p| p.lang)))
}

/// A signal kept on the device under `key`: loaded once, saved on every change, a
/// failed save shown in the storage banner. `let filter = stored_signal::<StationFilter>(StationFilter::STORAGE_KEY);`
pub fn stored_signal<T>(key: &'static str) -> RwSignal<T>
where
    T: serde::Serialize + serde::de::DeserializeOwned + Default + Clone + Send + Sync + 'static,
{
    let state = use_app_state();
    let value = RwSignal::new(storage::load::<T>(key).ok().flatten().unwrap_or_default());
    Effect::new(move |first: Option<()>| {
        let v = value.get();
        if first.is_some() {
            if let Err(problem) = storage::save(key, &v) {
                state.storage_problem.set(Some(problem));
            }
        }
    });
    value
}
