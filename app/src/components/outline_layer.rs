use leptos::prelude::*;
use serde::Serialize;

use crate::map::{
    bindings::{GeoJsonLayer, GeoJsonOptions, geo_json_layer},
    use_map,
};

#[derive(Serialize)]
struct OutlineStyle {
    color: &'static str,
    weight: f64,
    fill: bool,
}

/// The city boundary as a strong line under the districts.
#[component]
pub fn OutlineLayer(outline: geojson::Feature) -> impl IntoView {
    let ctx = use_map();
    let layer = StoredValue::new_local(None::<GeoJsonLayer>);

    Effect::new(move |_| {
        let Some(map) = ctx.map() else { return };
        if layer.with_value(Option::is_some) {
            return;
        }
        let options = GeoJsonOptions {
            style: OutlineStyle {
                color: "#1b1b1b",
                weight: 4.0,
                fill: false,
            },
            interactive: false,
            class_name: Some("city-outline".into()),
            attribution: None,
        };
        let l = geo_json_layer(&outline, &options);
        l.add_to(&map);
        layer.set_value(Some(l));
    });

    on_cleanup(move || {
        layer.update_value(|l| {
            if let Some(l) = l.take() {
                l.remove();
            }
        });
    });
}
