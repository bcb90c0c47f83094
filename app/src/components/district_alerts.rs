use leptos::prelude::*;
use model::DistrictKey;

use crate::{
    api,
    components::AlertList,
    live::{Live, live_list},
};

/// Early detection's alerts in one district, for the district officer's phone; fetched again
/// when alerts may have changed.
#[component]
pub fn DistrictAlerts(district: DistrictKey, live: Live) -> impl IntoView {
    let alerts = live_list(live.alerts(), move || async move {
        api::alerts(Some(district)).await.map(|l| l.alerts)
    });
    view! { <AlertList alerts=alerts/> }
}
