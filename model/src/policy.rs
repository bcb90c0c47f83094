//! The access policy, decided here and nowhere else: who may read, create, change and delete
//! which items; whose accounts and wall displays an admin or an operator manages; which audit
//! entries, and how much of each, a viewer reads. `docs/ACCESS.md` states the same as tables.
//! The server asks these functions; the tests below hold them to outcomes written out by hand.
//!
//! What a role may use at all (sign in, read, plan, manage) is [`crate::access::Access`],
//! declared per endpoint; what it may do with one item or account, by its agency's relation
//! to it, is here.

use serde_json::Value;

use crate::{
    AgencyKey, Item, ItemKind,
    access::{AuditEntry, AuditTopic, Role},
    item::ForKind,
};

/// How an agency stands to an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Relation {
    /// It owns the item (a hotspot's or route's `agency`, an action's `lead_agency`).
    Owner,
    /// It takes part: walks the route, or joins the action (`agencies`).
    Participant,
    /// The owner released the item to it (`released_to`).
    ReleasedTo,
    /// None of these: for this agency the item does not exist.
    Unrelated,
}

impl Relation {
    pub fn of<T: Item>(item: &T, agency: &AgencyKey) -> Relation {
        if item.owner() == agency {
            Relation::Owner
        } else if item.takes_part(agency) {
            Relation::Participant
        } else if item.released_to().contains(agency) {
            Relation::ReleasedTo
        } else {
            Relation::Unrelated
        }
    }
}

/// How much of an item a write may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    Nothing,
    /// Title, times, place, status and links of an action; never who owns it, who takes part,
    /// who it is released to (see [`Action::owner_only_change`]).
    Operational,
    /// Everything but the owner: an item stays with the agency that made it.
    Everything,
}

/// What a role may do with one item, given its agency's relation to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemRights {
    pub read: bool,
    pub edit: Edit,
    pub delete: bool,
}

/// The rights of `role` over an item of `kind` its agency stands to in `relation`.
pub fn item_rights(role: Role, relation: Relation, kind: ItemKind) -> ItemRights {
    let read = relation != Relation::Unrelated;
    let plans = role.plans();
    let edit = match relation {
        Relation::Owner if plans => Edit::Everything,
        Relation::Participant if plans && kind.participants_edit() => Edit::Operational,
        _ => Edit::Nothing,
    };
    ItemRights {
        read,
        edit,
        delete: plans && relation == Relation::Owner,
    }
}

/// Why a request about an item is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Denied {
    /// The item is not visible to the agency: it does not exist for it (`404`).
    Unseen,
    /// Visible, or the request's own, but not the agency's to do (`403`); `field` names the
    /// field of the body that may not be so.
    Forbidden {
        field: Option<&'static str>,
        reason: String,
    },
}

fn forbidden(field: Option<&'static str>, reason: impl Into<String>) -> Denied {
    Denied::Forbidden {
        field,
        reason: reason.into(),
    }
}

/// May `role` of `agency` create `item`? Planners and admins create items owned by their own
/// agency (imports too), nothing else; officers too where the kind is reported from the street
/// ([`ItemKind::officers_create`]: incidents).
pub fn may_create<T: Item>(role: Role, agency: &AgencyKey, item: &T) -> Result<(), Denied> {
    let creates = role.plans() || (role == Role::Officer && T::KIND.officers_create());
    if !creates {
        return Err(forbidden(
            None,
            format!("the role '{role}' may not create items"),
        ));
    }
    if item.owner() != agency {
        return Err(forbidden(
            Some(T::OWNER_FIELD),
            format!("must be your agency '{agency}': items belong to the agency that creates them"),
        ));
    }
    Ok(())
}

/// How much of `current` `role` of `agency` may change: [`Denied::Unseen`] if the agency
/// cannot see it, [`Denied::Forbidden`] if it may change nothing of it.
pub fn may_change<T: Item>(role: Role, agency: &AgencyKey, current: &T) -> Result<Edit, Denied> {
    let relation = Relation::of(current, agency);
    let rights = item_rights(role, relation, T::KIND);
    if !rights.read {
        return Err(Denied::Unseen);
    }
    match rights.edit {
        Edit::Nothing if !role.plans() => Err(forbidden(
            None,
            format!("the role '{role}' may not change items"),
        )),
        Edit::Nothing => Err(forbidden(
            None,
            format!(
                "only planners of '{}'{} may change this {}",
                current.owner(),
                if T::KIND.participants_edit() {
                    " and of the agencies taking part"
                } else {
                    ""
                },
                T::KIND
            ),
        )),
        edit => Ok(edit),
    }
}

/// Is changing `before` into `after` within `edit`? The owner never changes; with
/// [`Edit::Operational`] only the operational fields may.
pub fn check_change<T: Item>(edit: Edit, before: &T, after: &T) -> Result<(), Denied> {
    if before.owner() != after.owner() {
        return Err(forbidden(
            Some(T::OWNER_FIELD),
            format!(
                "cannot change: the {} belongs to '{}', who made it",
                T::KIND,
                before.owner()
            ),
        ));
    }
    match edit {
        Edit::Everything => Ok(()),
        Edit::Operational => match before.owner_only_change(after) {
            None => Ok(()),
            Some(field) => Err(forbidden(
                Some(field),
                format!("only the owner '{}' may change this", before.owner()),
            )),
        },
        Edit::Nothing => Err(forbidden(None, "may not change this")),
    }
}

/// May `role` of `agency` delete `current`? Only its owner's planners and admins.
pub fn may_delete<T: Item>(role: Role, agency: &AgencyKey, current: &T) -> Result<(), Denied> {
    let relation = Relation::of(current, agency);
    let rights = item_rights(role, relation, T::KIND);
    if !rights.read {
        Err(Denied::Unseen)
    } else if rights.delete {
        Ok(())
    } else {
        Err(forbidden(
            None,
            format!(
                "only planners of '{}' may delete this {}",
                current.owner(),
                T::KIND
            ),
        ))
    }
}

/// May `role` of agency `own` see and manage (add, disable, enable, pair) an account of
/// `target_role` belonging to `target_agency`? Admins: their own agency's accounts, operators
/// excepted. Operators: every agency's.
pub fn may_manage_account(
    role: Role,
    own: &AgencyKey,
    target_agency: &AgencyKey,
    target_role: Role,
) -> bool {
    match role {
        Role::Operator => true,
        Role::Admin => own == target_agency && target_role != Role::Operator,
        Role::Display | Role::Officer | Role::Planner => false,
    }
}

/// Is an item state (as the audit trail keeps it, JSON) visible to `agency`? A state that does
/// not read as an item of `kind` is not.
fn state_visible(kind: ItemKind, state: &Value, agency: &AgencyKey) -> bool {
    struct Visible<'a>(&'a Value, &'a AgencyKey);
    impl ForKind for Visible<'_> {
        type Output = bool;
        fn visit<T: Item>(self) -> bool {
            T::deserialize(self.0).is_ok_and(|item| item.visible_to(self.1))
        }
    }
    kind.with_type(Visible(state, agency))
}

/// `entry` as `role` of `agency` may read it, or `None` if it is not theirs to read:
/// - item entries made by the agency's own accounts, or where the item was visible to the
///   agency before or after the change;
/// - account entries about the agency's accounts (operators: every agency's) — not those its
///   own operator made about other agencies' accounts, which are those agencies' business;
/// - its own exports and readings of the trail;
/// - shared matters (agencies, district boundaries).
///
/// An item's before or after appears only where that state was visible to the agency; where a
/// state is withheld the entry says who, when and what kind of change, and `withheld` is set.
pub fn audit_entry_for(
    role: Role,
    agency: &AgencyKey,
    mut entry: AuditEntry,
) -> Option<AuditEntry> {
    let own = entry.agency.as_ref() == Some(agency);
    match entry.topic() {
        AuditTopic::Shared => Some(entry),
        AuditTopic::Own => own.then_some(entry),
        AuditTopic::Account => {
            let concerns = entry.concerns.as_ref() == Some(agency);
            (concerns || role == Role::Operator).then_some(entry)
        }
        AuditTopic::Item(kind) => {
            let seen =
                |s: &Option<Value>| s.as_ref().is_some_and(|v| state_visible(kind, v, agency));
            let (before, after) = (seen(&entry.before), seen(&entry.after));
            if !(own || before || after) {
                return None;
            }
            if !before && entry.before.take().is_some() {
                entry.withheld = true;
            }
            if !after && entry.after.take().is_some() {
                entry.withheld = true;
            }
            Some(entry)
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

    use jiff::Timestamp;
    use serde_json::json;

    use super::*;
    use crate::Action;
    use crate::access::AuditOp;

    fn key(k: &str) -> AgencyKey {
        AgencyKey::parse(k).unwrap()
    }

    /// Every role × relation × kind, written out by hand: read, edit, delete. (`R` read,
    /// `E` everything but the owner, `O` operational fields only, `D` delete, `-` nothing.)
    #[test]
    fn the_item_table() {
        use ItemKind::*;
        use Relation::*;
        // Columns: display, officer, planner, admin, operator.
        let table: &[(ItemKind, Relation, [&str; 5])] = &[
            (Hotspot, Owner, ["R", "R", "RED", "RED", "R"]),
            (Hotspot, Participant, ["R", "R", "R", "R", "R"]),
            (Hotspot, ReleasedTo, ["R", "R", "R", "R", "R"]),
            (Hotspot, Unrelated, ["-", "-", "-", "-", "-"]),
            (Route, Owner, ["R", "R", "RED", "RED", "R"]),
            (Route, Participant, ["R", "R", "R", "R", "R"]),
            (Route, ReleasedTo, ["R", "R", "R", "R", "R"]),
            (Route, Unrelated, ["-", "-", "-", "-", "-"]),
            (Action, Owner, ["R", "R", "RED", "RED", "R"]),
            (Action, Participant, ["R", "R", "RO", "RO", "R"]),
            (Action, ReleasedTo, ["R", "R", "R", "R", "R"]),
            (Action, Unrelated, ["-", "-", "-", "-", "-"]),
        ];
        let roles = [
            Role::Display,
            Role::Officer,
            Role::Planner,
            Role::Admin,
            Role::Operator,
        ];
        assert_eq!(roles, Role::ALL, "a new role needs its column");
        for (kind, relation, row) in table {
            for (role, expected) in roles.iter().zip(row) {
                let r = item_rights(*role, *relation, *kind);
                let mut got = String::new();
                if r.read {
                    got.push('R');
                }
                match r.edit {
                    Edit::Everything => got.push('E'),
                    Edit::Operational => got.push('O'),
                    Edit::Nothing => {}
                }
                if r.delete {
                    got.push('D');
                }
                if got.is_empty() {
                    got.push('-');
                }
                assert_eq!(&got, expected, "{kind} {relation:?} {role}");
            }
        }
    }

    fn action(lead: &str, with: &[&str], released: &[&str]) -> Action {
        serde_json::from_value(json!({
            "title": "Einsatz", "kind": "joint_operation",
            "start": "2026-12-04T19:00:00+01:00", "end": "2026-12-04T23:00:00+01:00",
            "district": "mitte", "lead_agency": lead, "agencies": with,
            "released_to": released, "status": "planned"
        }))
        .unwrap()
    }

    #[test]
    fn relations_follow_owner_participants_and_releases() {
        let a = action("polizei", &["kod"], &["hza"]);
        assert_eq!(Relation::of(&a, &key("polizei")), Relation::Owner);
        assert_eq!(Relation::of(&a, &key("kod")), Relation::Participant);
        assert_eq!(Relation::of(&a, &key("hza")), Relation::ReleasedTo);
        assert_eq!(Relation::of(&a, &key("jva")), Relation::Unrelated);
    }

    #[test]
    fn items_are_created_by_planners_for_their_own_agency_only() {
        let a = action("polizei", &["kod"], &[]);
        assert_eq!(may_create(Role::Planner, &key("polizei"), &a), Ok(()));
        assert_eq!(may_create(Role::Admin, &key("polizei"), &a), Ok(()));
        let refused = |role, agency: &str| match may_create(role, &key(agency), &a) {
            Err(Denied::Forbidden { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(refused(Role::Planner, "kod"), Some("lead_agency"));
        assert_eq!(refused(Role::Admin, "kod"), Some("lead_agency"));
        assert_eq!(refused(Role::Officer, "polizei"), None);
        assert_eq!(refused(Role::Operator, "polizei"), None);
        assert_eq!(refused(Role::Display, "polizei"), None);
    }

    #[test]
    fn a_participant_changes_operational_fields_only_and_never_the_owner() {
        let before = action("polizei", &["kod"], &["hza"]);
        let kod = key("kod");
        let edit = may_change(Role::Planner, &kod, &before).unwrap();
        assert_eq!(edit, Edit::Operational);

        let mut after = before.clone();
        after.title = "Einsatz, verlegt".into();
        after.start = "2026-12-04T20:00:00+01:00".parse().unwrap();
        after.status = crate::action::ActionStatus::Confirmed;
        after.hotspots = vec![3];
        assert_eq!(check_change(edit, &before, &after), Ok(()));

        // The takeover of issue 17, step by step: each is refused with its field.
        let field = |after: &Action| match check_change(edit, &before, after) {
            Err(Denied::Forbidden { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        let mut lead = before.clone();
        lead.lead_agency = kod.clone();
        assert_eq!(field(&lead), Some("lead_agency"));
        let mut without_police = before.clone();
        without_police.agencies = vec![];
        assert_eq!(field(&without_police), Some("agencies"));
        let mut released = before.clone();
        released.released_to = vec![key("hza"), key("steufa")];
        assert_eq!(field(&released), Some("released_to"));
        let mut kind = before.clone();
        kind.kind = crate::action::ActionKind::Inspection;
        assert_eq!(field(&kind), Some("kind"));
        // Lists compare as sets: the same agencies in another order are no change.
        let mut reordered = action("polizei", &["kod"], &["hza"]);
        reordered.released_to = vec![key("hza")];
        assert_eq!(check_change(edit, &before, &reordered), Ok(()));

        // The owner changes everything but itself.
        let police = may_change(Role::Planner, &key("polizei"), &before).unwrap();
        assert_eq!(police, Edit::Everything);
        assert_eq!(check_change(police, &before, &released), Ok(()));
        assert_eq!(check_change(police, &before, &without_police), Ok(()));
        assert!(matches!(
            check_change(police, &before, &lead),
            Err(Denied::Forbidden {
                field: Some("lead_agency"),
                ..
            })
        ));
    }

    #[test]
    fn refusals_do_not_tell_an_unrelated_agency_that_the_item_exists() {
        let a = action("polizei", &["kod"], &["hza"]);
        assert_eq!(
            may_change(Role::Planner, &key("jva"), &a),
            Err(Denied::Unseen)
        );
        assert_eq!(
            may_delete(Role::Admin, &key("jva"), &a),
            Err(Denied::Unseen)
        );
        assert!(matches!(
            may_change(Role::Planner, &key("hza"), &a),
            Err(Denied::Forbidden { field: None, .. })
        ));
        assert!(matches!(
            may_delete(Role::Planner, &key("kod"), &a),
            Err(Denied::Forbidden { field: None, .. })
        ));
        assert_eq!(may_delete(Role::Planner, &key("polizei"), &a), Ok(()));
        assert!(matches!(
            may_change(Role::Officer, &key("polizei"), &a),
            Err(Denied::Forbidden { field: None, .. })
        ));
    }

    /// Every manager role × own/other agency × target role, by hand.
    #[test]
    fn the_account_table() {
        use Role::*;
        let (pol, kod) = (key("polizei"), key("kod"));
        // (who, target agency, target role, may)
        let table: &[(Role, &AgencyKey, Role, bool)] = &[
            (Admin, &pol, Display, true),
            (Admin, &pol, Officer, true),
            (Admin, &pol, Planner, true),
            (Admin, &pol, Admin, true),
            (Admin, &pol, Operator, false),
            (Admin, &kod, Display, false),
            (Admin, &kod, Officer, false),
            (Admin, &kod, Planner, false),
            (Admin, &kod, Admin, false),
            (Admin, &kod, Operator, false),
            (Operator, &pol, Display, true),
            (Operator, &pol, Operator, true),
            (Operator, &kod, Display, true),
            (Operator, &kod, Officer, true),
            (Operator, &kod, Planner, true),
            (Operator, &kod, Admin, true),
            (Operator, &kod, Operator, true),
            (Planner, &pol, Officer, false),
            (Planner, &pol, Display, false),
            (Officer, &pol, Display, false),
            (Display, &pol, Display, false),
        ];
        for (role, target, target_role, may) in table {
            assert_eq!(
                may_manage_account(*role, &pol, target, *target_role),
                *may,
                "{role} of polizei managing a {target_role} of {target}"
            );
        }
    }

    fn entry(op: AuditOp, subject: &str, by: Option<&str>) -> AuditEntry {
        AuditEntry {
            seq: 1,
            at: Timestamp::UNIX_EPOCH,
            login: "x".into(),
            agency: by.map(key),
            op,
            subject: subject.into(),
            item_id: None,
            concerns: None,
            before: None,
            after: None,
            withheld: false,
        }
    }

    fn hotspot_state(owner: &str, released: &[&str]) -> Value {
        json!({"title": "Westentor", "category": "youth_crime", "severity": "high",
            "geometry": {"type": "Point", "coordinates": [7.8137, 51.68016]},
            "hours": [{"days": ["fri"], "from": "22:00", "to": "04:00"}],
            "agency": owner, "released_to": released, "review_date": "2027-06-30"})
    }

    /// What each agency reads of an update that released a police hotspot to the KOD.
    #[test]
    fn an_item_entry_shows_each_state_only_to_those_who_could_see_it() {
        let mut update = entry(AuditOp::Updated, "hotspot", Some("polizei"));
        update.before = Some(hotspot_state("polizei", &[]));
        update.after = Some(hotspot_state("polizei", &["kod"]));

        let police = audit_entry_for(Role::Admin, &key("polizei"), update.clone()).unwrap();
        assert!(police.before.is_some() && police.after.is_some() && !police.withheld);

        let kod = audit_entry_for(Role::Admin, &key("kod"), update.clone()).unwrap();
        assert_eq!(
            kod.before, None,
            "before the release the KOD could not see it"
        );
        assert_eq!(kod.after, Some(hotspot_state("polizei", &["kod"])));
        assert!(kod.withheld);

        assert_eq!(
            audit_entry_for(Role::Admin, &key("finanzamt"), update.clone()),
            None
        );
        // An operator sees items as its own agency does: here, nothing.
        assert_eq!(
            audit_entry_for(Role::Operator, &key("finanzamt"), update),
            None
        );

        // The agency's own write of a state it cannot see: listed, content withheld.
        let mut own = entry(AuditOp::Deleted, "hotspot", Some("kod"));
        own.before = Some(hotspot_state("polizei", &[]));
        let shown = audit_entry_for(Role::Admin, &key("kod"), own).unwrap();
        assert_eq!((shown.before, shown.withheld), (None, true));
    }

    #[test]
    fn account_entries_reach_the_agency_concerned_and_operators() {
        let mut added = entry(AuditOp::AccountAdded, "account", Some("it"));
        added.concerns = Some(key("polizei"));
        added.after = Some(json!({"login": "pol-plan", "role": "planner", "agency": "polizei"}));
        assert!(audit_entry_for(Role::Admin, &key("polizei"), added.clone()).is_some());
        assert!(audit_entry_for(Role::Operator, &key("kod"), added.clone()).is_some());
        assert_eq!(
            audit_entry_for(Role::Admin, &key("kod"), added.clone()),
            None
        );
        // The operator's own agency's admins do not read what it did to other agencies.
        assert_eq!(audit_entry_for(Role::Admin, &key("it"), added), None);

        let unknown = entry(AuditOp::SignInFailed, "account", None);
        assert_eq!(
            audit_entry_for(Role::Admin, &key("kod"), unknown.clone()),
            None
        );
        assert!(audit_entry_for(Role::Operator, &key("kod"), unknown).is_some());
    }

    #[test]
    fn exports_and_reads_of_the_trail_stay_with_their_agency_and_shared_matters_reach_all() {
        let export = entry(AuditOp::Exported, "actions.csv", Some("polizei"));
        assert!(audit_entry_for(Role::Admin, &key("polizei"), export.clone()).is_some());
        assert_eq!(
            audit_entry_for(Role::Admin, &key("kod"), export.clone()),
            None
        );
        assert_eq!(audit_entry_for(Role::Operator, &key("kod"), export), None);
        let read = entry(AuditOp::AuditRead, "audit", Some("kod"));
        assert_eq!(audit_entry_for(Role::Admin, &key("polizei"), read), None);
        let districts = entry(AuditOp::Imported, "districts", Some("it"));
        assert!(audit_entry_for(Role::Admin, &key("kod"), districts).is_some());
        let guest = entry(AuditOp::AgencyAdded, "agency", Some("it"));
        assert!(audit_entry_for(Role::Admin, &key("kod"), guest).is_some());
    }
}
