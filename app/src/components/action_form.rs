use leptos::prelude::*;
use model::{
    Action, Agency, AgencyKey, DistrictKey, Stored,
    action::{ActionKind, ActionStatus, WorkingGroup},
    schedule::{format_local_input, parse_local_input},
    validation::FieldError,
};

use crate::{
    api::{self, ApiError},
    text,
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
    pub working_group: String,
}

impl Draft {
    pub fn new() -> Draft {
        Draft {
            kind: "joint_operation".into(),
            status: "planned".into(),
            lead_agency: "polizei".into(),
            ..Draft::default()
        }
    }

    pub fn of(a: &Action) -> Draft {
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
            working_group: a
                .working_group
                .map(|w| w.as_str().to_owned())
                .unwrap_or_default(),
        }
    }

    /// The action this draft describes, keeping what the form does not show (place, links)
    /// from `base`; problems the form can see itself come back per field.
    pub fn to_action(&self, base: Option<&Action>) -> Result<Action, Vec<FieldError>> {
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
            err("start", "Bitte Datum und Uhrzeit angeben.");
        }
        if end.is_none() {
            err("end", "Bitte Datum und Uhrzeit angeben.");
        }
        let kind = self.kind.parse::<ActionKind>().ok();
        let status = self.status.parse::<ActionStatus>().ok();
        let lead = AgencyKey::parse(&self.lead_agency).ok();
        if lead.is_none() {
            err("lead_agency", "Bitte eine Behörde wählen.");
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
            place: base.and_then(|b| b.place.clone()),
            district: self.district.parse::<DistrictKey>().ok(),
            lead_agency: lead,
            agencies: self
                .agencies
                .iter()
                .filter_map(|a| AgencyKey::parse(a).ok())
                .collect(),
            status,
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
    let draft = RwSignal::new(Draft::new());
    let error = RwSignal::new(None::<ApiError>);
    let saving = RwSignal::new(false);
    Effect::new(move |_| {
        draft.set(
            editing
                .get()
                .map_or_else(Draft::new, |s| Draft::of(&s.item)),
        );
        error.set(None);
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let current = editing.get_untracked();
        let action = match draft
            .get_untracked()
            .to_action(current.as_ref().map(|s| &s.item))
        {
            Ok(a) => a,
            Err(errors) => {
                error.set(Some(ApiError::Invalid(errors)));
                return;
            }
        };
        saving.set(true);
        leptos::task::spawn_local(async move {
            let result = match &current {
                Some(s) => api::update(s.id, s.version, &action).await,
                None => api::create(&action).await,
            };
            saving.set(false);
            match result {
                Ok(saved) => {
                    error.set(None);
                    if current.is_none() {
                        draft.set(Draft::new());
                    }
                    on_saved.run(saved);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let reload_theirs = move |_| {
        if let Some(s) = editing.get_untracked() {
            leptos::task::spawn_local(async move {
                if let Ok(fresh) = api::item::<Action>(s.id).await {
                    on_saved.run(fresh);
                }
            });
        }
    };

    let message = move |field: &'static str| {
        move || {
            error.get().and_then(|e| e.reason_for(field)).map(|reason| {
                view! { <p class="field-error" id=format!("error-{field}") data-testid=format!("error-{field}")>{reason}</p> }
            })
        }
    };
    let text_input = move |field: &'static str,
                           label: &'static str,
                           kind: &'static str,
                           get: fn(&Draft) -> String,
                           set: fn(&mut Draft, String)| {
        view! {
            <label class="field">
                <span>{label}</span>
                <input
                    type=kind
                    name=field
                    data-testid=format!("input-{field}")
                    aria-describedby=format!("error-{field}")
                    prop:value=move || get(&draft.get())
                    on:input=move |ev| draft.update(|d| set(d, event_target_value(&ev)))
                />
                {message(field)}
            </label>
        }
    };
    let options = |items: Vec<(String, String)>| {
        items
            .into_iter()
            .map(|(v, l)| view! { <option value=v>{l}</option> })
            .collect_view()
    };

    view! {
        <form class="action-form" on:submit=submit data-testid="action-form" novalidate>
            <h2>{move || if editing.get().is_some() { "Maßnahme bearbeiten" } else { "Neue Maßnahme" }}</h2>
            {text_input("title", "Titel", "text", |d| d.title.clone(), |d, v| d.title = v)}
            <label class="field">
                <span>"Art"</span>
                <select name="kind" data-testid="input-kind" prop:value=move || draft.get().kind on:change=move |ev| draft.update(|d| d.kind = event_target_value(&ev))>
                    {options(ActionKind::ALL.iter().map(|k| (k.as_str().to_owned(), text::action_kind(*k).to_owned())).collect())}
                </select>
                {message("kind")}
            </label>
            {text_input("start", "Beginn", "datetime-local", |d| d.start.clone(), |d, v| d.start = v)}
            {text_input("end", "Ende", "datetime-local", |d| d.end.clone(), |d, v| d.end = v)}
            <label class="field">
                <span>"Stadtbezirk"</span>
                <select name="district" data-testid="input-district" prop:value=move || draft.get().district on:change=move |ev| draft.update(|d| d.district = event_target_value(&ev))>
                    <option value="">"– aus dem Ort –"</option>
                    {options(DistrictKey::ALL.iter().map(|k| (k.as_str().to_owned(), k.short_name().to_owned())).collect())}
                </select>
                {message("district")}
            </label>
            <label class="field">
                <span>"Federführung"</span>
                <select name="lead_agency" data-testid="input-lead_agency" prop:value=move || draft.get().lead_agency on:change=move |ev| draft.update(|d| d.lead_agency = event_target_value(&ev))>
                    // Each option says whether it is chosen: the options arrive after the value.
                    {move || agencies.get().into_iter().map(|a| {
                        let key = a.key.to_string();
                        let k = key.clone();
                        view! { <option value=key prop:selected=move || draft.get().lead_agency == k>{a.name}</option> }
                    }).collect_view()}
                </select>
                {message("lead_agency")}
            </label>
            <fieldset class="field">
                <legend>"Beteiligte Behörden"</legend>
                {move || agencies.get().into_iter().map(|a| {
                    let key = a.key.to_string();
                    let (k1, k2) = (key.clone(), key.clone());
                    view! {
                        <label class="check">
                            <input type="checkbox" value=key.clone()
                                prop:checked=move || draft.get().agencies.contains(&k1)
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    let k = k2.clone();
                                    draft.update(|d| { d.agencies.retain(|x| *x != k); if on { d.agencies.push(k); } });
                                }/>
                            {a.short_name}
                        </label>
                    }
                }).collect_view()}
                {message("agencies")}
            </fieldset>
            <label class="field">
                <span>"Status"</span>
                <select name="status" data-testid="input-status" prop:value=move || draft.get().status on:change=move |ev| draft.update(|d| d.status = event_target_value(&ev))>
                    {options(ActionStatus::ALL.iter().map(|s| (s.as_str().to_owned(), text::action_status(*s).to_owned())).collect())}
                </select>
            </label>
            <Show when=move || draft.get().kind == "working_group_meeting">
                <label class="field">
                    <span>"Fachkreis"</span>
                    <select name="working_group" data-testid="input-working_group" prop:value=move || draft.get().working_group on:change=move |ev| draft.update(|d| d.working_group = event_target_value(&ev))>
                        <option value="">"– bitte wählen –"</option>
                        {options(WorkingGroup::ALL.iter().map(|w| (w.as_str().to_owned(), w.as_str().replace('_', " "))).collect())}
                    </select>
                </label>
            </Show>
            {message("working_group")}
            {move || match error.get() {
                Some(ApiError::Stale) => Some(view! {
                    <div class="form-alert" role="alert" data-testid="stale-edit">
                        <p>{ApiError::Stale.to_string()}</p>
                        <button type="button" on:click=reload_theirs data-testid="reload-theirs">"Fremde Version laden"</button>
                    </div>
                }.into_any()),
                Some(e @ (ApiError::Unreachable | ApiError::Server { .. } | ApiError::Unreadable(_))) => Some(view! {
                    <p class="form-alert" role="alert">{e.to_string()}</p>
                }.into_any()),
                Some(ApiError::Invalid(_)) => Some(view! { <p class="form-alert" role="alert" data-testid="form-invalid">"Bitte die markierten Felder prüfen."</p> }.into_any()),
                None => None,
            }}
            <button type="submit" class="primary" data-testid="save" disabled=move || saving.get()>"Speichern"</button>
        </form>
    }
}
