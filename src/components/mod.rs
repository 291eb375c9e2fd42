//! Pieces of UI shared by several pages.

mod feed_notice;
mod header;
mod member_card;
mod nav;
mod notice;
mod qr;
pub mod station_bits;
mod station_map;

pub use feed_notice::{refusal_text, FeedNotice};
pub use header::AppHeader;
pub use member_card::MemberCardView;
pub use nav::BottomNav;
pub use notice::{StorageNotice, UpdatedNotice};
pub use qr::{qr_svg, QrCodeView};
pub use station_map::StationMap;
