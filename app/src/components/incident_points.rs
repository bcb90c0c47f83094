//! Single incident reports as points, once the map is zoomed in far enough that a cell would
//! cover only a few houses ([`POINTS_ZOOM`]). Only people see them: a wall display never
//! receives single incidents, so the wall does not place this layer.

use leaflet::{CircleMarker, LatLng, Layer};
use leptos::prelude::*;
use model::{Incident, Stored};
use serde::Serialize;
use wasm_bindgen::JsCast;

use crate::{
    api::Items,
    format,
    map::{
        LayerCanvas,
        bindings::{bind_tooltip_text, to_js},
        item_shapes::Drawn,
        style::{INCIDENT_COLOURS, incident_band},
        use_map, use_zoom,
    },
    text,
};

/// From this zoom on (streets of a block), incidents are drawn one by one.
pub const POINTS_ZOOM: f64 = 16.0;

/// Are single incidents drawn at `zoom`?
pub fn points_shown(zoom: f64) -> bool {
    zoom >= POINTS_ZOOM
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PointStyle {
    radius: f64,
    color: &'static str,
    weight: f64,
    fill_color: &'static str,
    fill_opacity: f64,
    class_name: &'static str,
}

/// A point's radius in pixels: larger for a report of several (count 1 → 5 px, 10 → 10 px).
pub fn point_radius(count: u32) -> f64 {
    (5.0 + (f64::from(count.min(1000))).sqrt() * 1.6)
        .min(16.0)
        .round()
}

/// What a point's tooltip says: category, time, count, agency. Leaflet reads a tooltip text
/// as HTML; these are the app's own words, a number and an agency key (lower-case letters and
/// hyphens), never text a user typed.
fn label(i: &Stored<Incident>) -> String {
    format!(
        "{} · {} · {}: {} · {}",
        text::incident_category(i.item.category),
        format::local_time(i.item.start),
        text::count(),
        i.item.count,
        i.item.agency
    )
}

#[component]
pub fn IncidentPoints(
    /// The incidents the view selects (its window and filters).
    #[prop(into)]
    incidents: Signal<Items<Incident>>,
) -> impl IntoView {
    let ctx = use_map();
    let zoom = use_zoom();
    let drawn = Drawn::store();
    // How many are on the map, in words for the tests (the canvas has no elements).
    let drawn_count = RwSignal::new(0usize);
    let canvas = LayerCanvas::new();
    Effect::new(move |_| {
        let Some(map) = ctx.map() else { return };
        drawn.update_value(Drawn::clear);
        if !points_shown(zoom.get()) {
            drawn_count.set(0);
            return;
        }
        let renderer = canvas.renderer();
        let layers: Vec<Layer> = incidents.with(|items| {
            items
                .iter()
                .filter_map(|i| {
                    let [lon, lat] = i.item.position()?;
                    // The density's palette from its third band: the first two are too pale
                    // for a single point on a base map.
                    let colour = INCIDENT_COLOURS[incident_band(i64::from(i.item.count)).max(2)];
                    let options = to_js(&PointStyle {
                        radius: point_radius(i.item.count),
                        color: "#222",
                        weight: 1.0,
                        fill_color: colour,
                        fill_opacity: 0.9,
                        class_name: "incident-point",
                    });
                    let _ = js_sys::Reflect::set(&options, &"renderer".into(), &renderer);
                    let layer: Layer =
                        CircleMarker::new_with_options(&LatLng::new(lat, lon), &options)
                            .unchecked_into();
                    bind_tooltip_text(&layer, &label(i));
                    layer.add_to(&map);
                    Some(layer)
                })
                .collect()
        });
        drawn_count.set(layers.len());
        drawn.update_value(|d| d.keep(layers));
    });
    on_cleanup(move || canvas.remove());
    let count = move || drawn_count.get();
    view! {
        <span class="incident-points" hidden=true data-testid="incident-points"
            data-points=move || count().to_string() data-zoom=move || zoom.get().to_string()></span>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_only_when_zoomed_in_far_and_larger_for_several() {
        assert!(!points_shown(15.0));
        assert!(points_shown(16.0));
        assert!(points_shown(18.0));
        assert_eq!(point_radius(1), 7.0);
        assert_eq!(point_radius(10), 10.0);
        assert_eq!(point_radius(1000), 16.0);
    }
}
