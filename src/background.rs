//! Background tasks (scheduled publication, webhook delivery) under supervision:
//! each runs in rounds on its own timer and thread; a round that panics is caught,
//! logged and retried after a backoff, and while a task's last round failed, or it
//! has not finished a round for too long, `/readyz` answers 503.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The longest wait before a task that panicked runs again.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// How the background tasks are doing; shared with `/readyz`.
#[derive(Debug, Clone, Default)]
pub struct Health {
    tasks: Arc<Mutex<BTreeMap<&'static str, TaskState>>>,
    /// A task made to panic in every round, to test the supervision end to end.
    faulty: Option<&'static str>,
}

#[derive(Debug, Clone)]
struct TaskState {
    every: Duration,
    last_ok: Instant,
    /// Rounds in a row that panicked.
    failures: u32,
    restarts: u64,
    rounds: u64,
}

/// What `/readyz` tells of one background task.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TaskReport {
    /// Rounds finished since the start.
    pub rounds: u64,
    /// Rounds that panicked, each followed by a restart.
    pub restarts: u64,
}

impl Health {
    /// Health for tasks of which `faulty`, if any, panics in every round.
    pub fn new(faulty: Option<&'static str>) -> Self {
        Self {
            faulty,
            ..Self::default()
        }
    }

    fn update(&self, name: &'static str, change: impl FnOnce(&mut TaskState)) {
        let mut tasks = self.tasks.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(state) = tasks.get_mut(name) {
            change(state);
        }
    }

    /// The tasks that are failing or stalled, with why; empty when all is well.
    pub fn problems(&self) -> Vec<String> {
        let tasks = self.tasks.lock().unwrap_or_else(|e| e.into_inner());
        tasks
            .iter()
            .filter_map(|(name, t)| {
                // A round may wait on a slow database write; far beyond that, it is stuck.
                let stalled = t.last_ok.elapsed() > t.every * 20 + Duration::from_secs(60);
                if t.failures > 0 {
                    Some(format!("{name}: its last {} round(s) failed", t.failures))
                } else if stalled {
                    Some(format!(
                        "{name}: no round finished for {:?}",
                        t.last_ok.elapsed()
                    ))
                } else {
                    None
                }
            })
            .collect()
    }

    /// Each task's rounds and restarts, by name.
    pub fn report(&self) -> BTreeMap<String, TaskReport> {
        let tasks = self.tasks.lock().unwrap_or_else(|e| e.into_inner());
        tasks
            .iter()
            .map(|(name, t)| {
                let report = TaskReport {
                    rounds: t.rounds,
                    restarts: t.restarts,
                };
                (name.to_string(), report)
            })
            .collect()
    }

    /// How many times the task `name` was restarted after a panic.
    pub fn restarts(&self, name: &str) -> u64 {
        self.report().get(name).map_or(0, |t| t.restarts)
    }
}

/// A running task; it stops when this is dropped.
pub struct Task {
    _stop: Sender<()>,
}

/// Runs `round` every `every` on a thread named `name`, until the returned task is
/// dropped. A round that panics is counted in `health` and run again after a
/// backoff that doubles up to 30 s.
pub fn spawn(
    name: &'static str,
    every: Duration,
    health: &Health,
    mut round: impl FnMut() + Send + 'static,
) -> Task {
    let (stop, stopped) = mpsc::channel::<()>();
    health
        .tasks
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(
            name,
            TaskState {
                every,
                last_ok: Instant::now(),
                failures: 0,
                restarts: 0,
                rounds: 0,
            },
        );
    let health = health.clone();
    std::thread::Builder::new()
        .name(name.into())
        .spawn(move || {
            let mut wait = every;
            let faulty = health.faulty == Some(name);
            while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(wait) {
                let run = || {
                    assert!(!faulty, "a fault injected for a test");
                    round()
                };
                match catch_unwind(AssertUnwindSafe(run)) {
                    Ok(()) => {
                        health.update(name, |t| {
                            t.last_ok = Instant::now();
                            t.failures = 0;
                            t.rounds += 1;
                        });
                        wait = every;
                    }
                    Err(panic) => {
                        let what = panic
                            .downcast_ref::<&str>()
                            .map(|s| s.to_string())
                            .or_else(|| panic.downcast_ref::<String>().cloned())
                            .unwrap_or_default();
                        tracing::error!(task = name, panic = %what, "background task panicked; restarting it");
                        let mut failures = 0;
                        health.update(name, |t| {
                            t.failures += 1;
                            t.restarts += 1;
                            failures = t.failures;
                        });
                        wait = (every * 2u32.saturating_pow(failures.min(16))).min(MAX_BACKOFF);
                    }
                }
            }
        })
        .expect("a thread can be spawned");
    Task { _stop: stop }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    fn until(what: &str, holds: impl Fn() -> bool) {
        for _ in 0..500 {
            if holds() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("never: {what}");
    }

    #[test]
    fn a_task_that_panics_is_restarted_and_fails_readiness_meanwhile() {
        let health = Health::default();
        let runs = Arc::new(AtomicU32::new(0));
        let failing = Arc::new(std::sync::atomic::AtomicBool::new(true));
        let (r, f) = (runs.clone(), failing.clone());
        let _task = spawn("flaky", Duration::from_millis(5), &health, move || {
            r.fetch_add(1, Ordering::SeqCst);
            assert!(!f.load(Ordering::SeqCst), "injected failure");
        });
        until("a round panics", || health.restarts("flaky") >= 2);
        assert_eq!(health.problems().len(), 1, "{:?}", health.problems());
        failing.store(false, Ordering::SeqCst);
        until("it recovers", || health.problems().is_empty());
        let before = runs.load(Ordering::SeqCst);
        until("it keeps running", || {
            runs.load(Ordering::SeqCst) > before + 2
        });
    }

    #[test]
    fn a_stalled_task_fails_readiness() {
        let health = Health::default();
        let _task = spawn("stuck", Duration::from_millis(1), &health, || {
            std::thread::sleep(Duration::from_secs(3600))
        });
        health.update("stuck", |t| t.last_ok -= Duration::from_secs(120));
        assert!(health.problems()[0].starts_with("stuck: no round finished"));
    }
}
