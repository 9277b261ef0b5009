//! `changeos fmt`: payload files rewritten in the standard layout (see
//! `changeos_validator::layout`), or with `--check` only listed; standard input is formatted
//! to standard output.

use std::io::Write;

use changeos_runtime::escape::{escape_controls, escape_controls_per_line};
use changeos_validator::FileReport;
use changeos_validator::files::{self, Input};
use changeos_validator::layout::{self, Outcome};
use changeos_validator::render::{Format, renderer};
use changeos_validator::run;
use changeos_validator::source::Reader;
use changeos_validator::write;

use crate::cli::FmtArgs;
use crate::commands::say;

/// Every file is in the standard layout (now, or already).
const EXIT_FORMATTED: u8 = 0;
/// `--check` found a file to reformat, or a file was refused or could not be written.
const EXIT_NOT_FORMATTED: u8 = 1;
/// Standard output or error could not be written.
const EXIT_OUTPUT: u8 = 2;
/// The config cannot be used.
const EXIT_USAGE: u8 = 2;

/// What became of one input.
enum Done {
    /// Already in the standard layout.
    Unchanged,
    /// Rewritten in place.
    Reformatted,
    /// `--check`: it would be rewritten.
    WouldReformat,
    /// Standard input's laid-out text, for standard output.
    Printed(String),
    /// Not formatted: why, placed in the file.
    Refused(FileReport),
    /// Formatted, but the file could not be written.
    WriteFailed(String),
}

/// How many inputs ended which way.
#[derive(Default)]
struct Tally {
    unchanged: usize,
    reformatted: usize,
    refused: usize,
}

pub fn run(args: &FmtArgs) -> u8 {
    let config = match args.config.load() {
        Ok(config) => config,
        Err(e) => {
            say!("error: {}", escape_controls_per_line(&e.to_string()));
            return EXIT_USAGE;
        }
    };
    let inputs = files::expand(&args.paths);
    let mut diagnostics = renderer(Format::Human, crate::color::stderr());
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    // Buffered: a refusal can list 100,000 duplicate keys, and the renderer writes in pieces.
    let mut err = std::io::BufWriter::new(std::io::stderr().lock());
    let mut tally = Tally::default();
    let mut failure = None;
    run::in_order(
        &inputs,
        |reader, input| format_one(reader, input, config.operation(args.op, input.path()), args.check),
        |input, done| {
            let name = input.name();
            let name = escape_controls(&name);
            let written = match done {
                Done::Unchanged => {
                    tally.unchanged += 1;
                    Ok(())
                }
                Done::Reformatted => {
                    tally.reformatted += 1;
                    Ok(())
                }
                Done::WouldReformat => {
                    tally.reformatted += 1;
                    writeln!(out, "{name}")
                }
                Done::Printed(text) => out.write_all(text.as_bytes()),
                Done::Refused(report) => {
                    tally.refused += 1;
                    diagnostics.file(&name, &report, &mut err)
                }
                Done::WriteFailed(why) => {
                    tally.refused += 1;
                    writeln!(err, "error: cannot write {name}: {why}")
                }
            };
            keep_first_error(&mut failure, written);
        },
    );
    keep_first_error(&mut failure, out.flush());
    let only_stdin = inputs.iter().all(|i| matches!(i, Input::Stdin));
    if args.check || !only_stdin {
        keep_first_error(&mut failure, writeln!(err, "{}", summary(&tally, args.check)));
    }
    keep_first_error(&mut failure, err.flush());
    if let Some(e) = failure {
        let _ = writeln!(err, "error: cannot write the output: {e}");
        return EXIT_OUTPUT;
    }
    if tally.refused > 0 || (args.check && tally.reformatted > 0) {
        EXIT_NOT_FORMATTED
    } else {
        EXIT_FORMATTED
    }
}

/// Formats one input and, unless `check`, writes a changed file back.
fn format_one(reader: &mut Reader, input: &Input, operation: changeos_validator::Operation, check: bool) -> Done {
    let bytes = match reader.input(input) {
        Ok(bytes) => bytes,
        Err(e) => return Done::Refused(changeos_validator::read_error_report(&e)),
    };
    let (text, changed) = match layout::format_source(operation, bytes) {
        Outcome::Refused(report) => return Done::Refused(report),
        Outcome::Formatted { text, changed } => (text, changed),
    };
    match input {
        Input::Stdin if !check => Done::Printed(text),
        _ if !changed => Done::Unchanged,
        _ if check => Done::WouldReformat,
        // The old bytes or the new ones, never half (see `changeos_validator::write`).
        Input::File(path) | Input::Walked(path) => match write::replace(path, bytes, text.as_bytes()) {
            Ok(()) => Done::Reformatted,
            Err(e) => Done::WriteFailed(e.to_string()),
        },
        Input::Stdin | Input::Broken(..) => Done::Unchanged,
    }
}

fn summary(tally: &Tally, check: bool) -> String {
    let mut parts = vec![
        if check {
            format!("{} would be reformatted", files_count(tally.reformatted))
        } else {
            format!("{} reformatted", files_count(tally.reformatted))
        },
        format!("{} already formatted", tally.unchanged),
    ];
    if tally.refused > 0 {
        parts.push(format!("{} not formatted (see above)", tally.refused));
    }
    parts.join(", ")
}

fn files_count(n: usize) -> String {
    if n == 1 {
        "1 file".to_owned()
    } else {
        format!("{n} files")
    }
}

/// Keeps the first write error; a reader that went away (`| head`) is one too (what it did not
/// read is lost).
fn keep_first_error(failure: &mut Option<std::io::Error>, result: std::io::Result<()>) {
    if let Err(e) = result
        && failure.is_none()
    {
        *failure = Some(e);
    }
}
