//! Accounts: who they are (a login naming a function or screen), their role and agency, their
//! Argon2id password hash, and the one-time codes that pair a wall display.

use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier, password_hash::SaltString};
use jiff::{SignedDuration, Timestamp};
use model::{
    AgencyKey,
    access::{Account, PairingCode, Role, check_login, check_password},
    validation::FieldError,
};
use sha2::{Digest, Sha256};

use crate::{args, db::DbError, sql::Tx};

/// How long a pairing code may be used.
pub const PAIRING_VALID: SignedDuration = SignedDuration::from_mins(15);

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("{}: {}", .0.field, .0.reason)]
    Invalid(FieldError),
    #[error("account '{0}' exists already")]
    Exists(String),
    #[error("no account '{0}'")]
    NotFound(String),
    #[error("'{0}' is not a wall display")]
    NotADisplay(String),
    #[error("'{login}' is a wall display of '{agency}'")]
    OtherAgency { login: String, agency: AgencyKey },
    #[error("cannot hash the password: {0}")]
    Hash(String),
    #[error("no randomness from the operating system: {0}")]
    Random(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// An account with what only the server reads.
#[derive(Debug, Clone)]
pub struct StoredAccount {
    pub account: Account,
    pub password_hash: Option<String>,
}

/// `n` random bytes from the operating system.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], AccountError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| AccountError::Random(e.to_string()))?;
    Ok(bytes)
}

/// SHA-256 of a secret, hex: how session tokens and pairing codes are stored.
pub fn digest(secret: &str) -> String {
    // Every API request digests its session cookie: hex digits by table, not by `format!`.
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(64);
    for b in Sha256::digest(secret.as_bytes()) {
        hex.push(char::from(HEX[usize::from(b >> 4)]));
        hex.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    hex
}

/// An Argon2id hash (PHC string) of `password` with a fresh salt and the crate's default
/// parameters (19 MiB, 2 passes: OWASP's recommendation).
pub fn hash_password(password: &str) -> Result<String, AccountError> {
    let salt = SaltString::encode_b64(&random_bytes::<16>()?)
        .map_err(|e| AccountError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AccountError::Hash(e.to_string()))
}

/// Does `password` match `hash`? A malformed hash matches nothing.
pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A hash to verify against when the login is unknown, so a wrong login takes as long as a
/// wrong password and does not tell which logins exist.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("no account has this password").unwrap_or_default())
}

fn known_agency(conn: &Tx, agency: &AgencyKey) -> Result<bool, AccountError> {
    Ok(conn
        .query_opt(
            "SELECT 1 FROM agencies WHERE key = ?1",
            args![agency.as_str()],
            |_| Ok(()),
        )?
        .is_some())
}

/// Checks a new account's login and password before any work: people need a password of the
/// right length; wall displays have none.
pub fn check_new(login: &str, role: Role, password: Option<&str>) -> Result<(), AccountError> {
    check_login(login).map_err(AccountError::Invalid)?;
    match (role, password) {
        (Role::Display, _) => Ok(()),
        (_, None) => Err(AccountError::Invalid(FieldError::new(
            "password",
            "a person's account needs a password",
        ))),
        (_, Some(pw)) => check_password(pw).map_err(AccountError::Invalid),
    }
}

/// Adds an account, hashing its password here (the command line; the API hashes first, with
/// a bound on how many hashes run at once, then calls [`insert`]).
pub fn add(
    conn: &Tx,
    login: &str,
    role: Role,
    agency: &AgencyKey,
    password: Option<&str>,
) -> Result<Account, AccountError> {
    check_new(login, role, password)?;
    let hash = match (role, password) {
        (Role::Display, _) | (_, None) => None,
        (_, Some(pw)) => Some(hash_password(pw)?),
    };
    insert(conn, login, role, agency, hash)
}

/// Stores a new account whose password (if any) is hashed already.
pub fn insert(
    conn: &Tx,
    login: &str,
    role: Role,
    agency: &AgencyKey,
    hash: Option<String>,
) -> Result<Account, AccountError> {
    check_login(login).map_err(AccountError::Invalid)?;
    if !known_agency(conn, agency)? {
        return Err(AccountError::Invalid(FieldError::new(
            "agency",
            format!("unknown agency '{agency}'"),
        )));
    }
    if find(conn, login)?.is_some() {
        return Err(AccountError::Exists(login.to_owned()));
    }
    conn.execute(
        "INSERT INTO accounts (login, role, agency, password_hash, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        args![
            login,
            role.as_str(),
            agency.as_str(),
            hash,
            Timestamp::now().to_string()
        ],
    )
    // Added at the same moment through another server.
    .map_err(|e| {
        if e.is_unique_violation() {
            AccountError::Exists(login.to_owned())
        } else {
            AccountError::Db(e)
        }
    })?;
    Ok(Account {
        login: login.to_owned(),
        role,
        agency: agency.clone(),
        disabled: false,
    })
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> AccountError {
    AccountError::Db(DbError::Corrupt(format!("{what}: {e}")))
}

pub fn find(conn: &Tx, login: &str) -> Result<Option<StoredAccount>, AccountError> {
    let row = conn.query_opt(
        "SELECT login, role, agency, disabled, password_hash FROM accounts WHERE login = ?1",
        args![login],
        |r| {
            Ok((
                r.get::<String>(0)?,
                r.get::<String>(1)?,
                r.get::<String>(2)?,
                r.get::<bool>(3)?,
                r.get::<Option<String>>(4)?,
            ))
        },
    )?;
    row.map(|(login, role, agency, disabled, password_hash)| {
        Ok(StoredAccount {
            account: Account {
                login,
                role: role.parse().map_err(|e| corrupt("account role", e))?,
                agency: AgencyKey::parse(&agency).map_err(|e| corrupt("account agency", e))?,
                disabled,
            },
            password_hash,
        })
    })
    .transpose()
}

pub fn list(conn: &Tx) -> Result<Vec<Account>, AccountError> {
    let logins = conn.query(
        "SELECT login FROM accounts ORDER BY agency, login",
        args![],
        |r| r.get::<String>(0),
    )?;
    logins
        .iter()
        .filter_map(|l| find(conn, l).transpose())
        .map(|a| a.map(|s| s.account))
        .collect()
}

/// Disables an account (inside the caller's transaction) and ends all its sessions and
/// pairing codes.
pub fn disable(tx: &Tx, login: &str) -> Result<Account, AccountError> {
    let changed = tx.execute(
        "UPDATE accounts SET disabled = ?2 WHERE login = ?1",
        args![login, true],
    )?;
    if changed == 0 {
        return Err(AccountError::NotFound(login.to_owned()));
    }
    tx.execute("DELETE FROM sessions WHERE login = ?1", args![login])?;
    tx.execute("DELETE FROM pairing_codes WHERE login = ?1", args![login])?;
    find(tx, login)?
        .map(|a| a.account)
        .ok_or_else(|| AccountError::NotFound(login.to_owned()))
}

/// Enables a disabled account again (inside the caller's transaction). A wall display then
/// needs a new pairing code; a person signs in with their password.
pub fn enable(tx: &Tx, login: &str) -> Result<Account, AccountError> {
    let changed = tx.execute(
        "UPDATE accounts SET disabled = ?2 WHERE login = ?1",
        args![login, false],
    )?;
    if changed == 0 {
        return Err(AccountError::NotFound(login.to_owned()));
    }
    find(tx, login)?
        .map(|a| a.account)
        .ok_or_else(|| AccountError::NotFound(login.to_owned()))
}

/// A fresh code for wall display `login` of `agency` (creating the display account if it is
/// new, enabling it if it was disabled): eight digits in two groups, valid for
/// [`PAIRING_VALID`], stored only as a hash. The caller has checked that it may manage that
/// display (an existing display keeps its agency: another agency's is refused).
pub fn issue_pairing(
    conn: &Tx,
    login: &str,
    agency: &AgencyKey,
) -> Result<PairingCode, AccountError> {
    match find(conn, login)? {
        None => {
            add(conn, login, Role::Display, agency, None)?;
        }
        Some(a) if a.account.role != Role::Display => {
            return Err(AccountError::NotADisplay(login.to_owned()));
        }
        Some(a) if a.account.agency != *agency => {
            return Err(AccountError::OtherAgency {
                login: login.to_owned(),
                agency: a.account.agency,
            });
        }
        Some(a) if a.account.disabled => {
            conn.execute(
                "UPDATE accounts SET disabled = ?2 WHERE login = ?1",
                args![login, false],
            )?;
        }
        Some(_) => {}
    }
    // One valid code per display: a new one replaces any earlier.
    conn.execute("DELETE FROM pairing_codes WHERE login = ?1", args![login])?;
    let n = u64::from_le_bytes(random_bytes::<8>()?) % 100_000_000;
    let code = format!("{:04}-{:04}", n / 10_000, n % 10_000);
    let expires_at = Timestamp::now()
        .checked_add(PAIRING_VALID)
        .map_err(|e| AccountError::Random(e.to_string()))?;
    conn.execute(
        "INSERT INTO pairing_codes (code_hash, login, expires_at) VALUES (?1, ?2, ?3)",
        args![
            digest(&normalise_code(&code)),
            login,
            expires_at.to_string()
        ],
    )?;
    let agency = find(conn, login)?
        .map(|a| a.account.agency)
        .unwrap_or_else(|| agency.clone());
    Ok(PairingCode {
        login: login.to_owned(),
        agency,
        code,
        expires_at,
    })
}

/// A typed code without spaces or dashes.
fn normalise_code(code: &str) -> String {
    code.chars().filter(char::is_ascii_digit).collect()
}

/// Uses up a pairing code (inside the caller's transaction): the display's login if the code
/// is valid and unexpired.
pub fn redeem_pairing(tx: &Tx, code: &str) -> Result<Option<String>, AccountError> {
    let now = Timestamp::now().to_string();
    tx.execute(
        "DELETE FROM pairing_codes WHERE expires_at < ?1",
        args![&now],
    )?;
    let hash = digest(&normalise_code(code));
    let login: Option<String> = tx.query_opt(
        "SELECT p.login FROM pairing_codes p JOIN accounts a ON a.login = p.login
         WHERE p.code_hash = ?1 AND NOT a.disabled",
        args![&hash],
        |r| r.get(0),
    )?;
    tx.execute(
        "DELETE FROM pairing_codes WHERE code_hash = ?1",
        args![&hash],
    )?;
    Ok(login)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::db::Database;

    #[test]
    fn a_digest_is_sha256_in_lowercase_hex() {
        // FIPS 180-2's test vector for "abc".
        assert_eq!(
            digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    async fn conn() -> (crate::test_support::TestDb, Database) {
        let place = crate::test_support::TestDb::new();
        let db = place.open().await;
        (place, db)
    }

    async fn with<T: Send + 'static>(
        db: &Database,
        f: impl FnOnce(&Tx) -> Result<T, AccountError> + Send + 'static,
    ) -> T {
        db.call(|c| {
            for a in model::agency::partnership_agencies() {
                crate::store::insert_agency(c, &a).unwrap();
            }
            f(c)
        })
        .await
        .unwrap()
    }

    #[test]
    fn passwords_are_argon2id_with_a_salt_and_verify() {
        let a = hash_password("korrekt pferd batterie").unwrap();
        let b = hash_password("korrekt pferd batterie").unwrap();
        assert!(a.starts_with("$argon2id$"), "{a}");
        assert_ne!(a, b, "each hash has its own salt");
        assert!(verify_password(&a, "korrekt pferd batterie"));
        assert!(!verify_password(&a, "korrekt pferd batteriE"));
        assert!(!verify_password("kein hash", "x"));
    }

    #[tokio::test]
    async fn an_account_needs_a_known_agency_a_good_login_and_a_long_password() {
        let (_dir, db) = conn().await;
        let err = |login: &'static str, agency: &'static str, pw: Option<&'static str>| {
            let db = db.clone();
            async move {
                let r = with(&db, move |c| {
                    Ok(add(
                        c,
                        login,
                        Role::Planner,
                        &AgencyKey::parse(agency).unwrap(),
                        pw,
                    ))
                })
                .await;
                match r {
                    Err(AccountError::Invalid(e)) => e.field,
                    other => panic!("{other:?}"),
                }
            }
        };
        assert_eq!(err("Chef", "polizei", Some("lang genug!!")).await, "login");
        assert_eq!(err("kod-plan", "cia", Some("lang genug!!")).await, "agency");
        assert_eq!(err("kod-plan", "kod", Some("kurz")).await, "password");
        assert_eq!(err("kod-plan", "kod", None).await, "password");
        let made = with(&db, |c| {
            add(
                c,
                "kod-plan",
                Role::Planner,
                &AgencyKey::parse("kod").unwrap(),
                Some("lang genug!!"),
            )
        })
        .await;
        assert_eq!(made.role, Role::Planner);
        let again = with(&db, |c| {
            Ok(add(
                c,
                "kod-plan",
                Role::Officer,
                &AgencyKey::parse("kod").unwrap(),
                Some("lang genug!!"),
            ))
        })
        .await;
        assert!(matches!(again, Err(AccountError::Exists(_))));
    }

    #[tokio::test]
    async fn a_pairing_code_works_once() {
        let (_dir, db) = conn().await;
        let code = with(&db, |c| {
            issue_pairing(c, "wand-1", &AgencyKey::parse("polizei").unwrap())
        })
        .await;
        assert_eq!(code.code.len(), 9, "{}", code.code);
        let typed = code.code.replace('-', " ");
        let first = with(&db, {
            let typed = typed.clone();
            move |c| redeem_pairing(c, &typed)
        })
        .await;
        assert_eq!(first.as_deref(), Some("wand-1"));
        let second = with(&db, move |c| redeem_pairing(c, &typed)).await;
        assert_eq!(second, None, "a code is used up");
        let person = with(&db, |c| {
            add(
                c,
                "pol-admin",
                Role::Admin,
                &AgencyKey::parse("polizei").unwrap(),
                Some("lang genug!!"),
            )?;
            Ok(issue_pairing(
                c,
                "pol-admin",
                &AgencyKey::parse("polizei").unwrap(),
            ))
        })
        .await;
        assert!(matches!(person, Err(AccountError::NotADisplay(_))));
    }
}
