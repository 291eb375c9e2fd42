//! Pieces of UI shared by several pages.

mod document;
mod feed_notice;
mod header;
mod kiosk;
mod member_card;
mod nav;
mod news_notice;
mod notice;
mod present;
mod qr;
mod read_aloud;
pub mod station_bits;
mod station_map;
mod words;

pub use document::{use_document_root, use_title};
pub use feed_notice::FeedNotice;
pub use header::AppHeader;
pub use kiosk::{phone_url, KioskMode, SendToPhone};
pub use member_card::{grouped, MemberCardView};
pub use nav::BottomNav;
pub use news_notice::{kind_words, outcome_words, provide_news_box, NewsNotice};
pub use notice::{storage_problem_text, StorageNotice, UpdatedNotice};
pub use present::Present;
pub use qr::{qr_svg, QrCodeView};
pub use read_aloud::ReadAloud;
pub use station_map::{show_whole_map, StationMap};
pub use words::words;
