//! The wallet service: the membership card and coupons, kept in localStorage, changed
//! under a cross-tab lock, and refreshed when another tab changes them.

use crate::adapters::{clock, intake, locks, storage};
use yizhan_core::feed::Campaign;
use yizhan_core::outbox::uuid_v4;
use yizhan_core::wallet::{coupon_code, ClaimRefusal, Coupon, MemberCard, Wallet};
use crate::feed_sync::Feed;
use crate::state::AppState;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Why a claim did not happen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClaimError {
    Refused(ClaimRefusal),
    Storage(storage::StorageProblem),
}

#[derive(Clone, Copy)]
pub struct WalletStore {
    pub wallet: RwSignal<Wallet>,
    app: AppState,
}

/// The wallet: `let wallet = use_wallet();`.
pub fn use_wallet() -> WalletStore {
    expect_context::<WalletStore>()
}

fn load(app: AppState) -> Wallet {
    match storage::load::<Wallet>(Wallet::STORAGE_KEY) {
        Ok(w) => w.unwrap_or_default(),
        Err(problem) => {
            // A damaged wallet is moved aside (kept, not dropped) and reported.
            app.storage_problem.set(Some(problem));
            Wallet::default()
        }
    }
}

impl WalletStore {
    /// Loads the wallet and provides it; follows changes made in other tabs.
    pub fn provide(app: AppState) -> WalletStore {
        let store = WalletStore {
            wallet: RwSignal::new(load(app)),
            app,
        };
        provide_context(store);
        if let Some(window) = web_sys::window() {
            let on_storage = wasm_bindgen::closure::Closure::<dyn Fn(web_sys::StorageEvent)>::new(
                move |ev: web_sys::StorageEvent| {
                    if ev.key().is_none() || ev.key().as_deref() == Some(Wallet::STORAGE_KEY) {
                        store.wallet.set(load(app));
                    }
                },
            );
            let _ = window
                .add_event_listener_with_callback("storage", on_storage.as_ref().unchecked_ref());
            on_storage.forget();
        }
        store
    }

    /// Applies `change` to the freshest stored wallet under the cross-tab lock and
    /// saves it; the signal follows.
    async fn change<T: 'static>(
        self,
        change: impl FnOnce(&mut Wallet) -> T + 'static,
    ) -> Result<T, storage::StorageProblem> {
        let app = self.app;
        let (result, wallet) = locks::with_lock("yizhan-wallet", move || {
            let mut wallet = storage::load::<Wallet>(Wallet::STORAGE_KEY)
                .ok()
                .flatten()
                .unwrap_or_default();
            let out = change(&mut wallet);
            let saved = storage::save(Wallet::STORAGE_KEY, &wallet);
            (saved.map(|_| out), wallet)
        })
        .await;
        match &result {
            Ok(_) => self.wallet.set(wallet),
            Err(problem) => app.storage_problem.set(Some(*problem)),
        }
        result
    }

    /// Claims a coupon of `campaign` if the rules allow, then queues the claim for the
    /// feed's intake: `wallet.claim(campaign, feed).await`.
    pub async fn claim(self, campaign: Campaign, feed: Feed) -> Result<Coupon, ClaimError> {
        let now = clock::china_now();
        let mut bytes = [0u8; 9];
        bytes.copy_from_slice(&intake::random_bytes()[..9]);
        let (id, code) = (uuid_v4(intake::random_bytes()), coupon_code(bytes));
        let coupon = self
            .change(move |w| w.claim(&campaign, now, id, code))
            .await
            .map_err(ClaimError::Storage)?
            .map_err(ClaimError::Refused)?;
        let member_no = self
            .wallet
            .with_untracked(|w| w.card.as_ref().map(|c| c.member_no.clone()));
        let payload = serde_json::json!({
            "campaign_id": coupon.campaign_id,
            "coupon_id": coupon.id,
            "code": coupon.code,
            "member_no": member_no,
        });
        let _ = crate::outbox::enqueue(feed, "claim", payload);
        Ok(coupon)
    }

    /// Saves (adds or replaces) the membership card.
    pub async fn save_card(self, card: MemberCard) -> Result<(), storage::StorageProblem> {
        self.change(move |w| w.card = Some(card)).await
    }

    /// Deletes the membership card (coupons stay).
    pub async fn delete_card(self) -> Result<(), storage::StorageProblem> {
        self.change(|w| w.card = None).await
    }

    /// An approved join or transfer request whose outcome carries a member number
    /// becomes the membership card (once: a card with that number is left alone).
    pub fn adopt_approved(self, data: &crate::feed_sync::FeedData) {
        for item in crate::outbox::load() {
            if item.kind != "join" && item.kind != "transfer" {
                continue;
            }
            let Some(status) = yizhan_core::join::status_for(&item.id, &data.statuses) else {
                continue;
            };
            let Some(member_no) = status
                .member_no
                .clone()
                .filter(|_| status.state == "approved")
            else {
                continue;
            };
            let has_it = self
                .wallet
                .with_untracked(|w| w.card.as_ref().is_some_and(|c| c.member_no == member_no));
            if has_it {
                continue;
            }
            let union_id = item.payload["union"].as_str().map(str::to_string);
            let card = MemberCard {
                name: item.payload["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                member_no,
                union_name: union_id
                    .as_ref()
                    .and_then(|id| data.unions.unions.iter().find(|u| &u.id == id))
                    .map(|u| u.name.clone()),
                union_id,
            };
            leptos::task::spawn_local(async move {
                let _ = self.save_card(card).await;
            });
            return;
        }
    }

    /// Venue staff confirmed: the coupon is used, for good.
    pub async fn mark_used(self, coupon_id: String) -> Result<bool, storage::StorageProblem> {
        let now = clock::china_now();
        self.change(move |w| w.mark_used(&coupon_id, now)).await
    }
}
