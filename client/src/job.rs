//! Following a job to its end: what each status means, how often to ask, and the loop.
//!
//! A change-OS job goes `INIT` → `RUNNING` → `SUCCESS` or `FAIL`. `PENDING_PAYMENT` (a yearly
//! or monthly order waiting to be paid) stays until someone pays, so it does not end the wait
//! by itself; the caller tells the user what to do and [`wait`] goes on until the deadline.
//! Statuses this version does not know are treated as "still going".
//!
//! [`wait`] asks for the first time after [`PollPolicy::first`], then at intervals growing by
//! [`PollPolicy::factor`] up to [`PollPolicy::max`], and gives up at [`PollPolicy::timeout`]
//! (after one last look at the deadline). Each question gets only the time left (at least
//! [`LAST_LOOK`]), so the wait ends within about a second of its timeout whatever the network
//! does. It also ends, between questions, when its [`Observer`] says stop (an interrupt). Time
//! is read and spent through a [`Clock`], so tests run the loop without sleeping.

use std::time::{Duration, Instant};

use changeos_models::models::{Job, JobStatus};

/// What a job's status means for whoever waits for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// `INIT`, `RUNNING`, no status, or a status this version does not know.
    InProgress,
    /// `PENDING_PAYMENT`: an order waits to be paid.
    PendingPayment,
    /// `SUCCESS`.
    Success,
    /// `FAIL`.
    Fail,
}

impl Phase {
    /// The phase of a job.
    pub fn of(job: &Job) -> Phase {
        match &job.status {
            Some(JobStatus::Success) => Phase::Success,
            Some(JobStatus::Fail) => Phase::Fail,
            Some(JobStatus::PendingPayment) => Phase::PendingPayment,
            // `Init`, `Running`, a status the spec does not know yet (`Other`), and any variant
            // a later spec adds (the set is `#[non_exhaustive]`): still waiting.
            Some(_) | None => Phase::InProgress,
        }
    }

    /// `SUCCESS` or `FAIL`.
    pub fn is_final(self) -> bool {
        matches!(self, Phase::Success | Phase::Fail)
    }
}

/// What a state change is judged on: the job's status and each sub-job's.
pub fn state_key(job: &Job) -> (Option<String>, Vec<Option<String>>) {
    let subs = job
        .entities
        .as_ref()
        .and_then(|e| e.sub_jobs.as_ref())
        .map(|subs| {
            subs.iter()
                .map(|s| s.status.as_ref().map(|st| st.as_str().to_owned()))
                .collect()
        })
        .unwrap_or_default();
    (job.status.as_ref().map(|s| s.as_str().to_owned()), subs)
}

/// What to tell someone whose job waits for payment.
pub const PENDING_PAYMENT_HINT: &str = "the job waits for a yearly/monthly order to be paid: pay it in the console \
     (Billing Center > Orders > Pending payment), or send the change again with \"isAutoPay\": \"true\" to pay from \
     the account balance; an unpaid job is removed after 14 days";

/// How often to ask and for how long.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PollPolicy {
    /// Before the first question (a change takes minutes; asking at once only costs a request).
    pub first: Duration,
    /// Each interval is the previous one times this.
    pub factor: f64,
    /// No interval is longer.
    pub max: Duration,
    /// The wait ends after this, counted from its start.
    pub timeout: Duration,
}

impl Default for PollPolicy {
    /// First look after 5 s, then ×1.5 up to 30 s; give up after 30 minutes.
    fn default() -> Self {
        PollPolicy {
            first: Duration::from_secs(5),
            factor: 1.5,
            max: Duration::from_secs(30),
            timeout: Duration::from_secs(30 * 60),
        }
    }
}

impl PollPolicy {
    /// The pause before question number `n` (0 is the first).
    pub fn interval(&self, n: u32) -> Duration {
        let grown = self.first.as_secs_f64() * self.factor.max(1.0).powi(n.min(64) as i32);
        if !grown.is_finite() || grown >= self.max.as_secs_f64() {
            self.max.max(self.first)
        } else {
            Duration::from_secs_f64(grown)
        }
    }
}

/// A question asked at the deadline still gets this long for its answer.
pub const LAST_LOOK: Duration = Duration::from_secs(1);

/// How often a pause looks at [`Observer::stopped`].
const STOP_CHECK: Duration = Duration::from_millis(50);

/// Time, for the loop: read it and spend it.
pub trait Clock {
    /// Now, on a monotonic clock.
    fn now(&self) -> Instant;
    /// Waits.
    fn sleep(&self, duration: Duration);
}

/// The real clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }

    fn sleep(&self, duration: Duration) {
        std::thread::sleep(duration);
    }
}

/// Told what happens while waiting.
pub trait Observer {
    /// The job's state changed (or was seen for the first time).
    fn changed(&mut self, job: &Job, elapsed: Duration);
    /// Called about once a second between questions when [`Observer::ticks`] is true (for a
    /// live display of the elapsed time).
    fn tick(&mut self, _elapsed: Duration) {}
    /// Whether [`Observer::tick`] is wanted.
    fn ticks(&self) -> bool {
        false
    }
    /// Whether the wait should end now (asked often while pausing, and after each answer).
    fn stopped(&self) -> bool {
        false
    }
}

/// Why a question about the job gave no job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Halt<E> {
    /// The time left ran out before a usable answer: the wait ends as timed out. With why
    /// the last attempt failed, if one did.
    OutOfTime(Option<String>),
    /// The question was interrupted: the wait ends as stopped.
    Stopped,
    /// A failure that ends the wait with an error.
    Failed(E),
}

/// How a wait ended.
#[derive(Debug, Clone, PartialEq)]
pub enum WaitEnd {
    /// `SUCCESS` or `FAIL`.
    Finished {
        /// The last answer.
        job: Job,
        /// Since the wait began.
        elapsed: Duration,
    },
    /// The deadline came first.
    TimedOut {
        /// The last answer, if there was one.
        last: Option<Job>,
        /// Since the wait began.
        elapsed: Duration,
        /// Why the last question got no answer, when it got none.
        last_failure: Option<String>,
    },
    /// The observer said stop, or a question was interrupted.
    Stopped {
        /// The last answer, if there was one.
        last: Option<Job>,
        /// Since the wait began.
        elapsed: Duration,
    },
}

/// Asks `fetch` for the job until it is final or the policy's timeout passes. `fetch` gets the
/// time left before the deadline (at least [`LAST_LOOK`]) and must not take longer; it says
/// with a [`Halt`] why it has no job. Retries of transient failures belong inside `fetch`.
pub fn wait<E>(
    mut fetch: impl FnMut(Duration) -> Result<Job, Halt<E>>,
    policy: &PollPolicy,
    clock: &dyn Clock,
    observer: &mut dyn Observer,
) -> Result<WaitEnd, E> {
    let start = clock.now();
    let deadline = start + policy.timeout;
    let mut last: Option<Job> = None;
    let mut last_key = None;
    let since_start = || clock.now().saturating_duration_since(start);
    for n in 0u32.. {
        let now = clock.now();
        let pause = policy.interval(n).min(deadline.saturating_duration_since(now));
        if !sleep_observed(clock, pause, start, observer) {
            return Ok(WaitEnd::Stopped {
                last,
                elapsed: since_start(),
            });
        }
        let left = deadline.saturating_duration_since(clock.now()).max(LAST_LOOK);
        let job = match fetch(left) {
            Ok(job) => job,
            Err(Halt::Failed(e)) => return Err(e),
            Err(Halt::Stopped) => {
                return Ok(WaitEnd::Stopped {
                    last,
                    elapsed: since_start(),
                });
            }
            Err(Halt::OutOfTime(last_failure)) => {
                return Ok(WaitEnd::TimedOut {
                    last,
                    elapsed: since_start(),
                    last_failure,
                });
            }
        };
        let elapsed = since_start();
        let key = state_key(&job);
        if last_key.as_ref() != Some(&key) {
            observer.changed(&job, elapsed);
            last_key = Some(key);
        }
        if Phase::of(&job).is_final() {
            return Ok(WaitEnd::Finished { job, elapsed });
        }
        last = Some(job);
        if observer.stopped() {
            return Ok(WaitEnd::Stopped { last, elapsed });
        }
        if clock.now() >= deadline {
            return Ok(WaitEnd::TimedOut {
                last,
                elapsed,
                last_failure: None,
            });
        }
    }
    // `0u32..` ends only after u32::MAX questions.
    Ok(WaitEnd::TimedOut {
        last,
        elapsed: since_start(),
        last_failure: None,
    })
}

/// Pauses, ticking about once a second when the observer wants it; false when the observer
/// said stop.
fn sleep_observed(clock: &dyn Clock, pause: Duration, start: Instant, observer: &mut dyn Observer) -> bool {
    let end = clock.now() + pause;
    let mut next_tick = clock.now();
    loop {
        if observer.stopped() {
            return false;
        }
        let now = clock.now();
        if now >= end {
            return true;
        }
        if observer.ticks() && now >= next_tick {
            observer.tick(now.saturating_duration_since(start));
            next_tick = now + Duration::from_secs(1);
        }
        clock.sleep((end - now).min(STOP_CHECK));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    struct FakeClock {
        start: Instant,
        offset: Cell<Duration>,
    }

    impl FakeClock {
        fn new() -> Self {
            FakeClock {
                start: Instant::now(),
                offset: Cell::new(Duration::ZERO),
            }
        }
    }

    impl Clock for FakeClock {
        fn now(&self) -> Instant {
            self.start + self.offset.get()
        }
        fn sleep(&self, duration: Duration) {
            self.offset.set(self.offset.get() + duration);
        }
    }

    #[derive(Default)]
    struct Recorder {
        changes: Vec<(String, Duration)>,
        ticks: usize,
        want_ticks: bool,
    }

    impl Observer for Recorder {
        fn changed(&mut self, job: &Job, elapsed: Duration) {
            let status = job.status.as_ref().map_or("-".to_owned(), |s| s.to_string());
            self.changes.push((status, elapsed));
        }
        fn tick(&mut self, _elapsed: Duration) {
            self.ticks += 1;
        }
        fn ticks(&self) -> bool {
            self.want_ticks
        }
    }

    fn job(status: &str) -> Job {
        serde_json::from_value(serde_json::json!({"status": status, "job_id": "j"})).unwrap()
    }

    fn policy() -> PollPolicy {
        PollPolicy {
            first: Duration::from_secs(5),
            factor: 2.0,
            max: Duration::from_secs(20),
            timeout: Duration::from_secs(100),
        }
    }

    #[test]
    fn intervals_grow_to_the_cap() {
        let p = policy();
        let seconds: Vec<u64> = (0..6).map(|n| p.interval(n).as_secs()).collect();
        assert_eq!(seconds, [5, 10, 20, 20, 20, 20]);
        assert_eq!(p.interval(u32::MAX), Duration::from_secs(20));
        let flat = PollPolicy { factor: 0.5, ..p };
        assert_eq!(flat.interval(3), Duration::from_secs(5));
    }

    #[test]
    fn phases() {
        assert_eq!(Phase::of(&job("SUCCESS")), Phase::Success);
        assert_eq!(Phase::of(&job("FAIL")), Phase::Fail);
        assert_eq!(Phase::of(&job("PENDING_PAYMENT")), Phase::PendingPayment);
        for going in ["INIT", "RUNNING", "ROLLING_BACK"] {
            assert_eq!(Phase::of(&job(going)), Phase::InProgress);
        }
        assert!(!Phase::PendingPayment.is_final());
    }

    #[test]
    fn follows_init_running_success_reporting_each_change_once() {
        let clock = FakeClock::new();
        let mut answers = ["INIT", "INIT", "RUNNING", "RUNNING", "SUCCESS"].into_iter();
        let mut asked = Vec::new();
        let mut recorder = Recorder::default();
        let end = wait(
            |left| {
                asked.push(left);
                Ok::<_, Halt<()>>(job(answers.next().unwrap()))
            },
            &policy(),
            &clock,
            &mut recorder,
        )
        .unwrap();
        // Asked at 5, 15, 35, 55, 75 s.
        assert_eq!(
            recorder.changes,
            [
                ("INIT".to_owned(), Duration::from_secs(5)),
                ("RUNNING".to_owned(), Duration::from_secs(35)),
                ("SUCCESS".to_owned(), Duration::from_secs(75))
            ]
        );
        assert_eq!(asked[0], Duration::from_secs(95));
        assert!(
            matches!(end, WaitEnd::Finished { ref job, elapsed } if Phase::of(job) == Phase::Success && elapsed == Duration::from_secs(75))
        );
    }

    #[test]
    fn times_out_after_a_last_look_at_the_deadline() {
        let clock = FakeClock::new();
        let mut count = 0;
        let end = wait(
            |_| {
                count += 1;
                Ok::<_, Halt<()>>(job("PENDING_PAYMENT"))
            },
            &policy(),
            &clock,
            &mut Recorder::default(),
        )
        .unwrap();
        // 5, 15, 35, 55, 75, 95, then the deadline at 100.
        assert_eq!(count, 7);
        assert!(
            matches!(end, WaitEnd::TimedOut { last: Some(ref j), elapsed, last_failure: None } if Phase::of(j) == Phase::PendingPayment && elapsed == Duration::from_secs(100))
        );
    }

    #[test]
    fn errors_end_the_wait_and_ticks_come_every_second() {
        let clock = FakeClock::new();
        let mut recorder = Recorder {
            want_ticks: true,
            ..Recorder::default()
        };
        let result = wait(
            |_| Err::<Job, _>(Halt::Failed("gone")),
            &policy(),
            &clock,
            &mut recorder,
        );
        assert_eq!(result.unwrap_err(), "gone");
        assert_eq!(recorder.ticks, 5);
    }

    #[test]
    fn no_question_gets_more_than_the_time_left_nor_less_than_a_last_look() {
        let clock = FakeClock::new();
        let mut asked = Vec::new();
        wait(
            |left| {
                asked.push(left);
                Ok::<_, Halt<()>>(job("RUNNING"))
            },
            &policy(),
            &clock,
            &mut Recorder::default(),
        )
        .unwrap();
        // Asked at 5, 15, 35, 55, 75, 95 and 100 s of 100.
        let seconds: Vec<u64> = asked.iter().map(Duration::as_secs).collect();
        assert_eq!(seconds, [95, 85, 65, 45, 25, 5, 1]);
        assert_eq!(asked.last(), Some(&LAST_LOOK));
    }

    #[test]
    fn running_out_of_time_in_a_question_is_a_timeout_and_an_interrupt_a_stop() {
        let clock = FakeClock::new();
        let mut answers = vec![Ok(job("RUNNING")), Err(Halt::<()>::OutOfTime(Some("slow".to_owned())))].into_iter();
        let end = wait(|_| answers.next().unwrap(), &policy(), &clock, &mut Recorder::default()).unwrap();
        assert!(
            matches!(end, WaitEnd::TimedOut { last: Some(ref j), elapsed, last_failure: Some(ref why) }
                if Phase::of(j) == Phase::InProgress && elapsed == Duration::from_secs(15) && why == "slow"),
            "{end:?}"
        );
        let end = wait(
            |_| Err::<Job, Halt<()>>(Halt::Stopped),
            &policy(),
            &clock,
            &mut Recorder::default(),
        )
        .unwrap();
        assert!(matches!(end, WaitEnd::Stopped { last: None, .. }), "{end:?}");
    }

    #[test]
    fn an_observer_that_says_stop_ends_the_pause_at_once() {
        struct StopAt(Instant);
        impl Observer for StopAt {
            fn changed(&mut self, _: &Job, _: Duration) {}
            fn stopped(&self) -> bool {
                self.0 <= Instant::now()
            }
        }
        let clock = FakeClock::new();
        let mut asked = 0;
        // Already past: the first pause ends before any question.
        let end = wait(
            |_| {
                asked += 1;
                Ok::<_, Halt<()>>(job("RUNNING"))
            },
            &policy(),
            &clock,
            &mut StopAt(Instant::now()),
        )
        .unwrap();
        assert_eq!(asked, 0);
        assert!(matches!(end, WaitEnd::Stopped { last: None, elapsed } if elapsed == Duration::ZERO));
    }

    #[test]
    fn sub_job_changes_count_as_changes() {
        let running = |sub: &str| -> Job {
            serde_json::from_value(serde_json::json!({
                "status": "RUNNING",
                "entities": {"sub_jobs": [{"status": sub}]}
            }))
            .unwrap()
        };
        assert_ne!(state_key(&running("INIT")), state_key(&running("RUNNING")));
        assert_eq!(state_key(&running("INIT")), state_key(&running("INIT")));
    }
}
