use geojson::Geometry;
use leptos::prelude::*;
use model::{
    Agency, AgencyKey, PatrolRoute, Stored, route::Occasion, validation::FieldError, weekly_text,
};

use crate::{
    components::{
        GeometryEditor,
        form_kit::{
            AgencyChecks, ItemDraft, ItemForm, agency_select, field_message, release_checks,
            released, select_field,
        },
    },
    format,
    map::draw::Shape,
    session, text,
};

/// The route form's fields as the user typed them.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteDraft {
    pub title: String,
    pub agency: String,
    pub agencies: Vec<String>,
    pub occasion: String,
    pub released_to: Vec<String>,
    /// Weekly hours as text, e.g. `Fr, Sa 20:00–23:00`.
    pub weekly: String,
}

impl ItemDraft for RouteDraft {
    type Item = PatrolRoute;

    fn empty() -> RouteDraft {
        RouteDraft {
            title: String::new(),
            agency: session::agency(),
            agencies: vec![session::agency()],
            occasion: Occasion::CityCentre.as_str().into(),
            released_to: session::default_release(&session::agency()),
            weekly: String::new(),
        }
    }

    fn of(r: &PatrolRoute) -> RouteDraft {
        RouteDraft {
            title: r.title.clone(),
            agency: r.agency.to_string(),
            agencies: r.agencies.iter().map(|a| a.to_string()).collect(),
            occasion: r.occasion.as_str().into(),
            released_to: r.released_to.iter().map(|a| a.to_string()).collect(),
            weekly: format::weekly(&r.weekly),
        }
    }

    fn geometry(r: &PatrolRoute) -> Option<Geometry> {
        Some(r.geometry.clone())
    }

    /// The route along `line`; one-off dates and note come from `base`.
    fn to_item(
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
            released_to: released(&self.released_to),
            weekly,
            dates: base.map(|b| b.dates.clone()).unwrap_or_default(),
            districts: vec![],
            note: base.map(|b| b.note.clone()).unwrap_or_default(),
            demo: base.is_some_and(|b| b.demo),
        })
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
    let form = ItemForm::<RouteDraft>::new(editing, on_saved);
    let ItemForm {
        draft,
        geometry: line,
        error,
        saving,
        ..
    } = form;
    let input = move |field, label, kind, get, set| form.input(field, label, kind, get, set);
    view! {
        <form class="action-form" on:submit=move |ev| form.submit(ev) data-testid="route-form" novalidate>
            <h2>{move || if editing.get().is_some() { text::edit_route() } else { text::new_route() }}</h2>
            {input("title", text::title(), "text", |d: &RouteDraft| d.title.clone(), |d: &mut RouteDraft, v| d.title = v)}
            <GeometryEditor geometry=line shapes=&[Shape::Line] label=text::route_line() message=ViewFn::from(field_message(error, "geometry"))/>
            {select_field(draft, error, "occasion", text::occasion_label(), Occasion::ALL.iter().map(|o| (o.as_str(), text::occasion(*o))).collect(), |d| d.occasion.clone(), |d, v| d.occasion = v)}
            {agency_select(draft, error, agencies, "agency", text::owner_agency(), |d| d.agency.clone(), |d, v| d.agency = v)}
            <AgencyChecks agencies=agencies chosen=Signal::derive(move || draft.get().agencies)
                on_toggle=Callback::new(move |(key, on): (String, bool)| draft.update(|d| { d.agencies.retain(|x| *x != key); if on { d.agencies.push(key); } }))
                field="agencies" label=text::walked_by() error=error/>
            {release_checks(draft, agencies, error, |d: &RouteDraft| d.released_to.clone(), |d: &mut RouteDraft| &mut d.released_to)}
            {input("weekly", text::weekly_hours(), "text", |d: &RouteDraft| d.weekly.clone(), |d: &mut RouteDraft, v| d.weekly = v)}
            <p class="hint">{text::weekly_hint()}</p>
            {form.alert()}
            <button type="submit" class="primary" data-testid="save-route" disabled=move || saving.get()>{text::save()}</button>
        </form>
    }
}
