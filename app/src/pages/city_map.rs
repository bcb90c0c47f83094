use leptos::prelude::*;
use leptos_router::{
    components::{A, Outlet},
    hooks::{use_location, use_navigate, use_query_map},
};
use std::sync::Arc;

use model::{
    Action, District, DistrictKey, Hotspot, Incident, ItemKind, LayerQuery, PatrolRoute,
    analysis::count_class, density::rate_class, hotspot_map::HotspotMap,
    schedule::to_the_minute as this_minute,
};

use crate::{
    api::{self, ApiError},
    city_path::CityPath,
    components::AccountBar,
    components::{
        ApproximateNotice, BasemapSwitch, ConnectionBanner, DistrictAlerts, DistrictFacts,
        DistrictLayer, DistrictList, DistrictToday, IncidentLayer, IncidentPoints, IncidentReport,
        ItemLayers, LanguageSwitch, LayerControls, LayerTables, Legend, LoadError, MapView,
        OutlineLayer, PlaceSearch, incident_points::points_shown,
    },
    device,
    live::{Items, LivePicture, live_list, use_live},
    map::style::CLASS_COLOURS,
    map::{MapContext, use_zoom},
    text,
    view_state::{Metric, ViewState},
};

/// The city map with the district list; the URL says which district is selected.
#[component]
pub fn CityMap() -> impl IntoView {
    provide_context(MapContext::new());
    let zoom = use_zoom();
    let location = use_location();
    let city_path = Memo::new(move |_| CityPath::parse(&location.pathname.get()));
    let selected = Signal::derive(move || city_path.get().district());
    let navigate = use_navigate();
    let on_select = Callback::new(move |key: DistrictKey| {
        navigate(&CityPath::District(key).path(), Default::default());
    });

    let live = use_live();
    let agencies = live_list(live.revision, api::agencies);
    // The view (layers, filters, table) lives in the URL.
    let query = use_query_map();
    let shown = Memo::new(move |_| {
        let q = query.read();
        ViewState::from_query(|k| q.get(k))
    });
    let (minute, set_minute) = signal(0u32);
    if let Ok(handle) = set_interval_with_handle(
        move || set_minute.update(|m| *m += 1),
        std::time::Duration::from_secs(60),
    ) {
        on_cleanup(move || handle.clear());
    }
    let now = move || {
        minute.track();
        jiff::Timestamp::now()
    };
    // The map's hotspots: the server selects them for the view and sends what drawing needs
    // (a layer can hold 100,000 points; see `model::hotspot_map`).
    let hotspot_query = Memo::new(move |_| shown.get().layer_query(ItemKind::Hotspot, now()));
    let hotspot_map: Signal<Arc<HotspotMap>> = live_list(live.of(ItemKind::Hotspot), move || {
        let query = hotspot_query.get();
        async move {
            match query {
                Some(q) => api::hotspot_map(&q).await,
                None => Ok(Arc::default()),
            }
        }
    });
    // Whole hotspots only while a list shows them: the officer's district, the tables.
    let lists_shown = Memo::new(move |_| shown.get().table || selected.get().is_some());
    let all = LivePicture {
        hotspots: live_list(live.of(ItemKind::Hotspot), move || {
            let wanted = lists_shown.get();
            async move {
                if wanted {
                    api::items::<Hotspot>().await
                } else {
                    Ok(Items::default())
                }
            }
        }),
        routes: live_list(live.of(ItemKind::Route), api::items::<PatrolRoute>),
        actions: live_list(live.of(ItemKind::Action), api::items::<Action>),
    };
    // Incidents: counts per cell for the view's window (to the minute, so a minute's answers
    // are one), filtered like the other layers.
    let incident_query = Memo::new(move |_| {
        let view = shown.get();
        let minute = this_minute(now());
        view.layer_query(ItemKind::Incident, minute)
            .map(|q| LayerQuery {
                window: Some(view.incident_span(minute)),
                ..q
            })
    });
    let incident_revision: Signal<u64> = live.of(ItemKind::Incident).into();
    // Single incidents, selected by the server for the view's window and filters: only while
    // the table lists them or the map is zoomed in far enough to draw them one by one.
    let wanted = Memo::new(move |_| shown.get().table || points_shown(zoom.get()));
    let points_query = Memo::new(move |_| incident_query.get().filter(|_| wanted.get()));
    let incidents: Signal<Items<Incident>> = live_list(live.of(ItemKind::Incident), move || {
        let query = points_query.get();
        async move {
            match query {
                Some(q) => api::items_selected::<Incident>(&q).await,
                None => Ok(Items::default()),
            }
        }
    });
    // Memos, not derived signals: a layer is selected once per change, not on every read (a
    // derived signal would copy and filter every item for each of its readers).
    let picture = LivePicture {
        hotspots: Memo::new(move |_| all.hotspots.with(|l| shown.get().select(l, now()))).into(),
        routes: Memo::new(move |_| all.routes.with(|l| shown.get().select(l, now()))).into(),
        actions: Memo::new(move |_| all.actions.with(|l| shown.get().select(l, now()))).into(),
    };
    // Districts coloured by a count class, when the URL asks for it; by incidents per 1,000
    // residents in the incidents' window (the played week, too).
    let summary = live_list(live.revision, api::summary);
    let colour_by = Signal::derive(move || shown.get().colour_by);
    let incident_span = Memo::new(move |_| {
        (colour_by.get() == Some(Metric::Incidents))
            .then(|| shown.get().incident_span(this_minute(now())))
    });
    let incident_rates = live_list(live.of(ItemKind::Incident), move || {
        let span = incident_span.get();
        async move {
            match span {
                Some(span) => api::summary_of(span).await,
                None => Ok(vec![]),
            }
        }
    });
    let fill = Signal::derive(move || {
        let Some(metric) = colour_by.get() else {
            return vec![];
        };
        let rows = match metric {
            Metric::Incidents => incident_rates.get(),
            _ => summary.get(),
        };
        rows.into_iter()
            .map(|s| {
                let class = match metric {
                    Metric::Hotspots => count_class(s.hotspots_active),
                    Metric::Actions => count_class(s.actions),
                    Metric::Incidents => rate_class(s.incidents_per_1000),
                };
                (s.district, CLASS_COLOURS[class])
            })
            .collect::<Vec<_>>()
    });
    // The officer's lists show the whole district, whatever the map's filters.
    let LivePicture {
        hotspots,
        routes,
        actions,
    } = all;
    // The officer's district is remembered on this device.
    Effect::new(move |_| {
        if let Some(key) = selected.get() {
            device::remember_district(key);
        }
    });
    let mine = device::remembered_district();

    let config = LocalResource::new(api::map_config);
    let districts = LocalResource::new(api::districts);
    let outline = LocalResource::new(api::outline);
    let retry = Callback::new(move |()| {
        config.refetch();
        districts.refetch();
        outline.refetch();
    });

    let loaded_districts = move || districts.get().and_then(Result::ok).unwrap_or_default();
    let any_approximate = move || loaded_districts().iter().any(|d| d.properties.approximate);
    let facts = move || match city_path.get() {
        CityPath::District(key) => loaded_districts()
            .into_iter()
            .find(|d| d.properties.key == key)
            .map(|d| {
                let reporter = crate::session::me().filter(|m| m.role.reports());
                view! {
                    {reporter.map(|m| view! { <IncidentReport agency=m.agency/> })}
                    <DistrictToday district=key hotspots=hotspots routes=routes actions=actions/>
                    <DistrictAlerts district=key live=live/>
                    <DistrictFacts district=d/>
                }
                .into_any()
            }),
        CityPath::NotFound => Some(
            view! {
                <section class="not-found" data-testid="not-found">
                    <p>{text::not_found()}</p>
                    <A href="/">{text::back_to_city()}</A>
                </section>
            }
            .into_any(),
        ),
        CityPath::City => mine.map(|key| {
            view! {
                <p class="my-district">
                    <A href=CityPath::District(key).path() attr:data-testid="my-district">
                        {format!("{}: {}", text::my_district(), key.short_name())}
                    </A>
                </p>
            }
            .into_any()
        }),
    };

    let map = move || {
        let results = (config.get(), districts.get(), outline.get());
        match results {
            (Some(Ok(config)), Some(Ok(districts)), Some(Ok(outline))) => {
                let layers = MapLayers {
                    view: shown,
                    hotspots: hotspot_map,
                    routes: picture.routes,
                    actions: picture.actions,
                    incidents: incident_query.into(),
                    incident_revision,
                    incident_items: incidents,
                };
                map_with_layers(
                    config, districts, outline, selected, on_select, layers, fill,
                )
                .into_any()
            }
            (Some(Err(e)), _, _) | (_, Some(Err(e)), _) | (_, _, Some(Err(e))) => {
                error_view(e, retry).into_any()
            }
            _ => {
                view! { <p class="loading" data-testid="loading">{text::loading()}</p> }.into_any()
            }
        }
    };

    view! {
        <div
            class="layout"
            data-theme=move || shown.get().theme_name()
        >
            <aside class="panel">
                <header>
                    <div class="panel-title">
                        <h1>{text::app_title()}</h1>
                        <LanguageSwitch/>
                    </div>
                    <p class="subtitle">{text::app_subtitle()}</p>
                    <AccountBar/>
                </header>
                <ConnectionBanner connected=live.connected/>
                <Show when=any_approximate>
                    <ApproximateNotice/>
                </Show>
                {facts}
                <DistrictList/>
                <LayerControls view=shown agencies=agencies/>
                <BasemapSwitch view=shown config=config/>
                <Legend colour_by=colour_by/>
                <Show when=move || shown.get().table>
                    <LayerTables hotspots=picture.hotspots routes=picture.routes actions=picture.actions incidents=incidents/>
                </Show>
            </aside>
            <main class="map-area">{map}</main>
            // The child routes render nothing, but the router completes a navigation only once
            // their outlet has rendered.
            <Outlet/>
        </div>
    }
}

/// What the city map draws.
struct MapLayers {
    /// The view in the URL (for the base map and its theme).
    view: Memo<ViewState>,
    hotspots: Signal<Arc<HotspotMap>>,
    routes: Signal<Items<PatrolRoute>>,
    actions: Signal<Items<Action>>,
    incidents: Signal<Option<LayerQuery>>,
    incident_revision: Signal<u64>,
    incident_items: Signal<Items<Incident>>,
}

fn map_with_layers(
    config: model::MapConfig,
    districts: Vec<District>,
    outline: geojson::Feature,
    selected: Signal<Option<DistrictKey>>,
    on_select: Callback<DistrictKey>,
    picture: MapLayers,
    fill: Signal<Vec<(DistrictKey, &'static str)>>,
) -> impl IntoView {
    let city_bounds = config.bounds;
    let attribution = config.data_attribution.clone();
    view! {
        <MapView config=config
            basemap=Signal::derive(move || picture.view.get().basemap)
            dark=Signal::derive(move || crate::map::basemap::dark_screen(picture.view.get().theme))>
            <PlaceSearch/>
            <OutlineLayer outline=outline/>
            <DistrictLayer
                districts=districts
                selected=selected
                on_select=on_select
                city_bounds=city_bounds
                attribution=attribution
                fill=fill
            />
            <ItemLayers hotspots=picture.hotspots routes=picture.routes actions=picture.actions/>
            <IncidentLayer query=picture.incidents revision=picture.incident_revision/>
            <IncidentPoints incidents=picture.incident_items/>
        </MapView>
    }
}

fn error_view(error: ApiError, retry: Callback<()>) -> impl IntoView {
    view! { <LoadError message=error.to_string() on_retry=retry/> }
}
