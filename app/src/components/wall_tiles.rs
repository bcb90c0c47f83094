use leptos::prelude::*;
use model::analysis::{Indicators, shown_count};

use crate::text;

/// The wall's indicator tiles: big numbers readable from across the room. Counts the server
/// withheld as too small show as "< 5". The alerts' tile counts alerts, not incidents (each
/// alert stands for at least five).
#[component]
pub fn WallTiles(
    #[prop(into)] indicators: Signal<Option<Indicators>>,
    /// How many alerts early detection has now.
    #[prop(into)]
    alerts: Signal<usize>,
) -> impl IntoView {
    let tile = move |label: &'static str, id: &'static str, value: fn(&Indicators) -> u32| {
        view! {
            <div class="tile" data-testid=format!("tile-{id}")>
                <span class="tile-value">
                    {move || indicators.get().map(|i| shown_count(value(&i), i.withheld_below)).unwrap_or_else(|| "–".into())}
                </span>
                <span class="tile-label">{label}</span>
            </div>
        }
    };
    view! {
        <footer class="wall-tiles" aria-live="polite">
            {tile(text::actions_today(), "actions-today", |i| i.actions_today)}
            {tile(text::actions_week(), "actions-week", |i| i.actions_week)}
            {tile(text::hotspots_active(), "hotspots-active", |i| i.hotspots_active)}
            {tile(text::patrols_today(), "patrols-today", |i| i.patrols_today)}
            {tile(text::conflicts(), "conflicts", |i| i.conflicts_week)}
            <div class="tile" data-testid="tile-alerts">
                <span class="tile-value">{move || alerts.get().to_string()}</span>
                <span class="tile-label">{text::alerts()}</span>
            </div>
        </footer>
    }
}
