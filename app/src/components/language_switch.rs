use leptos::prelude::*;

use crate::i18n::{self, Lang};

/// Switches the page to the other language (German ⇄ English); the page reloads in it.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let other = i18n::lang().other();
    let (label, hint) = match other {
        Lang::En => ("English", "Switch to English"),
        Lang::De => ("Deutsch", "Auf Deutsch umschalten"),
    };
    view! {
        <button type="button" class="language-switch no-print" lang=other.code() title=hint
            data-testid="language-switch" on:click=move |_| i18n::switch(other)>{label}</button>
    }
}
