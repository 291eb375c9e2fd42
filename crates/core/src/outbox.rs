//! Requests waiting to reach the feed's intake (`POST intake.url`), and the rules for
//! retrying them: back off while offline or refused, and never send again after a 2xx.
//! Longer than 400 lines because more than a third of it is the tests of the stored form
//! and the delivery rules.

use crate::request::{must_be_sealed, Report, Request};
use crate::seal::{seal_request, sealed_plaintext, SealError, SealedBox};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// How one request stands with the intake. Stored as `{ "state": "pending",
/// "attempts", "next_try_ms" }` or `{ "state": "sent", "at_ms" }`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case", try_from = "DeliveryFields")]
pub enum Delivery {
    /// Not yet accepted: try again at `next_try_ms`.
    Pending { attempts: u32, next_try_ms: f64 },
    /// Accepted (2xx) at this time: never sent again.
    Sent { at_ms: f64 },
}

/// `Delivery` as stored, read as plain fields: serde's reader for an internally
/// tagged enum first copies the whole value into a buffer, which in the wasm cost
/// more than this (the stations app reads deliveries).
#[derive(Deserialize)]
struct DeliveryFields {
    state: String,
    attempts: Option<u32>,
    next_try_ms: Option<f64>,
    at_ms: Option<f64>,
}

impl TryFrom<DeliveryFields> for Delivery {
    type Error = &'static str;
    fn try_from(f: DeliveryFields) -> Result<Delivery, &'static str> {
        match (f.state.as_str(), f.attempts, f.next_try_ms, f.at_ms) {
            ("pending", Some(attempts), Some(next_try_ms), _) => Ok(Delivery::Pending {
                attempts,
                next_try_ms,
            }),
            ("sent", _, _, Some(at_ms)) => Ok(Delivery::Sent { at_ms }),
            _ => Err("a delivery without its state's fields"),
        }
    }
}

/// One request: what FEED.md's intake receives, and how its delivery stands.
/// Stored as `{ id, kind, created_at, payload, delivery }` (see [`StoredRequest`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(into = "StoredRequest", try_from = "StoredRequest")]
pub struct OutboxItem {
    /// UUID v4, made on this device.
    pub id: String,
    pub created_at: String,
    pub request: Request,
    pub delivery: Delivery,
    /// Base64 of the 32 random bytes drawn for a sealed request: the union's answer
    /// to it is sealed under this key ([`crate::seal::readable_statuses`]).
    pub reply_key: Option<String>,
    /// The payload sealed to the union desk, as it goes to the intake.
    pub sealed: Option<SealedBox>,
}

/// How an item is stored: FEED.md's envelope, its payload kept as text, plus its
/// delivery. Sending needs no more than this, so the sender reads and writes the
/// stored requests in this form: the stations app, which sends a station report, then
/// has no reader for every kind of request in its wasm.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StoredRequest {
    pub id: String,
    pub kind: String,
    pub created_at: String,
    /// The payload in plain (what this device shows), with the `reply_key` inside
    /// when the request is sealed.
    pub payload: Box<RawValue>,
    pub delivery: Delivery,
    /// Once sealed: the envelope as it goes to the intake (`sealed` in place of
    /// `payload`), as JSON text. Text, so the stations app (which seals nothing:
    /// reports stay plain) carries it along and sends it with no code of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed_body: Option<String>,
}

/// FEED.md's intake body: `{ id, kind, created_at, payload }`.
#[derive(Serialize)]
struct Envelope<'a> {
    id: &'a str,
    kind: &'a str,
    created_at: &'a str,
    payload: &'a RawValue,
}

/// The sealed envelope's JSON text: `{ id, kind, created_at, sealed }`.
fn sealed_body(id: &str, kind: &str, created_at: &str, sealed: &SealedBox) -> Option<String> {
    serde_json::to_string(&crate::envelope::Envelope {
        id: id.to_string(),
        kind: kind.to_string(),
        created_at: created_at.to_string(),
        payload: None,
        sealed: Some(sealed.clone()),
    })
    .ok()
}

impl StoredRequest {
    /// A new station report, due at once, in its stored form:
    /// `StoredRequest::report(id, created, &report)`. What the stations app saves: its
    /// wasm carries the report's writer only, not every kind's, nor the sealing code
    /// (reports stay plain).
    pub fn report(id: String, created_at: String, report: &Report) -> StoredRequest {
        StoredRequest {
            id,
            kind: "report".to_string(),
            created_at,
            // A struct of strings and a word always serialises.
            payload: serde_json::value::to_raw_value(report)
                .unwrap_or_else(|_| RawValue::NULL.to_owned()),
            delivery: Delivery::Pending {
                attempts: 0,
                next_try_ms: 0.0,
            },
            sealed_body: None,
        }
    }
}

impl From<OutboxItem> for StoredRequest {
    fn from(item: OutboxItem) -> StoredRequest {
        let payload = item.request.payload();
        let payload = match &item.reply_key {
            Some(key) => RawValue::from_string(sealed_plaintext(&payload, key)).unwrap_or(payload),
            None => payload,
        };
        let kind = item.request.kind();
        StoredRequest {
            sealed_body: item
                .sealed
                .and_then(|s| sealed_body(&item.id, kind, &item.created_at, &s)),
            kind: kind.to_string(),
            payload,
            id: item.id,
            created_at: item.created_at,
            delivery: item.delivery,
        }
    }
}

impl TryFrom<StoredRequest> for OutboxItem {
    type Error = String;
    fn try_from(s: StoredRequest) -> Result<OutboxItem, String> {
        let request = Request::from_parts(&s.kind, &s.payload)
            .ok_or_else(|| format!("a `{}` request without its fields", s.kind))?;
        let reply_key = crate::seal::reply_key_of(s.payload.get());
        let sealed = match &s.sealed_body {
            Some(body) => Some(
                serde_json::from_str::<crate::envelope::Envelope>(body)
                    .ok()
                    .and_then(|e| e.sealed)
                    .ok_or("a sealed request without its box")?,
            ),
            None => None,
        };
        Ok(OutboxItem {
            id: s.id,
            created_at: s.created_at,
            request,
            delivery: s.delivery,
            reply_key,
            sealed,
        })
    }
}

/// The first retry waits this long; each failure doubles it, up to [`MAX_BACKOFF_MS`].
pub const FIRST_BACKOFF_MS: f64 = 15_000.0;
pub const MAX_BACKOFF_MS: f64 = 60.0 * 60.0 * 1000.0;

impl Delivery {
    /// Whether the request should be sent now: `delivery.is_due(now_ms)`.
    pub fn is_due(&self, now_ms: f64) -> bool {
        matches!(self, Delivery::Pending { next_try_ms, .. } if *next_try_ms <= now_ms)
    }

    /// Records an attempt's outcome: `accepted` is any 2xx. A sent request stays sent.
    pub fn record_attempt(&mut self, accepted: bool, now_ms: f64) {
        if let Delivery::Pending { attempts, .. } = *self {
            *self = if accepted {
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

    /// Takes a due request for sending: it is not due again for `lease_ms`, so another
    /// tab (or another send) does not send it at the same time. Returns whether it
    /// was due: `delivery.lease(now_ms, 30_000.0)`.
    pub fn lease(&mut self, now_ms: f64, lease_ms: f64) -> bool {
        match self {
            Delivery::Pending { next_try_ms, .. } if *next_try_ms <= now_ms => {
                *next_try_ms = now_ms + lease_ms;
                true
            }
            _ => false,
        }
    }
}

impl StoredRequest {
    /// The JSON body FEED.md defines, as text: `{ id, kind, created_at, payload }`, or
    /// `sealed` in place of `payload` once sealed.
    pub fn body(&self) -> String {
        if let Some(sealed) = &self.sealed_body {
            return sealed.clone();
        }
        let envelope = Envelope {
            id: &self.id,
            kind: &self.kind,
            created_at: &self.created_at,
            payload: &self.payload,
        };
        // Strings and raw JSON always serialise.
        serde_json::to_string(&envelope).unwrap_or_default()
    }
}

impl StoredRequest {
    /// Whether this request may go to an intake now: due, and sealed if its kind must
    /// be and the feed has a desk key (`seal_required`). A request made before the key
    /// was known waits for the whole app to seal it ([`StoredRequest::seal`]); the
    /// stations app seals nothing and sends only what is ready.
    pub fn ready(&self, now_ms: f64, seal_required: bool) -> bool {
        self.delivery.is_due(now_ms)
            && !(seal_required && self.sealed_body.is_none() && must_be_sealed(&self.kind))
    }

    /// Seals a pending request of a personal kind to the desk's key `seal_key` (the
    /// manifest's `intake.seal_key`), with a fresh `reply_key` drawn by `fill` and
    /// kept in the stored payload; a report, a request already sealed or already sent
    /// is left as it is. `stored.seal(&seal_key, &mut fill)?`
    pub fn seal(
        &mut self,
        seal_key: &str,
        fill: &mut dyn FnMut(&mut [u8]),
    ) -> Result<(), SealError> {
        if self.sealed_body.is_some()
            || !must_be_sealed(&self.kind)
            || !matches!(self.delivery, Delivery::Pending { .. })
        {
            return Ok(());
        }
        let mut reply_key = [0u8; 32];
        fill(&mut reply_key);
        use base64::Engine;
        let reply_key = base64::engine::general_purpose::STANDARD.encode(reply_key);
        let plaintext = sealed_plaintext(&self.payload, &reply_key);
        let sealed = seal_request(
            seal_key,
            &self.id,
            &self.kind,
            &self.created_at,
            plaintext.as_bytes(),
            fill,
        )?;
        let payload = RawValue::from_string(plaintext).map_err(|_| SealError::Malformed)?;
        let body = sealed_body(&self.id, &self.kind, &self.created_at, &sealed)
            .ok_or(SealError::Malformed)?;
        self.payload = payload;
        self.sealed_body = Some(body);
        Ok(())
    }
}

impl OutboxItem {
    /// Where the device keeps the list of requests (localStorage; memory only on a
    /// kiosk).
    pub const STORAGE_KEY: &'static str = "yizhan.outbox.v1";

    /// A new request, due at once: `OutboxItem::new(id, created, Request::Report(r))`.
    pub fn new(id: String, created_at: String, request: Request) -> Self {
        OutboxItem {
            id,
            created_at,
            request,
            delivery: Delivery::Pending {
                attempts: 0,
                next_try_ms: 0.0,
            },
            reply_key: None,
            sealed: None,
        }
    }

    /// The JSON body FEED.md defines, as text: `{ id, kind, created_at, payload }`
    /// (the same as its stored form's, [`StoredRequest::body`]).
    pub fn body(&self) -> String {
        StoredRequest::from(self.clone()).body()
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
    use crate::request::{Claim, Report};
    use crate::vocab::ReportProblem;

    fn report() -> Request {
        Request::Report(Report {
            station_id: "s".into(),
            problem: ReportProblem::Moved,
            note: String::new(),
        })
    }

    #[test]
    fn a_delivery_reads_back_as_written_and_needs_its_fields() {
        for delivery in [
            Delivery::Pending {
                attempts: 2,
                next_try_ms: 1.5,
            },
            Delivery::Sent { at_ms: 3.0 },
        ] {
            let text = serde_json::to_string(&delivery).unwrap();
            assert_eq!(serde_json::from_str::<Delivery>(&text).unwrap(), delivery);
        }
        assert_eq!(
            serde_json::to_string(&Delivery::Sent { at_ms: 3.0 }).unwrap(),
            r#"{"state":"sent","at_ms":3.0}"#
        );
        for refused in [
            r#"{"state":"pending","attempts":1}"#,
            r#"{"state":"sent"}"#,
            r#"{"state":"lost","at_ms":1}"#,
            r#"{"attempts":1,"next_try_ms":0}"#,
            "[]",
        ] {
            assert!(
                serde_json::from_str::<Delivery>(refused).is_err(),
                "{refused}"
            );
        }
    }

    #[test]
    fn the_stored_form_sends_the_same_body_and_reads_back_the_same_item() {
        let mut item = OutboxItem::new("a".into(), "2026-11-22T10:00:00+08:00".into(), report());
        item.delivery.record_attempt(false, 1.0);
        let stored = StoredRequest::from(item.clone());
        // A report saved by the stations app is stored the same way.
        let Request::Report(r) = &item.request else {
            unreachable!()
        };
        let saved = StoredRequest::report(item.id.clone(), item.created_at.clone(), r);
        assert_eq!(saved.body(), stored.body());
        // FEED.md's intake body: the envelope, no delivery.
        assert_eq!(
            stored.body(),
            r#"{"id":"a","kind":"report","created_at":"2026-11-22T10:00:00+08:00","payload":{"station_id":"s","problem":"moved","note":""}}"#
        );
        assert_eq!(stored.delivery, item.delivery);
        let text = serde_json::to_string(&vec![stored]).unwrap();
        assert_eq!(serde_json::to_string(&vec![item.clone()]).unwrap(), text);
        let back: Vec<OutboxItem> = serde_json::from_str(&text).unwrap();
        assert_eq!(back, [item]);
    }

    #[test]
    fn backs_off_then_never_resends_after_acceptance() {
        let mut item = OutboxItem::new("x".into(), "t".into(), report());
        assert!(item.delivery.is_due(0.0));
        item.delivery.record_attempt(false, 1000.0);
        assert_eq!(
            item.delivery,
            Delivery::Pending {
                attempts: 1,
                next_try_ms: 16_000.0
            }
        );
        assert!(!item.delivery.is_due(15_999.0));
        assert!(item.delivery.is_due(16_000.0));
        item.delivery.record_attempt(false, 16_000.0);
        assert_eq!(
            item.delivery,
            Delivery::Pending {
                attempts: 2,
                next_try_ms: 46_000.0
            }
        );
        for _ in 0..30 {
            item.delivery.record_attempt(false, 0.0);
        }
        assert!(
            matches!(item.delivery, Delivery::Pending { next_try_ms, .. } if next_try_ms == MAX_BACKOFF_MS)
        );
        item.delivery.record_attempt(true, 5.0);
        assert_eq!(item.delivery, Delivery::Sent { at_ms: 5.0 });
        item.delivery.record_attempt(false, 6.0);
        assert_eq!(
            item.delivery,
            Delivery::Sent { at_ms: 5.0 },
            "sent stays sent"
        );
        assert!(!item.delivery.is_due(f64::MAX));
    }

    #[test]
    fn a_leased_item_is_not_due_until_the_lease_ends_or_it_is_answered() {
        let mut item = OutboxItem::new("x".into(), "t".into(), report());
        assert!(item.delivery.lease(1000.0, 30_000.0));
        assert!(
            !item.delivery.lease(2000.0, 30_000.0),
            "a second sender gets nothing"
        );
        assert!(!item.delivery.is_due(30_999.0));
        assert!(
            item.delivery.is_due(31_000.0),
            "a dead sender's lease expires"
        );
        item.delivery.record_attempt(true, 3000.0);
        assert!(!item.delivery.lease(1e12, 30_000.0));
    }

    #[test]
    fn body_has_exactly_the_intake_fields() {
        let item = OutboxItem::new(
            "id1".into(),
            "2026-11-22T10:00:00+08:00".into(),
            Request::Claim(Claim {
                campaign_id: "fit".into(),
                coupon_id: "c1".into(),
                code_ref: "ab".repeat(32),
                member_no: None,
                card: None,
            }),
        );
        let body: serde_json::Value = serde_json::from_str(&item.body()).unwrap();
        let keys: Vec<_> = body.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["created_at", "id", "kind", "payload"]);
        assert_eq!(body["kind"], "claim");
        assert_eq!(body["payload"]["campaign_id"], "fit");
    }

    #[test]
    fn items_stored_by_the_earlier_version_still_load() {
        let stored = r#"[{"id":"a","kind":"join","created_at":"t","payload":{"name":"王五",
            "phone":"13912345678","id_number":"11010519491231002X","occupation":"courier",
            "employer":"","union":"u1"},"delivery":{"state":"sent","at_ms":5.0}}]"#;
        let items: Vec<OutboxItem> = serde_json::from_str(stored).unwrap();
        assert_eq!(items[0].request.kind(), "join");
        assert_eq!(items[0].delivery, Delivery::Sent { at_ms: 5.0 });
        let again: Vec<OutboxItem> =
            serde_json::from_str(&serde_json::to_string(&items).unwrap()).unwrap();
        assert_eq!(again, items);
    }

    #[test]
    fn a_sealed_request_sends_only_its_box_and_keeps_its_reply_key() {
        let (private, public) = crate::seal::keypair([5; 32]);
        let seal_key = {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD.encode(public)
        };
        let id = "0b9e6c1e-6a54-4f3b-9a57-1f0a2b3c4d5e";
        let item = OutboxItem::new(
            id.into(),
            "2026-11-22T10:00:00+08:00".into(),
            Request::Join(crate::request::Application {
                name: "王五".into(),
                phone: "13912345678".into(),
                union: "u1".into(),
                ..Default::default()
            }),
        );
        let mut stored = StoredRequest::from(item);
        assert!(stored.ready(0.0, false));
        assert!(
            !stored.ready(0.0, true),
            "a personal kind waits for its seal"
        );
        let mut n = 0u8;
        let mut fill = |buf: &mut [u8]| {
            for b in buf {
                n = n.wrapping_add(1);
                *b = n;
            }
        };
        stored.seal(&seal_key, &mut fill).unwrap();
        assert!(stored.ready(0.0, true));
        let body = stored.body();
        assert!(!body.contains("王五") && !body.contains("13912345678"));
        assert!(!body.contains("reply_key") && !body.contains("payload"));
        let sent: crate::envelope::Envelope = serde_json::from_str(&body).unwrap();
        let opened = crate::seal::open_request(
            &private,
            &sent.id,
            &sent.kind,
            &sent.created_at,
            sent.sealed.as_ref().unwrap(),
        )
        .unwrap();
        let opened: serde_json::Value = serde_json::from_slice(&opened).unwrap();
        assert_eq!(opened["name"], "王五");
        // The device keeps the reply key, through its stored form and back.
        let text = serde_json::to_string(&vec![stored.clone()]).unwrap();
        let items: Vec<OutboxItem> = serde_json::from_str(&text).unwrap();
        assert_eq!(items[0].reply_key.as_deref(), opened["reply_key"].as_str());
        assert!(items[0].sealed.is_some());
        let again = serde_json::to_string(&items).unwrap();
        assert_eq!(again, text, "the whole app writes back what it read");
        // Sealing twice changes nothing; a report is never sealed.
        let before = stored.body();
        stored.seal(&seal_key, &mut fill).unwrap();
        assert_eq!(stored.body(), before);
        let mut report = StoredRequest::from(OutboxItem::new("r".into(), "t".into(), report()));
        report.seal(&seal_key, &mut fill).unwrap();
        assert!(report.sealed_body.is_none() && report.ready(0.0, true));
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
