//! The feed contract (shared/FEED.md, format 1): its types, its checks, and which
//! shards a device needs. Pure: bytes in, typed data or a named refusal out.

pub mod check;
pub mod lenient;
pub mod model;
pub mod paths;
pub mod refusal;
pub mod sync;

pub use check::{
    check_file, check_manifest, check_publisher_keys, parse_shard, publisher_keys_from, sha256_hex,
};
pub use lenient::{check_list, read_list, ListFile};
pub use model::*;
pub use paths::{feed_path_from_param, resolve, FeedUrlError, DEFAULT_MANIFEST};
pub use refusal::Refusal;
pub use sync::{decide, Decision};
