//! Routed screens.

mod admin;
mod city_map;
mod planning;
mod wall;

pub use admin::AdminPage;
pub use city_map::CityMap;
pub use planning::PlanningPage;
pub use wall::WallPage;
