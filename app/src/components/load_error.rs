use leptos::prelude::*;

use crate::text;

/// A failed load: what went wrong, and a way to try again.
#[component]
pub fn LoadError(
    message: String,
    /// Called when the user asks to try again.
    on_retry: Callback<()>,
) -> impl IntoView {
    view! {
        <div class="load-error" role="alert" data-testid="load-error">
            <p>{message}</p>
            <button type="button" on:click=move |_| on_retry.run(())>{text::retry()}</button>
        </div>
    }
}
