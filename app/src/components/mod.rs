//! Widgets, one per file.

mod approximate_notice;
mod district_facts;
mod district_layer;
mod district_list;
mod load_error;
mod map_view;
mod outline_layer;

pub use approximate_notice::ApproximateNotice;
pub use district_facts::DistrictFacts;
pub use district_layer::DistrictLayer;
pub use district_list::DistrictList;
pub use load_error::LoadError;
pub use map_view::MapView;
pub use outline_layer::OutlineLayer;
