//! `changeos send`: lint the payload exactly as `changeos check` would, fill its placeholders
//! from the environment and lint the filled values again, sign, then print the request
//! (`--dry-run`) or send it once and, with `--wait`, follow its job.

use std::collections::BTreeSet;
use std::path::Path;

use changeos_client::api::{Accepted, Note};
use changeos_client::request::PreparedRequest;
use changeos_models::Severity;
use changeos_models::lint::Operation;
use changeos_runtime::escape::escape_controls;
use changeos_runtime::pointer::Pointer;
use changeos_runtime::{canonical, placeholder};
use changeos_validator::config::Config;
use changeos_validator::files::Input;
use changeos_validator::locate;
use changeos_validator::render::{Format as ReportFormat, render_all};
use changeos_validator::source::{ReadError, Reader};
use changeos_validator::{Diagnostic, FileReport, MaskedSource, check_source};
use serde_json::{Value, json};

use crate::cli::SendArgs;
use crate::remote::{self, EXIT_LINT, EXIT_OK, Fail, Failed, Output, PROJECT_PLACEHOLDER, Plan};

/// What stands in for a secret in printed requests.
const REDACTED: &str = "[redacted]";

pub fn run(args: &SendArgs) -> u8 {
    let mut out = Output::new(args.format);
    let code = match send(args, &mut out) {
        Ok(code) => code,
        Err(fail) => out.fail(&fail),
    };
    out.finish(code)
}

fn send(args: &SendArgs, out: &mut Output) -> Result<u8, Fail> {
    let polling = &args.polling;
    if !args.wait
        && (polling.timeout.is_some() || polling.poll_interval.is_some() || polling.max_poll_interval.is_some())
    {
        return Err(Fail::usage(
            "--timeout, --poll-interval and --max-poll-interval only apply with --wait",
        ));
    }
    let policy = remote::poll_policy(&args.polling)?;
    let operation = args.op.operation();
    let from_stdin = args.payload.as_os_str() == "-";
    let name = escape_controls(&args.payload.display().to_string()).into_owned();
    let mut reader = Reader::default();
    let bytes = reader.input(&Input::argument(&args.payload)).map_err(|e| {
        Fail::usage(format!(
            "cannot read the payload {name}: {}",
            match e {
                ReadError::Unreadable(why) => why,
                ReadError::Directory => "it is a directory".to_owned(),
                ReadError::TooLarge(_) => format!(
                    "it is larger than the {} bytes a signed request body can have",
                    changeos_validator::source::MAX_FILE_BYTES
                ),
            }
        ))
    })?;
    let config = load_config(args)?;
    let path = (!from_stdin).then_some(args.payload.as_path());

    // The same lint as `changeos check`, with the same config.
    let mut report = check_source(operation, bytes);
    config.apply(path, &mut report);
    let text = String::from_utf8_lossy(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).into_owned();
    let parsed: Option<Value> = serde_json::from_str(&text).ok();

    // Errors in the file itself stop here, before placeholders are even looked at.
    if report.has_errors() && !args.no_verify {
        lint_gate(&name, &mut report, false, out)?;
    }

    // Placeholders, and the second lint over the values they stand for.
    let (value, used) = match parsed {
        Some(mut value) => {
            let used = substitute(&mut value)?;
            (Some(value), used)
        }
        None => (None, Vec::new()),
    };
    for secret in secret_values(operation, value.as_ref(), &used) {
        out.secret(&secret);
    }
    if let Some(value) = &value
        && !used.is_empty()
    {
        relint(operation, value, &used, &text, path, &config, &mut report, out);
    }
    lint_gate(&name, &mut report, args.no_verify, out)?;

    let body = match &value {
        Some(value) => serde_json::to_vec(value).map_err(|e| Fail::usage(format!("cannot encode the body: {e}")))?,
        None => {
            out.err("warning: the payload is not valid JSON: it is sent as it is, placeholders not filled");
            bytes.to_vec()
        }
    };

    let plan = Plan {
        dry_run: args.dry_run,
        date: args.date,
    };
    let connection = remote::connect_with(&args.connection, out, plan)?;
    let client = connection.client;
    let prepared = client
        .prepare_change_os(operation, &args.server_id, body)
        .map_err(|e| Fail::usage(format!("cannot build the request: {e}")))?;
    for (_, request) in prepared.iter() {
        remote::register_signature(request, out);
    }
    let endpoints = &client.target().endpoints;
    let fallbacks: Vec<String> = endpoints.rest().iter().map(ToString::to_string).collect();

    if args.dry_run {
        let prepared = prepared.first();
        let shown_body = match &value {
            Some(value) => display_body(operation, value, &used),
            None => format!("<{} bytes that are not valid JSON: not shown>", prepared.body.len()),
        };
        let lookup = connection.lookup.as_ref();
        if out.json() {
            let mut event = json!({
                "event": "dry-run",
                "method": prepared.method.as_str(),
                "url": prepared.url,
                "headers": json_headers(prepared),
                "body": shown_body,
                "endpoint": endpoints.first().to_string(),
                "endpoint_source": connection.endpoint_source.to_string(),
                "fallback_endpoints": fallbacks,
                "trust": connection.trust,
                "project_id": lookup.is_none().then(|| client.target().project_id.clone()),
            });
            if let Some(lookup) = lookup {
                event["project_lookup"] = json!({
                    "method": lookup.request.method.as_str(),
                    "url": lookup.request.url,
                    "headers": json_headers(&lookup.request),
                    "iam_endpoint_from": lookup.source.to_string(),
                    "placeholder": PROJECT_PLACEHOLDER,
                });
            }
            out.event(&event);
        } else {
            if let Some(lookup) = lookup {
                out.err(&format!(
                    "would look up the project id: {} {} (signed, not sent)\n  \
                     IAM endpoint from {}; the request below has {PROJECT_PLACEHOLDER} for the project id",
                    lookup.request.method, lookup.request.url, lookup.source
                ));
            }
            let mut lines = vec![format!("{} {}", prepared.method, prepared.url)];
            lines.extend(
                prepared
                    .wire_headers()
                    .into_iter()
                    .map(|(name, value)| format!("{name}: {value}")),
            );
            lines.push(String::new());
            lines.push(shown_body);
            out.out(&lines.join("\n"));
        }
        out.err(&format!("trust: {}", connection.trust));
        out.err(&format!(
            "endpoint: {} (from {})",
            endpoints.first(),
            connection.endpoint_source
        ));
        if !fallbacks.is_empty() {
            out.err(&format!("if it cannot be reached: {}", fallbacks.join(", ")));
        }
        out.err(&format!(
            "dry run: nothing was sent; credentials: {}; secrets are shown as {REDACTED}",
            connection.credentials_source
        ));
        return Ok(EXIT_OK);
    }

    // From here on Ctrl-C is caught, to say what became of the request.
    let interrupt = crate::interrupt::catch();
    let client = client.with_interrupt(interrupt.clone());
    let mut on_note = |note: &Note| {
        if let Note::Failover { from, to, reason } = note {
            out.err(&format!(
                "note: nothing was sent to {from} ({}); trying {to}",
                escape_controls(reason)
            ));
        }
    };
    let accepted: Accepted = client.change_os(&prepared, &mut on_note).map_err(|e| {
        remote::call_failure(
            e,
            &Failed::ChangeOs {
                server_id: &args.server_id,
                target_args: &connection.target_args,
            },
        )
    })?;
    let resume = format!(
        "changeos job wait {} {}",
        remote::shell_word(&accepted.job_id),
        connection.target_args
    );
    out.if_output_lost(format!(
        "the request was accepted all the same: the change of server {} runs as job {}; follow it with: {resume}",
        args.server_id, accepted.job_id
    ));
    if out.json() {
        out.event(&json!({
            "event": "accepted",
            "job_id": accepted.job_id,
            "server_id": args.server_id,
            "http_status": accepted.status,
            "request_id": accepted.request_id,
            "resume": resume,
        }));
    } else {
        out.out(&escape_controls(&accepted.job_id));
        // Escaped whole: the job id and the request id are the server's text.
        let accepted_line = format!(
            "accepted: the change of server {} runs as job {} (HTTP {}{})",
            args.server_id,
            accepted.job_id,
            accepted.status,
            accepted
                .request_id
                .as_deref()
                .map(|id| format!(", X-Request-Id {id}"))
                .unwrap_or_default()
        );
        out.err(&escape_controls(&accepted_line));
        if !args.wait {
            out.err(&format!("follow it with: {resume}"));
        }
    }
    if !args.wait {
        return Ok(EXIT_OK);
    }
    crate::job::follow(&client, &accepted.job_id, &policy, &resume, &interrupt, out)
}

/// The headers of a request as a dry run shows them, credentials redacted.
fn json_headers(request: &PreparedRequest) -> Vec<Value> {
    request.wire_headers().into_iter().map(|(n, v)| json!([n, v])).collect()
}

/// Shows the findings (on stderr, as `check` would) and fails on error-level ones, unless
/// `--no-verify`, which sends anyway and says so.
fn lint_gate(name: &str, report: &mut FileReport, no_verify: bool, out: &mut Output) -> Result<(), Fail> {
    report.diagnostics.sort_by_key(|d| (d.line, d.column));
    if !report.diagnostics.is_empty() {
        let rendered = render_all(
            ReportFormat::Human,
            crate::color::stderr(),
            &[(name.to_owned(), report.clone())],
        );
        out.err_raw(&rendered);
    }
    let errors = report.count(Severity::Error);
    let plural = if errors == 1 { "" } else { "s" };
    if errors > 0 {
        if !no_verify {
            return Err(Fail::new(
                EXIT_LINT,
                format!("the payload has {errors} lint error{plural}: nothing was sent"),
            )
            .note("fix them, or pass --no-verify to send anyway (the server has the last word)")
            .field("errors", errors));
        }
        out.err(&format!(
            "warning: --no-verify: sending despite {errors} lint error{plural}"
        ));
    }
    Ok(())
}

fn load_config(args: &SendArgs) -> Result<Config, Fail> {
    Config::resolve(args.config.as_deref(), args.no_config).map_err(|e| Fail::usage(e.to_string()))
}

/// A placeholder filled from the environment: where, and from which variable.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Use {
    pointer: Pointer,
    variable: String,
    value: String,
}

/// Replaces every string that is wholly a placeholder (`$NAME`, `${NAME}`) with the value of
/// that environment variable; all missing variables are one error that names them.
fn substitute(value: &mut Value) -> Result<Vec<Use>, Fail> {
    let mut used = Vec::new();
    let mut missing = BTreeSet::new();
    walk(value, &mut Pointer::root(), &mut |pointer, slot| {
        let Value::String(text) = slot else { return };
        let Some(variable) = placeholder::name(text) else {
            return;
        };
        match std::env::var(variable) {
            Ok(found) if !found.is_empty() => {
                used.push(Use {
                    pointer: pointer.clone(),
                    variable: variable.to_owned(),
                    value: found.clone(),
                });
                *slot = Value::String(found);
            }
            Ok(_) => {
                missing.insert(format!("{variable} (empty, for {pointer})"));
            }
            Err(std::env::VarError::NotPresent) => {
                missing.insert(format!("{variable} (for {pointer})"));
            }
            Err(std::env::VarError::NotUnicode(_)) => {
                missing.insert(format!("{variable} (not UTF-8, for {pointer})"));
            }
        }
    });
    if !missing.is_empty() {
        let list: Vec<String> = missing.into_iter().collect();
        return Err(Fail::usage(format!(
            "missing environment variable{} for the payload's placeholders: {}",
            if list.len() == 1 { "" } else { "s" },
            list.join(", ")
        ))
        .note("set them in the environment that runs changeos (values are never printed)"));
    }
    Ok(used)
}

/// Calls `visit` with the pointer of every value, depth first.
fn walk(value: &mut Value, pointer: &mut Pointer, visit: &mut dyn FnMut(&Pointer, &mut Value)) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                pointer.push(key);
                walk(child, pointer, visit);
                pointer.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter_mut().enumerate() {
                pointer.push_index(i);
                walk(child, pointer, visit);
                pointer.pop();
            }
        }
        _ => visit(pointer, value),
    }
}

/// Values never to print: every filled placeholder, and every string and number in the
/// (filled) value of a secret member, misspelt ones included, whatever its type.
fn secret_values(operation: Operation, value: Option<&Value>, used: &[Use]) -> Vec<String> {
    let mut values: Vec<String> = used.iter().map(|u| u.value.clone()).collect();
    if let Some(value) = value {
        let names = operation.shape().secret_names();
        values.extend(
            canonical::secret_texts(value, &names)
                .into_iter()
                .filter(|s| !s.is_empty()),
        );
    }
    values
}

/// The body as it will be sent, with filled placeholders and the value of every secret member
/// (a misspelt one too: what `check` and `render` mask, [`canonical::looks_secret`]) replaced by
/// `[redacted]`.
fn display_body(operation: Operation, value: &Value, used: &[Use]) -> String {
    let mut shown = value.clone();
    for u in used {
        if let Some(slot) = shown.pointer_mut(u.pointer.as_str()) {
            *slot = Value::String(REDACTED.to_owned());
        }
    }
    canonical::scrub(&shown, &operation.shape().secret_names()).to_string()
}

/// Lints the filled document and adds the findings that filling caused (those the placeholder
/// version did not have), placed at the placeholder in the file, with the filled values
/// scrubbed from their messages.
#[allow(clippy::too_many_arguments)]
fn relint(
    operation: Operation,
    value: &Value,
    used: &[Use],
    text: &str,
    path: Option<&Path>,
    config: &Config,
    report: &mut FileReport,
    out: &Output,
) {
    let before: BTreeSet<(String, Pointer)> = operation
        .lint(&placeholder_version(value, used))
        .into_iter()
        .map(|f| (f.rule.to_owned(), f.pointer))
        .collect();
    let new: Vec<_> = operation
        .lint(value)
        .into_iter()
        .filter(|f| !before.contains(&(f.rule.to_owned(), f.pointer.clone())))
        .collect();
    if new.is_empty() {
        return;
    }
    let wanted: Vec<locate::Wanted> = new.iter().map(|f| (f.pointer.clone(), locate::LAST)).collect();
    let spans = locate::spans(text, &wanted);
    let mut added = FileReport {
        diagnostics: new
            .into_iter()
            .zip(spans)
            .map(|(finding, span)| {
                let from: Vec<String> = used
                    .iter()
                    .filter(|u| u.pointer.starts_with(&finding.pointer))
                    .map(|u| format!("${}", u.variable))
                    .collect();
                let origin = if from.is_empty() {
                    "after filling the placeholders".to_owned()
                } else {
                    format!("the value of {}", from.join(", "))
                };
                Diagnostic {
                    rule: finding.rule,
                    severity: finding.severity,
                    message: format!("{} ({origin})", out.scrub(&finding.message)),
                    pointer: finding.pointer,
                    line: span.start.0,
                    column: span.start.1,
                    end_line: span.end.0,
                    end_column: span.end.1,
                    help: finding.help.map(|h| out.scrub(&h)),
                    fix: None,
                }
            })
            .collect(),
        ..FileReport::default()
    };
    config.apply(path, &mut added);
    report.diagnostics.extend(added.diagnostics);
    if report.source.is_none() && !report.diagnostics.is_empty() {
        // The report had no finding (or the config dropped them all): its text, with the
        // placeholders (not their values) and every secret masked, can be quoted.
        report.source = Some(MaskedSource::new(operation, text));
    }
}

/// `value` with each filled placeholder put back, to tell which findings filling caused.
fn placeholder_version(value: &Value, used: &[Use]) -> Value {
    let mut original = value.clone();
    for u in used {
        if let Some(slot) = original.pointer_mut(u.pointer.as_str()) {
            *slot = Value::String(format!("${{{}}}", u.variable));
        }
    }
    original
}

#[cfg(test)]
mod tests {
    use super::*;

    const V2: Operation = Operation::ChangeServerOsWithCloudInit;

    #[test]
    fn walk_gives_escaped_pointers() {
        let mut value = json!({"a/b": {"c~d": ["x", {"e": 1}]}});
        let mut seen = Vec::new();
        walk(&mut value, &mut Pointer::root(), &mut |p, _| seen.push(p.to_string()));
        assert_eq!(seen, ["/a~1b/c~0d/0", "/a~1b/c~0d/1/e"]);
    }

    #[test]
    fn display_body_redacts_secrets_and_filled_values_exactly() {
        let value = json!({"os-change": {"adminpass": "Literal.Pass1", "imageid": "img", "userid": "u"}});
        let used = vec![Use {
            pointer: Pointer::root().member("os-change").member("userid"),
            variable: "USER".into(),
            value: "u".into(),
        }];
        assert_eq!(
            display_body(V2, &value, &used),
            r#"{"os-change":{"adminpass":"[redacted]","imageid":"img","userid":"[redacted]"}}"#
        );
        assert_eq!(
            secret_values(V2, Some(&value), &used),
            ["u".to_owned(), "Literal.Pass1".to_owned()]
        );
    }

    #[test]
    fn display_body_redacts_misspelt_secrets_of_any_type_in_place() {
        let value = json!({"os-change": {
            "admin_pass": "Near.Pass-1", "imageid": "img", "adminPass": ["Arr.Pass-2", {"k": 12345678}],
            "metadata": {"adminpas": true, "BYOL": "true"}, "adminpass": null
        }});
        assert_eq!(
            display_body(V2, &value, &[]),
            r#"{"os-change":{"admin_pass":"[redacted]","imageid":"img","adminPass":"[redacted]","metadata":{"adminpas":"[redacted]","BYOL":"true"},"adminpass":null}}"#
        );
        assert_eq!(
            secret_values(V2, Some(&value), &[]),
            ["Near.Pass-1", "Arr.Pass-2", "12345678"]
        );
    }

    #[test]
    fn placeholders_are_put_back_for_the_comparison() {
        let value = json!({"os-change": {"adminpass": "weak"}});
        let used = vec![Use {
            pointer: Pointer::root().member("os-change").member("adminpass"),
            variable: "P".into(),
            value: "weak".into(),
        }];
        assert_eq!(
            placeholder_version(&value, &used),
            json!({"os-change": {"adminpass": "${P}"}})
        );
    }
}
