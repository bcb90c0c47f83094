//! A district officer reports an incident from the phone in three taps: what (a category),
//! where (the device's position, or a tap on the map), and "Melden"; the time is now unless
//! changed. Only places, times and categories: there is no field for anything else.

use geojson::{Geometry, GeometryValue};
use leptos::prelude::*;
use model::{
    AgencyKey, Incident,
    incident::IncidentCategory,
    schedule::{format_local_input as local_input, parse_local_input},
};
use wasm_bindgen::{JsCast, prelude::*};

use crate::{api, map::use_map, text};

/// Where the report happens.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Place {
    None,
    Locating,
    At([f64; 2]),
    Unavailable,
}

/// The incident a finished form stands for, if it is finished.
pub fn report(
    category: Option<IncidentCategory>,
    place: Option<[f64; 2]>,
    time: &str,
    agency: &AgencyKey,
) -> Option<Incident> {
    Some(Incident {
        category: category?,
        count: 1,
        start: parse_local_input(time)?,
        end: None,
        geometry: Geometry::new(GeometryValue::new_point(place?)),
        agency: agency.clone(),
        released_to: vec![],
        source_key: None,
        district: None,
        demo: false,
    })
}

fn locate(place: RwSignal<Place>) {
    let Some(geo) = web_sys::window().and_then(|w| w.navigator().geolocation().ok()) else {
        place.set(Place::Unavailable);
        return;
    };
    place.set(Place::Locating);
    // `GeolocationPosition` is behind web-sys's unstable flag; its two numbers are read as
    // plain properties.
    let found = Closure::once_into_js(move |p: JsValue| {
        let number = |o: &JsValue, k: &str| {
            js_sys::Reflect::get(o, &k.into())
                .ok()
                .and_then(|v| v.as_f64())
        };
        let coords = js_sys::Reflect::get(&p, &"coords".into()).unwrap_or(JsValue::NULL);
        match (number(&coords, "longitude"), number(&coords, "latitude")) {
            (Some(lon), Some(lat)) => place.set(Place::At([lon, lat])),
            _ => place.set(Place::Unavailable),
        }
    });
    let failed = Closure::once_into_js(move |_: JsValue| place.set(Place::Unavailable));
    if geo
        .get_current_position_with_error_callback(
            found.unchecked_ref(),
            Some(failed.unchecked_ref()),
        )
        .is_err()
    {
        place.set(Place::Unavailable);
    }
}

#[component]
pub fn IncidentReport(agency: AgencyKey) -> impl IntoView {
    let category = RwSignal::new(None::<IncidentCategory>);
    let place = RwSignal::new(Place::None);
    let time = RwSignal::new(local_input(jiff::Timestamp::now()));
    let (status, set_status) = signal(None::<Result<(), String>>);

    // A tap on the map is the place too.
    let ctx = use_map();
    let listening = StoredValue::new(false);
    Effect::new(move |_| {
        let Some(map) = ctx.map() else { return };
        if listening.get_value() {
            return;
        }
        listening.set_value(true);
        map.on_mouse_click(Box::new(move |e: leaflet::MouseEvent| {
            let at = e.lat_lng();
            place.set(Place::At([at.lng(), at.lat()]));
        }));
    });

    let send = move |_| {
        let at = match place.get_untracked() {
            Place::At(p) => Some(p),
            _ => None,
        };
        let Some(incident) = report(category.get_untracked(), at, &time.get_untracked(), &agency)
        else {
            return;
        };
        leptos::task::spawn_local(async move {
            match api::create(&incident).await {
                Ok(_) => {
                    set_status.set(Some(Ok(())));
                    category.set(None);
                    place.set(Place::None);
                    time.set(local_input(jiff::Timestamp::now()));
                }
                Err(e) => set_status.set(Some(Err(e.to_string()))),
            }
        });
    };
    let ready = move || category.get().is_some() && matches!(place.get(), Place::At(_));

    view! {
        <section class="incident-report" data-testid="incident-report">
            <h2>{text::report_incident()}</h2>
            <h3>{text::report_category()}</h3>
            <div class="report-categories">
                {IncidentCategory::ALL.iter().map(|&c| view! {
                    <button type="button" class="report-category"
                        data-testid=format!("report-{}", c.as_str())
                        aria-pressed=move || (category.get() == Some(c)).to_string()
                        on:click=move |_| { category.set(Some(c)); set_status.set(None); }>
                        {text::incident_category(c)}
                    </button>
                }).collect_view()}
            </div>
            <h3>{text::report_place()}</h3>
            <p class="report-place">
                <button type="button" data-testid="report-locate" on:click=move |_| locate(place)>
                    {text::my_position()}
                </button>
                " "{text::tap_the_map()}
            </p>
            <p class="report-place-state" data-testid="report-place" role="status">
                {move || match place.get() {
                    Place::None => String::new(),
                    Place::Locating => "…".to_owned(),
                    Place::At([lon, lat]) => format!("{}: {lat:.5}, {lon:.5}", text::place_taken()),
                    Place::Unavailable => text::no_position().to_owned(),
                }}
            </p>
            <label class="field">
                <span>{text::report_time()}</span>
                <input type="datetime-local" data-testid="report-time" prop:value=move || time.get()
                    on:input=move |ev| time.set(event_target_value(&ev))/>
            </label>
            <button type="button" class="primary big" data-testid="report-send"
                disabled=move || !ready() on:click=send>
                {text::send_report()}
            </button>
            <p role="status" data-testid="report-status">
                {move || match status.get() {
                    Some(Ok(())) => text::reported().to_owned(),
                    Some(Err(e)) => e,
                    None => String::new(),
                }}
            </p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_report_needs_what_and_where_and_a_time() {
        let kod = AgencyKey::parse("kod").unwrap();
        let place = Some([7.8077, 51.6784]);
        let cat = Some(IncidentCategory::Noise);
        let r = report(cat, place, "2026-12-05T22:10", &kod).unwrap();
        assert_eq!(r.start.to_string(), "2026-12-05T21:10:00Z");
        assert_eq!((r.count, r.agency.as_str()), (1, "kod"));
        assert!(r.released_to.is_empty());
        assert!(report(None, place, "2026-12-05T22:10", &kod).is_none());
        assert!(report(cat, None, "2026-12-05T22:10", &kod).is_none());
        assert!(report(cat, place, "", &kod).is_none());
    }
}
