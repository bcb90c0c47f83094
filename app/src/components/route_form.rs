use geojson::Geometry;
use leptos::prelude::*;
use model::{
    Agency, AgencyKey, PatrolRoute, Stored, route::Occasion, validation::FieldError, weekly_text,
};

use crate::{
    api::ApiError,
    components::{
        GeometryEditor,
        form_kit::{
            AgencyChecks, FormAlert, agency_options, field_message, reload, save, select_field,
            text_field,
        },
    },
    format,
    map::draw::Shape,
    text,
};

/// The route form's fields as the user typed them.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteDraft {
    pub title: String,
    pub agency: String,
    pub agencies: Vec<String>,
    pub occasion: String,
    /// Weekly hours as text, e.g. `Fr, Sa 20:00–23:00`.
    pub weekly: String,
}

impl RouteDraft {
    pub fn new() -> RouteDraft {
        RouteDraft {
            title: String::new(),
            agency: "polizei".into(),
            agencies: vec!["polizei".into(), "kod".into()],
            occasion: Occasion::CityCentre.as_str().into(),
            weekly: String::new(),
        }
    }

    pub fn of(r: &PatrolRoute) -> RouteDraft {
        RouteDraft {
            title: r.title.clone(),
            agency: r.agency.to_string(),
            agencies: r.agencies.iter().map(|a| a.to_string()).collect(),
            occasion: r.occasion.as_str().into(),
            weekly: format::weekly(&r.weekly),
        }
    }

    /// The route this draft describes along `line`, keeping what the form does not show
    /// (one-off dates, note) from `base`.
    pub fn to_route(
        &self,
        line: Option<Geometry>,
        base: Option<&PatrolRoute>,
    ) -> Result<PatrolRoute, Vec<FieldError>> {
        let mut errors = Vec::new();
        let weekly = weekly_text::parse(&self.weekly).map_err(|e| {
            errors.push(FieldError {
                field: "weekly".into(),
                reason: e.to_string(),
            })
        });
        if line.is_none() {
            errors.push(FieldError {
                field: "geometry".into(),
                reason: text::draw_route_first().into(),
            });
        }
        let agency = AgencyKey::parse(&self.agency).ok();
        let occasion = self.occasion.parse::<Occasion>().ok();
        let (Ok(weekly), Some(line), Some(agency), Some(occasion)) =
            (weekly, line, agency, occasion)
        else {
            return Err(errors);
        };
        Ok(PatrolRoute {
            title: self.title.clone(),
            geometry: line,
            agency,
            agencies: self
                .agencies
                .iter()
                .filter_map(|a| AgencyKey::parse(a).ok())
                .collect(),
            occasion,
            weekly,
            dates: base.map(|b| b.dates.clone()).unwrap_or_default(),
            districts: vec![],
            note: base.map(|b| b.note.clone()).unwrap_or_default(),
            demo: base.is_some_and(|b| b.demo),
        })
    }
}

impl Default for RouteDraft {
    fn default() -> Self {
        RouteDraft::new()
    }
}

/// Creates or edits a patrol route: its line drawn and edited on the map, the agencies that
/// walk it together, and its weekly hours.
#[component]
pub fn RouteForm(
    #[prop(into)] editing: Signal<Option<Stored<PatrolRoute>>>,
    #[prop(into)] agencies: Signal<Vec<Agency>>,
    on_saved: Callback<Stored<PatrolRoute>>,
) -> impl IntoView {
    let draft = RwSignal::new(RouteDraft::new());
    let line = RwSignal::new(None::<Geometry>);
    let error = RwSignal::new(None::<ApiError>);
    let saving = RwSignal::new(false);
    Effect::new(move |_| {
        let current = editing.get();
        draft.set(
            current
                .as_ref()
                .map_or_else(RouteDraft::new, |s| RouteDraft::of(&s.item)),
        );
        line.set(current.map(|s| s.item.geometry));
        error.set(None);
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let current = editing.get_untracked();
        match draft
            .get_untracked()
            .to_route(line.get_untracked(), current.as_ref().map(|s| &s.item))
        {
            Ok(route) => save(current, route, saving, error, on_saved),
            Err(errors) => error.set(Some(ApiError::Invalid(errors))),
        }
    };
    let input =
        move |field, label, kind, get, set| text_field(draft, error, field, label, kind, get, set);
    view! {
        <form class="action-form" on:submit=submit data-testid="route-form" novalidate>
            <h2>{move || if editing.get().is_some() { text::edit_route() } else { text::new_route() }}</h2>
            {input("title", text::title(), "text", |d: &RouteDraft| d.title.clone(), |d: &mut RouteDraft, v| d.title = v)}
            <GeometryEditor geometry=line shapes=&[Shape::Line] label=text::route_line() message=ViewFn::from(field_message(error, "geometry"))/>
            {select_field(draft, error, "occasion", text::occasion_label(), Occasion::ALL.iter().map(|o| (o.as_str(), text::occasion(*o))).collect(), |d| d.occasion.clone(), |d, v| d.occasion = v)}
            <label class="field">
                <span>{text::owner_agency()}</span>
                <select name="agency" data-testid="input-agency" prop:value=move || draft.get().agency on:change=move |ev| draft.update(|d| d.agency = event_target_value(&ev))>
                    {agency_options(agencies, draft, |d| d.agency.clone())}
                </select>
                {field_message(error, "agency")}
            </label>
            <AgencyChecks agencies=agencies chosen=Signal::derive(move || draft.get().agencies)
                on_toggle=Callback::new(move |(key, on): (String, bool)| draft.update(|d| { d.agencies.retain(|x| *x != key); if on { d.agencies.push(key); } }))
                field="agencies" label=text::walked_by() error=error/>
            {input("weekly", text::weekly_hours(), "text", |d: &RouteDraft| d.weekly.clone(), |d: &mut RouteDraft, v| d.weekly = v)}
            <p class="hint">{text::weekly_hint()}</p>
            <FormAlert error=error on_reload=Callback::new(move |()| reload(editing.get_untracked(), on_saved))/>
            <button type="submit" class="primary" data-testid="save-route" disabled=move || saving.get()>{text::save()}</button>
        </form>
    }
}
