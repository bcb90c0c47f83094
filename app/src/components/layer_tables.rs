use leptos::prelude::*;
use model::{Action, Hotspot, Incident, PatrolRoute, Stored};

use crate::{api::Items, format, text};

/// Most incident reports the table lists: the newest.
pub const MAX_INCIDENT_ROWS: usize = 500;

/// The newest `MAX_INCIDENT_ROWS` of `incidents`, newest first.
pub fn newest_incidents(incidents: &[Stored<Incident>]) -> Vec<&Stored<Incident>> {
    let mut rows: Vec<&Stored<Incident>> = incidents.iter().collect();
    rows.sort_by(|a, b| b.item.start.cmp(&a.item.start).then(b.id.cmp(&a.id)));
    rows.truncate(MAX_INCIDENT_ROWS);
    rows
}

/// Every map layer as a table: the same information for people who cannot use the map.
#[component]
pub fn LayerTables(
    #[prop(into)] hotspots: Signal<Items<Hotspot>>,
    #[prop(into)] routes: Signal<Items<PatrolRoute>>,
    #[prop(into)] actions: Signal<Items<Action>>,
    /// The incident reports of the view's window and filters.
    #[prop(into)]
    incidents: Signal<Items<Incident>>,
) -> impl IntoView {
    let district = |d: Option<model::DistrictKey>| d.map(|d| d.short_name()).unwrap_or("–");
    view! {
        <section class="layer-tables" data-testid="layer-tables">
            <table data-testid="table-hotspots">
                <caption>{text::hotspots()}</caption>
                <thead><tr><th scope="col">{text::title()}</th><th scope="col">{text::category_label()}</th><th scope="col">{text::severity_label()}</th><th scope="col">{text::district()}</th><th scope="col">"Zeiten"</th></tr></thead>
                <tbody>
                    {move || hotspots.get().iter().map(|h| view! {
                        <tr><td>{h.item.title.clone()}</td><td>{text::category(h.item.category)}</td><td>{text::severity(h.item.severity)}</td><td>{district(h.item.district)}</td><td>{format::weekly(&h.item.hours)}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            <table data-testid="table-routes">
                <caption>{text::routes()}</caption>
                <thead><tr><th scope="col">{text::title()}</th><th scope="col">{text::occasion_label()}</th><th scope="col">{text::agencies()}</th><th scope="col">"Zeiten"</th></tr></thead>
                <tbody>
                    {move || routes.get().iter().map(|r| view! {
                        <tr><td>{r.item.title.clone()}</td><td>{text::occasion(r.item.occasion)}</td><td>{r.item.agencies.iter().map(|a| a.as_str()).collect::<Vec<_>>().join(", ")}</td><td>{format::weekly(&r.item.weekly)}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            <table data-testid="table-actions">
                <caption>{text::actions()}</caption>
                <thead><tr><th scope="col">{text::start()}</th><th scope="col">{text::title()}</th><th scope="col">{text::kind()}</th><th scope="col">{text::district()}</th><th scope="col">"Status"</th></tr></thead>
                <tbody>
                    {move || actions.get().iter().map(|a| view! {
                        <tr><td>{format::local_time(a.item.start)}</td><td>{a.item.title.clone()}</td><td>{text::action_kind(a.item.kind)}</td><td>{district(a.item.district)}</td><td>{text::action_status(a.item.status)}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            <table data-testid="table-incidents">
                <caption>
                    {text::incidents()}
                    {move || {
                        let n = incidents.with(|i| i.len());
                        (n > MAX_INCIDENT_ROWS).then(|| format!(" ({MAX_INCIDENT_ROWS} {} {n})", text::incidents_table_more()))
                    }}
                </caption>
                <thead><tr><th scope="col">{text::start()}</th><th scope="col">{text::incident_category_label()}</th><th scope="col">{text::count()}</th><th scope="col">{text::district()}</th><th scope="col">{text::agency()}</th></tr></thead>
                <tbody>
                    {move || incidents.with(|all| newest_incidents(all).into_iter().map(|i| view! {
                        <tr><td>{format::local_time(i.item.start)}</td><td>{text::incident_category(i.item.category)}</td><td>{i.item.count}</td><td>{district(i.item.district)}</td><td>{i.item.agency.to_string()}</td></tr>
                    }).collect_view())}
                </tbody>
            </table>
        </section>
    }
}
