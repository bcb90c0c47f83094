use leptos::prelude::*;
use model::{Hotspot, analysis::Coverage};

use crate::{api::Items, format, text};

/// Share of each hotspot's hours that patrols cover this week, and the uncovered hours.
#[component]
pub fn CoverageList(
    #[prop(into)] coverage: Signal<Vec<Coverage>>,
    #[prop(into)] hotspots: Signal<Items<Hotspot>>,
) -> impl IntoView {
    let rows = move || {
        let all = hotspots.get();
        let mut list = coverage.get();
        list.sort_by(|a, b| a.share.total_cmp(&b.share));
        list.into_iter()
            .filter_map(|c| {
                let h = all.iter().find(|h| h.id == c.hotspot)?.clone();
                let percent = (c.share * 100.0).round() as u32;
                let gaps = c
                    .gaps
                    .iter()
                    .take(4)
                    .map(|g| {
                        let (h0, m0) = (g.start_minute / 60, g.start_minute % 60);
                        let end = g.start_minute + g.minutes;
                        format!("{} {:02}:{:02}–{:02}:{:02}", format::weekday(g.day), h0, m0, (end / 60) % 24, end % 60)
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                let more = c.gaps.len().saturating_sub(4);
                Some(view! {
                    <li class="coverage-item" class:gap=percent < 100 data-testid=format!("coverage-{}", c.hotspot)>
                        <span class="what">{h.item.title.clone()}</span>
                        <span class="share">{format!("{percent} % {}", text::covered_share())}</span>
                        {(!c.gaps.is_empty()).then(|| view! {
                            <span class="gaps">{format!("{}: {gaps}{}", text::gaps(), if more > 0 { format!(" (+{more})") } else { String::new() })}</span>
                        })}
                    </li>
                })
            })
            .collect_view()
    };
    view! {
        <section class="coverage" aria-label=text::coverage_label()>
            <h2>{text::coverage_title()}</h2>
            <ul class="coverage-list" data-testid="coverage">{rows}</ul>
        </section>
    }
}
