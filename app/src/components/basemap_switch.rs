use leptos::prelude::*;
use model::{
    MapConfig,
    config::{TILE_SERVER_NAME, WMS_NAME},
};

use crate::{
    api::ApiError,
    map::basemap,
    text,
    view_state::{BasemapChoice, ViewState},
    view_url::{apply, use_view_update},
};

/// "Grundkarte: aus / Stadtplan / Luftbild …": which base map is drawn, kept in the URL like
/// every view setting. Shown where the server offers one or more.
#[component]
pub fn BasemapSwitch(
    #[prop(into)] view: Signal<ViewState>,
    /// The map's configuration, which names the base maps offered.
    config: LocalResource<Result<MapConfig, ApiError>>,
) -> impl IntoView {
    let names = Signal::derive(move || {
        config
            .get()
            .and_then(Result::ok)
            .map_or_else(Vec::new, |c| {
                basemap::names(&c).into_iter().map(str::to_owned).collect()
            })
    });
    let update = use_view_update(view);
    let selected = move || {
        let names = names.get();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        view.get().basemap.pick(&refs).unwrap_or("aus").to_owned()
    };
    move || {
        (!names.get().is_empty()).then(|| {
            view! {
                <label class="field">
                    <span>{text::basemap()}</span>
                    <select data-testid="basemap-switch" prop:value=selected
                        on:change=move |ev| {
                            let value = event_target_value(&ev);
                            let first = names.get_untracked().first().cloned();
                            let choice = match value.as_str() {
                                "aus" => BasemapChoice::Off,
                                v if Some(v) == first.as_deref() => BasemapChoice::First,
                                v => BasemapChoice::Named(v.to_owned()),
                            };
                            apply(update, |v| v.basemap = choice.clone());
                        }>
                        <option value="aus">{text::basemap_off()}</option>
                        {names.get().into_iter().map(|n| {
                            let label = label(&n);
                            view! { <option value=n>{label}</option> }
                        }).collect_view()}
                    </select>
                </label>
            }
        })
    }
}

/// A base map's name as the switch shows it: the map service and the tile server by what they
/// are, the server's own by their name with a capital (`stadtplan` → `Stadtplan`).
fn label(name: &str) -> String {
    match name {
        WMS_NAME => text::map_service().to_owned(),
        TILE_SERVER_NAME => text::tile_server().to_owned(),
        _ => {
            let mut c = name.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        }
    }
}
