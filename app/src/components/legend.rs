use leptos::prelude::*;
use model::{analysis::CLASS_LABELS, density::RATE_CLASS_LABELS};

use crate::{map::style::CLASS_COLOURS, text, view_state::Metric};

/// What the map's symbols mean, and the classes when districts are coloured by a count.
#[component]
pub fn Legend(#[prop(into)] colour_by: Signal<Option<Metric>>) -> impl IntoView {
    let classes = move || {
        colour_by.get().map(|m| {
            let (title, labels) = match m {
                Metric::Hotspots => (text::legend_districts_hotspots(), CLASS_LABELS),
                Metric::Actions => (text::legend_districts_actions(), CLASS_LABELS),
                Metric::Incidents => (text::legend_districts_incidents(), RATE_CLASS_LABELS),
            };
            view! {
                <h3>{title}</h3>
                <ul data-testid="legend-classes">
                    {labels.iter().zip(CLASS_COLOURS).map(|(label, colour)| view! {
                        <li><span class="sym box" style:background=colour></span>{*label}</li>
                    }).collect_view()}
                </ul>
            }
        })
    };
    view! {
        <section class="legend" aria-label=text::legend() data-testid="legend">
            <h2>{text::legend()}</h2>
            <ul>
                <li><span class="sym dot high"></span>{text::legend_high()}</li>
                <li><span class="sym dot medium"></span>{text::legend_medium()}</li>
                <li><span class="sym dot low"></span>{text::legend_low()}</li>
                <li><span class="sym line"></span>{text::legend_route()}</li>
                <li><span class="sym dot small action"></span>{text::legend_action()}</li>
                <li><span class="sym cluster-sym">"12"</span>{text::legend_cluster()}</li>
            </ul>
            {classes}
        </section>
    }
}
