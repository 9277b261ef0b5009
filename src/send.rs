//! `changeos send`: lint the payload exactly as `changeos check` would, fill its placeholders
//! from the environment and lint the filled values again, sign, then print the request
//! (`--dry-run`) or send it once and, with `--wait`, follow its job.

use changeos_client::api::{Accepted, Note};
use changeos_client::request::{PreparedRequest, check_path_params};
use changeos_models::Severity;
use changeos_runtime::escape::escape_controls;
use changeos_validator::files::Input;
use changeos_validator::placeholders::{self, REDACTED};
use changeos_validator::render::{Format as ReportFormat, render_all};
use changeos_validator::source::{ReadError, Reader};
use changeos_validator::{Document, FileReport, check_document};
use serde_json::{Value, json};

use crate::cli::SendArgs;
use crate::remote::{self, EXIT_LINT, EXIT_OK, Fail, Failed, Output, PROJECT_PLACEHOLDER, Plan};

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
    let from_stdin = args.payload.as_os_str() == "-";
    let path = (!from_stdin).then_some(args.payload.as_path());
    let config = args.config.load().map_err(|e| Fail::usage(e.to_string()))?;
    let operation = config.operation(args.op, path);
    // Before the payload is read or anything looked up: an operation whose path cannot be
    // filled is a usage error whatever the payload.
    check_path_params(operation).map_err(|e| Fail::usage(format!("cannot send --op {}: {e}", operation.cli_name())))?;
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

    // The same lint as `changeos check`, with the same config, on the one parse of the file.
    let document = Document::read(bytes);
    let mut report = match &document {
        Ok(document) => check_document(operation, document),
        Err(report) => report.clone(),
    };
    config.apply(path, &mut report);
    // A body is filled only when it is exactly one JSON document.
    let document = document.ok().filter(|d| d.parsed.trailing.is_none());
    let value: Option<Value> = document
        .as_ref()
        .and_then(|d| d.value())
        .map(|root| root.value.to_value());

    // Errors in the file itself stop here, before placeholders are even looked at.
    if report.has_errors() && !args.no_verify {
        lint_gate(&name, &mut report, false, out)?;
    }

    // Placeholders, and the second lint over the values they stand for.
    let filled = match value {
        Some(value) => Some(
            placeholders::fill(value, |name| std::env::var(name)).map_err(|missing| {
                Fail::usage(missing.to_string())
                    .note("set them in the environment that runs changeos (values are never printed)")
            })?,
        ),
        None => None,
    };
    if let (Some(filled), Some(document)) = (&filled, &document) {
        for secret in filled.secret_values(operation) {
            out.secret(&secret);
        }
        let scrub = |text: &str| out.scrub(text);
        filled.relint(operation, document, &config, path, &mut report, &scrub);
    }
    lint_gate(&name, &mut report, args.no_verify, out)?;

    let body = match &filled {
        Some(filled) => {
            serde_json::to_vec(filled.value()).map_err(|e| Fail::usage(format!("cannot encode the body: {e}")))?
        }
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
        let shown_body = match &filled {
            Some(filled) => filled.display_body(operation),
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
