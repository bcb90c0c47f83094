use jiff::{ToSpan, civil::Date};
use leptos::prelude::*;
use model::{
    Agency, ItemKind, action::ActionKind, hotspot::HotspotCategory, incident::IncidentCategory,
    route::Occasion,
};

use crate::{
    text,
    view_state::{TimeFilter, ViewState},
    view_url::{apply, use_view_update},
};

/// The filters every screen shares: time (now, today, this week, a chosen range), agency,
/// district, and the kind of item of each given layer. Every change goes into the URL.
#[component]
pub fn Filters(
    #[prop(into)] view: Signal<ViewState>,
    #[prop(into)] agencies: Signal<Vec<Agency>>,
    /// The layers whose kind can be chosen.
    kinds: &'static [ItemKind],
) -> impl IntoView {
    let update = use_view_update(view);
    let range = move || match view.get().time {
        TimeFilter::Range(from, to) => Some((from, to)),
        _ => None,
    };
    let set_range = move |from: Option<Date>, to: Option<Date>| {
        apply(update, |v| {
            if let TimeFilter::Range(old_from, old_to) = v.time {
                let (from, to) = (from.unwrap_or(old_from), to.unwrap_or(old_to));
                // Keep the range in order whichever end moved.
                v.time = TimeFilter::Range(from.min(to), to.max(from));
            }
        })
    };
    let kind_selects = kinds
        .iter()
        .map(|layer| kind_select(*layer, view, update))
        .collect_view();
    view! {
        <fieldset class="filters" data-testid="filters">
            <legend>{text::filters()}</legend>
            <label class="field">
                <span>{text::time()}</span>
                <select data-testid="filter-time"
                    prop:value=move || match view.get().time {
                        TimeFilter::All => "",
                        TimeFilter::Now => "jetzt",
                        TimeFilter::Today => "heute",
                        TimeFilter::Week => "woche",
                        TimeFilter::Range(..) => "zeitraum",
                    }
                    on:change=move |ev| {
                        let today = model::schedule::local(jiff::Timestamp::now()).date();
                        let t = match event_target_value(&ev).as_str() {
                            "jetzt" => TimeFilter::Now,
                            "heute" => TimeFilter::Today,
                            "woche" => TimeFilter::Week,
                            "zeitraum" => TimeFilter::Range(today, today.checked_add(6.days()).unwrap_or(today)),
                            _ => TimeFilter::All,
                        };
                        apply(update, |v| v.time = t);
                    }>
                    <option value="">{text::time_all()}</option>
                    <option value="jetzt">{text::time_now()}</option>
                    <option value="heute">{text::time_today()}</option>
                    <option value="woche">{text::time_week()}</option>
                    <option value="zeitraum">{text::time_range()}</option>
                </select>
            </label>
            {move || range().map(|(from, to)| view! {
                <div class="range">
                    <label class="field">
                        <span>{text::from()}</span>
                        <input type="date" data-testid="filter-from" prop:value=from.to_string()
                            on:change=move |ev| set_range(event_target_value(&ev).parse().ok(), None)/>
                    </label>
                    <label class="field">
                        <span>{text::to()}</span>
                        <input type="date" data-testid="filter-to" prop:value=to.to_string()
                            on:change=move |ev| set_range(None, event_target_value(&ev).parse().ok())/>
                    </label>
                </div>
            })}
            <label class="field">
                <span>{text::agency()}</span>
                <select data-testid="filter-agency"
                    prop:value=move || view.get().agency.map(|a| a.to_string()).unwrap_or_default()
                    on:change=move |ev| {
                        let key = model::AgencyKey::parse(&event_target_value(&ev)).ok();
                        apply(update, |v| v.agency = key.clone());
                    }>
                    <option value="">{text::all()}</option>
                    // Each option says whether it is chosen: the options arrive after the value.
                    {move || agencies.get().into_iter().map(|a| {
                        let key = a.key.clone();
                        view! { <option value=a.key.to_string() prop:selected=move || view.get().agency.as_ref() == Some(&key)>{a.name}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class="field">
                <span>{text::district()}</span>
                <select data-testid="filter-district"
                    prop:value=move || view.get().district.map(|d| d.as_str()).unwrap_or("")
                    on:change=move |ev| {
                        let d = event_target_value(&ev).parse::<model::DistrictKey>().ok();
                        apply(update, |v| v.district = d);
                    }>
                    <option value="">{text::all()}</option>
                    {model::DistrictKey::ALL.iter().map(|k| view! { <option value=k.as_str()>{k.short_name()}</option> }).collect_view()}
                </select>
            </label>
            {kind_selects}
        </fieldset>
    }
}

/// One layer's kind filter: hotspot category, route occasion or action kind.
fn kind_select(
    layer: ItemKind,
    view: Signal<ViewState>,
    update: crate::view_url::UpdateView,
) -> impl IntoView {
    let (label, options): (&str, Vec<(&'static str, &'static str)>) = match layer {
        ItemKind::Hotspot => (
            text::category_label(),
            HotspotCategory::ALL
                .iter()
                .map(|c| (c.as_str(), text::category(*c)))
                .collect(),
        ),
        ItemKind::Route => (
            text::occasion_label(),
            Occasion::ALL
                .iter()
                .map(|o| (o.as_str(), text::occasion(*o)))
                .collect(),
        ),
        ItemKind::Action => (
            text::action_kind_label(),
            ActionKind::ALL
                .iter()
                .map(|k| (k.as_str(), text::action_kind(*k)))
                .collect(),
        ),
        ItemKind::Incident => (
            text::incident_category_label(),
            IncidentCategory::ALL
                .iter()
                .map(|c| (c.as_str(), text::incident_category(*c)))
                .collect(),
        ),
    };
    let current = move || {
        let k = view.get().kinds;
        match layer {
            ItemKind::Hotspot => k.category.map(|c| c.as_str()),
            ItemKind::Route => k.occasion.map(|o| o.as_str()),
            ItemKind::Action => k.action.map(|a| a.as_str()),
            ItemKind::Incident => k.incident.map(|c| c.as_str()),
        }
        .unwrap_or("")
    };
    view! {
        <label class="field">
            <span>{label}</span>
            <select data-testid=format!("filter-kind-{}", layer.as_str())
                prop:value=current
                on:change=move |ev| {
                    let value = event_target_value(&ev);
                    apply(update, |v| match layer {
                        ItemKind::Hotspot => v.kinds.category = value.parse().ok(),
                        ItemKind::Route => v.kinds.occasion = value.parse().ok(),
                        ItemKind::Action => v.kinds.action = value.parse().ok(),
                        ItemKind::Incident => v.kinds.incident = value.parse().ok(),
                    });
                }>
                <option value="">{text::all()}</option>
                {options.into_iter().map(|(value, name)| view! { <option value=value>{name}</option> }).collect_view()}
            </select>
        </label>
    }
}
