//! The wallet service: the membership card and coupons, kept in localStorage, changed
//! under a cross-tab lock, and refreshed when another tab changes them.

use crate::adapters::{clock, intake, ledger, locks, storage};
use crate::feed_sync::FeedData;
use crate::outbox::OutboxStore;
use crate::state::AppState;
use leptos::prelude::*;
use yizhan_core::coupon_code::{code_ref, coupon_code};
use yizhan_core::feed::Campaign;
use yizhan_core::outbox::uuid_v4;
use yizhan_core::outcome::card_from_approved;
use yizhan_core::request::{Claim, Request};
use yizhan_core::wallet::{ClaimRefusal, Coupon, MemberCard, Wallet};

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
        storage::on_change(Wallet::STORAGE_KEY, move || store.wallet.set(load(app)));
        store
    }

    /// Applies `change` to the freshest stored wallet under the cross-tab lock and
    /// saves it; the signal follows.
    async fn change<T: 'static>(
        self,
        change: impl FnOnce(&mut Wallet) -> T + 'static,
    ) -> Result<T, storage::StorageProblem> {
        let app = self.app;
        // Read, change and write the ledger's copy (the one every tab reads the same)
        // inside the lock: two tabs claiming the last coupon cannot both get it.
        let (result, wallet) = locks::with_lock_async("yizhan-wallet", move || async move {
            let mut wallet = ledger::read::<Wallet>(Wallet::STORAGE_KEY)
                .await
                .ok()
                .flatten()
                .unwrap_or_default();
            let out = change(&mut wallet);
            let saved = ledger::write(Wallet::STORAGE_KEY, &wallet).await;
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
    /// feed's intake: `wallet.claim(campaign, outbox).await`.
    pub async fn claim(
        self,
        campaign: Campaign,
        outbox: OutboxStore,
    ) -> Result<Coupon, ClaimError> {
        let now = clock::china_now();
        let mut bytes = [0u8; 9];
        bytes.copy_from_slice(&intake::random_bytes()[..9]);
        let (id, code) = (uuid_v4(intake::random_bytes()), coupon_code(bytes));
        let keys = crate::trust::publisher_keys();
        let claim_keys = keys.clone();
        let coupon = self
            .change(move |w| w.claim(&campaign, now, id, code, &claim_keys))
            .await
            .map_err(ClaimError::Storage)?
            .map_err(ClaimError::Refused)?;
        // The card the union signed goes with the claim (sealed): the desk counts
        // members-only coupons by it, never by a number typed in.
        let (member_no, card) = self.wallet.with_untracked(|w| {
            (
                w.card.as_ref().map(|c| c.member_no.clone()),
                w.signed_card_on(now.date(), &keys).cloned(),
            )
        });
        let claim = Request::Claim(Claim {
            campaign_id: coupon.campaign_id.clone(),
            coupon_id: coupon.id.clone(),
            code_ref: code_ref(&coupon.code),
            member_no,
            card,
        });
        // The claim goes out under the coupon's own id, so the union's answer (found
        // by that id) is the coupon's. The coupon is on the device either way; a claim
        // that cannot be queued is reported rather than dropped quietly.
        if let Err(problem) = outbox.enqueue_as(coupon.id.clone(), claim).await {
            self.app.storage_problem.set(Some(problem));
        }
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

    /// Brings the union's answers in: an approved join, transfer or card request
    /// becomes the membership card (signed where the signature holds; once), and
    /// claims become issued, turned down or used as the feed says.
    pub fn adopt_approved(self, data: &FeedData, outbox: OutboxStore) {
        let keys = crate::trust::publisher_keys();
        // The answers this device can read (its sealed ones opened).
        let statuses = outbox.statuses.get_untracked();
        let (card, coupons_change) = outbox.items.with_untracked(|items| {
            self.wallet.with_untracked(|w| {
                let card =
                    card_from_approved(items, &statuses, &data.unions, w.card.as_ref(), &keys);
                let coupons_change = w.clone().apply_feed(&statuses, &data.coupons);
                (card, coupons_change)
            })
        });
        if card.is_none() && !coupons_change {
            return;
        }
        let issued = data.coupons.clone();
        leptos::task::spawn_local(async move {
            // A failed save is reported by `change` (the storage banner).
            let _ = self
                .change(move |w| {
                    if let Some(card) = card {
                        w.card = Some(card);
                    }
                    w.apply_feed(&statuses, &issued);
                })
                .await;
        });
    }
}
