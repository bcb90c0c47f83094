use leptos::prelude::*;
use model::District;

use crate::{format, text};

/// The official facts of one district.
#[component]
pub fn DistrictFacts(district: District) -> impl IntoView {
    let p = district.properties;
    view! {
        <section class="district-facts" data-testid="district-facts" aria-live="polite">
            <h2>{p.name.clone()}</h2>
            <dl>
                <dt>{text::area()}</dt>
                <dd>{format!("{} km²", format::decimal(p.area_km2, 2))}</dd>
                <dt>{text::population()}</dt>
                <dd>{format!("{} ({})", format::integer(u64::from(p.population)), p.population_year)}</dd>
                <dt>{text::postal_codes()}</dt>
                <dd>{p.postal_codes.join(", ")}</dd>
                <dt>{text::subdistricts()}</dt>
                <dd>
                    <ul class="subdistricts">
                        {p.subdistricts.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}
                    </ul>
                </dd>
            </dl>
        </section>
    }
}
