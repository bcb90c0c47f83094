//! `GET /api/report?from=YYYY-MM-DD&to=YYYY-MM-DD&format=json|csv`: the steering group's
//! report for a period ([`model::report`]), made from what is released to the viewer's
//! agency, with small incident counts withheld; every report made is recorded in the audit
//! trail before it leaves.

use axum::{
    extract::{RawQuery, State},
    http::header,
    response::{IntoResponse, Response},
};
use jiff::{Timestamp, civil::Date};
use model::{access::AuditOp, report::Report};
use serde::Serialize;

use crate::{
    alerts, attachment::attachment, audit, error::AppError, params::Params, picture::Picture,
    sessions::Viewer, state::AppState,
};

fn date(params: &Params, name: &str) -> Result<Date, AppError> {
    let bad = |reason: String| AppError::BadRequest {
        field: name.to_owned(),
        reason,
    };
    params
        .get(name)
        .ok_or_else(|| bad("is required (YYYY-MM-DD)".into()))?
        .parse::<Date>()
        .map_err(|e| bad(format!("must be a date YYYY-MM-DD: {e}")))
}

#[derive(Serialize)]
struct Made<'a> {
    from: String,
    to: String,
    format: &'a str,
}

pub async fn get(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let params = Params::parse(raw.as_deref(), &["from", "to", "format"])?;
    let (from, to) = (date(&params, "from")?, date(&params, "to")?);
    model::report::check_period(from, to).map_err(|e| AppError::BadRequest {
        field: e.field,
        reason: e.reason,
    })?;
    let format = match params.get("format").unwrap_or("json") {
        f @ ("json" | "csv") => f.to_owned(),
        other => {
            return Err(AppError::BadRequest {
                field: "format".into(),
                reason: format!("must be json or csv, not '{other}'"),
            });
        }
    };
    let now = Timestamp::now();
    let (start, end) =
        model::calendar::date_range(from, to).ok_or_else(|| AppError::BadRequest {
            field: "to".into(),
            reason: "the period lies outside the dates this server can read".into(),
        })?;
    let agency = viewer.agency.clone();
    let counted = agency.clone();
    let alert_counts = state
        .db
        .call(move |c| alerts::raised_in(c, &counted, (start, end)))
        .await?;
    // One report at a time (each reads every incident it may see): the other analyses keep a
    // place while someone makes reports in a loop.
    let _one = state
        .reports
        .acquire()
        .await
        .map_err(|e| AppError::Db(crate::db::DbError::Task(e.to_string())))?;
    let picture = Picture::of(&state).await?;
    let small = state.small_count;
    let report = state
        .analyse(move || {
            let (h, r, a, i) = (
                picture.hotspots.released_to(&agency),
                picture.routes.released_to(&agency),
                picture.actions.released_to(&agency),
                picture.incidents.released_to(&agency),
            );
            let src = model::report::Sources {
                agency: &agency,
                hotspots: &h,
                routes: &r,
                actions: &a,
                incidents: &i,
                districts: &picture.districts,
                alerts: alert_counts,
            };
            Report::make(&src, from, to, now, small)
        })
        .await?;
    // Recorded before it leaves: no record, no report.
    let actor = viewer.actor();
    let made = serde_json::to_string(&Made {
        from: from.to_string(),
        to: to.to_string(),
        format: &format,
    })?;
    state
        .db
        .call(move |c| {
            audit::append(
                c,
                &actor,
                audit::Record::new(AuditOp::Exported, "report").change(None, Some(made)),
            )
        })
        .await?;
    if format == "csv" {
        let file = format!("bericht-{from}-{to}.csv");
        return Ok(attachment("text/csv; charset=utf-8", &file, report.csv()));
    }
    Ok((
        [(header::CONTENT_TYPE, "application/json")],
        serde_json::to_string(&report)?,
    )
        .into_response())
}
