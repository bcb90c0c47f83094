use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use model::{
    Agency, AgencyKey,
    access::{Account, NewAccount, Role},
};

use crate::{
    api::{self, ApiError},
    components::form_kit::{field_message, general_alert, options},
    text,
};

/// The accounts the user manages (an admin: its agency's; an operator: every agency's): who
/// has one (login, agency, role), a form to add one, disabling (which ends the account's
/// sessions at once) and enabling again.
#[component]
pub fn AccountAdmin(#[prop(into)] agencies: Signal<Vec<Agency>>) -> impl IntoView {
    let operator = crate::session::is_operator();
    let list = LocalResource::new(api::accounts);
    let error = RwSignal::new(None::<ApiError>);
    let (login, agency, role, password) = (
        RwSignal::new(String::new()),
        RwSignal::new(crate::session::agency()),
        RwSignal::new(Role::Officer.as_str().to_owned()),
        RwSignal::new(String::new()),
    );
    let add = move |ev: SubmitEvent| {
        ev.prevent_default();
        let new = NewAccount {
            login: login.get_untracked().trim().to_owned(),
            role: role.get_untracked().parse().unwrap_or(Role::Officer),
            agency: AgencyKey::parse(&agency.get_untracked())
                .unwrap_or_else(|_| AgencyKey::parse("polizei").unwrap_or_else(|_| unreachable!())),
            password: Some(password.get_untracked()),
        };
        spawn_local(async move {
            match api::add_account(&new).await {
                Ok(_) => {
                    error.set(None);
                    login.set(String::new());
                    password.set(String::new());
                    list.refetch();
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let set_disabled = move |who: String, disable: bool| {
        spawn_local(async move {
            let done = if disable {
                api::disable_account(&who).await
            } else {
                api::enable_account(&who).await
            };
            match done {
                Ok(_) => list.refetch(),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let rows = move || {
        list.get().map(|r| match r {
            Ok(accounts) => accounts
                .into_iter()
                .map(|a: Account| {
                    let who = a.login.clone();
                    view! {
                        <tr data-testid=format!("account-{}", a.login)>
                            <td>{a.login.clone()}</td>
                            <td>{a.agency.to_string()}</td>
                            <td>{text::role_name(a.role)}</td>
                            <td>
                                {if a.disabled {
                                    view! {
                                        <span>{text::disabled()}</span> " "
                                        <button type="button" data-testid=format!("enable-{}", a.login) on:click=move |_| set_disabled(who.clone(), false)>{text::enable()}</button>
                                    }.into_any()
                                } else {
                                    view! { <button type="button" data-testid=format!("disable-{}", a.login) on:click=move |_| set_disabled(who.clone(), true)>{text::disable()}</button> }.into_any()
                                }}
                            </td>
                        </tr>
                    }
                })
                .collect_view()
                .into_any(),
            Err(e) => view! { <tr><td colspan="4">{e.to_string()}</td></tr> }.into_any(),
        })
    };
    let general = general_alert(error);
    // An admin adds people of its own agency; an operator of any agency, operators too.
    let roles: &[Role] = if operator {
        &[Role::Officer, Role::Planner, Role::Admin, Role::Operator]
    } else {
        &[Role::Officer, Role::Planner, Role::Admin]
    };
    let agency_field = if operator {
        view! {
            <select data-testid="new-agency" prop:value=move || agency.get() on:change=move |ev| agency.set(event_target_value(&ev))>
                {move || agencies.get().into_iter().map(|a| view! { <option value=a.key.to_string()>{a.short_name}</option> }).collect_view()}
            </select>
        }
        .into_any()
    } else {
        view! { <output data-testid="new-agency">{crate::session::agency()}</output> }.into_any()
    };
    view! {
        <section class="admin-accounts" aria-label=text::accounts()>
            <h2>{text::accounts()}</h2>
            <table data-testid="accounts">
                <thead><tr><th>{text::login_name()}</th><th>{text::agency()}</th><th>{text::role()}</th><th></th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
            <form class="action-form" on:submit=add novalidate data-testid="new-account">
                <h3>{text::new_account()}</h3>
                <label class="field"><span>{text::login_name()}</span>
                    <input type="text" data-testid="new-login" prop:value=move || login.get() on:input=move |ev| login.set(event_target_value(&ev))/>
                </label>
                {field_message(error, "login")}
                <label class="field"><span>{text::agency()}</span>
                    {agency_field}
                </label>
                {field_message(error, "agency")}
                <label class="field"><span>{text::role()}</span>
                    <select data-testid="new-role" prop:value=move || role.get() on:change=move |ev| role.set(event_target_value(&ev))>
                        {options(roles.iter().map(|r| (r.as_str(), text::role_name(*r))))}
                    </select>
                </label>
                {field_message(error, "role")}
                <label class="field"><span>{text::password()}</span>
                    <input type="password" autocomplete="new-password" data-testid="new-password" prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev))/>
                </label>
                {field_message(error, "password")}
                {general}
                <button type="submit" class="primary" data-testid="add-account">{text::add_account()}</button>
            </form>
        </section>
    }
}
