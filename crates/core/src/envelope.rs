//! The intake's envelope as it travels (FEED.md "Intake" and "Sealed requests"), its
//! check, and the desk API's wire types. The app writes it, the intake checks it, the
//! desk reads it: all three through these types.

use crate::request::{must_be_sealed, Request, KINDS};
use crate::seal::{box_is_well_formed, SealedBox};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// `{ "id", "kind", "created_at", "payload" }` or, sealed, `{ …, "sealed": { "enc", "ct" } }`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Envelope {
    pub id: String,
    pub kind: String,
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<Box<RawValue>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed: Option<SealedBox>,
}

impl Envelope {
    /// Reads and checks a body as the intake receives it, or says in words what is
    /// wrong: the `id` a UUID v4 (lower-cased), a known `kind`, `created_at` an RFC 3339
    /// time, and either a plain `payload` with its kind's fields filled (and free of
    /// control characters, [`Request::with_control`]) or a
    /// well-formed `sealed` box (which only the desk can open). With `require_sealed`,
    /// the kinds that carry personal data must arrive sealed. What comes back holds
    /// only the contract's fields: unknown ones, beside the box or in a plain payload,
    /// are dropped.
    /// `Envelope::check(&body, false)?`
    pub fn check(body: &[u8], require_sealed: bool) -> Result<Envelope, String> {
        let mut envelope: Envelope = serde_json::from_slice(body).map_err(|e| {
            if e.is_data() {
                format!("not an envelope: {e}")
            } else {
                "the body is not JSON".to_string()
            }
        })?;
        if !is_uuid_v4(&envelope.id) {
            return Err(
                "`id` must be a UUID v4 (xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx)".into(),
            );
        }
        envelope.id.make_ascii_lowercase();
        if !KINDS.contains(&envelope.kind.as_str()) {
            return Err(format!("`kind` must be one of {}", KINDS.join(", ")));
        }
        if envelope.created_at.len() > 64
            || chrono::DateTime::parse_from_rfc3339(&envelope.created_at).is_err()
        {
            return Err("`created_at` must be an RFC 3339 time with an offset".into());
        }
        match (&envelope.payload, &envelope.sealed) {
            (Some(_), Some(_)) => Err("send either `payload` or `sealed`, not both".into()),
            (None, None) => Err("`payload` (a JSON object) or `sealed` is required".into()),
            (None, Some(sealed)) => {
                if !must_be_sealed(&envelope.kind) {
                    return Err(format!("a `{}` request is sent plain", envelope.kind));
                }
                if !box_is_well_formed(sealed) {
                    return Err("`sealed` must be { enc: base64 of 32 bytes, ct: base64 }".into());
                }
                Ok(envelope)
            }
            (Some(payload), None) => {
                if require_sealed && must_be_sealed(&envelope.kind) {
                    return Err(format!(
                        "a `{}` request must be sealed to the union desk's key (this intake \
                         accepts no personal data in plain text)",
                        envelope.kind
                    ));
                }
                let request = Request::from_parts(&envelope.kind, payload).ok_or(format!(
                    "`payload` is not a `{}` request: a JSON object with its fields",
                    envelope.kind
                ))?;
                if let Some(field) = request.missing() {
                    return Err(format!("`payload.{field}` must not be empty"));
                }
                if let Some(field) = request.with_control() {
                    return Err(format!(
                        "`payload.{field}` must not hold a line break, tab or other control \
                         character"
                    ));
                }
                // Only the kind's own fields go on: whatever else a client put in
                // the payload is dropped here.
                envelope.payload = Some(request.payload());
                Ok(envelope)
            }
        }
    }
}

/// `is_uuid_v4("0b9e6c1e-6a54-4f3b-9a57-1f0a2b3c4d5e")` is true (either case).
pub fn is_uuid_v4(id: &str) -> bool {
    let bytes = id.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
        && bytes[14] == b'4'
        && matches!(bytes[19].to_ascii_lowercase(), b'8' | b'9' | b'a' | b'b')
}

/// One request the intake holds, as the desk API hands it over.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Received {
    /// The intake's order of arrival: the cursor of the next page.
    pub seq: i64,
    /// When the intake received it, by the intake's clock (UTC, RFC 3339): the day a
    /// claim counts for (FEED.md), never the phone's `created_at`.
    pub received_at: String,
    pub envelope: Envelope,
}

/// `GET /desk/requests?after=SEQ&limit=N`: the requests after `SEQ`, oldest first;
/// `next` is the cursor of the following page, `None` at the end.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DeskPage {
    pub requests: Vec<Received>,
    pub next: Option<i64>,
}

/// `POST /desk/ack`: the ids the desk has safely stored; the intake then deletes them.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DeskAck {
    pub ids: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ID: &str = "0b9e6c1e-6a54-4f3b-9a57-1f0a2b3c4d5e";
    const AT: &str = "2026-11-23T10:00:00+08:00";

    fn check(v: serde_json::Value, sealed_only: bool) -> Result<Envelope, String> {
        Envelope::check(v.to_string().as_bytes(), sealed_only)
    }

    fn join_payload() -> serde_json::Value {
        json!({"name":"张三","phone":"13912345678","id_number":"11010519491231002X",
               "occupation":"courier","union":"u1"})
    }

    fn a_box() -> serde_json::Value {
        json!({"enc": "A".repeat(43) + "=", "ct": "B".repeat(24)})
    }

    #[test]
    fn a_good_envelope_passes_and_every_bad_field_is_named() {
        let good = json!({"id": ID.to_uppercase(), "kind": "join", "created_at": AT, "payload": join_payload()});
        assert_eq!(check(good, false).unwrap().id, ID, "the id is lower-cased");
        let sealed = json!({"id": ID, "kind": "join", "created_at": AT, "sealed": a_box()});
        assert!(check(sealed.clone(), true).is_ok());
        let cases = [
            (json!([1]), "not an envelope"),
            (
                json!({"kind": "join", "created_at": AT, "payload": {}}),
                "id",
            ),
            (
                json!({"id": "x", "kind": "join", "created_at": AT, "payload": {}}),
                "UUID v4",
            ),
            (
                json!({"id": ID, "kind": "vote", "created_at": AT, "payload": {}}),
                "`kind`",
            ),
            (
                json!({"id": ID, "kind": "join", "created_at": "yesterday", "payload": join_payload()}),
                "`created_at`",
            ),
            (
                json!({"id": ID, "kind": "join", "created_at": AT, "payload": {}}),
                "not a `join` request",
            ),
            (
                json!({"id": ID, "kind": "join", "created_at": AT, "payload": "x"}),
                "not a `join` request",
            ),
            (
                json!({"id": ID, "kind": "join", "created_at": AT}),
                "is required",
            ),
            (
                json!({"id": ID, "kind": "join", "created_at": AT, "payload": join_payload(), "sealed": a_box()}),
                "not both",
            ),
            (
                json!({"id": ID, "kind": "report", "created_at": AT, "sealed": a_box()}),
                "sent plain",
            ),
            (
                json!({"id": ID, "kind": "join", "created_at": AT, "sealed": {"enc": "AA==", "ct": "B"}}),
                "`sealed`",
            ),
        ];
        for (body, said) in cases {
            let err = check(body.clone(), false).unwrap_err();
            assert!(err.contains(said), "{body}: {err}");
        }
        let mut blank = join_payload();
        blank["name"] = json!("  ");
        let err = check(
            json!({"id": ID, "kind": "join", "created_at": AT, "payload": blank}),
            false,
        )
        .unwrap_err();
        assert!(err.contains("payload.name"), "{err}");
        assert_eq!(
            Envelope::check(b"{not json", false).unwrap_err(),
            "the body is not JSON"
        );
    }

    #[test]
    fn a_line_break_or_other_control_character_is_refused_by_field() {
        for (field, value) in [
            ("name", "张\n三"),
            ("name", "张\t三"),
            ("employer", "某某\u{0}快递"),
            ("union", "u1\r"),
        ] {
            let mut payload = join_payload();
            payload[field] = json!(value);
            let err = check(
                json!({"id": ID, "kind": "join", "created_at": AT, "payload": payload}),
                false,
            )
            .unwrap_err();
            assert!(err.contains(&format!("payload.{field}")), "{err}");
            assert!(err.contains("control character"), "{err}");
        }
        // The body as a client sends it, escapes and all.
        let body = format!(
            r#"{{"id":"{ID}","kind":"join","created_at":"{AT}","payload":{{"name":"张\n三","phone":"13912345678","id_number":"11010519491231002X","occupation":"courier","union":"u1"}}}}"#
        );
        assert!(Envelope::check(body.as_bytes(), false)
            .unwrap_err()
            .contains("payload.name"));
        // Spaces stay, and a report's note may keep its line breaks (free text).
        let mut spaced = join_payload();
        spaced["name"] = json!("Anna Maria　Li");
        assert!(check(
            json!({"id": ID, "kind": "join", "created_at": AT, "payload": spaced}),
            false
        )
        .is_ok());
        let report = json!({"id": ID, "kind": "report", "created_at": AT,
            "payload": {"station_id": "371500-0001", "problem": "moved", "note": "搬了\n在对面"}});
        assert!(check(report, false).is_ok());
    }

    #[test]
    fn only_the_contracts_fields_come_through() {
        let body = json!({"id": ID, "kind": "report", "created_at": AT, "leak": {"name": "张三"},
            "payload": {"station_id": "371500-0001", "problem": "moved", "phone": "13912345678"}});
        let text = serde_json::to_string(&check(body, false).unwrap()).unwrap();
        assert!(
            !text.contains("张三") && !text.contains("1391234") && !text.contains("leak"),
            "{text}"
        );
        assert!(text.contains("371500-0001"));
        let sealed =
            json!({"id": ID, "kind": "join", "created_at": AT, "sealed": a_box(), "name": "张三"});
        let text = serde_json::to_string(&check(sealed, true).unwrap()).unwrap();
        assert!(!text.contains("张三"), "{text}");
    }

    #[test]
    fn a_sealed_only_intake_takes_personal_kinds_sealed_and_reports_plain() {
        let plain = json!({"id": ID, "kind": "join", "created_at": AT, "payload": join_payload()});
        assert!(check(plain.clone(), false).is_ok());
        assert!(check(plain, true).unwrap_err().contains("must be sealed"));
        let report = json!({"id": ID, "kind": "report", "created_at": AT,
            "payload": {"station_id": "371500-0001", "problem": "moved"}});
        assert!(check(report, true).is_ok());
    }

    #[test]
    fn uuids_are_checked_by_shape_and_version() {
        assert!(is_uuid_v4(ID));
        assert!(is_uuid_v4(&ID.to_uppercase()));
        assert!(!is_uuid_v4(&ID[..35]));
        assert!(!is_uuid_v4(&ID.replace('-', "x")));
        assert!(
            !is_uuid_v4("0b9e6c1e-6a54-4f3b-7a57-1f0a2b3c4d5e"),
            "variant"
        );
        assert!(
            !is_uuid_v4("０b9e6c1e-6a54-4f3b-9a57-1f0a2b3c4d5"),
            "multi-byte"
        );
    }
}
