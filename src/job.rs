//! `changeos job show` and `changeos job wait`, and the wait that `send --wait` runs.

use std::cell::RefCell;
use std::time::Duration;

use changeos_client::api::{CallError, Client, Note};
use changeos_client::errors::{Call, code_hint};
use changeos_client::http::Interrupt;
use changeos_client::job::{self, Halt, Observer, PENDING_PAYMENT_HINT, Phase, PollPolicy, SystemClock, WaitEnd};
use changeos_models::models::Job;
use changeos_runtime::escape::escape_controls;
use serde_json::{Value, json};

use crate::cli::{JobAction, JobArgs, JobShowArgs, JobWaitArgs};
use crate::remote::{
    self, EXIT_INTERRUPTED, EXIT_JOB_FAILED, EXIT_OK, EXIT_OUTPUT, EXIT_TIMEOUT, Fail, Failed, Output, human_duration,
    shell_word,
};

pub fn run(args: &JobArgs) -> u8 {
    match &args.action {
        JobAction::Show(args) => {
            let mut out = Output::new(args.format);
            let code = show(args, &mut out).unwrap_or_else(|fail| out.fail(&fail));
            out.finish(code)
        }
        JobAction::Wait(args) => {
            let mut out = Output::new(args.format);
            let code = wait(args, &mut out).unwrap_or_else(|fail| out.fail(&fail));
            out.finish(code)
        }
    }
}

fn show(args: &JobShowArgs, out: &mut Output) -> Result<u8, Fail> {
    let connection = remote::connect(&args.connection, out)?;
    let resume = format!(
        "changeos job wait {} {}",
        shell_word(&args.job_id),
        connection.target_args
    );
    let several = connection.client.target().endpoints.len() > 1;
    let answer = connection
        .client
        .show_job(&args.job_id, None, &mut |note| job_query_note(out, note, several))
        .map_err(|e| {
            remote::call_failure(
                e,
                &Failed::ShowJob {
                    job_id: &args.job_id,
                    resume: &resume,
                },
            )
        })?;
    let phase = Phase::of(&answer.job);
    if out.json() {
        out.event(&status_event(&args.job_id, &answer.job, &answer.raw, None));
    } else {
        for line in report(&args.job_id, &answer.job, None) {
            out.out(&line);
        }
    }
    match phase {
        Phase::Fail => Err(failure(&args.job_id, &answer.job)),
        Phase::PendingPayment => {
            out.err(&format!("note: {PENDING_PAYMENT_HINT}"));
            Ok(EXIT_OK)
        }
        Phase::InProgress => {
            if !out.json() {
                out.err(&format!("to wait for the end: {resume}"));
            }
            Ok(EXIT_OK)
        }
        Phase::Success => Ok(EXIT_OK),
    }
}

fn wait(args: &JobWaitArgs, out: &mut Output) -> Result<u8, Fail> {
    let policy = remote::poll_policy(&args.polling)?;
    let connection = remote::connect(&args.connection, out)?;
    let resume = format!(
        "changeos job wait {} {}",
        shell_word(&args.job_id),
        connection.target_args
    );
    let interrupt = crate::interrupt::catch();
    let client = connection.client.with_interrupt(interrupt.clone());
    follow(&client, &args.job_id, &policy, &resume, &interrupt, out)
}

/// Follows a job until it ends or `policy.timeout` passes: one JSON line per state change with
/// `--format json`; otherwise a line per change on stderr, a live progress line on a
/// terminal, and the final report on stdout. An interrupt, or standard output that can no
/// longer be written, ends it early with the command that resumes.
pub fn follow(
    client: &Client,
    job_id: &str,
    policy: &PollPolicy,
    resume: &str,
    interrupt: &Interrupt,
    out: &mut Output,
) -> Result<u8, Fail> {
    out.if_output_lost(format!("job {job_id} goes on; follow it with: {resume}"));
    if !out.json() {
        out.err(&format!(
            "waiting for job {} (up to {}; interrupting does not stop the job)",
            escape_controls(job_id),
            human_duration(policy.timeout)
        ));
    }
    let several = client.target().endpoints.len() > 1;
    let shared = RefCell::new(out);
    let last_raw: RefCell<Option<Value>> = RefCell::new(None);
    let mut observer = Watch {
        out: &shared,
        job_id,
        last_raw: &last_raw,
        status: String::from("starting"),
        interrupt,
    };
    let result = job::wait(
        |left| {
            let answer = client
                .show_job(job_id, Some(left), &mut |note| {
                    job_query_note(&mut shared.borrow_mut(), note, several)
                })
                .map_err(|e| match e {
                    CallError::OutOfTime { last_failure } => Halt::OutOfTime(last_failure),
                    CallError::Interrupted { .. } => Halt::Stopped,
                    other => Halt::Failed(other),
                })?;
            *last_raw.borrow_mut() = Some(answer.raw);
            Ok(answer.job)
        },
        policy,
        &SystemClock,
        &mut observer,
    );
    let out = shared.into_inner();
    match result {
        Err(e) => Err(remote::call_failure(e, &Failed::ShowJob { job_id, resume })),
        Ok(WaitEnd::Finished { job, elapsed }) => {
            if !out.json() {
                for line in report(job_id, &job, Some(elapsed)) {
                    out.out(&line);
                }
            }
            if Phase::of(&job) == Phase::Fail {
                return Err(failure(job_id, &job));
            }
            Ok(EXIT_OK)
        }
        Ok(WaitEnd::TimedOut {
            last,
            elapsed,
            last_failure,
        }) => {
            let (status, state) = last_state(last.as_ref(), job_id);
            let mut fail = Fail::new(
                EXIT_TIMEOUT,
                format!("gave up waiting after {}: {state}", human_duration(elapsed)),
            );
            if let Some(why) = last_failure {
                fail = fail.note(format!("the last job query got no usable answer: {why}"));
            }
            fail = fail
                .note(format!("the job goes on; resume waiting with: {resume}"))
                .field("job_id", job_id)
                .field("status", status)
                .field("resume", resume);
            if last.as_ref().map(Phase::of) == Some(Phase::PendingPayment) {
                fail = fail.note(format!("hint: {PENDING_PAYMENT_HINT}"));
            }
            Err(fail)
        }
        Ok(WaitEnd::Stopped { last, elapsed }) if interrupt.is_set() => {
            let (status, state) = last_state(last.as_ref(), job_id);
            Err(Fail::new(
                EXIT_INTERRUPTED,
                format!("interrupted after {}: {state}", human_duration(elapsed)),
            )
            .note(format!(
                "interrupting stops the waiting, not the job; resume waiting with: {resume}"
            ))
            .field("job_id", job_id)
            .field("status", status)
            .field("resume", resume))
        }
        // Standard output failed: `Output::finish` says so, with the resume command.
        Ok(WaitEnd::Stopped { .. }) => Ok(EXIT_OUTPUT),
    }
}

/// The last status seen (`unknown` before any answer), and a sentence about it.
fn last_state(last: Option<&Job>, job_id: &str) -> (String, String) {
    match last.and_then(|j| j.status.as_ref()) {
        Some(status) => (
            status.to_string(),
            format!(
                "job {} is still {}",
                escape_controls(job_id),
                escape_controls(&status.to_string())
            ),
        ),
        None => (
            "unknown".to_owned(),
            format!("no answer about job {} yet", escape_controls(job_id)),
        ),
    }
}

/// Reports state changes and, on a terminal, the elapsed time.
struct Watch<'a, 'o> {
    out: &'a RefCell<&'o mut Output>,
    job_id: &'a str,
    last_raw: &'a RefCell<Option<Value>>,
    status: String,
    interrupt: &'a Interrupt,
}

impl Observer for Watch<'_, '_> {
    fn changed(&mut self, job: &Job, elapsed: Duration) {
        let mut out = self.out.borrow_mut();
        // Only shown, so kept as it is shown.
        self.status = job
            .status
            .as_ref()
            .map_or("(no status)".to_owned(), |s| escape_controls(s.as_str()).into_owned());
        let phase = Phase::of(job);
        if out.json() {
            let raw = self.last_raw.borrow().clone().unwrap_or(Value::Null);
            out.event(&status_event(self.job_id, job, &raw, Some(elapsed)));
        } else {
            let mut line = format!(
                "[{}] job {}: {}",
                human_duration(elapsed),
                escape_controls(self.job_id),
                self.status
            );
            if let Some(subs) = sub_job_summary(job) {
                line.push_str(&format!(" ({subs})"));
            }
            out.err(&line);
        }
        if phase == Phase::PendingPayment {
            out.err(&format!("note: {PENDING_PAYMENT_HINT}"));
        }
    }

    fn tick(&mut self, elapsed: Duration) {
        let line = format!(
            "job {}: {}, {} elapsed",
            escape_controls(self.job_id),
            self.status,
            human_duration(elapsed)
        );
        self.out.borrow_mut().progress(&line);
    }

    fn ticks(&self) -> bool {
        self.out.borrow().live()
    }

    fn stopped(&self) -> bool {
        self.interrupt.is_set() || self.out.borrow().stdout_failed()
    }
}

/// A line on a retry or a move to another endpoint; a retry names the endpoint that failed
/// when there are `several`.
fn job_query_note(out: &mut Output, note: &Note, several: bool) {
    out.err(&match note {
        Note::Retry(retry) => format!(
            "retrying the job query in {} ({}{}; retry {} of {})",
            human_duration(retry.delay),
            if several {
                format!("{}: ", retry.endpoint)
            } else {
                String::new()
            },
            escape_controls(&retry.reason),
            retry.retry,
            retry.of
        ),
        Note::Failover { from, to, reason } => format!(
            "the job query moves on from {from} to {to} ({})",
            escape_controls(reason)
        ),
    });
}

/// `{"event": "status", ...}`: the job as received, with its status pulled up.
fn status_event(job_id: &str, job: &Job, raw: &Value, elapsed: Option<Duration>) -> Value {
    let phase = Phase::of(job);
    let mut event = json!({
        "event": "status",
        "job_id": job_id,
        "status": job.status.as_ref().map(|s| s.to_string()),
        "final": phase.is_final(),
        "job": raw,
    });
    if let Some(elapsed) = elapsed {
        event["elapsed_ms"] = json!(elapsed.as_millis() as u64);
    }
    if phase == Phase::PendingPayment {
        event["hint"] = json!(PENDING_PAYMENT_HINT);
    }
    event
}

/// `1/2 sub-jobs SUCCESS`, or None without sub-jobs.
fn sub_job_summary(job: &Job) -> Option<String> {
    let subs = job.entities.as_ref()?.sub_jobs.as_ref()?;
    if subs.is_empty() {
        return None;
    }
    let done = subs
        .iter()
        .filter(|s| matches!(s.status.as_ref().map(|st| st.as_str()), Some("SUCCESS")))
        .count();
    Some(format!("{done}/{} sub-jobs SUCCESS", subs.len()))
}

/// The human report of a job, every text of the server's escaped.
fn report(job_id: &str, job: &Job, elapsed: Option<Duration>) -> Vec<String> {
    let status = job.status.as_ref().map_or("(no status)".to_owned(), |s| s.to_string());
    let kind = job.job_type.as_deref().map(|t| format!(" ({t})")).unwrap_or_default();
    let after = elapsed
        .map(|e| format!(" after {}", human_duration(e)))
        .unwrap_or_default();
    let head = format!("job {}{kind}: {status}", job.job_id.as_deref().unwrap_or(job_id));
    let mut lines = vec![format!("{}{after}", escape_controls(&head))];
    let entities = job.entities.as_ref();
    let mut field = |name: &str, value: Option<&str>| {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            lines.push(format!("  {name:<8} {}", escape_controls(value)));
        }
    };
    field("server:", entities.and_then(|e| e.server_id.as_deref()));
    field("begun:", job.begin_time.as_deref());
    field("ended:", job.end_time.as_deref());
    let error = match (job.error_code.as_deref(), job.fail_reason.as_deref()) {
        (Some(code), Some(reason)) => Some(format!("{code}: {reason}")),
        (Some(one), None) | (None, Some(one)) => Some(one.to_owned()),
        (None, None) => None,
    };
    field("error:", error.as_deref());
    if let Some(subs) = entities.and_then(|e| e.sub_jobs.as_ref()).filter(|s| !s.is_empty()) {
        lines.push(format!("  sub-jobs ({}):", subs.len()));
        for sub in subs {
            let mut line = format!(
                "{}{}: {}",
                sub.job_id.as_deref().unwrap_or("(no id)"),
                sub.job_type.as_deref().map(|t| format!(" ({t})")).unwrap_or_default(),
                sub.status.as_ref().map_or("(no status)".to_owned(), |s| s.to_string())
            );
            let reason = sub
                .fail_reason
                .as_deref()
                .or(sub.entities.as_ref().and_then(|e| e.errorcode_message.as_deref()));
            match (sub.error_code.as_deref(), reason) {
                (Some(code), Some(reason)) => line.push_str(&format!(", {code}: {reason}")),
                (Some(one), None) | (None, Some(one)) => line.push_str(&format!(", {one}")),
                (None, None) => {}
            }
            lines.push(format!("    {}", escape_controls(&line)));
        }
    }
    lines
}

/// The failure of a job that ended in FAIL: its code and reason, each failed sub-job's, a hint.
fn failure(job_id: &str, job: &Job) -> Fail {
    let code = job.error_code.clone().unwrap_or_default();
    let reason = job.fail_reason.clone().unwrap_or_default();
    let what = match (code.is_empty(), reason.is_empty()) {
        (false, false) => format!("{code}: {reason}"),
        (false, true) => code.clone(),
        (true, false) => reason.clone(),
        (true, true) => "the job gives no error code or reason".to_owned(),
    };
    let shown = format!("job {job_id} failed: {what}");
    let mut fail = Fail::new(EXIT_JOB_FAILED, escape_controls(&shown))
        .field("job_id", job_id)
        .field("error_code", job.error_code.clone())
        .field("fail_reason", job.fail_reason.clone());
    let subs = job.entities.as_ref().and_then(|e| e.sub_jobs.as_ref());
    let mut failed_subs = Vec::new();
    for sub in subs.into_iter().flatten() {
        if sub.status.as_ref().map(|s| s.as_str()) != Some("FAIL") {
            continue;
        }
        let reason = sub
            .fail_reason
            .clone()
            .or_else(|| sub.entities.as_ref().and_then(|e| e.errorcode_message.clone()))
            .unwrap_or_default();
        let id = sub.job_id.clone().unwrap_or_default();
        let shown = format!(
            "sub-job {id} failed: {}{}",
            sub.error_code.as_deref().map(|c| format!("{c}: ")).unwrap_or_default(),
            reason
        );
        fail = fail.note(escape_controls(&shown));
        failed_subs.push(json!({"job_id": id, "error_code": sub.error_code, "fail_reason": reason}));
    }
    if !failed_subs.is_empty() {
        fail = fail.field("failed_sub_jobs", failed_subs);
    }
    let hint = code_hint(&code, Call::ShowJob).or_else(|| {
        subs.into_iter()
            .flatten()
            .find_map(|s| s.error_code.as_deref().and_then(|c| code_hint(c, Call::ShowJob)))
    });
    if let Some(hint) = hint {
        fail = fail.note(format!("hint: {hint}"));
    }
    fail
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(name: &str) -> Job {
        let path = format!("{}/tests/data/responses/{name}", env!("CARGO_MANIFEST_DIR"));
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap()
    }

    #[test]
    fn report_of_a_failed_job() {
        let lines = report("x", &job("job-fail.json"), Some(Duration::from_secs(3)));
        assert_eq!(
            lines,
            [
                "job ff8080828f5a1b2c018f6e5c7e8f0200 (changeOS): FAIL after 3s",
                "  server:  c9aa197b-a6b6-4c33-b3a6-fa0b4ec50006",
                "  begun:   2024-05-13T09:02:16.912Z",
                "  ended:   2024-05-13T09:02:20.004Z",
                "  error:   Ecs.0031: Image e215580f-73ad-429d-b6f2-5433947433b0 could not be found.",
                "  sub-jobs (1):",
                "    ff8080828f5a1b2c018f6e5c7e8f0201 (changeOS): FAIL, Ecs.0031: Image \
                 e215580f-73ad-429d-b6f2-5433947433b0 could not be found.",
            ]
        );
        let fail = failure("J", &job("job-fail.json"));
        assert_eq!(fail.code, EXIT_JOB_FAILED);
        assert!(fail.message.starts_with("job J failed: Ecs.0031: Image"));
        assert!(fail.notes()[0].starts_with("sub-job ff8080828f5a1b2c018f6e5c7e8f0201 failed: Ecs.0031"));
        assert!(fail.notes()[1].contains("check `imageid`"));
    }

    #[test]
    fn status_events() {
        let pending = job("job-pending-payment.json");
        let event = status_event(
            "J",
            &pending,
            &json!({"status": "PENDING_PAYMENT"}),
            Some(Duration::from_millis(1500)),
        );
        assert_eq!(event["status"], "PENDING_PAYMENT");
        assert_eq!(event["final"], false);
        assert_eq!(event["elapsed_ms"], 1500);
        assert!(event["hint"].as_str().unwrap().contains("isAutoPay"));
        let running = job("job-running.json");
        assert_eq!(sub_job_summary(&running).as_deref(), Some("0/1 sub-jobs SUCCESS"));
    }
}
