//! Following a request the worker sent ("我的申请"): how long it has waited against
//! the union's usual answer time, and whether this device already answered the
//! union's question (`needs_info`) with a supplement.

use crate::outbox::OutboxItem;
use crate::request::{Request, Supplement};
use crate::time::parse_rfc3339_utc;
use crate::vocab::RequestState;
use chrono::NaiveDate;

/// Whether the union's answer is the last word (approved or rejected): a request
/// waits, and is counted as waiting, until then. `is_final(&RequestState::NeedsInfo) == false`.
pub fn is_final(state: &RequestState) -> bool {
    matches!(state, RequestState::Approved | RequestState::Rejected)
}

/// Whole days from `created_at` (RFC 3339, as the device wrote it) to `today`
/// (China-local); `None` when the time does not read, never negative (a device clock
/// set wrong): `days_waiting("2026-12-01T23:00:00+08:00", 2026-12-05) == Some(4)`.
pub fn days_waiting(created_at: &str, today: NaiveDate) -> Option<i64> {
    let china = parse_rfc3339_utc(created_at)? + chrono::TimeDelta::hours(8);
    Some((today - china.date()).num_days().max(0))
}

/// The supplement this device sent for request `id` after the union's latest answer
/// (its `updated`, RFC 3339): `supplement_for(&items, &id, status.updated.as_deref())`.
/// A supplement sent before that answer was read by the union already, and a new
/// `needs_info` asks again. With no time on the answer, any supplement counts.
pub fn supplement_for<'a>(
    requests: &'a [OutboxItem],
    id: &str,
    answered: Option<&str>,
) -> Option<&'a Supplement> {
    let answered = answered.and_then(parse_rfc3339_utc);
    requests.iter().rev().find_map(|item| match &item.request {
        Request::Supplement(s) if s.of == id => {
            let after = match (answered, parse_rfc3339_utc(&item.created_at)) {
                (Some(answer), Some(sent)) => sent > answer,
                _ => true,
            };
            after.then_some(s)
        }
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::Report;
    use crate::vocab::ReportProblem;

    fn day(s: &str) -> NaiveDate {
        crate::time::parse_date(s).unwrap()
    }

    #[test]
    fn waiting_is_counted_in_china_days() {
        // 23:00 in Beijing on the 1st is the 1st, whatever the offset it is written in.
        assert_eq!(
            days_waiting("2026-12-01T23:00:00+08:00", day("2026-12-05")),
            Some(4)
        );
        assert_eq!(
            days_waiting("2026-12-01T15:00:00Z", day("2026-12-05")),
            Some(4)
        );
        assert_eq!(
            days_waiting("2026-12-01T16:00:00Z", day("2026-12-05")),
            Some(3)
        );
        assert_eq!(
            days_waiting("2027-01-01T00:00:00+08:00", day("2026-12-05")),
            Some(0)
        );
        assert_eq!(days_waiting("soon", day("2026-12-05")), None);
        assert!(is_final(&RequestState::Approved) && is_final(&RequestState::Rejected));
        assert!(!is_final(&RequestState::NeedsInfo) && !is_final(&RequestState::Received));
    }

    #[test]
    fn a_supplement_counts_only_after_the_answer_that_asked_for_it() {
        let supplement = |of: &str, at: &str, note: &str| {
            OutboxItem::new(
                format!("s-{at}"),
                at.into(),
                Request::Supplement(Supplement {
                    of: of.into(),
                    note: note.into(),
                }),
            )
        };
        let report = OutboxItem::new(
            "r".into(),
            "2026-12-02T10:00:00+08:00".into(),
            Request::Report(Report {
                station_id: "a".into(),
                problem: ReportProblem::Moved,
                note: String::new(),
            }),
        );
        let items = [
            supplement("a", "2026-12-02T09:00:00+08:00", "first"),
            report,
            supplement("b", "2026-12-03T09:00:00+08:00", "other request"),
        ];
        let note =
            |answered: Option<&str>| supplement_for(&items, "a", answered).map(|s| s.note.as_str());
        // Asked on the 1st (in UTC), answered on the 2nd.
        assert_eq!(note(Some("2026-12-01T08:00:00Z")), Some("first"));
        // Asked again on the 3rd: the first answer was read; the form shows again.
        assert_eq!(note(Some("2026-12-03T00:00:00Z")), None);
        assert_eq!(note(None), Some("first"));
        assert_eq!(supplement_for(&items, "c", None), None);
    }
}
