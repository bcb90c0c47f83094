//! Incident reports as a density surface: counts per grid cell ([`model::density`]) for the
//! map's zoom and the view's window, drawn on Leaflet's canvas renderer in colour bands, and
//! fetched again when the zoom changes or an incident does. What to draw is decided by
//! [`band_shapes`], a plain function.

use std::rc::Rc;

use geojson::{Feature, FeatureCollection, Geometry, GeometryValue};
use leptos::prelude::*;
use model::{
    LayerQuery,
    density::{DISPLAY_ZOOM, Density, MIN_ZOOM, cell_bounds},
};
use serde::Serialize;

use crate::{
    api,
    map::{
        LayerCanvas,
        bindings::{geo_json, to_js},
        item_shapes::Drawn,
        style::{INCIDENT_COLOURS, incident_band},
        use_map, use_zoom,
    },
    text,
};

/// Hamm and its surroundings, `[west, south, east, north]`: the box every density asks for
/// (the city holds at most a few thousand cells at the finest zoom asked for).
const CITY_BOX: [f64; 4] = [7.65, 51.57, 8.05, 51.76];

/// The cells of `density` as one FeatureCollection of squares per colour band.
pub fn band_shapes(density: &Density) -> Vec<FeatureCollection> {
    let mut bands: Vec<FeatureCollection> = INCIDENT_COLOURS
        .iter()
        .map(|_| FeatureCollection {
            bbox: None,
            features: vec![],
            foreign_members: None,
        })
        .collect();
    for &[ix, iy, count] in &density.cells {
        let [[w, s], [e, n]] = cell_bounds(ix, iy, density.cell_m);
        let ring = vec![vec![w, s], vec![e, s], vec![e, n], vec![w, n], vec![w, s]];
        let feature = Feature {
            geometry: Some(Geometry::new(GeometryValue::new_polygon([ring]))),
            ..Feature::default()
        };
        if let Some(band) = bands.get_mut(incident_band(count)) {
            band.features.push(feature);
        }
    }
    bands
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CellStyle {
    color: &'static str,
    weight: f64,
    fill_color: &'static str,
    fill_opacity: f64,
}

/// The finest density the map asks for: cells of about 150 m, of which the city box holds
/// about 40,000 (zoom 16 would hold 160,000, more than an answer may). Zoomed in further, the
/// map draws single incidents ([`super::incident_points`]).
pub const PEOPLE_MAX_ZOOM: u8 = 15;

/// The map's zoom as the density is asked for: whole, within the zooms the server answers for
/// the city box; for a wall display always [`DISPLAY_ZOOM`], the one zoom it gets.
pub fn density_zoom(map_zoom: f64, display: bool) -> u8 {
    if display {
        return DISPLAY_ZOOM;
    }
    (map_zoom
        .round()
        .clamp(f64::from(MIN_ZOOM), f64::from(PEOPLE_MAX_ZOOM))) as u8
}

#[component]
pub fn IncidentLayer(
    /// The layer's filters (category, agency, district) and window; `None` while it is off.
    #[prop(into)]
    query: Signal<Option<LayerQuery>>,
    /// Rises when incidents change.
    #[prop(into)]
    revision: Signal<u64>,
    /// A wall display: cells at zoom 14, unfiltered, small counts withheld by the server.
    #[prop(optional)]
    display: bool,
) -> impl IntoView {
    let ctx = use_map();
    let zoom = use_zoom();
    let asked = Memo::new(move |_| query.get().map(|q| (q, density_zoom(zoom.get(), display))));
    let density = LocalResource::new(move || {
        revision.track();
        let asked = asked.get();
        async move {
            match asked {
                Some((q, z)) => api::incident_density(CITY_BOX, z, &q).await.map(Some),
                None => Ok(None),
            }
        }
    });
    let shown = RwSignal::new(None::<Density>);
    // The window of what is drawn: set with the drawing, for the playback's measurements.
    let drawn_window = RwSignal::new(String::new());
    Effect::new(move |_| match density.get() {
        Some(Ok(d)) => {
            shown.set(d);
            drawn_window.set(window_untracked(query));
        }
        Some(Err(e)) => leptos::logging::error!("incident density: {e}"),
        None => {}
    });

    let drawn = Drawn::store();
    let canvas = LayerCanvas::new();
    Effect::new(move |_| {
        let Some(map) = ctx.map() else { return };
        drawn.update_value(Drawn::clear);
        let Some(d) = shown.get() else { return };
        let renderer = canvas.renderer();
        let renderer = Rc::new(renderer);
        let layers: Vec<leaflet::Layer> = band_shapes(&d)
            .iter()
            .zip(INCIDENT_COLOURS)
            .filter(|(band, _)| !band.features.is_empty())
            .map(|(band, colour)| {
                let options = to_js(&serde_json::json!({
                    "interactive": false,
                    "style": CellStyle { color: colour, weight: 0.5, fill_color: colour, fill_opacity: 0.6 },
                }));
                let _ = js_sys::Reflect::set(&options, &"renderer".into(), &renderer);
                let layer = geo_json(&to_js(band), &options);
                layer.add_to(&map);
                layer.into()
            })
            .collect();
        drawn.update_value(|d| d.keep(layers));
    });
    on_cleanup(move || canvas.remove());

    // What the canvas shows, in words: for screen readers, and for the browser tests.
    let cells = move || shown.get().map_or(0, |d| d.cells.len());
    let total = move || {
        shown.get().map_or_else(String::new, |d| {
            if d.withheld_below.is_some() && d.total == 0 && !d.cells.is_empty() {
                d.shown(0)
            } else {
                d.total.to_string()
            }
        })
    };
    view! {
        <Show when=move || shown.get().is_some()>
            <p class="incident-summary" data-testid="incident-density"
                data-cells=move || cells().to_string() data-total=total
                data-window=move || drawn_window.get()>
                {text::incidents()}": "{total}" · "{text::incident_cells()}": "{cells}
            </p>
        </Show>
    }
}

/// The start of `query`'s window, as text.
fn window_untracked(query: Signal<Option<LayerQuery>>) -> String {
    query
        .get_untracked()
        .and_then(|q| q.window)
        .map_or_else(String::new, |(from, _)| from.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_go_to_their_count_band_as_squares() {
        let d = Density {
            zoom: 14,
            cell_m: model::density::cell_m(14),
            cells: vec![[2844, 6727, 0], [2845, 6727, 7], [2846, 6727, 120]],
            total: 127,
            withheld_below: Some(5),
        };
        let bands = band_shapes(&d);
        let sizes: Vec<usize> = bands.iter().map(|b| b.features.len()).collect();
        assert_eq!(sizes, [1, 1, 0, 0, 1]);
        let Some(GeometryValue::Polygon { coordinates }) =
            bands[1].features[0].geometry.as_ref().map(|g| &g.value)
        else {
            panic!("a square");
        };
        assert_eq!(coordinates[0].len(), 5);
        assert_eq!(coordinates[0][0], coordinates[0][4]);
    }

    #[test]
    fn the_zoom_asked_for_stays_within_what_the_server_answers() {
        assert_eq!(density_zoom(12.4, false), 12);
        assert_eq!(density_zoom(3.0, false), 8);
        assert_eq!(density_zoom(19.0, false), 15);
        // The city box at the finest zoom asked for is an answer the server gives.
        let q = model::density::DensityQuery {
            bbox: CITY_BOX,
            zoom: PEOPLE_MAX_ZOOM,
            window: (jiff::Timestamp::UNIX_EPOCH, jiff::Timestamp::UNIX_EPOCH),
        };
        assert_eq!(q.check(), Ok(()));
        let finer = model::density::DensityQuery {
            zoom: PEOPLE_MAX_ZOOM + 1,
            ..q
        };
        assert!(finer.check().is_err());
        assert_eq!(density_zoom(17.0, true), 14);
        assert_eq!(density_zoom(11.0, true), 14);
    }
}
