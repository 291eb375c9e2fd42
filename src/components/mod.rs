//! Pieces of UI shared by several pages.

mod header;
mod nav;
mod notice;

pub use header::AppHeader;
pub use nav::BottomNav;
pub use notice::StorageNotice;
