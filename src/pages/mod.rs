//! One page component per route.

mod coupon;
mod coupons;
mod join;
mod me;
mod my_requests;
mod not_found;
mod station_detail;
mod stations;
mod verify;

pub use coupon::CouponPage;
pub use coupons::CouponsPage;
pub use join::JoinPage;
pub use me::MePage;
pub use not_found::NotFoundPage;
pub use station_detail::StationDetailPage;
pub use stations::StationsPage;
pub use verify::VerifyPage;
