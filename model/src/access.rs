//! Who may see and change what: roles, the signed-in account as the app sees it, releasability
//! of items to agencies, and the audit trail's entries. The server enforces all of it; the app
//! only uses it to show what the user may do.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::{AgencyKey, validation::FieldError};

string_enum! {
    /// What an account may do. Every account belongs to one agency.
    Role {
        /// A wall display: reads, paired once with a code; no personal login.
        Display = "display",
        /// Reads what is released to their agency.
        Officer = "officer",
        /// Reads, and creates and edits their agency's items and the actions it takes part in.
        Planner = "planner",
        /// An agency admin: a planner who also manages its own agency's accounts and wall
        /// displays, imports its agency's items and reads the audit trail.
        Admin = "admin",
        /// The partnership's IT: accounts and wall displays of every agency, guest agencies,
        /// district boundaries. Reads items like an officer of its own agency, no more.
        Operator = "operator",
    }
}

impl Role {
    /// May create and edit items (within the rules of [`may_edit`]).
    pub fn plans(self) -> bool {
        matches!(self, Role::Planner | Role::Admin)
    }

    /// Reports incidents: officers, planners and admins (of their own agency).
    pub fn reports(self) -> bool {
        matches!(self, Role::Officer | Role::Planner | Role::Admin)
    }

    /// An agency admin (not an operator).
    pub fn is_admin(self) -> bool {
        self == Role::Admin
    }

    /// Manages accounts and wall displays: admins their own agency's, operators every agency's
    /// (see [`crate::policy::may_manage_account`]).
    pub fn manages_accounts(self) -> bool {
        matches!(self, Role::Admin | Role::Operator)
    }

    /// A person's account (idle and absolute session limits apply), not a wall display.
    pub fn is_personal(self) -> bool {
        self != Role::Display
    }
}

/// What a request needs before its handler runs. Every API route declares one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Access {
    /// Anyone, signed in or not (health, sign-in, the API description).
    Public,
    /// Any signed-in account, wall displays included.
    Read,
    /// Officers, planners and admins: people, not wall displays (e.g. exports).
    Person,
    /// Officers, planners and admins (reporting incidents).
    Report,
    /// Planners and admins.
    Plan,
    /// Agency admins only (imports of their agency's items).
    Admin,
    /// Admins and operators (accounts, wall displays, the audit trail), each within the scope
    /// [`crate::policy`] gives them.
    Manage,
    /// Operators only (guest agencies, district boundaries).
    Operator,
}

impl Access {
    /// Is `role` (`None`: not signed in) enough?
    pub fn allows(self, role: Option<Role>) -> bool {
        match (self, role) {
            (Access::Public, _) => true,
            (_, None) => false,
            (Access::Read, Some(_)) => true,
            (Access::Person, Some(r)) => r.is_personal(),
            (Access::Report, Some(r)) => r.reports(),
            (Access::Plan, Some(r)) => r.plans(),
            (Access::Admin, Some(r)) => r.is_admin(),
            (Access::Manage, Some(r)) => r.manages_accounts(),
            (Access::Operator, Some(r)) => r == Role::Operator,
        }
    }
}

/// The signed-in account, as `GET /api/session` tells the app.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    #[cfg_attr(feature = "openapi", schema(max_length = 60))]
    pub login: String,
    pub role: Role,
    pub agency: AgencyKey,
    /// Sent back as the `X-CSRF-Token` header on every state-changing request.
    pub csrf_token: String,
}

/// Header that carries [`Me::csrf_token`].
pub const CSRF_HEADER: &str = "X-CSRF-Token";

/// `POST /api/session`: sign in.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Login {
    #[cfg_attr(feature = "openapi", schema(max_length = 60))]
    pub login: String,
    #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
    pub password: String,
}

/// `POST /api/session/pair`: a wall display signs in with the code an admin issued.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pair {
    pub code: String,
}

/// `POST /api/displays`: an admin names a wall display to pair.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewDisplay {
    /// A name for the screen, e.g. `leitstelle-wand-1` (a login name, not a person's).
    #[cfg_attr(feature = "openapi", schema(max_length = 60))]
    pub login: String,
    /// Whose picture it shows: an operator names the agency; an admin's display is its own
    /// agency's (naming another is refused).
    #[serde(default)]
    pub agency: Option<AgencyKey>,
}

/// The answer to [`NewDisplay`]: the one-time code to type on the display.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairingCode {
    #[cfg_attr(feature = "openapi", schema(max_length = 60))]
    pub login: String,
    pub agency: AgencyKey,
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub expires_at: Timestamp,
}

/// An account as admins see it (never its password hash).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    #[cfg_attr(feature = "openapi", schema(max_length = 60))]
    pub login: String,
    pub role: Role,
    pub agency: AgencyKey,
    pub disabled: bool,
}

/// `POST /api/accounts`: an admin adds an account.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAccount {
    #[cfg_attr(feature = "openapi", schema(max_length = 60))]
    pub login: String,
    pub role: Role,
    pub agency: AgencyKey,
    /// Required for people; wall displays have none (they pair with a code).
    #[serde(default)]
    pub password: Option<String>,
}

/// Longest login name.
pub const MAX_LOGIN: usize = 60;
/// Shortest password the server accepts.
pub const MIN_PASSWORD: usize = 12;
/// Longest password the server accepts, in characters (Argon2 reads all of it).
pub const MAX_PASSWORD: usize = 1000;

/// A login name: 2 to 60 lowercase letters, digits, `.`, `-` or `_`. Logins name functions or
/// screens (`leitstelle-wand-1`, `kod-planung`), which keeps names of people out where possible.
pub fn check_login(login: &str) -> Result<(), FieldError> {
    let ok = (2..=MAX_LOGIN).contains(&login.len())
        && login.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_')
        });
    if ok {
        Ok(())
    } else {
        Err(FieldError::new(
            "login",
            format!("must be 2 to {MAX_LOGIN} lowercase letters, digits, '.', '-' or '_'"),
        ))
    }
}

/// A new password: at least [`MIN_PASSWORD`] characters, at most [`MAX_PASSWORD`].
pub fn check_password(password: &str) -> Result<(), FieldError> {
    let n = password.chars().count();
    if n < MIN_PASSWORD {
        Err(FieldError::new(
            "password",
            format!("must have at least {MIN_PASSWORD} characters"),
        ))
    } else if n > MAX_PASSWORD {
        Err(FieldError::new(
            "password",
            format!("must have at most {MAX_PASSWORD} characters"),
        ))
    } else {
        Ok(())
    }
}

/// A sign-in's login and password are refused before any work (no lookup, no hashing) when
/// they cannot belong to an account: a login over [`MAX_LOGIN`] bytes, a password over
/// [`MAX_PASSWORD`] characters.
pub fn check_sign_in(login: &Login) -> Result<(), FieldError> {
    if login.login.len() > MAX_LOGIN {
        return Err(FieldError::new(
            "login",
            format!("must be at most {MAX_LOGIN} characters"),
        ));
    }
    // No account has one (see `check_login`), and PostgreSQL refuses a NUL in text.
    if login.login.chars().any(char::is_control) {
        return Err(FieldError::new(
            "login",
            "must not contain control characters",
        ));
    }
    if login.password.chars().count() > MAX_PASSWORD {
        return Err(FieldError::new(
            "password",
            format!("must have at most {MAX_PASSWORD} characters"),
        ));
    }
    Ok(())
}

string_enum! {
    /// What an audit entry records.
    AuditOp {
        Created = "created",
        Updated = "updated",
        Deleted = "deleted",
        Imported = "imported",
        Exported = "exported",
        AgencyAdded = "agency_added",
        AccountAdded = "account_added",
        AccountDisabled = "account_disabled",
        AccountEnabled = "account_enabled",
        /// An admin or operator issued a pairing code for a wall display.
        PairingCodeIssued = "pairing_code_issued",
        /// A wall display redeemed its pairing code.
        DisplayPaired = "display_paired",
        AuditRead = "audit_read",
        /// An alert acknowledged (with its reason).
        Acknowledged = "acknowledged",
        AuditExported = "audit_exported",
        SignedIn = "signed_in",
        SignInFailed = "sign_in_failed",
        /// A wrong pairing code.
        PairingFailed = "pairing_failed",
        /// Too many failed sign-ins: the account or address waits.
        LockedOut = "locked_out",
        /// Many incidents of one agency imported at once: how many rows, imported, skipped.
        BulkImported = "bulk_imported",
        /// Incidents of one agency past the retention period deleted: how many, before when.
        RetentionDeleted = "retention_deleted",
    }
}

/// What an audit entry is about, which decides who may read it (see
/// [`crate::policy::audit_entry_for`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditTopic {
    /// A hotspot, patrol route or action: its states before and after.
    Item(crate::ItemKind),
    /// An account or wall display of the agency the entry `concerns`: adding, disabling,
    /// enabling, pairing, signing in.
    Account,
    /// What everyone shares: agencies, district boundaries.
    Shared,
    /// What one agency did with what it already had: exports, reading the trail, bulk
    /// imports and retention deletions of its incidents (counts, no single item).
    Own,
}

impl AuditEntry {
    pub fn topic(&self) -> AuditTopic {
        use AuditOp::*;
        match self.op {
            Created | Updated | Deleted | Imported => match self.subject.parse() {
                Ok(kind) => AuditTopic::Item(kind),
                Err(_) => AuditTopic::Shared,
            },
            AgencyAdded => AuditTopic::Shared,
            AccountAdded | AccountDisabled | AccountEnabled | PairingCodeIssued | DisplayPaired
            | SignedIn | SignInFailed | PairingFailed | LockedOut => AuditTopic::Account,
            Exported | AuditRead | AuditExported | BulkImported | RetentionDeleted
            | Acknowledged => AuditTopic::Own,
        }
    }
}

/// One entry of the append-only audit trail: who (account and agency), when, what, and the
/// item before and after the change.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub seq: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: Timestamp,
    /// The account that acted; `(unknown login)` for a failed sign-in with a login no account
    /// has (what was typed is never recorded: it may have been a password).
    pub login: String,
    /// The acting account's agency (none for an unknown login).
    pub agency: Option<AgencyKey>,
    pub op: AuditOp,
    /// `hotspot`, `route`, `action`, `districts`, `agency`, `account`, an export's file name…
    pub subject: String,
    pub item_id: Option<i64>,
    /// The agency an account entry is about (whose account was added, disabled, signed in…).
    #[serde(default)]
    pub concerns: Option<AgencyKey>,
    /// The state before, where the viewer's agency could see it; `null` otherwise.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub before: Option<serde_json::Value>,
    /// The state after (or an export's details), where the viewer's agency may see it.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub after: Option<serde_json::Value>,
    /// True when a state was withheld from this viewer: the entry shows who, when and what kind
    /// of change, not its content.
    #[serde(default)]
    pub withheld: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_access_level_admits_exactly_the_roles_it_names() {
        use Role::*;
        let admitted = |a: Access| {
            Role::ALL
                .iter()
                .filter(|r| a.allows(Some(**r)))
                .copied()
                .collect::<Vec<_>>()
        };
        assert_eq!(
            admitted(Access::Public),
            [Display, Officer, Planner, Admin, Operator]
        );
        assert_eq!(
            admitted(Access::Read),
            [Display, Officer, Planner, Admin, Operator]
        );
        assert_eq!(
            admitted(Access::Person),
            [Officer, Planner, Admin, Operator]
        );
        assert_eq!(admitted(Access::Plan), [Planner, Admin]);
        assert_eq!(admitted(Access::Admin), [Admin]);
        assert_eq!(admitted(Access::Manage), [Admin, Operator]);
        assert_eq!(admitted(Access::Operator), [Operator]);
        assert!(Access::Public.allows(None));
        for a in [
            Access::Read,
            Access::Person,
            Access::Plan,
            Access::Admin,
            Access::Manage,
            Access::Operator,
        ] {
            assert!(!a.allows(None), "{a:?} admits anonymous requests");
        }
    }

    #[test]
    fn logins_name_functions_and_passwords_are_long() {
        assert!(check_login("leitstelle-wand-1").is_ok());
        assert!(check_login("kod.planung_2").is_ok());
        for bad in ["", "a", "Admin", "max mustermann", "x<y", &"a".repeat(61)] {
            assert!(check_login(bad).is_err(), "{bad:?}");
        }
        assert!(check_password("elf zeichen").is_err());
        assert!(check_password("zwölf zeiche").is_ok());
        assert!(check_password(&"x".repeat(1001)).is_err());
    }

    #[test]
    fn a_sign_in_with_a_control_character_in_its_login_is_refused_by_field() {
        let sign_in = |login: &str| {
            check_sign_in(&Login {
                login: login.to_owned(),
                password: "irgendein Passwort".to_owned(),
            })
            .map_err(|e| e.field)
        };
        assert_eq!(sign_in("kod-plan"), Ok(()));
        assert_eq!(sign_in("kod\0plan"), Err("login".to_owned()));
        assert_eq!(sign_in("kod\nplan"), Err("login".to_owned()));
    }
}
