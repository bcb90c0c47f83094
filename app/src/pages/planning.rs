use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use model::{
    Action, Hotspot, Item, ItemKind, PatrolRoute, Stored, analysis::Conflict,
    hotspot_map::HotspotMap,
};

use crate::{
    api,
    components::{
        AccountBar, ActionForm, AlertLayer, AlertList, BasemapSwitch, ConnectionBanner,
        CoverageList, DistrictLayer, Filters, HotspotForm, ItemLayers, LanguageSwitch, Legend,
        MapView, OutlineLayer, PickedPlace, PlaceSearch, ReviewDue, RouteForm, Timeline,
    },
    live::{Items, live_list, use_live, use_picture},
    map::{MapContext, draw},
    text,
    view_state::ViewState,
};

/// Which form the planner has open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FormKind {
    Action,
    Route,
    Hotspot,
}

/// The planning meeting: the actions as a list, week or month beside the map, conflicts and
/// coverage gaps marked, forms to create and edit actions, patrol routes and hotspots (their
/// lines and areas drawn on the map), the calendar download and an A3 print view.
#[component]
pub fn PlanningPage() -> impl IntoView {
    provide_context(MapContext::new());
    // A place found in the search may become the place of the action or hotspot in the form.
    provide_context(PickedPlace::new());
    let live = use_live();
    let all = use_picture(live);
    // Filters and the calendar page live in the URL, as on the city map.
    let query = use_query_map();
    let shown = Memo::new(move |_| {
        let q = query.read();
        ViewState::from_query(|k| q.get(k))
    });
    let form = RwSignal::new(FormKind::Action);
    // The forms edit the version the planner picked, not whatever arrives live: a change by
    // someone else meanwhile makes the save stale (412), never silently replaces the typing.
    let editing = RwSignal::new(None::<Stored<Action>>);
    let editing_route = RwSignal::new(None::<Stored<PatrolRoute>>);
    let editing_hotspot = RwSignal::new(None::<Stored<Hotspot>>);
    let now = jiff::Timestamp::now;
    // The item in a form is drawn by the form's editor, not as a layer.
    // Memos: each layer is selected once per change, not again for every reader.
    // Hotspots go to the map as pins and areas, as on the city map: made straight from the
    // selection, without an intermediate list.
    let hotspot_map = Memo::new(move |_| {
        let open = editing_hotspot
            .with(|e| e.as_ref().map(|s| s.id))
            .filter(|_| form.get() == FormKind::Hotspot);
        all.hotspots.with(|l| {
            let list = shown.get().select(l, now());
            Arc::new(HotspotMap::of(list.iter().filter(|s| Some(s.id) != open)))
        })
    });
    let routes = Memo::new(move |_| {
        let open = editing_route.with(|e| e.as_ref().map(|s| s.id));
        let list = all.routes.with(|l| shown.get().select(l, now()));
        without(list, open.filter(|_| form.get() == FormKind::Route))
    });
    let actions = Memo::new(move |_| Arc::new(all.actions.with(|l| shown.get().planned(l, now()))));
    let conflicts: Signal<Vec<Conflict>> = live_list(live.revision, api::conflicts);
    let agencies = live_list(live.revision, api::agencies);
    let coverage = live_list(live.revision, api::coverage);
    let review_due = live_list(live.revision, api::review_due);
    // Early detection's alerts beside the timeline; one may become a hotspot ("Als Brennpunkt
    // anlegen": the form opens filled from it, and saving acknowledges it).
    let (alerts_changed, set_alerts_changed) = signal(0u32);
    let alerts: Signal<Vec<model::alert::Alert>> = live_list(live.alerts(), move || {
        alerts_changed.track();
        async { api::alerts(None).await.map(|l| l.alerts) }
    });
    let from_alert = RwSignal::new(None::<(String, Hotspot)>);
    let config = LocalResource::new(api::map_config);
    let districts = LocalResource::new(api::districts);
    let outline = LocalResource::new(api::outline);
    // Geoman equips maps made after it loaded, so the map waits for it.
    let drawing = LocalResource::new(draw::load);

    let selected = RwSignal::new(None::<i64>);
    let on_select = Callback::new(move |id: i64| {
        selected.set(Some(id));
        form.set(FormKind::Action);
        editing.set(
            all.actions
                .get_untracked()
                .iter()
                .find(|a| a.id == id)
                .cloned(),
        );
    });
    let on_saved = Callback::new(move |saved: Stored<Action>| {
        selected.set(Some(saved.id));
        editing.set(Some(saved));
    });
    let on_route = Callback::new(move |id: i64| {
        form.set(FormKind::Route);
        editing_route.set(
            all.routes
                .get_untracked()
                .iter()
                .find(|r| r.id == id)
                .cloned(),
        );
    });
    let on_hotspot = Callback::new(move |id: i64| {
        form.set(FormKind::Hotspot);
        editing_hotspot.set(
            all.hotspots
                .get_untracked()
                .iter()
                .find(|h| h.id == id)
                .cloned(),
        );
    });
    let on_alert_hotspot = Callback::new(move |alert: model::alert::Alert| {
        let review = model::schedule::local(now())
            .date()
            .checked_add(jiff::ToSpan::months(3))
            .unwrap_or(jiff::civil::date(2030, 1, 1));
        let agency = model::AgencyKey::parse(&crate::session::agency());
        if let Ok(agency) = agency {
            editing_hotspot.set(None);
            from_alert.set(Some((alert.key.clone(), alert.as_hotspot(agency, review))));
            form.set(FormKind::Hotspot);
        }
    });
    let on_hotspot_saved = Callback::new(move |h: Stored<Hotspot>| {
        let id = h.id;
        editing_hotspot.set(Some(h));
        if let Some((key, _)) = from_alert.get_untracked() {
            from_alert.set(None);
            let ack = model::alert::NewAcknowledgement {
                reason: model::alert::AckReason::Hotspot,
                hotspot: Some(id),
            };
            leptos::task::spawn_local(async move {
                if api::acknowledge(&key, &ack).await.is_ok() {
                    set_alerts_changed.update(|n| *n += 1);
                }
            });
        }
    });
    // Planners and admins acknowledge alerts and make hotspots of them.
    let plans = crate::session::me().is_some_and(|m| m.role.plans());
    let start_new = move |kind: FormKind| {
        from_alert.set(None);
        form.set(kind);
        match kind {
            FormKind::Action => {
                selected.set(None);
                editing.set(None);
            }
            FormKind::Route => editing_route.set(None),
            FormKind::Hotspot => editing_hotspot.set(None),
        }
    };

    let map = move || match (config.get(), districts.get(), outline.get(), drawing.get()) {
        (Some(Ok(config)), Some(Ok(districts)), Some(Ok(outline)), Some(_)) => {
            let city_bounds = config.bounds;
            let attribution = config.data_attribution.clone();
            Some(view! {
                <MapView config=config
                    basemap=Signal::derive(move || shown.get().basemap)
                    dark=Signal::derive(move || crate::map::basemap::dark_screen(shown.get().theme))>
                    <PlaceSearch/>
                    <OutlineLayer outline=outline/>
                    <DistrictLayer districts=districts selected=Signal::derive(|| None) on_select=Callback::new(|_| ()) city_bounds=city_bounds attribution=attribution/>
                    <ItemLayers hotspots=hotspot_map routes=routes actions=actions selected_action=selected on_action=on_select on_route=on_route on_hotspot=on_hotspot/>
                    <AlertLayer alerts=alerts/>
                </MapView>
            })
        }
        _ => None,
    };
    let drawing_failed = move || {
        drawing
            .get()
            .and_then(Result::err)
            .map(|e| view! { <p class="form-alert" role="alert">{format!("{} ({e})", text::drawing_unavailable())}</p> })
    };
    let tab = move |kind: FormKind, label: &'static str, id: &'static str| {
        view! {
            <button type="button" role="tab" data-testid=format!("new-{id}")
                aria-selected=move || (form.get() == kind).to_string()
                on:click=move |_| start_new(kind)>{label}</button>
        }
    };

    view! {
        <div class="planning" data-testid="planning" data-theme=move || shown.get().theme_name()>
            <header class="planning-header">
                <h1>{text::app_title()} " – " {text::planning()}</h1>
                <div class="planning-actions no-print">
                    <LanguageSwitch/>
                    <AccountBar/>
                    <a href="/api/export/actions.ics" download="lagebild-hamm-massnahmen.ics" data-testid="ics-download">{text::ics_download()}</a>
                    <a href="/bericht" data-testid="report-link">{text::report_link()}</a>
                    <button type="button" data-testid="print" on:click=move |_| { let _ = window().print(); }>{text::print_a3()}</button>
                </div>
                <p class="print-only">{move || format!("{}: {}", text::as_of(), crate::format::date_today())}</p>
            </header>
            <ConnectionBanner connected=live.connected/>
            <section class="planning-timeline" aria-label=text::actions()>
                <h2>{text::actions()}</h2>
                <div class="no-print">
                    <Filters view=shown agencies=agencies kinds=&[ItemKind::Action]/>
                    <BasemapSwitch view=shown config=config/>
                </div>
                <ReviewDue due=review_due on_review=on_hotspot/>
                <div class="no-print">
                    <AlertList alerts=alerts can_acknowledge=plans on_hotspot=on_alert_hotspot
                        on_changed=Callback::new(move |()| set_alerts_changed.update(|n| *n += 1))/>
                </div>
                <Timeline view=shown actions=actions conflicts=conflicts selected=selected on_select=on_select/>
                <CoverageList coverage=coverage hotspots=all.hotspots/>
            </section>
            <main class="planning-map">
                {map}
                <Legend colour_by=Signal::derive(|| None)/>
            </main>
            <aside class="planning-form no-print">
                <div class="form-tabs" role="tablist" aria-label=text::new_entry()>
                    {tab(FormKind::Action, text::new_action(), "action")}
                    {tab(FormKind::Route, text::new_route(), "route")}
                    {tab(FormKind::Hotspot, text::new_hotspot(), "hotspot")}
                </div>
                {drawing_failed}
                {move || match form.get() {
                    FormKind::Action => view! { <ActionForm editing=editing agencies=agencies on_saved=on_saved/> }.into_any(),
                    FormKind::Route => view! { <RouteForm editing=editing_route agencies=agencies on_saved=Callback::new(move |r| editing_route.set(Some(r)))/> }.into_any(),
                    FormKind::Hotspot => view! { <HotspotForm editing=editing_hotspot agencies=agencies on_saved=on_hotspot_saved prefill=Signal::derive(move || from_alert.get().map(|(_, h)| h))/> }.into_any(),
                }}
            </aside>
        </div>
    }
}

/// The items but the one with id `open` (which a form's editor draws instead).
fn without<T: Item>(items: Items<T>, open: Option<i64>) -> Items<T> {
    match open {
        Some(id) if items.iter().any(|s| s.id == id) => {
            Arc::new(items.iter().filter(|s| s.id != id).cloned().collect())
        }
        _ => items,
    }
}
