//! Requests waiting to reach the feed's intake (`POST intake.url`), and the rules for
//! retrying them: back off while offline or refused, and never send again after a 2xx.

use serde::{Deserialize, Serialize};

/// How one request stands with the intake.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Delivery {
    /// Not yet accepted: try again at `next_try_ms`.
    Pending { attempts: u32, next_try_ms: f64 },
    /// Accepted (2xx) at this time: never sent again.
    Sent { at_ms: f64 },
}

/// One request: what FEED.md's intake receives, and how its delivery stands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutboxItem {
    /// UUID v4, made on this device.
    pub id: String,
    /// `join`, `transfer`, `claim`, or `report` (a station problem; an extension).
    pub kind: String,
    pub created_at: String,
    pub payload: serde_json::Value,
    pub delivery: Delivery,
}

/// The first retry waits this long; each failure doubles it, up to [`MAX_BACKOFF_MS`].
pub const FIRST_BACKOFF_MS: f64 = 15_000.0;
pub const MAX_BACKOFF_MS: f64 = 60.0 * 60.0 * 1000.0;

impl OutboxItem {
    /// A new request, due at once: `OutboxItem::new(id, "report", created, payload)`.
    pub fn new(id: String, kind: &str, created_at: String, payload: serde_json::Value) -> Self {
        OutboxItem {
            id,
            kind: kind.to_string(),
            created_at,
            payload,
            delivery: Delivery::Pending {
                attempts: 0,
                next_try_ms: 0.0,
            },
        }
    }

    /// Whether it should be sent now: `item.is_due(now_ms)`.
    pub fn is_due(&self, now_ms: f64) -> bool {
        matches!(self.delivery, Delivery::Pending { next_try_ms, .. } if next_try_ms <= now_ms)
    }

    /// Records an attempt's outcome: `accepted` is any 2xx. A sent item stays sent.
    pub fn record_attempt(&mut self, accepted: bool, now_ms: f64) {
        if let Delivery::Pending { attempts, .. } = self.delivery {
            self.delivery = if accepted {
                Delivery::Sent { at_ms: now_ms }
            } else {
                let wait =
                    (FIRST_BACKOFF_MS * 2f64.powi(attempts.min(20) as i32)).min(MAX_BACKOFF_MS);
                Delivery::Pending {
                    attempts: attempts + 1,
                    next_try_ms: now_ms + wait,
                }
            };
        }
    }

    /// Takes a due item for sending: it is not due again for `lease_ms`, so another
    /// tab (or another flush) does not send it at the same time. Returns whether it
    /// was due. A tab that dies mid-send leaves the lease to expire, then it retries.
    pub fn lease(&mut self, now_ms: f64, lease_ms: f64) -> bool {
        match &mut self.delivery {
            Delivery::Pending { next_try_ms, .. } if *next_try_ms <= now_ms => {
                *next_try_ms = now_ms + lease_ms;
                true
            }
            _ => false,
        }
    }

    /// The JSON body FEED.md defines: `{ id, kind, created_at, payload }`.
    pub fn body(&self) -> serde_json::Value {
        serde_json::json!({
            "id": self.id,
            "kind": self.kind,
            "created_at": self.created_at,
            "payload": self.payload,
        })
    }
}

/// A UUID v4 string from 16 random bytes: `uuid_v4([0u8; 16])` has version 4 and the
/// RFC 4122 variant bits set.
pub fn uuid_v4(random: [u8; 16]) -> String {
    uuid::Builder::from_random_bytes(random)
        .into_uuid()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backs_off_then_never_resends_after_acceptance() {
        let mut item = OutboxItem::new("x".into(), "report", "t".into(), serde_json::json!({}));
        assert!(item.is_due(0.0));
        item.record_attempt(false, 1000.0);
        assert_eq!(
            item.delivery,
            Delivery::Pending {
                attempts: 1,
                next_try_ms: 16_000.0
            }
        );
        assert!(!item.is_due(15_999.0));
        assert!(item.is_due(16_000.0));
        item.record_attempt(false, 16_000.0);
        assert_eq!(
            item.delivery,
            Delivery::Pending {
                attempts: 2,
                next_try_ms: 46_000.0
            }
        );
        for _ in 0..30 {
            item.record_attempt(false, 0.0);
        }
        assert!(
            matches!(item.delivery, Delivery::Pending { next_try_ms, .. } if next_try_ms == MAX_BACKOFF_MS)
        );
        item.record_attempt(true, 5.0);
        assert_eq!(item.delivery, Delivery::Sent { at_ms: 5.0 });
        item.record_attempt(false, 6.0);
        assert_eq!(
            item.delivery,
            Delivery::Sent { at_ms: 5.0 },
            "sent stays sent"
        );
        assert!(!item.is_due(f64::MAX));
    }

    #[test]
    fn a_leased_item_is_not_due_until_the_lease_ends_or_it_is_answered() {
        let mut item = OutboxItem::new("x".into(), "join", "t".into(), serde_json::json!({}));
        assert!(item.lease(1000.0, 30_000.0));
        assert!(
            !item.lease(2000.0, 30_000.0),
            "a second sender gets nothing"
        );
        assert!(!item.is_due(30_999.0));
        assert!(item.is_due(31_000.0), "a dead sender's lease expires");
        item.record_attempt(true, 3000.0);
        assert!(!item.lease(1e12, 30_000.0));
    }

    #[test]
    fn body_has_exactly_the_intake_fields() {
        let item = OutboxItem::new(
            "id1".into(),
            "claim",
            "2026-11-22T10:00:00+08:00".into(),
            serde_json::json!({"a": 1}),
        );
        let body = item.body();
        let keys: Vec<_> = body.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["created_at", "id", "kind", "payload"]);
    }

    #[test]
    fn uuids_are_version_4() {
        let id = uuid_v4([0xff; 16]);
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"));
        assert_ne!(uuid_v4([1; 16]), uuid_v4([2; 16]));
    }
}
