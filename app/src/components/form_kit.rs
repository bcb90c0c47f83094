//! What the item forms share: a message next to each field, the alert under the form (with
//! "load the other version" when the save was stale), the agency check boxes, and saving.

use geojson::Geometry;
use leptos::prelude::*;
use model::{Agency, Item, Stored, validation::FieldError};

use crate::{
    api::{self, ApiError},
    text,
};

/// A form's fields as the user typed them, for one kind of item with a geometry drawn on the
/// map.
pub trait ItemDraft: Clone + Send + Sync + 'static {
    type Item: Item;
    /// An empty form, with sensible defaults.
    fn empty() -> Self;
    /// The form filled from a stored item.
    fn of(item: &Self::Item) -> Self;
    /// The item's geometry, which the form edits on the map.
    fn geometry(item: &Self::Item) -> Option<Geometry>;
    /// The item the form describes, keeping from `base` what the form does not show; problems
    /// the form can see itself come back per field.
    fn to_item(
        &self,
        geometry: Option<Geometry>,
        base: Option<&Self::Item>,
    ) -> Result<Self::Item, Vec<FieldError>>;
}

/// An item form's state: its fields, its geometry, the last refusal, and whether it saves.
pub struct ItemForm<D: ItemDraft> {
    pub draft: RwSignal<D>,
    pub geometry: RwSignal<Option<Geometry>>,
    pub error: RwSignal<Option<ApiError>>,
    pub saving: RwSignal<bool>,
    /// The stored item shown (`None`: a new one).
    pub editing: Signal<Option<Stored<D::Item>>>,
    on_saved: Callback<Stored<D::Item>>,
}

impl<D: ItemDraft> Clone for ItemForm<D> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<D: ItemDraft> Copy for ItemForm<D> {}

impl<D: ItemDraft> ItemForm<D> {
    /// A form that shows `editing` (or an empty form) whenever it changes, and hands what
    /// it saved to `on_saved`.
    pub fn new(
        editing: Signal<Option<Stored<D::Item>>>,
        on_saved: Callback<Stored<D::Item>>,
    ) -> ItemForm<D> {
        let form = ItemForm {
            draft: RwSignal::new(D::empty()),
            geometry: RwSignal::new(None),
            error: RwSignal::new(None),
            saving: RwSignal::new(false),
            editing,
            on_saved,
        };
        Effect::new(move |_| {
            let current = editing.get();
            form.draft
                .set(current.as_ref().map_or_else(D::empty, |s| D::of(&s.item)));
            form.geometry
                .set(current.as_ref().and_then(|s| D::geometry(&s.item)));
            form.error.set(None);
        });
        form
    }

    /// The form's submit handler: checks the form and saves it, creating the item or
    /// replacing the one shown if nobody changed it meanwhile.
    pub fn submit(self, ev: leptos::ev::SubmitEvent) {
        ev.prevent_default();
        let current = self.editing.get_untracked();
        let base = current.as_ref().map(|s| &s.item);
        match self
            .draft
            .get_untracked()
            .to_item(self.geometry.get_untracked(), base)
        {
            Ok(item) => save(current, item, self.saving, self.error, self.on_saved),
            Err(errors) => self.error.set(Some(ApiError::Invalid(errors))),
        }
    }

    /// Replaces the form's content with the version stored now (after a stale save).
    pub fn reload(self) {
        reload(self.editing.get_untracked(), self.on_saved);
    }

    /// The alert under the form, offering to load the other version after a stale save.
    pub fn alert(self) -> impl IntoView {
        view! { <FormAlert error=self.error on_reload=Callback::new(move |()| self.reload())/> }
    }

    /// A text input bound to one field of the draft.
    pub fn input(
        self,
        field: &'static str,
        label: &'static str,
        kind: &'static str,
        get: fn(&D) -> String,
        set: fn(&mut D, String),
    ) -> impl IntoView {
        text_field(self.draft, self.error, field, label, kind, get, set)
    }
}

/// The server's (or the form's own) reason for `field`, shown next to it.
pub fn field_message(
    error: RwSignal<Option<ApiError>>,
    field: &'static str,
) -> impl Fn() -> Option<AnyView> + Send + Sync + Copy + 'static {
    move || {
        error.get().and_then(|e| e.reason_for(field)).map(|reason| {
            view! { <p class="field-error" id=format!("error-{field}") data-testid=format!("error-{field}")>{reason}</p> }
                .into_any()
        })
    }
}

/// A refusal that is not about one field (unreachable, forbidden, too many attempts …), as an
/// alert; field problems show beside their fields.
pub fn general_alert(
    error: RwSignal<Option<ApiError>>,
) -> impl Fn() -> Option<AnyView> + Send + Sync + Copy + 'static {
    move || {
        error
            .get()
            .filter(|e| !e.is_about_a_field())
            .map(|e| view! { <p class="form-alert" role="alert" data-testid="form-alert">{e.to_string()}</p> }.into_any())
    }
}

/// The outcome of the last save, under the form.
#[component]
pub fn FormAlert(
    error: RwSignal<Option<ApiError>>,
    /// Replaces the form's content with the version someone else saved.
    on_reload: Callback<()>,
) -> impl IntoView {
    move || {
        match error.get() {
        Some(ApiError::Stale) => Some(
            view! {
                <div class="form-alert" role="alert" data-testid="stale-edit">
                    <p>{ApiError::Stale.to_string()}</p>
                    <button type="button" on:click=move |_| on_reload.run(()) data-testid="reload-theirs">{text::reload_theirs()}</button>
                </div>
            }
            .into_any(),
        ),
        Some(
            e @ (ApiError::Unreachable
            | ApiError::Server { .. }
            | ApiError::Unreadable(_)
            | ApiError::SignedOut
            | ApiError::Forbidden { field: None, .. }
            | ApiError::TooManyAttempts(_)),
        ) => Some(
            view! { <p class="form-alert" role="alert" data-testid="form-refused">{e.to_string()}</p> }
                .into_any(),
        ),
        Some(ApiError::Invalid(_) | ApiError::Forbidden { field: Some(_), .. }) => Some(
            view! { <p class="form-alert" role="alert" data-testid="form-invalid">{text::check_fields()}</p> }
                .into_any(),
        ),
        None => None,
    }
    }
}

/// A check box per agency; `chosen` holds agency keys.
#[component]
pub fn AgencyChecks(
    #[prop(into)] agencies: Signal<Vec<Agency>>,
    chosen: Signal<Vec<String>>,
    on_toggle: Callback<(String, bool)>,
    field: &'static str,
    label: &'static str,
    error: RwSignal<Option<ApiError>>,
) -> impl IntoView {
    view! {
        <fieldset class="field" data-testid=format!("input-{field}")>
            <legend>{label}</legend>
            {move || agencies.get().into_iter().map(|a| {
                let key = a.key.to_string();
                let (k1, k2) = (key.clone(), key.clone());
                view! {
                    <label class="check">
                        <input type="checkbox" value=key
                            prop:checked=move || chosen.get().contains(&k1)
                            on:change=move |ev| on_toggle.run((k2.clone(), event_target_checked(&ev)))/>
                        {a.short_name}
                    </label>
                }
            }).collect_view()}
            {field_message(error, field)}
        </fieldset>
    }
}

/// The agency keys of a draft's list, as the item holds them.
pub fn released(keys: &[String]) -> Vec<model::AgencyKey> {
    keys.iter()
        .filter_map(|a| model::AgencyKey::parse(a).ok())
        .collect()
}

/// Ticking or unticking an agency in a draft's list (e.g. who an item is released to).
pub fn toggle_agency<D: Send + Sync + 'static>(
    draft: RwSignal<D>,
    list: fn(&mut D) -> &mut Vec<String>,
) -> Callback<(String, bool)> {
    Callback::new(move |(key, on): (String, bool)| {
        draft.update(|d| {
            let l = list(d);
            l.retain(|x| *x != key);
            if on {
                l.push(key);
            }
        })
    })
}

/// Who else may see the item: the "released to" checkboxes and what they mean.
pub fn release_checks<D: Send + Sync + 'static>(
    draft: RwSignal<D>,
    agencies: Signal<Vec<Agency>>,
    error: RwSignal<Option<ApiError>>,
    get: fn(&D) -> Vec<String>,
    list: fn(&mut D) -> &mut Vec<String>,
) -> impl IntoView {
    view! {
        <AgencyChecks agencies=agencies chosen=Signal::derive(move || draft.with(get))
            on_toggle=toggle_agency(draft, list) field="released_to" label=text::released_to() error=error/>
        <p class="hint">{text::released_hint()}</p>
    }
}

/// Saves `item`: creates it, or replaces `current` if nobody changed it meanwhile. The result
/// goes to `on_saved`, a refusal into `error`.
fn save<T: Item>(
    current: Option<Stored<T>>,
    item: T,
    saving: RwSignal<bool>,
    error: RwSignal<Option<ApiError>>,
    on_saved: Callback<Stored<T>>,
) {
    saving.set(true);
    leptos::task::spawn_local(async move {
        let result = match &current {
            Some(s) => api::update(s.id, s.version, &item).await,
            None => api::create(&item).await,
        };
        saving.set(false);
        match result {
            Ok(saved) => {
                error.set(None);
                on_saved.run(saved);
            }
            Err(e) => error.set(Some(e)),
        }
    });
}

/// Loads the version of `current` stored now and hands it to `on_saved`.
fn reload<T: Item>(current: Option<Stored<T>>, on_saved: Callback<Stored<T>>) {
    if let Some(s) = current {
        leptos::task::spawn_local(async move {
            if let Ok(fresh) = api::item::<T>(s.id).await {
                on_saved.run(fresh);
            }
        });
    }
}

/// `<option>`s from value/label pairs.
pub fn options(items: impl IntoIterator<Item = (&'static str, &'static str)>) -> impl IntoView {
    items
        .into_iter()
        .map(|(v, l)| view! { <option value=v>{l}</option> })
        .collect_view()
}

/// A labelled `<input>` bound to one field of a draft, with its message.
pub fn text_field<D: Send + Sync + 'static>(
    draft: RwSignal<D>,
    error: RwSignal<Option<ApiError>>,
    field: &'static str,
    label: &'static str,
    kind: &'static str,
    get: fn(&D) -> String,
    set: fn(&mut D, String),
) -> impl IntoView {
    view! {
        <label class="field">
            <span>{label}</span>
            <input
                type=kind
                name=field
                data-testid=format!("input-{field}")
                aria-describedby=format!("error-{field}")
                prop:value=move || draft.with(get)
                on:input=move |ev| draft.update(|d| set(d, event_target_value(&ev)))
            />
            {field_message(error, field)}
        </label>
    }
}

/// A labelled `<select>` bound to one field of a draft, with its message.
pub fn select_field<D: Send + Sync + 'static>(
    draft: RwSignal<D>,
    error: RwSignal<Option<ApiError>>,
    field: &'static str,
    label: &'static str,
    choices: Vec<(&'static str, &'static str)>,
    get: fn(&D) -> String,
    set: fn(&mut D, String),
) -> impl IntoView {
    view! {
        <label class="field">
            <span>{label}</span>
            <select name=field data-testid=format!("input-{field}") prop:value=move || draft.with(get)
                on:change=move |ev| draft.update(|d| set(d, event_target_value(&ev)))>
                {options(choices)}
            </select>
            {field_message(error, field)}
        </label>
    }
}

/// A labelled `<select>` of the agencies bound to one field of a draft, with its message.
/// Each option says whether it is chosen: the agencies may arrive after the value.
pub fn agency_select<D: Send + Sync + 'static>(
    draft: RwSignal<D>,
    error: RwSignal<Option<ApiError>>,
    agencies: Signal<Vec<Agency>>,
    field: &'static str,
    label: &'static str,
    get: fn(&D) -> String,
    set: fn(&mut D, String),
) -> impl IntoView {
    let options = move || {
        agencies
            .get()
            .into_iter()
            .map(|a| {
                let key = a.key.to_string();
                let k = key.clone();
                view! { <option value=key prop:selected=move || draft.with(get) == k>{a.name}</option> }
            })
            .collect_view()
    };
    view! {
        <label class="field">
            <span>{label}</span>
            <select name=field data-testid=format!("input-{field}") prop:value=move || draft.with(get)
                on:change=move |ev| draft.update(|d| set(d, event_target_value(&ev)))>
                {options}
            </select>
            {field_message(error, field)}
        </label>
    }
}
