use leptos::{prelude::*, task::spawn_local};

use crate::{api, session, text};

/// Who is signed in (login, agency, role) and the sign-out button; admins and operators also
/// get the way to the administration page.
#[component]
pub fn AccountBar() -> impl IntoView {
    let me = session::me();
    let sign_out = move |_| {
        spawn_local(async move {
            let _ = api::logout().await;
            let _ = window().location().reload();
        });
    };
    me.map(|me| {
        let admin = me.role.manages_accounts();
        view! {
            <div class="account-bar no-print" data-testid="account-bar">
                <span class="account-who" title=text::signed_in_as()>
                    {format!("{} · {} · {}", me.login, me.agency, text::role_name(me.role))}
                </span>
                {admin.then(|| view! { <a href="/verwaltung" data-testid="admin-link">{text::admin_title()}</a> })}
                <button type="button" data-testid="sign-out" on:click=sign_out>{text::sign_out()}</button>
            </div>
        }
    })
}
