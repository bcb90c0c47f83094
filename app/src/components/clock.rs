use std::time::Duration;

use leptos::prelude::*;

use crate::format;

/// The time and date in Hamm, ticking every second.
#[component]
pub fn Clock() -> impl IntoView {
    let (now, set_now) = signal(format::clock_now());
    let (today, set_today) = signal(format::date_today());
    if let Ok(handle) = set_interval_with_handle(
        move || {
            set_now.set(format::clock_now());
            set_today.set(format::date_today());
        },
        Duration::from_secs(1),
    ) {
        on_cleanup(move || handle.clear());
    }
    view! {
        <div class="clock">
            <time class="clock-time" data-testid="clock">{now}</time>
            <span class="clock-date">{today}</span>
        </div>
    }
}
