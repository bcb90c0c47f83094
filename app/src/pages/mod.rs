//! Routed screens.

mod city_map;
mod wall;

pub use city_map::CityMap;
pub use wall::WallPage;
