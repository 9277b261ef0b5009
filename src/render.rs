//! `changeos render`: a payload's canonical, secret-safe form on stdout, for snapshot tests in
//! any language. The engine decides (`changeos_validator::canonical`); this is the edge: read
//! the input, print, choose the exit code.

use changeos_models::Severity;
use changeos_runtime::escape::escape_controls;
use changeos_validator::canonical::canonical_source;
use changeos_validator::files::Input;
use changeos_validator::render::{Format, renderer};
use changeos_validator::source::Reader;
use changeos_validator::{FileReport, read_error_report};

use crate::cli::RenderArgs;
use crate::commands::{EXIT_FINDINGS, print_out, say};

pub fn run(args: &RenderArgs) -> Result<u8, String> {
    let config = args.config.load().map_err(|e| e.to_string())?;
    // `-` in the report's locations, as `check` writes it; in sentences, what it means.
    let name = escape_controls(&args.payload.display().to_string()).into_owned();
    let from_stdin = args.payload.as_os_str() == "-";
    let said = if from_stdin {
        "standard input".to_owned()
    } else {
        name.clone()
    };
    let mut reader = Reader::default();
    let rendered = match reader.input(&Input::argument(&args.payload)) {
        Ok(bytes) => {
            let file = (!from_stdin).then_some(args.payload.as_path());
            canonical_source(config.operation(args.op, file), bytes)
        }
        Err(e) => Err(read_error_report(&e)),
    };
    match rendered {
        Ok(rendered) => {
            mention_errors(&said, &rendered.report);
            print_out(&rendered.text)
        }
        Err(report) => {
            refuse(&name, &said, &report);
            Ok(EXIT_FINDINGS)
        }
    }
}

/// Error-level findings do not stop `render` (the form shows the file as it is), but a
/// snapshot of a payload the API would refuse should not pass unnoticed: one line on stderr.
fn mention_errors(name: &str, report: &FileReport) {
    let mut rules: Vec<&str> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.rule.id())
        .collect();
    if rules.is_empty() {
        return;
    }
    let count = rules.len();
    rules.sort_unstable();
    rules.dedup();
    say!(
        "warning: {name} has {count} lint error{} ({}); rendered all the same: `changeos check` shows them",
        if count == 1 { "" } else { "s" },
        rules.join(", ")
    );
}

/// The reasons, as `changeos check` shows them (without its summary line), then what they
/// mean for `render`.
fn refuse(name: &str, said: &str, report: &FileReport) {
    let mut text = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = renderer(Format::Human, crate::color::stderr()).file(name, report, &mut text);
    say!(
        "{}error: {said} has no canonical form, so nothing was printed",
        String::from_utf8_lossy(&text)
    );
}
