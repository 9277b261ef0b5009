//! What each command does, and its exit code.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use changeos_validator::config::Config;
use changeos_validator::render::{Summary, renderer};
use changeos_validator::{RuleInfo, files, rules, run};
use clap::CommandFactory;
use serde_json::json;

use crate::cli::{CheckArgs, Cli, Command, CompletionsArgs, ExplainArgs, ListFormat, RulesArgs, SchemaArgs, Shell};

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
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn check(args: &CheckArgs) -> Result<u8, String> {
    let config = load_config(args)?;
    let inputs = files::arguments(&args.paths);
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut renderer = renderer(args.format.report_format(), color);
    let mut summary = Summary::default();
    let mut failure = None;
    write(&mut failure, renderer.begin(&mut out));
    run::check_all(&inputs, args.op.operation(), &config, |input, report| {
        summary.add(&report);
        write(&mut failure, renderer.file(&input.name(), &report, &mut out));
    });
    write(&mut failure, renderer.end(&summary, &mut out));
    write(&mut failure, out.flush());
    if let Some(e) = failure {
        return Err(format!("cannot write the report: {e}"));
    }
    let failed = summary.errors > 0 || (args.strict && summary.warnings > 0);
    Ok(if failed { EXIT_FINDINGS } else { EXIT_CLEAN })
}

/// Keeps the first write error; a reader that went away (`| head`) is not one.
fn write(failure: &mut Option<std::io::Error>, result: std::io::Result<()>) {
    if let Err(e) = result
        && e.kind() != std::io::ErrorKind::BrokenPipe
        && failure.is_none()
    {
        *failure = Some(e);
    }
}

fn load_config(args: &CheckArgs) -> Result<Config, String> {
    Config::resolve(args.config.as_deref(), args.no_config).map_err(|e| e.to_string())
}

fn find_rule(id: &str) -> Result<&'static RuleInfo, String> {
    rules::find(id).ok_or_else(|| {
        let ids: Vec<&str> = rules::all().map(|r| r.id).collect();
        let hint = changeos_models::support::checks::suggest(id, &ids)
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        format!("unknown rule `{id}`{hint}; `changeos rules` lists them all")
    })
}

fn explain(args: &ExplainArgs) -> Result<u8, String> {
    let rule = find_rule(&args.rule)?;
    let text = match args.format {
        ListFormat::Json => format!("{}\n", rule_json(rule, true)),
        ListFormat::Human => {
            let mut text = format!(
                "{} ({})\n\n{}\n\n{}\n",
                rule.id, rule.severity, rule.summary, rule.explanation
            );
            if !rule.bad.is_empty() {
                text.push_str(&format!("\nBad ({}):\n{}\n", rule.operation, indent(rule.bad)));
            }
            if !rule.good.is_empty() {
                text.push_str(&format!("\nGood:\n{}\n", indent(rule.good)));
            }
            text
        }
    };
    print_out(&text)
}

fn list_rules(args: &RulesArgs) -> Result<u8, String> {
    let text = match args.format {
        ListFormat::Json => {
            let list: Vec<serde_json::Value> = rules::all().map(|r| rule_json(r, false)).collect();
            format!("{}\n", serde_json::Value::Array(list))
        }
        ListFormat::Human => {
            let width = rules::all().map(|r| r.id.len()).max().unwrap_or(0);
            rules::all()
                .map(|r| format!("{:width$}  {:7}  {}\n", r.id, r.severity.as_str(), r.summary))
                .collect()
        }
    };
    print_out(&text)
}

fn rule_json(rule: &RuleInfo, full: bool) -> serde_json::Value {
    let mut value = json!({ "id": rule.id, "severity": rule.severity.as_str(), "summary": rule.summary });
    if full {
        value["explanation"] = json!(rule.explanation);
        value["operation"] = json!(rule.operation);
        value["bad"] = json!(rule.bad);
        value["good"] = json!(rule.good);
    }
    value
}

fn schema(args: &SchemaArgs) -> Result<u8, String> {
    print_out(args.op.operation().schema())
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
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(format!("cannot write: {e}")),
        _ => Ok(EXIT_CLEAN),
    }
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("    {l}")).collect::<Vec<_>>().join("\n")
}
