//! The two calls, with the rules that make them safe: [`Client::change_os`] sends its POST
//! exactly once and says when its outcome is unknown; [`Client::show_job`] is a GET, retried
//! on 429, 5xx and transport failures with capped, jittered exponential backoff that honours
//! `Retry-After`, each attempt signed afresh, all of it within the time a wait has left.
//! With [`Client::with_interrupt`], both end soon after the [`Interrupt`] is set, even with a
//! request in flight.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use changeos_models::lint::Operation;
use changeos_models::models::{Job, JobIdResponse};
use serde_json::Value;

use crate::credentials::Auth;
use crate::date::SdkDate;
use crate::endpoints::Endpoints;
use crate::errors::ApiError;
use crate::http::{self, INTERRUPT_CHECK, Interrupt, Response, RetryPolicy, Transport, TransportError};
use crate::job::Clock;
use crate::not_sent::{NotSent, Unreached};
use crate::request::{self, PreparedRequest, Target};
use crate::signer::{Endpoint, RequestToSign, SignError};

/// Why a call did not give its result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    /// The request could not be built or signed (a bad id, bad credentials).
    #[error(transparent)]
    Request(#[from] SignError),
    /// The request certainly did not reach the server: each endpoint tried, with why.
    #[error("cannot reach the endpoint: {0}")]
    NotSent(Unreached),
    /// The API answered with an error.
    #[error("{0}")]
    Api(Box<ApiError>),
    /// The request was sent but no usable answer came back: for the POST, the change may have
    /// been made. `answer` is the error answer that left it open (a 502 or 504 from a gateway),
    /// if that is what happened.
    #[error("{reason}")]
    OutcomeUnknown {
        /// What happened.
        reason: String,
        /// A gateway's error answer, if any.
        answer: Option<Box<ApiError>>,
    },
    /// The job query's time (a wait's deadline) ran out before a usable answer: the attempt in
    /// flight was cut short, or the next retry would come too late.
    #[error("no usable answer in the time left{}", .last_failure.as_deref().map(|f| format!(" (the last attempt: {f})")).unwrap_or_default())]
    OutOfTime {
        /// Why the last attempt failed, if one did.
        last_failure: Option<String>,
    },
    /// The [`Interrupt`] was set.
    #[error("interrupted")]
    Interrupted {
        /// Whether a request was in flight (and so may have reached the server).
        in_flight: bool,
    },
}

/// The answer to the POST: the job that performs the change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// The job id.
    pub job_id: String,
    /// The `X-Request-Id` header.
    pub request_id: Option<String>,
    /// The HTTP status (200 or 202 in practice).
    pub status: u16,
}

/// A job as ShowJob returned it.
#[derive(Debug, Clone, PartialEq)]
pub struct JobAnswer {
    /// Typed.
    pub job: Job,
    /// As received (unknown members kept), for JSON output.
    pub raw: Value,
    /// The `X-Request-Id` header.
    pub request_id: Option<String>,
}

/// Told about each retry of a GET, so that the user sees why it takes longer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryNote {
    /// The endpoint whose failure is retried (`https://host`).
    pub endpoint: String,
    /// 1 for the first retry.
    pub retry: u32,
    /// Of at most this many.
    pub of: u32,
    /// Before it.
    pub delay: Duration,
    /// Why (an HTTP status and code, or a transport failure).
    pub reason: String,
}

/// What a call tells while it goes on: a retry, or a move to the next endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// A GET is retried after a pause.
    Retry(RetryNote),
    /// The next attempt goes to another endpoint, because of `reason`.
    Failover {
        /// The endpoint that failed.
        from: String,
        /// The one tried next.
        to: String,
        /// Why `from` failed.
        reason: String,
    },
}

/// What every call needs besides its target: the transport, the credentials, the retry policy
/// and the clock, and an interrupt. It signs requests and sends them: a POST once, a GET with
/// retries. [`Client`] uses it for the two ECS calls; the IAM project lookup uses it for its GET.
pub struct Session {
    transport: Transport,
    auth: Auth,
    user_agent: String,
    fixed_date: Option<SdkDate>,
    retry: RetryPolicy,
    clock: Arc<dyn Clock + Send + Sync>,
    interrupt: Option<Interrupt>,
    /// The endpoint that answered last: the next GET starts there, so that a wait keeps
    /// polling the endpoint that works instead of knocking at a dead one first each time.
    answered: Mutex<Option<Endpoint>>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("auth", &self.auth)
            .field("user_agent", &self.user_agent)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// A session; each request is signed at the system time unless
    /// [`Session::with_fixed_date`] pins it.
    pub fn new(
        transport: Transport,
        auth: Auth,
        user_agent: impl Into<String>,
        retry: RetryPolicy,
        clock: Arc<dyn Clock + Send + Sync>,
    ) -> Session {
        Session {
            transport,
            auth,
            user_agent: user_agent.into(),
            fixed_date: None,
            retry,
            clock,
            interrupt: None,
            answered: Mutex::new(None),
        }
    }

    /// Ends calls with [`CallError::Interrupted`] soon after `interrupt` is set, a request in
    /// flight or not.
    pub fn with_interrupt(mut self, interrupt: Interrupt) -> Session {
        self.interrupt = Some(interrupt);
        self
    }

    /// Pins `X-Sdk-Date` (for reproducible dry runs).
    pub fn with_fixed_date(mut self, date: Option<SdkDate>) -> Session {
        self.fixed_date = date;
        self
    }

    /// The credentials in use.
    pub fn auth(&self) -> &Auth {
        &self.auth
    }

    /// The `User-Agent` of every request.
    pub fn user_agent(&self) -> &str {
        &self.user_agent
    }

    /// Where in `endpoints` to begin: at the one that answered last, if it is there.
    fn start_at(&self, endpoints: &Endpoints) -> usize {
        let answered = self.answered.lock().unwrap_or_else(|e| e.into_inner());
        answered
            .as_ref()
            .and_then(|endpoint| endpoints.position(endpoint))
            .unwrap_or(0)
    }

    /// Remembers that `endpoint` answered.
    fn remember(&self, endpoint: &Endpoint) {
        *self.answered.lock().unwrap_or_else(|e| e.into_inner()) = Some(endpoint.clone());
    }

    fn interrupted(&self) -> bool {
        self.interrupt.as_ref().is_some_and(Interrupt::is_set)
    }

    /// Sleeps, in short steps when an interrupt can end the sleep; false when it did.
    fn pause(&self, duration: Duration) -> bool {
        if self.interrupt.is_none() {
            self.clock.sleep(duration);
            return true;
        }
        let end = self.clock.now() + duration;
        loop {
            if self.interrupted() {
                return false;
            }
            let now = self.clock.now();
            if now >= end {
                return true;
            }
            self.clock.sleep((end - now).min(INTERRUPT_CHECK));
        }
    }

    fn date(&self) -> Result<SdkDate, SignError> {
        if let Some(date) = self.fixed_date {
            return Ok(date);
        }
        let seconds = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Ok(SdkDate::from_unix_seconds(seconds)?)
    }

    /// Authenticates a request (signed at the session's date), ready to send.
    pub fn prepare(&self, request: RequestToSign) -> Result<PreparedRequest, SignError> {
        request::prepare(request, &self.auth, self.date()?)
    }

    /// Sends a request prepared for `endpoint` once, never again whatever happens: any answer
    /// is returned, a transport failure says whether the request may have been sent.
    pub fn send_once(&self, endpoint: &Endpoint, prepared: &PreparedRequest) -> Result<Response, CallError> {
        if self.interrupted() {
            return Err(CallError::Interrupted { in_flight: false });
        }
        match self.transport.send_within(prepared, None, self.interrupt.as_ref()) {
            Ok(response) => Ok(response),
            Err(TransportError::NotSent(not_sent)) => {
                Err(CallError::NotSent(Unreached::new(endpoint.clone(), not_sent)))
            }
            Err(TransportError::Unknown(reason)) => Err(CallError::OutcomeUnknown { reason, answer: None }),
            Err(TransportError::Interrupted) => Err(CallError::Interrupted { in_flight: true }),
            Err(e @ TransportError::OutOfTime) => Err(CallError::OutcomeUnknown {
                reason: e.to_string(),
                answer: None,
            }),
        }
    }

    /// Sends a GET until it gives a 2xx answer, retrying what is worth retrying; `build` makes
    /// the request afresh for each attempt, for the endpoint it goes to, and it is signed
    /// afresh. The first attempt goes to the endpoint that answered last (else the first one);
    /// after any failure the next attempt goes to the next endpoint. An endpoint that cannot be
    /// reached (nothing was sent) is skipped at once, without spending a retry; when none can
    /// be reached, that is one failed attempt, whose error lists each endpoint with its
    /// failure. `budget` is the time left before a wait's deadline: no attempt runs past it
    /// (the one in flight is cut short) and no retry is scheduled beyond it, either of which
    /// ends the call with [`CallError::OutOfTime`]. A failure that a retry cannot mend (a
    /// rejected certificate at every endpoint, an error answer other than 429 and 5xx) is not
    /// retried. `on_note` is told before each retry and each move to another endpoint.
    pub fn get(
        &self,
        endpoints: &Endpoints,
        build: &dyn Fn(&Endpoint) -> Result<RequestToSign, SignError>,
        budget: Option<Duration>,
        on_note: &mut dyn FnMut(&Note),
    ) -> Result<Response, CallError> {
        let start = self.clock.now();
        let left = |clock: &dyn Clock| budget.map(|b| b.saturating_sub(clock.now().saturating_duration_since(start)));
        let mut retry = 0;
        let mut last_failure = None;
        let mut at = self.start_at(endpoints);
        // The endpoints found unreachable in a row since the last pause or answer.
        let mut unreached: Option<Unreached> = None;
        // The endpoint of the last attempt and why it failed, for the note of a move.
        let mut previous: Option<(String, String)> = None;
        loop {
            if self.interrupted() {
                return Err(CallError::Interrupted { in_flight: false });
            }
            let limit = left(self.clock.as_ref());
            if limit == Some(Duration::ZERO) {
                return Err(CallError::OutOfTime { last_failure });
            }
            let endpoint = endpoints.at(at);
            note_failover(previous.take(), endpoint, on_note);
            let prepared = self.prepare(build(endpoint)?)?;
            let attempt = match self.transport.send_within(&prepared, limit, self.interrupt.as_ref()) {
                Err(TransportError::NotSent(not_sent)) => {
                    let reason = not_sent.to_string();
                    let round = add_to_round(unreached.take(), endpoint, not_sent);
                    if round.len() < endpoints.len() {
                        unreached = Some(round);
                        previous = Some((endpoint.to_string(), reason));
                        at += 1;
                        continue;
                    }
                    judge_unreached(round)
                }
                outcome => {
                    unreached = None;
                    self.judge(endpoint, outcome)
                }
            };
            let (failure, retry_after) = match attempt {
                Attempt::End(result) => return result,
                Attempt::Retry { failure, retry_after } => (failure, retry_after),
            };
            if retry >= self.retry.retries {
                return Err(failure);
            }
            let delay = self.retry.delay(retry, retry_after, http::random());
            let reason = describe_failure(&failure);
            if left(self.clock.as_ref()).is_some_and(|left| delay > left) {
                let wait = retry_after.map(|d| format!("; the server asks to wait {}s", d.as_secs()));
                return Err(CallError::OutOfTime {
                    last_failure: Some(format!("{reason}{}", wait.unwrap_or_default())),
                });
            }
            retry += 1;
            on_note(&Note::Retry(RetryNote {
                endpoint: endpoint.to_string(),
                retry,
                of: self.retry.retries,
                delay,
                reason: reason.clone(),
            }));
            // When none could be reached the retry note has said why; a move note would repeat it.
            if !matches!(failure, CallError::NotSent(_)) {
                previous = Some((endpoint.to_string(), reason.clone()));
            }
            last_failure = Some(reason);
            at += 1;
            if !self.pause(delay) {
                return Err(CallError::Interrupted { in_flight: false });
            }
        }
    }

    /// What an attempt at `endpoint` that reached it (or may have) comes to.
    fn judge(&self, endpoint: &Endpoint, outcome: Result<Response, TransportError>) -> Attempt {
        let retry = |failure, retry_after| Attempt::Retry { failure, retry_after };
        match outcome {
            // [`Session::get`] collects these into a round and judges it with `judge_unreached`;
            // should one come here, it is a round of its own.
            Err(TransportError::NotSent(not_sent)) => judge_unreached(Unreached::new(endpoint.clone(), not_sent)),
            Ok(response) => {
                self.remember(endpoint);
                if (200..300).contains(&response.status) {
                    return Attempt::End(Ok(response));
                }
                let error = api_error(&response, SystemTime::now());
                if !http::is_retryable_status(response.status) {
                    return Attempt::End(Err(CallError::Api(Box::new(error))));
                }
                let retry_after = error.retry_after.map(Duration::from_secs);
                retry(CallError::Api(Box::new(error)), retry_after)
            }
            Err(TransportError::Unknown(reason)) => retry(CallError::OutcomeUnknown { reason, answer: None }, None),
            Err(TransportError::OutOfTime) => Attempt::End(Err(CallError::OutOfTime {
                last_failure: Some("cut short at the deadline, still waiting for the answer".to_owned()),
            })),
            Err(TransportError::Interrupted) => Attempt::End(Err(CallError::Interrupted { in_flight: true })),
        }
    }
}

/// How an attempt of a GET ended.
enum Attempt {
    /// With this result: no retry.
    End(Result<Response, CallError>),
    /// With a failure worth a retry.
    Retry {
        failure: CallError,
        retry_after: Option<Duration>,
    },
}

/// `round` with `endpoint` added; the first endpoint that cannot be reached starts a round.
fn add_to_round(round: Option<Unreached>, endpoint: &Endpoint, not_sent: NotSent) -> Unreached {
    match round {
        Some(mut round) => {
            round.push(endpoint.clone(), not_sent);
            round
        }
        None => Unreached::new(endpoint.clone(), not_sent),
    }
}

/// A round in which no endpoint could be reached: retried when a refused connection may be
/// accepted later, not when every failure is lasting (a rejected certificate).
fn judge_unreached(round: Unreached) -> Attempt {
    if round.may_pass_later() {
        Attempt::Retry {
            failure: CallError::NotSent(round),
            retry_after: None,
        }
    } else {
        Attempt::End(Err(CallError::NotSent(round)))
    }
}

/// Tells of a move from the endpoint of the last attempt, if it failed, to another.
fn note_failover(previous: Option<(String, String)>, next: &Endpoint, on_note: &mut dyn FnMut(&Note)) {
    if let Some((from, reason)) = previous {
        let to = next.to_string();
        if from != to {
            on_note(&Note::Failover { from, to, reason });
        }
    }
}

/// The change-OS request signed for each endpoint of the target (the signature covers the
/// `Host` header, so each endpoint has its own), in the order they are tried.
#[derive(Debug, Clone)]
pub struct PreparedChangeOs {
    first: (Endpoint, PreparedRequest),
    rest: Vec<(Endpoint, PreparedRequest)>,
}

impl PreparedChangeOs {
    /// The request to the first endpoint (what a dry run prints).
    pub fn first(&self) -> &PreparedRequest {
        &self.first.1
    }

    /// Each endpoint with its request, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&Endpoint, &PreparedRequest)> {
        std::iter::once(&self.first)
            .chain(self.rest.iter())
            .map(|(endpoint, request)| (endpoint, request))
    }
}

/// Sends the change-OS POST and asks for jobs, for one project at one endpoint.
#[derive(Debug)]
pub struct Client {
    session: Session,
    target: Target,
}

impl Client {
    /// A client for `target`.
    pub fn new(session: Session, target: Target) -> Client {
        Client { session, target }
    }

    /// Ends calls with [`CallError::Interrupted`] soon after `interrupt` is set, a request in
    /// flight or not.
    pub fn with_interrupt(mut self, interrupt: Interrupt) -> Client {
        self.session = self.session.with_interrupt(interrupt);
        self
    }

    /// Pins `X-Sdk-Date`.
    pub fn with_fixed_date(mut self, date: Option<SdkDate>) -> Client {
        self.session = self.session.with_fixed_date(date);
        self
    }

    /// Where requests go.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// The credentials in use.
    pub fn auth(&self) -> &Auth {
        self.session.auth()
    }

    /// The change-OS request signed for each endpoint, not sent (a dry run prints the first).
    pub fn prepare_change_os(
        &self,
        operation: Operation,
        server_id: &str,
        body: Vec<u8>,
    ) -> Result<PreparedChangeOs, SignError> {
        let prepare = |endpoint: &Endpoint| -> Result<(Endpoint, PreparedRequest), SignError> {
            let request = request::change_os(
                &self.target,
                endpoint,
                operation,
                server_id,
                body.clone(),
                self.session.user_agent(),
            )?;
            Ok((endpoint.clone(), self.session.prepare(request)?))
        };
        Ok(PreparedChangeOs {
            first: prepare(self.target.endpoints.first())?,
            rest: self
                .target
                .endpoints
                .rest()
                .iter()
                .map(prepare)
                .collect::<Result<_, _>>()?,
        })
    }

    /// Sends a prepared change-OS request, once: to the first endpoint, and to the next one
    /// only when the request certainly was not sent ([`CallError::NotSent`]: the name does not
    /// resolve, the connection is refused, the TLS handshake fails), never after anything that
    /// may have left; `on_note` is told of each move. When no endpoint can be reached, the
    /// error lists each with its failure. Any 2xx with a job id is acceptance; an error answer
    /// is [`CallError::Api`] except 502 and 504, which gateways give when the service behind
    /// them may have received the request ([`CallError::OutcomeUnknown`], as is any failure
    /// after the connection was made and a 2xx without a readable job id).
    pub fn change_os(
        &self,
        prepared: &PreparedChangeOs,
        on_note: &mut dyn FnMut(&Note),
    ) -> Result<Accepted, CallError> {
        let (endpoint, request) = &prepared.first;
        let mut unreached = match self.change_os_at(endpoint, request) {
            Err(CallError::NotSent(failed)) => failed,
            other => return other,
        };
        for (endpoint, request) in &prepared.rest {
            let last = unreached.last();
            note_failover(
                Some((last.endpoint.to_string(), last.not_sent.to_string())),
                endpoint,
                on_note,
            );
            match self.change_os_at(endpoint, request) {
                Err(CallError::NotSent(failed)) => unreached.extend(failed),
                other => return other,
            }
        }
        Err(CallError::NotSent(unreached))
    }

    /// The change-OS request sent once to `endpoint`, and its answer read.
    fn change_os_at(&self, endpoint: &Endpoint, request: &PreparedRequest) -> Result<Accepted, CallError> {
        let response = self.session.send_once(endpoint, request)?;
        self.session.remember(endpoint);
        accepted(response)
    }

    /// Asks for a job, retrying what is worth retrying ([`Session::get`]) at the target's
    /// endpoints, within `budget`.
    pub fn show_job(
        &self,
        job_id: &str,
        budget: Option<Duration>,
        on_note: &mut dyn FnMut(&Note),
    ) -> Result<JobAnswer, CallError> {
        let build = |endpoint: &Endpoint| request::show_job(&self.target, endpoint, job_id, self.session.user_agent());
        let response = self.session.get(&self.target.endpoints, &build, budget, on_note)?;
        read_job(&response)
    }
}

/// The POST's answer read: acceptance, or why not.
fn accepted(response: Response) -> Result<Accepted, CallError> {
    let request_id = response.request_id().map(str::to_owned);
    if !(200..300).contains(&response.status) {
        let error = api_error(&response, SystemTime::now());
        return Err(if matches!(response.status, 502 | 504) {
            CallError::OutcomeUnknown {
                reason: format!(
                    "the gateway answered HTTP {} after passing the request on",
                    response.status
                ),
                answer: Some(Box::new(error)),
            }
        } else {
            CallError::Api(Box::new(error))
        });
    }
    let job_id = serde_json::from_slice::<JobIdResponse>(&response.body)
        .ok()
        .and_then(|r| r.job_id)
        .filter(|id| !id.is_empty());
    match job_id {
        Some(job_id) => Ok(Accepted {
            job_id,
            request_id,
            status: response.status,
        }),
        None => Err(CallError::OutcomeUnknown {
            reason: format!(
                "the server answered HTTP {}{} but the answer has no readable job id: {}",
                response.status,
                request_id
                    .as_deref()
                    .map(|id| format!(" (X-Request-Id {id})"))
                    .unwrap_or_default(),
                crate::errors::raw_message(&response.body)
            ),
            answer: None,
        }),
    }
}

fn api_error(response: &Response, now: SystemTime) -> ApiError {
    let location = (300..400)
        .contains(&response.status)
        .then(|| response.header("location"))
        .flatten();
    let mut error = ApiError::parse(response.status, response.request_id(), &response.body).with_location(location);
    error.retry_after = http::retry_after(response, now).map(|d| d.as_secs());
    error
}

fn read_job(response: &Response) -> Result<JobAnswer, CallError> {
    let request_id = response.request_id().map(str::to_owned);
    let unreadable = |why: String| CallError::OutcomeUnknown {
        reason: format!(
            "the job query answered HTTP {}{} with {why}",
            response.status,
            request_id
                .as_deref()
                .map(|id| format!(" (X-Request-Id {id})"))
                .unwrap_or_default()
        ),
        answer: None,
    };
    let raw: Value = serde_json::from_slice(&response.body).map_err(|e| {
        unreadable(format!(
            "malformed JSON ({e}): {}",
            crate::errors::raw_message(&response.body)
        ))
    })?;
    let job: Job = serde_json::from_value(raw.clone()).map_err(|e| unreadable(format!("an unexpected shape ({e})")))?;
    if job.status.is_none() && (job.code.is_some() || job.message.is_some()) {
        // The query itself failed (reference §3.1: `code` and `message`).
        let error = ApiError::parse(response.status, response.request_id(), &response.body);
        return Err(CallError::Api(Box::new(error)));
    }
    if job.status.is_none() {
        return Err(unreadable("no job status".to_owned()));
    }
    Ok(JobAnswer { job, raw, request_id })
}

fn describe_failure(error: &CallError) -> String {
    match error {
        CallError::Api(e) => e.headline(),
        CallError::NotSent(unreached) => unreached.to_string(),
        CallError::OutcomeUnknown { reason, .. } => reason.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::TcpListener;

    use super::*;
    use crate::http::TransportConfig;
    use crate::job::SystemClock;
    use crate::not_sent::{NotSentCause, Refusals};
    use crate::signer::{Method, ResourcePath};

    fn session(retries: u32) -> Session {
        let transport = Transport::new(
            TransportConfig {
                connect_timeout: Duration::from_secs(5),
                read_timeout: Duration::from_secs(5),
            },
            &crate::trust::Roots::bundled(),
            None,
        );
        let retry = RetryPolicy {
            retries,
            base: Duration::from_millis(1),
            ..RetryPolicy::default()
        };
        let auth = Auth::ak_sk("AK", "SecretKeyValue", None).unwrap();
        Session::new(transport, auth, "test-agent", retry, Arc::new(SystemClock))
    }

    fn endpoint(url: &str) -> Endpoint {
        Endpoint::parse(url).unwrap()
    }

    /// A port that refuses connections.
    fn refused() -> Endpoint {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        endpoint(&format!("http://127.0.0.1:{port}"))
    }

    /// A server answering `200 {}` to every request, for as long as the test runs.
    fn answering() -> Endpoint {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).is_ok_and(|n| n == 1) {
                    head.push(byte[0]);
                }
                let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
            }
        });
        endpoint(&url)
    }

    fn get(session: &Session, endpoints: &Endpoints) -> (Result<Response, CallError>, Vec<Note>) {
        let build = |e: &Endpoint| Ok(RequestToSign::new(Method::Get, e.clone(), ResourcePath::new("/x")?));
        let mut notes = Vec::new();
        let result = session.get(endpoints, &build, None, &mut |n| notes.push(n.clone()));
        (result, notes)
    }

    #[test]
    fn each_endpoint_has_its_own_signed_request() {
        let target = Target {
            endpoints: Endpoints::new(endpoint("a.example.com"), vec![endpoint("b.example.com")]),
            project_id: "proj123".into(),
        };
        let client = Client::new(session(0), target);
        let prepared = client
            .prepare_change_os(Operation::ChangeServerOsWithCloudInit, "srv-1", b"{}".to_vec())
            .unwrap();
        let all: Vec<_> = prepared.iter().collect();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].1.header("Host"), Some("a.example.com"));
        assert_eq!(all[1].1.header("Host"), Some("b.example.com"));
        assert_ne!(all[0].1.header("Authorization"), all[1].1.header("Authorization"));
        assert!(all[1].1.url.starts_with("https://b.example.com/v2/proj123/"));
        assert_eq!(prepared.first().url, all[0].1.url);
        assert_eq!(prepared.first().header("Host"), Some("a.example.com"));
    }

    #[test]
    fn a_get_skips_what_it_cannot_reach_without_a_retry_and_starts_where_it_was_answered() {
        let (dead, alive) = (refused(), answering());
        let endpoints = Endpoints::new(dead.clone(), vec![alive.clone()]);
        let session = session(0);
        let (result, notes) = get(&session, &endpoints);
        assert_eq!(result.unwrap().status, 200);
        let [Note::Failover { from, to, reason }] = notes.as_slice() else {
            panic!("{notes:?}")
        };
        assert_eq!((from, to), (&dead.to_string(), &alive.to_string()));
        assert!(reason.starts_with("cannot connect"), "{reason}");
        // The next GET goes straight to the endpoint that answered.
        let (result, notes) = get(&session, &endpoints);
        assert_eq!(result.unwrap().status, 200);
        assert_eq!(notes, []);
    }

    #[test]
    fn when_no_endpoint_can_be_reached_the_round_is_one_attempt_and_each_failure_is_listed() {
        let (one, two) = (refused(), refused());
        let endpoints = Endpoints::new(one.clone(), vec![two.clone()]);
        let (result, notes) = get(&session(1), &endpoints);
        let Err(CallError::NotSent(unreached)) = result else {
            panic!("{result:?}")
        };
        let tried: Vec<_> = unreached.failures().map(|f| &f.endpoint).collect();
        assert_eq!(tried, [&one, &two]);
        assert!(
            unreached
                .failures()
                .all(|f| matches!(f.not_sent.cause, NotSentCause::ConnectFailed(_)))
        );
        let reason = unreached.to_string();
        assert!(
            reason.starts_with(&format!("tried 2 endpoints: {one}: cannot connect")),
            "{reason}"
        );
        assert!(reason.contains(&format!("; {two}: cannot connect")), "{reason}");
        let retries: Vec<_> = notes.iter().filter(|n| matches!(n, Note::Retry(_))).collect();
        assert_eq!(retries.len(), 1, "{notes:?}");
        // One endpoint: its failure alone, as before there were several.
        let (result, _) = get(&session(0), &Endpoints::one(one));
        let Err(CallError::NotSent(unreached)) = result else {
            panic!("{result:?}")
        };
        assert_eq!(unreached.len(), 1);
        let reason = unreached.to_string();
        assert!(reason.starts_with("cannot connect"), "{reason}");
    }

    #[test]
    fn the_post_goes_to_the_next_endpoint_only_when_nothing_was_sent_and_lists_every_failure() {
        let (one, two) = (refused(), refused());
        let target = Target {
            endpoints: Endpoints::new(one.clone(), vec![two.clone()]),
            project_id: "proj123".into(),
        };
        let client = Client::new(session(0), target);
        let prepared = client
            .prepare_change_os(Operation::ChangeServerOsWithCloudInit, "srv-1", b"{}".to_vec())
            .unwrap();
        let mut notes = Vec::new();
        let result = client.change_os(&prepared, &mut |n| notes.push(n.clone()));
        let Err(CallError::NotSent(unreached)) = result else {
            panic!("{result:?}")
        };
        assert_eq!(
            unreached.failures().map(|f| &f.endpoint).collect::<Vec<_>>(),
            [&one, &two]
        );
        assert_eq!(unreached.certificate_refusals(), Refusals::NoEndpoint);
        let [Note::Failover { from, to, reason }] = notes.as_slice() else {
            panic!("{notes:?}")
        };
        assert_eq!((from, to), (&one.to_string(), &two.to_string()));
        assert!(reason.starts_with("cannot connect"), "{reason}");
    }
}
