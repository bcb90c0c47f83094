use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use model::access::Login;

use crate::{
    api::{self, ApiError},
    components::{
        LanguageSwitch,
        form_kit::{field_message, general_alert},
    },
    text,
};

/// The sign-in screen: login name and password. After signing in the page starts over, so
/// every screen loads with the new session.
#[component]
pub fn SignIn() -> impl IntoView {
    let login = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        let body = Login {
            login: login.get_untracked().trim().to_owned(),
            password: password.get_untracked(),
        };
        spawn_local(async move {
            match api::login(&body).await {
                Ok(_) => {
                    let _ = window().location().reload();
                }
                Err(e) => {
                    password.set(String::new());
                    error.set(Some(e));
                    busy.set(false);
                }
            }
        });
    };
    let general = general_alert(error);
    view! {
        <main class="sign-in" data-testid="sign-in">
            <form on:submit=submit novalidate>
                <div class="panel-title">
                    <h1>{text::app_title()}</h1>
                    <LanguageSwitch/>
                </div>
                <h2>{text::sign_in_title()}</h2>
                <p class="hint">{text::sign_in_hint()}</p>
                <label class="field">
                    <span>{text::login_name()}</span>
                    <input type="text" name="username" autocomplete="username" autocapitalize="none"
                        data-testid="input-login" required
                        prop:value=move || login.get() on:input=move |ev| login.set(event_target_value(&ev))/>
                </label>
                {field_message(error, "login")}
                <label class="field">
                    <span>{text::password()}</span>
                    <input type="password" name="password" autocomplete="current-password"
                        data-testid="input-password" required aria-describedby="error-password"
                        prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev))/>
                </label>
                {field_message(error, "password")}
                {general}
                <button type="submit" class="primary" data-testid="sign-in-button" disabled=move || busy.get()>
                    {text::sign_in()}
                </button>
            </form>
        </main>
    }
}
