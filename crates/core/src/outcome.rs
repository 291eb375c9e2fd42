//! What the union answered: a request's outcome is found in the feed's `statuses` by
//! the SHA-256 of its id (which only this device knows), and an approved join or
//! transfer request becomes the membership card.

use crate::feed::{sha256_hex, RequestStatus, Statuses, Unions};
use crate::outbox::OutboxItem;
use crate::vocab::RequestState;
use crate::wallet::MemberCard;

/// The outcome the union published for the request `request_id`, if any:
/// `status_for("…uuid…", &statuses)` looks up `sha256(id)`.
pub fn status_for<'a>(request_id: &str, statuses: &'a Statuses) -> Option<&'a RequestStatus> {
    let reference = sha256_hex(request_id.as_bytes());
    statuses
        .statuses
        .iter()
        .filter(|s| s.reference.eq_ignore_ascii_case(&reference))
        .max_by(|a, b| a.updated.cmp(&b.updated))
}

/// The membership card an approved join or transfer request brings, if any: the first
/// request whose outcome is `approved` with a member number that `current` does not
/// already carry. `card_from_approved(&requests, &statuses, &unions, wallet.card.as_ref())`.
pub fn card_from_approved(
    requests: &[OutboxItem],
    statuses: &Statuses,
    unions: &Unions,
    current: Option<&MemberCard>,
) -> Option<MemberCard> {
    requests.iter().find_map(|item| {
        let application = item.request.application()?;
        let status = status_for(&item.id, statuses)?;
        if status.state != RequestState::Approved {
            return None;
        }
        let member_no = status.member_no.clone()?;
        if current.is_some_and(|c| c.member_no == member_no) {
            return None;
        }
        let union = unions.unions.iter().find(|u| u.id == application.union);
        // The same rules as a card typed in: a malformed number never becomes a card.
        MemberCard::from_form(
            &application.name,
            &member_no,
            Some(application.union.clone()),
            union.map(|u| u.name.clone()),
        )
        .ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::Union;
    use crate::request::{Application, Report, Request};
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
                },
                RequestStatus {
                    reference: sha256_hex(id.as_bytes()),
                    state: RequestState::Received,
                    member_no: None,
                    note: None,
                    updated: Some("2026-11-20T10:00:00+08:00".into()),
                    card: None,
                },
                RequestStatus {
                    reference: sha256_hex(id.as_bytes()).to_uppercase(),
                    state: RequestState::Approved,
                    member_no: Some("3715002026000999".into()),
                    note: Some("欢迎".into()),
                    updated: Some("2026-11-21T10:00:00+08:00".into()),
                    card: None,
                },
            ],
        };
        let s = status_for(id, &statuses).unwrap();
        assert_eq!(s.state, RequestState::Approved, "the latest update wins");
        assert_eq!(s.member_no.as_deref(), Some("3715002026000999"));
        assert!(status_for("another-id", &statuses).is_none());
    }

    fn status(id: &str, state: RequestState, member_no: Option<&str>) -> RequestStatus {
        RequestStatus {
            reference: sha256_hex(id.as_bytes()),
            state,
            member_no: member_no.map(str::to_string),
            note: None,
            updated: None,
            card: None,
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
        let card = card_from_approved(&requests, &statuses, &unions, None).unwrap();
        assert_eq!(card.name, "赵六");
        assert_eq!(card.member_no, "3715002026000123");
        assert_eq!(card.union_name.as_deref(), Some("聊城市快递行业工会联合会"));
        assert_eq!(
            card_from_approved(&requests, &statuses, &unions, Some(&card)),
            None,
            "the card it already is"
        );
        // Approved without a member number: nothing to put on a card.
        let no_number = Statuses {
            statuses: vec![status("b", RequestState::Approved, None)],
        };
        assert_eq!(
            card_from_approved(&requests, &no_number, &unions, None),
            None
        );
    }
}
