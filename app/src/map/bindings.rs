//! Bindings leaflet-rs 0.5 keeps private or lacks: `L.geoJSON` with its bounds and styles,
//! `L.divIcon`, `bindTooltip` with text.

use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// An `L.GeoJSON` layer (a FeatureGroup).
    #[derive(Debug, Clone)]
    #[wasm_bindgen(extends = leaflet::Layer, extends = leaflet::Evented)]
    pub type GeoJsonLayer;

    #[wasm_bindgen(js_namespace = L, js_name = geoJSON)]
    pub fn geo_json(data: &JsValue, options: &JsValue) -> GeoJsonLayer;

    #[wasm_bindgen(method, js_name = setStyle)]
    pub fn set_style(this: &GeoJsonLayer, style: &JsValue);

    #[wasm_bindgen(method, js_name = getBounds)]
    pub fn get_bounds(this: &GeoJsonLayer) -> leaflet::LatLngBounds;

    /// `L.divIcon` (leaflet-rs 0.5's `DivIcon::new` constructs an `L.Icon`, which needs an
    /// image URL).
    #[wasm_bindgen(js_namespace = L, js_name = divIcon)]
    pub fn div_icon(options: &JsValue) -> leaflet::Icon;

    /// Any layer, for `bindTooltip(text)` (leaflet-rs 0.5's `bind_tooltip_with_content` calls
    /// a `bindTooltipWithContent` that Leaflet does not have).
    #[wasm_bindgen(extends = leaflet::Layer)]
    type TooltipLayer;

    #[wasm_bindgen(method, js_name = bindTooltip)]
    fn bind_tooltip(this: &TooltipLayer, text: &str);
}

/// Gives `layer` a tooltip of plain `text`.
pub fn bind_tooltip_text(layer: &leaflet::Layer, text: &str) {
    layer.unchecked_ref::<TooltipLayer>().bind_tooltip(text);
}

/// Converts a Rust value into a plain JS object (objects, not `Map`s, which Leaflet cannot read).
///
/// Written as JSON text and read by the browser's `JSON.parse`: serde_json is in the app anyway,
/// and a second serde backend (serde-wasm-bindgen) would compile every `Serialize` again.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    serde_json::to_string(value)
        .ok()
        .and_then(|text| js_sys::JSON::parse(&text).ok())
        .unwrap_or(JsValue::NULL)
}

/// Reads a plain JS object (e.g. what Leaflet's `toGeoJSON` returns) into a Rust value.
pub fn from_js<T: serde::de::DeserializeOwned>(value: &JsValue) -> Option<T> {
    let text = js_sys::JSON::stringify(value).ok()?.as_string()?;
    serde_json::from_str(&text).ok()
}

/// A GeoJSON layer for `data` with Leaflet `options`.
pub fn geo_json_layer<D: Serialize + ?Sized, O: Serialize + ?Sized>(
    data: &D,
    options: &O,
) -> GeoJsonLayer {
    geo_json(&to_js(data), &to_js(options))
}

/// Options of `L.geoJSON`: the path style, and what Leaflet reads only when it creates paths.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GeoJsonOptions<S: Serialize> {
    pub style: S,
    pub interactive: bool,
    /// CSS classes on every SVG path (set once, at creation).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class_name: Option<String>,
    /// Shown in the attribution control while the layer is on the map.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attribution: Option<String>,
}
