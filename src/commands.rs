//! What each command does, and its exit code.

/// A line on standard error. Where even standard error cannot be written there is nowhere left
/// to say so, and the exit code still tells: `eprintln!` would panic instead.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}
pub(crate) use say;

use std::io::Write;
use std::process::ExitCode;

use changeos_runtime::escape::{escape_controls, escape_controls_per_line};
use changeos_validator::config::Config;
use changeos_validator::files::Input;
use changeos_validator::render::{Format as ReportFormat, Summary, plural, renderer};
use changeos_validator::run::FixMode;
use changeos_validator::{FileReport, Operation, Rule, Severity, files, rules, run};
use clap::CommandFactory;
use serde_json::json;

use crate::cli::{
    CheckArgs, Cli, Command, CompletionsArgs, ExplainArgs, Format, ListFormat, LspArgs, RulesArgs, SchemaArgs, Shell,
};

/// No error-level finding (and, with `--strict`, no warning).
const EXIT_CLEAN: u8 = 0;
/// Some finding fails the check.
pub(crate) const EXIT_FINDINGS: u8 = 1;
/// Bad invocation, broken config, or an internal error.
const EXIT_USAGE: u8 = 2;

pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Check(args) => check(&args),
        Command::Fmt(args) => Ok(crate::fmt::run(&args)),
        Command::Explain(args) => explain(&args),
        Command::Rules(args) => list_rules(&args),
        Command::Schema(args) => schema(&args),
        Command::Completions(args) => completions(&args),
        Command::Send(args) => Ok(crate::send::run(&args)),
        Command::Job(args) => Ok(crate::job::run(&args)),
        Command::Render(args) => crate::render::run(&args),
        Command::Lsp(args) => lsp(&args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            say!("error: {}", escape_controls_per_line(&message));
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// `check`, and `check --fix`: the report of every input (with --fix, of what is left after
/// fixing, the applied fixes first). The exit code is the same rule on what is reported: with
/// --fix, a fixed finding no longer counts.
fn check(args: &CheckArgs) -> Result<u8, String> {
    let config = args.config.load().map_err(|e| e.to_string())?;
    // Checking finds out which arguments are directories as it opens them; fixing takes the
    // files of every directory from the start.
    let inputs = if args.fix || args.diff {
        files::expand(&args.paths)
    } else {
        files::arguments(&args.paths)
    };
    if args.diff {
        return diff(args, &config, &inputs);
    }
    if args.fix && inputs.contains(&Input::Stdin) {
        return Err(
            "--fix writes the fixes into the files, and standard input is no file: use --diff to see them, \
             or --format json for the edits"
                .to_owned(),
        );
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut renderer = renderer(args.format.report_format(), crate::color::stdout());
    let mut summary = Summary::default();
    let mut failure = None;
    let mut unwritten = 0;
    write(&mut failure, renderer.begin(&mut out));
    let mut emit = |input: &Input, report: FileReport| {
        summary.add(&report);
        write(&mut failure, renderer.file(&input.name(), &report, &mut out));
    };
    if args.fix {
        run::fix_all(&inputs, args.op, &config, FixMode::Write, |input, outcome| {
            if let Some(e) = &outcome.write_error {
                say!(
                    "error: cannot write the fixes to {}: {e}",
                    escape_controls(&input.name())
                );
                unwritten += 1;
            }
            emit(input, outcome.report);
        });
    } else {
        run::check_all(&inputs, args.op, &config, emit);
    }
    write(&mut failure, renderer.end(&summary, &mut out));
    write(&mut failure, out.flush());
    if let Some(e) = failure {
        return Err(format!(
            "cannot write the report to {}",
            write_failure("standard output", &e)
        ));
    }
    if unwritten > 0 {
        return Ok(EXIT_USAGE);
    }
    let failed = summary.errors > 0 || (args.strict && summary.warnings > 0);
    Ok(if failed { EXIT_FINDINGS } else { EXIT_CLEAN })
}

/// `check --diff`: the unified diff of what --fix would change in each input, in input order,
/// on stdout; a one-line summary on stderr. Exit 1 when something would change, else 0,
/// whatever findings would be left (as `ruff check --diff`).
fn diff(args: &CheckArgs, config: &Config, inputs: &[Input]) -> Result<u8, String> {
    if args.format != Format::Human {
        return Err("--diff prints a unified diff and takes no --format; without --diff, \
                    --format json gives each fix as an edit"
            .to_owned());
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut failure = None;
    let (mut files, mut fixes, mut errors, mut warnings) = (0, 0, 0, 0);
    let mut unfixable = 0;
    let mut reasons = renderer(ReportFormat::Human, crate::color::stderr());
    run::fix_all(inputs, args.op, config, FixMode::Diff, |input, outcome| {
        errors += outcome.report.count(Severity::Error);
        warnings += outcome.report.count(Severity::Warning);
        if !outcome.diff.is_empty() {
            files += 1;
            fixes += outcome.report.fixed.as_ref().map_or(0, Vec::len);
            write(&mut failure, out.write_all(outcome.diff.as_bytes()));
        }
        if let Some(report) = why_unfixable(&outcome.report) {
            // Said now, between the diffs, so that it reaches a terminal next to its file.
            write(&mut failure, out.flush());
            unfixable += 1;
            let _ = reasons.file(&input.name(), &report, &mut std::io::stderr().lock());
        }
    });
    write(&mut failure, out.flush());
    if let Some(e) = failure {
        return Err(format!(
            "cannot write the diff to {}",
            write_failure("standard output", &e)
        ));
    }
    let left = format!("{}, {}", plural(errors, "error"), plural(warnings, "warning"));
    let unfixable_note = if unfixable > 0 {
        format!("; {} cannot be fixed (see above)", plural(unfixable, "file"))
    } else {
        String::new()
    };
    if files == 0 {
        say!(
            "nothing to fix in {} ({left}){unfixable_note}",
            plural(inputs.len(), "file")
        );
        return Ok(EXIT_CLEAN);
    }
    say!(
        "{} would be applied to {files} of {}; {left} would remain (run with --fix to apply){unfixable_note}",
        plural(fixes, "fix"),
        plural(inputs.len(), "file"),
    );
    Ok(EXIT_FINDINGS)
}

/// The findings that keep `--diff` from looking at a file at all (it cannot be read, or is no
/// JSON), which would otherwise go unsaid: the diff shows fixes, not findings.
fn why_unfixable(report: &FileReport) -> Option<FileReport> {
    let blocking = [
        Rule::new(&rules::INVALID_JSON),
        Rule::new(&rules::UNREADABLE_FILE),
        Rule::new(&rules::FILE_TOO_LARGE),
    ];
    let diagnostics: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| blocking.contains(&d.rule))
        .cloned()
        .collect();
    (!diagnostics.is_empty()).then(|| FileReport {
        diagnostics,
        source: report.source.clone(),
        ..FileReport::default()
    })
}

/// Keeps the first write error. A reader that went away (`| head`) is one too: the report it
/// did not read may hold the finding that matters, and the exit code must not say all is well.
fn write(failure: &mut Option<std::io::Error>, result: std::io::Result<()>) {
    if let Err(e) = result
        && failure.is_none()
    {
        *failure = Some(e);
    }
}

/// `standard output: why` for a failed write; a reader that went away is said plainly.
pub(crate) fn write_failure(stream: &str, error: &std::io::Error) -> String {
    if error.kind() == std::io::ErrorKind::BrokenPipe {
        format!("{stream}: it was closed (broken pipe)")
    } else {
        format!("{stream}: {error}")
    }
}

fn explain(args: &ExplainArgs) -> Result<u8, String> {
    let rule = rules::parse(&args.rule).map_err(|e| e.to_string())?;
    let text = match args.format {
        ListFormat::Json => format!("{}\n", rule_json(rule, true)),
        ListFormat::Human => {
            let mut text = format!(
                "{} ({})\n\n{}\n\n{}\n",
                rule, rule.severity, rule.summary, rule.explanation
            );
            if !rule.bad.is_empty() {
                text.push_str(&format!("\nBad ({}):\n{}\n", example_op(&rule), indent(rule.bad)));
            }
            if !rule.good.is_empty() {
                text.push_str(&format!("\nGood:\n{}\n", indent(rule.good)));
            }
            text
        }
    };
    print_out(&text)
}

/// Which `--op` the bad example is a body of: `--op NAME`, so that it can be pasted into
/// `check`; the operationId if the catalog names an operation the binary does not offer.
fn example_op(rule: &Rule) -> String {
    match Operation::from_id(rule.operation) {
        Some(op) => format!("--op {}", op.cli_name()),
        None => rule.operation.to_owned(),
    }
}

fn list_rules(args: &RulesArgs) -> Result<u8, String> {
    let text = match args.format {
        ListFormat::Json => {
            let list: Vec<serde_json::Value> = rules::all().map(|r| rule_json(r, false)).collect();
            format!("{}\n", serde_json::Value::Array(list))
        }
        ListFormat::Human => {
            let width = rules::all().map(|r| r.id().len()).max().unwrap_or(0);
            rules::all()
                .map(|r| format!("{:width$}  {:7}  {}\n", r.id(), r.severity.as_str(), r.summary))
                .collect()
        }
    };
    print_out(&text)
}

fn rule_json(rule: Rule, full: bool) -> serde_json::Value {
    let mut value = json!({ "id": rule, "severity": rule.severity.as_str(), "summary": rule.summary });
    if full {
        value["explanation"] = json!(rule.explanation);
        value["operation"] = json!(rule.operation);
        value["op"] = json!(Operation::from_id(rule.operation).map(Operation::cli_name));
        value["bad"] = json!(rule.bad);
        value["good"] = json!(rule.good);
    }
    value
}

fn schema(args: &SchemaArgs) -> Result<u8, String> {
    print_out(args.op.schema())
}

/// `lsp`: the server runs until the client's `exit`; a broken connection is exit 1.
fn lsp(args: &LspArgs) -> Result<u8, String> {
    let options = changeos_lsp::Options {
        log_file: args.log_file.clone(),
    };
    match changeos_lsp::serve_stdio(&options) {
        Ok(()) => Ok(EXIT_CLEAN),
        Err(e) => {
            say!("error: the language server stopped: {e}");
            Ok(EXIT_FINDINGS)
        }
    }
}

fn completions(args: &CompletionsArgs) -> Result<u8, String> {
    let shell = match args.shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
    };
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "changeos", &mut out);
    print_out(&String::from_utf8_lossy(&out))
}

pub(crate) fn print_out(text: &str) -> Result<u8, String> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) => Err(format!("cannot write to {}", write_failure("standard output", &e))),
        Ok(()) => Ok(EXIT_CLEAN),
    }
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("    {l}")).collect::<Vec<_>>().join("\n")
}
