//! The Leaflet map, shared with the layers drawn on it.

use leptos::prelude::*;

/// A `Copy` handle to the map; `None` until the map element exists.
#[derive(Clone, Copy)]
pub struct MapContext {
    map: RwSignal<Option<leaflet::Map>, LocalStorage>,
}

impl MapContext {
    pub fn new() -> Self {
        Self {
            map: RwSignal::new_local(None),
        }
    }

    /// The map, tracked: an effect that reads it runs again once the map exists.
    pub fn map(&self) -> Option<leaflet::Map> {
        self.map.get()
    }

    pub fn map_untracked(&self) -> Option<leaflet::Map> {
        self.map.get_untracked()
    }

    pub fn set(&self, map: Option<leaflet::Map>) {
        self.map.set(map);
    }
}

impl Default for MapContext {
    fn default() -> Self {
        Self::new()
    }
}

/// The map's zoom, following it: starts at 12 until the map exists, then reads the map's zoom
/// and every change of it.
pub fn use_zoom() -> ReadSignal<f64> {
    let ctx = use_map();
    let (zoom, set_zoom) = signal(12.0f64);
    let listening = StoredValue::new(false);
    Effect::new(move |_| {
        let Some(map) = ctx.map() else { return };
        if listening.get_value() {
            return;
        }
        listening.set_value(true);
        set_zoom.set(map.get_zoom());
        let on_map = map.clone();
        map.on_zoom_end(Box::new(move |_| set_zoom.set(on_map.get_zoom())));
    });
    zoom
}

/// A canvas renderer for one layer component, made on first use. Leaflet keeps a renderer on
/// the map once a layer used it, so a layer that made a new one per drawing would pile up
/// full-screen canvases; the component calls [`LayerCanvas::remove`] when it goes, after
/// removing its shapes.
#[derive(Clone, Copy)]
pub struct LayerCanvas(StoredValue<Option<leaflet::Canvas>, LocalStorage>);

impl LayerCanvas {
    pub fn new() -> Self {
        LayerCanvas(StoredValue::new_local(None))
    }

    /// The renderer, for a path's `renderer` option.
    pub fn renderer(&self) -> wasm_bindgen::JsValue {
        if self.0.with_value(Option::is_none) {
            self.0.set_value(Some(leaflet::Canvas::new()));
        }
        self.0
            .with_value(|c| c.clone().map(Into::into).unwrap_or_default())
    }

    /// Takes the canvas off the map.
    pub fn remove(&self) {
        if let Some(c) = self.0.try_update_value(Option::take).flatten() {
            c.remove();
        }
    }
}

impl Default for LayerCanvas {
    fn default() -> Self {
        Self::new()
    }
}

/// The map context provided by the page.
pub fn use_map() -> MapContext {
    use_context::<MapContext>().expect("the page provides a MapContext before any map component")
}
