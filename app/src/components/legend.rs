use leptos::prelude::*;
use model::analysis::CLASS_LABELS;

use crate::{map::style::CLASS_COLOURS, view_state::Metric};

/// What the map's symbols mean, and the classes when districts are coloured by a count.
#[component]
pub fn Legend(#[prop(into)] colour_by: Signal<Option<Metric>>) -> impl IntoView {
    let classes = move || {
        colour_by.get().map(|m| {
            let title = match m {
                Metric::Hotspots => "Bezirke: Brennpunkte aktiv",
                Metric::Actions => "Bezirke: Maßnahmen diese Woche",
            };
            view! {
                <h3>{title}</h3>
                <ul data-testid="legend-classes">
                    {CLASS_LABELS.iter().zip(CLASS_COLOURS).map(|(label, colour)| view! {
                        <li><span class="sym box" style=format!("background:{colour}")></span>{*label}</li>
                    }).collect_view()}
                </ul>
            }
        })
    };
    view! {
        <section class="legend" aria-label="Legende" data-testid="legend">
            <h2>"Legende"</h2>
            <ul>
                <li><span class="sym dot" style="background:#D55E00"></span>"Brennpunkt, Lage hoch"</li>
                <li><span class="sym dot" style="background:#E69F00"></span>"Brennpunkt, Lage mittel"</li>
                <li><span class="sym dot" style="background:#F0E442"></span>"Brennpunkt, Lage gering"</li>
                <li><span class="sym line"></span>"Streifenroute (gemeinsame Streife)"</li>
                <li><span class="sym dot small" style="background:#0072B2"></span>"Maßnahme"</li>
            </ul>
            {classes}
        </section>
    }
}
