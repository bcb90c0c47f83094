use leptos::prelude::*;
use model::MapConfig;

use crate::{
    map::{basemap, use_map},
    view_state::BasemapChoice,
};

/// The base map under the districts and layers: the one `choice` names among those the server
/// offers, dark where `dark` says (the wall, a dark screen). Changing either replaces it.
#[component]
pub fn BasemapLayer(
    config: MapConfig,
    #[prop(into)] choice: Signal<BasemapChoice>,
    #[prop(into)] dark: Signal<bool>,
) -> impl IntoView {
    let ctx = use_map();
    let config = StoredValue::new(config);
    // The layer on the map and what it shows; a counter so that a slow load (the vector
    // script) that another choice overtook is dropped.
    let shown = StoredValue::new_local(None::<(leaflet::Layer, String, bool)>);
    let wanted = StoredValue::new(0u64);

    let remove = move || {
        shown.update_value(|s| {
            if let Some((layer, _, _)) = s.take() {
                layer.remove();
            }
        })
    };

    Effect::new(move |_| {
        let Some(map) = ctx.map() else { return };
        let choice = choice.get();
        let dark = dark.get();
        let name = config.with_value(|c| choice.pick(&basemap::names(c)).map(str::to_owned));
        let same = shown.with_value(|s| match (s, &name) {
            (Some((_, n, d)), Some(name)) => n == name && *d == dark,
            (None, None) => true,
            _ => false,
        });
        if same {
            return;
        }
        wanted.update_value(|n| *n += 1);
        let ticket = wanted.get_value();
        let Some(name) = name else {
            remove();
            return;
        };
        leptos::task::spawn_local(async move {
            let made = basemap::layer(&config.get_value(), &name, dark).await;
            if wanted.try_get_value() != Some(ticket) {
                return;
            }
            match made {
                Ok(layer) => {
                    remove();
                    layer.add_to(&map);
                    shown.set_value(Some((layer, name, dark)));
                }
                Err(e) => leptos::logging::error!("base map {name}: {e}"),
            }
        });
    });

    on_cleanup(remove);
}
