//! Sign-in attempts are limited per account and per client address, and pairing attempts per
//! address. An attempt is counted when it *starts*, before its password is checked, so many
//! attempts at once cannot slip past the limit while the first ones are still being checked:
//! of 40 concurrent wrong passwords for one account, 5 are checked and 35 refused. A successful
//! attempt is taken back from the address's count (an office behind one address signs in all
//! day) and clears the account's; an attempt the server did not make (too busy) is taken back.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

/// Failed attempts allowed per account within [`WINDOW`].
pub const PER_ACCOUNT: usize = 5;
/// Failed attempts allowed per client address within [`WINDOW`] (an office may share one).
pub const PER_ADDRESS: usize = 20;
/// Wrong pairing codes allowed per client address within [`WINDOW`].
pub const PAIRING_PER_ADDRESS: usize = 10;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

/// What attempts are counted by.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Account(String),
    Address(String),
    Pairing(String),
}

impl Key {
    fn limit(&self) -> usize {
        match self {
            Key::Account(_) => PER_ACCOUNT,
            Key::Address(_) => PER_ADDRESS,
            Key::Pairing(_) => PAIRING_PER_ADDRESS,
        }
    }
}

/// Which limit an attempt that failed has used up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockedOut {
    Account,
    Address,
}

/// An attempt counted before its work; say how it ended with [`LoginLimiter::succeeded`],
/// [`LoginLimiter::failed`] or [`LoginLimiter::cancelled`].
#[must_use]
#[derive(Debug)]
pub struct Attempt {
    keys: Vec<(Key, bool)>,
    at: Instant,
}

#[derive(Default)]
pub struct LoginLimiter {
    attempts: Mutex<HashMap<Key, Vec<Instant>>>,
}

impl LoginLimiter {
    /// Counts an attempt on `keys` now, or answers how long to wait if one of them has used
    /// its attempts.
    fn begin(&self, keys: Vec<Key>, now: Instant) -> Result<Attempt, Duration> {
        let mut map = self.attempts.lock().unwrap_or_else(|p| p.into_inner());
        // Keep the map small: forget keys whose attempts have all aged out.
        if map.len() > 10_000 {
            map.retain(|_, list| list.iter().any(|t| now.duration_since(*t) < WINDOW));
        }
        let wait = keys
            .iter()
            .filter_map(|key| {
                let list = map.get_mut(key)?;
                list.retain(|t| now.duration_since(*t) < WINDOW);
                (list.len() >= key.limit())
                    .then(|| list.first().map(|t| WINDOW - now.duration_since(*t)))
                    .flatten()
            })
            .max();
        if let Some(wait) = wait {
            return Err(wait);
        }
        let keys = keys
            .into_iter()
            .map(|key| {
                let list = map.entry(key.clone()).or_default();
                list.push(now);
                let last = list.len() >= key.limit();
                (key, last)
            })
            .collect();
        Ok(Attempt { keys, at: now })
    }

    /// Counts a sign-in for `login` from `address` before its password is checked.
    pub fn begin_sign_in(
        &self,
        login: &str,
        address: Option<&str>,
        now: Instant,
    ) -> Result<Attempt, Duration> {
        let mut keys = vec![Key::Account(login.to_owned())];
        keys.extend(address.map(|a| Key::Address(a.to_owned())));
        self.begin(keys, now)
    }

    /// Counts a pairing attempt from `address` before its code is checked.
    pub fn begin_pairing(&self, address: Option<&str>, now: Instant) -> Result<Attempt, Duration> {
        self.begin(
            address
                .map(|a| Key::Pairing(a.to_owned()))
                .into_iter()
                .collect(),
            now,
        )
    }

    fn take_back(map: &mut HashMap<Key, Vec<Instant>>, key: &Key, at: Instant) {
        if let Some(list) = map.get_mut(key)
            && let Some(i) = list.iter().position(|t| *t == at)
        {
            list.remove(i);
        }
    }

    /// The attempt failed and stays counted; which limit (if any) it used up.
    pub fn failed(&self, attempt: Attempt) -> Option<LockedOut> {
        attempt.keys.iter().find_map(|(key, last)| match key {
            Key::Account(_) if *last => Some(LockedOut::Account),
            Key::Address(_) | Key::Pairing(_) if *last => Some(LockedOut::Address),
            _ => None,
        })
    }

    /// The attempt succeeded: the account's failures are forgotten, and the attempt no longer
    /// counts against the address.
    pub fn succeeded(&self, attempt: Attempt) {
        let mut map = self.attempts.lock().unwrap_or_else(|p| p.into_inner());
        for (key, _) in &attempt.keys {
            match key {
                Key::Account(_) => {
                    map.remove(key);
                }
                Key::Address(_) | Key::Pairing(_) => Self::take_back(&mut map, key, attempt.at),
            }
        }
    }

    /// The attempt was not made (the server was too busy to check it): it no longer counts.
    pub fn cancelled(&self, attempt: Attempt) {
        let mut map = self.attempts.lock().unwrap_or_else(|p| p.into_inner());
        for (key, _) in &attempt.keys {
            Self::take_back(&mut map, key, attempt.at);
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_sixth_attempt_for_an_account_waits_until_the_first_ages_out() {
        let l = LoginLimiter::default();
        let t0 = Instant::now();
        for i in 0..PER_ACCOUNT {
            let attempt = l.begin_sign_in("kod", Some("10.0.0.1"), t0).unwrap();
            let locked = l.failed(attempt);
            let expected = (i == PER_ACCOUNT - 1).then_some(LockedOut::Account);
            assert_eq!(locked, expected, "attempt {i}");
        }
        let wait = l.begin_sign_in("kod", Some("10.0.0.2"), t0 + Duration::from_secs(60));
        assert_eq!(wait.unwrap_err(), WINDOW - Duration::from_secs(60));
        assert!(
            l.begin_sign_in("polizei", Some("10.0.0.2"), t0).is_ok(),
            "other accounts are free"
        );
        assert!(
            l.begin_sign_in("kod", None, t0 + WINDOW).is_ok(),
            "the window passed"
        );
    }

    #[test]
    fn attempts_count_when_they_start_so_concurrent_ones_cannot_overrun_the_limit() {
        let l = LoginLimiter::default();
        let t0 = Instant::now();
        // Forty attempts begin before any has been checked.
        let begun: Vec<_> = (0..40)
            .map(|_| l.begin_sign_in("kod", Some("10.0.0.1"), t0))
            .collect();
        assert_eq!(begun.iter().filter(|a| a.is_ok()).count(), PER_ACCOUNT);
        for attempt in begun.into_iter().flatten() {
            let _ = l.failed(attempt);
        }
    }

    #[test]
    fn one_address_trying_many_accounts_is_limited_too() {
        let l = LoginLimiter::default();
        let t0 = Instant::now();
        for i in 0..PER_ADDRESS {
            let attempt = l
                .begin_sign_in(&format!("konto-{i}"), Some("10.0.0.9"), t0)
                .unwrap();
            let locked = l.failed(attempt);
            assert_eq!(
                locked,
                (i == PER_ADDRESS - 1).then_some(LockedOut::Address),
                "{i}"
            );
        }
        assert!(
            l.begin_sign_in("neues-konto", Some("10.0.0.9"), t0)
                .is_err()
        );
        assert!(l.begin_sign_in("neues-konto", Some("10.0.0.8"), t0).is_ok());
    }

    #[test]
    fn successes_do_not_use_up_an_address_and_clear_the_accounts_failures() {
        let l = LoginLimiter::default();
        let t0 = Instant::now();
        for _ in 0..PER_ACCOUNT - 1 {
            let a = l.begin_sign_in("kod", Some("10.0.0.1"), t0).unwrap();
            let _ = l.failed(a);
        }
        let a = l.begin_sign_in("kod", Some("10.0.0.1"), t0).unwrap();
        l.succeeded(a);
        // A whole office signs in through one address, many times.
        for i in 0..3 * PER_ADDRESS {
            let a = l
                .begin_sign_in(&format!("person-{i}"), Some("10.0.0.1"), t0)
                .unwrap();
            l.succeeded(a);
        }
        for _ in 0..PER_ACCOUNT - 1 {
            let a = l.begin_sign_in("kod", Some("10.0.0.1"), t0).unwrap();
            let _ = l.failed(a);
        }
        assert!(l.begin_sign_in("kod", Some("10.0.0.1"), t0).is_ok());
    }

    #[test]
    fn an_attempt_the_server_did_not_make_is_taken_back() {
        let l = LoginLimiter::default();
        let t0 = Instant::now();
        for _ in 0..3 * PER_ACCOUNT {
            let a = l.begin_sign_in("kod", Some("10.0.0.1"), t0).unwrap();
            l.cancelled(a);
        }
    }

    #[test]
    fn pairing_is_limited_per_address_not_for_everyone() {
        let l = LoginLimiter::default();
        let t0 = Instant::now();
        for _ in 0..PAIRING_PER_ADDRESS {
            let a = l.begin_pairing(Some("10.0.0.66"), t0).unwrap();
            let _ = l.failed(a);
        }
        assert!(l.begin_pairing(Some("10.0.0.66"), t0).is_err());
        assert!(
            l.begin_pairing(Some("10.0.0.7"), t0).is_ok(),
            "another wall pairs"
        );
        // Pairing guesses do not lock the address's sign-ins.
        assert!(l.begin_sign_in("kod", Some("10.0.0.66"), t0).is_ok());
    }
}
