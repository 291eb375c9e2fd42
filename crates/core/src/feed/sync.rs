//! The sync decision: given what the device holds and what the server offers, keep,
//! adopt or refuse. Pure, so the rule that protects the user's data (never roll back,
//! never drop what they have for a bad answer) is tested natively; `feed_sync` in the
//! app only carries it out.

use super::model::Manifest;
use super::refusal::Refusal;

/// What to do with the server's answer.
#[derive(Clone, Debug, PartialEq)]
pub enum Decision {
    /// Same publication as the device holds, and the device has all its files: keep
    /// the data, note that it was checked.
    Unchanged,
    /// A newer (or first, or needed again) publication: fetch and check its files,
    /// then commit it.
    Adopt(Box<Manifest>),
    /// The server could not be reached (or answered with an error): keep the data.
    Offline(String),
    /// The answer was refused for this reason: keep the data and say why.
    Refuse(Refusal),
}

/// Decides what to do with `offered` (the server's manifest, already checked by
/// [`super::check_manifest`], or why it could not be had) when the device holds
/// `held` and `held_complete` says whether every file `held` names is on the device:
/// `decide(Some(&held), true, Ok(newer))` is `Decision::Adopt(newer)`.
///
/// A lower sequence than the one held is a rollback and refused; an equal one means
/// nothing changed, unless the browser evicted some of the held files, in which case
/// the publication is adopted again to bring them back.
pub fn decide(
    held: Option<&Manifest>,
    held_complete: bool,
    offered: Result<Manifest, Refusal>,
) -> Decision {
    let offered = match offered {
        Ok(m) => m,
        Err(Refusal::Network(detail)) => return Decision::Offline(detail),
        Err(refusal) => return Decision::Refuse(refusal),
    };
    match held.map(|h| h.sequence) {
        Some(held) if offered.sequence < held => Decision::Refuse(Refusal::Rollback {
            offered: offered.sequence,
            held,
        }),
        Some(held) if offered.sequence == held && held_complete => Decision::Unchanged,
        _ => Decision::Adopt(Box::new(offered)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::Datum;

    fn manifest(sequence: u64) -> Manifest {
        Manifest::new(sequence, Datum::Gcj02)
    }

    #[test]
    fn a_first_or_newer_publication_is_adopted() {
        assert_eq!(
            decide(None, true, Ok(manifest(1))),
            Decision::Adopt(Box::new(manifest(1)))
        );
        assert_eq!(
            decide(Some(&manifest(4)), true, Ok(manifest(5))),
            Decision::Adopt(Box::new(manifest(5)))
        );
    }

    #[test]
    fn the_same_publication_is_kept_unless_files_were_evicted() {
        assert_eq!(
            decide(Some(&manifest(4)), true, Ok(manifest(4))),
            Decision::Unchanged
        );
        assert_eq!(
            decide(Some(&manifest(4)), false, Ok(manifest(4))),
            Decision::Adopt(Box::new(manifest(4)))
        );
    }

    #[test]
    fn rollbacks_bad_answers_and_no_network_keep_the_data() {
        assert_eq!(
            decide(Some(&manifest(10)), true, Ok(manifest(9))),
            Decision::Refuse(Refusal::Rollback {
                offered: 9,
                held: 10
            })
        );
        // Even with files missing, an older publication never replaces a newer one.
        assert!(matches!(
            decide(Some(&manifest(10)), false, Ok(manifest(9))),
            Decision::Refuse(Refusal::Rollback { .. })
        ));
        assert_eq!(
            decide(Some(&manifest(10)), true, Err(Refusal::BadSignature)),
            Decision::Refuse(Refusal::BadSignature)
        );
        assert_eq!(
            decide(None, true, Err(Refusal::Network("timeout".into()))),
            Decision::Offline("timeout".into())
        );
    }
}
