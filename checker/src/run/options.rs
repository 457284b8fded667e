//! How a run of the hidden tests is configured: limits, parallelism and
//! whether cached verdicts may be used.
//!
//! Its own module because the engine and the verdict cache both read it
//! (the options are part of a cached verdict's key).

use std::time::Duration;

/// What every front end may choose about a run.
#[derive(Clone, Debug)]
pub struct Options {
    /// The watchdog's last-resort wall-clock limit for one test, on a quiet
    /// machine (see `watchdog`: CPU time and sleep decide first).
    pub deadline: Duration,
    /// How many test processes run at once.
    pub jobs: usize,
    /// Authors only: let insta record snapshots (`checker bless`).
    pub bless: bool,
    /// Reuse verdicts whose inputs have not changed (see `cache`). Off for
    /// `verify` and `grade`, which must run everything.
    pub cache: bool,
    /// A graded run's seed: the hidden tests draw the inputs they vary
    /// from it (see the harness's `vary`). `None` (check, verify) runs
    /// the published inputs.
    pub seed: Option<u64>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            deadline: Duration::from_secs(30),
            jobs: std::thread::available_parallelism().map_or(2, |n| n.get()),
            bless: false,
            cache: true,
            seed: None,
        }
    }
}
