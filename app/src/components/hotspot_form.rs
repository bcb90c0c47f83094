use geojson::Geometry;
use leptos::prelude::*;
use model::{
    Agency, AgencyKey, Hotspot, Stored,
    hotspot::{HotspotCategory, Severity},
    validation::FieldError,
    weekly_text,
};

use crate::{
    components::{
        GeometryEditor,
        form_kit::{
            ItemDraft, ItemForm, agency_select, field_message, release_checks, released,
            select_field,
        },
    },
    format,
    map::draw::Shape,
    session, text,
};

/// The hotspot form's fields as the user typed them.
#[derive(Debug, Clone, PartialEq)]
pub struct HotspotDraft {
    pub title: String,
    pub category: String,
    pub severity: String,
    pub agency: String,
    pub released_to: Vec<String>,
    /// Weekly hours as text, e.g. `Fr, Sa 22:00–04:00`.
    pub hours: String,
    /// `YYYY-MM-DD`.
    pub review_date: String,
}

impl ItemDraft for HotspotDraft {
    type Item = Hotspot;

    fn empty() -> HotspotDraft {
        let in_half_a_year = model::schedule::local(jiff::Timestamp::now())
            .date()
            .checked_add(jiff::ToSpan::months(6))
            .map(|d| d.to_string())
            .unwrap_or_default();
        HotspotDraft {
            title: String::new(),
            category: HotspotCategory::PublicDisorder.as_str().into(),
            severity: Severity::Medium.as_str().into(),
            agency: session::agency(),
            released_to: session::default_release(&session::agency()),
            hours: String::new(),
            review_date: in_half_a_year,
        }
    }

    fn of(h: &Hotspot) -> HotspotDraft {
        HotspotDraft {
            title: h.title.clone(),
            category: h.category.as_str().into(),
            severity: h.severity.as_str().into(),
            agency: h.agency.to_string(),
            released_to: h.released_to.iter().map(|a| a.to_string()).collect(),
            hours: format::weekly(&h.hours),
            review_date: h.review_date.to_string(),
        }
    }

    fn geometry(h: &Hotspot) -> Option<Geometry> {
        Some(h.geometry.clone())
    }

    /// The hotspot at `place` (an area or a point); the note comes from `base`.
    fn to_item(
        &self,
        place: Option<Geometry>,
        base: Option<&Hotspot>,
    ) -> Result<Hotspot, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut err = |field: &str, reason: String| {
            errors.push(FieldError {
                field: field.into(),
                reason,
            })
        };
        let hours = weekly_text::parse(&self.hours).map_err(|e| err("hours", e.to_string()));
        let review_date = self.review_date.parse::<jiff::civil::Date>().ok();
        if review_date.is_none() {
            err("review_date", text::date_needed().into());
        }
        if place.is_none() {
            err("geometry", text::draw_hotspot_first().into());
        }
        let category = self.category.parse::<HotspotCategory>().ok();
        let severity = self.severity.parse::<Severity>().ok();
        let agency = AgencyKey::parse(&self.agency).ok();
        let (
            Ok(hours),
            Some(review_date),
            Some(place),
            Some(category),
            Some(severity),
            Some(agency),
        ) = (hours, review_date, place, category, severity, agency)
        else {
            return Err(errors);
        };
        Ok(Hotspot {
            title: self.title.clone(),
            category,
            severity,
            geometry: place,
            hours,
            agency,
            released_to: released(&self.released_to),
            review_date,
            district: None,
            note: base.map(|b| b.note.clone()).unwrap_or_default(),
            demo: base.is_some_and(|b| b.demo),
        })
    }
}

/// Creates or edits a hotspot: an area drawn on the map (or a point), its category and
/// severity, the hours it matters, and when it must be reviewed.
#[component]
pub fn HotspotForm(
    #[prop(into)] editing: Signal<Option<Stored<Hotspot>>>,
    #[prop(into)] agencies: Signal<Vec<Agency>>,
    on_saved: Callback<Stored<Hotspot>>,
    /// A new hotspot to start from (made from an alert); shown while nothing is edited.
    #[prop(optional, into)]
    prefill: Option<Signal<Option<Hotspot>>>,
) -> impl IntoView {
    let form = ItemForm::<HotspotDraft>::new(editing, on_saved);
    if let Some(prefill) = prefill {
        Effect::new(move |_| {
            if let (Some(h), None) = (prefill.get(), editing.get()) {
                form.draft.set(HotspotDraft {
                    released_to: session::default_release(&h.agency.to_string()),
                    ..HotspotDraft::of(&h)
                });
                form.geometry.set(Some(h.geometry.clone()));
            }
        });
    }
    let ItemForm {
        draft,
        geometry: place,
        error,
        saving,
        ..
    } = form;
    let input = move |field, label, kind, get, set| form.input(field, label, kind, get, set);
    view! {
        <form class="action-form" on:submit=move |ev| form.submit(ev) data-testid="hotspot-form" novalidate>
            <h2>{move || if editing.get().is_some() { text::edit_hotspot() } else { text::new_hotspot() }}</h2>
            {input("title", text::title(), "text", |d: &HotspotDraft| d.title.clone(), |d: &mut HotspotDraft, v| d.title = v)}
            <GeometryEditor geometry=place shapes=&[Shape::Area, Shape::Point] label=text::hotspot_place() message=ViewFn::from(field_message(error, "geometry"))/>
            {select_field(draft, error, "category", text::category_label(), HotspotCategory::ALL.iter().map(|c| (c.as_str(), text::category(*c))).collect(), |d| d.category.clone(), |d, v| d.category = v)}
            {select_field(draft, error, "severity", text::severity_label(), Severity::ALL.iter().map(|s| (s.as_str(), text::severity(*s))).collect(), |d| d.severity.clone(), |d, v| d.severity = v)}
            {agency_select(draft, error, agencies, "agency", text::owner_agency(), |d| d.agency.clone(), |d, v| d.agency = v)}
            {release_checks(draft, agencies, error, |d: &HotspotDraft| d.released_to.clone(), |d: &mut HotspotDraft| &mut d.released_to)}
            {input("hours", text::hours(), "text", |d: &HotspotDraft| d.hours.clone(), |d: &mut HotspotDraft, v| d.hours = v)}
            <p class="hint">{text::weekly_hint()}</p>
            {input("review_date", text::review_date(), "date", |d: &HotspotDraft| d.review_date.clone(), |d: &mut HotspotDraft, v| d.review_date = v)}
            {form.alert()}
            <button type="submit" class="primary" data-testid="save-hotspot" disabled=move || saving.get()>{text::save()}</button>
        </form>
    }
}
