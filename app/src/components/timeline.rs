use leptos::prelude::*;
use model::{Action, Stored, analysis::Conflict};

use crate::{format, text};

/// The week's actions in time order, conflicts marked where the planner looks.
#[component]
pub fn Timeline(
    #[prop(into)] actions: Signal<Vec<Stored<Action>>>,
    #[prop(into)] conflicts: Signal<Vec<Conflict>>,
    #[prop(into)] selected: Signal<Option<i64>>,
    on_select: Callback<i64>,
) -> impl IntoView {
    let rows = move || {
        let mut list = actions.get();
        list.sort_by_key(|a| (a.item.start, a.id));
        let conflicts = conflicts.get();
        list.into_iter()
            .map(|a| {
                let id = a.id;
                let clashes: Vec<i64> = conflicts
                    .iter()
                    .filter(|c| c.actions.contains(&id))
                    .flat_map(|c| c.actions)
                    .filter(|other| *other != id)
                    .collect();
                let district = a.item.district.map(|d| d.short_name()).unwrap_or("–");
                view! {
                    <li>
                        <button
                            type="button"
                            class="timeline-item"
                            class:selected=move || selected.get() == Some(id)
                            class:cancelled=a.item.status == model::action::ActionStatus::Cancelled
                            aria-pressed=move || (selected.get() == Some(id)).to_string()
                            data-testid=format!("timeline-{id}")
                            on:click=move |_| on_select.run(id)
                        >
                            <span class="when">{format::local_time(a.item.start)}</span>
                            <span class="what">{a.item.title.clone()}</span>
                            <span class="meta">
                                {format!("{} · {} · {}", text::action_kind(a.item.kind), district, text::action_status(a.item.status))}
                            </span>
                            {(!clashes.is_empty()).then(|| view! {
                                <span class="conflict-badge" data-testid=format!("conflict-{id}")>
                                    {format!("Konflikt mit Nr. {}", clashes.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(", "))}
                                </span>
                            })}
                            {a.item.demo.then(|| view! { <span class="demo-badge">{text::DEMO_DATA}</span> })}
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <ol class="timeline" data-testid="timeline">{rows}</ol>
    }
}
