use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use model::access::Pair;

use crate::{
    api::{self, ApiError},
    components::form_kit::{field_message, general_alert},
    text,
};

/// A wall display's first start: the one-time pairing code an admin issued, typed once on
/// the display's keyboard. The display then stays signed in without a personal login.
#[component]
pub fn PairDisplay() -> impl IntoView {
    let code = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        let body = Pair {
            code: code.get_untracked(),
        };
        spawn_local(async move {
            match api::pair(&body).await {
                Ok(_) => {
                    let _ = window().location().reload();
                }
                Err(e) => {
                    error.set(Some(e));
                    busy.set(false);
                }
            }
        });
    };
    let general = general_alert(error);
    view! {
        <main class="sign-in pair-display" data-theme="dark" data-testid="pair-display">
            <form on:submit=submit novalidate>
                <h1>{text::app_title()}</h1>
                <h2>{text::pair_title()}</h2>
                <p class="hint">{text::pair_hint()}</p>
                <label class="field">
                    <span>{text::pair_code()}</span>
                    <input type="text" inputmode="numeric" autocomplete="one-time-code" autofocus
                        data-testid="input-code" placeholder="1234-5678"
                        prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev))/>
                </label>
                {field_message(error, "code")}
                {general}
                <button type="submit" class="primary" data-testid="pair-button" disabled=move || busy.get()>
                    {text::pair()}
                </button>
            </form>
        </main>
    }
}
