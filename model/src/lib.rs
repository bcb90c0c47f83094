//! Lagebild Hamm's shared model: the types that cross the wire between server and app, their
//! validation, and pure logic. No I/O happens here; the crate builds for native and wasm targets.

#[macro_use]
pub mod names;

pub mod access;
pub mod action;
pub mod address_index;
pub mod agency;
pub mod alert;
pub mod analysis;
pub mod api;
pub mod bounded;
pub mod calendar;
pub mod cluster;
pub mod config;
pub mod context;
pub mod density;
pub mod detection;
pub mod district;
pub mod event;
pub mod export;
pub mod geometry;
pub mod hamm;
pub mod hotspot;
pub mod hotspot_map;
pub mod incident;
pub mod item;
pub mod layer_text;
#[cfg(feature = "partition")]
pub mod partition;
pub mod place_search;
pub mod policy;
pub mod projection;
pub mod proximity;
pub mod report;
pub mod route;
pub mod scan;
pub mod schedule;
pub mod validation;
pub mod weekly_text;
pub mod withheld;

pub use action::Action;
pub use agency::{Agency, AgencyKey};
pub use config::MapConfig;
pub use context::Context;
pub use district::{District, DistrictKey, DistrictProperties};
pub use hotspot::Hotspot;
pub use incident::Incident;
pub use item::{Item, ItemKind, LayerQuery, Stored};
pub use route::PatrolRoute;

#[cfg(all(test, feature = "partition"))]
mod fixtures;
#[cfg(all(test, feature = "partition"))]
mod tests_analysis;
#[cfg(all(test, feature = "partition"))]
mod tests_items;
