use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use model::Agency;

use crate::view_state::{Metric, Theme, TimeFilter, ViewState};

/// Layer toggles, agency and time filters, and the table switch; every change goes into the
/// URL, so the view can be bookmarked or sent.
#[component]
pub fn LayerControls(
    #[prop(into)] view: Signal<ViewState>,
    #[prop(into)] agencies: Signal<Vec<Agency>>,
) -> impl IntoView {
    let location = use_location();
    let navigate = use_navigate();
    let apply = move |change: &dyn Fn(&mut ViewState)| {
        let mut v = view.get_untracked();
        change(&mut v);
        let q = v.to_query();
        let path = location.pathname.get_untracked();
        let url = if q.is_empty() {
            path
        } else {
            format!("{path}?{q}")
        };
        navigate(&url, Default::default());
    };
    let apply = StoredValue::new(apply);
    let toggle = move |label: &'static str,
                       id: &'static str,
                       get: fn(&ViewState) -> bool,
                       set: fn(&mut ViewState, bool)| {
        view! {
            <label class="check big">
                <input type="checkbox" data-testid=format!("toggle-{id}") prop:checked=move || get(&view.get())
                    on:change=move |ev| { let on = event_target_checked(&ev); apply.with_value(|a| a(&|v| set(v, on))); }/>
                {label}
            </label>
        }
    };
    view! {
        <section class="layer-controls" aria-label="Ebenen und Filter">
            <h2>"Ebenen"</h2>
            {toggle("Brennpunkte", "hotspots", |v| v.layers.hotspots, |v, on| v.layers.hotspots = on)}
            {toggle("Streifenrouten", "routes", |v| v.layers.routes, |v, on| v.layers.routes = on)}
            {toggle("Maßnahmen", "actions", |v| v.layers.actions, |v, on| v.layers.actions = on)}
            <label class="field">
                <span>"Zeit"</span>
                <select data-testid="filter-time"
                    prop:value=move || match view.get().time { TimeFilter::All => "", TimeFilter::Now => "jetzt", TimeFilter::Today => "heute", TimeFilter::Week => "woche" }
                    on:change=move |ev| {
                        let t = match event_target_value(&ev).as_str() { "jetzt" => TimeFilter::Now, "heute" => TimeFilter::Today, "woche" => TimeFilter::Week, _ => TimeFilter::All };
                        apply.with_value(|a| a(&|v| v.time = t));
                    }>
                    <option value="">"alle"</option>
                    <option value="jetzt">"jetzt"</option>
                    <option value="heute">"heute"</option>
                    <option value="woche">"diese Woche"</option>
                </select>
            </label>
            <label class="field">
                <span>"Behörde"</span>
                <select data-testid="filter-agency"
                    prop:value=move || view.get().agency.map(|a| a.to_string()).unwrap_or_default()
                    on:change=move |ev| {
                        let key = model::AgencyKey::parse(&event_target_value(&ev)).ok();
                        apply.with_value(|a| a(&|v| v.agency = key.clone()));
                    }>
                    <option value="">"alle"</option>
                    // Each option says whether it is chosen: the options arrive after the value.
                    {move || agencies.get().into_iter().map(|a| {
                        let key = a.key.clone();
                        view! { <option value=a.key.to_string() prop:selected=move || view.get().agency.as_ref() == Some(&key)>{a.name}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class="field">
                <span>"Bezirke einfärben nach"</span>
                <select data-testid="filter-colour"
                    prop:value=move || match view.get().colour_by { None => "", Some(Metric::Hotspots) => "brennpunkte", Some(Metric::Actions) => "massnahmen" }
                    on:change=move |ev| {
                        let m = match event_target_value(&ev).as_str() { "brennpunkte" => Some(Metric::Hotspots), "massnahmen" => Some(Metric::Actions), _ => None };
                        apply.with_value(|a| a(&|v| v.colour_by = m));
                    }>
                    <option value="">"Bezirk"</option>
                    <option value="brennpunkte">"Brennpunkte aktiv"</option>
                    <option value="massnahmen">"Maßnahmen diese Woche"</option>
                </select>
            </label>
            <label class="field">
                <span>"Bezirk"</span>
                <select data-testid="filter-district"
                    prop:value=move || view.get().district.map(|d| d.as_str()).unwrap_or("")
                    on:change=move |ev| {
                        let d = event_target_value(&ev).parse::<model::DistrictKey>().ok();
                        apply.with_value(|a| a(&|v| v.district = d));
                    }>
                    <option value="">"alle"</option>
                    {model::DistrictKey::ALL.iter().map(|k| view! { <option value=k.as_str()>{k.short_name()}</option> }).collect_view()}
                </select>
            </label>
            {toggle("Als Tabelle", "table", |v| v.table, |v, on| v.table = on)}
            <label class="field">
                <span>"Darstellung"</span>
                <select data-testid="filter-theme"
                    prop:value=move || match view.get().theme { None => "", Some(Theme::Light) => "hell", Some(Theme::Dark) => "dunkel" }
                    on:change=move |ev| {
                        let t = match event_target_value(&ev).as_str() { "hell" => Some(Theme::Light), "dunkel" => Some(Theme::Dark), _ => None };
                        apply.with_value(|a| a(&|v| v.theme = t));
                    }>
                    <option value="">"wie das Gerät"</option>
                    <option value="hell">"hell"</option>
                    <option value="dunkel">"dunkel"</option>
                </select>
            </label>
        </section>
    }
}
