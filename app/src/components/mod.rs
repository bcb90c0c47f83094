//! Widgets, one per file.

mod action_form;
mod approximate_notice;
mod clock;
mod connection_banner;
mod coverage_list;
mod district_facts;
mod district_layer;
mod district_list;
mod district_today;
pub mod item_layers;
mod layer_controls;
mod layer_tables;
mod legend;
mod load_error;
mod map_view;
mod outline_layer;
mod timeline;
mod wall_tiles;

pub use action_form::{ActionForm, Draft};
pub use approximate_notice::ApproximateNotice;
pub use clock::Clock;
pub use connection_banner::ConnectionBanner;
pub use coverage_list::CoverageList;
pub use district_facts::DistrictFacts;
pub use district_layer::DistrictLayer;
pub use district_list::DistrictList;
pub use district_today::DistrictToday;
pub use item_layers::ItemLayers;
pub use layer_controls::LayerControls;
pub use layer_tables::LayerTables;
pub use legend::Legend;
pub use load_error::LoadError;
pub use map_view::MapView;
pub use outline_layer::OutlineLayer;
pub use timeline::Timeline;
pub use wall_tiles::WallTiles;
