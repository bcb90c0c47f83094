use leptos::prelude::*;
use model::alert::Alert;
use serde::Serialize;

use crate::map::{
    bindings::{GeoJsonLayer, GeoJsonOptions, geo_json_layer},
    use_map,
};

#[derive(Serialize)]
struct AlertStyle {
    color: &'static str,
    weight: f64,
    #[serde(rename = "dashArray")]
    dash_array: &'static str,
    fill: bool,
}

/// Early detection's alerted areas (a cell, a hotspot's area or a district) outlined in
/// dashed orange over the other layers; redrawn when the alerts change.
#[component]
pub fn AlertLayer(#[prop(into)] alerts: Signal<Vec<Alert>>) -> impl IntoView {
    let ctx = use_map();
    let layer = StoredValue::new_local(None::<GeoJsonLayer>);
    let clear = move || {
        layer.update_value(|l| {
            if let Some(l) = l.take() {
                l.remove();
            }
        });
    };
    Effect::new(move |_| {
        let Some(map) = ctx.map() else { return };
        let features: Vec<geojson::Feature> = alerts.with(|list| {
            list.iter()
                .map(|a| geojson::Feature {
                    geometry: Some(a.geometry.clone()),
                    ..Default::default()
                })
                .collect()
        });
        clear();
        if features.is_empty() {
            return;
        }
        let collection = geojson::FeatureCollection {
            features,
            bbox: None,
            foreign_members: None,
        };
        let options = GeoJsonOptions {
            style: AlertStyle {
                color: "#ff6d00",
                weight: 4.0,
                dash_array: "8 6",
                fill: false,
            },
            interactive: false,
            class_name: Some("alert-outline".into()),
            attribution: None,
        };
        let l = geo_json_layer(&collection, &options);
        l.add_to(&map);
        layer.set_value(Some(l));
    });
    on_cleanup(clear);
}
