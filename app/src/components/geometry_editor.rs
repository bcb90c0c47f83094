use geojson::{Geometry, GeometryValue};
use leaflet::Layer;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue, closure::Closure};

use crate::{
    components::PickedPlace,
    map::{
        draw::{self, Shape},
        use_map,
    },
    text,
};

/// Draws a form's geometry on the map and lets the user draw a new one or move its vertices
/// (Leaflet-Geoman). `geometry` is the form's value; edits on the map write it.
#[component]
pub fn GeometryEditor(
    geometry: RwSignal<Option<Geometry>>,
    /// What may be drawn, each with its own button.
    shapes: &'static [Shape],
    label: &'static str,
    /// Field messages for this field appear below.
    #[prop(optional)]
    message: Option<ViewFn>,
) -> impl IntoView {
    let ctx = use_map();
    let drawing = RwSignal::new(None::<Shape>);
    // The editable layer, what it shows, and its edit handler.
    let layer = StoredValue::new_local(None::<(Layer, Closure<dyn FnMut(JsValue)>)>);
    let shown = StoredValue::new_local(None::<Geometry>);
    let on_create = StoredValue::new_local(None::<Closure<dyn FnMut(JsValue)>>);

    let remove_layer = move || {
        layer.update_value(|l| {
            if let Some((l, _)) = l.take() {
                if let Some(pm) = draw::layer_pm(&l) {
                    pm.disable();
                }
                l.remove();
            }
        })
    };

    // A shape finished on the map becomes the form's geometry.
    Effect::new(move |_| {
        let Some(map) = ctx.map() else { return };
        let m = map.clone();
        let handler = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
            let Ok(created) = js_sys::Reflect::get(&e, &"layer".into()) else {
                return;
            };
            let created: Layer = created.unchecked_into();
            let g = draw::geometry_of(&created);
            created.remove();
            draw::stop(&m);
            drawing.set(None);
            if g.is_some() {
                geometry.set(g);
            }
        });
        map.on("pm:create", handler.as_ref().unchecked_ref());
        on_create.set_value(Some(handler));
    });

    // The form's geometry, drawn editable; redrawn only when it changed from outside.
    Effect::new(move |_| {
        let g = geometry.get();
        let Some(map) = ctx.map() else { return };
        if shown.with_value(|s| *s == g) && layer.with_value(Option::is_some) == g.is_some() {
            return;
        }
        remove_layer();
        shown.set_value(g.clone());
        let Some(l) = g.as_ref().and_then(draw::editable_layer) else {
            return;
        };
        l.add_to(&map);
        let edited = l.clone();
        let on_edit = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| {
            let g = draw::geometry_of(&edited);
            shown.set_value(g.clone());
            geometry.set(g);
        });
        l.on("pm:edit", on_edit.as_ref().unchecked_ref());
        if let Some(pm) = draw::layer_pm(&l) {
            let options = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&options, &"allowSelfIntersection".into(), &false.into());
            pm.enable(&options);
        }
        layer.set_value(Some((l, on_edit)));
    });

    on_cleanup(move || {
        remove_layer();
        if let Some(map) = ctx.map_untracked() {
            draw::stop(&map);
            on_create.update_value(|h| {
                if let Some(h) = h.take() {
                    map.off("pm:create", h.as_ref().unchecked_ref());
                }
            });
        }
    });

    let start = move |shape: Shape| {
        let Some(map) = ctx.map_untracked() else {
            return;
        };
        if draw::start(&map, shape) {
            drawing.set(Some(shape));
        }
    };
    let cancel = move |_| {
        if let Some(map) = ctx.map_untracked() {
            draw::stop(&map);
        }
        drawing.set(None);
    };
    let status = move || match geometry.get().map(|g| g.value) {
        Some(GeometryValue::LineString { coordinates }) => {
            format!(
                "{} ({} {})",
                text::drawn_line(),
                coordinates.len(),
                text::vertices()
            )
        }
        Some(GeometryValue::Polygon { coordinates }) => format!(
            "{} ({} {})",
            text::drawn_area(),
            coordinates.first().map_or(0, |r| r.len().saturating_sub(1)),
            text::vertices()
        ),
        Some(GeometryValue::Point { .. }) => text::drawn_point().to_owned(),
        Some(_) => text::drawn_other().to_owned(),
        None => text::nothing_drawn().to_owned(),
    };
    let buttons = shapes
        .iter()
        .map(|shape| {
            let shape = *shape;
            let (label, id) = match shape {
                Shape::Line => (text::draw_line(), "line"),
                Shape::Area => (text::draw_area(), "area"),
                Shape::Point => (text::draw_point(), "point"),
            };
            view! {
                <button type="button" data-testid=format!("draw-{id}") aria-pressed=move || (drawing.get() == Some(shape)).to_string()
                    on:click=move |_| start(shape)>{label}</button>
            }
        })
        .collect_view();
    // A place found in the search (planning screen): one click makes it this field's point.
    let picked = use_context::<PickedPlace>()
        .filter(|_| shapes.contains(&Shape::Point))
        .map(|p| p.0);
    let take = move || {
        picked.and_then(|p| p.get()).map(|hit| {
            let title = format!("{}: {}", text::take_search_result(), hit.name);
            view! {
                <button type="button" data-testid="take-search-result" title=title.clone()
                    on:click=move |_| {
                        geometry.set(Some(Geometry::new(GeometryValue::new_point(hit.point))));
                    }>{title.clone()}</button>
            }
        })
    };
    view! {
        <fieldset class="field geometry-editor" data-testid="geometry-editor">
            <legend>{label}</legend>
            <p class="geometry-status" data-testid="geometry-status">{status}</p>
            <div class="geometry-buttons">
                {buttons}
                <Show when=move || drawing.get().is_some()>
                    <button type="button" data-testid="draw-cancel" on:click=cancel>{text::draw_cancel()}</button>
                </Show>
                {take}
                <Show when=move || geometry.get().is_some() && drawing.get().is_none()>
                    <button type="button" data-testid="draw-clear" on:click=move |_| geometry.set(None)>{text::draw_clear()}</button>
                </Show>
            </div>
            <Show when=move || drawing.get().is_some()>
                <p class="hint" role="status">{move || match drawing.get() {
                    Some(Shape::Point) => text::hint_point(),
                    Some(Shape::Area) => text::hint_area(),
                    _ => text::hint_line(),
                }}</p>
            </Show>
            {message.map(|m| m.run())}
        </fieldset>
    }
}
