//! How an app reads the feed's list files (campaigns, unions, statuses, coupons) once
//! their hashes are checked. The whole app reads every item ([`read_lists`]). The
//! stations app shows none of them: it refuses exactly the files the whole app would
//! refuse, keeps them on the device, and reads nothing ([`check_lists`]), so their
//! readers stay out of its wasm; the whole app reads the device's copy when it starts.

use yizhan_core::feed::{
    check_list, read_list, Campaigns, Coupons, ListFile, Refusal, Statuses, Unions,
};

/// The four list files, in the order campaigns, unions, statuses, coupons: each as
/// `(its path in the manifest, its bytes)`, `None` where the manifest names none.
pub type ListFiles<'a> = [Option<(&'a str, &'a [u8])>; 4];

/// The lists as the app holds them in memory.
#[derive(Default)]
pub struct Lists {
    pub campaigns: Campaigns,
    pub unions: Unions,
    pub statuses: Statuses,
    pub coupons: Coupons,
    /// Items that could not be read and are left out.
    pub skipped: usize,
}

/// One of [`read_lists`] and [`check_lists`], chosen by the app (`Shell`'s `lists`).
pub type ListReader = fn(ListFiles) -> Result<Lists, Refusal>;

/// Reads every item of the list files: `read_lists(files)?` (the whole app).
pub fn read_lists([campaigns, unions, statuses, coupons]: ListFiles) -> Result<Lists, Refusal> {
    let (campaigns, c) = read_one::<Campaigns>(campaigns)?;
    let (unions, u) = read_one::<Unions>(unions)?;
    let (statuses, s) = read_one::<Statuses>(statuses)?;
    let (coupons, k) = read_one::<Coupons>(coupons)?;
    Ok(Lists {
        campaigns,
        unions,
        statuses,
        coupons,
        skipped: c + u + s + k,
    })
}

/// Refuses what [`read_lists`] would refuse and reads nothing: `check_lists(files)?`
/// (the stations app).
pub fn check_lists(files: ListFiles) -> Result<Lists, Refusal> {
    let keys = [Campaigns::KEY, Unions::KEY, Statuses::KEY, Coupons::KEY];
    for (file, key) in files.into_iter().zip(keys) {
        if let Some((name, bytes)) = file {
            check_list(bytes, key).map_err(|e| named(e, name))?;
        }
    }
    Ok(Lists::default())
}

fn read_one<T: ListFile>(file: Option<(&str, &[u8])>) -> Result<(T, usize), Refusal> {
    match file {
        Some((name, bytes)) => read_list::<T>(bytes).map_err(|e| named(e, name)),
        None => Ok((T::default(), 0)),
    }
}

/// A malformed file's refusal says which file.
fn named(refusal: Refusal, name: &str) -> Refusal {
    match refusal {
        Refusal::Malformed(why) => Refusal::Malformed(format!("{name}: {why}")),
        other => other,
    }
}
