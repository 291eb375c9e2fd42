//! The `statuses` file that `build` publishes (FEED.md: `ref` = SHA-256 of the request
//! id, never the id): `received` until decided, then the decision, with the member
//! number and the card signed by the union for an approval. A request that carried a
//! `reply_key` gets a sealed entry (`{ "ref", "box" }`) that only its device opens, so
//! the public file names nobody.

use super::{answered, held};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;
use yizhan_core::feed::check::sha256_hex;
use yizhan_core::feed::SignedCard;
use yizhan_core::request::Request;
use yizhan_core::seal::{key_bytes, seal_answer, SealedAnswer};
use yizhan_core::vocab::RequestState;

/// How the union signs the cards of approved requests: its key file's text and the
/// date the cards are valid until.
pub struct CardSigning<'a> {
    pub key_file_text: &'a str,
    pub valid_until: &'a str,
}

/// The `statuses` file for `build`: every join, transfer, card and claim request held
/// without a problem, `received` until decided, then the decision (an approval with
/// its member number and, when `signing` is given, the card signed by the union);
/// sealed under the request's `reply_key` when it carried one.
pub fn statuses(db: &Connection, signing: Option<&CardSigning>) -> Result<Value, String> {
    let mut requests = held(db, false)?;
    requests.retain(|h| answered(&h.request));
    requests.sort_by(|a, b| a.id.cmp(&b.id));
    let mut list = Vec::with_capacity(requests.len());
    for h in requests {
        let decision: Option<(String, Option<String>, Option<String>, String)> = db
            .query_row(
                "SELECT decision, member_no, note, decided_at FROM decisions WHERE id = ?1",
                params![h.id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()
            .map_err(|e| e.to_string())?;
        let (state, member_no, note, updated) = match decision {
            Some((state, member_no, note, at)) => (state, member_no, note, at),
            None => ("received".to_string(), None, None, h.received_at.clone()),
        };
        let approved = state == "approved";
        let member_no = member_no.filter(|_| approved && !matches!(h.request, Request::Claim(_)));
        let card = match (&member_no, signing) {
            (Some(no), Some(signing)) => Some(sign_card(&h.request, no, signing)?),
            _ => None,
        };
        let reference = sha256_hex(h.id.as_bytes());
        let answer = SealedAnswer {
            state: RequestState::from_word(&state),
            note,
            member_no,
            card,
            updated: Some(updated),
        };
        let entry = match h.reply_key.as_deref().and_then(key_bytes) {
            Some(key) => {
                let json = serde_json::to_vec(&answer).map_err(|e| e.to_string())?;
                let mut nonce = [0u8; 12];
                getrandom::getrandom(&mut nonce).map_err(|e| e.to_string())?;
                serde_json::json!({
                    "ref": reference,
                    "box": seal_answer(&key, &reference, &json, nonce),
                })
            }
            None => {
                let mut entry = serde_json::to_value(&answer).map_err(|e| e.to_string())?;
                entry["ref"] = Value::from(reference);
                entry
            }
        };
        list.push(entry);
    }
    Ok(serde_json::json!({ "statuses": list }))
}

/// A card's `valid_until` (the CLI's `--card-valid-until`, the page's
/// `card_valid_until`): a real date, `YYYY-MM-DD`, not before `today` (`YYYY-MM-DD`).
/// A card whose date no venue can read must never be signed.
pub fn check_valid_until(until: &str, today: &str) -> Result<(), String> {
    let day = yizhan_core::time::parse_date(until)
        .filter(|_| until.len() == 10)
        .ok_or(format!("card valid until {until}: not a date YYYY-MM-DD"))?;
    let today = yizhan_core::time::parse_date(today).unwrap_or(day);
    if day < today {
        return Err(format!("card valid until {until}: that day has passed"));
    }
    Ok(())
}

/// The card of an approved request, signed with the union's key: the name and union
/// as the request gave them, the member number as the clerk recorded it; refused when
/// any of them holds a control character ([`yizhan_core::text::has_control`]).
fn sign_card(
    request: &Request,
    member_no: &str,
    signing: &CardSigning,
) -> Result<SignedCard, String> {
    let (name, union) = match request {
        Request::Join(a) | Request::Transfer(a) => (a.name.clone(), a.union.clone()),
        Request::Card(c) => (c.name.clone(), c.union.clone()),
        Request::Claim(_) | Request::Report(_) | Request::Redeem(_) | Request::Supplement(_) => {
            return Err("only a join, transfer or card request gets a card".into())
        }
    };
    // Defence in depth: the intake and the desk's opening refuse these already, but a
    // request held by an older desk, or a number typed past the sheet's check, would
    // sign a card whose lines no venue reads. Nothing is signed, and the build stops.
    for (field, value) in [
        ("name", name.as_str()),
        ("member number", member_no),
        ("union", union.as_str()),
        ("valid-until date", signing.valid_until),
    ] {
        if yizhan_core::text::has_control(value) {
            return Err(format!(
                "not signing a card whose {field} holds a line break, tab or other control \
                 character ({value:?}): no venue could read it; decide the request as rejected \
                 (and ask the worker to send it again), then publish again"
            ));
        }
    }
    let text = yizhan_core::card::signed_text(member_no, &name, &union, signing.valid_until);
    let sig = crate::keys::sign(signing.key_file_text, text.as_bytes())?;
    Ok(SignedCard {
        member_no: member_no.to_string(),
        name,
        union,
        valid_until: signing.valid_until.to_string(),
        sig,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use yizhan_core::request::{Application, CardRequest};

    #[test]
    fn a_name_number_or_union_with_a_control_character_is_never_signed() {
        let (secret, _) = crate::keys::generate().unwrap();
        let signing = CardSigning {
            key_file_text: &secret,
            valid_until: "2099-12-31",
        };
        let join = |name: &str, union: &str| {
            Request::Join(Application {
                name: name.into(),
                union: union.into(),
                ..Application::default()
            })
        };
        let card = sign_card(
            &join("张三", "371500-express"),
            "3715002026000777",
            &signing,
        );
        assert_eq!(card.unwrap().name, "张三");
        for (request, member_no, field) in [
            (join("张\n三", "371500-express"), "3715002026000777", "name"),
            (join("张三\t", "371500-express"), "3715002026000777", "name"),
            (
                join("张三", "371500\r\n-express"),
                "3715002026000777",
                "union",
            ),
            (
                join("张三", "371500-express"),
                "3715002026\n000777",
                "member number",
            ),
            (
                Request::Card(CardRequest {
                    name: "钱\u{0}七".into(),
                    member_no: "3715002026000999".into(),
                    union: "371500-express".into(),
                    id_number: "11010519491231003X".into(),
                }),
                "3715002026000999",
                "name",
            ),
        ] {
            let err = sign_card(&request, member_no, &signing).unwrap_err();
            assert!(
                err.contains(field) && err.contains("control character"),
                "{err}"
            );
        }
    }
}
