use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use model::{
    Agency, AgencyKey,
    access::{NewDisplay, PairingCode},
};

use crate::{
    api::{self, ApiError},
    components::form_kit::{field_message, general_alert},
    text,
};

/// Issues a one-time code to pair a wall display of the admin's agency (an operator chooses
/// the agency).
#[component]
pub fn DisplayPairing(#[prop(into)] agencies: Signal<Vec<Agency>>) -> impl IntoView {
    let operator = crate::session::is_operator();
    let agency = RwSignal::new(crate::session::agency());
    let name = RwSignal::new(String::new());
    let issued = RwSignal::new(None::<PairingCode>);
    let error = RwSignal::new(None::<ApiError>);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let new = NewDisplay {
            login: name.get_untracked().trim().to_owned(),
            agency: operator
                .then(|| AgencyKey::parse(&agency.get_untracked()).ok())
                .flatten(),
        };
        spawn_local(async move {
            match api::pairing_code(&new).await {
                Ok(code) => {
                    error.set(None);
                    issued.set(Some(code));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let general = general_alert(error);
    view! {
        <section class="admin-displays" aria-label=text::displays()>
            <h2>{text::displays()}</h2>
            <form class="action-form" on:submit=submit novalidate>
                <label class="field"><span>{text::display_name()}</span>
                    <input type="text" data-testid="display-name" placeholder="leitstelle-wand-1"
                        prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                </label>
                {field_message(error, "login")}
                {operator.then(|| view! {
                    <label class="field"><span>{text::agency()}</span>
                        <select data-testid="display-agency" prop:value=move || agency.get() on:change=move |ev| agency.set(event_target_value(&ev))>
                            {move || agencies.get().into_iter().map(|a| view! { <option value=a.key.to_string()>{a.short_name}</option> }).collect_view()}
                        </select>
                    </label>
                })}
                {field_message(error, "agency")}
                {general}
                <button type="submit" class="primary" data-testid="issue-code">{text::issue_code()}</button>
            </form>
            {move || issued.get().map(|c| view! {
                <p class="pairing-code" data-testid="pairing-code">
                    <strong>{c.code}</strong>
                    {format!(" – {} {}, {}", c.login, text::code_valid_until(), crate::format::local_time(c.expires_at))}
                </p>
            })}
        </section>
    }
}
