//! The house's own rules (ARCHITECTURE.md "The house rules"), each a pure function
//! over file contents, paths or Cargo's metadata that returns what breaks it, one
//! line per offender, named. `tests/tidy.rs` runs them over the real tree; the tests
//! beside each rule plant a violation and check that the rule names it.

pub mod circles;
pub mod keys;
pub mod length;
pub mod purity;
pub mod tree;
