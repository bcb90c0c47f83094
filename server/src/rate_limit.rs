//! Sign-in attempts are limited per account and per client address, and pairing attempts per
//! address. An attempt is counted when it *starts*, before its password is checked, so many
//! attempts at once cannot slip past the limit while the first ones are still being checked:
//! of 40 concurrent wrong passwords for one account, 5 are checked and 35 refused. A successful
//! attempt is taken back (it clears the account's failures; an office behind one address signs
//! in all day); an attempt the server did not make (too busy) is taken back; one whose request
//! went away before it ended counts as a failure.
//!
//! Refusals say how long to wait: until the oldest failure leaves the window, or, where the
//! limit is full of attempts still being checked, a second.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use jiff::Timestamp;

use crate::{args, db::Database, db::DbError, sql::Tx};

/// Failed attempts allowed per account within [`WINDOW`].
pub const PER_ACCOUNT: usize = 5;
/// Failed attempts allowed per client address within [`WINDOW`] (an office may share one).
pub const PER_ADDRESS: usize = 20;
/// Wrong pairing codes allowed per client address within [`WINDOW`].
pub const PAIRING_PER_ADDRESS: usize = 10;
/// Sign-ins of one account within [`WINDOW`], successful ones included: a valid password in a
/// loop cannot keep the password checks busy for everyone else.
pub const SIGN_INS_PER_ACCOUNT: usize = 30;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// What a refusal asks to wait when the limit is full of attempts still being checked.
const IN_FLIGHT_WAIT: Duration = Duration::from_secs(1);

/// What attempts are counted by.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Key {
    /// An account's failures.
    Account(String),
    /// An account's sign-ins, successful or not.
    SignIns(String),
    Address(String),
    Pairing(String),
}

impl Key {
    fn limit(&self) -> usize {
        match self {
            Key::Account(_) => PER_ACCOUNT,
            Key::SignIns(_) => SIGN_INS_PER_ACCOUNT,
            Key::Address(_) => PER_ADDRESS,
            Key::Pairing(_) => PAIRING_PER_ADDRESS,
        }
    }

    /// The address (an IPv6 address by its /64 network, which one client usually has whole).
    fn address(address: &str) -> String {
        match address.parse::<std::net::IpAddr>() {
            Ok(std::net::IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
            _ => address.to_owned(),
        }
    }

    /// The key as the database stores it.
    fn text(&self) -> String {
        match self {
            Key::Account(l) => format!("account:{l}"),
            Key::SignIns(l) => format!("sign-ins:{l}"),
            Key::Address(a) => format!("address:{a}"),
            Key::Pairing(a) => format!("pairing:{a}"),
        }
    }
}

/// One attempt on one key: when it started, and whether it counts (it failed, or, for
/// [`Key::SignIns`], it ended at all); else it is still being checked.
#[derive(Debug, Clone, Copy)]
struct Mark {
    at: Timestamp,
    id: i64,
    counts: bool,
}

/// Which limit an attempt that failed has used up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockedOut {
    Account,
    Address,
}

/// Why an attempt may not begin.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    /// A limit is used up: try again after this long.
    #[error("wait {0:?}")]
    Wait(Duration),
    /// The shared counts could not be read.
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<Refused> for crate::error::AppError {
    fn from(r: Refused) -> Self {
        match r {
            Refused::Wait(wait) => crate::error::AppError::TooManyRequests(wait),
            Refused::Db(db) => crate::error::AppError::Db(db),
        }
    }
}

/// An attempt counted before its work; say how it ended with [`Attempt::succeeded`],
/// [`Attempt::failed`] or [`Attempt::cancelled`]. Dropped without that (its request went away),
/// it counts as failed.
#[must_use]
#[derive(Debug)]
pub struct Attempt {
    limiter: Arc<LoginLimiter>,
    keys: Vec<Key>,
    id: i64,
    ended: bool,
}

/// The attempts of the last [`WINDOW`]: in this server's memory (one server on SQLite), or,
/// for several servers on PostgreSQL, in the database (table `sign_in_marks`), so that a
/// limit counts across all servers.
#[derive(Debug, Default)]
pub struct LoginLimiter {
    marks: Mutex<Marks>,
    shared: Option<Database>,
}

#[derive(Debug, Default)]
struct Marks {
    by_key: HashMap<Key, Vec<Mark>>,
}

impl Marks {
    /// Counts attempt `id` on `keys` at `now`, or answers how long to wait if one of them has
    /// no attempt left.
    fn begin(&mut self, keys: &[Key], id: i64, now: Timestamp) -> Result<(), Duration> {
        let age = |m: &Mark| now.duration_since(m.at).unsigned_abs();
        // Keep the map small: forget keys whose attempts have all aged out.
        if self.by_key.len() > 10_000 {
            self.by_key
                .retain(|_, list| list.iter().any(|m| age(m) < WINDOW));
        }
        let wait = keys
            .iter()
            .filter_map(|key| {
                let list = self.by_key.get_mut(key)?;
                list.retain(|m| age(m) < WINDOW);
                if list.len() < key.limit() {
                    return None;
                }
                let counted: Vec<&Mark> = list.iter().filter(|m| m.counts).collect();
                Some(if counted.len() >= key.limit() {
                    WINDOW.saturating_sub(age(counted[0]))
                } else {
                    IN_FLIGHT_WAIT
                })
            })
            .max();
        if let Some(wait) = wait {
            return Err(wait);
        }
        for key in keys {
            self.by_key.entry(key.clone()).or_default().push(Mark {
                at: now,
                id,
                counts: false,
            });
        }
        Ok(())
    }

    /// Runs `change` on each of attempt `id`'s marks (by key).
    fn end(&mut self, keys: &[Key], id: i64, mut change: impl FnMut(&Key, &mut Vec<Mark>, usize)) {
        for key in keys {
            if let Some(list) = self.by_key.get_mut(key)
                && let Some(i) = list.iter().position(|m| m.id == id)
            {
                change(key, list, i);
            }
        }
    }

    /// Reads `keys`' marks from the database, each key locked until `tx` ends (servers take
    /// the locks in one order, so none waits on another for ever).
    fn read(tx: &Tx, keys: &[Key]) -> Result<Marks, DbError> {
        let mut sorted = keys.to_vec();
        sorted.sort();
        let mut marks = Marks::default();
        for key in &sorted {
            let text = key.text();
            tx.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(?1, 0))",
                args![&text],
            )?;
            let list = tx.query(
                "SELECT id, at, counts FROM sign_in_marks WHERE key = ?1 ORDER BY at, id",
                args![&text],
                |r| {
                    Ok(Mark {
                        id: r.get(0)?,
                        at: r
                            .get::<String>(1)?
                            .parse()
                            .map_err(|e| DbError::Corrupt(format!("sign-in mark: {e}")))?,
                        counts: r.get(2)?,
                    })
                },
            )?;
            marks.by_key.insert(key.clone(), list);
        }
        Ok(marks)
    }

    /// Writes `keys`' marks back.
    fn write(&self, tx: &Tx, keys: &[Key]) -> Result<(), DbError> {
        for key in keys {
            let text = key.text();
            tx.execute("DELETE FROM sign_in_marks WHERE key = ?1", args![&text])?;
            for m in self.by_key.get(key).into_iter().flatten() {
                tx.execute(
                    "INSERT INTO sign_in_marks (key, id, at, counts) VALUES (?1, ?2, ?3, ?4)",
                    args![&text, m.id, m.at.to_string(), m.counts],
                )?;
            }
        }
        Ok(())
    }
}

/// Deletes the marks older than the window (daily, with retention; PostgreSQL only): those of
/// keys never tried again would stay otherwise. Takes no key's lock, and no sign-in waits on
/// the writers' lock it runs under, so neither can wait for the other in a circle.
pub fn sweep(tx: &Tx, now: Timestamp) -> Result<(), DbError> {
    if tx.backend() == crate::sql::Backend::Postgres {
        tx.execute(
            "DELETE FROM sign_in_marks WHERE at < ?1",
            args![(now - WINDOW).to_string()],
        )?;
    }
    Ok(())
}

impl LoginLimiter {
    /// A limiter whose counts all servers on `db` share.
    pub fn shared(db: Database) -> LoginLimiter {
        LoginLimiter {
            marks: Mutex::default(),
            shared: Some(db),
        }
    }

    /// Runs `f` on the marks of `keys`: here, or read from and written back to the database
    /// in one transaction.
    async fn with_marks<T: Send + 'static>(
        &self,
        keys: Vec<Key>,
        f: impl FnOnce(&mut Marks) -> T + Send + 'static,
    ) -> Result<T, DbError> {
        match &self.shared {
            None => {
                let mut marks = self.marks.lock().unwrap_or_else(|p| p.into_inner());
                Ok(f(&mut marks))
            }
            Some(db) => {
                db.call(move |tx| {
                    let mut marks = Marks::read(tx, &keys)?;
                    let out = f(&mut marks);
                    marks.write(tx, &keys)?;
                    Ok(out)
                })
                .await
            }
        }
    }

    /// Counts an attempt on `keys` now, or refuses it.
    async fn begin(self: &Arc<Self>, keys: Vec<Key>, now: Timestamp) -> Result<Attempt, Refused> {
        let id = i64::from_le_bytes(
            crate::accounts::random_bytes::<8>().map_err(|e| DbError::Task(e.to_string()))?,
        );
        let counted = keys.clone();
        self.with_marks(keys.clone(), move |m| m.begin(&counted, id, now))
            .await?
            .map_err(Refused::Wait)?;
        Ok(Attempt {
            limiter: Arc::clone(self),
            keys,
            id,
            ended: false,
        })
    }

    /// Counts a sign-in for `login` from `address` before its password is checked.
    pub async fn begin_sign_in(
        self: &Arc<Self>,
        login: &str,
        address: Option<&str>,
        now: Timestamp,
    ) -> Result<Attempt, Refused> {
        let mut keys = vec![
            Key::Account(login.to_owned()),
            Key::SignIns(login.to_owned()),
        ];
        keys.extend(address.map(|a| Key::Address(Key::address(a))));
        self.begin(keys, now).await
    }

    /// Counts a pairing attempt from `address` before its code is checked.
    pub async fn begin_pairing(
        self: &Arc<Self>,
        address: Option<&str>,
        now: Timestamp,
    ) -> Result<Attempt, Refused> {
        self.begin(
            address
                .map(|a| Key::Pairing(Key::address(a)))
                .into_iter()
                .collect(),
            now,
        )
        .await
    }
}

/// How an attempt ended.
#[derive(Debug, Clone, Copy)]
enum Ending {
    Failed,
    Succeeded,
    Cancelled,
}

impl Ending {
    /// Applies the ending of attempt `id` to `marks`; which limit a failure used up.
    fn apply(self, marks: &mut Marks, keys: &[Key], id: i64) -> Option<LockedOut> {
        let mut locked = None;
        marks.end(keys, id, |key, list, i| match self {
            Ending::Failed => {
                list[i].counts = true;
                let counted = list.iter().filter(|m| m.counts).count();
                if counted == key.limit() && locked.is_none() {
                    locked = Some(match key {
                        Key::Account(_) | Key::SignIns(_) => LockedOut::Account,
                        Key::Address(_) | Key::Pairing(_) => LockedOut::Address,
                    });
                }
            }
            // The account's failures are forgotten, and the attempt no longer counts against
            // the address (it still counts among the account's sign-ins).
            Ending::Succeeded => match key {
                Key::Account(_) => list.retain(|m| !m.counts && m.id != id),
                Key::SignIns(_) => list[i].counts = true,
                Key::Address(_) | Key::Pairing(_) => {
                    list.remove(i);
                }
            },
            Ending::Cancelled => {
                list.remove(i);
            }
        });
        locked
    }
}

impl Attempt {
    async fn end(mut self, ending: Ending) -> Result<Option<LockedOut>, DbError> {
        self.ended = true;
        let (keys, id) = (self.keys.clone(), self.id);
        let marks_of = keys.clone();
        self.limiter
            .with_marks(marks_of, move |m| ending.apply(m, &keys, id))
            .await
    }

    /// The attempt failed and stays counted; which limit (if any) it used up.
    pub async fn failed(self) -> Result<Option<LockedOut>, DbError> {
        self.end(Ending::Failed).await
    }

    /// The attempt succeeded: the account's failures are forgotten, and the attempt no longer
    /// counts against the address (it still counts among the account's sign-ins).
    pub async fn succeeded(self) -> Result<(), DbError> {
        self.end(Ending::Succeeded).await.map(|_| ())
    }

    /// The attempt was not made (the server was too busy to check it): it no longer counts.
    pub async fn cancelled(self) -> Result<(), DbError> {
        self.end(Ending::Cancelled).await.map(|_| ())
    }
}

impl Drop for Attempt {
    fn drop(&mut self) {
        if self.ended {
            return;
        }
        let (keys, id) = (std::mem::take(&mut self.keys), self.id);
        let limiter = Arc::clone(&self.limiter);
        match &limiter.shared {
            None => {
                let mut marks = limiter.marks.lock().unwrap_or_else(|p| p.into_inner());
                Ending::Failed.apply(&mut marks, &keys, id);
            }
            // Recorded from a task of its own (a drop cannot wait for the database).
            Some(_) => {
                if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                    runtime.spawn(async move {
                        let of = keys.clone();
                        if let Err(e) = limiter
                            .with_marks(of, move |m| Ending::Failed.apply(m, &keys, id))
                            .await
                        {
                            tracing::warn!(error = %e, "an abandoned sign-in was not counted");
                        }
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::test_support::TestDb;

    /// A limiter of the pass's backend: in memory (SQLite), or shared through the database
    /// (PostgreSQL), so every rule below holds for both.
    struct Limiter {
        l: Arc<LoginLimiter>,
        _db: TestDb,
    }

    async fn limiter() -> Limiter {
        let db = TestDb::new();
        let l = if db.is_postgres() {
            LoginLimiter::shared(db.open().await)
        } else {
            LoginLimiter::default()
        };
        Limiter {
            l: Arc::new(l),
            _db: db,
        }
    }

    fn waited(r: Result<Attempt, Refused>) -> Result<Attempt, Duration> {
        r.map_err(|e| match e {
            Refused::Wait(w) => w,
            Refused::Db(db) => panic!("{db}"),
        })
    }

    impl Limiter {
        async fn sign_in(
            &self,
            login: &str,
            a: Option<&str>,
            t: Timestamp,
        ) -> Result<Attempt, Duration> {
            waited(self.l.begin_sign_in(login, a, t).await)
        }

        async fn pairing(&self, a: Option<&str>, t: Timestamp) -> Result<Attempt, Duration> {
            waited(self.l.begin_pairing(a, t).await)
        }
    }

    #[tokio::test]
    async fn the_sixth_attempt_for_an_account_waits_until_the_first_failure_ages_out() {
        let l = limiter().await;
        let t0 = Timestamp::now();
        for i in 0..PER_ACCOUNT {
            let attempt = l.sign_in("kod", Some("10.0.0.1"), t0).await.unwrap();
            let expected = (i == PER_ACCOUNT - 1).then_some(LockedOut::Account);
            assert_eq!(attempt.failed().await.unwrap(), expected, "attempt {i}");
        }
        let wait = l
            .sign_in("kod", Some("10.0.0.2"), t0 + Duration::from_secs(60))
            .await;
        assert_eq!(wait.unwrap_err(), WINDOW - Duration::from_secs(60));
        let other = l.sign_in("polizei", Some("10.0.0.2"), t0).await;
        assert!(other.is_ok(), "other accounts are free");
        let later = l.sign_in("kod", None, t0 + WINDOW).await;
        assert!(later.is_ok(), "the window passed");
    }

    #[tokio::test]
    async fn attempts_count_when_they_start_so_concurrent_ones_cannot_overrun_the_limit() {
        let l = limiter().await;
        let t0 = Timestamp::now();
        // Forty attempts begin before any has been checked.
        let mut begun = Vec::new();
        for _ in 0..40 {
            begun.push(l.sign_in("kod", Some("10.0.0.1"), t0).await);
        }
        assert_eq!(begun.iter().filter(|a| a.is_ok()).count(), PER_ACCOUNT);
        // Those refused while the others are checked are asked to wait a second, not the
        // window.
        assert_eq!(begun[PER_ACCOUNT].as_ref().unwrap_err(), &IN_FLIGHT_WAIT);
        for attempt in begun.into_iter().flatten() {
            attempt.failed().await.unwrap();
        }
        assert!(l.sign_in("kod", None, t0).await.unwrap_err() > IN_FLIGHT_WAIT);
    }

    #[tokio::test]
    async fn one_address_trying_many_accounts_is_limited_too() {
        let l = limiter().await;
        let t0 = Timestamp::now();
        for i in 0..PER_ADDRESS {
            let attempt = l
                .sign_in(&format!("konto-{i}"), Some("10.0.0.9"), t0)
                .await
                .unwrap();
            let expected = (i == PER_ADDRESS - 1).then_some(LockedOut::Address);
            assert_eq!(attempt.failed().await.unwrap(), expected, "{i}");
        }
        let same = l.sign_in("neues-konto", Some("10.0.0.9"), t0).await;
        assert!(same.is_err());
        assert!(l.sign_in("neues-konto", Some("10.0.0.8"), t0).await.is_ok());
    }

    #[tokio::test]
    async fn successes_do_not_use_up_an_address_and_clear_the_accounts_failures() {
        let l = limiter().await;
        let t0 = Timestamp::now();
        let fail = |n: usize| {
            let l = &l;
            async move {
                for _ in 0..n {
                    let a = l.sign_in("kod", Some("10.0.0.1"), t0).await.unwrap();
                    a.failed().await.unwrap();
                }
            }
        };
        fail(PER_ACCOUNT - 1).await;
        let a = l.sign_in("kod", Some("10.0.0.1"), t0).await.unwrap();
        a.succeeded().await.unwrap();
        // A whole office signs in through one address, many times.
        for i in 0..3 * PER_ADDRESS {
            let a = l
                .sign_in(&format!("person-{i}"), Some("10.0.0.1"), t0)
                .await
                .unwrap();
            a.succeeded().await.unwrap();
        }
        fail(PER_ACCOUNT - 1).await;
        assert!(l.sign_in("kod", Some("10.0.0.1"), t0).await.is_ok());
    }

    #[tokio::test]
    async fn an_attempt_not_made_is_taken_back_and_one_abandoned_counts_as_failed() {
        let l = limiter().await;
        let t0 = Timestamp::now();
        for _ in 0..3 * PER_ACCOUNT {
            let a = l.sign_in("kod", Some("10.0.0.1"), t0).await.unwrap();
            a.cancelled().await.unwrap();
        }
        for _ in 0..PER_ACCOUNT {
            drop(l.sign_in("kod", Some("10.0.0.1"), t0).await.unwrap());
            // A shared limiter records the abandoned attempt from a task of its own.
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let wait = l.sign_in("kod", Some("10.0.0.1"), t0).await.unwrap_err();
        assert!(wait > IN_FLIGHT_WAIT, "abandoned attempts are failures");
    }

    #[tokio::test]
    async fn a_valid_password_in_a_loop_is_limited_too() {
        let l = limiter().await;
        let t0 = Timestamp::now();
        for i in 0..SIGN_INS_PER_ACCOUNT {
            let a = l.sign_in("kod", Some(&format!("10.0.1.{i}")), t0).await;
            a.unwrap().succeeded().await.unwrap();
        }
        let wait = l.sign_in("kod", Some("10.0.2.1"), t0).await.unwrap_err();
        assert_eq!(wait, WINDOW);
        assert!(l.sign_in("polizei", Some("10.0.2.1"), t0).await.is_ok());
    }

    #[tokio::test]
    async fn an_ipv6_client_counts_by_its_64_network() {
        let l = limiter().await;
        let t0 = Timestamp::now();
        for i in 0..PAIRING_PER_ADDRESS {
            let a = l.pairing(Some(&format!("2001:db8:1:2::{i:x}")), t0).await;
            a.unwrap().failed().await.unwrap();
        }
        assert!(l.pairing(Some("2001:db8:1:2:ffff::1"), t0).await.is_err());
        assert!(l.pairing(Some("2001:db8:1:3::1"), t0).await.is_ok());
    }

    #[tokio::test]
    async fn pairing_is_limited_per_address_not_for_everyone() {
        let l = limiter().await;
        let t0 = Timestamp::now();
        for _ in 0..PAIRING_PER_ADDRESS {
            let a = l.pairing(Some("10.0.0.66"), t0).await.unwrap();
            a.failed().await.unwrap();
        }
        assert!(l.pairing(Some("10.0.0.66"), t0).await.is_err());
        let other = l.pairing(Some("10.0.0.7"), t0).await;
        assert!(other.is_ok(), "another wall pairs");
        // Pairing guesses do not lock the address's sign-ins.
        assert!(l.sign_in("kod", Some("10.0.0.66"), t0).await.is_ok());
    }
}
