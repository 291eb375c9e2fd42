//! The union's answers as news: announced once on the start screen, and marked on
//! their tab until that tab is opened. What was told is kept on the device
//! ([`Seen`]), so a reload does not announce it again.

use crate::adapters::storage;
use crate::outbox::OutboxStore;
use leptos::prelude::*;
use yizhan_core::outcome::{answers, news_may_come, Answer, Seen, Tab};

#[derive(Clone, Copy)]
pub struct News {
    seen: RwSignal<Seen>,
    /// Every answered request, as the latest feed has it.
    pub answers: Memo<Vec<Answer>>,
}

/// The news: `let news = use_news();`.
pub fn use_news() -> News {
    expect_context::<News>()
}

impl News {
    /// Follows the outbox and the statuses it can read; provides the news.
    pub fn provide(outbox: OutboxStore) -> News {
        let seen = RwSignal::new(
            storage::load::<Seen>(Seen::STORAGE_KEY)
                .ok()
                .flatten()
                .unwrap_or_default(),
        );
        storage::on_change(Seen::STORAGE_KEY, move || {
            seen.set(
                storage::load(Seen::STORAGE_KEY)
                    .ok()
                    .flatten()
                    .unwrap_or_default(),
            );
        });
        let answers = Memo::new(move |_| {
            outbox
                .items
                .with(|items| outbox.statuses.with(|statuses| answers(items, statuses)))
        });
        let news = News { seen, answers };
        provide_context(news);
        news
    }

    /// Whether the union's answer may still be news here (a request waits for its last
    /// word, or an answer is not yet seen on its tab): `news.may_come(outbox)`.
    pub fn may_come(self, outbox: OutboxStore) -> bool {
        outbox.items.with(|items| {
            self.answers
                .with(|all| self.seen.with(|s| news_may_come(items, all, s)))
        })
    }

    /// Whether `tab` holds an answer not yet seen there: `news.marked(Tab::Join)`.
    pub fn marked(self, tab: Tab) -> bool {
        self.answers
            .with(|all| self.seen.with(|s| s.marks(all, tab)))
    }

    /// The answers to announce now, recorded as announced (so never again).
    pub fn take_announcements(self) -> Vec<Answer> {
        let fresh: Vec<Answer> = self.answers.with_untracked(|all| {
            self.seen
                .with_untracked(|s| s.to_announce(all).into_iter().cloned().collect())
        });
        if !fresh.is_empty() {
            self.change(|s| s.announce(&fresh));
        }
        fresh
    }

    /// Marks `tab`'s answers seen while it is open: call once from the tab's page.
    pub fn follow_tab(self, tab: Tab) {
        Effect::new(move |_| {
            let all = self.answers.get();
            self.change(|s| s.open(&all, tab));
        });
    }

    fn change(self, f: impl FnOnce(&mut Seen) -> bool) {
        let mut seen = self.seen.get_untracked();
        if f(&mut seen) {
            // Not kept (storage full): at worst an answer is announced again.
            let _ = storage::save(Seen::STORAGE_KEY, &seen);
            self.seen.set(seen);
        }
    }
}
