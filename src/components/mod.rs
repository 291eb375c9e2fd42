//! Pieces of UI shared by several pages.

mod feed_notice;
mod header;
mod nav;
mod notice;
pub mod station_bits;
mod station_map;

pub use feed_notice::{refusal_text, FeedNotice};
pub use header::AppHeader;
pub use nav::BottomNav;
pub use notice::StorageNotice;
pub use station_map::StationMap;
