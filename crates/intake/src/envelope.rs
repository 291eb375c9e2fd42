//! The request envelope FEED.md fixes: `{ "id": "<uuid v4>", "kind": …, "created_at":
//! …, "payload": { … } }`, checked before anything is stored.

use serde_json::Value;

/// FEED.md's intake kinds (the union desk section adds card, report and redeem).
pub const KINDS: [&str; 6] = ["join", "transfer", "claim", "card", "report", "redeem"];

/// A checked envelope: the fields the store keys and sorts by.
#[derive(Debug, PartialEq, Eq)]
pub struct Envelope {
    pub id: String,
    pub kind: String,
    pub created_at: String,
}

/// Checks a parsed body, or says in words what is wrong with it:
/// `check(&json!({"id": "…", "kind": "join", …}))`.
pub fn check(body: &Value) -> Result<Envelope, String> {
    let object = body.as_object().ok_or("the body must be a JSON object")?;
    let text = |name: &str| -> Result<&str, String> {
        object
            .get(name)
            .and_then(Value::as_str)
            .ok_or(format!("`{name}` must be a string"))
    };
    let id = text("id")?;
    if !is_uuid_v4(id) {
        return Err("`id` must be a UUID v4 (xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx)".into());
    }
    let kind = text("kind")?;
    if !KINDS.contains(&kind) {
        return Err(format!("`kind` must be one of {}", KINDS.join(", ")));
    }
    let created_at = text("created_at")?;
    if created_at.is_empty() || created_at.len() > 64 {
        return Err("`created_at` must be a time (RFC 3339)".into());
    }
    if !object.get("payload").is_some_and(Value::is_object) {
        return Err("`payload` must be a JSON object".into());
    }
    Ok(Envelope {
        id: id.to_ascii_lowercase(),
        kind: kind.to_string(),
        created_at: created_at.to_string(),
    })
}

/// `is_uuid_v4("0b9e6c1e-6a54-4f3b-9a57-1f0a2b3c4d5e")` is true.
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ID: &str = "0b9e6c1e-6a54-4f3b-9a57-1f0a2b3c4d5e";

    #[test]
    fn a_good_envelope_passes_and_every_bad_field_is_named() {
        let good = json!({"id": ID, "kind": "join", "created_at": "2026-11-23T10:00:00+08:00", "payload": {}});
        assert_eq!(check(&good).unwrap().kind, "join");
        let cases = [
            (json!([1]), "JSON object"),
            (
                json!({"kind": "join", "created_at": "t", "payload": {}}),
                "`id`",
            ),
            (
                json!({"id": "not-a-uuid", "kind": "join", "created_at": "t", "payload": {}}),
                "UUID v4",
            ),
            (
                json!({"id": ID.replace("-4f3b", "-1f3b"), "kind": "join", "created_at": "t", "payload": {}}),
                "UUID v4",
            ),
            (
                json!({"id": ID, "kind": "vote", "created_at": "t", "payload": {}}),
                "`kind`",
            ),
            (
                json!({"id": ID, "kind": "join", "created_at": "", "payload": {}}),
                "`created_at`",
            ),
            (
                json!({"id": ID, "kind": "join", "created_at": "t", "payload": "x"}),
                "`payload`",
            ),
        ];
        for (body, said) in cases {
            let err = check(&body).unwrap_err();
            assert!(err.contains(said), "{body}: {err}");
        }
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
