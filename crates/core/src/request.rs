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
}

impl Request {
    /// The envelope's `kind`: `Request::Claim(c).kind() == "claim"`.
    pub fn kind(&self) -> &'static str {
        match self {
            Request::Join(_) => "join",
            Request::Transfer(_) => "transfer",
            Request::Claim(_) => "claim",
            Request::Report(_) => "report",
        }
    }

    /// The envelope's `payload` as JSON: `request.payload()["station_id"]`.
    pub fn payload(&self) -> Value {
        let value = match self {
            Request::Join(a) | Request::Transfer(a) => serde_json::to_value(a),
            Request::Claim(c) => serde_json::to_value(c),
            Request::Report(r) => serde_json::to_value(r),
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
            "claim" => Request::Claim(serde_json::from_value(payload).ok()?),
            "report" => Request::Report(serde_json::from_value(payload).ok()?),
            _ => return None,
        })
    }

    /// The application of a join or transfer request, else `None`.
    pub fn application(&self) -> Option<&Application> {
        match self {
            Request::Join(a) | Request::Transfer(a) => Some(a),
            _ => None,
        }
    }
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

/// A coupon claim.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    pub campaign_id: String,
    pub coupon_id: String,
    pub code: String,
    #[serde(default)]
    pub member_no: Option<String>,
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
        // An unknown kind, or a payload without its fields, is refused.
        assert_eq!(Request::from_parts("vote", serde_json::json!({})), None);
        assert_eq!(
            Request::from_parts("claim", serde_json::json!({"x": 1})),
            None
        );
    }
}
