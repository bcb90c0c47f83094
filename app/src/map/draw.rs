//! Drawing and editing on the map with Leaflet-Geoman (npm `@geoman-io/leaflet-geoman-free`,
//! copied into the build by Trunk). The script is loaded on demand by the planning screen,
//! before its map is created: Geoman equips maps and layers when they are made.

use leaflet::{CircleMarker, LatLng, Layer, Map, Polygon, Polyline};
use wasm_bindgen::{JsCast, JsValue, prelude::wasm_bindgen};

const SCRIPT: &str = "/geoman/leaflet-geoman.min.js";
const STYLE: &str = "/geoman/leaflet-geoman.css";

#[wasm_bindgen]
extern "C" {
    /// `map.pm`: the map's drawing toolbar, driven from our own buttons.
    pub type MapPm;

    /// A map or layer, seen as what Geoman adds to it.
    type Equipped;

    #[wasm_bindgen(method, getter)]
    fn pm(this: &Equipped) -> JsValue;

    #[wasm_bindgen(method, js_name = toGeoJSON)]
    fn to_geo_json(this: &Equipped) -> JsValue;

    #[wasm_bindgen(method, js_name = enableDraw)]
    pub fn enable_draw(this: &MapPm, shape: &str, options: &JsValue);

    #[wasm_bindgen(method, js_name = disableDraw)]
    pub fn disable_draw(this: &MapPm);

    /// `layer.pm`: editing one layer's vertices or position.
    pub type LayerPm;

    #[wasm_bindgen(method)]
    pub fn enable(this: &LayerPm, options: &JsValue);

    #[wasm_bindgen(method)]
    pub fn disable(this: &LayerPm);

}

/// What a user draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Line,
    Area,
    Point,
}

impl Shape {
    /// Geoman's name for the draw mode.
    fn mode(self) -> &'static str {
        match self {
            Shape::Line => "Line",
            Shape::Area => "Polygon",
            Shape::Point => "CircleMarker",
        }
    }
}

/// The map's Geoman handle; `None` when the script is not loaded or the map predates it.
pub fn map_pm(map: &Map) -> Option<MapPm> {
    let pm = map.unchecked_ref::<Equipped>().pm();
    (!pm.is_undefined() && !pm.is_null()).then(|| pm.unchecked_into())
}

pub fn layer_pm(layer: &Layer) -> Option<LayerPm> {
    let pm = layer.unchecked_ref::<Equipped>().pm();
    (!pm.is_undefined() && !pm.is_null()).then(|| pm.unchecked_into())
}

/// Starts drawing `shape`; the result arrives as the map's `pm:create` event.
pub fn start(map: &Map, shape: Shape) -> bool {
    let Some(pm) = map_pm(map) else { return false };
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"snappable".into(), &true.into());
    let _ = js_sys::Reflect::set(&options, &"allowSelfIntersection".into(), &false.into());
    if shape != Shape::Point {
        // Besides a click on the last (or, for areas, the first) vertex.
        let _ = js_sys::Reflect::set(&options, &"finishOn".into(), &"dblclick".into());
    }
    // A double click ends a line or area; it must not also zoom the map.
    double_click_zoom(map, false);
    pm.enable_draw(shape.mode(), &options);
    true
}

pub fn stop(map: &Map) {
    if let Some(pm) = map_pm(map) {
        pm.disable_draw();
    }
    double_click_zoom(map, true);
}

/// Switches the map's double-click zoom handler on or off.
fn double_click_zoom(map: &Map, on: bool) {
    let Ok(handler) = js_sys::Reflect::get(map, &"doubleClickZoom".into()) else {
        return;
    };
    let method = if on { "enable" } else { "disable" };
    if let Ok(f) = js_sys::Reflect::get(&handler, &method.into())
        && let Some(f) = f.dyn_ref::<js_sys::Function>()
    {
        let _ = f.call0(&handler);
    }
}

/// A layer's geometry as GeoJSON.
pub fn geometry_of(layer: &Layer) -> Option<geojson::Geometry> {
    let feature: geojson::Feature =
        crate::map::bindings::from_js(&layer.unchecked_ref::<Equipped>().to_geo_json())?;
    feature.geometry
}

fn lat_lngs(coordinates: &[geojson::Position]) -> js_sys::Array {
    coordinates
        .iter()
        .filter(|c| c.len() >= 2)
        .map(|c| JsValue::from(LatLng::new(c[1], c[0])))
        .collect()
}

/// An editable layer for `geometry` (a LineString, a Polygon's outer ring, or a Point).
pub fn editable_layer(geometry: &geojson::Geometry) -> Option<Layer> {
    let style = crate::map::bindings::to_js(&serde_json::json!({
        "color": "#CC79A7", "weight": 5, "fillOpacity": 0.25, "radius": 12, "className": "editing"
    }));
    let layer: Layer = match &geometry.value {
        geojson::GeometryValue::LineString { coordinates } => {
            Polyline::new_with_options(&lat_lngs(coordinates), style.unchecked_ref())
                .unchecked_into()
        }
        geojson::GeometryValue::Polygon { coordinates } => {
            Polygon::new_with_options(&lat_lngs(coordinates.first()?), style.unchecked_ref())
                .unchecked_into()
        }
        geojson::GeometryValue::Point { coordinates } if coordinates.len() >= 2 => {
            CircleMarker::new_with_options(&LatLng::new(coordinates[1], coordinates[0]), &style)
                .unchecked_into()
        }
        _ => return None,
    };
    Some(layer)
}

/// Loads Geoman's script and style once; resolves when the script has run.
pub async fn load() -> Result<(), String> {
    super::script::load(SCRIPT, Some(STYLE), &["L", "PM"]).await
}
