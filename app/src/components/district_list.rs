use leptos::prelude::*;
use leptos_router::components::A;
use model::DistrictKey;

use crate::{city_path::CityPath, text};

/// The districts as links; `<A>` marks the current one with `aria-current="page"`, for eyes
/// (CSS) and screen readers alike.
#[component]
pub fn DistrictList() -> impl IntoView {
    view! {
        <nav class="district-list" aria-label=text::districts()>
            <h2>{text::districts()}</h2>
            <ul>
                <li>
                    <A href=CityPath::City.path() exact=true attr:data-testid="district-item-city">
                        {text::whole_city()}
                    </A>
                </li>
                {DistrictKey::ALL
                    .into_iter()
                    .map(|key| {
                        view! {
                            <li>
                                <A
                                    href=CityPath::District(key).path()
                                    exact=true
                                    attr:data-testid=format!("district-item-{key}")
                                >
                                    <span class=format!("swatch swatch-{key}") aria-hidden="true"></span>
                                    {key.short_name()}
                                </A>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}
