use leptos::prelude::*;
use model::{Action, DistrictKey, Hotspot, PatrolRoute, analysis::district_day};

use crate::{api::Items, format, text};

/// A district officer's view of their district: today, this week, hotspots active now with
/// their hours, and today's patrols. Recomputed when the data changes and every minute.
#[component]
pub fn DistrictToday(
    district: DistrictKey,
    #[prop(into)] hotspots: Signal<Items<Hotspot>>,
    #[prop(into)] routes: Signal<Items<PatrolRoute>>,
    #[prop(into)] actions: Signal<Items<Action>>,
) -> impl IntoView {
    let (minute, set_minute) = signal(0u32);
    if let Ok(handle) = set_interval_with_handle(
        move || set_minute.update(|m| *m += 1),
        std::time::Duration::from_secs(60),
    ) {
        on_cleanup(move || handle.clear());
    }
    let day = Memo::new(move |_| {
        minute.track();
        district_day(
            &hotspots.get(),
            &routes.get(),
            &actions.get(),
            district,
            jiff::Timestamp::now(),
        )
    });
    let action_list = move |ids: Vec<i64>, id: &'static str| {
        let all = actions.get();
        let items: Vec<_> = ids
            .iter()
            .filter_map(|i| all.iter().find(|a| a.id == *i).cloned())
            .collect();
        view! {
            <ul class="officer-list" data-testid=id>
                {if items.is_empty() { Some(view! { <li class="empty">{text::nothing_planned()}</li> }) } else { None }}
                {items.into_iter().map(|a| view! {
                    <li>
                        <span class="when">{format::local_time(a.item.start)}</span>
                        <span class="what">{a.item.title}</span>
                        <span class="meta">{format!("{} · {}", text::action_kind(a.item.kind), text::action_status(a.item.status))}</span>
                        {a.item.demo.then(|| view! { <span class="demo-badge">{text::demo_data()}</span> })}
                    </li>
                }).collect_view()}
            </ul>
        }
    };
    view! {
        <section class="district-today" data-testid="district-today">
            <h2 class="officer-district" data-testid="officer-district">{district.official_name()}</h2>
            <h2>{text::officer_today()}</h2>
            {move || action_list(day.get().today, "officer-today")}
            <h2>{text::officer_week()}</h2>
            {move || action_list(day.get().week, "officer-week")}
            <h2>{text::hotspots_active_now()}</h2>
            <ul class="officer-list" data-testid="officer-hotspots">
                {move || {
                    let all = hotspots.get();
                    let active: Vec<_> = day.get().hotspots_active.iter().filter_map(|i| all.iter().find(|h| h.id == *i).cloned()).collect();
                    if active.is_empty() {
                        view! { <li class="empty">{text::none_m()}</li> }.into_any()
                    } else {
                        active.into_iter().map(|h| view! {
                            <li>
                                <span class="what">{h.item.title.clone()}</span>
                                <span class="meta">{format::weekly(&h.item.hours)}</span>
                                {h.item.demo.then(|| view! { <span class="demo-badge">{text::demo_data()}</span> })}
                            </li>
                        }).collect_view().into_any()
                    }
                }}
            </ul>
            <h2>{text::patrols_today()}</h2>
            <ul class="officer-list" data-testid="officer-patrols">
                {move || {
                    let all = routes.get();
                    let today: Vec<_> = day.get().patrols_today.iter().filter_map(|i| all.iter().find(|r| r.id == *i).cloned()).collect();
                    if today.is_empty() {
                        view! { <li class="empty">{text::none_f()}</li> }.into_any()
                    } else {
                        today.into_iter().map(|r| view! { <li><span class="what">{r.item.title.clone()}</span></li> }).collect_view().into_any()
                    }
                }}
            </ul>
        </section>
    }
}
