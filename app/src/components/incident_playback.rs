//! The incidents' week-by-week playback: a slider over the last twelve calendar weeks, a
//! button that steps through them, and one back to the current window. The week is in the URL
//! (`meldewoche=`), like every view setting, so the map, the table and the district colouring
//! all show the played week.

use leptos::prelude::*;
use model::density::{PLAYBACK_WEEKS, playback_weeks};

use crate::{
    text,
    view_state::ViewState,
    view_url::{apply, use_view_update},
};

/// How long one week stays on screen while playing.
const STEP: std::time::Duration = std::time::Duration::from_millis(1500);

/// "KW 48 · 30.11.–06.12.2026": the calendar week of `monday` as German calendars name it.
pub fn week_label(monday: jiff::civil::Date) -> String {
    let sunday = monday
        .checked_add(jiff::Span::new().days(6))
        .unwrap_or(monday);
    format!(
        "KW {} · {:02}.{:02}.–{:02}.{:02}.{}",
        monday.iso_week_date().week(),
        monday.day(),
        monday.month(),
        sunday.day(),
        sunday.month(),
        sunday.year()
    )
}

/// The week after `current` in `weeks`, the first when none is played, `None` after the last.
pub fn next_week(
    weeks: &[jiff::civil::Date],
    current: Option<jiff::civil::Date>,
) -> Option<jiff::civil::Date> {
    match current.and_then(|c| weeks.iter().position(|w| *w == c)) {
        None => weeks.first().copied(),
        Some(i) => weeks.get(i + 1).copied(),
    }
}

#[component]
pub fn IncidentPlayback(#[prop(into)] view: Signal<ViewState>) -> impl IntoView {
    let update = use_view_update(view);
    let weeks = StoredValue::new(playback_weeks(jiff::Timestamp::now()));
    let index = move || {
        let played = view.get().incident_week;
        weeks.with_value(|w| played.and_then(|p| w.iter().position(|d| *d == p)))
    };
    let playing = RwSignal::new(false);
    let timer = StoredValue::new_local(None::<IntervalHandle>);
    let stop = move || {
        timer.update_value(|t| {
            if let Some(handle) = t.take() {
                handle.clear();
            }
        });
        playing.set(false);
    };
    let step = move || {
        let next = weeks.with_value(|w| next_week(w, view.get_untracked().incident_week));
        match next {
            Some(week) => apply(update, |v| v.incident_week = Some(week)),
            None => stop(),
        }
    };
    let play = move |_| {
        if playing.get_untracked() {
            stop();
            return;
        }
        // From the first week unless a week before the last is chosen.
        if index().is_some_and(|i| i + 1 >= PLAYBACK_WEEKS) {
            apply(update, |v| v.incident_week = None);
        }
        step();
        if let Ok(handle) = set_interval_with_handle(step, STEP) {
            timer.set_value(Some(handle));
            playing.set(true);
        }
    };
    on_cleanup(stop);
    let label = move || match view.get().incident_week {
        Some(week) => week_label(week),
        None => text::incident_window(view.get().incident_window).to_owned(),
    };
    view! {
        <fieldset class="playback" data-testid="incident-playback">
            <legend>{text::playback_week()}</legend>
            <input type="range" min="0" max=(PLAYBACK_WEEKS - 1).to_string() step="1"
                data-testid="playback-week" aria-label=text::playback_week()
                prop:value=move || index().unwrap_or(PLAYBACK_WEEKS - 1).to_string()
                on:input=move |ev| {
                    stop();
                    let chosen = event_target_value(&ev).parse::<usize>().ok()
                        .and_then(|i| weeks.with_value(|w| w.get(i).copied()));
                    apply(update, |v| v.incident_week = chosen);
                }/>
            <output data-testid="playback-label">{label}</output>
            <button type="button" data-testid="playback-play" on:click=play>
                {move || if playing.get() { text::playback_stop() } else { text::playback() }}
            </button>
            <button type="button" data-testid="playback-live"
                on:click=move |_| { stop(); apply(update, |v| v.incident_week = None); }>
                {text::playback_live()}
            </button>
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn weeks_are_named_as_german_calendars_do_and_played_in_order() {
        let d = |s: &str| s.parse::<jiff::civil::Date>().unwrap();
        assert_eq!(week_label(d("2026-11-30")), "KW 49 · 30.11.–06.12.2026");
        assert_eq!(week_label(d("2026-12-28")), "KW 53 · 28.12.–03.01.2027");
        let weeks = [d("2026-11-16"), d("2026-11-23"), d("2026-11-30")];
        assert_eq!(next_week(&weeks, None), Some(d("2026-11-16")));
        assert_eq!(
            next_week(&weeks, Some(d("2026-11-16"))),
            Some(d("2026-11-23"))
        );
        assert_eq!(next_week(&weeks, Some(d("2026-11-30"))), None);
        assert_eq!(
            next_week(&weeks, Some(d("2025-01-06"))),
            Some(d("2026-11-16"))
        );
    }
}
