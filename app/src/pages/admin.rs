use leptos::prelude::*;

use crate::{
    api,
    components::{
        AccountAdmin, AccountBar, AuditTable, BasemapInfo, DisplayPairing, LanguageSwitch,
    },
    session, text,
};

/// The administration page (admins and operators; the server refuses everyone else and decides
/// whose accounts each may see): accounts, wall display pairing, the base maps loaded, the audit trail.
#[component]
pub fn AdminPage() -> impl IntoView {
    let agencies = LocalResource::new(api::agencies);
    let agencies = Signal::derive(move || agencies.get().and_then(Result::ok).unwrap_or_default());
    view! {
        <div class="admin" data-testid="admin">
            <header class="planning-header">
                <h1>{text::app_title()} " – " {text::admin_title()}</h1>
                <div class="planning-actions"><LanguageSwitch/><AccountBar/></div>
            </header>
            {if session::manages_accounts() {
                view! {
                    <AccountAdmin agencies=agencies/>
                    <DisplayPairing agencies=agencies/>
                    <BasemapInfo/>
                    <AuditTable/>
                }.into_any()
            } else {
                view! { <p class="form-alert" role="alert">{text::err_forbidden()}</p> }.into_any()
            }}
        </div>
    }
}
