//! What `send` and `job` share: exit codes, output (human or JSON lines, scrubbed of every
//! secret), and turning flags and environment into a [`Client`].

use std::borrow::Cow;
use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use changeos_client::Scheme;
use changeos_client::api::{CallError, Client, Session};
use changeos_client::credentials::{self, Auth, ENV_PROJECT_ID, ENV_REGION, Source};
use changeos_client::endpoints::{self, EndpointSource, Endpoints, EndpointsError};
use changeos_client::errors::{ApiError, Call};
use changeos_client::http::{RetryPolicy, Transport, TransportConfig};
use changeos_client::iam::{self, ENV_IAM_ENDPOINT, IamEndpoint, IamSource, LookupError};
use changeos_client::job::{PollPolicy, SystemClock};
use changeos_client::not_sent::{Refusals, Unreached};
use changeos_client::proxy::Proxy;
use changeos_client::request::{PreparedRequest, Target};
use changeos_client::trust::{ENV_CERT_DIR, ENV_CERT_FILE, Roots};
use changeos_client::{Endpoint, SdkDate};
use changeos_runtime::escape::{escape_controls, escape_controls_in_json, escape_controls_per_line, is_unsafe};
use serde_json::{Map, Value, json};

use crate::cli::{ConnectionArgs, EventFormat, PollArgs};
use crate::scrub::Scrubber;

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
/// Standard output (or error) could not be written; stderr says what became of the request.
pub const EXIT_OUTPUT: u8 = 7;
/// Interrupted (Ctrl-C), as a shell reports a process that SIGINT ended.
pub const EXIT_INTERRUPTED: u8 = 130;

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
/// format, with a live progress line on a terminal. A write that fails is remembered:
/// [`Output::finish`] then says so and turns success into [`EXIT_OUTPUT`].
pub struct Output {
    pub format: EventFormat,
    /// Every registered secret, in every form it may be echoed ([`crate::scrub`]).
    secrets: Scrubber,
    /// The registered secrets as given, to register each once (a payload may hold thousands).
    registered: HashSet<String>,
    stderr_terminal: bool,
    progress_shown: bool,
    /// The first failed write to standard output, said as "standard output: why".
    stdout_failure: Option<String>,
    /// The first failed write to standard error.
    stderr_failure: Option<String>,
    /// What the user must still learn when the output failed (the job id of an accepted change).
    if_lost: Option<String>,
}

impl Output {
    pub fn new(format: EventFormat) -> Output {
        Output {
            format,
            secrets: Scrubber::default(),
            registered: HashSet::new(),
            stderr_terminal: std::io::stderr().is_terminal(),
            progress_shown: false,
            stdout_failure: None,
            stderr_failure: None,
            if_lost: None,
        }
    }

    /// What to say on standard error if some output was lost; the first one set stays.
    pub fn if_output_lost(&mut self, note: impl Into<String>) {
        if self.if_lost.is_none() {
            self.if_lost = Some(note.into());
        }
    }

    /// Whether a write to standard output failed (what the command reports is lost).
    pub fn stdout_failed(&self) -> bool {
        self.stdout_failure.is_some()
    }

    /// The exit code: `code`, or [`EXIT_OUTPUT`] instead of success when some output could not
    /// be written, which is then said on standard error with what the user must still learn.
    pub fn finish(&mut self, code: u8) -> u8 {
        let Some(why) = self.stdout_failure.take().or_else(|| self.stderr_failure.take()) else {
            return code;
        };
        let mut text = format!("error: cannot write to {why}\n");
        if let Some(note) = &self.if_lost {
            text.push_str(&format!("  {note}\n"));
        }
        // Standard error may be what failed: then nothing more can be said.
        let _ = std::io::stderr().lock().write_all(self.scrub(&text).as_bytes());
        if code == EXIT_OK { EXIT_OUTPUT } else { code }
    }

    fn stderr_result(&mut self, result: std::io::Result<()>) {
        if let Err(e) = result
            && self.stderr_failure.is_none()
        {
            self.stderr_failure = Some(crate::commands::write_failure("standard error", &e));
        }
    }

    pub fn json(&self) -> bool {
        self.format == EventFormat::Json
    }

    /// Whether a live progress line is wanted (human output on a terminal).
    pub fn live(&self) -> bool {
        self.format == EventFormat::Human && self.stderr_terminal
    }

    /// Registers a value that must never be printed, in any form (JSON-escaped, `\u`-escaped,
    /// percent-encoded).
    pub fn secret(&mut self, value: &str) {
        if value.chars().count() >= MIN_SCRUBBED_LEN && self.registered.insert(value.to_owned()) {
            self.secrets.add(value);
        }
    }

    /// `text` with every form of every registered secret replaced by `[redacted]`.
    pub fn scrub(&self, text: &str) -> String {
        self.secrets.scrub(text)
    }

    /// A line on standard output: in the human format, with control characters escaped (see
    /// [`Output::err`]); with `--format json`, only [`Output::event`]s go there.
    pub fn out(&mut self, line: &str) {
        self.clear_progress();
        let scrubbed = self.scrub(line);
        let text = if self.json() {
            Cow::Borrowed(scrubbed.as_str())
        } else {
            escape_controls_per_line(&scrubbed)
        };
        let mut stdout = std::io::stdout().lock();
        if let Err(e) = writeln!(stdout, "{text}").and_then(|()| stdout.flush())
            && self.stdout_failure.is_none()
        {
            self.stdout_failure = Some(crate::commands::write_failure("standard output", &e));
        }
    }

    /// A line on standard error, with control characters escaped but the line breaks that it
    /// has of its own. What the server wrote (a job id, a reason) may hold line breaks too: it
    /// is escaped whole with [`escape_controls`] where it is put into a line.
    pub fn err(&mut self, line: &str) {
        self.clear_progress();
        let scrubbed = self.scrub(line);
        let text = escape_controls_per_line(&scrubbed);
        let result = writeln!(std::io::stderr().lock(), "{text}");
        self.stderr_result(result);
    }

    /// Text on standard error as it is (a rendered lint report), scrubbed.
    pub fn err_raw(&mut self, text: &str) {
        self.clear_progress();
        let text = self.scrub(text);
        let result = std::io::stderr().lock().write_all(text.as_bytes());
        self.stderr_result(result);
    }

    /// One JSON object on one line of standard output; DEL, C1 and bidirectional controls are
    /// `\u` escapes, as the encoder already writes every other control character.
    pub fn event(&mut self, value: &Value) {
        // Scrubbed before the escapes, which would hide a secret from the scrubbing.
        let line = self.scrub(&value.to_string());
        self.out(&escape_controls_in_json(&line));
    }

    /// Rewrites the progress line (terminal only).
    pub fn progress(&mut self, line: &str) {
        if !self.live() {
            return;
        }
        let scrubbed = self.scrub(line);
        let text = escape_controls(&scrubbed);
        let mut stderr = std::io::stderr().lock();
        let result = write!(stderr, "\r\x1b[2K{text}").and_then(|()| stderr.flush());
        drop(stderr);
        self.stderr_result(result);
        self.progress_shown = true;
    }

    fn clear_progress(&mut self) {
        if self.progress_shown {
            let mut stderr = std::io::stderr().lock();
            let result = write!(stderr, "\r\x1b[2K").and_then(|()| stderr.flush());
            drop(stderr);
            self.stderr_result(result);
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
    /// Where the endpoints came from, for a dry run's note.
    pub endpoint_source: EndpointSource,
    /// In a dry run without a project id: the IAM lookup that would find it.
    pub lookup: Option<PlannedLookup>,
    /// Which roots TLS trusts, in one line, for a dry run.
    pub trust: String,
}

/// Where requests go: the endpoints, where they came from, how to name them on a command line
/// (for resume commands), and the region a project lookup asks for.
pub struct Place {
    pub endpoints: Endpoints,
    pub source: EndpointSource,
    /// `--region R` or `--endpoint URL`.
    pub args: String,
    /// The region; with `--endpoint`, the one HUAWEICLOUD_SDK_REGION names, if any.
    pub region: Option<String>,
}

/// The endpoints: `--endpoint`; else those of the region (`--region`, else
/// HUAWEICLOUD_SDK_REGION) from its variable, the regions file or the built-in table
/// ([`endpoints::resolve`]).
pub fn resolve_endpoints(args: &ConnectionArgs, env: &dyn Fn(&str) -> Option<String>) -> Result<Place, Fail> {
    if let Some(url) = &args.endpoint {
        let resolved = endpoints::from_flag(url).map_err(|e| Fail::usage(format!("--endpoint: {e}")))?;
        return Ok(Place {
            endpoints: resolved.endpoints,
            source: resolved.source,
            args: format!("--endpoint {}", shell_word(url)),
            region: env(ENV_REGION),
        });
    }
    let (region, from) = match (&args.region, env(ENV_REGION)) {
        (Some(region), _) => (region.clone(), "--region"),
        (None, Some(region)) => (region, ENV_REGION),
        (None, None) => {
            return Err(Fail::usage(format!(
                "no region: pass --region REGION (e.g. ap-southeast-1), set {ENV_REGION}, or pass --endpoint URL"
            )));
        }
    };
    let resolved = endpoints::resolve(&region, env).map_err(|e| match e {
        EndpointsError::UnknownRegion { .. } => Fail::usage(format!("{from}: {e}")),
        other => Fail::usage(other.to_string()),
    })?;
    Ok(Place {
        endpoints: resolved.endpoints,
        source: resolved.source,
        args: format!("--region {}", shell_word(&region)),
        region: Some(region),
    })
}

/// What stands for the project id in a dry run that would look it up.
pub const PROJECT_PLACEHOLDER: &str = "PROJECT-ID-FROM-IAM";

/// The project lookup a dry run would send, signed.
pub struct PlannedLookup {
    pub request: PreparedRequest,
    /// Where the IAM endpoint came from.
    pub source: IamSource,
}

/// How [`connect_with`] prepares the connection.
#[derive(Debug, Clone, Copy, Default)]
pub struct Plan {
    /// Send nothing: a project id to look up is planned, not looked up.
    pub dry_run: bool,
    /// Pins `X-Sdk-Date` (`--date`).
    pub date: Option<SdkDate>,
}

/// [`connect_with`] for sending.
pub fn connect(args: &ConnectionArgs, out: &mut Output) -> Result<Connection, Fail> {
    connect_with(args, out, Plan::default())
}

/// Resolves the endpoints ([`resolve_endpoints`]), the
/// credentials, the proxy, and the project id (--project-id, else HUAWEICLOUD_SDK_PROJECT_ID,
/// else the credentials file's, else looked up in IAM for the region, unless `plan` is a dry
/// run). Registers every secret (credentials, the proxy's password) with `out`.
pub fn connect_with(args: &ConnectionArgs, out: &mut Output, plan: Plan) -> Result<Connection, Fail> {
    let place = resolve_endpoints(args, &env_var)?;
    for endpoint in place.endpoints.iter() {
        warn_if_plain(endpoint, out);
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
    let roots = Roots::load(&args.ca_file, &env_var).map_err(|e| Fail::usage(e.to_string()))?;
    for warning in roots.warnings() {
        out.err(&format!("warning: {warning}"));
    }
    let transport = transport(args, &roots, out)?;
    let retry = RetryPolicy {
        retries: args.retries,
        base: args.retry_delay,
        ..RetryPolicy::default()
    };
    let credentials_source = format!("{} from {}", found.auth.describe(), found.source);
    let given = args
        .project_id
        .clone()
        .filter(|p| !p.is_empty())
        .or_else(|| env_var(ENV_PROJECT_ID))
        .or_else(|| found.project_id.clone());
    let session =
        Session::new(transport, found.auth, user_agent(), retry, Arc::new(SystemClock)).with_fixed_date(plan.date);
    let (project_id, lookup) = match given {
        Some(project_id) => (project_id, None),
        None => {
            let iam_file = match &found.source {
                Source::File { path, .. } => found.iam_endpoint.as_deref().map(|v| (v, path.as_path())),
                _ => None,
            };
            let scope = LookupScope {
                region: place.region.as_deref(),
                iam_file,
                ecs: &place.endpoints,
            };
            find_project_id(&session, scope, plan, out)?
        }
    };
    let target_args = format!("--project-id {} {}", shell_word(&project_id), place.args);
    let client = Client::new(
        session,
        Target {
            endpoints: place.endpoints,
            project_id,
        },
    );
    Ok(Connection {
        client,
        target_args,
        credentials_source,
        endpoint_source: place.source,
        lookup,
        trust: roots.describe(),
    })
}

/// The transport of the flags that trusts `roots`, through the proxy of the environment (whose
/// password is registered as a secret).
fn transport(args: &ConnectionArgs, roots: &Roots, out: &mut Output) -> Result<Transport, Fail> {
    let proxy = Proxy::from_env(&env_var).map_err(|e| Fail::usage(e.to_string()))?;
    for secret in proxy.iter().flat_map(Proxy::secrets) {
        out.secret(secret.expose());
    }
    let config = TransportConfig {
        connect_timeout: args.connect_timeout,
        read_timeout: args.read_timeout,
    };
    Ok(Transport::new(config, roots, proxy.as_ref()))
}

/// What a project lookup is for: the region, the credentials file's `iam_endpoint` (and the
/// file), and the ECS endpoint.
struct LookupScope<'a> {
    region: Option<&'a str>,
    iam_file: Option<(&'a str, &'a Path)>,
    ecs: &'a Endpoints,
}

/// The project id looked up in IAM or, in a dry run, the placeholder and the planned lookup.
fn find_project_id(
    session: &Session,
    scope: LookupScope<'_>,
    plan: Plan,
    out: &mut Output,
) -> Result<(String, Option<PlannedLookup>), Fail> {
    let region = lookup_region(session, scope.region)?;
    let iam = iam::endpoint(env_var(ENV_IAM_ENDPOINT).as_deref(), scope.iam_file, region)
        .map_err(|e| Fail::usage(e.to_string()))?;
    if !scope.ecs.iter().any(|e| e == &iam.endpoint) {
        warn_if_plain(&iam.endpoint, out);
    }
    if plan.dry_run {
        let planned = plan_lookup(session, iam, region, out)?;
        return Ok((PROJECT_PLACEHOLDER.to_owned(), Some(planned)));
    }
    Ok((look_up(session, &iam, region, out)?, None))
}

fn warn_if_plain(endpoint: &Endpoint, out: &mut Output) {
    if endpoint.scheme() == Scheme::Http {
        out.err(&format!(
            "warning: {} is plain http: requests and answers travel unencrypted",
            endpoint.host()
        ));
    }
}

/// The region whose project a lookup asks for; a lookup needs one, and AK/SK to sign it.
fn lookup_region<'a>(session: &Session, region: Option<&'a str>) -> Result<&'a str, Fail> {
    let pass = format!(
        "pass --project-id ID, set {ENV_PROJECT_ID}, or add project_id to the credentials file \
         (the project of the region, as the console's My Credentials page lists it)"
    );
    if matches!(session.auth(), Auth::Token(_)) {
        return Err(Fail::usage(format!(
            "no project id: {pass}; it cannot be looked up with an IAM token (the lookup is signed with AK/SK)"
        )));
    }
    region.ok_or_else(|| {
        Fail::usage(format!(
            "no project id: {pass}; to look it up in IAM, name the region: --region REGION instead of --endpoint, \
             or {ENV_REGION}"
        ))
    })
}

/// A dry run's lookup: signed (so that the credentials are known to sign), not sent.
fn plan_lookup(session: &Session, iam: IamEndpoint, region: &str, out: &mut Output) -> Result<PlannedLookup, Fail> {
    let request = iam::list_projects(&iam.endpoint, region, session.user_agent())
        .and_then(|r| session.prepare(r))
        .map_err(|e| Fail::usage(format!("cannot build the project lookup: {e}")))?;
    register_signature(&request, out);
    Ok(PlannedLookup {
        request,
        source: iam.source,
    })
}

/// Registers the signature of a request as a secret.
pub fn register_signature(request: &PreparedRequest, out: &mut Output) {
    if let Some(signature) = request
        .header("Authorization")
        .and_then(|a| a.rsplit_once("Signature="))
        .map(|(_, s)| s.to_owned())
    {
        out.secret(&signature);
    }
}

/// Looks the project id up; every failure is exit 2, since nothing was sent to ECS.
fn look_up(session: &Session, iam: &IamEndpoint, region: &str, out: &mut Output) -> Result<String, Fail> {
    let url = iam.endpoint.to_string();
    let found = iam::lookup(session, &iam.endpoint, region, &mut |note| {
        out.err(&format!(
            "note: the project lookup failed ({}); retry {} of {} in {}",
            escape_controls(&note.reason),
            note.retry,
            note.of,
            human_duration(note.delay)
        ));
    })
    .map_err(|e| lookup_failure(e, &url, region))?;
    out.err(&format!(
        "note: project id {} looked up at {url}",
        escape_controls(&found.project_id)
    ));
    Ok(found.project_id)
}

fn lookup_failure(error: LookupError, url: &str, region: &str) -> Fail {
    let pass = format!(
        "nothing was sent to ECS; pass --project-id ID (the project of {region}, as the console's My Credentials \
         page lists it) to skip the lookup"
    );
    match error {
        LookupError::Call(CallError::Api(api)) => {
            let refused = matches!(api.status, 401 | 403);
            let what = if refused {
                "IAM refused the project lookup: check the AK/SK (and that the clock is right)"
            } else {
                "the project lookup failed"
            };
            let shown = api.to_string();
            api_fields(
                Fail::usage(format!("{what}: {} (at {url})", escape_controls(&shown))),
                &api,
            )
            .note(pass)
        }
        LookupError::Call(CallError::NotSent(unreached)) => {
            let fail = Fail::usage(format!(
                "cannot reach IAM at {url}: {}",
                escape_controls(&unreached.to_string())
            ))
            .note(pass);
            match unreached.certificate_refusals() {
                Refusals::NoEndpoint => fail,
                Refusals::SomeEndpoints | Refusals::EveryEndpoint => fail.note(trust_note()),
            }
        }
        LookupError::Call(CallError::OutcomeUnknown { reason, .. }) => Fail::usage(format!(
            "the project lookup at {url} got no usable answer: {}",
            escape_controls(&reason)
        ))
        .note(pass),
        LookupError::Several { ref projects, .. } => {
            let ids: Vec<Value> = projects.iter().map(|p| json!({"id": p.id, "name": p.name})).collect();
            Fail::usage(escape_controls(&error.to_string()).into_owned())
                .note(format!(
                    "nothing was sent to ECS; pass --project-id with the id of the one to use (the console's \
                     My Credentials page lists the project of {region})"
                ))
                .field("projects", ids)
        }
        other => Fail::usage(format!("{} (at {url})", escape_controls(&other.to_string()))).note(pass),
    }
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

/// A word quoted for a POSIX shell when it needs it. A word with control characters (a job id
/// the server made up) is quoted as `$'...'`, with each of their bytes as `\xHH`: bash, zsh
/// and ksh read it back byte for byte, and the command stays on one line that no terminal
/// interprets.
pub fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@%+=,".contains(c));
    if plain {
        word.to_owned()
    } else if word.contains(is_unsafe) {
        let mut quoted = String::from("$'");
        for c in word.chars() {
            match c {
                '\\' | '\'' => {
                    quoted.push('\\');
                    quoted.push(c);
                }
                c if is_unsafe(c) => {
                    for byte in c.encode_utf8(&mut [0; 4]).bytes() {
                        quoted.push_str(&format!("\\x{byte:02x}"));
                    }
                }
                c => quoted.push(c),
            }
        }
        quoted.push('\'');
        quoted
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
    if let Some(location) = &error.location {
        fail = fail.field("location", location.clone());
    }
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

/// How to trust a root, for a certificate the TLS handshake refused.
fn trust_note() -> String {
    format!(
        "to trust a private or company root CA, pass --ca-file PATH (a PEM file of the root) or set {ENV_CERT_FILE} \
         (or {ENV_CERT_DIR}); certificate checks cannot be turned off"
    )
}

/// A call that reached no endpoint. When the certificate was refused at every one, that is
/// why nothing was sent, and how to trust a root is said; when only at some, those are named
/// beside what is said of an unreachable endpoint, and how to trust a root too.
fn unreached_failure(unreached: &Unreached, context: &Failed<'_>) -> Fail {
    let fail = Fail::usage(format!(
        "cannot reach the endpoint: {}",
        escape_controls(&unreached.to_string())
    ));
    let unreachable = match context {
        Failed::ChangeOs { .. } => "the request was not sent: nothing changed; it is safe to run the command again",
        Failed::ShowJob { .. } => "check the endpoint (--region/--endpoint) and the network",
    };
    match unreached.certificate_refusals() {
        Refusals::NoEndpoint => fail.note(unreachable),
        Refusals::EveryEndpoint => {
            let whose = if unreached.len() == 1 {
                "the certificate was"
            } else {
                "the certificate of each endpoint was"
            };
            fail.note(format!(
                "nothing was sent: {whose} refused in the TLS handshake, before the request left this machine"
            ))
            .note(trust_note())
        }
        Refusals::SomeEndpoints => {
            let refused = unreached.refused_certificates();
            let endpoints = refused
                .iter()
                .map(|f| f.endpoint.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            let whose = if refused.len() == 1 {
                "the certificate of"
            } else {
                "the certificates of"
            };
            let were = if refused.len() == 1 { "was" } else { "were" };
            fail.note(unreachable)
                .note(format!(
                    "{whose} {} {were} refused in the TLS handshake",
                    escape_controls(&endpoints)
                ))
                .note(trust_note())
        }
    }
}

pub fn call_failure(error: CallError, context: &Failed<'_>) -> Fail {
    let call = match context {
        Failed::ChangeOs { .. } => Call::ChangeOs,
        Failed::ShowJob { .. } => Call::ShowJob,
    };
    let mut fail = match &error {
        CallError::Request(e) => Fail::usage(format!("cannot build the request: {e}")),
        CallError::NotSent(unreached) => unreached_failure(unreached, context),
        CallError::Api(api) => {
            let what = match context {
                Failed::ChangeOs { .. } => "the API rejected the request",
                Failed::ShowJob { .. } => "the job query failed",
            };
            let shown = api.to_string();
            let mut fail = api_fields(
                Fail::new(EXIT_REJECTED, format!("{what}: {}", escape_controls(&shown))),
                api,
            );
            if let Some(hint) = api.hint(call) {
                fail = fail.note(format!("hint: {hint}"));
            }
            if let Some(encoded) = &api.encoded_authorization_message {
                fail = fail.note(format!("IAM's encoded reason: {}", escape_controls(encoded)));
            }
            fail
        }
        CallError::OutcomeUnknown { reason, answer } => {
            let mut fail = Fail::new(EXIT_UNKNOWN, format!("outcome unknown: {}", escape_controls(reason)));
            if let Some(api) = answer {
                let shown = api.to_string();
                fail = api_fields(fail, api).note(format!("the answer: {}", escape_controls(&shown)));
            }
            fail
        }
        CallError::Interrupted { in_flight: false } => Fail::new(
            EXIT_INTERRUPTED,
            match context {
                Failed::ChangeOs { .. } => "interrupted before the request was sent: nothing changed",
                Failed::ShowJob { .. } => "interrupted",
            },
        ),
        CallError::Interrupted { in_flight: true } => Fail::new(
            EXIT_INTERRUPTED,
            "interrupted while the request was in flight: the server may have received it",
        ),
        CallError::OutOfTime { .. } => Fail::new(EXIT_TIMEOUT, error.to_string()),
    };
    match (context, &error) {
        (
            Failed::ChangeOs { server_id, target_args },
            CallError::OutcomeUnknown { .. } | CallError::Interrupted { in_flight: true },
        ) => {
            let sent = if matches!(error, CallError::Interrupted { .. }) {
                "may have been"
            } else {
                "was"
            };
            fail = fail.note(format!(
                "the request {sent} sent, so the change may be running on server {server_id}.\n\
                 Do NOT send it again before checking:\n\
                 - the server in the console (Elastic Cloud Server > {server_id}): a task in progress, a stopped \
                 server or the new image means the change was received;\n\
                 - Cloud Trace Service (CTS): a changeOS event for the server means the request arrived, and \
                 names its job;\n\
                 - then follow that job: changeos job wait JOB_ID {target_args}"
            ));
        }
        (
            Failed::ShowJob { job_id, resume },
            CallError::OutcomeUnknown { .. }
            | CallError::NotSent(_)
            | CallError::Interrupted { .. }
            | CallError::OutOfTime { .. },
        ) => {
            fail = fail
                .note(format!(
                    "the job {} itself is not affected; follow it again with: {resume}",
                    escape_controls(job_id)
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
    use changeos_client::not_sent::{CertificateProblem, CertificateRejection, NotSent, NotSentCause};

    use super::*;

    #[test]
    fn scrubbing_replaces_every_secret_longest_first() {
        let mut out = Output::new(EventFormat::Human);
        out.secret("Pa55word!");
        out.secret("Pa55word!Long");
        out.secret("Pa55word!"); // once is enough
        out.secret("ab"); // too short to scrub from free text
        assert_eq!(
            out.scrub("x Pa55word!Long y Pa55word! z ab"),
            "x [redacted] y [redacted] z ab"
        );
        // In JSON lines too, where a quote in the secret is escaped.
        out.secret("Quo\"ted");
        let line = serde_json::json!({"message": "bad Quo\"ted and Pa55word%21"}).to_string();
        assert_eq!(out.scrub(&line), r#"{"message":"bad [redacted] and [redacted]"}"#);
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

    fn endpoint(url: &str) -> Endpoint {
        Endpoint::parse(url).unwrap()
    }

    fn certificate_refused(url: &str) -> NotSent {
        NotSent::direct(NotSentCause::Certificate(CertificateRejection {
            host: url.trim_start_matches("https://").to_owned(),
            port: 443,
            problem: CertificateProblem::UnknownIssuer,
        }))
    }

    fn connection_refused() -> NotSent {
        NotSent::direct(NotSentCause::ConnectFailed("Connection refused".to_owned()))
    }

    /// The notes of a call that reached none of `tried`, for the POST and for a job query.
    fn notes(tried: Vec<(&str, NotSent)>) -> [Vec<String>; 2] {
        let mut tried = tried.into_iter().map(|(url, not_sent)| (endpoint(url), not_sent));
        let (first, not_sent) = tried.next().unwrap();
        let mut unreached = Unreached::new(first, not_sent);
        for (next, not_sent) in tried {
            unreached.push(next, not_sent);
        }
        let post = Failed::ChangeOs {
            server_id: "srv",
            target_args: "--region r",
        };
        let query = Failed::ShowJob {
            job_id: "job",
            resume: "changeos job wait job",
        };
        [post, query].map(|context| {
            let fail = call_failure(CallError::NotSent(unreached.clone()), &context);
            assert_eq!(fail.code, EXIT_USAGE);
            assert_eq!(fail.message, format!("cannot reach the endpoint: {unreached}"));
            fail.notes().to_vec()
        })
    }

    const SAFE: &str = "the request was not sent: nothing changed; it is safe to run the command again";
    const CHECK: &str = "check the endpoint (--region/--endpoint) and the network";
    const RESUME: &str = "the job job itself is not affected; follow it again with: changeos job wait job";

    #[test]
    fn a_refused_certificate_at_every_endpoint_is_why_nothing_was_sent() {
        let trust = trust_note();
        let [post, query] = notes(vec![("https://a.example", certificate_refused("https://a.example"))]);
        let only = "nothing was sent: the certificate was refused in the TLS handshake, before the request left this \
                    machine";
        assert_eq!(post, [only, &trust]);
        assert_eq!(query, [only, &trust, RESUME]);
        let [post, query] = notes(vec![
            ("https://a.example", certificate_refused("https://a.example")),
            ("https://b.example", certificate_refused("https://b.example")),
        ]);
        let each = "nothing was sent: the certificate of each endpoint was refused in the TLS handshake, before the \
                    request left this machine";
        assert_eq!(post, [each, &trust]);
        assert_eq!(query, [each, &trust, RESUME]);
    }

    #[test]
    fn refused_certificates_at_some_endpoints_are_named_beside_the_other_failures() {
        let trust = trust_note();
        let [post, query] = notes(vec![
            ("http://127.0.0.1:9", connection_refused()),
            ("https://b.example", certificate_refused("https://b.example")),
        ]);
        let whose = "the certificate of https://b.example was refused in the TLS handshake";
        assert_eq!(post, [SAFE, whose, &trust]);
        assert_eq!(query, [CHECK, whose, &trust, RESUME]);
        let [post, _] = notes(vec![
            ("https://a.example", certificate_refused("https://a.example")),
            ("http://127.0.0.1:9", connection_refused()),
            ("https://c.example:8443", certificate_refused("https://c.example")),
        ]);
        assert_eq!(
            post,
            [
                SAFE,
                "the certificates of https://a.example, https://c.example:8443 were refused in the TLS handshake",
                &trust
            ]
        );
    }

    #[test]
    fn without_a_refused_certificate_nothing_is_said_of_roots() {
        let [post, query] = notes(vec![
            ("http://127.0.0.1:9", connection_refused()),
            ("http://127.0.0.1:10", connection_refused()),
        ]);
        assert_eq!(post, [SAFE]);
        assert_eq!(query, [CHECK, RESUME]);
    }

    #[test]
    fn shell_words_and_durations() {
        assert_eq!(shell_word("ap-southeast-1"), "ap-southeast-1");
        assert_eq!(shell_word("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
        assert_eq!(shell_word("a b'c"), r"'a b'\''c'");
        assert_eq!(shell_word(""), "''");
        // Control characters: `$'...'`, every byte of theirs as `\xHH`, on one line.
        assert_eq!(
            shell_word("x\n::error::y\u{1b}]0;t\u{7}"),
            r"$'x\x0a::error::y\x1b]0;t\x07'"
        );
        assert_eq!(shell_word("a'b\\c\u{202e}"), r"$'a\'b\\c\xe2\x80\xae'");
        assert_eq!(human_duration(Duration::from_millis(350)), "350ms");
        assert_eq!(human_duration(Duration::from_secs(12)), "12s");
        assert_eq!(human_duration(Duration::from_secs(184)), "3m 04s");
        assert_eq!(human_duration(Duration::from_secs(3720)), "1h 02m");
    }
}
