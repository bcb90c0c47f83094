use leptos::{prelude::*, task::spawn_local};
use model::alert::{AckReason, Alert, AlertPlace};

use crate::{api, format, text};

/// Where an alert is, in words.
pub fn place_label(a: &Alert) -> String {
    match &a.place {
        AlertPlace::District { district } => district.official_name().to_owned(),
        AlertPlace::Hotspot { title, .. } => format!("{}: {title}", text::hotspot_word()),
        AlertPlace::Cell { .. } => match a.district {
            Some(d) => format!("{} ({})", text::grid_cell(), d.short_name()),
            None => text::grid_cell().to_owned(),
        },
    }
}

/// Early detection's alerts as a list: where, which group, observed against expected, since
/// when and in which hours. Planners (`can_acknowledge`) may acknowledge them and, given
/// `on_hotspot`, make one into a hotspot; `on_changed` is told after an acknowledgement.
#[component]
pub fn AlertList(
    #[prop(into)] alerts: Signal<Vec<Alert>>,
    #[prop(optional)] can_acknowledge: bool,
    #[prop(optional)] on_hotspot: Option<Callback<Alert>>,
    #[prop(optional)] on_changed: Option<Callback<()>>,
) -> impl IntoView {
    let failed = RwSignal::new(None::<String>);
    let acknowledge = move |key: String, reason: AckReason| {
        spawn_local(async move {
            let ack = model::alert::NewAcknowledgement {
                reason,
                hotspot: None,
            };
            match api::acknowledge(&key, &ack).await {
                Ok(_) => {
                    failed.set(None);
                    if let Some(cb) = on_changed {
                        cb.run(());
                    }
                }
                Err(e) => failed.set(Some(e.to_string())),
            }
        });
    };
    let item = move |a: Alert| {
        let key = a.key.clone();
        let reason = RwSignal::new(AckReason::Known);
        let counts = format!(
            "{} {} · {} {}",
            text::observed(),
            a.observed,
            text::expected(),
            format::decimal(a.expected, 1)
        );
        let since = format!("{} {}", text::since(), format::local_time(a.since));
        let acked = a.acknowledged.clone();
        let for_hotspot = a.clone();
        view! {
            <li class="alert-item" data-testid="alert" data-key=a.key.clone()>
                <span class="what">{format!("{} – {}", text::category_group(a.group), place_label(&a))}</span>
                <span class="meta">{counts}</span>
                <span class="meta">{since}</span>
                <span class="meta">{format::weekly(&a.hours)}</span>
                {acked.map(|k| view! { <span class="ack" data-testid="alert-acknowledged">{text::ack_reason(k.reason)}</span> })}
                {on_hotspot.filter(|_| can_acknowledge).map(|cb| view! {
                    <button type="button" data-testid="alert-to-hotspot" on:click=move |_| cb.run(for_hotspot.clone())>{text::alert_to_hotspot()}</button>
                })}
                {(can_acknowledge && a.acknowledged.is_none()).then(|| view! {
                    <span class="ack-form">
                        <select aria-label=text::ack_reason_label() data-testid="alert-reason"
                            on:change=move |ev| {
                                if let Ok(r) = event_target_value(&ev).parse() { reason.set(r) }
                            }>
                            {[AckReason::Known, AckReason::BeingHandled, AckReason::DataError].into_iter().map(|r| view! {
                                <option value=r.as_str()>{text::ack_reason(r)}</option>
                            }).collect_view()}
                        </select>
                        <button type="button" data-testid="alert-acknowledge"
                            on:click=move |_| acknowledge(key.clone(), reason.get_untracked())>{text::acknowledge()}</button>
                    </span>
                })}
            </li>
        }
    };
    view! {
        <section class="alerts" data-testid="alerts" aria-label=text::alerts()>
            <h2>{text::alerts()}</h2>
            {move || failed.get().map(|e| view! { <p class="form-alert" role="alert">{e}</p> })}
            <ul class="officer-list">
                {move || {
                    let list = alerts.get();
                    if list.is_empty() {
                        view! { <li class="empty">{text::no_alerts()}</li> }.into_any()
                    } else {
                        list.into_iter().map(item).collect_view().into_any()
                    }
                }}
            </ul>
        </section>
    }
}
