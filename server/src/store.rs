//! Items, agencies and the change log in SQLite. Every write validates against the current
//! picture and appends its change event in the same transaction, so an event exists exactly
//! when its change was committed.

use jiff::Timestamp;
use model::{
    Agency, AgencyKey, Context, District, Item, ItemKind, Stored,
    access::AuditOp,
    event::{ChangeEvent, ChangeOp},
    policy::{self, Denied},
    validation::FieldError,
};

use crate::{
    args,
    audit::{self, Actor},
    db::{self, DbError},
    sql::Tx,
};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{kind} {id} not found")]
    NotFound { kind: ItemKind, id: i64 },
    #[error("{kind} {id} has changed (now version {current})")]
    Stale {
        kind: ItemKind,
        id: i64,
        current: i64,
    },
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// Not the writer's to do; `field` names the body's field that may not be so.
    #[error("forbidden: {reason}")]
    Forbidden {
        field: Option<&'static str>,
        reason: String,
    },
    #[error(transparent)]
    Db(#[from] DbError),
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Db(DbError::Corrupt(format!("{what}: {e}")))
}

/// The agencies, in the order they were added.
pub fn agencies(tx: &Tx) -> Result<Vec<Agency>, StoreError> {
    let sql = tx.pick(
        "SELECT key, name, short_name, role FROM agencies ORDER BY rowid",
        "SELECT key, name, short_name, role FROM agencies ORDER BY seq",
    );
    let rows = tx.query(sql, args![], |r| {
        Ok((
            r.get::<String>(0)?,
            r.get::<String>(1)?,
            r.get::<String>(2)?,
            r.get::<String>(3)?,
        ))
    })?;
    rows.into_iter()
        .map(|(key, name, short_name, role)| {
            Ok(Agency {
                key: AgencyKey::parse(&key).map_err(|e| corrupt("agency key", e))?,
                name,
                short_name,
                role: serde_json::from_value(role.into()).map_err(|e| corrupt("agency role", e))?,
            })
        })
        .collect()
}

pub fn insert_agency(tx: &Tx, a: &Agency) -> Result<(), StoreError> {
    let role = serde_json::to_value(a.role).map_err(|e| corrupt("agency role", e))?;
    tx.execute(
        "INSERT INTO agencies (key, name, short_name, role) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (key) DO NOTHING",
        args![
            a.key.as_str(),
            &a.name,
            &a.short_name,
            role.as_str().unwrap_or("guest")
        ],
    )?;
    Ok(())
}

fn read<T: Item>(
    id: i64,
    version: i64,
    updated_at: &str,
    body: &str,
) -> Result<Stored<T>, StoreError> {
    Ok(Stored {
        id,
        version,
        updated_at: updated_at.parse().map_err(|e| corrupt("updated_at", e))?,
        item: serde_json::from_str(body).map_err(|e| corrupt(T::KIND.as_str(), e))?,
    })
}

/// Every item of one kind, oldest first.
pub fn list<T: Item>(tx: &Tx) -> Result<Vec<Stored<T>>, StoreError> {
    let mut items = Vec::new();
    tx.for_each(
        "SELECT id, version, updated_at, body FROM items WHERE kind = ?1 ORDER BY id",
        args![T::KIND.as_str()],
        |r| {
            let at: String = r.get(2)?;
            let body: String = r.get(3)?;
            items.push(read(r.get(0)?, r.get(1)?, &at, &body).map_err(|e| match e {
                StoreError::Db(db) => db,
                other => DbError::Corrupt(other.to_string()),
            })?);
            Ok(())
        },
    )?;
    Ok(items)
}

/// Every item of one kind that `agency` may see (see [`Item::visible_to`]), oldest first.
pub fn list_for<T: Item>(tx: &Tx, agency: &AgencyKey) -> Result<Vec<Stored<T>>, StoreError> {
    let mut items = list::<T>(tx)?;
    items.retain(|s| s.item.visible_to(agency));
    Ok(items)
}

pub fn get<T: Item>(tx: &Tx, id: i64) -> Result<Stored<T>, StoreError> {
    let row = tx.query_opt(
        "SELECT version, updated_at, body FROM items WHERE kind = ?1 AND id = ?2",
        args![T::KIND.as_str(), id],
        |r| Ok((r.get::<i64>(0)?, r.get::<String>(1)?, r.get::<String>(2)?)),
    )?;
    match row {
        Some((version, at, body)) => read(id, version, &at, &body),
        None => Err(StoreError::NotFound { kind: T::KIND, id }),
    }
}

/// Of the ids `item` links to, those `agency` may link: the items of that kind it may see, and
/// those `current` links already (a participant keeps the links the owner made). Sorted.
fn linkable<T: Item>(
    tx: &Tx,
    item: &T,
    current: Option<&T>,
    kind: ItemKind,
    agency: &AgencyKey,
) -> Result<Vec<i64>, StoreError> {
    let mut ids = Vec::new();
    for id in item.links(kind) {
        let kept = current.is_some_and(|c| c.links(kind).contains(id));
        if kept || link_target(tx, kind, *id, agency)? == Some(true) {
            ids.push(*id);
        }
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// Item `id` of `kind`: `None` if it does not exist, else whether `agency` may see it.
fn link_target(
    tx: &Tx,
    kind: ItemKind,
    id: i64,
    agency: &AgencyKey,
) -> Result<Option<bool>, StoreError> {
    struct Seen<'a, 't>(&'a Tx<'t>, i64, &'a AgencyKey);
    impl model::item::ForKind for Seen<'_, '_> {
        type Output = Result<Option<bool>, StoreError>;
        fn visit<T: Item>(self) -> Self::Output {
            let Seen(tx, id, agency) = self;
            match get::<T>(tx, id) {
                Ok(stored) => Ok(Some(stored.item.visible_to(agency))),
                Err(StoreError::NotFound { .. }) => Ok(None),
                Err(e) => Err(e),
            }
        }
    }
    kind.with_type(Seen(tx, id, agency))
}

/// Keeps in `item` the links of `current` to items that exist and `agency` cannot see: the
/// writer could neither have meant to drop them nor add them back.
fn keep_hidden_links<T: Item>(
    tx: &Tx,
    item: &mut T,
    current: &T,
    agency: &AgencyKey,
) -> Result<(), StoreError> {
    for kind in ItemKind::ALL {
        let mut hidden = Vec::new();
        for id in current.links(*kind) {
            if link_target(tx, *kind, *id, agency)? == Some(false) {
                hidden.push(*id);
            }
        }
        item.keep_links(*kind, &hidden);
    }
    Ok(())
}

/// What validation needs from the database, as the transaction sees it: the agencies, and the
/// ids the item being written may link to (see [`Context`]).
pub struct Known {
    pub agencies: Vec<AgencyKey>,
    pub hotspot_ids: Vec<i64>,
    pub route_ids: Vec<i64>,
}

impl Known {
    /// For items that link to nothing (and imports of them).
    pub fn read(tx: &Tx) -> Result<Known, StoreError> {
        Ok(Known {
            agencies: agencies(tx)?.into_iter().map(|a| a.key).collect(),
            hotspot_ids: vec![],
            route_ids: vec![],
        })
    }

    /// For the server's own re-derivation of stored items (after a district import): every
    /// id that exists.
    pub fn everything(tx: &Tx) -> Result<Known, StoreError> {
        let ids = |kind: ItemKind| -> Result<Vec<i64>, StoreError> {
            Ok(tx.query(
                "SELECT id FROM items WHERE kind = ?1 ORDER BY id",
                args![kind.as_str()],
                |r| r.get(0),
            )?)
        };
        Ok(Known {
            agencies: agencies(tx)?.into_iter().map(|a| a.key).collect(),
            hotspot_ids: ids(ItemKind::Hotspot)?,
            route_ids: ids(ItemKind::Route)?,
        })
    }

    /// For `item`, written by `agency` over `current` (if it exists).
    pub fn for_item<T: Item>(
        tx: &Tx,
        item: &T,
        current: Option<&T>,
        agency: &AgencyKey,
    ) -> Result<Known, StoreError> {
        Ok(Known {
            agencies: agencies(tx)?.into_iter().map(|a| a.key).collect(),
            hotspot_ids: linkable(tx, item, current, ItemKind::Hotspot, agency)?,
            route_ids: linkable(tx, item, current, ItemKind::Route, agency)?,
        })
    }

    pub fn context<'a>(&'a self, districts: &'a [District]) -> Context<'a> {
        Context {
            agencies: &self.agencies,
            districts,
            hotspot_ids: &self.hotspot_ids,
            route_ids: &self.route_ids,
        }
    }
}

/// Validates `item`, written by `actor` over `current`, against the picture as the
/// transaction sees it.
fn prepare<T: Item>(
    tx: &Tx,
    item: &mut T,
    current: Option<&T>,
    districts: &[District],
    actor: &Actor,
) -> Result<(), StoreError> {
    let known = Known::for_item(tx, item, current, &actor.agency)?;
    item.prepare(&known.context(districts))
        .map_err(StoreError::Invalid)
}

impl StoreError {
    /// A refusal of the policy about item `id` of `kind`.
    fn denied(denied: Denied, kind: ItemKind, id: i64) -> StoreError {
        match denied {
            Denied::Unseen => StoreError::NotFound { kind, id },
            Denied::Forbidden { field, reason } => StoreError::Forbidden { field, reason },
        }
    }
}

/// A committed change event and the agencies that may hear of it (`None`: everyone, e.g. for
/// district imports). Deletions and changes of releasability reach everyone who could see the
/// item before or after, so their screens drop it.
#[derive(Debug, Clone, PartialEq)]
pub struct Published {
    pub event: ChangeEvent,
    pub audience: Option<Vec<AgencyKey>>,
}

impl Published {
    /// Does the event reach `agency`? An item's event reaches those in its audience; one
    /// about something shared (districts) reaches everyone. An item's event without an
    /// audience (written before audiences were recorded) reaches nobody.
    pub fn reaches(&self, agency: &AgencyKey) -> bool {
        match &self.audience {
            Some(audience) => audience.contains(agency),
            None => self.event.subject() == model::event::Subject::Shared,
        }
    }
}

/// Everything a write needs to know besides the item: when, by whom, and which agencies exist.
pub struct Write<'a> {
    pub now: Timestamp,
    pub actor: &'a Actor,
    pub agencies: &'a [AgencyKey],
}

fn union(a: Vec<AgencyKey>, b: Vec<AgencyKey>) -> Vec<AgencyKey> {
    let mut all = a;
    for k in b {
        if !all.contains(&k) {
            all.push(k);
        }
    }
    all
}

/// Inserts an item that has been prepared, with its change event and audit entry.
pub fn insert_prepared<T: Item>(
    tx: &Tx,
    item: &T,
    w: &Write,
    op: AuditOp,
) -> Result<(i64, Published), StoreError> {
    let text = body(item)?;
    let id: i64 = tx.query_one(
        "INSERT INTO items (kind, version, updated_at, body) VALUES (?1, 1, ?2, ?3) RETURNING id",
        args![T::KIND.as_str(), w.now.to_string(), &text],
        |r| r.get(0),
    )?;
    audit::append(
        tx,
        w.actor,
        audit::Record::new(op, T::KIND.as_str())
            .item(id)
            .change(None, Some(text)),
    )?;
    let audience = item.audience(w.agencies);
    let change = if op == AuditOp::Imported {
        ChangeOp::Imported
    } else {
        ChangeOp::Created
    };
    let event = log(tx, T::KIND, id, change, 1, w.now, Some(audience))?;
    Ok((id, event))
}

/// Writes a new body for an item at `version` (already checked), with its change event and
/// audit entry.
pub fn write_version<T: Item>(
    tx: &Tx,
    id: i64,
    version: i64,
    before: &T,
    item: &T,
    w: &Write,
    op: AuditOp,
) -> Result<Published, StoreError> {
    let text = body(item)?;
    tx.execute(
        "UPDATE items SET version = ?1, updated_at = ?2, body = ?3 WHERE id = ?4",
        args![version, w.now.to_string(), &text, id],
    )?;
    audit::append(
        tx,
        w.actor,
        audit::Record::new(op, T::KIND.as_str())
            .item(id)
            .change(Some(body(before)?), Some(text)),
    )?;
    let audience = union(before.audience(w.agencies), item.audience(w.agencies));
    log(
        tx,
        T::KIND,
        id,
        ChangeOp::Updated,
        version,
        w.now,
        Some(audience),
    )
}

/// Appends a change event that is not about one item (e.g. an import of districts).
pub fn log_other(tx: &Tx, kind: &str, op: ChangeOp) -> Result<Published, StoreError> {
    let seq = tx.query_one(
        "INSERT INTO events (kind, item_id, op, version, at) VALUES (?1, 0, ?2, 0, ?3)
         RETURNING seq",
        args![kind, op.as_str(), Timestamp::now().to_string()],
        |r| r.get(0),
    )?;
    Ok(Published {
        event: ChangeEvent {
            seq,
            kind: kind.to_owned(),
            id: 0,
            op,
            version: 0,
        },
        audience: None,
    })
}

/// A change event that is not about an item (`kind`, e.g. an alert), for `audience` alone.
pub fn log_for(
    tx: &Tx,
    kind: &str,
    id: i64,
    op: ChangeOp,
    audience: Vec<AgencyKey>,
) -> Result<Published, StoreError> {
    let audience_json = serde_json::to_string(&audience).map_err(|e| corrupt("audience", e))?;
    let seq = tx.query_one(
        "INSERT INTO events (kind, item_id, op, version, at, audience)
         VALUES (?1, ?2, ?3, 0, ?4, ?5) RETURNING seq",
        args![
            kind,
            id,
            op.as_str(),
            Timestamp::now().to_string(),
            audience_json
        ],
        |r| r.get(0),
    )?;
    Ok(Published {
        event: ChangeEvent {
            seq,
            kind: kind.to_owned(),
            id,
            op,
            version: 0,
        },
        audience: Some(audience),
    })
}

/// The change event of a bulk change to `kind` (an import, a retention run: no single item,
/// id 0), for `audience`.
pub fn log_bulk(
    tx: &Tx,
    kind: ItemKind,
    op: ChangeOp,
    audience: Vec<AgencyKey>,
) -> Result<Published, StoreError> {
    log(tx, kind, 0, op, 0, Timestamp::now(), Some(audience))
}

fn log(
    tx: &Tx,
    kind: ItemKind,
    id: i64,
    op: ChangeOp,
    version: i64,
    now: Timestamp,
    audience: Option<Vec<AgencyKey>>,
) -> Result<Published, StoreError> {
    let audience_json = audience
        .as_ref()
        .map(|a| serde_json::to_string(a).map_err(|e| corrupt("audience", e)))
        .transpose()?;
    let seq = tx.query_one(
        "INSERT INTO events (kind, item_id, op, version, at, audience)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING seq",
        args![
            kind.as_str(),
            id,
            op.as_str(),
            version,
            now.to_string(),
            audience_json
        ],
        |r| r.get(0),
    )?;
    Ok(Published {
        event: ChangeEvent::for_item(seq, kind, id, op, version),
        audience,
    })
}

fn body<T: Item>(item: &T) -> Result<String, StoreError> {
    serde_json::to_string(item).map_err(|e| corrupt("item", e))
}

/// Item `id` if it is released to `agency`: one they may not see does not exist for them.
pub fn get_for<T: Item>(tx: &Tx, id: i64, agency: &AgencyKey) -> Result<Stored<T>, StoreError> {
    let stored = get::<T>(tx, id)?;
    if stored.item.visible_to(agency) {
        Ok(stored)
    } else {
        Err(StoreError::NotFound { kind: T::KIND, id })
    }
}

/// Item `id` as stored, if it is still at `expected` version and `actor` may change it, with
/// how much of it: unseen items do not exist (404), then the right to change (403), then
/// staleness (412), so a refusal never tells what the actor may not see.
fn changeable_at<T: Item>(
    tx: &Tx,
    id: i64,
    expected: i64,
    actor: &Actor,
) -> Result<(Stored<T>, policy::Edit), StoreError> {
    let current = get::<T>(tx, id)?;
    let edit = policy::may_change(actor.role, &actor.agency, &current.item)
        .map_err(|d| StoreError::denied(d, T::KIND, id))?;
    check_version::<T>(id, current.version, expected)?;
    Ok((current, edit))
}

fn agency_keys(tx: &Tx) -> Result<Vec<AgencyKey>, StoreError> {
    Ok(agencies(tx)?.into_iter().map(|a| a.key).collect())
}

/// Creates `item` for `actor`: only planners and admins, and only items their agency owns
/// (403, before anything else is checked); then validation (422).
pub fn create<T: Item>(
    tx: &Tx,
    mut item: T,
    districts: &[District],
    actor: &Actor,
) -> Result<(Stored<T>, Published), StoreError> {
    policy::may_create(actor.role, &actor.agency, &item)
        .map_err(|d| StoreError::denied(d, T::KIND, 0))?;
    prepare(tx, &mut item, None, districts, actor)?;
    let agencies = agency_keys(tx)?;
    let w = Write {
        now: Timestamp::now(),
        actor,
        agencies: &agencies,
    };
    let (id, event) = insert_prepared(tx, &item, &w, AuditOp::Created)?;
    Ok((
        Stored {
            id,
            version: 1,
            updated_at: w.now,
            item,
        },
        event,
    ))
}

/// Replaces item `id` if it is still at `expected` version and `actor` may make this change:
/// see [`policy::may_change`] and [`policy::check_change`].
pub fn update<T: Item>(
    tx: &Tx,
    id: i64,
    expected: i64,
    mut item: T,
    districts: &[District],
    actor: &Actor,
) -> Result<(Stored<T>, Published), StoreError> {
    let (current, edit) = changeable_at::<T>(tx, id, expected, actor)?;
    keep_hidden_links(tx, &mut item, &current.item, &actor.agency)?;
    prepare(tx, &mut item, Some(&current.item), districts, actor)?;
    policy::check_change(edit, &current.item, &item)
        .map_err(|d| StoreError::denied(d, T::KIND, id))?;
    let agencies = agency_keys(tx)?;
    let w = Write {
        now: Timestamp::now(),
        actor,
        agencies: &agencies,
    };
    let version = current.version + 1;
    let event = write_version(tx, id, version, &current.item, &item, &w, AuditOp::Updated)?;
    Ok((
        Stored {
            id,
            version,
            updated_at: w.now,
            item,
        },
        event,
    ))
}

/// Deletes item `id` if it is still at `expected` version and `actor` may delete it (its
/// owner's planners and admins).
pub fn delete<T: Item>(
    tx: &Tx,
    id: i64,
    expected: i64,
    actor: &Actor,
) -> Result<Published, StoreError> {
    let current = get::<T>(tx, id)?;
    policy::may_delete(actor.role, &actor.agency, &current.item)
        .map_err(|d| StoreError::denied(d, T::KIND, id))?;
    check_version::<T>(id, current.version, expected)?;
    tx.execute("DELETE FROM items WHERE id = ?1", args![id])?;
    let agencies = agency_keys(tx)?;
    let w = Write {
        now: Timestamp::now(),
        actor,
        agencies: &agencies,
    };
    audit::append(
        tx,
        actor,
        audit::Record::new(AuditOp::Deleted, T::KIND.as_str())
            .item(id)
            .change(Some(body(&current.item)?), None),
    )?;
    let audience = current.item.audience(&agencies);
    log(tx, T::KIND, id, ChangeOp::Deleted, 0, w.now, Some(audience))
}

/// Change events after `seq`, oldest first (at most `limit`), with their audiences.
pub fn events_after(tx: &Tx, seq: i64, limit: i64) -> Result<Vec<Published>, StoreError> {
    let rows = tx.query(
        "SELECT seq, kind, item_id, op, version, audience FROM events
         WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        args![seq, limit],
        |r| {
            Ok((
                r.get::<i64>(0)?,
                r.get::<String>(1)?,
                r.get::<i64>(2)?,
                r.get::<String>(3)?,
                r.get::<i64>(4)?,
                r.get::<Option<String>>(5)?,
            ))
        },
    )?;
    rows.into_iter()
        .map(|(seq, kind, id, op, version, audience)| {
            Ok(Published {
                event: ChangeEvent {
                    seq,
                    kind,
                    id,
                    op: op.parse().map_err(|e| corrupt("event op", e))?,
                    version,
                },
                audience: audience
                    .map(|a| serde_json::from_str(&a).map_err(|e| corrupt("event audience", e)))
                    .transpose()?,
            })
        })
        .collect()
}

/// The districts, for validation (kept in memory by the server).
pub fn districts(tx: &Tx) -> Result<Vec<District>, StoreError> {
    Ok(db::districts(tx)?)
}

/// The newest change-log sequence number (0 when empty).
pub fn last_seq(tx: &Tx) -> Result<i64, StoreError> {
    Ok(
        tx.query_one("SELECT COALESCE(MAX(seq), 0) FROM events", args![], |r| {
            r.get(0)
        })?,
    )
}

/// Refuses a change made against another version than the stored one.
fn check_version<T: Item>(id: i64, current: i64, expected: i64) -> Result<(), StoreError> {
    if current == expected {
        Ok(())
    } else {
        Err(StoreError::Stale {
            kind: T::KIND,
            id,
            current,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: &str, audience: Option<&[&str]>) -> Published {
        Published {
            event: ChangeEvent {
                seq: 1,
                kind: kind.to_owned(),
                id: 7,
                op: ChangeOp::Updated,
                version: 2,
            },
            audience: audience.map(|a| a.iter().filter_map(|k| AgencyKey::parse(k).ok()).collect()),
        }
    }

    #[test]
    fn an_event_reaches_its_audience_and_an_item_event_without_one_reaches_nobody() {
        let kod = AgencyKey::parse("kod").ok();
        let reaches = |e: Published| kod.as_ref().is_some_and(|k| e.reaches(k));
        assert!(reaches(event("hotspot", Some(&["polizei", "kod"]))));
        assert!(!reaches(event("hotspot", Some(&["polizei"]))));
        // Written before audiences were recorded: nobody's to replay.
        assert!(!reaches(event("action", None)));
        // Districts are everyone's.
        assert!(reaches(event("district", None)));
    }
}
