//! Lagebild Hamm's web app: a Leptos (client-side rendered) map dashboard of Hamm's districts.

pub mod api;
pub mod components;
pub mod device;
pub mod format;
pub mod i18n;
pub mod live;
pub mod map;
pub mod pages;
pub mod route;
pub mod text;
pub mod view_state;
pub mod view_url;

use leptos::prelude::*;
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    path,
};

/// The whole app. The city map is the parent route, so it stays mounted (map and layers are not
/// rebuilt) while the selected district changes; it reads the selection from the URL. `<Routes>`
/// is also what lets the router complete a link's navigation in the address bar.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <Routes fallback=pages::CityMap>
                <Route path=path!("wand") view=pages::WallPage/>
                <Route path=path!("planung") view=pages::PlanningPage/>
                <ParentRoute path=path!("") view=pages::CityMap>
                    <Route path=path!("") view=|| ()/>
                    <Route path=path!("bezirk/:key") view=|| ()/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
