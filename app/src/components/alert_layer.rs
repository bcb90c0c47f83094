use leptos::prelude::*;
use model::alert::Alert;
use serde::Serialize;

use crate::map::{
    bindings::{GeoJsonOptions, geo_json_layer},
    item_shapes::Drawn,
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
    let drawn = Drawn::store();
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
        drawn.update_value(Drawn::clear);
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
        drawn.update_value(|d| d.keep([l.into()]));
    });
}
