use leptos::prelude::*;

use crate::text;

/// "Verbindung unterbrochen" while the live connection is down.
#[component]
pub fn ConnectionBanner(#[prop(into)] connected: Signal<bool>) -> impl IntoView {
    view! {
        <Show when=move || !connected.get()>
            <div class="connection-banner" role="alert" data-testid="connection-banner">
                {text::connection_lost()}
            </div>
        </Show>
    }
}
