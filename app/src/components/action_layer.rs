use std::collections::HashMap;

use leptos::prelude::*;
use model::{
    Action, Stored,
    action::ActionStatus,
    cluster::{self, Marker},
    geometry,
};

use crate::{
    api::Items,
    map::item_shapes::{Drawn, action_marker},
    map::{cluster::cluster_layer, use_map, use_zoom},
    text,
};

/// Actions as markers, clustered when there are many; cancelled ones are not drawn. The
/// selected action always stands alone with its popup open.
#[component]
pub fn ActionLayer(
    #[prop(into)] actions: Signal<Items<Action>>,
    /// The action to highlight (with its popup open).
    selected_action: Option<Signal<Option<i64>>>,
    /// Called with the action whose marker was clicked.
    on_action: Option<Callback<i64>>,
) -> impl IntoView {
    let ctx = use_map();
    let zoom = use_zoom();
    let drawn = Drawn::store();
    Effect::new(move |_| {
        let a = actions.get();
        let selected = selected_action.and_then(|s| s.get());
        let Some(map) = ctx.map() else { return };
        // Only a layer that can cluster has to be redrawn when the zoom changes.
        let z = if a.len() > cluster::CLUSTER_FROM {
            zoom.get()
        } else {
            zoom.get_untracked()
        };
        let z = if z.is_finite() { z } else { 11.0 };
        let shown: Vec<&Stored<Action>> = a
            .iter()
            .filter(|s| s.item.status != ActionStatus::Cancelled)
            .collect();
        let by_id: HashMap<i64, &Stored<Action>> = shown.iter().map(|s| (s.id, *s)).collect();
        let at: Vec<cluster::Point> = shown
            .iter()
            .filter(|s| selected != Some(s.id))
            .filter_map(|s| {
                let place = s.item.place.as_ref()?;
                geometry::anchor(&place.value).map(|at| cluster::Point { id: s.id, at })
            })
            .collect();
        let mut singles: Vec<&Stored<Action>> = selected
            .and_then(|id| by_id.get(&id).copied())
            .into_iter()
            .collect();
        drawn.update_value(|d| {
            d.clear();
            for m in cluster::markers(&at, z) {
                match m {
                    Marker::Single(p) => singles.extend(by_id.get(&p.id).copied()),
                    Marker::Cluster(c) => {
                        d.cluster(cluster_layer(&map, &c, "action", text::actions()));
                    }
                }
            }
            let mut open = None;
            for s in singles {
                let is_selected = selected == Some(s.id);
                if let Some(layer) = d.clickable(action_marker(s, is_selected), s.id, on_action)
                    && is_selected
                {
                    open = Some(layer);
                }
            }
            d.show(&map);
            if let Some(l) = open {
                l.open_popup();
            }
        });
    });
}
