//! Threads of our own for one kind of storage call. Reads run on actix's shared
//! blocking pool, which a burst of slow reads (64 searches) can fill; a write or an
//! API key check queued behind them would wait for all of them, so an editor's PATCH
//! took as long as the slowest page of readers. Writes (one thread: SQLite has one
//! writer) and key checks each get a lane of their own instead, and wait only for
//! their own kind.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use super::{Result, StorageError};

type Job = Box<dyn FnOnce() + Send>;

/// A fixed number of threads taking jobs in order. Cheap to clone; the threads end
/// when the last clone is dropped.
#[derive(Clone, Debug)]
pub(crate) struct Lane(mpsc::Sender<Job>);

impl Lane {
    /// A lane of `threads` threads named after `name`.
    pub(crate) fn new(name: &str, threads: usize) -> Result<Self> {
        let (sender, receiver) = mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        for n in 0..threads.max(1) {
            let receiver = receiver.clone();
            std::thread::Builder::new()
                .name(format!("{name}-{n}"))
                .spawn(move || {
                    loop {
                        // The lock is held only while taking a job, never while running it.
                        let job = receiver.lock().unwrap_or_else(|p| p.into_inner()).recv();
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                })
                .map_err(|source| StorageError::Io {
                    what: format!("cannot start the {name} threads"),
                    source,
                })?;
        }
        Ok(Self(sender))
    }

    /// Runs `f` on the lane and waits for it without blocking the caller's thread. A
    /// panic in `f` is an error for this call only; the lane goes on.
    pub(crate) async fn run<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let (done, outcome) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            if let Ok(value) = catch_unwind(AssertUnwindSafe(f)) {
                let _ = done.send(value);
            }
        });
        let stopped = || StorageError::Blocking("the storage call did not complete".into());
        self.0.send(job).map_err(|_| stopped())?;
        outcome.await.map_err(|_| stopped())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[actix_web::test]
    async fn a_lane_answers_in_order_and_survives_a_panic() {
        let lane = Lane::new("test", 1).unwrap();
        assert_eq!(lane.run(|| 1 + 1).await.unwrap(), 2);
        let panicked = lane.run(|| -> u8 { panic!("a failing job") }).await;
        assert!(matches!(panicked, Err(StorageError::Blocking(_))));
        assert_eq!(lane.run(|| "still here").await.unwrap(), "still here");
    }

    #[actix_web::test]
    async fn a_write_does_not_wait_for_a_full_lane_of_another_kind() {
        let slow = Lane::new("slow", 1).unwrap();
        let fast = Lane::new("fast", 1).unwrap();
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let blocked =
            actix_web::rt::spawn(async move { slow.run(move || wait.recv().is_ok()).await });
        assert_eq!(fast.run(|| "answered").await.unwrap(), "answered");
        release.send(()).unwrap();
        assert!(blocked.await.unwrap().unwrap());
    }
}
