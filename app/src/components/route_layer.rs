use leptos::prelude::*;
use model::PatrolRoute;

use crate::{
    api::Items,
    map::item_shapes::{Drawn, route_shape},
    map::use_map,
};

/// Patrol routes as lines, redrawn when the routes change.
#[component]
pub fn RouteLayer(
    #[prop(into)] routes: Signal<Items<PatrolRoute>>,
    /// Called with the route that was clicked.
    on_route: Option<Callback<i64>>,
) -> impl IntoView {
    let ctx = use_map();
    let drawn = Drawn::store();
    Effect::new(move |_| {
        let Some(map) = ctx.map() else { return };
        drawn.update_value(|d| {
            d.clear();
            routes.with(|r| {
                for s in r.iter() {
                    d.clickable(route_shape(s), s.id, on_route);
                }
            });
            d.show(&map);
        });
    });
}
