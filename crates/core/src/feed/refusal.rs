//! Why the app refused a feed update. Its own module: the checks, the paths and the
//! sync decision all name it, and none of them owns it.

/// Why an update was refused. The user keeps the data they had and sees why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The app was built with publisher keys and the manifest carries no signature.
    Unsigned,
    /// The signature does not match any publisher key.
    BadSignature,
    /// `format` is not `yizhan-feed/1` (the value found is kept for the message).
    UnknownFormat(String),
    /// The JSON does not parse or lacks a required field.
    Malformed(String),
    /// The manifest's `sequence` is lower than the one already accepted.
    Rollback { offered: u64, held: u64 },
    /// A path points outside the feed's folder.
    UnsafePath(String),
    /// A file's bytes do not match the manifest's `sha256`.
    HashMismatch(String),
    /// `intake.url` is not `https:` (or `http:` on localhost).
    InsecureIntake(String),
    /// A bbox is not four finite numbers with min ≤ max.
    BadBbox(String),
    /// A shard names another region than the manifest says.
    WrongRegion { expected: String, found: String },
    /// The network failed, or no answer came in time.
    Network(String),
    /// The server answered with this HTTP error status (it is there, but failing).
    Server(u16),
    /// A file is larger than the app accepts.
    TooLarge(String),
}
