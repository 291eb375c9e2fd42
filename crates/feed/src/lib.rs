//! The publisher's side of the feed: turn a union's station sheet (plus campaigns,
//! unions, statuses and holidays) into a complete, content-addressed feed folder,
//! print the stations' door posters, and make realistic synthetic data. Native only; used by the `yizhan-feed` binary.

pub mod build;
pub mod desk;
pub mod generate;
pub mod import;
pub mod keys;
pub mod posters;

use std::fmt;

/// One problem found in an input file, printed as `FILE:LINE: reason`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: String,
    pub line: u64,
    pub message: String,
    /// A warning becomes an error under `--strict`.
    pub warning: bool,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.warning { "warning: " } else { "" };
        write!(f, "{}:{}: {kind}{}", self.file, self.line, self.message)
    }
}
