use leptos::prelude::*;

use crate::{api, text};

/// The admin screen's word on base maps: which the server carries (format, zooms,
/// attribution), the map service and tile server if set, and how to add one.
#[component]
pub fn BasemapInfo() -> impl IntoView {
    let config = LocalResource::new(api::map_config);
    let rows = move || {
        let config = config.get()?.ok()?;
        let mut rows: Vec<(String, String, String)> = config
            .basemaps
            .iter()
            .map(|b| {
                (
                    b.name.clone(),
                    format!("{} · z{}–{}", b.format.as_str(), b.min_zoom, b.max_zoom),
                    b.attribution.clone().unwrap_or_default(),
                )
            })
            .collect();
        if let Some(wms) = &config.wms {
            rows.push((
                text::map_service().to_owned(),
                format!("{} · {}", wms.url, wms.layers),
                wms.attribution.clone().unwrap_or_default(),
            ));
        }
        if let Some(url) = &config.tile_url {
            rows.push((
                model::config::TILE_SERVER_NAME.to_owned(),
                url.clone(),
                config.tile_attribution.clone().unwrap_or_default(),
            ));
        }
        Some(rows)
    };
    view! {
        <section class="admin-section" data-testid="basemap-info">
            <h2>{text::basemap_admin()}</h2>
            {move || match rows() {
                Some(rows) if !rows.is_empty() => view! {
                    <ul>
                        {rows.into_iter().map(|(name, what, attribution)| view! {
                            <li data-testid="basemap-loaded"><strong>{name}</strong>" – "{what}" – "{attribution}</li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
                Some(_) => view! { <p data-testid="basemap-none">{text::basemap_none()}</p> }.into_any(),
                None => ().into_any(),
            }}
            <p class="hint">{text::basemap_how()}</p>
        </section>
    }
}
