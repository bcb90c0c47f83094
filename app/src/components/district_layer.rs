use leaflet::{LatLng, Tooltip, TooltipOptions};
use leptos::prelude::*;
use model::{District, DistrictKey, config::Bounds};
use wasm_bindgen::{JsCast, prelude::*};

use crate::{
    components::map_view::fit_bounds,
    map::{
        bindings::{GeoJsonLayer, GeoJsonOptions, geo_json_layer, to_js},
        style::{Emphasis, district_style, district_style_with},
        use_map,
    },
};

/// One district on the map: its shape, its label, and the handlers that keep them alive.
struct DrawnDistrict {
    key: DistrictKey,
    shape: GeoJsonLayer,
    label: Tooltip,
    label_element: web_sys::HtmlElement,
    _on_click: Closure<dyn FnMut(JsValue)>,
}

/// The districts as coloured, labelled shapes. Clicking a shape or a label selects it; the
/// selected district is emphasised and the map zooms to it.
#[component]
pub fn DistrictLayer(
    districts: Vec<District>,
    /// The selected district, if any.
    #[prop(into)]
    selected: Signal<Option<DistrictKey>>,
    /// Called with the district the user picked on the map.
    on_select: Callback<DistrictKey>,
    /// The whole city's bounds, shown when nothing is selected.
    city_bounds: Bounds,
    /// Attribution of the boundary data.
    attribution: String,
    /// Fill colours by district (e.g. count classes) instead of each district's own colour.
    #[prop(optional, into)]
    fill: Option<Signal<Vec<(DistrictKey, &'static str)>>>,
) -> impl IntoView {
    let ctx = use_map();
    let drawn = StoredValue::new_local(Vec::<DrawnDistrict>::new());
    let ready = RwSignal::new(false);

    Effect::new(move |_| {
        let Some(map) = ctx.map() else { return };
        if drawn.with_value(|d| !d.is_empty()) {
            return;
        }
        let mut layers = Vec::with_capacity(districts.len());
        for district in &districts {
            match draw(district, on_select, &attribution) {
                Ok(d) => {
                    d.shape.add_to(&map);
                    d.label.add_to(&map);
                    layers.push(d);
                }
                Err(err) => leptos::logging::error!("cannot draw a district: {err:?}"),
            }
        }
        drawn.set_value(layers);
        ready.set(true);
    });

    // Restyle and zoom whenever the selection changes.
    Effect::new(move |_| {
        let sel = selected.get();
        let fills = fill.map(|f| f.get()).unwrap_or_default();
        if !ready.get() {
            return;
        }
        let Some(map) = ctx.map_untracked() else {
            return;
        };
        drawn.with_value(|layers| {
            for d in layers {
                let emphasis = Emphasis::of(d.key, sel);
                let colour = fills.iter().find(|(k, _)| *k == d.key).map(|(_, c)| *c);
                d.shape
                    .set_style(&to_js(&district_style_with(d.key, emphasis, colour)));
                let _ = d
                    .label_element
                    .class_list()
                    .toggle_with_force("selected", emphasis == Emphasis::Selected);
            }
            match sel.and_then(|k| layers.iter().find(|d| d.key == k)) {
                Some(d) => {
                    let options = to_js(&serde_json::json!({ "padding": [32, 32], "maxZoom": 14 }));
                    map.fit_bounds_with_options(&d.shape.get_bounds(), &options);
                }
                None => fit_bounds(&map, &city_bounds, true),
            }
        });
    });

    on_cleanup(move || {
        drawn.update_value(|layers| {
            for d in layers.drain(..) {
                d.shape.remove();
                d.label.remove();
            }
        });
    });
}

fn draw(
    district: &District,
    on_select: Callback<DistrictKey>,
    attribution: &str,
) -> Result<DrawnDistrict, JsValue> {
    let key = district.properties.key;
    let options = GeoJsonOptions {
        style: district_style(key, Emphasis::Normal),
        interactive: true,
        class_name: Some(format!("district district-{key}")),
        attribution: Some(attribution.to_owned()),
    };
    let shape = geo_json_layer(&geojson::Feature::from(district), &options);
    let on_click = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| on_select.run(key));
    shape.on("click", on_click.as_ref().unchecked_ref());

    // The label is built from a text node, never from an HTML string.
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let label_element: web_sys::HtmlElement = document.create_element("span")?.dyn_into()?;
    label_element.set_text_content(Some(key.short_name()));
    label_element.set_attribute("data-testid", &format!("district-label-{key}"))?;
    label_element.set_attribute("data-district", key.as_str())?;
    label_element.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref())?;

    let tooltip_options = TooltipOptions::new();
    tooltip_options.set_permanent(true);
    tooltip_options.set_direction("center".into());
    js_sys::Reflect::set(
        &tooltip_options,
        &"className".into(),
        &"district-label".into(),
    )?;
    js_sys::Reflect::set(&tooltip_options, &"interactive".into(), &true.into())?;
    let [lon, lat] = district.properties.label_point;
    let label = Tooltip::new_with_lat_lng(&LatLng::new(lat, lon), &tooltip_options);
    label.set_content(&label_element);

    Ok(DrawnDistrict {
        key,
        shape,
        label,
        label_element,
        _on_click: on_click,
    })
}
