//! Routed screens.

mod admin;
mod city_map;
mod planning;
mod report;
mod wall;

pub use admin::AdminPage;
pub use city_map::CityMap;
pub use planning::PlanningPage;
pub use report::ReportPage;
pub use wall::WallPage;
