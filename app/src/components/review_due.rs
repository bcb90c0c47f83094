use leptos::prelude::*;
use model::{Hotspot, Stored};

use crate::{format, text};

/// The user's agency's hotspots past their review date: they no longer show as active until
/// their owner confirms them with a new date. Choosing one opens it in the hotspot form.
#[component]
pub fn ReviewDue(
    #[prop(into)] due: Signal<Vec<Stored<Hotspot>>>,
    on_review: Callback<i64>,
) -> impl IntoView {
    move || {
        let list = due.get();
        (!list.is_empty()).then(|| {
            view! {
                <section class="review-due" role="status" data-testid="review-due">
                    <h2>{text::review_due_title()} " (" {list.len()} ")"</h2>
                    <p class="hint">{text::review_due_hint()}</p>
                    <ul>
                        {list.into_iter().map(|h| {
                            let id = h.id;
                            view! {
                                <li>
                                    <span>{h.item.title.clone()}</span>
                                    " – " {format::date(h.item.review_date)}
                                    <button type="button" data-testid=format!("review-{id}")
                                        on:click=move |_| on_review.run(id)>{text::review()}</button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            }
        })
    }
}
