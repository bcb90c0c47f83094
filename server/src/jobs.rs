//! Periodic jobs run once per period across all servers sharing a database: a server whose
//! turn it may be *claims* the job in the job's own write transaction, which records when it
//! ran (table `job_runs`). Writers take one lock (SQLite's `BEGIN IMMEDIATE`, PostgreSQL's
//! advisory lock, see [`crate::sql::Mode::Write`]), so of two servers checking at once the
//! second finds the first's run and does nothing.

use jiff::{SignedDuration, Timestamp};

use crate::{args, db::DbError, sql::Tx};

/// Claims `job` if it has not run within `every` before `now`, recording `now` as its run;
/// call it inside the job's write transaction (a job that fails rolls its claim back).
pub fn claim(tx: &Tx, job: &str, every: SignedDuration, now: Timestamp) -> Result<bool, DbError> {
    let last: Option<String> =
        tx.query_opt("SELECT at FROM job_runs WHERE name = ?1", args![job], |r| {
            r.get(0)
        })?;
    if let Some(last) = last {
        let last: Timestamp = last
            .parse()
            .map_err(|e| DbError::Corrupt(format!("job run of {job}: {e}")))?;
        if now.duration_since(last) < every {
            return Ok(false);
        }
    }
    tx.execute(
        "INSERT INTO job_runs (name, at) VALUES (?1, ?2)
         ON CONFLICT (name) DO UPDATE SET at = excluded.at",
        args![job, now.to_string()],
    )?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::{sql::Mode, test_support::TestDb};

    #[tokio::test]
    async fn a_job_is_claimed_once_per_period() {
        let place = TestDb::new();
        let db = place.open().await;
        let day = SignedDuration::from_hours(24);
        let t0: Timestamp = "2026-12-06T03:00:00Z".parse().unwrap();
        let claims = [
            ("retention", t0),
            ("retention", t0 + SignedDuration::from_hours(1)),
            ("other", t0 + SignedDuration::from_hours(1)),
            ("retention", t0 + SignedDuration::from_hours(23)),
            ("retention", t0 + day),
            ("retention", t0 + day + SignedDuration::from_mins(5)),
        ];
        let mut got = vec![];
        for (job, at) in claims {
            got.push(
                db.clone()
                    .call(move |tx| claim(tx, job, day, at))
                    .await
                    .unwrap(),
            );
        }
        assert_eq!(got, [true, false, true, false, true, false]);
        // A job whose transaction fails keeps no claim.
        let writer = db.clone();
        let failed = tokio::task::spawn_blocking(move || {
            writer.blocking(Mode::Write, |tx| {
                claim(tx, "failing", day, t0)?;
                Err::<(), _>(DbError::Task("the job failed".into()))
            })
        })
        .await
        .unwrap()
        .unwrap_err();
        assert!(failed.to_string().contains("the job failed"));
        let again = db
            .call(move |tx| claim(tx, "failing", day, t0))
            .await
            .unwrap();
        assert!(again, "claimed after the failed run");
    }
}
