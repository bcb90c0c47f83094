use std::sync::Arc;

use leptos::prelude::*;
use model::{Action, PatrolRoute, hotspot_map::HotspotMap};

use crate::{
    api::Items,
    components::{ActionLayer, HotspotLayer, RouteLayer},
};

/// Hotspots, patrol routes and actions on the map: one component per layer ([`HotspotLayer`],
/// [`RouteLayer`], [`ActionLayer`]), each with its own effect and cleanup, so a change to one
/// layer redraws only that layer. Popups are built from text nodes when they open (a point
/// hotspot's details are fetched then: the map holds only its pin). Dense points (more than
/// `model::cluster::CLUSTER_FROM` in a layer) merge into clusters, computed in Rust once per
/// zoom level; of a dense hotspot layer only the markers around the view are drawn, brought
/// up to date when a move ends, and a very dense one (more than `model::cluster::CANVAS_FROM`)
/// draws its single points on one canvas instead of an SVG element each. When the data
/// changes, a layer's old shapes are removed before new ones are drawn, so a wall display that
/// refreshes for days does not pile up layers. This file holds what the three share: how
/// shapes and popups are made and kept.
#[component]
pub fn ItemLayers(
    #[prop(into)] hotspots: Signal<Arc<HotspotMap>>,
    #[prop(into)] routes: Signal<Items<PatrolRoute>>,
    #[prop(into)] actions: Signal<Items<Action>>,
    /// The action to highlight (with its popup open).
    #[prop(optional, into)]
    selected_action: Option<Signal<Option<i64>>>,
    /// Called with the action whose marker was clicked.
    #[prop(optional)]
    on_action: Option<Callback<i64>>,
    /// Called with the route that was clicked.
    #[prop(optional)]
    on_route: Option<Callback<i64>>,
    /// Called with the hotspot that was clicked.
    #[prop(optional)]
    on_hotspot: Option<Callback<i64>>,
) -> impl IntoView {
    view! {
        <RouteLayer routes=routes on_route=on_route/>
        <HotspotLayer hotspots=hotspots on_hotspot=on_hotspot/>
        <ActionLayer actions=actions selected_action=selected_action on_action=on_action/>
    }
}
