//! What the app sends to a feed's intake (FEED.md "Intake"): one enum of request
//! kinds, each with its own payload type, so a request can never carry the wrong
//! fields. A new kind is a new variant here (and its words in the app's i18n).

use crate::vocab::ReportProblem;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A request as FEED.md's envelope carries it: `kind` plus `payload`
/// ([`Request::from_parts`], [`Request::payload`]). Not serde-tagged on purpose:
/// serde's tagged and flattened enums buffer through a generic `Content` type that
/// costs the wasm about 40 KB; going through `serde_json::Value` costs nothing new.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// Join a union (入会).
    Join(Application),
    /// Transfer membership (转会).
    Transfer(Application),
    /// A coupon claimed on this device.
    Claim(Claim),
    /// A problem with a station (this project's addition to FEED.md).
    Report(Report),
    /// An existing member asks for a card signed by the union.
    Card(CardRequest),
    /// A venue records a coupon as used.
    Redeem(Redemption),
}

impl Request {
    /// The envelope's `kind`: `Request::Claim(c).kind() == "claim"`.
    pub fn kind(&self) -> &'static str {
        match self {
            Request::Join(_) => "join",
            Request::Transfer(_) => "transfer",
            Request::Claim(_) => "claim",
            Request::Report(_) => "report",
            Request::Card(_) => "card",
            Request::Redeem(_) => "redeem",
        }
    }

    /// The envelope's `payload` as JSON: `request.payload()["station_id"]`.
    pub fn payload(&self) -> Value {
        let value = match self {
            Request::Join(a) | Request::Transfer(a) => serde_json::to_value(a),
            Request::Claim(c) => serde_json::to_value(c),
            Request::Report(r) => serde_json::to_value(r),
            Request::Card(c) => serde_json::to_value(c),
            Request::Redeem(r) => serde_json::to_value(r),
        };
        // Plain structs of strings always serialise.
        value.unwrap_or_default()
    }

    /// The request of an envelope's `kind` and `payload`; `None` for an unknown kind
    /// or a payload without its fields: `Request::from_parts("report", payload)`.
    pub fn from_parts(kind: &str, payload: Value) -> Option<Request> {
        Some(match kind {
            "join" => Request::Join(serde_json::from_value(payload).ok()?),
            "transfer" => Request::Transfer(serde_json::from_value(payload).ok()?),
            "claim" => Request::Claim(serde_json::from_value(legacy_claim(payload)).ok()?),
            "report" => Request::Report(serde_json::from_value(payload).ok()?),
            "card" => Request::Card(serde_json::from_value(payload).ok()?),
            "redeem" => Request::Redeem(serde_json::from_value(payload).ok()?),
            _ => return None,
        })
    }

    /// The union a request goes to, for the kinds the union desk decides (join,
    /// transfer, card); else `None`: `request.union()`.
    pub fn union(&self) -> Option<&str> {
        match self {
            Request::Join(a) | Request::Transfer(a) => Some(&a.union),
            Request::Card(c) => Some(&c.union),
            _ => None,
        }
    }

    /// The application of a join or transfer request, else `None`.
    pub fn application(&self) -> Option<&Application> {
        match self {
            Request::Join(a) | Request::Transfer(a) => Some(a),
            _ => None,
        }
    }
}

/// A claim stored by an app from before the union desk carries the code itself: it
/// is sent as the code's reference instead, and the code is dropped.
fn legacy_claim(mut payload: Value) -> Value {
    if let Some(fields) = payload.as_object_mut() {
        if let Some(Value::String(code)) = fields.remove("code") {
            fields
                .entry("code_ref")
                .or_insert_with(|| Value::from(crate::coupon_code::code_ref(&code)));
        }
    }
    payload
}

/// An application to join or transfer: FEED.md's application fields, normalised.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    pub name: String,
    pub phone: String,
    pub id_number: String,
    pub occupation: String,
    #[serde(default)]
    pub employer: String,
    /// The id of the union it goes to (from the feed's `unions`).
    pub union: String,
    /// For a transfer: the union it comes from, as the worker wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_union: Option<String>,
}

/// A coupon claim. It carries the code's reference ([`crate::coupon_code::code_ref`]),
/// never the code: only the claiming device holds that.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    pub campaign_id: String,
    pub coupon_id: String,
    pub code_ref: String,
    #[serde(default)]
    pub member_no: Option<String>,
}

/// An existing member's request for a card signed by the union (FEED.md `card`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardRequest {
    pub name: String,
    pub member_no: String,
    /// The id of the member's union (from the feed's `unions`).
    pub union: String,
    pub id_number: String,
}

/// A venue's record that a coupon was used (FEED.md `redeem`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redemption {
    pub code_ref: String,
    pub campaign: String,
    pub venue: String,
    /// China-local time, RFC 3339.
    pub used_at: String,
}

/// A problem reported with a station.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub station_id: String,
    pub problem: ReportProblem,
    #[serde(default)]
    pub note: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_a_kind_and_a_payload() {
        let r = Request::Report(Report {
            station_id: "371500-0001".into(),
            problem: ReportProblem::Moved,
            note: "搬到对面".into(),
        });
        assert_eq!(r.kind(), "report");
        let payload = r.payload();
        assert_eq!(payload["problem"], "moved");
        assert_eq!(Request::from_parts("report", payload), Some(r));
        let transfer = Request::from_parts(
            "transfer",
            serde_json::json!({"name":"王五","phone":"13912345678",
            "id_number":"11010519491231002X","occupation":"courier","union":"u1",
            "from_union":"旧工会"}),
        )
        .unwrap();
        assert_eq!(transfer.kind(), "transfer");
        let app = transfer.application().unwrap();
        assert_eq!(app.from_union.as_deref(), Some("旧工会"));
        assert_eq!(app.employer, "");
        let redeem = Request::Redeem(Redemption {
            code_ref: "ab".repeat(32),
            campaign: "fit".into(),
            venue: "文化宫".into(),
            used_at: "2026-11-23T10:00:00+08:00".into(),
        });
        assert_eq!(redeem.kind(), "redeem");
        assert_eq!(redeem.payload()["code_ref"], "ab".repeat(32));
        assert_eq!(
            Request::from_parts("redeem", redeem.payload()),
            Some(redeem)
        );
        let legacy = Request::from_parts(
            "claim",
            serde_json::json!({"campaign_id":"fit","coupon_id":"c1","code":"ABCD-EFGH"}),
        )
        .unwrap();
        assert!(
            !legacy.payload().to_string().contains("ABCD"),
            "the code never leaves"
        );
        assert_eq!(
            legacy.payload()["code_ref"],
            crate::coupon_code::code_ref("ABCDEFGH")
        );
        // An unknown kind, or a payload without its fields, is refused.
        assert_eq!(Request::from_parts("vote", serde_json::json!({})), None);
        assert_eq!(
            Request::from_parts("claim", serde_json::json!({"x": 1})),
            None
        );
    }
}
