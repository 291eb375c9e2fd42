//! What the union answered: a request's outcome is found in the feed's `statuses` by
//! the SHA-256 of its id (which only this device knows), and an approved join or
//! transfer request becomes the membership card.
//! Longer than 400 lines because more than half of it is the tests.

use crate::feed::{Statuses, Unions};
use crate::outbox::OutboxItem;
use crate::request::Request;
use crate::vocab::RequestState;
use crate::wallet::MemberCard;

/// The membership card the union's answers bring, if any: the first approved join,
/// transfer or card request with a member number, as a card signed by the union
/// where its signature holds under `keys`. A card `current` already is is left
/// alone, unless the answer brings the signature it lacks.
/// `card_from_approved(&requests, &statuses, &unions, wallet.card.as_ref(), &keys)`.
pub fn card_from_approved(
    requests: &[OutboxItem],
    statuses: &Statuses,
    unions: &Unions,
    current: Option<&MemberCard>,
    keys: &[[u8; 32]],
) -> Option<MemberCard> {
    requests.iter().find_map(|item| {
        let (name, union_id) = match &item.request {
            Request::Join(a) | Request::Transfer(a) => (&a.name, &a.union),
            Request::Card(c) => (&c.name, &c.union),
            _ => return None,
        };
        let status = statuses.for_request(&item.id)?;
        if status.state != RequestState::Approved {
            return None;
        }
        let signed = status
            .card
            .clone()
            .filter(|card| crate::card::verify(card, keys));
        let (name, member_no, union_id) = match &signed {
            Some(card) => (&card.name, card.member_no.clone(), &card.union),
            None => (name, status.member_no.clone()?, union_id),
        };
        let union = unions.unions.iter().find(|u| &u.id == union_id);
        // The same rules as a card typed in: a malformed number never becomes a card.
        let mut card = MemberCard::from_form(
            name,
            &member_no,
            Some(union_id.clone()),
            union.map(|u| u.name.clone()),
        )
        .ok()?;
        card.signed = signed;
        let verified = card.verified(keys).is_some();
        let same = current.is_some_and(|c| {
            c.member_no == card.member_no && (c.verified(keys).is_some() || !verified)
        });
        (!same).then_some(card)
    })
}

/// Which tab shows a request's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Coupons,
    Join,
}

/// A request's answer as the latest feed has it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub id: String,
    pub kind: &'static str,
    pub state: RequestState,
    pub tab: Tab,
}

/// Every answered request of this device (claims, joins, transfers, cards, reports):
/// `answers(&requests, &statuses)`.
pub fn answers(requests: &[OutboxItem], statuses: &Statuses) -> Vec<Answer> {
    requests
        .iter()
        .filter_map(|item| {
            Some(Answer {
                id: item.id.clone(),
                kind: item.request.kind(),
                state: statuses.for_request(&item.id)?.state.clone(),
                tab: answered_on(&item.request)?,
            })
        })
        .collect()
}

/// The tab where the union's answer to `request` shows; none for what the union does
/// not answer (a venue's redeem, a supplement, which is part of its request).
fn answered_on(request: &Request) -> Option<Tab> {
    match request {
        Request::Claim(_) => Some(Tab::Coupons),
        Request::Join(_) | Request::Transfer(_) | Request::Card(_) | Request::Report(_) => {
            Some(Tab::Join)
        }
        Request::Redeem(_) | Request::Supplement(_) => None,
    }
}

/// Whether the union's answer may still be news on this device: a request waits for
/// the union's last word, or an answer is not yet seen on its tab. Only the whole app
/// shows news, so the stations' pages may open in the stations app only when this is
/// false (public/sw.js). `news_may_come(&requests, &answers(&requests, &statuses), &seen)`.
pub fn news_may_come(requests: &[OutboxItem], answers: &[Answer], seen: &Seen) -> bool {
    let answerable = requests
        .iter()
        .filter(|i| answered_on(&i.request).is_some())
        .count();
    let finished = answers
        .iter()
        .filter(|a| crate::follow::is_final(&a.state))
        .count();
    // An answer not yet announced is not yet seen on its tab either.
    finished < answerable || seen.marks(answers, Tab::Coupons) || seen.marks(answers, Tab::Join)
}

/// What the person has been told, stored under [`Seen::STORAGE_KEY`]: per request id,
/// the state last announced on the start screen and the state last seen on its tab.
/// A state that differs from both is news. (Lists, not maps: a handful of requests,
/// and a map's serde code costs the wasm about 7 KB.)
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Seen {
    pub announced: Vec<Told>,
    pub opened: Vec<Told>,
}

/// One request's state as it was told.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Told {
    pub id: String,
    pub state: String,
}

/// The state `list` holds for `id`, if any.
fn told<'a>(list: &'a [Told], id: &str) -> Option<&'a str> {
    list.iter().find(|t| t.id == id).map(|t| t.state.as_str())
}

/// Sets `id`'s state in `list`; returns whether it changed.
fn tell(list: &mut Vec<Told>, id: &str, state: &str) -> bool {
    match list.iter_mut().find(|t| t.id == id) {
        Some(t) if t.state == state => false,
        Some(t) => {
            t.state = state.to_string();
            true
        }
        None => {
            list.push(Told {
                id: id.to_string(),
                state: state.to_string(),
            });
            true
        }
    }
}

impl Seen {
    pub const STORAGE_KEY: &'static str = "yizhan.seen.v1";

    /// The answers not yet announced on the start screen: `seen.to_announce(&all)`.
    pub fn to_announce<'a>(&self, answers: &'a [Answer]) -> Vec<&'a Answer> {
        answers
            .iter()
            .filter(|a| told(&self.announced, &a.id) != Some(a.state.word()))
            .filter(|a| told(&self.opened, &a.id) != Some(a.state.word()))
            .collect()
    }

    /// Whether `tab` holds an answer not seen there yet: `seen.marks(&all, Tab::Join)`.
    pub fn marks(&self, answers: &[Answer], tab: Tab) -> bool {
        answers
            .iter()
            .any(|a| a.tab == tab && told(&self.opened, &a.id) != Some(a.state.word()))
    }

    /// Records that these answers were announced; returns whether anything changed.
    pub fn announce<'a>(&mut self, answers: impl IntoIterator<Item = &'a Answer>) -> bool {
        let mut changed = false;
        for a in answers {
            changed |= tell(&mut self.announced, &a.id, a.state.word());
        }
        changed
    }

    /// Records that `tab` was opened with these answers on it; returns whether
    /// anything changed.
    pub fn open(&mut self, answers: &[Answer], tab: Tab) -> bool {
        let mut changed = false;
        for a in answers.iter().filter(|a| a.tab == tab) {
            changed |= tell(&mut self.opened, &a.id, a.state.word());
        }
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::{sha256_hex, RequestStatus, Union};
    use crate::request::{Application, CardRequest, Report};
    use crate::vocab::ReportProblem;

    #[test]
    fn statuses_are_found_by_the_hash_of_the_id_only() {
        let id = "6f1c1a2e-8a8b-4c3d-9e0f-112233445566";
        let statuses = Statuses {
            statuses: vec![
                RequestStatus {
                    reference: sha256_hex(b"someone-else"),
                    state: RequestState::Rejected,
                    member_no: None,
                    note: None,
                    updated: None,
                    card: None,
                    sealed: None,
                },
                RequestStatus {
                    reference: sha256_hex(id.as_bytes()),
                    state: RequestState::Received,
                    member_no: None,
                    note: None,
                    updated: Some("2026-11-20T10:00:00+08:00".into()),
                    card: None,
                    sealed: None,
                },
                RequestStatus {
                    reference: sha256_hex(id.as_bytes()).to_uppercase(),
                    state: RequestState::Approved,
                    member_no: Some("3715002026000999".into()),
                    note: Some("欢迎".into()),
                    updated: Some("2026-11-21T10:00:00+08:00".into()),
                    card: None,
                    sealed: None,
                },
            ],
        };
        let s = statuses.for_request(id).unwrap();
        assert_eq!(s.state, RequestState::Approved, "the latest update wins");
        assert_eq!(s.member_no.as_deref(), Some("3715002026000999"));
        assert!(statuses.for_request("another-id").is_none());
    }

    fn status(id: &str, state: RequestState, member_no: Option<&str>) -> RequestStatus {
        RequestStatus {
            reference: sha256_hex(id.as_bytes()),
            state,
            member_no: member_no.map(str::to_string),
            note: None,
            updated: None,
            card: None,
            sealed: None,
        }
    }

    fn join(id: &str, name: &str) -> OutboxItem {
        OutboxItem::new(
            id.into(),
            "t".into(),
            Request::Join(Application {
                name: name.into(),
                union: "u1".into(),
                ..Application::default()
            }),
        )
    }

    #[test]
    fn an_approved_application_with_a_number_becomes_the_card_once() {
        let unions = Unions {
            unions: vec![Union {
                id: "u1".into(),
                name: "聊城市快递行业工会联合会".into(),
                region: None,
                kind: None,
                occupations: vec![],
                address: None,
                phone: None,
                answer_days: None,
            }],
        };
        let report = OutboxItem::new(
            "r".into(),
            "t".into(),
            Request::Report(Report {
                station_id: "s".into(),
                problem: ReportProblem::Moved,
                note: String::new(),
            }),
        );
        let requests = [report, join("a", "王五"), join("b", "赵六")];
        let statuses = Statuses {
            statuses: vec![
                // A report's status never makes a card.
                status("r", RequestState::Approved, Some("999999")),
                status("a", RequestState::NeedsInfo, None),
                status("b", RequestState::Approved, Some("3715002026000123")),
            ],
        };
        let card = card_from_approved(&requests, &statuses, &unions, None, &[]).unwrap();
        assert_eq!(card.name, "赵六");
        assert_eq!(card.member_no, "3715002026000123");
        assert_eq!(card.union_name.as_deref(), Some("聊城市快递行业工会联合会"));
        assert_eq!(
            card_from_approved(&requests, &statuses, &unions, Some(&card), &[]),
            None,
            "the card it already is"
        );
        // Approved without a member number: nothing to put on a card.
        let no_number = Statuses {
            statuses: vec![status("b", RequestState::Approved, None)],
        };
        assert_eq!(
            card_from_approved(&requests, &no_number, &unions, None, &[]),
            None
        );
    }

    #[test]
    fn a_signed_card_replaces_the_typed_one_and_a_forged_signature_does_not() {
        let (signed, key) = crate::card::signed_for_test(3, "3715002026000123", "张三");
        let keys = [key];
        let ask = OutboxItem::new(
            "c".into(),
            "t".into(),
            Request::Card(CardRequest {
                name: "张三".into(),
                member_no: "3715002026000123".into(),
                union: "u1".into(),
                id_number: "11010519491231002X".into(),
            }),
        );
        let typed = MemberCard::from_form("张三", "3715002026000123", None, None).unwrap();
        let mut approved = status("c", RequestState::Approved, Some("3715002026000123"));
        approved.card = Some(signed.clone());
        let statuses = Statuses {
            statuses: vec![approved.clone()],
        };
        let unions = Unions::default();
        let card = card_from_approved(
            std::slice::from_ref(&ask),
            &statuses,
            &unions,
            Some(&typed),
            &keys,
        )
        .expect("the signed card replaces the typed one");
        assert!(card.verified(&keys).is_some());
        assert_eq!(card.union_id.as_deref(), Some("u1"));
        assert_eq!(
            card_from_approved(
                std::slice::from_ref(&ask),
                &statuses,
                &unions,
                Some(&card),
                &keys
            ),
            None,
            "once"
        );
        // A signature that does not hold: the number is taken, the card is not verified,
        // and a typed card with that number is left alone.
        let mut forged = approved;
        forged.card = Some(crate::feed::SignedCard {
            name: "李四".into(),
            ..signed
        });
        let statuses = Statuses {
            statuses: vec![forged],
        };
        assert_eq!(
            card_from_approved(
                std::slice::from_ref(&ask),
                &statuses,
                &unions,
                Some(&typed),
                &keys
            ),
            None
        );
        let fresh = card_from_approved(std::slice::from_ref(&ask), &statuses, &unions, None, &keys)
            .unwrap();
        assert_eq!((fresh.name.as_str(), fresh.verified(&keys)), ("张三", None));
    }

    #[test]
    fn a_changed_answer_is_announced_once_and_marked_until_its_tab_is_opened() {
        let requests = [join("a", "王五"), join("b", "赵六")];
        let mut statuses = Statuses {
            statuses: vec![status("a", RequestState::Received, None)],
        };
        let mut seen = Seen::default();
        let all = answers(&requests, &statuses);
        assert_eq!(all.len(), 1, "b has no answer yet");
        assert_eq!(seen.to_announce(&all).len(), 1);
        assert!(seen.marks(&all, Tab::Join));
        assert!(!seen.marks(&all, Tab::Coupons));
        let shown: Vec<Answer> = seen.to_announce(&all).into_iter().cloned().collect();
        assert!(seen.announce(&shown));
        assert!(seen.to_announce(&all).is_empty(), "announced once");
        assert!(seen.marks(&all, Tab::Join), "still marked on its tab");
        assert!(seen.open(&all, Tab::Join));
        assert!(!seen.marks(&all, Tab::Join));
        assert!(!seen.open(&all, Tab::Join), "nothing new");
        // The union changes its answer: news again.
        statuses.statuses.push(RequestStatus {
            updated: Some("2026-11-22".into()),
            ..status("a", RequestState::Approved, Some("3715002026000123"))
        });
        let all = answers(&requests, &statuses);
        assert_eq!(all[0].state, RequestState::Approved);
        assert_eq!(seen.to_announce(&all).len(), 1);
        assert!(seen.marks(&all, Tab::Join));
        // Seen on its tab before the start screen: not announced afterwards.
        seen.open(&all, Tab::Join);
        assert!(seen.to_announce(&all).is_empty());
        // A station report's outcome is news on the requests' tab too.
        let report = OutboxItem::new(
            "r".into(),
            "t".into(),
            Request::Report(crate::request::Report {
                station_id: "s".into(),
                problem: crate::vocab::ReportProblem::Moved,
                note: String::new(),
            }),
        );
        statuses
            .statuses
            .push(status("r", RequestState::Approved, None));
        let all = answers(&[report], &statuses);
        assert_eq!((all[0].kind, all[0].tab), ("report", Tab::Join));
        assert_eq!(seen.to_announce(&all).len(), 1);
    }

    #[test]
    fn news_may_come_until_every_request_has_its_last_word_seen_on_its_tab() {
        let mut seen = Seen::default();
        let nothing = Statuses { statuses: vec![] };
        assert!(!news_may_come(&[], &[], &seen), "a device without requests");
        let requests = [join("a", "王五")];
        assert!(
            news_may_come(&requests, &answers(&requests, &nothing), &seen),
            "sent, no answer yet"
        );
        let received = Statuses {
            statuses: vec![status("a", RequestState::Received, None)],
        };
        let all = answers(&requests, &received);
        seen.open(&all, Tab::Join);
        assert!(
            news_may_come(&requests, &all, &seen),
            "received is not the last word"
        );
        let approved = Statuses {
            statuses: vec![status(
                "a",
                RequestState::Approved,
                Some("3715002026000123"),
            )],
        };
        let all = answers(&requests, &approved);
        assert!(
            news_may_come(&requests, &all, &seen),
            "approved, not yet seen"
        );
        seen.announce(all.iter());
        assert!(
            news_may_come(&requests, &all, &seen),
            "announced, its tab still marked"
        );
        seen.open(&all, Tab::Join);
        assert!(
            !news_may_come(&requests, &all, &seen),
            "the last word, seen on its tab"
        );
        // A supplement is part of its request: it waits for no answer of its own.
        let supplement = OutboxItem::new(
            "s".into(),
            "t".into(),
            Request::Supplement(crate::request::Supplement {
                of: "a".into(),
                note: "补充".into(),
            }),
        );
        let with_supplement = [join("a", "王五"), supplement];
        assert!(!news_may_come(&with_supplement, &all, &seen));
    }
}
