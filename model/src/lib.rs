//! Lagebild Hamm's shared model: the types that cross the wire between server and app, their
//! validation, and pure logic. No I/O happens here; the crate builds for native and wasm targets.

pub mod api;
pub mod config;
pub mod district;
pub mod hamm;
#[cfg(feature = "partition")]
pub mod partition;
pub mod projection;

pub use config::MapConfig;
pub use district::{District, DistrictKey, DistrictProperties};
