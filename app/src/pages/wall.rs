use std::{sync::Arc, time::Duration};

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use model::{
    Action, DistrictKey, Hotspot, ItemKind, LayerQuery, PatrolRoute, hotspot_map::HotspotMap,
    schedule::to_the_minute,
};

use crate::{
    api,
    components::{
        AlertLayer, ApproximateNotice, Clock, ConnectionBanner, DistrictLayer, IncidentLayer,
        ItemLayers, MapView, OutlineLayer, WallTiles,
    },
    live::{Items, last_good, use_live},
    map::MapContext,
    text,
    view_state::{TimeFilter, ViewState},
};

/// Seconds per view unless `?rotation=` says otherwise; at least [`MIN_ROTATION`].
const DEFAULT_ROTATION: u64 = 30;
const MIN_ROTATION: u64 = 5;

/// Reads `?rotation=`: seconds per view.
pub fn rotation_seconds(param: Option<&str>) -> u64 {
    param
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or(DEFAULT_ROTATION, |s| s.max(MIN_ROTATION))
}

/// The view at step `n` of the rotation: the city, then the districts with an alert, then
/// the others (each group in the official order).
pub fn rotation_view(n: usize, alerted: &[DistrictKey]) -> Option<DistrictKey> {
    let first = DistrictKey::ALL.iter().filter(|d| alerted.contains(d));
    let rest = DistrictKey::ALL.iter().filter(|d| !alerted.contains(d));
    match n % (DistrictKey::ALL.len() + 1) {
        0 => None,
        i => first.chain(rest).nth(i - 1).copied(),
    }
}

/// The control-room wall: full screen, dark, no interaction; rotates through the city and
/// the seven districts and updates live.
#[component]
pub fn WallPage() -> impl IntoView {
    provide_context(MapContext::new());
    let live = use_live();
    let query = use_query_map();
    let seconds = Memo::new(move |_| rotation_seconds(query.read().get("rotation").as_deref()));
    let (step, set_step) = signal(0usize);
    Effect::new(move |_| {
        let every = Duration::from_secs(seconds.get());
        if let Ok(handle) = set_interval_with_handle(move || set_step.update(|s| *s += 1), every) {
            on_cleanup(move || handle.clear());
        }
    });
    // Early detection's alerts: outlined on the map, counted in a tile, and their districts
    // shown first in the rotation.
    let (alerts, _) = last_good(
        LocalResource::new(move || {
            live.alerts().track();
            async move { api::alerts(None).await.map(|l| l.alerts) }
        }),
        Vec::new(),
    );
    let alerted = Memo::new(move |_| {
        alerts.with(|list| list.iter().filter_map(|a| a.district).collect::<Vec<_>>())
    });
    let current = Signal::derive(move || rotation_view(step.get(), &alerted.get()));

    let config = LocalResource::new(api::map_config);
    let districts = LocalResource::new(api::districts);
    let outline = LocalResource::new(api::outline);
    let (hotspots, stale_h) = last_good(
        LocalResource::new(move || {
            live.of(ItemKind::Hotspot).track();
            api::items::<Hotspot>()
        }),
        Items::<Hotspot>::default(),
    );
    let (routes, _) = last_good(
        LocalResource::new(move || {
            live.of(ItemKind::Route).track();
            api::items::<PatrolRoute>()
        }),
        Items::<PatrolRoute>::default(),
    );
    let (actions, _) = last_good(
        LocalResource::new(move || {
            live.of(ItemKind::Action).track();
            api::items::<Action>()
        }),
        Items::<Action>::default(),
    );
    // Indicators change with the data, the view, and the time of day (every minute).
    let (minute, set_minute) = signal(0u32);
    if let Ok(handle) = set_interval_with_handle(
        move || set_minute.update(|m| *m += 1),
        Duration::from_secs(60),
    ) {
        on_cleanup(move || handle.clear());
    }
    let (indicators, _) = last_good(
        LocalResource::new(move || {
            live.revision.track();
            minute.track();
            let d = current.get();
            async move { api::indicators(d).await.map(Some) }
        }),
        None,
    );
    // The map's layers follow the view in the URL (`ebenen`, `behoerde`, `zeit`, …) like the
    // city map's, so a wall can show e.g. only today's patrols; the tiles count everything.
    let shown = Memo::new(move |_| {
        let q = query.read();
        ViewState::from_query(|k| q.get(k))
    });
    let now = move || {
        minute.track();
        jiff::Timestamp::now()
    };
    let shown_hotspots = Signal::derive(move || {
        hotspots.with(|l| Arc::new(HotspotMap::of(shown.get().select(l, now()).iter())))
    });
    let shown_routes = Signal::derive(move || routes.with(|l| shown.get().select(l, now())));
    let shown_actions = Signal::derive(move || actions.with(|l| shown.get().select(l, now())));
    // Incidents as counts per cell (the server withholds small ones from wall displays).
    let incident_query = Memo::new(move |_| {
        let mut view = shown.get();
        // A display gets incidents for fixed windows only (last 24 hours, 7 or 28 days, or a
        // played week), never for a chosen date range.
        if matches!(view.time, TimeFilter::Range(..)) {
            view.time = TimeFilter::All;
        }
        let minute = to_the_minute(now());
        // …and unfiltered: the layer on or off, its window, nothing else.
        view.layer_query(ItemKind::Incident, minute)
            .map(|_| LayerQuery {
                window: Some(view.incident_span(minute)),
                ..LayerQuery::default()
            })
    });
    let incident_revision: Signal<u64> = live.of(ItemKind::Incident).into();
    let any_demo = move || {
        hotspots.read().iter().any(|h| h.item.demo) || actions.read().iter().any(|a| a.item.demo)
    };
    let title = move || {
        current.get().map_or(text::whole_city().to_owned(), |d| {
            d.official_name().to_owned()
        })
    };

    let map = move || match (config.get(), districts.get(), outline.get()) {
        (Some(Ok(config)), Some(Ok(districts)), Some(Ok(outline))) => {
            let city_bounds = config.bounds;
            let attribution = config.data_attribution.clone();
            view! {
                <MapView config=config controls=false
                    basemap=Signal::derive(move || shown.get().basemap) dark=true>
                    <OutlineLayer outline=outline/>
                    <DistrictLayer
                        districts=districts
                        selected=current
                        on_select=Callback::new(|_| ())
                        city_bounds=city_bounds
                        attribution=attribution
                    />
                    <ItemLayers hotspots=shown_hotspots routes=shown_routes actions=shown_actions/>
                    <IncidentLayer query=incident_query revision=incident_revision display=true/>
                    <AlertLayer alerts=alerts/>
                </MapView>
            }
            .into_any()
        }
        (Some(Err(e)), _, _) | (_, Some(Err(e)), _) | (_, _, Some(Err(e))) => {
            view! { <p class="wall-error" role="alert">{e.to_string()}</p> }.into_any()
        }
        _ => view! { <p class="loading">{text::loading()}</p> }.into_any(),
    };

    view! {
        <div class="wall" data-testid="wall">
            <header class="wall-header">
                <div>
                    <p class="wall-kicker">{text::app_title()}</p>
                    <h1 data-testid="wall-title">{title}</h1>
                </div>
                <Clock/>
            </header>
            <ConnectionBanner connected=live.connected/>
            <main class="wall-map">{map}</main>
            <WallTiles indicators=indicators alerts=Signal::derive(move || alerts.with(Vec::len))/>
            <div class="wall-notes">
                <ApproximateNotice/>
                <Show when=any_demo>
                    <span class="demo-badge" data-testid="demo-badge">{text::demo_data()}</span>
                </Show>
                <Show when=move || stale_h.get()>
                    <span class="stale" data-testid="stale">"Daten nicht aktuell"</span>
                </Show>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotation_defaults_to_30_seconds_and_has_a_floor() {
        assert_eq!(rotation_seconds(None), 30);
        assert_eq!(rotation_seconds(Some("12")), 12);
        assert_eq!(rotation_seconds(Some("1")), 5);
        assert_eq!(rotation_seconds(Some("bald")), 30);
    }

    #[test]
    fn the_rotation_shows_the_city_then_each_district_then_starts_over() {
        assert_eq!(rotation_view(0, &[]), None);
        assert_eq!(rotation_view(1, &[]), Some(DistrictKey::Mitte));
        assert_eq!(rotation_view(7, &[]), Some(DistrictKey::Heessen));
        assert_eq!(rotation_view(8, &[]), None);
    }

    #[test]
    fn districts_with_an_alert_come_first_in_the_rotation() {
        let alerted = [DistrictKey::Heessen, DistrictKey::BockumHoevel];
        let order: Vec<_> = (0..9).map(|n| rotation_view(n, &alerted)).collect();
        assert_eq!(
            order,
            [
                None,
                Some(DistrictKey::BockumHoevel),
                Some(DistrictKey::Heessen),
                Some(DistrictKey::Mitte),
                Some(DistrictKey::Uentrop),
                Some(DistrictKey::Rhynern),
                Some(DistrictKey::Pelkum),
                Some(DistrictKey::Herringen),
                None,
            ]
        );
    }
}
