//! What the app sends to a feed's intake (FEED.md "Intake"): one enum of request
//! kinds, each with its own payload type, so a request can never carry the wrong
//! fields. A new kind is a new variant here (and its words in the app's i18n).

use crate::vocab::ReportProblem;
use serde::{Deserialize, Serialize};

/// A request as FEED.md's envelope carries it: `kind` plus `payload`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "payload", rename_all = "snake_case")]
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
    fn requests_serialise_as_kind_and_payload() {
        let r = Request::Report(Report {
            station_id: "371500-0001".into(),
            problem: ReportProblem::Moved,
            note: "搬到对面".into(),
        });
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["kind"], "report");
        assert_eq!(v["payload"]["problem"], "moved");
        assert_eq!(serde_json::from_value::<Request>(v).unwrap(), r);
        let transfer: Request = serde_json::from_str(
            r#"{"kind":"transfer","payload":{"name":"王五","phone":"13912345678",
            "id_number":"11010519491231002X","occupation":"courier","union":"u1",
            "from_union":"旧工会"}}"#,
        )
        .unwrap();
        assert_eq!(transfer.kind(), "transfer");
        let app = transfer.application().unwrap();
        assert_eq!(app.from_union.as_deref(), Some("旧工会"));
        assert_eq!(app.employer, "");
        // An unknown kind is an error, not a silently wrong request.
        assert!(serde_json::from_str::<Request>(r#"{"kind":"vote","payload":{}}"#).is_err());
    }
}
