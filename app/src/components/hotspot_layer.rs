use std::sync::Arc;

use leptos::prelude::*;
use model::{
    cluster,
    hotspot_map::{HotspotMap, Pin},
};

use crate::{
    map::item_shapes::{Drawn, View, area_shape, point_layers},
    map::use_map,
};

/// Hotspots: areas as they are, points clustered for the zoom (see [`point_layers`]).
#[component]
pub fn HotspotLayer(
    #[prop(into)] hotspots: Signal<Arc<HotspotMap>>,
    /// Called with the hotspot that was clicked.
    on_hotspot: Option<Callback<i64>>,
) -> impl IntoView {
    let ctx = use_map();
    // The view, for clustering: read from the map when it exists and after every move (a
    // zoom ends with one too). The zoom alone changes less often than the view.
    let view = RwSignal::new(None::<View>);
    Effect::new(move |_| {
        let Some(map) = ctx.map() else { return };
        let read = map.clone();
        map.on_move_end(Box::new(move |_| view.set(Some(View::of(&read)))));
        view.set(Some(View::of(&map)));
    });
    let zoom = Memo::new(move |_| view.get().map(|v| v.zoom));
    // Points: projected once per data (the index), clustered for the zoom when the data or
    // the zoom changes, not on a pan. The index is never compared: a new answer is new data.
    let index = Memo::new_with_compare(
        move |_| {
            hotspots.with(|h| {
                let at: Vec<cluster::Point> = h.pins.iter().map(Pin::point).collect();
                cluster::Index::new(&at)
            })
        },
        |_, _| true,
    );
    let points = Memo::new(move |_| {
        let z = zoom.get().filter(|z| z.is_finite()).unwrap_or(11.0);
        index.with(|i| i.markers(z))
    });
    point_layers(points, hotspots, view, on_hotspot);

    // Areas, drawn as they are.
    let drawn = Drawn::store();
    Effect::new(move |_| {
        let Some(map) = ctx.map() else { return };
        drawn.update_value(|d| {
            d.clear();
            hotspots.with(|h| {
                for s in &h.areas {
                    d.clickable(area_shape(s), s.id, on_hotspot);
                }
            });
            d.show(&map);
        });
    });
}
