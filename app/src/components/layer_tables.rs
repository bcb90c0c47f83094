use leptos::prelude::*;
use model::{Action, Hotspot, PatrolRoute};

use crate::{api::Items, format, text};

/// Every map layer as a table: the same information for people who cannot use the map.
#[component]
pub fn LayerTables(
    #[prop(into)] hotspots: Signal<Items<Hotspot>>,
    #[prop(into)] routes: Signal<Items<PatrolRoute>>,
    #[prop(into)] actions: Signal<Items<Action>>,
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
        </section>
    }
}
