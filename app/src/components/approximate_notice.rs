use leptos::prelude::*;

use crate::text;

/// Says, visibly, that the district boundaries are derived and not official.
#[component]
pub fn ApproximateNotice() -> impl IntoView {
    view! {
        <p class="approximate-notice" role="note" data-testid="approximate-notice" title=text::approximate_hint()>
            <strong>{text::approximate()}</strong>
            " – "
            {text::approximate_hint()}
        </p>
    }
}
