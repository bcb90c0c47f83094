//! Lagebild Hamm's web app: a Leptos (client-side rendered) map dashboard of Hamm's districts.

pub mod api;
pub mod city_path;
pub mod components;
pub mod device;
pub mod format;
pub mod i18n;
pub mod live;
pub mod map;
pub mod metric;
pub mod pages;
pub mod session;
pub mod text;
pub mod view_state;
pub mod view_url;

use leptos::prelude::*;
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    path,
};

/// The whole app, once the server has said who is signed in: the sign-in screen if nobody is
/// (on `/wand`, the wall display's pairing screen instead).
#[component]
pub fn App() -> impl IntoView {
    let me = LocalResource::new(api::session);
    let on_wall = || {
        window()
            .location()
            .pathname()
            .is_ok_and(|p| p.starts_with("/wand"))
    };
    move || match me.get() {
        None => view! { <p class="loading" data-testid="loading">{text::loading_short()}</p> }
            .into_any(),
        Some(Ok(m)) => {
            session::set(m);
            view! { <Screens/> }.into_any()
        }
        Some(Err(api::ApiError::SignedOut)) if on_wall() => {
            view! { <components::PairDisplay/> }.into_any()
        }
        Some(Err(api::ApiError::SignedOut)) => view! { <components::SignIn/> }.into_any(),
        Some(Err(e)) => {
            // A wall display may start before its server does: keep trying on its own.
            if e == api::ApiError::Unreachable {
                set_timeout(move || me.refetch(), std::time::Duration::from_secs(3));
            }
            view! {
                <components::LoadError message=e.to_string() on_retry=Callback::new(move |()| me.refetch())/>
            }
            .into_any()
        }
    }
}

/// The screens. The city map is the parent route, so it stays mounted (map and layers are not
/// rebuilt) while the selected district changes; it reads the selection from the URL. `<Routes>`
/// is also what lets the router complete a link's navigation in the address bar.
#[component]
fn Screens() -> impl IntoView {
    view! {
        <Router>
            <Routes fallback=pages::CityMap>
                <Route path=path!("wand") view=pages::WallPage/>
                <Route path=path!("planung") view=pages::PlanningPage/>
                <Route path=path!("bericht") view=pages::ReportPage/>
                <Route path=path!("verwaltung") view=pages::AdminPage/>
                <ParentRoute path=path!("") view=pages::CityMap>
                    <Route path=path!("") view=|| ()/>
                    <Route path=path!("bezirk/:key") view=|| ()/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
