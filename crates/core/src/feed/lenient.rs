//! Reading a feed's list files item by item when they are not all good: one campaign
//! with `per_member: -1`, or one station with a misspelt field, costs that item, not
//! the whole file (and never the stations with it). How many were left out is counted,
//! so the app can say so.

use super::model::{
    Campaign, Campaigns, Coupons, IssuedCoupon, RequestStatus, Shard, Station, Statuses, Union,
    Unions,
};
use super::refusal::Refusal;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::BTreeMap;

/// A file that is `{ "<KEY>": [ item, … ] }`.
pub trait ListFile: Default + DeserializeOwned {
    /// The key of the list.
    const KEY: &'static str;
    type Item: DeserializeOwned;
    fn from_items(items: Vec<Self::Item>) -> Self;
}

impl ListFile for Campaigns {
    const KEY: &'static str = "campaigns";
    type Item = Campaign;
    fn from_items(campaigns: Vec<Campaign>) -> Self {
        Campaigns { campaigns }
    }
}

impl ListFile for Unions {
    const KEY: &'static str = "unions";
    type Item = Union;
    fn from_items(unions: Vec<Union>) -> Self {
        Unions { unions }
    }
}

impl ListFile for Statuses {
    const KEY: &'static str = "statuses";
    type Item = RequestStatus;
    fn from_items(statuses: Vec<RequestStatus>) -> Self {
        Statuses { statuses }
    }
}

impl ListFile for Coupons {
    const KEY: &'static str = "coupons";
    type Item = IssuedCoupon;
    fn from_items(coupons: Vec<IssuedCoupon>) -> Self {
        Coupons { coupons }
    }
}

/// Reads a list file: every item that parses, and how many did not. Only bytes that
/// are not a JSON object at all (or whose list is not a list) are refused:
/// `read_list::<Campaigns>(&bytes)?`.
pub fn read_list<F: ListFile>(bytes: &[u8]) -> Result<(F, usize), Refusal> {
    let Some(raw) = list_of(bytes, F::KEY)? else {
        return Ok((F::default(), 0));
    };
    let (items, skipped) = parse_items::<F::Item>(raw);
    Ok((F::from_items(items), skipped))
}

/// Refuses exactly the list files [`read_list`] refuses, without reading their items:
/// for an app that keeps a file for later and shows nothing of it (the stations app).
/// `check_list(&bytes, Campaigns::KEY)?`.
pub fn check_list(bytes: &[u8], key: &str) -> Result<(), Refusal> {
    list_of(bytes, key).map(|_| ())
}

/// The items of the list under `key` of a file `{ "<key>": [ … ] }`, each as its
/// text; `None` when the file has no such key. Refuses bytes that are not a JSON
/// object, or whose list is not a list.
fn list_of<'a>(bytes: &'a [u8], key: &str) -> Result<Option<Vec<&'a RawValue>>, Refusal> {
    let fields: BTreeMap<String, &RawValue> =
        serde_json::from_slice(bytes).map_err(|e| Refusal::Malformed(e.to_string()))?;
    fields.get(key).map(|list| raw_items(list)).transpose()
}

/// A JSON list's items, each as its text.
fn raw_items(list: &RawValue) -> Result<Vec<&RawValue>, Refusal> {
    // `from_slice`, not `from_str`: the same reader as everywhere else, so the wasm
    // carries one copy of each type's parser, not two.
    serde_json::from_slice(list.get().as_bytes()).map_err(|e| Refusal::Malformed(e.to_string()))
}

/// Every item that parses as `T`, and how many did not.
fn parse_items<T: DeserializeOwned>(raw: Vec<&RawValue>) -> (Vec<T>, usize) {
    let total = raw.len();
    let items: Vec<T> = raw
        .into_iter()
        .filter_map(|item| serde_json::from_slice(item.get().as_bytes()).ok())
        .collect();
    let skipped = total - items.len();
    (items, skipped)
}

/// A shard read station by station (after the strict read failed): its region and the
/// stations that parse, with how many did not in `skipped`.
pub(super) fn read_shard_items(bytes: &[u8]) -> Result<Shard, Refusal> {
    #[derive(Deserialize)]
    struct RawShard<'a> {
        region: String,
        #[serde(borrow)]
        stations: &'a RawValue,
    }
    let raw: RawShard =
        serde_json::from_slice(bytes).map_err(|e| Refusal::Malformed(e.to_string()))?;
    let (stations, skipped) = parse_items::<Station>(raw_items(raw.stations)?);
    Ok(Shard {
        region: raw.region,
        stations,
        skipped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_bad_campaign_costs_that_campaign_only() {
        let good = r#"{"id":"a","kind":"fitness","title":"健身券","valid_from":"2026-11-01","valid_until":"2026-11-30"}"#;
        let bad = r#"{"id":"b","kind":"fitness","title":"坏","valid_from":"2026-11-01","valid_until":"2026-11-30","per_member":-1}"#;
        let file = format!(r#"{{"campaigns":[{good},{bad},{good}]}}"#);
        let (c, skipped) = read_list::<Campaigns>(file.as_bytes()).unwrap();
        assert_eq!(c.campaigns.len(), 2);
        assert_eq!(skipped, 1);
        let (c, skipped) =
            read_list::<Campaigns>(format!(r#"{{"campaigns":[{good}]}}"#).as_bytes()).unwrap();
        assert_eq!((c.campaigns.len(), skipped), (1, 0));
        assert_eq!(read_list::<Unions>(b"{}").unwrap().0, Unions::default());
        assert!(read_list::<Statuses>(b"[1,2]").is_err());
        assert!(read_list::<Statuses>(br#"{"statuses":7}"#).is_err());
    }

    #[test]
    fn the_shape_check_refuses_what_the_reader_refuses() {
        for (file, ok) in [
            (&br#"{"campaigns":[{"id":"a"},7]}"#[..], true),
            (b"{}", true),
            (br#"{"other":[1]}"#, true),
            (b"[[]]", false),
            (b"[1,2]", false),
            (br#"{"campaigns":7}"#, false),
            (b"not json", false),
        ] {
            assert_eq!(check_list(file, Campaigns::KEY).is_ok(), ok, "{file:?}");
            assert_eq!(read_list::<Campaigns>(file).is_ok(), ok, "{file:?}");
        }
    }

    // proptest is native only (no randomness backend on wasm32).
    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        /// On any bytes, both return, and agree on whether the file is refused.
        #[test]
        fn check_and_read_agree(text in r#"[{}\[\]":,0-9a-z ]{0,40}"#) {
            let checked = check_list(text.as_bytes(), Unions::KEY).is_ok();
            let read = read_list::<Unions>(text.as_bytes()).is_ok();
            proptest::prop_assert_eq!(checked, read);
        }
    }
}
