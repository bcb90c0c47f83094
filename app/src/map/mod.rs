//! Leaflet plumbing: the map in a context, and the few bindings leaflet-rs does not export.

pub mod basemap;
pub mod bindings;
pub mod cluster;
pub mod context;
pub mod dense;
pub mod draw;
pub mod item_shapes;
pub mod script;
pub mod style;

pub use context::{LayerCanvas, MapContext, use_map, use_zoom};
