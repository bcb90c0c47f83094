use leptos::prelude::*;

/// What the map's symbols mean.
#[component]
pub fn Legend() -> impl IntoView {
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
        </section>
    }
}
