//! The append-only audit trail: every write (who, agency, when, what, before and after), every
//! export and reading of the trail, account and display changes, sign-ins. Entries are written
//! in the same transaction as the change they record; the database refuses to update or delete
//! them (triggers), and no API route tries. Who reads which entries, and how much of each, is
//! [`model::policy::audit_entry_for`].

use jiff::Timestamp;
use model::{
    AgencyKey,
    access::{AuditEntry, AuditOp, Role},
    policy,
};
use serde::Serialize;

use crate::{args, db::DbError, sql::Tx};

/// Who did it: an account, its agency and role (the policy decides by both).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub login: String,
    pub agency: AgencyKey,
    pub role: Role,
}

/// What one entry records besides who and when.
pub struct Record<'a> {
    pub op: AuditOp,
    pub subject: &'a str,
    pub item_id: Option<i64>,
    /// The agency an account entry is about.
    pub concerns: Option<AgencyKey>,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl<'a> Record<'a> {
    pub fn new(op: AuditOp, subject: &'a str) -> Self {
        Record {
            op,
            subject,
            item_id: None,
            concerns: None,
            before: None,
            after: None,
        }
    }

    /// The agency whose account or display the entry is about.
    pub fn concerns(mut self, agency: &AgencyKey) -> Self {
        self.concerns = Some(agency.clone());
        self
    }

    pub fn item(mut self, id: i64) -> Self {
        self.item_id = Some(id);
        self
    }

    /// The state before and after, as JSON.
    pub fn change(mut self, before: Option<String>, after: Option<String>) -> Self {
        self.before = before;
        self.after = after;
        self
    }

    /// Details as `after` (e.g. an export's filters and count).
    pub fn details(self, details: &impl Serialize) -> Self {
        let after = serde_json::to_string(details).ok();
        self.change(None, after)
    }
}

pub fn append(tx: &Tx, actor: &Actor, record: Record) -> Result<(), DbError> {
    append_as(tx, &actor.login, Some(&actor.agency), record)
}

/// An entry by an account that may not exist (a failed sign-in): `login` as recorded (never
/// what was typed for an unknown login), `agency` if the account is known.
pub fn append_as(
    tx: &Tx,
    login: &str,
    agency: Option<&AgencyKey>,
    record: Record,
) -> Result<(), DbError> {
    tx.execute(
        "INSERT INTO audit (at, login, agency, op, subject, item_id, concerns, before, after)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        args![
            Timestamp::now().to_string(),
            login,
            agency.map(AgencyKey::as_str),
            record.op.as_str(),
            record.subject,
            record.item_id,
            record.concerns.as_ref().map(AgencyKey::as_str),
            record.before,
            record.after,
        ],
    )?;
    Ok(())
}

/// Entries read per round trip while filtering for a viewer.
const PAGE: i64 = 500;

/// The entries `role` of `agency` may read, as it may read them, newest first: at most `limit`,
/// older than `before` if given.
pub fn list_for(
    tx: &Tx,
    role: Role,
    agency: &AgencyKey,
    limit: i64,
    before: Option<i64>,
) -> Result<Vec<AuditEntry>, DbError> {
    let wanted = usize::try_from(limit).unwrap_or(usize::MAX);
    let mut shown = Vec::new();
    let mut cursor = before;
    loop {
        let page = list(tx, PAGE, cursor)?;
        let Some(last) = page.last() else {
            break;
        };
        cursor = Some(last.seq);
        let full = page.len() as i64 == PAGE;
        for entry in page {
            if let Some(entry) = policy::audit_entry_for(role, agency, entry) {
                shown.push(entry);
                if shown.len() == wanted {
                    return Ok(shown);
                }
            }
        }
        if !full {
            break;
        }
    }
    Ok(shown)
}

/// Every entry, as stored, newest first: at most `limit`, older than `before` if given.
pub fn list(tx: &Tx, limit: i64, before: Option<i64>) -> Result<Vec<AuditEntry>, DbError> {
    let rows = tx.query(
        "SELECT seq, at, login, agency, op, subject, item_id, concerns, before, after FROM audit
         WHERE seq < ?1 ORDER BY seq DESC LIMIT ?2",
        args![before.unwrap_or(i64::MAX), limit],
        |r| {
            Ok((
                r.get::<i64>(0)?,
                r.get::<String>(1)?,
                r.get::<String>(2)?,
                r.get::<Option<String>>(3)?,
                r.get::<String>(4)?,
                r.get::<String>(5)?,
                r.get::<Option<i64>>(6)?,
                r.get::<Option<String>>(7)?,
                r.get::<Option<String>>(8)?,
                r.get::<Option<String>>(9)?,
            ))
        },
    )?;
    let corrupt = |e: &dyn std::fmt::Display| DbError::Corrupt(format!("audit: {e}"));
    let json = |v: Option<String>| v.and_then(|s| serde_json::from_str(&s).ok());
    let key = |k: Option<String>| {
        k.map(|k| AgencyKey::parse(&k).map_err(|e| corrupt(&e)))
            .transpose()
    };
    rows.into_iter()
        .map(
            |(seq, at, login, agency, op, subject, item_id, concerns, before, after)| {
                Ok(AuditEntry {
                    seq,
                    at: at.parse().map_err(|e| corrupt(&e))?,
                    login,
                    agency: key(agency)?,
                    op: op.parse().map_err(|e| corrupt(&e))?,
                    subject,
                    item_id,
                    concerns: key(concerns)?,
                    before: json(before),
                    after: json(after),
                    withheld: false,
                })
            },
        )
        .collect()
}

/// The entries as CSV (RFC 4180), `before` and `after` as JSON text.
pub fn csv(entries: &[AuditEntry]) -> String {
    let field = |s: &str| {
        // A leading = + - @ would make a spreadsheet run it as a formula.
        let s = if s.starts_with(['=', '+', '-', '@']) {
            format!("'{s}")
        } else {
            s.to_owned()
        };
        format!("\"{}\"", s.replace('"', "\"\""))
    };
    let json =
        |v: &Option<serde_json::Value>| v.as_ref().map(|v| v.to_string()).unwrap_or_default();
    let key = |k: &Option<AgencyKey>| field(k.as_ref().map_or("", AgencyKey::as_str));
    let mut out =
        String::from("seq,at,login,agency,op,subject,item_id,concerns,before,after,withheld\r\n");
    for e in entries {
        let row = [
            e.seq.to_string(),
            e.at.to_string(),
            field(&e.login),
            key(&e.agency),
            e.op.as_str().to_owned(),
            field(&e.subject),
            e.item_id.map(|i| i.to_string()).unwrap_or_default(),
            key(&e.concerns),
            field(&json(&e.before)),
            field(&json(&e.after)),
            e.withheld.to_string(),
        ];
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[tokio::test]
    async fn the_trail_cannot_be_changed_or_deleted_even_with_sql() {
        let place = crate::test_support::TestDb::new();
        let db = place.open().await;
        db.call(|c| {
            let actor = Actor {
                login: "pol-admin".into(),
                agency: AgencyKey::parse("polizei").unwrap(),
                role: Role::Admin,
            };
            append(c, &actor, Record::new(AuditOp::Exported, "actions.csv"))
        })
        .await
        .unwrap();
        // Each in a transaction of its own (PostgreSQL ends a transaction at its first error).
        for refused in ["UPDATE audit SET login = 'niemand'", "DELETE FROM audit"] {
            let e = db
                .call(move |c| c.execute(refused, args![]))
                .await
                .unwrap_err();
            assert!(e.to_string().contains("append-only"), "{refused}: {e}");
        }
        let entries = db.call(|c| list(c, 10, None)).await.unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].login, "pol-admin");
    }

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let entry = AuditEntry {
            seq: 1,
            at: Timestamp::UNIX_EPOCH,
            login: "=cmd".into(),
            agency: AgencyKey::parse("kod").ok(),
            op: AuditOp::Created,
            subject: "hotspot".into(),
            item_id: Some(3),
            concerns: None,
            before: None,
            after: Some(serde_json::json!({"title": "a\"b"})),
            withheld: false,
        };
        let text = csv(&[entry]);
        assert!(text.contains("\"'=cmd\""), "{text}");
        assert!(
            text.contains("\"{\"\"title\"\":\"\"a\\\"\"b\"\"}\""),
            "{text}"
        );
    }
}
