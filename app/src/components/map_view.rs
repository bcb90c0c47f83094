use leaflet::{LatLng, LatLngBounds, Map, MapOptions};
use leptos::{html::Div, prelude::*};
use model::{MapConfig, config::Bounds};
use serde::Serialize;
use wasm_bindgen::{JsCast, closure::Closure};

use crate::{
    components::BasemapLayer,
    map::{bindings::to_js, use_map},
    text,
    view_state::BasemapChoice,
};

/// The Leaflet map filling its container; layers given as children draw onto it.
#[component]
pub fn MapView(
    /// Start view and the base maps on offer.
    config: MapConfig,
    /// Zoom buttons, dragging and keyboard; off for the wall, which nobody touches.
    #[prop(default = true)]
    controls: bool,
    /// Which base map is drawn (the view's `?grundkarte=`).
    #[prop(optional, into)]
    basemap: Signal<BasemapChoice>,
    /// A dark base map (the wall, a dark screen).
    #[prop(optional, into)]
    dark: Signal<bool>,
    children: Children,
) -> impl IntoView {
    let start = config.clone();
    let ctx = use_map();
    let node = NodeRef::<Div>::new();
    // Leaflet measures its container once; a layout change (a wider calendar, a rotated
    // phone, the print layout) must tell it, or tiles and clicks land in the wrong place.
    let resize = StoredValue::new_local(None::<(web_sys::ResizeObserver, Closure<dyn FnMut()>)>);

    Effect::new(move |_| {
        let Some(el) = node.get() else { return };
        if ctx.map_untracked().is_some() {
            return;
        }
        let options = MapOptions::new();
        options.set_center(LatLng::new(start.center.lat, start.center.lng));
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
        // At once, not animated: layers read the view as soon as the map exists, and a dense
        // layer would otherwise cluster its points for the start zoom and again when the
        // animation ends (at 100,000 points each pass takes the better part of 0.2 s).
        fit_bounds(&map, &start.bounds, false);
        let observed = map.clone();
        let on_resize = Closure::<dyn FnMut()>::new(move || {
            observed.invalidate_size(false);
        });
        if let Ok(observer) = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()) {
            observer.observe(&el);
            resize.set_value(Some((observer, on_resize)));
        }
        ctx.set(Some(map));
    });

    on_cleanup(move || {
        resize.update_value(|r| {
            if let Some((observer, _)) = r.take() {
                observer.disconnect();
            }
        });
        if let Some(map) = ctx.map_untracked() {
            map.remove();
        }
        ctx.set(None);
    });

    view! {
        <div class="map" node_ref=node role="region" aria-label=text::map_label() data-testid="map"></div>
        <BasemapLayer config=config choice=basemap dark=dark/>
        {children()}
    }
}

#[derive(Serialize)]
struct FitOptions {
    padding: [f64; 2],
    animate: bool,
}

/// Shows `bounds` with a margin, moving there in an animation if `animate`.
pub fn fit_bounds(map: &Map, bounds: &Bounds, animate: bool) {
    let b = LatLngBounds::new(
        &LatLng::new(bounds.south_west.lat, bounds.south_west.lng),
        &LatLng::new(bounds.north_east.lat, bounds.north_east.lng),
    );
    map.fit_bounds_with_options(
        &b,
        &to_js(&FitOptions {
            padding: [24.0, 24.0],
            animate,
        }),
    );
}
