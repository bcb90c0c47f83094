use leptos::prelude::*;
use model::{
    Action, Stored,
    action::ActionStatus,
    analysis::Conflict,
    calendar::{self, Page, Span},
};

use crate::{
    api::Items,
    format, text,
    view_state::{Calendar, ViewState},
    view_url::{apply, use_view_update},
};

/// The planned actions as a list, a week or a month, conflicts marked where the planner
/// looks. The choice and the page shown live in the URL (`kalender=woche&datum=…`).
#[component]
pub fn Timeline(
    #[prop(into)] view: Signal<ViewState>,
    #[prop(into)] actions: Signal<Items<Action>>,
    #[prop(into)] conflicts: Signal<Vec<Conflict>>,
    #[prop(into)] selected: Signal<Option<i64>>,
    on_select: Callback<i64>,
) -> impl IntoView {
    let entry = Entry {
        conflicts,
        selected,
        on_select,
    };
    let body = move || {
        // Entries read the conflicts when drawn; a new list of conflicts redraws them.
        conflicts.track();
        match view.get().calendar {
            Calendar::List => {
                let actions = actions.get();
                let mut list: Vec<_> = actions.iter().collect();
                list.sort_by_key(|a| (a.item.start, a.id));
                let rows = list
                    .iter()
                    .map(|a| view! { <li>{entry.view(a, false)}</li> })
                    .collect_view();
                view! { <ol class="timeline" data-testid="timeline">{rows}</ol> }.into_any()
            }
            Calendar::Page(page) => {
                view! { <CalendarGrid page=page actions=actions.get() entry=entry/> }.into_any()
            }
        }
    };
    view! {
        <CalendarNav view=view/>
        {body}
    }
}

/// List, week or month; the page before and after; back to today.
#[component]
fn CalendarNav(view: Signal<ViewState>) -> impl IntoView {
    let update = use_view_update(view);
    let today = || model::schedule::local(jiff::Timestamp::now()).date();
    let choose = move |span: Option<Span>| {
        apply(update, |v| {
            let anchor = match v.calendar {
                Calendar::Page(p) => p.anchor,
                Calendar::List => today(),
            };
            v.calendar = span.map_or(Calendar::List, |s| Calendar::Page(Page::new(s, anchor)));
        })
    };
    let step = move |by: i32| {
        apply(update, |v| {
            if let Calendar::Page(p) = v.calendar {
                v.calendar = Calendar::Page(p.step(by));
            }
        })
    };
    let go_today = move || {
        apply(update, |v| {
            if let Calendar::Page(p) = v.calendar {
                v.calendar = Calendar::Page(Page::new(p.span, today()));
            }
        })
    };
    let span = move || match view.get().calendar {
        Calendar::List => None,
        Calendar::Page(p) => Some(p.span),
    };
    let switch = move |label: &'static str, id: &'static str, value: Option<Span>| {
        view! {
            <button type="button" data-testid=format!("calendar-{id}")
                aria-pressed=move || (span() == value).to_string()
                on:click=move |_| choose(value)>{label}</button>
        }
    };
    let page = move || match view.get().calendar {
        Calendar::List => None,
        Calendar::Page(p) => Some(p),
    };
    view! {
        <div class="calendar-nav no-print" role="group" aria-label=text::calendar_view()>
            {switch(text::calendar_list(), "list", None)}
            {switch(text::calendar_week(), "week", Some(Span::Week))}
            {switch(text::calendar_month(), "month", Some(Span::Month))}
        </div>
        {move || page().map(|p| view! {
            <div class="calendar-pager">
                <button type="button" class="no-print" data-testid="calendar-prev" aria-label=text::earlier() on:click=move |_| step(-1)>"‹"</button>
                <h3 data-testid="calendar-title">{page_title(p)}</h3>
                <button type="button" class="no-print" data-testid="calendar-next" aria-label=text::later() on:click=move |_| step(1)>"›"</button>
                <button type="button" class="no-print" data-testid="calendar-today" on:click=move |_| go_today()>{text::today()}</button>
            </div>
        })}
    }
}

/// `KW 49 · 30.11.–06.12.2026` or `Dezember 2026`.
fn page_title(page: Page) -> String {
    let (first, last) = page.dates();
    match page.span {
        Span::Week => format!(
            "{} {} · {:02}.{:02}.–{:02}.{:02}.{}",
            text::calendar_week_short(),
            first.iso_week_date().week(),
            first.day(),
            first.month(),
            last.day(),
            last.month(),
            last.year()
        ),
        Span::Month => format!("{} {}", text::month(first.month()), first.year()),
    }
}

/// The days of a page, each with its actions.
#[component]
fn CalendarGrid(page: Page, actions: Items<Action>, entry: Entry) -> impl IntoView {
    let grid = page.grid();
    let compact = page.span == Span::Month;
    let days = calendar::by_day(&actions, &grid)
        .into_iter()
        .map(|(date, list)| {
            let weekday = model::schedule::Weekday::from_civil(date.weekday());
            let entries = list
                .into_iter()
                .map(|a| view! { <li>{entry.view(a, compact)}</li> })
                .collect_view();
            view! {
                <li class="day" class:outside=!page.contains(date) data-date=date.to_string()>
                    <span class="day-head">{format!("{} {}.", format::weekday(weekday), date.day())}</span>
                    <ol class="day-actions">{entries}</ol>
                </li>
            }
        })
        .collect_view();
    let class = match page.span {
        Span::Week => "calendar calendar-week",
        Span::Month => "calendar calendar-month",
    };
    view! { <ol class=class data-testid="calendar">{days}</ol> }
}

/// How one action shows in the list or the calendar.
#[derive(Clone, Copy)]
struct Entry {
    conflicts: Signal<Vec<Conflict>>,
    selected: Signal<Option<i64>>,
    on_select: Callback<i64>,
}

impl Entry {
    fn view(self, a: &Stored<Action>, compact: bool) -> impl IntoView + use<> {
        let Entry {
            conflicts,
            selected,
            on_select,
        } = self;
        let id = a.id;
        let clashes: Vec<i64> = conflicts
            .get_untracked()
            .iter()
            .filter(|c| c.actions.contains(&id))
            .flat_map(|c| c.actions)
            .filter(|other| *other != id)
            .collect();
        let district = a.item.district.map(|d| d.short_name()).unwrap_or("–");
        let when = if compact {
            format::clock_of(a.item.start)
        } else {
            format::local_time(a.item.start)
        };
        let meta = (!compact).then(|| {
            format!(
                "{} · {} · {}",
                text::action_kind(a.item.kind),
                district,
                text::action_status(a.item.status)
            )
        });
        view! {
            <button
                type="button"
                class="timeline-item"
                class:compact=compact
                class:selected=move || selected.get() == Some(id)
                class:cancelled=a.item.status == ActionStatus::Cancelled
                aria-pressed=move || (selected.get() == Some(id)).to_string()
                data-testid=format!("timeline-{id}")
                on:click=move |_| on_select.run(id)
            >
                <span class="when">{when}</span>
                <span class="what">{a.item.title.clone()}</span>
                {meta.map(|m| view! { <span class="meta">{m}</span> })}
                {(!clashes.is_empty()).then(|| view! {
                    <span class="conflict-badge" data-testid=format!("conflict-{id}")>
                        {format!("{} {}", text::conflict_with(), clashes.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(", "))}
                    </span>
                })}
                {a.item.demo.then(|| view! { <span class="demo-badge">{text::demo_data()}</span> })}
            </button>
        }
    }
}
