use leptos::prelude::*;
use model::{Agency, ItemKind};

use crate::{
    components::{Filters, IncidentPlayback},
    text,
    view_state::{IncidentWindow, Metric, Theme, ViewState},
    view_url::{apply, use_view_update},
};

/// Layer toggles, the filters, district colouring, the table switch and the theme; every change goes into the
/// URL, so the view can be bookmarked or sent.
#[component]
pub fn LayerControls(
    #[prop(into)] view: Signal<ViewState>,
    #[prop(into)] agencies: Signal<Vec<Agency>>,
) -> impl IntoView {
    let update = use_view_update(view);
    let toggle = move |label: &'static str,
                       id: &'static str,
                       get: fn(&ViewState) -> bool,
                       set: fn(&mut ViewState, bool)| {
        view! {
            <label class="check big">
                <input type="checkbox" data-testid=format!("toggle-{id}") prop:checked=move || get(&view.get())
                    on:change=move |ev| { let on = event_target_checked(&ev); apply(update, |v| set(v, on)); }/>
                {label}
            </label>
        }
    };
    view! {
        <section class="layer-controls" aria-label=text::layers_and_filters()>
            <h2>{text::layers()}</h2>
            {ItemKind::ALL.iter().map(|&kind| view! {
                <label class="check big">
                    <input type="checkbox" data-testid=format!("toggle-{}", kind.as_str())
                        prop:checked=move || view.get().layers.on(kind)
                        on:change=move |ev| { let on = event_target_checked(&ev); apply(update, |v| v.layers.set(kind, on)); }/>
                    {text::layer(kind)}
                </label>
            }).collect_view()}
            <Filters view=view agencies=agencies kinds=ItemKind::ALL/>
            <label class="field">
                <span>{text::incident_window_label()}</span>
                <select data-testid="filter-incident-window"
                    prop:value=move || view.get().incident_window.name()
                    on:change=move |ev| {
                        let name = event_target_value(&ev);
                        if let Some(w) = IncidentWindow::ALL.into_iter().find(|w| w.name() == name) {
                            apply(update, |v| v.incident_window = w);
                        }
                    }>
                    {IncidentWindow::ALL.into_iter().map(|w| view! { <option value=w.name()>{text::incident_window(w)}</option> }).collect_view()}
                </select>
            </label>
            <IncidentPlayback view=view/>
            <label class="field">
                <span>{text::colour_by()}</span>
                <select data-testid="filter-colour"
                    prop:value=move || view.get().colour_by.map_or("", Metric::name)
                    on:change=move |ev| {
                        let m = Metric::from_name(&event_target_value(&ev));
                        apply(update, |v| v.colour_by = m);
                    }>
                    <option value="">{text::colour_district()}</option>
                    {Metric::ALL.into_iter().map(|m| view! { <option value=m.name()>{text::metric(m)}</option> }).collect_view()}
                </select>
            </label>
            {toggle(text::as_table(), "table", |v| v.table, |v, on| v.table = on)}
            <label class="field">
                <span>{text::appearance()}</span>
                <select data-testid="filter-theme"
                    prop:value=move || match view.get().theme { None => "", Some(Theme::Light) => "hell", Some(Theme::Dark) => "dunkel" }
                    on:change=move |ev| {
                        let t = match event_target_value(&ev).as_str() { "hell" => Some(Theme::Light), "dunkel" => Some(Theme::Dark), _ => None };
                        apply(update, |v| v.theme = t);
                    }>
                    <option value="">{text::theme_device()}</option>
                    <option value="hell">{text::theme_light()}</option>
                    <option value="dunkel">{text::theme_dark()}</option>
                </select>
            </label>
        </section>
    }
}
