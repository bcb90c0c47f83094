use leaflet::{LatLng, LatLngBounds, Map, MapOptions, TileLayer, TileLayerOptions};
use leptos::{html::Div, prelude::*};
use model::{MapConfig, config::Bounds};
use serde::Serialize;

use crate::{
    map::{bindings::to_js, use_map},
    text,
};

/// The Leaflet map filling its container; layers given as children draw onto it.
#[component]
pub fn MapView(
    /// Start view and optional tile server.
    config: MapConfig,
    /// Zoom buttons, dragging and keyboard; off for the wall, which nobody touches.
    #[prop(default = true)]
    controls: bool,
    children: Children,
) -> impl IntoView {
    let ctx = use_map();
    let node = NodeRef::<Div>::new();

    Effect::new(move |_| {
        let Some(el) = node.get() else { return };
        if ctx.map_untracked().is_some() {
            return;
        }
        let options = MapOptions::new();
        options.set_center(LatLng::new(config.center.lat, config.center.lng));
        options.set_zoom(11.0);
        options.set_zoom_snap(0.25);
        if !controls {
            options.set_zoom_control(false);
            options.set_dragging(false);
            options.set_scroll_wheel_zoom(false);
            options.set_keyboard(false);
            options.set_touch_zoom(false);
            options.set_box_zoom(false);
        }
        let map = match Map::new_with_element(&el, &options) {
            Ok(map) => map,
            Err(err) => {
                leptos::logging::error!("cannot create the map: {err:?}");
                return;
            }
        };
        fit_bounds(&map, &config.bounds);
        if let Some(url) = &config.tile_url {
            let tile_options = TileLayerOptions::new();
            if let Some(attribution) = &config.tile_attribution {
                tile_options.set_attribution(attribution.clone());
            }
            TileLayer::new_options(url, &tile_options).add_to(&map);
        }
        ctx.set(Some(map));
    });

    on_cleanup(move || {
        if let Some(map) = ctx.map_untracked() {
            map.remove();
        }
        ctx.set(None);
    });

    view! {
        <div class="map" node_ref=node role="region" aria-label=text::MAP_LABEL data-testid="map"></div>
        {children()}
    }
}

#[derive(Serialize)]
struct FitOptions {
    padding: [f64; 2],
}

/// Shows `bounds` with a margin.
pub fn fit_bounds(map: &Map, bounds: &Bounds) {
    let b = LatLngBounds::new(
        &LatLng::new(bounds.south_west.lat, bounds.south_west.lng),
        &LatLng::new(bounds.north_east.lat, bounds.north_east.lng),
    );
    map.fit_bounds_with_options(
        &b,
        &to_js(&FitOptions {
            padding: [24.0, 24.0],
        }),
    );
}
