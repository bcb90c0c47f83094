use leaflet::{CircleMarker, LatLng, Layer};
use leptos::{leptos_dom::helpers::TimeoutHandle, prelude::*};
use model::place_search::{PlaceHit, PlaceKind};
use serde::Serialize;
use wasm_bindgen::JsCast;

use crate::{
    api,
    map::{
        bindings::{bind_tooltip_text, to_js},
        use_map,
    },
    text,
};

/// The place last picked in the search, for a form to take as its place (the planning screen
/// provides it; the city map has none).
#[derive(Clone, Copy)]
pub struct PickedPlace(pub RwSignal<Option<PlaceHit>>);

impl PickedPlace {
    pub fn new() -> Self {
        PickedPlace(RwSignal::new(None))
    }
}

impl Default for PickedPlace {
    fn default() -> Self {
        Self::new()
    }
}

/// Suggestions wait this long after the last key.
const DEBOUNCE: std::time::Duration = std::time::Duration::from_millis(150);

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MarkStyle {
    radius: f64,
    color: &'static str,
    weight: f64,
    fill_color: &'static str,
    fill_opacity: f64,
    class_name: &'static str,
    interactive: bool,
}

/// The search box over the map: suggestions as one types (districts, streets, addresses,
/// named places, and the items the viewer may see); Enter or a click moves the map there and
/// marks the place.
#[component]
pub fn PlaceSearch() -> impl IntoView {
    let ctx = use_map();
    let picked = use_context::<PickedPlace>();
    let (typed, set_typed) = signal(String::new());
    let hits = RwSignal::new(Vec::<PlaceHit>::new());
    let active = RwSignal::new(0usize);
    let open = RwSignal::new(false);
    let asked = StoredValue::new(0u64);
    let pending = StoredValue::new(None::<TimeoutHandle>);
    let mark = StoredValue::new_local(None::<Layer>);
    // The suggestions shown are for an earlier text while an answer is due: Enter then waits
    // for it rather than taking an old suggestion.
    let stale = RwSignal::new(false);
    let enter_waiting = RwSignal::new(false);
    let failed = RwSignal::new(false);

    let go = StoredValue::new_local(move |hit: PlaceHit| {
        open.set(false);
        set_typed.set(hit.name.clone());
        let Some(map) = ctx.map_untracked() else {
            return;
        };
        let [lng, lat] = hit.point;
        let zoom = match hit.kind {
            PlaceKind::District => 13.0,
            PlaceKind::Street | PlaceKind::Route => 16.0,
            _ => 17.0,
        };
        map.set_view(&LatLng::new(lat, lng), zoom);
        mark.update_value(|m| {
            if let Some(old) = m.take() {
                old.remove();
            }
        });
        let style = MarkStyle {
            radius: 10.0,
            color: "#ffffff",
            weight: 3.0,
            fill_color: "#d4351c",
            fill_opacity: 0.95,
            class_name: "search-mark",
            interactive: false,
        };
        let layer: Layer =
            CircleMarker::new_with_options(&LatLng::new(lat, lng), &to_js(&style)).unchecked_into();
        bind_tooltip_text(&layer, &hit.name);
        layer.add_to(&map);
        mark.set_value(Some(layer));
        if let Some(p) = picked {
            p.0.set(Some(hit));
        }
    });

    let ask = move |q: String| {
        if let Some(h) = pending.try_update_value(Option::take).flatten() {
            h.clear();
        }
        asked.update_value(|n| *n += 1);
        let ticket = asked.get_value();
        enter_waiting.set(false);
        if q.trim().chars().count() < 2 {
            hits.set(Vec::new());
            stale.set(false);
            return;
        }
        stale.set(true);
        let handle = set_timeout_with_handle(
            move || {
                leptos::task::spawn_local(async move {
                    let answer = api::places(&q).await;
                    if asked.try_get_value() != Some(ticket) {
                        return;
                    }
                    failed.set(answer.is_err());
                    let found = answer.unwrap_or_default();
                    active.set(0);
                    stale.set(false);
                    let first = found.first().cloned();
                    hits.set(found);
                    open.set(true);
                    if enter_waiting.get_untracked() {
                        enter_waiting.set(false);
                        if let Some(hit) = first {
                            go.with_value(|go| go(hit));
                        }
                    }
                });
            },
            DEBOUNCE,
        );
        pending.set_value(handle.ok());
    };

    on_cleanup(move || {
        mark.update_value(|m| {
            if let Some(old) = m.take() {
                old.remove();
            }
        });
    });

    let on_key = move |ev: web_sys::KeyboardEvent| {
        let count = hits.with_untracked(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" if count > 0 => {
                ev.prevent_default();
                open.set(true);
                active.update(|a| *a = (*a + 1) % count);
            }
            "ArrowUp" if count > 0 => {
                ev.prevent_default();
                active.update(|a| *a = (*a + count - 1) % count);
            }
            "Enter" => {
                ev.prevent_default();
                if stale.get_untracked() {
                    enter_waiting.set(true);
                    return;
                }
                let choice = hits.with_untracked(|h| h.get(active.get_untracked()).cloned());
                if let Some(hit) = choice {
                    go.with_value(|go| go(hit));
                }
            }
            "Escape" => open.set(false),
            _ => {}
        }
    };

    view! {
        <div class="place-search no-print" role="search" data-testid="place-search">
            <input type="search" data-testid="place-search-input"
                aria-label=text::place_search() placeholder=text::place_search_hint()
                autocomplete="off" role="combobox" aria-controls="place-suggestions"
                aria-expanded=move || (open.get() && !hits.read().is_empty()).to_string()
                prop:value=typed
                on:input=move |ev| { let v = event_target_value(&ev); set_typed.set(v.clone()); ask(v); }
                on:keydown=on_key/>
            <Show when=move || open.get() && typed.with(|t| t.trim().chars().count() >= 2)>
                <ul id="place-suggestions" role="listbox" data-testid="place-suggestions">
                    {move || {
                        let list = hits.get();
                        if failed.get() {
                            return view! { <li class="none" role="alert">{text::place_search_failed()}</li> }.into_any();
                        }
                        if list.is_empty() {
                            return view! { <li class="none">{text::place_search_none()}</li> }.into_any();
                        }
                        // Whose addresses these are, once below them (ODbL and the state's
                        // data ask for it).
                        let mut sources: Vec<String> =
                            list.iter().filter_map(|h| h.attribution.clone()).collect();
                        sources.sort();
                        sources.dedup();
                        let sources = (!sources.is_empty()).then(|| view! {
                            <li class="attribution" data-testid="place-attribution">{sources.join(" · ")}</li>
                        });
                        let rows = list.into_iter().enumerate().map(|(i, hit)| {
                            let kind = text::place_kind(hit.kind);
                            let name = hit.name.clone();
                            view! {
                                <li role="option" data-testid="place-suggestion"
                                    aria-selected=move || (active.get() == i).to_string()
                                    on:mousedown=move |ev| { ev.prevent_default(); let hit = hit.clone(); go.with_value(|go| go(hit)); }>
                                    <span class="name">{name}</span>
                                    <span class="kind">{kind}</span>
                                </li>
                            }
                        }).collect_view();
                        view! { {rows}{sources} }.into_any()
                    }}
                </ul>
            </Show>
        </div>
    }
}
