use geojson::Geometry;
use leptos::prelude::*;
use model::{
    Action, Agency, AgencyKey, DistrictKey, Stored,
    action::{ActionKind, ActionStatus, WorkingGroup},
    schedule::{format_local_input, parse_local_input},
    validation::FieldError,
};

use crate::{
    components::{
        GeometryEditor,
        form_kit::{
            AgencyChecks, ItemDraft, ItemForm, agency_select, field_message, options,
            release_checks, released, select_field,
        },
    },
    map::draw::Shape,
    session, text,
};

/// The form's fields as the user typed them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Draft {
    pub title: String,
    pub kind: String,
    pub start: String,
    pub end: String,
    pub district: String,
    pub lead_agency: String,
    pub agencies: Vec<String>,
    pub status: String,
    pub released_to: Vec<String>,
    pub working_group: String,
}

impl ItemDraft for Draft {
    type Item = Action;

    fn empty() -> Draft {
        Draft {
            kind: "joint_operation".into(),
            status: "planned".into(),
            lead_agency: session::agency(),
            released_to: session::default_release(&session::agency()),
            ..Draft::default()
        }
    }

    fn of(a: &Action) -> Draft {
        Draft {
            title: a.title.clone(),
            kind: a.kind.as_str().into(),
            start: format_local_input(a.start),
            end: format_local_input(a.end),
            district: a
                .district
                .map(|d| d.as_str().to_owned())
                .unwrap_or_default(),
            lead_agency: a.lead_agency.to_string(),
            agencies: a.agencies.iter().map(|a| a.to_string()).collect(),
            status: a.status.as_str().into(),
            released_to: a.released_to.iter().map(|a| a.to_string()).collect(),
            working_group: a
                .working_group
                .map(|w| w.as_str().to_owned())
                .unwrap_or_default(),
        }
    }

    fn geometry(a: &Action) -> Option<Geometry> {
        a.place.clone()
    }

    /// The action at `place`; links and note come from `base`.
    fn to_item(
        &self,
        place: Option<Geometry>,
        base: Option<&Action>,
    ) -> Result<Action, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut err = |field: &str, reason: &str| {
            errors.push(FieldError {
                field: field.into(),
                reason: reason.into(),
            })
        };
        let start = parse_local_input(&self.start);
        let end = parse_local_input(&self.end);
        if start.is_none() {
            err("start", text::date_time_needed());
        }
        if end.is_none() {
            err("end", text::date_time_needed());
        }
        let kind = self.kind.parse::<ActionKind>().ok();
        let status = self.status.parse::<ActionStatus>().ok();
        let lead = AgencyKey::parse(&self.lead_agency).ok();
        if lead.is_none() {
            err("lead_agency", text::agency_needed());
        }
        let (Some(start), Some(end), Some(kind), Some(status), Some(lead)) =
            (start, end, kind, status, lead)
        else {
            return Err(errors);
        };
        Ok(Action {
            title: self.title.clone(),
            kind,
            start,
            end,
            place,
            district: self.district.parse::<DistrictKey>().ok(),
            lead_agency: lead,
            agencies: self
                .agencies
                .iter()
                .filter_map(|a| AgencyKey::parse(a).ok())
                .collect(),
            status,
            released_to: released(&self.released_to),
            working_group: self.working_group.parse::<WorkingGroup>().ok(),
            hotspots: base.map(|b| b.hotspots.clone()).unwrap_or_default(),
            routes: base.map(|b| b.routes.clone()).unwrap_or_default(),
            note: base.map(|b| b.note.clone()).unwrap_or_default(),
            demo: base.is_some_and(|b| b.demo),
        })
    }
}

/// Creates or edits an action. Validation messages appear next to their fields; a stale edit
/// is refused with an offer to load the other person's version.
#[component]
pub fn ActionForm(
    /// The action being edited; `None` for a new one.
    #[prop(into)]
    editing: Signal<Option<Stored<Action>>>,
    #[prop(into)] agencies: Signal<Vec<Agency>>,
    /// Called with the saved action.
    on_saved: Callback<Stored<Action>>,
) -> impl IntoView {
    let form = ItemForm::<Draft>::new(editing, on_saved);
    let ItemForm {
        draft,
        geometry: place,
        error,
        saving,
        ..
    } = form;
    let message = move |field: &'static str| field_message(error, field);
    let input = move |field, label, kind, get, set| form.input(field, label, kind, get, set);

    view! {
        <form class="action-form" on:submit=move |ev| form.submit(ev) data-testid="action-form" novalidate>
            <h2>{move || if editing.get().is_some() { text::edit_action() } else { text::new_action() }}</h2>
            {input("title", text::title(), "text", |d| d.title.clone(), |d, v| d.title = v)}
            {select_field(draft, error, "kind", text::kind(), ActionKind::ALL.iter().map(|k| (k.as_str(), text::action_kind(*k))).collect(), |d| d.kind.clone(), |d, v| d.kind = v)}
            {input("start", text::start(), "datetime-local", |d| d.start.clone(), |d, v| d.start = v)}
            {input("end", text::end(), "datetime-local", |d| d.end.clone(), |d, v| d.end = v)}
            <GeometryEditor geometry=place shapes=&[Shape::Point] label=text::place() message=ViewFn::from(message("place"))/>
            <label class="field">
                <span>{text::city_district()}</span>
                <select name="district" data-testid="input-district" prop:value=move || draft.get().district on:change=move |ev| draft.update(|d| d.district = event_target_value(&ev))>
                    <option value="">{text::from_place()}</option>
                    {options(DistrictKey::ALL.iter().map(|k| (k.as_str(), k.short_name())))}
                </select>
                {message("district")}
            </label>
            {agency_select(draft, error, agencies, "lead_agency", text::lead_agency(), |d| d.lead_agency.clone(), |d, v| d.lead_agency = v)}
            <AgencyChecks agencies=agencies chosen=Signal::derive(move || draft.get().agencies)
                on_toggle=Callback::new(move |(key, on): (String, bool)| draft.update(|d| { d.agencies.retain(|x| *x != key); if on { d.agencies.push(key); } }))
                field="agencies" label=text::participating() error=error/>
            {release_checks(draft, agencies, error, |d: &Draft| d.released_to.clone(), |d: &mut Draft| &mut d.released_to)}
            {select_field(draft, error, "status", text::status(), ActionStatus::ALL.iter().map(|s| (s.as_str(), text::action_status(*s))).collect(), |d| d.status.clone(), |d, v| d.status = v)}
            <Show when=move || draft.get().kind == "working_group_meeting">
                <label class="field">
                    <span>{text::working_group_label()}</span>
                    <select name="working_group" data-testid="input-working_group" prop:value=move || draft.get().working_group on:change=move |ev| draft.update(|d| d.working_group = event_target_value(&ev))>
                        <option value="">{text::please_choose()}</option>
                        {options(WorkingGroup::ALL.iter().map(|w| (w.as_str(), text::working_group(*w))))}
                    </select>
                </label>
            </Show>
            {message("working_group")}
            {form.alert()}
            <button type="submit" class="primary" data-testid="save" disabled=move || saving.get()>{text::save()}</button>
        </form>
    }
}
