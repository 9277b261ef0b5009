//! The command line: commands and flags, as clap reads them.

use std::path::PathBuf;
use std::time::Duration;

use changeos_validator::Operation;
use changeos_validator::config::{Config, ConfigError};
use changeos_validator::render::Format as ReportFormat;
use clap::{Parser, Subcommand, ValueEnum};

use crate::color::When;
use crate::op_arg::{self, OpParser};

#[derive(Debug, Parser)]
#[command(
    name = "changeos",
    version,
    about = "Lint, sign and send Huawei Cloud ECS change-OS requests, and follow their jobs",
    propagate_version = true
)]
pub struct Cli {
    /// Colours: auto (on a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = When::Auto, global = true)]
    pub color: When,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint payload files (exit 0: no error, 1: some error, 2: bad invocation or config).
    Check(CheckArgs),
    /// Rewrite payload files in one canonical layout (exit 0: done, 1: --check found files to
    /// change or a file was refused).
    ///
    /// Members in spec order (unknown ones after them, in their order), 2-space indent, LF line
    /// ends, one final newline, no byte-order mark; strings and numbers stay as written.
    Fmt(FmtArgs),
    /// Explain a rule, with a bad and a good example.
    Explain(ExplainArgs),
    /// List every rule: id, severity, summary.
    Rules(RulesArgs),
    /// Print the JSON Schema of a request body (for editors).
    Schema(SchemaArgs),
    /// Print a shell completion script.
    Completions(CompletionsArgs),
    /// Lint, sign and send a change-OS request; with --wait, follow its job to the end.
    Send(SendArgs),
    /// Show a job, or wait until it ends.
    Job(JobArgs),
    /// Print a payload's canonical form, passwords redacted, for snapshot tests.
    Render(RenderArgs),
    /// Serve the Language Server Protocol on standard input and output: the findings of
    /// `check` in the editor while typing (exit 0 after the client's shutdown and exit, 1 when
    /// the connection fails).
    Lsp(LspArgs),
}

#[derive(Debug, clap::Args)]
pub struct LspArgs {
    /// Write a line per message handled (its method and how long it took; never a document's
    /// text) to this file, for debugging.
    #[arg(long, value_name = "FILE")]
    pub log_file: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Payload files or directories (walked for *.json); `-` or nothing reads standard input.
    pub paths: Vec<PathBuf>,
    #[arg(long, value_name = "OP", value_parser = OpParser, help = op_arg::mapped_by_config("Which request body the files are"))]
    pub op: Option<Operation>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Warnings fail the check too (exit 1).
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Apply the fixes that cannot change meaning, in place, then report what is left (exit 0:
    /// no error left, 1: some error left). Not for standard input: use --diff.
    #[arg(long, conflicts_with = "diff")]
    pub fix: bool,
    /// Print the unified diff of what --fix would change, and write nothing (exit 1: something
    /// to fix, 0: nothing).
    #[arg(long)]
    pub diff: bool,
}

#[derive(Debug, clap::Args)]
pub struct FmtArgs {
    /// Payload files or directories (walked for *.json), rewritten in place; `-` or nothing
    /// formats standard input to standard output.
    pub paths: Vec<PathBuf>,
    #[arg(long, value_name = "OP", value_parser = OpParser, help = op_arg::mapped_by_config("Which request body the files are (it decides the order of members)"))]
    pub op: Option<Operation>,
    /// Change nothing: list the files that would change, one per line (exit 1 if any).
    #[arg(long)]
    pub check: bool,
    #[command(flatten)]
    pub config: ConfigArgs,
}

/// Which `changeos.toml` applies.
#[derive(Debug, clap::Args)]
pub struct ConfigArgs {
    /// Config file to use instead of the nearest changeos.toml.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore every changeos.toml.
    #[arg(long)]
    pub no_config: bool,
}

impl ConfigArgs {
    /// The config these flags choose (see [`Config::resolve`]).
    pub fn load(&self) -> Result<Config, ConfigError> {
        Config::resolve(self.config.as_deref(), self.no_config)
    }
}

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// The rule id, as `changeos rules` lists it.
    pub rule: String,
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    pub format: ListFormat,
}

#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    pub format: ListFormat,
}

#[derive(Debug, clap::Args)]
pub struct SchemaArgs {
    /// Which request body.
    #[arg(long, value_name = "OP", default_value = op_arg::DEFAULT, value_parser = OpParser)]
    pub op: Operation,
}

#[derive(Debug, clap::Args)]
#[command(after_help = RENDER_EXIT_CODES)]
pub struct RenderArgs {
    /// The payload file; `-` reads standard input.
    pub payload: PathBuf,
    #[arg(long, value_name = "OP", value_parser = OpParser, help = op_arg::mapped_by_config("Which request body the file is (it decides the order of members and which are secret)"))]
    pub op: Option<Operation>,
    #[command(flatten)]
    pub config: ConfigArgs,
}

const RENDER_EXIT_CODES: &str = "Prints the canonical form: members in spec order (unknown ones after them, as \
written), 2-space indents, one final newline; every password is \"[redacted]\", placeholders such as \
\"$ADMIN_PASS\" are kept. Lint findings do not stop it (stderr says how many errors there are).\n\n\
Exit codes: 0 printed; 1 the payload has no canonical form (unreadable, too large, not UTF-8, not \
valid JSON, a member twice, content after the document): the reasons go to stderr; 2 bad invocation.";

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    pub shell: Shell,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// rustc-style diagnostics with the source line (colours: see --color)
    Human,
    /// one JSON document, a stable contract (docs/check.md, "The JSON report")
    Json,
    /// SARIF 2.1.0, for GitHub code scanning
    Sarif,
    /// GitHub Actions workflow commands (annotations)
    Github,
}

impl Format {
    pub fn report_format(self) -> ReportFormat {
        match self {
            Format::Human => ReportFormat::Human,
            Format::Json => ReportFormat::Json,
            Format::Sarif => ReportFormat::Sarif,
            Format::Github => ReportFormat::Github,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

// ---- send and job ------------------------------------------------------------------------------

#[derive(Debug, clap::Args)]
#[command(after_help = SEND_EXIT_CODES)]
pub struct SendArgs {
    /// The request body (a JSON file; `-` reads standard input). `$NAME` / `${NAME}` values are
    /// taken from the environment.
    pub payload: PathBuf,
    /// The ECS server whose OS is changed.
    #[arg(long, value_name = "ID")]
    pub server_id: String,
    #[arg(long, value_name = "OP", value_parser = OpParser, help = op_arg::mapped_by_config("Which operation of the API to call"))]
    pub op: Option<Operation>,
    #[command(flatten)]
    pub connection: ConnectionArgs,
    /// After sending, follow the job until it ends (as `changeos job wait`).
    #[arg(long)]
    pub wait: bool,
    #[command(flatten)]
    pub polling: PollArgs,
    /// Print the exact HTTP request (secrets redacted) and send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Sign with this X-Sdk-Date (UTC) instead of the current time, for reproducible dry runs.
    #[arg(long, value_name = "YYYYMMDDTHHMMSSZ", value_parser = parse_sdk_date)]
    pub date: Option<changeos_client::SdkDate>,
    /// Send even if the linter finds errors (the server has the last word; the spec may lag
    /// behind a relaxed rule).
    #[arg(long)]
    pub no_verify: bool,
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = EventFormat::Human)]
    pub format: EventFormat,
}

#[derive(Debug, clap::Args)]
pub struct JobArgs {
    #[command(subcommand)]
    pub action: JobAction,
}

#[derive(Debug, Subcommand)]
pub enum JobAction {
    /// Print a job once (exit 0, or 4 if it failed).
    #[command(after_help = SEND_EXIT_CODES)]
    Show(JobShowArgs),
    /// Follow a job until it succeeds (exit 0), fails (exit 4) or --timeout passes (exit 5).
    #[command(after_help = SEND_EXIT_CODES)]
    Wait(JobWaitArgs),
}

#[derive(Debug, clap::Args)]
pub struct JobShowArgs {
    /// The job id that `changeos send` printed.
    pub job_id: String,
    #[command(flatten)]
    pub connection: ConnectionArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = EventFormat::Human)]
    pub format: EventFormat,
}

#[derive(Debug, clap::Args)]
pub struct JobWaitArgs {
    /// The job id that `changeos send` printed.
    pub job_id: String,
    #[command(flatten)]
    pub connection: ConnectionArgs,
    #[command(flatten)]
    pub polling: PollArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = EventFormat::Human)]
    pub format: EventFormat,
}

/// Where requests go and how long they may take.
#[derive(Debug, Clone, clap::Args)]
pub struct ConnectionArgs {
    /// Project id [default: HUAWEICLOUD_SDK_PROJECT_ID, then project_id of the credentials file,
    /// then looked up in IAM for the region (AK/SK only)].
    #[arg(long, value_name = "ID")]
    pub project_id: Option<String>,
    /// Region id, e.g. ap-southeast-1. Its endpoints come from HUAWEICLOUD_SDK_REGION_ECS_<REGION>
    /// (upper case, `-` as `_`; URLs separated by commas), else the regions file
    /// (HUAWEICLOUD_SDK_REGIONS_FILE, else ~/.huaweicloud/regions.yaml), else
    /// https://ecs.REGION.myhuaweicloud.com [default: HUAWEICLOUD_SDK_REGION].
    #[arg(long, value_name = "REGION", conflicts_with = "endpoint")]
    pub region: Option<String>,
    /// Endpoint URL instead of the region's endpoints, over every override (http is allowed,
    /// with a warning, e.g. for a test server).
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,
    /// Also trust the root certificates of this PEM file (a private or company CA); may be
    /// given several times. Added to the bundled Mozilla roots and the system's store (or
    /// SSL_CERT_FILE / SSL_CERT_DIR in its place).
    #[arg(long, value_name = "PATH")]
    pub ca_file: Vec<PathBuf>,
    /// How long connecting (DNS, TCP, TLS) may take.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    pub connect_timeout: Duration,
    /// How long sending a request and reading its answer may take, each.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration)]
    pub read_timeout: Duration,
    /// Retries of a failed job query (HTTP 429, 5xx, network); the POST is never retried.
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub retries: u32,
    /// First pause before a retry, doubling up to 20s (Retry-After wins). For tests.
    #[arg(long, value_name = "DURATION", default_value = "1s", value_parser = parse_duration, hide = true)]
    pub retry_delay: Duration,
}

/// How a job is followed.
#[derive(Debug, Clone, clap::Args)]
pub struct PollArgs {
    /// Stop waiting after this long, a job query in flight included (exit 5; the job goes on)
    /// [default: 30m].
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
    /// First look at the job after this long; each pause is then 1.5 times longer [default: 5s].
    #[arg(long, value_name = "DURATION", value_parser = parse_positive_duration)]
    pub poll_interval: Option<Duration>,
    /// The longest pause between two looks [default: 30s].
    #[arg(long, value_name = "DURATION", value_parser = parse_positive_duration)]
    pub max_poll_interval: Option<Duration>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EventFormat {
    /// text for people (a live progress line on a terminal)
    Human,
    /// one JSON object per line: each state change, and errors
    Json,
}

const SEND_EXIT_CODES: &str = "Exit codes: 0 success; 1 lint errors; 2 usage, config or credentials error, the \
project id lookup failed, or the endpoint or proxy could not be reached (nothing was sent); 3 rejected by the API; 4 job FAIL; 5 timeout while \
waiting; 6 outcome unknown (a request was sent but no usable answer came back); 7 the output could not be \
written (stderr says what became of the request); 130 interrupted (Ctrl-C; the resume command is printed).\n\
Durations: 500ms, 30s, 5m, 1h, 1m30s; a bare number is seconds.";

/// `500ms`, `30s`, `5m`, `1h`, `1m30s`, or a bare number of seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let bad = || format!("invalid duration `{text}`: write e.g. 500ms, 30s, 5m, 1h or 1m30s");
    let text = text.trim();
    if text.is_empty() {
        return Err(bad());
    }
    if let Ok(seconds) = text.parse::<u64>() {
        return Ok(Duration::from_secs(seconds));
    }
    let mut total = Duration::ZERO;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
        if digits == 0 {
            return Err(bad());
        }
        let number: u64 = rest[..digits].parse().map_err(|_| bad())?;
        rest = &rest[digits..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit()).unwrap_or(rest.len());
        let unit = match &rest[..unit_len] {
            "ms" => Duration::from_millis(1),
            "s" => Duration::from_secs(1),
            "m" => Duration::from_secs(60),
            "h" => Duration::from_secs(3600),
            _ => return Err(bad()),
        };
        total = unit
            .checked_mul(u32::try_from(number).map_err(|_| bad())?)
            .and_then(|d| total.checked_add(d))
            .ok_or_else(bad)?;
        rest = &rest[unit_len..];
    }
    Ok(total)
}

fn parse_positive_duration(text: &str) -> Result<Duration, String> {
    let duration = parse_duration(text)?;
    if duration.is_zero() {
        return Err("must be longer than zero".to_owned());
    }
    Ok(duration)
}

fn parse_sdk_date(text: &str) -> Result<changeos_client::SdkDate, String> {
    changeos_client::SdkDate::parse(text).map_err(|e| e.to_string())
}

#[cfg(test)]
mod send_cli_tests {
    use super::*;

    #[test]
    fn durations() {
        for (text, millis) in [
            ("500ms", 500),
            ("30s", 30_000),
            ("5m", 300_000),
            ("1h", 3_600_000),
            ("1m30s", 90_000),
            ("7", 7_000),
            ("0", 0),
        ] {
            assert_eq!(parse_duration(text), Ok(Duration::from_millis(millis)), "{text}");
        }
        for bad in ["", "s", "5x", "1.5s", "-1s", "5 s", "99999999999h"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
        assert!(parse_positive_duration("0s").is_err());
    }

    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
