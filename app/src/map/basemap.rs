//! Base maps as Leaflet layers: raster tiles (the server's own MBTiles/PMTiles, or a tile
//! server), an intranet WMS, and vector tiles drawn by protomaps-leaflet (npm, loaded on
//! demand) in its light or dark flavour. Every one carries the class `basemap`, which the wall
//! dims and print turns grey (app.css).

use model::{
    MapConfig,
    config::{Basemap, TILE_SERVER_NAME, WMS_NAME},
};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::bindings::to_js;

const VECTOR_SCRIPT: &str = "/protomaps/protomaps-leaflet.js";

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = L, js_name = tileLayer)]
    fn tile_layer(url: &str, options: &JsValue) -> leaflet::Layer;

    #[wasm_bindgen(js_namespace = ["L", "tileLayer"], js_name = wms)]
    fn wms_layer(url: &str, options: &JsValue) -> leaflet::Layer;

    /// protomaps-leaflet's layer (an `L.GridLayer` drawing vector tiles on canvases).
    #[wasm_bindgen(js_namespace = protomapsL, js_name = leafletLayer)]
    fn vector_layer(options: &JsValue) -> leaflet::Layer;
}

/// The base maps to choose from, by name, in the order of the switch.
pub fn names(config: &MapConfig) -> Vec<&str> {
    let mut names: Vec<&str> = config.basemaps.iter().map(|b| b.name.as_str()).collect();
    if config.wms.is_some() {
        names.push(WMS_NAME);
    }
    if config.tile_url.is_some() {
        names.push(TILE_SERVER_NAME);
    }
    names
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RasterOptions<'a> {
    class_name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    attribution: Option<&'a str>,
    /// Beyond its own zooms a base map is enlarged (or shrunk), not left blank.
    #[serde(skip_serializing_if = "Option::is_none")]
    max_native_zoom: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    min_native_zoom: Option<u8>,
    max_zoom: u8,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WmsOptions<'a> {
    class_name: &'static str,
    layers: &'a str,
    format: &'a str,
    version: &'static str,
    transparent: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    attribution: Option<&'a str>,
    max_zoom: u8,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct VectorOptions<'a> {
    url: &'a str,
    flavor: &'static str,
    lang: &'static str,
    max_data_zoom: u8,
    class_name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    attribution: Option<&'a str>,
    max_zoom: u8,
}

/// Whether a screen in `theme` is dark: as chosen, or as the device is set.
pub fn dark_screen(theme: Option<crate::view_state::Theme>) -> bool {
    match theme {
        Some(crate::view_state::Theme::Dark) => true,
        Some(crate::view_state::Theme::Light) => false,
        None => web_sys::window()
            .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
            .is_some_and(|m| m.matches()),
    }
}

/// How far in the map may zoom over a base map.
const MAX_ZOOM: u8 = 19;

/// The layer for the base map `name` of `config`, dark for the wall and dark screens.
pub async fn layer(config: &MapConfig, name: &str, dark: bool) -> Result<leaflet::Layer, String> {
    if name == WMS_NAME {
        let wms = config.wms.as_ref().ok_or("no map service")?;
        return Ok(wms_layer(
            &wms.url,
            &to_js(&WmsOptions {
                class_name: "basemap",
                layers: &wms.layers,
                format: &wms.format,
                version: "1.3.0",
                transparent: false,
                attribution: wms.attribution.as_deref(),
                max_zoom: MAX_ZOOM,
            }),
        ));
    }
    if name == TILE_SERVER_NAME {
        let url = config.tile_url.as_deref().ok_or("no tile server")?;
        return Ok(tile_layer(
            url,
            &to_js(&RasterOptions {
                class_name: "basemap",
                attribution: config.tile_attribution.as_deref(),
                max_native_zoom: None,
                min_native_zoom: None,
                max_zoom: MAX_ZOOM,
            }),
        ));
    }
    let map: &Basemap = config
        .basemaps
        .iter()
        .find(|b| b.name == name)
        .ok_or_else(|| format!("no base map '{name}'"))?;
    if map.format.is_raster() {
        return Ok(tile_layer(
            &map.tiles,
            &to_js(&RasterOptions {
                class_name: "basemap",
                attribution: map.attribution.as_deref(),
                max_native_zoom: Some(map.max_zoom),
                min_native_zoom: Some(map.min_zoom),
                max_zoom: MAX_ZOOM,
            }),
        ));
    }
    super::script::load(VECTOR_SCRIPT, None, &["protomapsL"]).await?;
    Ok(vector_layer(&to_js(&VectorOptions {
        url: &map.tiles,
        flavor: if dark { "dark" } else { "light" },
        lang: match crate::i18n::lang() {
            crate::i18n::Lang::De => "de",
            crate::i18n::Lang::En => "en",
        },
        max_data_zoom: map.max_zoom,
        class_name: "basemap",
        attribution: map.attribution.as_deref(),
        max_zoom: MAX_ZOOM,
    })))
}
