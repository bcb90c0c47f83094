//! What the item layers ([`crate::components::ItemLayers`]) share: how hotspots, patrol routes
//! and actions become Leaflet shapes with popups, how clustered points are drawn, and how a
//! layer keeps and removes what it drew.

use std::{collections::HashMap, sync::Arc};

use leaflet::{CircleMarker, LatLng, Layer, Polyline, PolylineOptions, Popup, PopupOptions};
use leptos::prelude::*;
use model::{
    Action, Hotspot, PatrolRoute, Stored,
    cluster::{self, Marker},
    geometry,
    hotspot::Severity,
    hotspot_map::{HotspotMap, Pin},
};
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue, closure::Closure};

use crate::{
    api,
    map::{
        bindings::{GeoJsonOptions, geo_json_layer, to_js},
        cluster::{Handler, cluster_layer},
        dense::{self, DenseLayer},
        use_map,
    },
    text,
};

/// The shapes one layer has drawn and the JS callbacks they need: removed before the layer
/// draws again, and when it goes.
#[derive(Default)]
pub(crate) struct Drawn {
    layers: Vec<Layer>,
    callbacks: Callbacks,
}

impl Drawn {
    /// A store for one layer's shapes, emptied when the component goes.
    pub(crate) fn store() -> StoredValue<Drawn, LocalStorage> {
        let drawn = StoredValue::new_local(Drawn::default());
        on_cleanup(move || drawn.update_value(Drawn::clear));
        drawn
    }

    pub(crate) fn clear(&mut self) {
        for l in self.layers.drain(..) {
            l.remove();
        }
        self.callbacks.clear();
    }

    /// Keeps a shape with its popup; a click calls `on_click` with `id`.
    pub(crate) fn clickable(
        &mut self,
        shape: Option<(Layer, PopupBuilder)>,
        id: i64,
        on_click: Option<Callback<i64>>,
    ) -> Option<Layer> {
        let (layer, popup) = shape?;
        self.callbacks.keep(&layer, popup, id, on_click);
        self.layers.push(layer.clone());
        Some(layer)
    }

    /// Keeps a cluster marker with its click handler.
    pub(crate) fn cluster(&mut self, cluster: Option<(Layer, Handler)>) {
        if let Some((layer, handler)) = cluster {
            self.callbacks.clicks.push(handler);
            self.layers.push(layer);
        }
    }

    /// Keeps shapes without popups or clicks (drawn on the map already).
    pub(crate) fn keep(&mut self, layers: impl IntoIterator<Item = Layer>) {
        self.layers.extend(layers);
    }

    /// Puts every kept shape on `map`.
    pub(crate) fn show(&self, map: &leaflet::Map) {
        for l in &self.layers {
            l.add_to(map);
        }
    }
}

/// What clustering needs of the map's view.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct View {
    pub(crate) zoom: f64,
    /// `[[west, south], [east, north]]`.
    pub(crate) bounds: [[f64; 2]; 2],
}

impl View {
    pub(crate) fn of(map: &leaflet::Map) -> View {
        let b = map.get_bounds();
        let (sw, ne) = (b.get_south_west(), b.get_north_east());
        View {
            zoom: map.get_zoom(),
            bounds: [[sw.lng(), sw.lat()], [ne.lng(), ne.lat()]],
        }
    }
}

/// Draws the point hotspots' `markers`: all of them for a small layer; for a dense one (which
/// clusters) only those around the view, again after every move; a very dense one on a canvas.
pub(crate) fn point_layers(
    markers: Memo<Vec<Marker>>,
    hotspots: Signal<Arc<HotspotMap>>,
    view: RwSignal<Option<View>>,
    on_hotspot: Option<Callback<i64>>,
) {
    let ctx = use_map();
    let drawn = StoredValue::new_local(Vec::<Layer>::new());
    let callbacks = StoredValue::new_local(Callbacks::default());
    let canvas = StoredValue::new_local(None::<DenseLayer>);
    let clear = move || {
        drawn.update_value(|layers| {
            for l in layers.drain(..) {
                l.remove();
            }
        });
        callbacks.update_value(Callbacks::clear);
    };
    Effect::new(move |_| {
        let Some(map) = ctx.map() else { return };
        clear();
        let count = hotspots.with(|h| h.pins.len());
        // A small layer is drawn whole, and so not again after every pan.
        let around_view = if count > cluster::CLUSTER_FROM {
            view.get()
        } else {
            None
        };
        markers.with(|markers| {
            let shown: Vec<&Marker> = match around_view {
                Some(v) => cluster::within(markers, cluster::around(v.bounds)).collect(),
                None => markers.iter().collect(),
            };
            if count > cluster::CANVAS_FROM {
                draw_dense(&map, canvas, &shown, hotspots, on_hotspot);
                return;
            }
            canvas.set_value(None);
            let mut layers = Vec::new();
            hotspots.with(|h| {
                let by_id = by_id(&h.pins, &shown);
                for m in shown {
                    match m {
                        Marker::Single(p) => {
                            let Some(pin) = by_id.get(&p.id) else {
                                continue;
                            };
                            let (layer, popup) = pin_layer(pin);
                            callbacks.update_value(|c| c.keep(&layer, popup, pin.id, on_hotspot));
                            layers.push(layer);
                        }
                        Marker::Cluster(c) => {
                            if let Some((layer, handler)) =
                                cluster_layer(&map, c, "hotspot", text::hotspots())
                            {
                                callbacks.update_value(|cb| cb.clicks.push(handler));
                                layers.push(layer);
                            }
                        }
                    }
                }
            });
            for l in &layers {
                l.add_to(&map);
            }
            drawn.set_value(layers);
        });
    });
    on_cleanup(move || {
        clear();
        canvas.set_value(None);
    });
}

/// The pins of the single points among `shown`, by id.
fn by_id<'a>(pins: &'a [Pin], shown: &[&Marker]) -> HashMap<i64, &'a Pin> {
    let wanted: std::collections::HashSet<i64> = shown
        .iter()
        .filter_map(|m| match m {
            Marker::Single(p) => Some(p.id),
            Marker::Cluster(_) => None,
        })
        .collect();
    pins.iter()
        .filter(|p| wanted.contains(&p.id))
        .map(|p| (p.id, p))
        .collect()
}

/// Draws a very dense layer's `shown` markers on its canvas (made on first use). A click on a
/// single point opens its popup and calls `on_hotspot`.
fn draw_dense(
    map: &leaflet::Map,
    canvas: StoredValue<Option<DenseLayer>, LocalStorage>,
    shown: &[&Marker],
    hotspots: Signal<Arc<HotspotMap>>,
    on_hotspot: Option<Callback<i64>>,
) {
    if canvas.with_value(Option::is_none) {
        let popup_map = map.clone();
        let on_point = move |id: i64, [lon, lat]: [f64; 2]| {
            let popup = Popup::new_with_lat_lng(&LatLng::new(lat, lon), &PopupOptions::new());
            let opened = popup.clone();
            if let Some(content) = fetched_popup(id, move |shown| {
                opened.set_content(shown);
            }) {
                popup.set_content(&content);
                popup_map.open_popup(&popup);
            }
            if let Some(cb) = on_hotspot {
                cb.run(id);
            }
        };
        let style = dense::Style {
            cluster_fill: "#E69F00",
            outline: "#111",
            text: "#111",
        };
        canvas.set_value(DenseLayer::new(map, "hotspot", style, on_point));
    }
    hotspots.with(|h| {
        let by_id = by_id(&h.pins, shown);
        canvas.with_value(|c| {
            if let Some(c) = c {
                c.draw(shown.iter().copied(), |id| {
                    by_id
                        .get(&id)
                        .map_or("#E69F00", |p| severity_colour(p.severity))
                });
            }
        });
    });
}

/// Builds a popup's content when the popup opens, not for every marker drawn.
pub(crate) type PopupBuilder = Closure<dyn FnMut(JsValue) -> JsValue>;

/// JS callbacks that must live as long as the layers they are bound to.
#[derive(Default)]
struct Callbacks {
    clicks: Vec<Handler>,
    popups: Vec<PopupBuilder>,
}

impl Callbacks {
    fn clear(&mut self) {
        self.clicks.clear();
        self.popups.clear();
    }

    /// Keeps `layer`'s popup builder, and makes a click on it call `on_click` with `id`.
    fn keep(
        &mut self,
        layer: &Layer,
        popup: PopupBuilder,
        id: i64,
        on_click: Option<Callback<i64>>,
    ) {
        self.popups.push(popup);
        if let Some(cb) = on_click {
            let click = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| cb.run(id));
            layer.on("click", click.as_ref().unchecked_ref());
            self.clicks.push(click);
        }
    }
}

/// A popup body: a heading and label/value lines, all text nodes.
pub fn popup_content(
    title: &str,
    lines: &[(&str, String)],
    demo: bool,
) -> Option<web_sys::HtmlElement> {
    let document = web_sys::window()?.document()?;
    let root: web_sys::HtmlElement = document.create_element("div").ok()?.dyn_into().ok()?;
    root.set_class_name("popup");
    let heading = document.create_element("strong").ok()?;
    heading.set_text_content(Some(title));
    root.append_child(&heading).ok()?;
    for (label, value) in lines {
        let line = document.create_element("div").ok()?;
        line.set_text_content(Some(&format!("{label}: {value}")));
        root.append_child(&line).ok()?;
    }
    if demo {
        let badge = document.create_element("div").ok()?;
        badge.set_class_name("demo-badge");
        badge.set_text_content(Some(text::demo_data()));
        root.append_child(&badge).ok()?;
    }
    Some(root)
}

/// Binds a popup whose content `build` makes each time it opens.
fn bind(layer: &Layer, build: impl Fn() -> Option<web_sys::HtmlElement> + 'static) -> PopupBuilder {
    let builder = Closure::<dyn FnMut(JsValue) -> JsValue>::new(move |_: JsValue| {
        build().map_or(JsValue::NULL, JsValue::from)
    });
    layer.bind_popup_with_options(builder.as_ref(), &PopupOptions::new());
    builder
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MarkerStyle {
    radius: f64,
    color: &'static str,
    weight: f64,
    fill_color: &'static str,
    fill_opacity: f64,
    class_name: String,
}

fn severity_colour(s: Severity) -> &'static str {
    match s {
        Severity::High => "#D55E00",
        Severity::Medium => "#E69F00",
        Severity::Low => "#F0E442",
    }
}

/// A point hotspot's marker; its popup fetches the details when it opens.
fn pin_layer(pin: &Pin) -> (Layer, PopupBuilder) {
    let style = MarkerStyle {
        radius: 11.0,
        color: "#111",
        weight: 2.0,
        fill_color: severity_colour(pin.severity),
        fill_opacity: 0.9,
        class_name: format!("hotspot hotspot-{}", pin.id),
    };
    let [lon, lat] = pin.at;
    let layer: Layer =
        CircleMarker::new_with_options(&LatLng::new(lat, lon), &to_js(&style)).unchecked_into();
    let (id, source) = (pin.id, layer.clone());
    let popup = bind(&layer, move || {
        let source = source.clone();
        fetched_popup(id, move |shown| {
            source.get_popup().set_content(shown);
        })
    });
    (layer, popup)
}

/// A popup body saying it is loading; `arrived` is called with what replaces it: hotspot
/// `id`'s details once fetched, or why they could not be. (The popup's content is set anew
/// rather than updated: an update would call a builder again, and fetch again.)
fn fetched_popup(
    id: i64,
    arrived: impl FnOnce(&JsValue) + 'static,
) -> Option<web_sys::HtmlElement> {
    let loading = popup_content(text::loading(), &[], false)?;
    let failed = loading.clone();
    leptos::task::spawn_local(async move {
        let details = match api::item::<Hotspot>(id).await {
            Ok(s) => hotspot_popup(&s.item)(),
            Err(e) => popup_content(&e.to_string(), &[], false),
        };
        arrived(details.as_ref().unwrap_or(&failed));
    });
    Some(loading)
}

/// An area hotspot, drawn as it is, with its popup.
pub(crate) fn area_shape(s: &Stored<Hotspot>) -> Option<(Layer, PopupBuilder)> {
    let h = &s.item;
    let options = GeoJsonOptions {
        style: crate::map::style::PathStyle {
            color: severity_colour(h.severity),
            weight: 3.0,
            opacity: 1.0,
            fill_color: severity_colour(h.severity),
            fill_opacity: 0.35,
            class_name: None,
        },
        interactive: true,
        class_name: Some(format!("hotspot hotspot-{}", s.id)),
        attribution: None,
    };
    let layer: Layer = geo_json_layer(&h.geometry, &options).unchecked_into();
    let popup = bind(&layer, hotspot_popup(h));
    Some((layer, popup))
}

/// Builds a hotspot's popup content (when the popup opens).
fn hotspot_popup(h: &Hotspot) -> impl Fn() -> Option<web_sys::HtmlElement> + 'static {
    let (title, category, severity, hours, agency, demo) = (
        h.title.clone(),
        h.category,
        h.severity,
        h.hours.clone(),
        h.agency.clone(),
        h.demo,
    );
    move || {
        popup_content(
            &title,
            &[
                (text::category_label(), text::category(category).to_owned()),
                (text::severity_label(), text::severity(severity).to_owned()),
                (text::hours(), crate::format::weekly(&hours)),
                (text::agency(), agency.to_string()),
            ],
            demo,
        )
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LineStyle {
    color: &'static str,
    weight: f64,
    opacity: f64,
    dash_array: &'static str,
    class_name: String,
}

pub(crate) fn route_shape(s: &Stored<PatrolRoute>) -> Option<(Layer, PopupBuilder)> {
    let r = &s.item;
    let points = js_sys::Array::new();
    for [lon, lat] in r.line() {
        points.push(&LatLng::new(lat, lon));
    }
    let style = LineStyle {
        color: "#0072B2",
        weight: 6.0,
        opacity: 0.9,
        dash_array: "10 6",
        class_name: format!("route route-{}", s.id),
    };
    let options: PolylineOptions = to_js(&style).unchecked_into();
    let layer: Layer = Polyline::new_with_options(&points, &options).unchecked_into();
    let agencies: Vec<&str> = r.agencies.iter().map(|a| a.as_str()).collect();
    let mut lines = vec![
        (
            text::occasion_label(),
            text::occasion(r.occasion).to_owned(),
        ),
        (text::together(), agencies.join(", ")),
    ];
    if !r.weekly.is_empty() {
        lines.push((text::hours(), crate::format::weekly(&r.weekly)));
    }
    let lines: Vec<(&'static str, String)> = lines;
    let (title, demo) = (r.title.clone(), r.demo);
    let popup = bind(&layer, move || popup_content(&title, &lines, demo));
    Some((layer, popup))
}

pub(crate) fn action_marker(s: &Stored<Action>, selected: bool) -> Option<(Layer, PopupBuilder)> {
    let a = &s.item;
    let [lon, lat] = a.place.as_ref().and_then(|p| geometry::anchor(&p.value))?;
    let style = MarkerStyle {
        radius: if selected { 13.0 } else { 7.0 },
        color: if selected { "#111" } else { "#fff" },
        weight: if selected { 4.0 } else { 2.0 },
        fill_color: "#0072B2",
        fill_opacity: 1.0,
        class_name: format!(
            "action action-{}{}",
            s.id,
            if selected { " selected" } else { "" }
        ),
    };
    let layer: Layer =
        CircleMarker::new_with_options(&LatLng::new(lat, lon), &to_js(&style)).unchecked_into();
    let lines = [
        (text::kind(), text::action_kind(a.kind).to_owned()),
        (text::status(), text::action_status(a.status).to_owned()),
        (text::start(), crate::format::local_time(a.start)),
        (text::lead_agency(), a.lead_agency.to_string()),
    ];
    let (title, demo) = (a.title.clone(), a.demo);
    let popup = bind(&layer, move || popup_content(&title, &lines, demo));
    Some((layer, popup))
}
