//! Changing the view means changing the URL: the page reads its view from the query, so a
//! change here is a navigation (and lands in the history, the bookmark and the link).

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};

use crate::view_state::ViewState;

/// A function that applies a change to the current view by navigating to its URL.
pub type UpdateView = StoredValue<Box<dyn Fn(&dyn Fn(&mut ViewState)) + Send + Sync>>;

pub fn use_view_update(view: Signal<ViewState>) -> UpdateView {
    let location = use_location();
    let navigate = use_navigate();
    StoredValue::new(Box::new(move |change: &dyn Fn(&mut ViewState)| {
        let mut v = view.get_untracked();
        change(&mut v);
        let q = v.to_query();
        let path = location.pathname.get_untracked();
        let url = if q.is_empty() {
            path
        } else {
            format!("{path}?{q}")
        };
        navigate(&url, Default::default());
    }))
}

/// Applies `change` through `update`.
pub fn apply(update: UpdateView, change: impl Fn(&mut ViewState)) {
    update.with_value(|f| f(&change));
}
