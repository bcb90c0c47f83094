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
    time::{Duration, Instant},
};

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
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
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
}

/// One attempt on one key: when it started, and whether it counts (it failed, or, for
/// [`Key::SignIns`], it ended at all); else it is still being checked.
#[derive(Debug, Clone, Copy)]
struct Mark {
    at: Instant,
    id: u64,
    counts: bool,
}

/// Which limit an attempt that failed has used up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockedOut {
    Account,
    Address,
}

/// An attempt counted before its work; say how it ended with [`Attempt::succeeded`],
/// [`Attempt::failed`] or [`Attempt::cancelled`]. Dropped without that (its request went away),
/// it counts as failed.
#[must_use]
#[derive(Debug)]
pub struct Attempt {
    limiter: Arc<LoginLimiter>,
    keys: Vec<Key>,
    id: u64,
    ended: bool,
}

#[derive(Debug, Default)]
pub struct LoginLimiter {
    marks: Mutex<Marks>,
}

#[derive(Debug, Default)]
struct Marks {
    by_key: HashMap<Key, Vec<Mark>>,
    next_id: u64,
}

impl LoginLimiter {
    /// Counts an attempt on `keys` now, or answers how long to wait if one of them has no
    /// attempt left.
    fn begin(self: &Arc<Self>, keys: Vec<Key>, now: Instant) -> Result<Attempt, Duration> {
        let mut marks = self.marks.lock().unwrap_or_else(|p| p.into_inner());
        // Keep the map small: forget keys whose attempts have all aged out.
        if marks.by_key.len() > 10_000 {
            marks
                .by_key
                .retain(|_, list| list.iter().any(|m| now.duration_since(m.at) < WINDOW));
        }
        let wait = keys
            .iter()
            .filter_map(|key| {
                let list = marks.by_key.get_mut(key)?;
                list.retain(|m| now.duration_since(m.at) < WINDOW);
                if list.len() < key.limit() {
                    return None;
                }
                let counted: Vec<&Mark> = list.iter().filter(|m| m.counts).collect();
                Some(if counted.len() >= key.limit() {
                    WINDOW - now.duration_since(counted[0].at)
                } else {
                    IN_FLIGHT_WAIT
                })
            })
            .max();
        if let Some(wait) = wait {
            return Err(wait);
        }
        marks.next_id += 1;
        let id = marks.next_id;
        for key in &keys {
            marks.by_key.entry(key.clone()).or_default().push(Mark {
                at: now,
                id,
                counts: false,
            });
        }
        Ok(Attempt {
            limiter: Arc::clone(self),
            keys,
            id,
            ended: false,
        })
    }

    /// Counts a sign-in for `login` from `address` before its password is checked.
    pub fn begin_sign_in(
        self: &Arc<Self>,
        login: &str,
        address: Option<&str>,
        now: Instant,
    ) -> Result<Attempt, Duration> {
        let mut keys = vec![
            Key::Account(login.to_owned()),
            Key::SignIns(login.to_owned()),
        ];
        keys.extend(address.map(|a| Key::Address(Key::address(a))));
        self.begin(keys, now)
    }

    /// Counts a pairing attempt from `address` before its code is checked.
    pub fn begin_pairing(
        self: &Arc<Self>,
        address: Option<&str>,
        now: Instant,
    ) -> Result<Attempt, Duration> {
        self.begin(
            address
                .map(|a| Key::Pairing(Key::address(a)))
                .into_iter()
                .collect(),
            now,
        )
    }
}

impl Attempt {
    /// Runs `change` on each of this attempt's marks (by key) and ends it.
    fn end(&mut self, mut change: impl FnMut(&Key, &mut Vec<Mark>, usize)) {
        self.ended = true;
        let mut marks = self.limiter.marks.lock().unwrap_or_else(|p| p.into_inner());
        for key in &self.keys {
            if let Some(list) = marks.by_key.get_mut(key)
                && let Some(i) = list.iter().position(|m| m.id == self.id)
            {
                change(key, list, i);
            }
        }
    }

    /// The attempt failed and stays counted; which limit (if any) it used up.
    pub fn failed(mut self) -> Option<LockedOut> {
        let mut locked = None;
        self.end(|key, list, i| {
            list[i].counts = true;
            let counted = list.iter().filter(|m| m.counts).count();
            if counted == key.limit() && locked.is_none() {
                locked = Some(match key {
                    Key::Account(_) | Key::SignIns(_) => LockedOut::Account,
                    Key::Address(_) | Key::Pairing(_) => LockedOut::Address,
                });
            }
        });
        locked
    }

    /// The attempt succeeded: the account's failures are forgotten, and the attempt no longer
    /// counts against the address (it still counts among the account's sign-ins).
    pub fn succeeded(mut self) {
        let id = self.id;
        self.end(|key, list, i| match key {
            Key::Account(_) => list.retain(|m| !m.counts && m.id != id),
            Key::SignIns(_) => list[i].counts = true,
            Key::Address(_) | Key::Pairing(_) => {
                list.remove(i);
            }
        });
    }

    /// The attempt was not made (the server was too busy to check it): it no longer counts.
    pub fn cancelled(mut self) {
        self.end(|_, list, i| {
            list.remove(i);
        });
    }
}

impl Drop for Attempt {
    fn drop(&mut self) {
        if !self.ended {
            self.end(|_, list, i| list[i].counts = true);
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn limiter() -> Arc<LoginLimiter> {
        Arc::new(LoginLimiter::default())
    }

    #[test]
    fn the_sixth_attempt_for_an_account_waits_until_the_first_failure_ages_out() {
        let l = limiter();
        let t0 = Instant::now();
        for i in 0..PER_ACCOUNT {
            let attempt = l.begin_sign_in("kod", Some("10.0.0.1"), t0).unwrap();
            let expected = (i == PER_ACCOUNT - 1).then_some(LockedOut::Account);
            assert_eq!(attempt.failed(), expected, "attempt {i}");
        }
        let wait = l.begin_sign_in("kod", Some("10.0.0.2"), t0 + Duration::from_secs(60));
        assert_eq!(wait.unwrap_err(), WINDOW - Duration::from_secs(60));
        let other = l.begin_sign_in("polizei", Some("10.0.0.2"), t0);
        assert!(other.is_ok(), "other accounts are free");
        let later = l.begin_sign_in("kod", None, t0 + WINDOW);
        assert!(later.is_ok(), "the window passed");
    }

    #[test]
    fn attempts_count_when_they_start_so_concurrent_ones_cannot_overrun_the_limit() {
        let l = limiter();
        let t0 = Instant::now();
        // Forty attempts begin before any has been checked.
        let begun: Vec<_> = (0..40)
            .map(|_| l.begin_sign_in("kod", Some("10.0.0.1"), t0))
            .collect();
        assert_eq!(begun.iter().filter(|a| a.is_ok()).count(), PER_ACCOUNT);
        // Those refused while the others are checked are asked to wait a second, not the
        // window.
        assert_eq!(begun[PER_ACCOUNT].as_ref().unwrap_err(), &IN_FLIGHT_WAIT);
        for attempt in begun.into_iter().flatten() {
            let _ = attempt.failed();
        }
        assert!(l.begin_sign_in("kod", None, t0).unwrap_err() > IN_FLIGHT_WAIT);
    }

    #[test]
    fn one_address_trying_many_accounts_is_limited_too() {
        let l = limiter();
        let t0 = Instant::now();
        for i in 0..PER_ADDRESS {
            let attempt = l
                .begin_sign_in(&format!("konto-{i}"), Some("10.0.0.9"), t0)
                .unwrap();
            let expected = (i == PER_ADDRESS - 1).then_some(LockedOut::Address);
            assert_eq!(attempt.failed(), expected, "{i}");
        }
        let same = l.begin_sign_in("neues-konto", Some("10.0.0.9"), t0);
        assert!(same.is_err());
        assert!(l.begin_sign_in("neues-konto", Some("10.0.0.8"), t0).is_ok());
    }

    #[test]
    fn successes_do_not_use_up_an_address_and_clear_the_accounts_failures() {
        let l = limiter();
        let t0 = Instant::now();
        for _ in 0..PER_ACCOUNT - 1 {
            let _ = l
                .begin_sign_in("kod", Some("10.0.0.1"), t0)
                .unwrap()
                .failed();
        }
        l.begin_sign_in("kod", Some("10.0.0.1"), t0)
            .unwrap()
            .succeeded();
        // A whole office signs in through one address, many times.
        for i in 0..3 * PER_ADDRESS {
            l.begin_sign_in(&format!("person-{i}"), Some("10.0.0.1"), t0)
                .unwrap()
                .succeeded();
        }
        for _ in 0..PER_ACCOUNT - 1 {
            let _ = l
                .begin_sign_in("kod", Some("10.0.0.1"), t0)
                .unwrap()
                .failed();
        }
        assert!(l.begin_sign_in("kod", Some("10.0.0.1"), t0).is_ok());
    }

    #[test]
    fn an_attempt_not_made_is_taken_back_and_one_abandoned_counts_as_failed() {
        let l = limiter();
        let t0 = Instant::now();
        for _ in 0..3 * PER_ACCOUNT {
            l.begin_sign_in("kod", Some("10.0.0.1"), t0)
                .unwrap()
                .cancelled();
        }
        for _ in 0..PER_ACCOUNT {
            drop(l.begin_sign_in("kod", Some("10.0.0.1"), t0).unwrap());
        }
        let wait = l.begin_sign_in("kod", Some("10.0.0.1"), t0).unwrap_err();
        assert!(wait > IN_FLIGHT_WAIT, "abandoned attempts are failures");
    }

    #[test]
    fn a_valid_password_in_a_loop_is_limited_too() {
        let l = limiter();
        let t0 = Instant::now();
        for i in 0..SIGN_INS_PER_ACCOUNT {
            let a = l.begin_sign_in("kod", Some(&format!("10.0.1.{i}")), t0);
            a.unwrap().succeeded();
        }
        let wait = l.begin_sign_in("kod", Some("10.0.2.1"), t0).unwrap_err();
        assert_eq!(wait, WINDOW);
        assert!(l.begin_sign_in("polizei", Some("10.0.2.1"), t0).is_ok());
    }

    #[test]
    fn an_ipv6_client_counts_by_its_64_network() {
        let l = limiter();
        let t0 = Instant::now();
        for i in 0..PAIRING_PER_ADDRESS {
            let a = l.begin_pairing(Some(&format!("2001:db8:1:2::{i:x}")), t0);
            let _ = a.unwrap().failed();
        }
        assert!(l.begin_pairing(Some("2001:db8:1:2:ffff::1"), t0).is_err());
        assert!(l.begin_pairing(Some("2001:db8:1:3::1"), t0).is_ok());
    }

    #[test]
    fn pairing_is_limited_per_address_not_for_everyone() {
        let l = limiter();
        let t0 = Instant::now();
        for _ in 0..PAIRING_PER_ADDRESS {
            let _ = l.begin_pairing(Some("10.0.0.66"), t0).unwrap().failed();
        }
        assert!(l.begin_pairing(Some("10.0.0.66"), t0).is_err());
        let other = l.begin_pairing(Some("10.0.0.7"), t0);
        assert!(other.is_ok(), "another wall pairs");
        // Pairing guesses do not lock the address's sign-ins.
        assert!(l.begin_sign_in("kod", Some("10.0.0.66"), t0).is_ok());
    }
}
