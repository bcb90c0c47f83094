//! Failed sign-ins are limited per account and per address: after too many failures within a
//! window, further attempts are refused until the oldest failure leaves the window.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

/// Failed attempts allowed per account within [`WINDOW`].
pub const PER_ACCOUNT: usize = 5;
/// Failed attempts allowed per client address within [`WINDOW`] (an office may share one).
pub const PER_ADDRESS: usize = 20;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

#[derive(Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl LoginLimiter {
    fn keys(login: &str, address: Option<&str>) -> Vec<(String, usize)> {
        let mut keys = vec![(format!("login:{login}"), PER_ACCOUNT)];
        if let Some(a) = address {
            keys.push((format!("addr:{a}"), PER_ADDRESS));
        }
        keys
    }

    /// `Some(wait)` if another attempt for `login` from `address` must wait that long.
    pub fn wait(&self, login: &str, address: Option<&str>, now: Instant) -> Option<Duration> {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        Self::keys(login, address)
            .into_iter()
            .filter_map(|(key, limit)| {
                let list = map.get_mut(&key)?;
                list.retain(|t| now.duration_since(*t) < WINDOW);
                (list.len() >= limit)
                    .then(|| list.first().map(|t| WINDOW - now.duration_since(*t)))
                    .flatten()
            })
            .max()
    }

    pub fn failed(&self, login: &str, address: Option<&str>, now: Instant) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        // Keep the map small: forget keys whose failures have all aged out.
        if map.len() > 10_000 {
            map.retain(|_, list| list.iter().any(|t| now.duration_since(*t) < WINDOW));
        }
        for (key, _) in Self::keys(login, address) {
            map.entry(key).or_default().push(now);
        }
    }

    /// A successful sign-in clears the account's failures (not the address's).
    pub fn succeeded(&self, login: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&format!("login:{login}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sixth_failure_for_an_account_waits_until_the_first_ages_out() {
        let l = LoginLimiter::default();
        let t0 = Instant::now();
        for i in 0..PER_ACCOUNT {
            assert_eq!(l.wait("kod", Some("10.0.0.1"), t0), None, "attempt {i}");
            l.failed("kod", Some("10.0.0.1"), t0);
        }
        let wait = l.wait("kod", Some("10.0.0.2"), t0 + Duration::from_secs(60));
        assert_eq!(wait, Some(WINDOW - Duration::from_secs(60)));
        assert_eq!(
            l.wait("polizei", Some("10.0.0.2"), t0),
            None,
            "other accounts are free"
        );
        assert_eq!(l.wait("kod", None, t0 + WINDOW), None, "the window passed");
    }

    #[test]
    fn one_address_trying_many_accounts_is_limited_too() {
        let l = LoginLimiter::default();
        let t0 = Instant::now();
        for i in 0..PER_ADDRESS {
            l.failed(&format!("konto-{i}"), Some("10.0.0.9"), t0);
        }
        assert!(l.wait("neues-konto", Some("10.0.0.9"), t0).is_some());
        assert!(l.wait("neues-konto", Some("10.0.0.8"), t0).is_none());
    }

    #[test]
    fn success_clears_the_accounts_failures() {
        let l = LoginLimiter::default();
        let t0 = Instant::now();
        for _ in 0..PER_ACCOUNT {
            l.failed("kod", None, t0);
        }
        l.succeeded("kod");
        assert_eq!(l.wait("kod", None, t0), None);
    }
}
