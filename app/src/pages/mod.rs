//! Routed screens.

mod city_map;

pub use city_map::CityMap;
