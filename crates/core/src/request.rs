//! What the app sends to a feed's intake (FEED.md "Intake"): one enum of request
//! kinds, each with its own payload type, so a request can never carry the wrong
//! fields. A new kind is a new variant here (and its words in the app's i18n).
//! Longer than 400 lines because a third of it is the tests beside the rules (every field
//! and kind checked).

use crate::feed::SignedCard;
use crate::vocab::ReportProblem;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// A request as FEED.md's envelope carries it: `kind` plus `payload`
/// ([`Request::from_parts`], [`Request::payload`]). Not serde-tagged on purpose:
/// serde's tagged and flattened enums buffer through a generic `Content` type that
/// costs the wasm about 40 KB. The payload stays raw JSON text (`RawValue`), read and
/// written by the same serde_json code as everything else: `serde_json::Value` would
/// bring its own parser, printer and map into the wasm.
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
    /// The worker's answer to a `needs_info`: what the union asked for, tied to the
    /// request it completes (this project's addition to FEED.md).
    Supplement(Supplement),
}

/// Every intake kind (FEED.md, with the union desk's and this project's additions).
pub const KINDS: [&str; 7] = [
    "join",
    "transfer",
    "claim",
    "report",
    "card",
    "redeem",
    "supplement",
];

/// Whether requests of `kind` carry personal data and so leave the device sealed when
/// the feed has a desk key (FEED.md: all but `report`): `must_be_sealed("join")`.
pub fn must_be_sealed(kind: &str) -> bool {
    KINDS.contains(&kind) && kind != "report"
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
            Request::Supplement(_) => "supplement",
        }
    }

    /// The envelope's `payload` as JSON text: `request.payload().get()` is
    /// `{"station_id":…}` for a report.
    pub fn payload(&self) -> Box<RawValue> {
        use serde_json::value::to_raw_value;
        let value = match self {
            Request::Join(a) | Request::Transfer(a) => to_raw_value(a),
            Request::Claim(c) => to_raw_value(c),
            Request::Report(r) => to_raw_value(r),
            Request::Card(c) => to_raw_value(c),
            Request::Redeem(r) => to_raw_value(r),
            Request::Supplement(s) => to_raw_value(s),
        };
        // Plain structs of strings always serialise.
        value.unwrap_or_else(|_| RawValue::NULL.to_owned())
    }

    /// The request of an envelope's `kind` and `payload`; `None` for an unknown kind
    /// or a payload without its fields: `Request::from_parts("report", &payload)`.
    pub fn from_parts(kind: &str, payload: &RawValue) -> Option<Request> {
        // from_slice, as every other JSON in the app is read (one reader in the wasm).
        let json = payload.get().as_bytes();
        Some(match kind {
            "join" => Request::Join(serde_json::from_slice(json).ok()?),
            "transfer" => Request::Transfer(serde_json::from_slice(json).ok()?),
            "claim" => Request::Claim(
                serde_json::from_slice::<StoredClaim>(json)
                    .ok()?
                    .into_claim()?,
            ),
            "report" => Request::Report(serde_json::from_slice(json).ok()?),
            "card" => Request::Card(serde_json::from_slice(json).ok()?),
            "redeem" => Request::Redeem(serde_json::from_slice(json).ok()?),
            "supplement" => Request::Supplement(serde_json::from_slice(json).ok()?),
            _ => return None,
        })
    }

    /// The first required field this request leaves empty, named as the payload names
    /// it (`None` when every one is filled): `request.missing()`. What a careless or
    /// hostile client sends as `{"name": ""}` is refused by the intake with this name.
    pub fn missing(&self) -> Option<&'static str> {
        let empty = |fields: &[(&'static str, &str)]| {
            fields
                .iter()
                .find(|(_, value)| value.trim().is_empty())
                .map(|(name, _)| *name)
        };
        match self {
            Request::Join(a) | Request::Transfer(a) => empty(&[
                ("name", &a.name),
                ("phone", &a.phone),
                ("id_number", &a.id_number),
                ("occupation", &a.occupation),
                ("union", &a.union),
            ])
            .or_else(|| {
                matches!(self, Request::Transfer(_))
                    .then(|| a.from_union.as_deref().unwrap_or(""))
                    .filter(|from| from.trim().is_empty())
                    .map(|_| "from_union")
            }),
            Request::Claim(c) => empty(&[
                ("campaign_id", &c.campaign_id),
                ("coupon_id", &c.coupon_id),
                ("code_ref", &c.code_ref),
            ]),
            Request::Report(r) => empty(&[("station_id", &r.station_id)]),
            Request::Card(c) => empty(&[
                ("name", &c.name),
                ("member_no", &c.member_no),
                ("union", &c.union),
                ("id_number", &c.id_number),
            ]),
            Request::Redeem(r) => empty(&[
                ("code_ref", &r.code_ref),
                ("campaign", &r.campaign),
                ("used_at", &r.used_at),
            ]),
            Request::Supplement(s) => empty(&[("of", &s.of), ("note", &s.note)]),
        }
    }

    /// The first text field holding a line break, a tab or another control character
    /// ([`crate::text::has_control`]), named as the payload names it (`None` when
    /// every one is clean): `request.with_control()`, [`Request::missing`]'s sibling,
    /// checked wherever a request enters (the intake's envelope, the desk's opening).
    /// A card's signed text has one field a line, so a name like `"张\n三"` would
    /// sign a card no venue reads. A report's `note` is free text, shown as text and
    /// never signed: it keeps its line breaks and tabs (a note over two lines is a
    /// note), and only the other control characters are refused; so does a
    /// supplement's `note` (a sheet quotes a cell over two lines, and its cells are
    /// never formulas: see the desk's `sheet`).
    pub fn with_control(&self) -> Option<&'static str> {
        use crate::text::{has_control, has_control_beyond_lines};
        let first = |fields: &[(&'static str, &str)]| {
            fields
                .iter()
                .find(|(_, value)| has_control(value))
                .map(|(name, _)| *name)
        };
        let card = |c: &Option<SignedCard>| {
            c.as_ref().and_then(|c| {
                first(&[
                    ("card.member_no", &c.member_no),
                    ("card.name", &c.name),
                    ("card.union", &c.union),
                    ("card.valid_until", &c.valid_until),
                    ("card.sig", &c.sig),
                ])
            })
        };
        match self {
            Request::Join(a) | Request::Transfer(a) => first(&[
                ("name", &a.name),
                ("phone", &a.phone),
                ("id_number", &a.id_number),
                ("occupation", &a.occupation),
                ("employer", &a.employer),
                ("union", &a.union),
                ("from_union", a.from_union.as_deref().unwrap_or("")),
            ]),
            Request::Claim(c) => first(&[
                ("campaign_id", &c.campaign_id),
                ("coupon_id", &c.coupon_id),
                ("code_ref", &c.code_ref),
                ("member_no", c.member_no.as_deref().unwrap_or("")),
            ])
            .or_else(|| card(&c.card)),
            Request::Report(r) => first(&[("station_id", &r.station_id)])
                .or_else(|| has_control_beyond_lines(&r.note).then_some("note")),
            Request::Card(c) => first(&[
                ("name", &c.name),
                ("member_no", &c.member_no),
                ("union", &c.union),
                ("id_number", &c.id_number),
            ]),
            Request::Redeem(r) => first(&[
                ("code", r.code.as_deref().unwrap_or("")),
                ("code_ref", &r.code_ref),
                ("campaign", &r.campaign),
                ("venue", &r.venue),
                ("used_at", &r.used_at),
            ]),
            Request::Supplement(s) => first(&[("of", &s.of)])
                .or_else(|| has_control_beyond_lines(&s.note).then_some("note")),
        }
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

/// A claim as stored: one from an app from before the union desk carries the code
/// itself; it is sent as the code's reference instead, and the code is dropped.
#[derive(Deserialize)]
struct StoredClaim {
    campaign_id: String,
    coupon_id: String,
    #[serde(default)]
    code_ref: Option<String>,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    member_no: Option<String>,
    #[serde(default)]
    card: Option<SignedCard>,
}

impl StoredClaim {
    /// `None` when it has neither the reference nor the code.
    fn into_claim(self) -> Option<Claim> {
        let code_ref = self
            .code_ref
            .or_else(|| self.code.map(|code| crate::coupon_code::code_ref(&code)))?;
        Some(Claim {
            campaign_id: self.campaign_id,
            coupon_id: self.coupon_id,
            code_ref,
            member_no: self.member_no,
            card: self.card,
        })
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
    /// Made on a shared kiosk, which keeps nothing: the worker is told the union
    /// answers on the phone number given, and the desk shows the clerk to call
    /// (this project's addition).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub answer_by_phone: bool,
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
    /// The worker's card as the union signed it: what a members-only campaign is
    /// claimed with (FEED.md: a typed-in card cannot claim those).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<SignedCard>,
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
    /// The code itself, as typed or scanned: the proof the venue saw the coupon
    /// (FEED.md: refs are public, so a redeem without the code counts for nothing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub code_ref: String,
    pub campaign: String,
    pub venue: String,
    /// China-local time, RFC 3339.
    pub used_at: String,
}

/// The worker's answer to a request the union marked `needs_info`: `of` is that
/// request's id, which only the device that made it knows (the public `ref` is its
/// hash), so nobody else can answer for it. Sealed like the request it completes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Supplement {
    pub of: String,
    pub note: String,
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
    use serde_json::{json, Value};

    /// A JSON value as a payload.
    fn raw(v: Value) -> Box<RawValue> {
        serde_json::value::to_raw_value(&v).unwrap()
    }

    /// A payload as a JSON value, to look into.
    fn value(r: &RawValue) -> Value {
        serde_json::from_str(r.get()).unwrap()
    }

    #[test]
    fn requests_are_a_kind_and_a_payload() {
        let r = Request::Report(Report {
            station_id: "371500-0001".into(),
            problem: ReportProblem::Moved,
            note: "搬到对面".into(),
        });
        assert_eq!(r.kind(), "report");
        let payload = r.payload();
        assert_eq!(value(&payload)["problem"], "moved");
        assert_eq!(Request::from_parts("report", &payload), Some(r.clone()));
        let transfer = Request::from_parts(
            "transfer",
            &raw(json!({"name":"王五","phone":"13912345678",
            "id_number":"11010519491231002X","occupation":"courier","union":"u1",
            "from_union":"旧工会"})),
        )
        .unwrap();
        assert_eq!(transfer.kind(), "transfer");
        let app = transfer.application().unwrap();
        assert_eq!(app.from_union.as_deref(), Some("旧工会"));
        assert_eq!(app.employer, "");
        let redeem = Request::Redeem(Redemption {
            code: Some("ABCD-EFGH".into()),
            code_ref: "ab".repeat(32),
            campaign: "fit".into(),
            venue: "文化宫".into(),
            used_at: "2026-11-23T10:00:00+08:00".into(),
        });
        assert_eq!(redeem.kind(), "redeem");
        assert_eq!(value(&redeem.payload())["code_ref"], "ab".repeat(32));
        assert_eq!(
            Request::from_parts("redeem", &redeem.payload()),
            Some(redeem.clone())
        );
        let legacy = Request::from_parts(
            "claim",
            &raw(json!({"campaign_id":"fit","coupon_id":"c1","code":"ABCD-EFGH"})),
        )
        .unwrap();
        assert!(
            !legacy.payload().get().contains("ABCD"),
            "the code never leaves"
        );
        assert_eq!(
            value(&legacy.payload())["code_ref"],
            crate::coupon_code::code_ref("ABCDEFGH")
        );
        let supplement = Request::from_parts(
            "supplement",
            &raw(json!({"of":"0b5e…-id","note":"单位：某某快递\n站点：东昌府"})),
        )
        .unwrap();
        assert_eq!(supplement.kind(), "supplement");
        assert_eq!(supplement.with_control(), None, "a note keeps its lines");
        assert_eq!(
            Request::from_parts("supplement", &supplement.payload()),
            Some(supplement.clone())
        );
        let unanswered = Request::from_parts("supplement", &raw(json!({"of":"x","note":" "})));
        assert_eq!(unanswered.unwrap().missing(), Some("note"));
        let tabbed = Request::from_parts("supplement", &raw(json!({"of":"a\tb","note":"n"})));
        assert_eq!(tabbed.unwrap().with_control(), Some("of"));
        // Every kind is in KINDS, and KINDS is every kind.
        for r in [&r, &transfer, &redeem, &legacy, &supplement] {
            assert!(KINDS.contains(&r.kind()));
        }
        assert!(must_be_sealed("join") && must_be_sealed("redeem"));
        assert!(must_be_sealed("supplement"));
        assert!(!must_be_sealed("report") && !must_be_sealed("vote"));
        assert_eq!(r.missing(), None);
        assert_eq!(transfer.missing(), None);
        let blank = Request::from_parts(
            "join",
            &raw(json!({"name":" ","phone":"","id_number":"","occupation":"","union":""})),
        )
        .unwrap();
        assert_eq!(blank.missing(), Some("name"));
        let no_from = Request::from_parts(
            "transfer",
            &raw(json!({"name":"王五","phone":"13912345678",
            "id_number":"11010519491231002X","occupation":"courier","union":"u1"})),
        )
        .unwrap();
        assert_eq!(no_from.missing(), Some("from_union"));
        // A line break, a tab or another control character is named by its field;
        // a report's note keeps its lines.
        assert_eq!(transfer.with_control(), None);
        let broken = |kind: &str, v: Value| Request::from_parts(kind, &raw(v)).unwrap();
        let join = |field: &str, value: &str| {
            let mut v = json!({"name":"张三","phone":"13912345678",
                "id_number":"11010519491231002X","occupation":"courier","union":"u1",
                "employer":"某某快递","from_union":"旧工会"});
            v[field] = json!(value);
            broken("transfer", v)
        };
        for field in [
            "name",
            "phone",
            "id_number",
            "occupation",
            "employer",
            "union",
            "from_union",
        ] {
            assert_eq!(join(field, "a\nb").with_control(), Some(field));
            assert_eq!(join(field, "a\tb").with_control(), Some(field));
        }
        assert_eq!(join("name", "Anna Li").with_control(), None);
        assert_eq!(
            join("name", "张\n三").missing(),
            None,
            "not empty, but refused"
        );
        let card = broken(
            "card",
            json!({"name":"钱七","member_no":"37150\r","union":"u1",
            "id_number":"11010519491231003X"}),
        );
        assert_eq!(card.with_control(), Some("member_no"));
        let claim = broken(
            "claim",
            json!({"campaign_id":"fit","coupon_id":"c1",
            "code_ref":"r1","card":{"member_no":"1","name":"张\n三","union":"u1",
            "valid_until":"2027-12-31","sig":"x"}}),
        );
        assert_eq!(claim.with_control(), Some("card.name"));
        let note = |note: &str| {
            broken(
                "report",
                json!({"station_id":"371500-0001","problem":"moved","note":note}),
            )
            .with_control()
        };
        assert_eq!(note("搬了\n在对面\t二楼"), None);
        assert_eq!(note("\u{1b}[2J"), Some("note"));
        let redeem = broken(
            "redeem",
            json!({"code":"ABCD\u{0}","code_ref":"r","campaign":"fit",
            "venue":"v","used_at":"2026-11-23T10:00:00+08:00"}),
        );
        assert_eq!(redeem.with_control(), Some("code"));
        // An unknown kind, or a payload without its fields, is refused.
        assert_eq!(Request::from_parts("vote", &raw(json!({}))), None);
        assert_eq!(Request::from_parts("claim", &raw(json!({"x": 1}))), None);
        // A stored claim that has its reference keeps it, and drops a stray code.
        let both = Request::from_parts(
            "claim",
            &raw(json!({"campaign_id":"fit","coupon_id":"c1","code_ref":"r1","code":"X"})),
        )
        .unwrap();
        assert_eq!(value(&both.payload())["code_ref"], "r1");
        assert!(!both.payload().get().contains("\"code\""));
        // A payload that is not an object is refused, not a panic.
        assert_eq!(Request::from_parts("join", RawValue::NULL), None);
    }
}
