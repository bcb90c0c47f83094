//! Sessions: a random token in an `HttpOnly`, `SameSite=Strict` cookie (`__Host-` and `Secure`
//! over TLS), stored only as its SHA-256. People's sessions end after 30 idle minutes and after
//! 12 hours at most; a wall display's session lasts until its account is disabled.

use std::sync::Arc;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use jiff::{SignedDuration, Timestamp};
use model::{
    AgencyKey,
    access::{Me, Role},
};

use crate::{
    accounts::{AccountError, digest, random_bytes},
    args,
    audit::Actor,
    sql::Tx,
};

/// A person's session ends after this long without a request.
pub const IDLE: SignedDuration = SignedDuration::from_mins(30);
/// A person's session ends this long after sign-in, however busy.
pub const ABSOLUTE: SignedDuration = SignedDuration::from_hours(12);
/// Most sessions one account has at once (browsers, phones, a wall and its spare); a new one
/// beyond ends the oldest.
pub const MAX_PER_ACCOUNT: i64 = 20;
/// `last_seen` is written at most this often, so reads do not all become writes.
const TOUCH_EVERY: SignedDuration = SignedDuration::from_secs(60);

/// The cookie's name over TLS: the `__Host-` prefix makes browsers insist on `Secure`, `Path=/`
/// and no `Domain`, so no other site or subdomain can set or overwrite it.
pub const COOKIE_TLS: &str = "__Host-lagebild-session";
/// The cookie's name over plain HTTP (browsers refuse `__Host-` cookies without `Secure`).
pub const COOKIE_PLAIN: &str = "lagebild-session";

/// The signed-in account behind a request. Copied from the session cache into every request
/// and handed to its handler, so its texts are shared, not copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    pub login: Arc<str>,
    pub role: Role,
    pub agency: AgencyKey,
    pub csrf: Arc<str>,
    /// Which session: to end it on logout.
    pub token_hash: Arc<str>,
}

impl Viewer {
    /// Who the audit trail names for this viewer's writes.
    pub fn actor(&self) -> Actor {
        Actor {
            login: self.login.to_string(),
            agency: self.agency.clone(),
            role: self.role,
        }
    }

    pub fn me(&self) -> Me {
        Me {
            login: self.login.to_string(),
            role: self.role,
            agency: self.agency.clone(),
            csrf_token: self.csrf.to_string(),
        }
    }
}

/// How long a resolved session is trusted without asking the database again.
pub const CACHE_FOR: std::time::Duration = std::time::Duration::from_secs(5);

/// Recently resolved sessions, so that most requests need no database round trip for their
/// session. An entry is trusted for [`CACHE_FOR`]; signing out and disabling an account
/// through the API clear the cache at once (`server user disable`, another process, takes
/// effect within [`CACHE_FOR`]).
#[derive(Default)]
pub struct SessionCache {
    entries: std::sync::Mutex<CacheEntries>,
}

#[derive(Default)]
struct CacheEntries {
    by_hash: std::collections::HashMap<Arc<str>, (Viewer, std::time::Instant)>,
    /// Raised by every [`SessionCache::clear`]: a lookup that started before a clear must not
    /// put back what the clear removed.
    generation: u64,
}

impl SessionCache {
    /// Most entries kept; beyond it the cache starts afresh (a flood of bad tokens is never
    /// cached, since only valid sessions are).
    const MAX: usize = 10_000;

    /// The cached viewer of `token_hash`, or the generation to hand to [`SessionCache::put`]
    /// after asking the database.
    pub fn get(&self, token_hash: &str, now: std::time::Instant) -> Result<Viewer, u64> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries
            .by_hash
            .get(token_hash)
            .filter(|(_, at)| now.duration_since(*at) < CACHE_FOR)
            .map(|(v, _)| v.clone())
            .ok_or(entries.generation)
    }

    /// Caches `viewer`, unless the cache was cleared since `generation`.
    pub fn put(&self, viewer: Viewer, generation: u64, now: std::time::Instant) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.generation != generation {
            return;
        }
        if entries.by_hash.len() >= Self::MAX {
            entries.by_hash.clear();
        }
        entries
            .by_hash
            .insert(viewer.token_hash.clone(), (viewer, now));
    }

    pub fn clear(&self) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.by_hash.clear();
        entries.generation += 1;
    }
}

/// A new session's secret, to put into the cookie once.
pub struct NewSession {
    pub token: String,
    pub viewer: Viewer,
}

fn token() -> Result<String, AccountError> {
    Ok(URL_SAFE_NO_PAD.encode(random_bytes::<32>()?))
}

/// Starts a session for `login` (which must exist and be enabled).
pub fn create(conn: &Tx, login: &str) -> Result<NewSession, AccountError> {
    let account = crate::accounts::find(conn, login)?
        .filter(|a| !a.account.disabled)
        .ok_or_else(|| AccountError::NotFound(login.to_owned()))?;
    let secret = token()?;
    let csrf = token()?;
    let now = Timestamp::now().to_string();
    let token_hash = digest(&secret);
    conn.execute(
        "INSERT INTO sessions (token_hash, login, csrf, created_at, last_seen)
         VALUES (?1, ?2, ?3, ?4, ?4)",
        args![&token_hash, login, &csrf, &now],
    )?;
    // At most MAX_PER_ACCOUNT sessions an account: the oldest end.
    let oldest_end = conn.pick(
        "DELETE FROM sessions WHERE login = ?1 AND rowid NOT IN
           (SELECT rowid FROM sessions WHERE login = ?1 ORDER BY rowid DESC LIMIT ?2)",
        "DELETE FROM sessions WHERE login = ?1 AND seq NOT IN
           (SELECT seq FROM sessions WHERE login = ?1 ORDER BY seq DESC LIMIT ?2)",
    );
    conn.execute(oldest_end, args![login, MAX_PER_ACCOUNT])?;
    Ok(NewSession {
        token: secret,
        viewer: Viewer {
            login: account.account.login.into(),
            role: account.account.role,
            agency: account.account.agency,
            csrf: csrf.into(),
            token_hash: token_hash.into(),
        },
    })
}

/// The viewer of session `token` at `now`, if it is valid; an expired session is deleted.
/// `touch` records the request as activity (an open event stream is not activity).
pub fn resolve(
    conn: &Tx,
    token: &str,
    now: Timestamp,
    touch: bool,
) -> Result<Option<Viewer>, AccountError> {
    resolve_hash(conn, &digest(token), now, touch)
}

/// [`resolve`] for a session known by its hash (e.g. an open event stream's).
pub fn resolve_hash(
    conn: &Tx,
    token_hash: &str,
    now: Timestamp,
    touch: bool,
) -> Result<Option<Viewer>, AccountError> {
    let token_hash = token_hash.to_owned();
    let row = conn.query_opt(
        "SELECT a.login, a.role, a.agency, s.csrf, s.created_at, s.last_seen
         FROM sessions s JOIN accounts a ON a.login = s.login
         WHERE s.token_hash = ?1 AND NOT a.disabled",
        args![&token_hash],
        |r| {
            Ok((
                r.get::<String>(0)?,
                r.get::<String>(1)?,
                r.get::<String>(2)?,
                r.get::<String>(3)?,
                r.get::<String>(4)?,
                r.get::<String>(5)?,
            ))
        },
    )?;
    let Some((login, role, agency, csrf, created, seen)) = row else {
        return Ok(None);
    };
    let corrupt = |e: &dyn std::fmt::Display| {
        AccountError::Db(crate::db::DbError::Corrupt(format!("session: {e}")))
    };
    let role: Role = role.parse().map_err(|e| corrupt(&e))?;
    let created: Timestamp = created.parse().map_err(|e| corrupt(&e))?;
    let seen: Timestamp = seen.parse().map_err(|e| corrupt(&e))?;
    if role.is_personal()
        && (now.duration_since(seen) > IDLE || now.duration_since(created) > ABSOLUTE)
    {
        end(conn, &token_hash)?;
        return Ok(None);
    }
    if touch && now.duration_since(seen) > TOUCH_EVERY {
        conn.execute(
            "UPDATE sessions SET last_seen = ?1 WHERE token_hash = ?2",
            args![now.to_string(), &token_hash],
        )?;
    }
    Ok(Some(Viewer {
        login: login.into(),
        role,
        agency: AgencyKey::parse(&agency).map_err(|e| corrupt(&e))?,
        csrf: csrf.into(),
        token_hash: token_hash.into(),
    }))
}

/// Ends one session.
pub fn end(conn: &Tx, token_hash: &str) -> Result<(), AccountError> {
    conn.execute(
        "DELETE FROM sessions WHERE token_hash = ?1",
        args![token_hash],
    )?;
    Ok(())
}

/// The `Set-Cookie` value that stores `token`.
pub fn cookie(token: &str, tls: bool) -> String {
    if tls {
        format!("{COOKIE_TLS}={token}; Path=/; Secure; HttpOnly; SameSite=Strict")
    } else {
        format!("{COOKIE_PLAIN}={token}; Path=/; HttpOnly; SameSite=Strict")
    }
}

/// The `Set-Cookie` value that removes the cookie.
pub fn clear_cookie(tls: bool) -> String {
    let name = if tls { COOKIE_TLS } else { COOKIE_PLAIN };
    let secure = if tls { " Secure;" } else { "" };
    format!("{name}=; Path=/;{secure} HttpOnly; SameSite=Strict; Max-Age=0")
}

/// The session token in a `Cookie` header, if there is one of the expected name.
pub fn token_from_cookies(header: &str, tls: bool) -> Option<&str> {
    let name = if tls { COOKIE_TLS } else { COOKIE_PLAIN };
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::db::Database;

    async fn setup(_role: Role) -> (crate::test_support::TestDb, Database) {
        let place = crate::test_support::TestDb::new();
        let db = place.open().await;
        (place, db)
    }

    async fn session(db: &Database, role: Role) -> NewSession {
        db.call(move |c| {
            for a in model::agency::partnership_agencies() {
                crate::store::insert_agency(c, &a).unwrap();
            }
            let pw = (role != Role::Display).then_some("lang genug!!");
            crate::accounts::add(c, "konto", role, &AgencyKey::parse("kod").unwrap(), pw)?;
            create(c, "konto")
        })
        .await
        .unwrap()
    }

    async fn at(db: &Database, token: &str, t: Timestamp, touch: bool) -> Option<Viewer> {
        let token = token.to_owned();
        db.call(move |c| resolve(c, &token, t, touch))
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn a_persons_session_ends_after_30_idle_minutes() {
        let (_dir, db) = setup(Role::Planner).await;
        let s = session(&db, Role::Planner).await;
        let start = Timestamp::now();
        let v = at(&db, &s.token, start + SignedDuration::from_mins(29), true).await;
        assert_eq!(v.map(|v| v.agency.to_string()), Some("kod".into()));
        // The request at minute 29 was activity: 29 minutes later it is still valid…
        assert!(
            at(&db, &s.token, start + SignedDuration::from_mins(58), false)
                .await
                .is_some()
        );
        // …but not 31 minutes after the last activity, and it is gone for good.
        assert!(
            at(&db, &s.token, start + SignedDuration::from_mins(61), true)
                .await
                .is_none()
        );
        assert!(
            at(&db, &s.token, start + SignedDuration::from_mins(29), true)
                .await
                .is_none()
        );
    }

    #[tokio::test]
    async fn a_persons_session_ends_after_12_hours_however_busy() {
        let (_dir, db) = setup(Role::Officer).await;
        let s = session(&db, Role::Officer).await;
        let start = Timestamp::now();
        let mut t = start;
        while t < start + SignedDuration::from_hours(12) {
            assert!(at(&db, &s.token, t, true).await.is_some(), "{t}");
            t += SignedDuration::from_mins(20);
        }
        assert!(
            at(
                &db,
                &s.token,
                start + SignedDuration::from_mins(12 * 60 + 5),
                true
            )
            .await
            .is_none()
        );
    }

    #[tokio::test]
    async fn an_account_keeps_its_newest_twenty_sessions() {
        let (_dir, db) = setup(Role::Officer).await;
        let first = session(&db, Role::Officer).await;
        let mut tokens = vec![first.token];
        for _ in 0..24 {
            let s = db.call(|c| create(c, "konto")).await.unwrap();
            tokens.push(s.token);
        }
        let now = Timestamp::now();
        let mut alive = Vec::new();
        for t in &tokens {
            alive.push(at(&db, t, now, false).await.is_some());
        }
        assert_eq!(alive[..5], [false; 5], "the five oldest ended");
        assert!(alive[5..].iter().all(|a| *a));
    }

    #[tokio::test]
    async fn a_wall_displays_session_does_not_time_out() {
        let (_dir, db) = setup(Role::Display).await;
        let s = session(&db, Role::Display).await;
        let later = Timestamp::now() + SignedDuration::from_hours(24 * 30);
        assert!(at(&db, &s.token, later, false).await.is_some());
    }

    #[test]
    fn the_cache_forgets_on_clear_and_after_five_seconds_and_refuses_late_puts() {
        let cache = SessionCache::default();
        let viewer = Viewer {
            login: "kod-lage".into(),
            role: Role::Officer,
            agency: AgencyKey::parse("kod").unwrap(),
            csrf: "c".into(),
            token_hash: "h".into(),
        };
        let t0 = std::time::Instant::now();
        let generation = cache.get("h", t0).unwrap_err();
        cache.put(viewer.clone(), generation, t0);
        assert_eq!(cache.get("h", t0 + CACHE_FOR / 2), Ok(viewer.clone()));
        assert!(
            cache.get("h", t0 + CACHE_FOR).is_err(),
            "trusted for 5 s only"
        );
        // A lookup that began before a logout cannot put the ended session back.
        let before = cache.get("h", t0 + CACHE_FOR).unwrap_err();
        cache.clear();
        cache.put(viewer, before, t0 + CACHE_FOR);
        assert!(cache.get("h", t0 + CACHE_FOR).is_err());
    }

    #[test]
    fn the_cookie_is_host_only_http_only_and_strict() {
        assert_eq!(
            cookie("abc", true),
            "__Host-lagebild-session=abc; Path=/; Secure; HttpOnly; SameSite=Strict"
        );
        assert!(!cookie("abc", false).contains("Secure"));
        assert_eq!(
            token_from_cookies("a=1; lagebild-session=xyz", false),
            Some("xyz")
        );
        assert_eq!(token_from_cookies("lagebild-session=xyz", true), None);
        assert_eq!(token_from_cookies("lagebild-session=", false), None);
    }
}
