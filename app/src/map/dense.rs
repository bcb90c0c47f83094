//! A very dense point layer (more than `model::cluster::CANVAS_FROM` points) drawn on one
//! canvas: its clusters with their counts and its single points. Thousands of map elements
//! (one per marker, each moved by the browser in every frame of a pan or zoom) are what made
//! such a layer slow; one canvas, redrawn when a move ends, is not. The canvas covers the view
//! and a margin on every side (`model::cluster::MARGIN`), so a short pan shows no empty edge;
//! it is hidden while a zoom animates.
//!
//! The canvas takes no pointer events, so the districts beneath stay clickable: a click on the
//! map container is caught before anything beneath sees it, and only if it hits a marker. A
//! cluster then zooms to its points; a single point calls back with its id and position. The
//! clusters are not keyboard-focusable one by one as the clusters of smaller layers are;
//! instead, with the map focused, the arrow keys pan a marker to the map's centre and Enter
//! opens it.

use std::{cell::RefCell, rc::Rc};

use leaflet::{LatLng, Map, Point};
use model::cluster::{self, Marker};
use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, KeyboardEvent, MouseEvent};

/// The map pane holding the canvas: above the districts and routes (400), below the other
/// markers (600) and popups (700).
const PANE: &str = "dense-points";

/// What a drawn marker stands for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    /// A cluster: zooming to its `[[west, south], [east, north]]` splits it.
    Cluster([[f64; 2]; 2]),
    /// One point: its id and `[lon, lat]`.
    Point(i64, [f64; 2]),
}

/// A drawn marker, in layer pixels (which a pan does not change).
#[derive(Debug, Clone, Copy)]
struct Drawn {
    x: f64,
    y: f64,
    radius: f64,
    target: Target,
    /// The points it stands for.
    points: usize,
}

/// How a marker is drawn.
pub struct Style {
    /// Cluster fill and outline (the DOM clusters' colours).
    pub cluster_fill: &'static str,
    pub outline: &'static str,
    pub text: &'static str,
}

/// The canvas and its event handlers; dropping it removes both from the map.
pub struct DenseLayer {
    map: Map,
    canvas: HtmlCanvasElement,
    context: CanvasRenderingContext2d,
    drawn: Rc<RefCell<Vec<Drawn>>>,
    on_click: Closure<dyn FnMut(MouseEvent)>,
    on_hover: Closure<dyn FnMut(MouseEvent)>,
    on_key: Closure<dyn FnMut(KeyboardEvent)>,
    style: Style,
}

impl DenseLayer {
    /// A canvas on `map` (class `dense-layer dense-{kind}`); `on_point` is called when a single
    /// point is clicked.
    pub fn new(
        map: &Map,
        kind: &str,
        style: Style,
        on_point: impl Fn(i64, [f64; 2]) + 'static,
    ) -> Option<DenseLayer> {
        let document = web_sys::window()?.document()?;
        let pane = match map.get_pane_by_name(PANE) {
            p if p.is_truthy() => p,
            _ => {
                let p = map.create_pane_by_name(PANE);
                p.style().set_property("z-index", "450").ok()?;
                p
            }
        };
        let canvas: HtmlCanvasElement = document.create_element("canvas").ok()?.dyn_into().ok()?;
        // Hidden while a zoom animates (Leaflet's class), and never in the way of a pointer.
        canvas.set_class_name(&format!("dense-layer dense-{kind} leaflet-zoom-hide"));
        canvas.style().set_property("pointer-events", "none").ok()?;
        canvas.style().set_property("position", "absolute").ok()?;
        pane.append_child(&canvas).ok()?;
        let context: CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;

        let drawn = Rc::new(RefCell::new(Vec::<Drawn>::new()));
        let container = map.get_container();
        // The marker under a mouse event, if any.
        let hit = {
            let (map, drawn) = (map.clone(), Rc::clone(&drawn));
            move |e: &MouseEvent| hit_at(&drawn.borrow(), layer_point(&map, e), 0.0)
        };
        // A cluster zooms to its points; a point calls back.
        let open = {
            let map = map.clone();
            Rc::new(move |target: Target| match target {
                Target::Cluster(bounds) => super::cluster::zoom_to(&map, bounds),
                Target::Point(id, at) => on_point(id, at),
            })
        };
        let on_click = {
            let (map, hit, open) = (map.clone(), hit.clone(), Rc::clone(&open));
            Closure::<dyn FnMut(MouseEvent)>::new(move |e: MouseEvent| {
                // The click that ends a drag is not a click on a marker (as Leaflet decides).
                if dragged(&map) {
                    return;
                }
                let Some(target) = hit(&e) else { return };
                e.stop_propagation();
                e.prevent_default();
                open(target);
            })
        };
        // Keyboard: with the map focused, Enter opens the marker at (or near) its centre, so a
        // cluster can be panned to the middle with the arrow keys and opened.
        let on_key = {
            let (map, drawn, container) = (map.clone(), Rc::clone(&drawn), container.clone());
            Closure::<dyn FnMut(KeyboardEvent)>::new(move |e: KeyboardEvent| {
                let on_map = e
                    .target()
                    .is_some_and(|t| JsValue::from(t) == JsValue::from(container.clone()));
                if e.key() != "Enter" || !on_map {
                    return;
                }
                let size = map.get_size();
                let centre = map.lat_lng_to_layer_point(
                    &map.container_point_to_lat_lng(&Point::new(size.x() / 2.0, size.y() / 2.0)),
                );
                let target = hit_at(&drawn.borrow(), (centre.x(), centre.y()), KEY_SLACK);
                if let Some(target) = target {
                    e.prevent_default();
                    open(target);
                }
            })
        };
        let on_hover = {
            let container = container.clone();
            Closure::<dyn FnMut(MouseEvent)>::new(move |e: MouseEvent| {
                let cursor = if hit(&e).is_some() { "pointer" } else { "" };
                let _ = container.style().set_property("cursor", cursor);
            })
        };
        let capture = web_sys::AddEventListenerOptions::new();
        capture.set_capture(true);
        container
            .add_event_listener_with_callback_and_add_event_listener_options(
                "click",
                on_click.as_ref().unchecked_ref(),
                &capture,
            )
            .ok()?;
        container
            .add_event_listener_with_callback("mousemove", on_hover.as_ref().unchecked_ref())
            .ok()?;
        container
            .add_event_listener_with_callback("keydown", on_key.as_ref().unchecked_ref())
            .ok()?;
        Some(DenseLayer {
            map: map.clone(),
            canvas,
            context,
            drawn,
            on_click,
            on_hover,
            on_key,
            style,
        })
    }

    /// Draws `markers` (those around the view), single points filled with `fill(id)`.
    pub fn draw<'a>(
        &self,
        markers: impl IntoIterator<Item = &'a Marker>,
        fill: impl Fn(i64) -> &'static str,
    ) {
        let size = self.map.get_size();
        let (w, h) = (size.x(), size.y());
        // The canvas spans the view and the margin the markers are drawn in on every side.
        let top_left = self.to_layer(-w * cluster::MARGIN, -h * cluster::MARGIN);
        let (cw, ch) = (
            w * (1.0 + 2.0 * cluster::MARGIN),
            h * (1.0 + 2.0 * cluster::MARGIN),
        );
        let ratio = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
        self.canvas.set_width((cw * ratio).round() as u32);
        self.canvas.set_height((ch * ratio).round() as u32);
        let style = self.canvas.style();
        let _ = style.set_property("width", &format!("{cw}px"));
        let _ = style.set_property("height", &format!("{ch}px"));
        let _ = style.set_property(
            "transform",
            &format!("translate3d({}px, {}px, 0)", top_left.0, top_left.1),
        );
        let c = &self.context;
        let _ = c.set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0);
        c.clear_rect(0.0, 0.0, cw, ch);
        c.set_text_align("center");
        c.set_text_baseline("middle");
        c.set_stroke_style_str(self.style.outline);
        let mut drawn = self.drawn.borrow_mut();
        drawn.clear();
        for m in markers {
            let [lon, lat] = m.position();
            let p = self.map.lat_lng_to_layer_point(&LatLng::new(lat, lon));
            let (x, y) = (p.x(), p.y());
            let (cx, cy) = (x - top_left.0, y - top_left.1);
            let (radius, target, points) = match m {
                Marker::Single(p) => (11.0, Target::Point(p.id, p.at), 1),
                Marker::Cluster(k) => (
                    cluster_radius(k.count()),
                    Target::Cluster(k.bounds),
                    k.count(),
                ),
            };
            c.begin_path();
            let _ = c.arc(cx, cy, radius, 0.0, std::f64::consts::TAU);
            match m {
                Marker::Single(p) => {
                    c.set_fill_style_str(fill(p.id));
                    c.set_line_width(2.0);
                    c.fill();
                    c.stroke();
                }
                Marker::Cluster(k) => {
                    c.set_fill_style_str(self.style.cluster_fill);
                    c.set_line_width(3.0);
                    c.fill();
                    c.stroke();
                    c.set_fill_style_str(self.style.text);
                    c.set_font("700 15px system-ui, sans-serif");
                    let _ = c.fill_text(&crate::format::integer(k.count() as u64), cx, cy);
                }
            }
            drawn.push(Drawn {
                x,
                y,
                radius,
                target,
                points,
            });
        }
        // What is drawn, for tests and benchmarks (a canvas has no elements to count).
        let points: usize = drawn.iter().map(|d| d.points).sum();
        let _ = self
            .canvas
            .set_attribute("data-markers", &drawn.len().to_string());
        let _ = self
            .canvas
            .set_attribute("data-points", &points.to_string());
    }

    /// A container point as a layer point.
    fn to_layer(&self, x: f64, y: f64) -> (f64, f64) {
        let p = self
            .map
            .lat_lng_to_layer_point(&self.map.container_point_to_lat_lng(&Point::new(x, y)));
        (p.x(), p.y())
    }
}

impl Drop for DenseLayer {
    fn drop(&mut self) {
        let container = self.map.get_container();
        let _ = container.remove_event_listener_with_callback_and_bool(
            "click",
            self.on_click.as_ref().unchecked_ref(),
            true,
        );
        let _ = container.remove_event_listener_with_callback(
            "mousemove",
            self.on_hover.as_ref().unchecked_ref(),
        );
        let _ = container
            .remove_event_listener_with_callback("keydown", self.on_key.as_ref().unchecked_ref());
        let _ = container.style().set_property("cursor", "");
        self.canvas.remove();
    }
}

/// A cluster's radius by its count, as the DOM clusters' sizes (36, 44, 52 px).
fn cluster_radius(count: usize) -> f64 {
    match count {
        0..100 => 18.0,
        100..1000 => 22.0,
        _ => 26.0,
    }
}

/// How far (in pixels) beyond its circle a marker still takes Enter at the map's centre.
const KEY_SLACK: f64 = 24.0;

/// The topmost drawn marker whose circle, grown by `slack` pixels, holds `p` (layer pixels).
fn hit_at(drawn: &[Drawn], p: (f64, f64), slack: f64) -> Option<Target> {
    drawn
        .iter()
        .rev()
        .find(|d| (d.x - p.0).powi(2) + (d.y - p.1).powi(2) <= (d.radius + slack).powi(2))
        .map(|d| d.target)
}

/// The layer point of a mouse event on the map.
fn layer_point(map: &Map, e: &MouseEvent) -> (f64, f64) {
    let rect = map.get_container().get_bounding_client_rect();
    let container = Point::new(
        f64::from(e.client_x()) - rect.left(),
        f64::from(e.client_y()) - rect.top(),
    );
    let p = map.lat_lng_to_layer_point(&map.container_point_to_lat_lng(&container));
    (p.x(), p.y())
}

/// Whether the map was just dragged (its dragging handler says it moved).
fn dragged(map: &Map) -> bool {
    let Ok(dragging) = js_sys::Reflect::get(map, &"dragging".into()) else {
        return false;
    };
    let Ok(moved) = js_sys::Reflect::get(&dragging, &"moved".into()) else {
        return false;
    };
    moved
        .dyn_ref::<js_sys::Function>()
        .and_then(|f| f.call0(&dragging).ok())
        .is_some_and(|v| v.is_truthy())
}
