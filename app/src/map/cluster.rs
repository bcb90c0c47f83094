//! Drawing the clusters that `model::cluster` computes: a round badge with the count, which
//! zooms the map to its points when clicked (or, focused, on Enter).

use leaflet::{DivIconOptions, LatLng, LatLngBounds, Layer, Map, Marker, MarkerOptions};
use model::cluster::Cluster;
use wasm_bindgen::{JsCast, JsValue, closure::Closure};

/// A JS event handler that must live as long as the layer it is bound to.
pub type Handler = Closure<dyn FnMut(JsValue)>;

/// A cluster marker; `what` names its points for the title ("12 Brennpunkte").
/// `kind` goes into the CSS class (`cluster cluster-hotspot`). The returned closure handles
/// the click and must live as long as the marker.
pub fn cluster_layer(
    map: &Map,
    cluster: &Cluster,
    kind: &str,
    what: &str,
) -> Option<(Layer, Handler)> {
    let document = web_sys::window()?.document()?;
    let badge = document.create_element("span").ok()?;
    badge.set_text_content(Some(&crate::format::integer(cluster.count() as u64)));
    let size = match cluster.count() {
        0..100 => 36.0,
        100..1000 => 44.0,
        _ => 52.0,
    };
    let options = DivIconOptions::new();
    options.set_class_name(format!("cluster cluster-{kind}"));
    options.set_icon_size(leaflet::Point::new(size, size));
    // Leaflet takes an element as the icon's content: the count is a text node, not HTML.
    js_sys::Reflect::set(&options, &"html".into(), &badge).ok()?;
    let marker_options = MarkerOptions::new();
    marker_options.set_icon(crate::map::bindings::div_icon(&options));
    marker_options.set_title(format!("{} {what}", cluster.count()));
    marker_options.set_keyboard(true);
    let [lon, lat] = cluster.centre;
    let marker = Marker::new_with_options(&LatLng::new(lat, lon), &marker_options);
    let cluster_bounds = cluster.bounds;
    let map = map.clone();
    // A click, or Enter while the marker has the keyboard focus (Leaflet forwards the key
    // press to the layer).
    let zoom_in = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
        if is_click_or_enter(&e) {
            zoom_to(&map, cluster_bounds);
        }
    });
    marker.on("click", zoom_in.as_ref().unchecked_ref());
    marker.on("keypress", zoom_in.as_ref().unchecked_ref());
    Some((marker.unchecked_into(), zoom_in))
}

/// Zooms `map` to a cluster's `[[west, south], [east, north]]`, with a margin: its points
/// then stand apart (or in smaller clusters).
pub fn zoom_to(map: &Map, [[west, south], [east, north]]: [[f64; 2]; 2]) {
    let bounds = LatLngBounds::new(&LatLng::new(south, west), &LatLng::new(north, east));
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(
        &options,
        &"padding".into(),
        &js_sys::Array::of2(&40.into(), &40.into()),
    );
    map.fit_bounds_with_options(&bounds, &options);
}

/// A Leaflet `click` event, or a `keypress` of Enter.
fn is_click_or_enter(e: &JsValue) -> bool {
    let get =
        |o: &JsValue, k: &str| js_sys::Reflect::get(o, &k.into()).unwrap_or(JsValue::UNDEFINED);
    if get(e, "type").as_string().as_deref() != Some("keypress") {
        return true;
    }
    get(&get(e, "originalEvent"), "key").as_string().as_deref() == Some("Enter")
}
