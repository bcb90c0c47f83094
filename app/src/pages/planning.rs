use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use model::{Action, ItemKind, Stored, analysis::Conflict};

use crate::{
    api,
    components::{
        ActionForm, ConnectionBanner, CoverageList, DistrictLayer, Filters, ItemLayers, Legend,
        MapView, OutlineLayer, Timeline,
    },
    live::{live_list, use_live, use_picture},
    map::MapContext,
    text,
    view_state::ViewState,
};

/// The planning meeting: the week's actions beside the map, conflicts marked, a form to
/// create and edit actions, the calendar download and an A3 print view.
#[component]
pub fn PlanningPage() -> impl IntoView {
    provide_context(MapContext::new());
    let live = use_live();
    let all = use_picture(live);
    // Filters and the calendar page live in the URL, as on the city map.
    let query = use_query_map();
    let shown = Memo::new(move |_| {
        let q = query.read();
        ViewState::from_query(|k| q.get(k))
    });
    let now = jiff::Timestamp::now;
    let hotspots = Signal::derive(move || shown.get().select(all.hotspots.get(), now()));
    let routes = Signal::derive(move || shown.get().select(all.routes.get(), now()));
    let actions = Signal::derive(move || shown.get().planned(all.actions.get(), now()));
    let conflicts: Signal<Vec<Conflict>> = live_list(live.revision, api::conflicts);
    let agencies = live_list(live.revision, api::agencies);
    let coverage = live_list(live.revision, api::coverage);
    let config = LocalResource::new(api::map_config);
    let districts = LocalResource::new(api::districts);
    let outline = LocalResource::new(api::outline);

    let selected = RwSignal::new(None::<i64>);
    // The form edits the version the planner picked, not whatever arrives live: a change by
    // someone else meanwhile makes the save stale (412), never silently replaces the typing.
    let editing = RwSignal::new(None::<Stored<Action>>);
    let on_select = Callback::new(move |id: i64| {
        selected.set(Some(id));
        editing.set(all.actions.get_untracked().into_iter().find(|a| a.id == id));
    });
    let on_saved = Callback::new(move |saved: Stored<Action>| {
        selected.set(Some(saved.id));
        editing.set(Some(saved));
    });

    let map = move || match (config.get(), districts.get(), outline.get()) {
        (Some(Ok(config)), Some(Ok(districts)), Some(Ok(outline))) => {
            let city_bounds = config.bounds;
            let attribution = config.data_attribution.clone();
            Some(view! {
                <MapView config=config>
                    <OutlineLayer outline=outline/>
                    <DistrictLayer districts=districts selected=Signal::derive(|| None) on_select=Callback::new(|_| ()) city_bounds=city_bounds attribution=attribution/>
                    <ItemLayers hotspots=hotspots routes=routes actions=actions selected_action=selected on_action=on_select/>
                </MapView>
            })
        }
        _ => None,
    };

    view! {
        <div class="planning" data-testid="planning">
            <header class="planning-header">
                <h1>{text::APP_TITLE} " – Planung"</h1>
                <div class="planning-actions no-print">
                    <button type="button" data-testid="new-action" on:click=move |_| { selected.set(None); editing.set(None); }>"Neue Maßnahme"</button>
                    <a href="/api/export/actions.ics" download="lagebild-hamm-massnahmen.ics" data-testid="ics-download">"Kalender (.ics)"</a>
                    <button type="button" data-testid="print" on:click=move |_| { let _ = window().print(); }>"Drucken (A3)"</button>
                </div>
                <p class="print-only">{move || format!("{}: {}", text::AS_OF, crate::format::date_today())}</p>
            </header>
            <ConnectionBanner connected=live.connected/>
            <section class="planning-timeline" aria-label="Maßnahmen">
                <h2>"Maßnahmen"</h2>
                <div class="no-print">
                    <Filters view=shown agencies=agencies kinds=&[ItemKind::Action]/>
                </div>
                <Timeline view=shown actions=actions conflicts=conflicts selected=selected on_select=on_select/>
                <CoverageList coverage=coverage hotspots=hotspots/>
            </section>
            <main class="planning-map">
                {map}
                <Legend colour_by=Signal::derive(|| None)/>
            </main>
            <aside class="planning-form no-print">
                <ActionForm editing=editing agencies=agencies on_saved=on_saved/>
            </aside>
        </div>
    }
}
