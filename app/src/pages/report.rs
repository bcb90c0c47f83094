use jiff::civil::Date;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use model::{
    analysis::shown_count,
    report::{Report, check_period},
};

use crate::{api, components::AccountBar, format, text};

/// The period in the URL (`von`, `bis`), else this calendar half year up to today.
fn period(von: Option<String>, bis: Option<String>) -> (Date, Date) {
    let today = model::schedule::local(jiff::Timestamp::now()).date();
    let half = if today.month() >= 7 { 7 } else { 1 };
    let this_half = (jiff::civil::date(today.year(), half, 1), today);
    match (
        von.and_then(|v| v.parse().ok()),
        bis.and_then(|b| b.parse().ok()),
    ) {
        (Some(f), Some(t)) if check_period(f, t).is_ok() => (f, t),
        _ => this_half,
    }
}

/// The steering group's report (`/bericht?von=2026-01-01&bis=2026-06-30`): an A4 portrait
/// page made for printing and saving as PDF, from `GET /api/report`.
#[component]
pub fn ReportPage() -> impl IntoView {
    let query = use_query_map();
    let chosen = Memo::new(move |_| {
        let q = query.read();
        period(q.get("von"), q.get("bis"))
    });
    let report = LocalResource::new(move || {
        let (from, to) = chosen.get();
        api::report(from, to)
    });
    let navigate = use_navigate();
    let choose = move |field: &'static str, value: String| {
        let (from, to) = chosen.get_untracked();
        let (from, to) = match field {
            "von" => (value, to.to_string()),
            _ => (from.to_string(), value),
        };
        navigate(&format!("/bericht?von={from}&bis={to}"), Default::default());
    };
    let csv = move || {
        let (from, to) = chosen.get();
        format!("{}?from={from}&to={to}&format=csv", model::api::REPORT)
    };
    let body = move || match report.get() {
        None => view! { <p class="loading">{text::loading()}</p> }.into_any(),
        Some(Err(e)) => view! { <p class="form-alert" role="alert">{e.to_string()}</p> }.into_any(),
        Some(Ok(r)) => view! { <ReportBody report=r/> }.into_any(),
    };
    let choose_to = choose.clone();
    view! {
        <div class="report" data-testid="report">
            <div class="report-controls no-print">
                <label>{text::report_from()}
                    <input type="date" data-testid="report-from" prop:value=move || chosen.get().0.to_string()
                        on:change=move |ev| choose("von", event_target_value(&ev))/>
                </label>
                <label>{text::report_to()}
                    <input type="date" data-testid="report-to" prop:value=move || chosen.get().1.to_string()
                        on:change=move |ev| choose_to("bis", event_target_value(&ev))/>
                </label>
                <button type="button" data-testid="report-print" on:click=move |_| { let _ = window().print(); }>{text::report_print()}</button>
                <a href=csv download="">{text::report_csv()}</a>
                <AccountBar/>
            </div>
            {body}
        </div>
    }
}

/// The report's figures.
#[component]
fn ReportBody(report: Report) -> impl IntoView {
    let below = Some(report.withheld_below);
    let count = move |n: u32| shown_count(n, below);
    let rate = move |n: u32, r: f64| {
        if n < report.withheld_below {
            "–".to_owned()
        } else {
            format::decimal(r, 1)
        }
    };
    let hours = |h: f64| format::decimal(h, 1);
    let dialogue_districts = report
        .districts
        .iter()
        .filter(|d| d.citizen_dialogues > 0)
        .count();
    let made = format!(
        "{} {}",
        format::date(model::schedule::local(report.made_at).date()),
        format::clock_of(report.made_at)
    );
    let b = &report.basis;
    let basis = format!(
        "{} {}, {} {}, {} {}, {} {} ({})",
        b.actions,
        text::actions(),
        b.routes,
        text::routes(),
        b.hotspots,
        text::hotspots(),
        b.incidents,
        text::incidents(),
        text::report_basis_text()
    );
    let figure = |id: &'static str, value: String| view! { <span class="figure" data-testid=id>{value}</span> };
    view! {
        <header class="report-header">
            <h1>{text::report_title()}</h1>
            <p data-testid="report-period">{format!("{}: {} – {}", text::report_period(), format::date(report.from), format::date(report.to))}</p>
            <p>{format!("{}: {} · {}: {} · {}: {}", text::report_for(), report.agency, text::report_made(), made, text::report_basis(), basis)}</p>
        </header>
        <section>
            <h2>{text::report_joint()}</h2>
            <p>
                {text::report_deployments()} ": " {figure("report-deployment-hours", hours(report.deployment_hours))} " " {text::report_hours()}
                " / " {figure("report-deployment-days", report.deployment_days.to_string())} " " {text::report_days()}
            </p>
            <table class="report-table">
                <thead><tr><th></th><th>{text::report_held()}</th><th>{text::report_hours()}</th></tr></thead>
                <tbody>
                    {report.by_kind.iter().filter(|k| k.held > 0).map(|k| view! {
                        <tr data-kind=k.kind.as_str()><td>{text::action_kind(k.kind)}</td><td class="num">{k.held}</td><td class="num">{hours(k.hours)}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            <p>
                {text::report_bodies()} ": " {text::report_steering()} " " {figure("report-steering", report.steering_group_meetings.to_string())}
                ", " {text::report_working()} " " {figure("report-working", report.working_group_meetings.to_string())} " " {text::report_meetings()}
            </p>
            <p>{text::report_dialogue_districts()} ": " {figure("report-dialogue-districts", format!("{dialogue_districts} / 7"))}</p>
        </section>
        <section>
            <h2>{text::report_patrols()}</h2>
            <p>
                {figure("report-patrol-hours", hours(report.patrol_hours))} " " {text::report_hours()} " / "
                {figure("report-patrol-days", report.patrol_days.to_string())} " " {text::report_days()} " · "
                {text::report_hotspot_hours()} " " {hours(report.hotspot_hours)} ", " {text::report_covered()} " "
                {figure("report-covered", format!("{} %", format::decimal(report.hotspot_hours_covered_share * 100.0, 1)))}
            </p>
            <p>
                {text::report_reviews()} ": " {figure("report-on-time", report.hotspots_reviewed_on_time.to_string())} " " {text::report_on_time()}
                ", " {figure("report-overdue", report.hotspots_overdue.to_string())} " " {text::report_overdue()}
            </p>
        </section>
        <section>
            <h2>{text::report_districts()}</h2>
            <table class="report-table" data-testid="report-districts">
                <thead><tr>
                    <th>{text::report_district()}</th><th>{text::report_joint()}</th><th>{text::report_hours()}</th><th>{text::report_days()}</th>
                    <th>{text::report_dialogues()}</th><th>{text::report_patrols()}</th>
                    <th>{text::report_incidents()}</th><th>{text::report_per_1000()}</th>
                    <th>{text::report_previous()}</th><th>{text::report_per_1000()}</th>
                </tr></thead>
                <tbody>
                    {report.districts.iter().map(|d| view! {
                        <tr data-district=d.district.as_str()>
                            <td>{d.district.short_name()}</td>
                            <td class="num">{d.joint_actions}</td>
                            <td class="num">{hours(d.deployment_hours)}</td>
                            <td class="num">{d.deployment_days}</td>
                            <td class="num">{d.citizen_dialogues}</td>
                            <td class="num">{hours(d.patrol_hours)}</td>
                            <td class="num" data-testid="incidents">{count(d.incidents)}</td>
                            <td class="num">{rate(d.incidents, d.incidents_per_1000)}</td>
                            <td class="num" data-testid="previous">{count(d.previous_incidents)}</td>
                            <td class="num">{rate(d.previous_incidents, d.previous_per_1000)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
        <section>
            <h2>{text::report_agencies()}</h2>
            <table class="report-table" data-testid="report-agencies">
                <thead><tr><th>{text::report_agency()}</th><th>{text::report_joint()}</th><th>{text::report_hours()}</th><th>{text::report_days()}</th><th>{text::report_patrols()}</th></tr></thead>
                <tbody>
                    {report.agencies.iter().map(|a| view! {
                        <tr data-agency=a.agency.to_string()>
                            <td>{a.agency.to_string()}</td><td class="num">{a.joint_actions}</td>
                            <td class="num">{hours(a.deployment_hours)}</td><td class="num">{a.deployment_days}</td>
                            <td class="num">{hours(a.patrol_hours)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
        <section>
            <h2>{text::report_around()}</h2>
            <p class="hint">{text::report_not_proof()}</p>
            <table class="report-table" data-testid="report-hotspots">
                <thead><tr><th>{text::hotspots()}</th><th>{text::actions()}</th><th>{text::report_window()}</th><th>{text::report_before()}</th><th>{text::report_after()}</th></tr></thead>
                <tbody>
                    {report.hotspots.iter().map(|h| view! {
                        <tr><td>{h.title.clone()}</td><td class="num">{h.actions}</td><td class="num">{h.window_days}</td>
                            <td class="num">{count(h.before)}</td><td class="num">{count(h.after)}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
        <section>
            <h2>{text::alerts()}</h2>
            <p>
                {figure("report-alerts-raised", report.alerts_raised.to_string())} " " {text::report_alerts_raised()} ", "
                {figure("report-alerts-acknowledged", report.alerts_acknowledged.to_string())} " " {text::report_alerts_acknowledged()} ", "
                {figure("report-alerts-hotspots", report.alerts_made_hotspots.to_string())} " " {text::report_alerts_hotspots()}
            </p>
        </section>
        <footer class="report-footer"><p>{text::report_small()}</p></footer>
    }
}
