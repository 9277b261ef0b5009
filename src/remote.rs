//! What `send` and `job` share: exit codes, output (human or JSON lines, scrubbed of every
//! secret), and turning flags and environment into a [`Client`].

use std::cell::OnceCell;
use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::time::Duration;

use aho_corasick::{AhoCorasick, MatchKind};
use changeos_client::api::{CallError, Client};
use changeos_client::credentials::{self, ENV_PROJECT_ID, ENV_REGION};
use changeos_client::errors::{ApiError, Call};
use changeos_client::http::{RetryPolicy, Transport, TransportConfig};
use changeos_client::job::{PollPolicy, SystemClock};
use changeos_client::request::Target;
use changeos_client::{Endpoint, Scheme, region};
use serde_json::{Map, Value, json};

use crate::cli::{ConnectionArgs, EventFormat, PollArgs};

/// Accepted, or the job succeeded.
pub const EXIT_OK: u8 = 0;
/// The linter found errors; nothing was sent.
pub const EXIT_LINT: u8 = 1;
/// Usage, config or credentials error, or the endpoint could not be reached: nothing was sent.
pub const EXIT_USAGE: u8 = 2;
/// The API answered with an error.
pub const EXIT_REJECTED: u8 = 3;
/// The job ended in FAIL.
pub const EXIT_JOB_FAILED: u8 = 4;
/// The wait's --timeout passed; the job goes on.
pub const EXIT_TIMEOUT: u8 = 5;
/// A request was sent but no usable answer came back.
pub const EXIT_UNKNOWN: u8 = 6;

/// Secrets shorter than this are not scrubbed from free text (they would garble it; values
/// that short are not secrets worth the name, and structured output redacts them exactly).
const MIN_SCRUBBED_LEN: usize = 3;

/// The User-Agent of every request.
pub fn user_agent() -> String {
    format!("changeos/{}", env!("CARGO_PKG_VERSION"))
}

/// An environment variable; an empty value counts as unset.
pub fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// A command's failure: its exit code, a message, and notes (hints, what to do next).
#[derive(Debug, Clone)]
pub struct Fail {
    pub code: u8,
    pub message: String,
    details: Box<Details>,
}

#[derive(Debug, Clone, Default)]
struct Details {
    notes: Vec<String>,
    /// Extra members of the JSON error event.
    fields: Map<String, Value>,
}

impl Fail {
    pub fn new(code: u8, message: impl Into<String>) -> Fail {
        Fail {
            code,
            message: message.into(),
            details: Box::default(),
        }
    }

    pub fn usage(message: impl Into<String>) -> Fail {
        Fail::new(EXIT_USAGE, message)
    }

    pub fn note(mut self, note: impl Into<String>) -> Fail {
        self.details.notes.push(note.into());
        self
    }

    pub fn field(mut self, key: &str, value: impl Into<Value>) -> Fail {
        self.details.fields.insert(key.to_owned(), value.into());
        self
    }

    /// The notes, in order.
    pub fn notes(&self) -> &[String] {
        &self.details.notes
    }
}

/// Where everything a command prints goes: scrubbed of every registered secret, in the chosen
/// format, with a live progress line on a terminal.
pub struct Output {
    pub format: EventFormat,
    secrets: HashSet<String>,
    /// The secrets as one searcher, built when text is first scrubbed after a new secret: a
    /// payload can fill thousands of placeholders, and text is scrubbed in one pass over it
    /// rather than once per secret.
    searcher: OnceCell<Option<AhoCorasick>>,
    stderr_terminal: bool,
    progress_shown: bool,
}

impl Output {
    pub fn new(format: EventFormat) -> Output {
        Output {
            format,
            secrets: HashSet::new(),
            searcher: OnceCell::new(),
            stderr_terminal: std::io::stderr().is_terminal(),
            progress_shown: false,
        }
    }

    pub fn json(&self) -> bool {
        self.format == EventFormat::Json
    }

    /// Whether a live progress line is wanted (human output on a terminal).
    pub fn live(&self) -> bool {
        self.format == EventFormat::Human && self.stderr_terminal
    }

    /// Whether stderr is a terminal and colours are allowed there.
    pub fn stderr_color(&self) -> bool {
        self.stderr_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
    }

    /// Registers a value that must never be printed.
    pub fn secret(&mut self, value: &str) {
        if value.chars().count() >= MIN_SCRUBBED_LEN && self.secrets.insert(value.to_owned()) {
            self.searcher = OnceCell::new();
        }
    }

    /// `text` with every registered secret replaced by `[redacted]`; where secrets overlap,
    /// the longest is replaced whole.
    pub fn scrub(&self, text: &str) -> String {
        let searcher = self.searcher.get_or_init(|| {
            // Leftmost-longest: a secret that contains another is replaced whole. Building
            // fails only past the searcher's size limits, where every secret still goes alone.
            (!self.secrets.is_empty())
                .then(|| {
                    AhoCorasick::builder()
                        .match_kind(MatchKind::LeftmostLongest)
                        .build(&self.secrets)
                        .ok()
                })
                .flatten()
        });
        match searcher {
            Some(searcher) => {
                let mut scrubbed = String::with_capacity(text.len());
                searcher.replace_all_with(text, &mut scrubbed, |_, _, out| {
                    out.push_str("[redacted]");
                    true
                });
                scrubbed
            }
            None => self
                .secrets
                .iter()
                .fold(text.to_owned(), |text, secret| text.replace(secret, "[redacted]")),
        }
    }

    /// A line on standard output.
    pub fn out(&mut self, line: &str) {
        self.clear_progress();
        let text = self.scrub(line);
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "{text}").and_then(|()| stdout.flush());
    }

    /// A line on standard error.
    pub fn err(&mut self, line: &str) {
        self.clear_progress();
        let text = self.scrub(line);
        let mut stderr = std::io::stderr().lock();
        let _ = writeln!(stderr, "{text}");
    }

    /// Text on standard error as it is (a rendered lint report), scrubbed.
    pub fn err_raw(&mut self, text: &str) {
        self.clear_progress();
        let text = self.scrub(text);
        let mut stderr = std::io::stderr().lock();
        let _ = stderr.write_all(text.as_bytes());
    }

    /// One JSON object on one line of standard output.
    pub fn event(&mut self, value: &Value) {
        let line = value.to_string();
        self.out(&line);
    }

    /// Rewrites the progress line (terminal only).
    pub fn progress(&mut self, line: &str) {
        if !self.live() {
            return;
        }
        let text = self.scrub(line);
        let mut stderr = std::io::stderr().lock();
        let _ = write!(stderr, "\r\x1b[2K{text}").and_then(|()| stderr.flush());
        self.progress_shown = true;
    }

    fn clear_progress(&mut self) {
        if self.progress_shown {
            let mut stderr = std::io::stderr().lock();
            let _ = write!(stderr, "\r\x1b[2K").and_then(|()| stderr.flush());
            self.progress_shown = false;
        }
    }

    /// Prints a failure (on stderr; as a JSON error event on stdout too) and gives its code.
    pub fn fail(&mut self, fail: &Fail) -> u8 {
        self.err(&format!("error: {}", fail.message));
        for note in fail.notes() {
            self.err(&format!("  {}", note.replace('\n', "\n  ")));
        }
        if self.json() {
            let mut event = Map::new();
            event.insert("event".into(), json!("error"));
            event.insert("exit_code".into(), json!(fail.code));
            event.insert("message".into(), json!(fail.message));
            event.insert("notes".into(), json!(fail.notes()));
            for (key, value) in &fail.details.fields {
                event.insert(key.clone(), value.clone());
            }
            self.event(&Value::Object(event));
        }
        fail.code
    }
}

/// A client for the flags, environment and credentials, plus how to name the same target on
/// a command line (for resume commands).
pub struct Connection {
    pub client: Client,
    /// `--project-id P --region R` or `--project-id P --endpoint URL`.
    pub target_args: String,
    /// Where the credentials came from, for a dry run's note.
    pub credentials_source: String,
}

/// Resolves the endpoint (--endpoint, else --region, else HUAWEICLOUD_SDK_REGION), the
/// credentials, and the project id (--project-id, else HUAWEICLOUD_SDK_PROJECT_ID, else the
/// credentials file's). Registers the credentials' secrets with `out`.
pub fn connect(args: &ConnectionArgs, out: &mut Output) -> Result<Connection, Fail> {
    let (endpoint, place) = if let Some(url) = &args.endpoint {
        let endpoint = Endpoint::parse(url).map_err(|e| Fail::usage(format!("--endpoint: {e}")))?;
        (endpoint, format!("--endpoint {}", shell_word(url)))
    } else {
        let (region, from) = match (&args.region, env_var(ENV_REGION)) {
            (Some(region), _) => (region.clone(), "--region"),
            (None, Some(region)) => (region, ENV_REGION),
            (None, None) => {
                return Err(Fail::usage(format!(
                    "no region: pass --region REGION (e.g. ap-southeast-1), set {ENV_REGION}, or pass --endpoint URL"
                )));
            }
        };
        let endpoint = region::endpoint(&region).map_err(|e| Fail::usage(format!("{from}: {e}")))?;
        (endpoint, format!("--region {}", shell_word(&region)))
    };
    if endpoint.scheme() == Scheme::Http {
        out.err(&format!(
            "warning: {} is plain http: requests and answers travel unencrypted",
            endpoint.host()
        ));
    }
    let found = credentials::discover(&env_var).map_err(|e| Fail::usage(e.to_string()))?;
    for secret in found.auth.secrets() {
        out.secret(secret.expose());
    }
    for warning in &found.warnings {
        out.err(&format!("warning: {warning}"));
    }
    for note in &found.notes {
        out.err(&format!("note: {note}"));
    }
    let project_id = args
        .project_id
        .clone()
        .filter(|p| !p.is_empty())
        .or_else(|| env_var(ENV_PROJECT_ID))
        .or_else(|| found.project_id.clone())
        .ok_or_else(|| {
            Fail::usage(format!(
                "no project id: pass --project-id ID, set {ENV_PROJECT_ID}, or add project_id to the credentials file \
                 (the project of the region, as the console's My Credentials page lists it)"
            ))
        })?;
    let transport = Transport::new(TransportConfig {
        connect_timeout: args.connect_timeout,
        read_timeout: args.read_timeout,
    });
    let retry = RetryPolicy {
        retries: args.retries,
        base: args.retry_delay,
        ..RetryPolicy::default()
    };
    let credentials_source = format!("{} from {}", found.auth.describe(), found.source);
    let target_args = format!("--project-id {} {place}", shell_word(&project_id));
    let client = Client::new(
        transport,
        Target { endpoint, project_id },
        found.auth,
        user_agent(),
        retry,
        Arc::new(SystemClock),
    );
    Ok(Connection {
        client,
        target_args,
        credentials_source,
    })
}

/// The polling policy of the flags, with the defaults.
pub fn poll_policy(args: &PollArgs) -> Result<PollPolicy, Fail> {
    let defaults = PollPolicy::default();
    let policy = PollPolicy {
        first: args.poll_interval.unwrap_or(defaults.first),
        max: args.max_poll_interval.unwrap_or(defaults.max),
        timeout: args.timeout.unwrap_or(defaults.timeout),
        factor: defaults.factor,
    };
    if policy.max < policy.first {
        return Err(Fail::usage(format!(
            "--max-poll-interval ({}) is shorter than --poll-interval ({})",
            human_duration(policy.max),
            human_duration(policy.first)
        )));
    }
    Ok(policy)
}

/// A word quoted for a POSIX shell when it needs it.
pub fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@%+=,".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// `350ms`, `12s`, `3m 04s`, `1h 02m`.
pub fn human_duration(d: Duration) -> String {
    let seconds = d.as_secs();
    if seconds == 0 {
        format!("{}ms", d.as_millis())
    } else if seconds < 60 {
        format!("{seconds}s")
    } else if seconds < 3600 {
        format!("{}m {:02}s", seconds / 60, seconds % 60)
    } else {
        format!("{}h {:02}m", seconds / 3600, seconds % 3600 / 60)
    }
}

/// The fields of an API error for a JSON error event.
fn api_fields(fail: Fail, error: &ApiError) -> Fail {
    let mut fail = fail
        .field("http_status", error.status)
        .field("error_code", error.code.clone())
        .field("error_msg", error.message.clone())
        .field(
            "request_id",
            error.request_id.clone().map_or(Value::Null, Value::String),
        );
    if !error.details.is_empty() {
        let details: Vec<Value> = error
            .details
            .iter()
            .map(|(code, message)| json!({"code": code, "message": message}))
            .collect();
        fail = fail.field("details", details);
    }
    fail
}

/// What the user is told when a call fails, and the exit code.
pub enum Failed<'a> {
    /// The change-OS POST, to this server.
    ChangeOs { server_id: &'a str, target_args: &'a str },
    /// A job query, with the command that resumes waiting.
    ShowJob { job_id: &'a str, resume: &'a str },
}

pub fn call_failure(error: CallError, context: &Failed<'_>) -> Fail {
    let call = match context {
        Failed::ChangeOs { .. } => Call::ChangeOs,
        Failed::ShowJob { .. } => Call::ShowJob,
    };
    let mut fail = match &error {
        CallError::Request(e) => Fail::usage(format!("cannot build the request: {e}")),
        CallError::NotSent(reason) => Fail::usage(format!("cannot reach the endpoint: {reason}")).note(match context {
            Failed::ChangeOs { .. } => "the request was not sent: nothing changed; it is safe to run the command again",
            Failed::ShowJob { .. } => "check the endpoint (--region/--endpoint) and the network",
        }),
        CallError::Api(api) => {
            let what = match context {
                Failed::ChangeOs { .. } => "the API rejected the request",
                Failed::ShowJob { .. } => "the job query failed",
            };
            let mut fail = api_fields(Fail::new(EXIT_REJECTED, format!("{what}: {api}")), api);
            if let Some(hint) = api.hint(call) {
                fail = fail.note(format!("hint: {hint}"));
            }
            if let Some(encoded) = &api.encoded_authorization_message {
                fail = fail.note(format!("IAM's encoded reason: {encoded}"));
            }
            fail
        }
        CallError::OutcomeUnknown { reason, answer } => {
            let mut fail = Fail::new(EXIT_UNKNOWN, format!("outcome unknown: {reason}"));
            if let Some(api) = answer {
                fail = api_fields(fail, api).note(format!("the answer: {api}"));
            }
            fail
        }
    };
    match (context, &error) {
        (Failed::ChangeOs { server_id, target_args }, CallError::OutcomeUnknown { .. }) => {
            fail = fail.note(format!(
                "the request was sent, so the change may be running on server {server_id}.\n\
                 Do NOT send it again before checking:\n\
                 - the server in the console (Elastic Cloud Server > {server_id}): a task in progress, a stopped \
                 server or the new image means the change was received;\n\
                 - Cloud Trace Service (CTS): a changeOS event for the server means the request arrived, and \
                 names its job;\n\
                 - then follow that job: changeos job wait JOB_ID {target_args}"
            ));
        }
        (Failed::ShowJob { job_id, resume }, CallError::OutcomeUnknown { .. } | CallError::NotSent(_)) => {
            fail = fail
                .note(format!(
                    "the job {job_id} itself is not affected; follow it again with: {resume}"
                ))
                .field("job_id", job_id.to_string())
                .field("resume", resume.to_string());
        }
        (Failed::ShowJob { job_id, .. }, _) => {
            fail = fail.field("job_id", job_id.to_string());
        }
        _ => {}
    }
    fail
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrubbing_replaces_every_secret_longest_first() {
        let mut out = Output::new(EventFormat::Human);
        out.secret("Pa55word!");
        out.secret("Pa55word!Long");
        out.secret("ab"); // too short to scrub from free text
        assert_eq!(
            out.scrub("x Pa55word!Long y Pa55word! z ab"),
            "x [redacted] y [redacted] z ab"
        );
    }

    #[test]
    fn scrubbing_many_secrets_replaces_each() {
        let mut out = Output::new(EventFormat::Human);
        let secrets: Vec<String> = (0..5000).map(|i| format!("secret-{i:05}")).collect();
        for secret in &secrets {
            out.secret(secret);
            out.secret(secret);
        }
        let text = secrets
            .iter()
            .rev()
            .map(|s| format!("<{s}>"))
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(out.scrub(&text), vec!["<[redacted]>"; 5000].join(" "));
        // A secret registered after a scrub counts from then on.
        out.secret("later-one");
        assert_eq!(out.scrub("a later-one b secret-00001"), "a [redacted] b [redacted]");
    }

    #[test]
    fn shell_words_and_durations() {
        assert_eq!(shell_word("ap-southeast-1"), "ap-southeast-1");
        assert_eq!(shell_word("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
        assert_eq!(shell_word("a b'c"), r"'a b'\''c'");
        assert_eq!(shell_word(""), "''");
        assert_eq!(human_duration(Duration::from_millis(350)), "350ms");
        assert_eq!(human_duration(Duration::from_secs(12)), "12s");
        assert_eq!(human_duration(Duration::from_secs(184)), "3m 04s");
        assert_eq!(human_duration(Duration::from_secs(3720)), "1h 02m");
    }
}
