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
    // The fast path: a file that is all good.
    if let Ok(file) = serde_json::from_slice::<F>(bytes) {
        return Ok((file, 0));
    }
    let fields: BTreeMap<String, &RawValue> =
        serde_json::from_slice(bytes).map_err(|e| Refusal::Malformed(e.to_string()))?;
    let Some(list) = fields.get(F::KEY) else {
        return Ok((F::default(), 0));
    };
    let (items, skipped) = read_items::<F::Item>(list)?;
    Ok((F::from_items(items), skipped))
}

/// Every item of a JSON list that parses as `T`, and how many did not.
fn read_items<T: DeserializeOwned>(list: &RawValue) -> Result<(Vec<T>, usize), Refusal> {
    // `from_slice`, not `from_str`: the same reader as the strict path, so the wasm
    // carries one copy of each type's parser, not two.
    let raw: Vec<&RawValue> = serde_json::from_slice(list.get().as_bytes())
        .map_err(|e| Refusal::Malformed(e.to_string()))?;
    let total = raw.len();
    let mut items: Vec<T> = Vec::with_capacity(total);
    for item in raw {
        if let Ok(value) = serde_json::from_slice(item.get().as_bytes()) {
            items.push(value);
        }
    }
    let skipped = total - items.len();
    Ok((items, skipped))
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
    let (stations, skipped) = read_items::<Station>(raw.stations)?;
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
}
