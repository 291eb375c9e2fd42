//! How an app reads the feed's list files (campaigns, unions, statuses, coupons) once
//! their hashes are checked. The whole app reads every item ([`read_list_into`]). The
//! stations app shows none of them: it refuses exactly the files the whole app would
//! refuse, keeps them on the device, and reads nothing ([`check_list_only`]), so their
//! readers stay out of its wasm; the whole app reads the device's copy when it starts.
//!
//! Each file is read on its own: one that cannot be had or read costs that file only.

use super::FeedData;
use std::sync::Arc;
use yizhan_core::feed::{
    check_list, read_list, Campaigns, Coupons, ListFile, Refusal, Statuses, Unions,
};

/// Reads list file `which` (0 campaigns, 1 unions, 2 statuses, 3 coupons) into the
/// shown data, or refuses it and leaves the data as it was. One of [`read_list_into`]
/// and [`check_list_only`], chosen by the app (`Shell`'s `lists`).
pub type ListReader = fn(&mut FeedData, usize, &[u8]) -> Result<(), Refusal>;

/// Reads every item of list file `which` into `data` (the whole app):
/// `read_list_into(&mut data, 0, br#"{"campaigns":[]}"#)?`.
pub fn read_list_into(data: &mut FeedData, which: usize, bytes: &[u8]) -> Result<(), Refusal> {
    fn put<T: ListFile>(bytes: &[u8], list: &mut Arc<T>) -> Result<usize, Refusal> {
        let (read, skipped) = read_list::<T>(bytes)?;
        *list = Arc::new(read);
        Ok(skipped)
    }
    data.skipped[which] = match which {
        0 => put(bytes, &mut data.campaigns),
        1 => put(bytes, &mut data.unions),
        2 => put(bytes, &mut data.statuses),
        _ => put(bytes, &mut data.coupons),
    }?;
    Ok(())
}

/// Refuses what [`read_list_into`] would refuse and reads nothing (the stations app):
/// `check_list_only(&mut data, 0, &bytes)?`.
pub fn check_list_only(_: &mut FeedData, which: usize, bytes: &[u8]) -> Result<(), Refusal> {
    let keys = [Campaigns::KEY, Unions::KEY, Statuses::KEY, Coupons::KEY];
    check_list(bytes, keys[which])
}
