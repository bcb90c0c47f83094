//! Password hashing and checking (Argon2id, 19 MiB and tens of milliseconds of CPU each): at
//! most [`AT_ONCE`] at a time, on as many threads of their own. A request waits up to [`WAIT`]
//! for its turn, then is told the server is busy.
//!
//! Why threads of their own rather than Tokio's blocking pool: each check allocates and frees
//! 19 MiB, and the allocator keeps freed memory in the arena of the thread that used it. On
//! the blocking pool, which grows a thread for every database call waiting at once, the checks
//! wandered over many threads and arenas: 256 clients signing in at once took the server to
//! 1,576 MiB resident with only four checks running at a time; on four threads of their own,
//! 382 MiB (without any bound, as before: 12,025 MiB). `cargo bench -p server --bench sign_in`.

use std::{
    sync::{Arc, Mutex, mpsc},
    time::Duration,
};

use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot};

use crate::{accounts, error::AppError};

/// Password hashes computed or checked at once.
pub const AT_ONCE: usize = 4;
/// How long a request waits for its turn before the server answers `503`.
pub const WAIT: Duration = Duration::from_secs(2);

type Job = Box<dyn FnOnce() + Send>;

/// The threads and the places on them.
pub struct Passwords {
    places: Arc<Semaphore>,
    jobs: Mutex<mpsc::Sender<Job>>,
}

impl Default for Passwords {
    fn default() -> Self {
        Passwords::new()
    }
}

impl Passwords {
    /// Starts [`AT_ONCE`] threads; they end when this is dropped.
    pub fn new() -> Passwords {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..AT_ONCE {
            let queue = Arc::clone(&queue);
            let started = std::thread::Builder::new()
                .name(format!("password-{n}"))
                .spawn(move || {
                    loop {
                        let job = queue.lock().unwrap_or_else(|p| p.into_inner()).recv();
                        match job {
                            Ok(job) => job(),
                            Err(_) => break,
                        }
                    }
                });
            if let Err(e) = started {
                tracing::error!(error = %e, "cannot start a password thread");
            }
        }
        Passwords {
            places: Arc::new(Semaphore::new(AT_ONCE)),
            jobs: Mutex::new(jobs),
        }
    }

    /// Every place, held until the permit is dropped (tests use it to make the server busy).
    pub async fn occupy_all(&self) -> Option<OwnedSemaphorePermit> {
        Arc::clone(&self.places)
            .acquire_many_owned(u32::try_from(AT_ONCE).unwrap_or(u32::MAX))
            .await
            .ok()
    }

    /// Runs `work` on a password thread once a place is free; `503` if none is within
    /// [`WAIT`]. The place goes with the work, not with the request: a request that goes away
    /// meanwhile frees it only when its work is done (or skipped), so no more than
    /// [`AT_ONCE`] checks are ever queued or running.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let busy = || AppError::Busy(Duration::from_secs(1));
        let place = tokio::time::timeout(WAIT, Arc::clone(&self.places).acquire_owned())
            .await
            .map_err(|_| busy())?
            .map_err(|_| busy())?;
        let (done, result) = oneshot::channel();
        let job: Job = Box::new(move || {
            let _place = place;
            // Nobody waits for it any more: no work for nobody.
            if !done.is_closed() {
                let _ = done.send(work());
            }
        });
        self.jobs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .send(job)
            .map_err(|_| busy())?;
        result.await.map_err(|_| busy())
    }

    /// Does `password` match `hash`?
    pub async fn verify(&self, hash: String, password: String) -> Result<bool, AppError> {
        self.run(move || accounts::verify_password(&hash, &password))
            .await
    }

    /// An Argon2id hash of `password`.
    pub async fn hash(&self, password: String) -> Result<String, AppError> {
        Ok(self
            .run(move || accounts::hash_password(&password))
            .await??)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_check_waits_for_a_place_and_the_server_is_busy_without_one() {
        let p = Passwords::new();
        let hash = p.hash("korrekt pferd batterie".into()).await.ok();
        let hash = hash.unwrap_or_default();
        assert_eq!(
            p.verify(hash.clone(), "korrekt pferd batterie".into())
                .await
                .ok(),
            Some(true)
        );
        let all = p.occupy_all().await;
        let refused = p.verify(hash.clone(), "x".into()).await;
        assert!(matches!(refused, Err(AppError::Busy(_))));
        drop(all);
        assert_eq!(p.verify(hash, "x".into()).await.ok(), Some(false));
    }
}
