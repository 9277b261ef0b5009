//! `cargo run -p changeos-codegen [-- --check]`: rewrite generated/ from the spec, or report
//! (exit 1) every file that differs from what the spec gives.
//!
//! `cargo run -p changeos-codegen -- doc-diff --operation ID PAGE`: compare a vendor doc page
//! with an operation of the spec (exit 0 no difference, 1 some, 2 the page cannot be compared).

#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::process::ExitCode;

use changeos_codegen::docdiff::{self, OutputFormat};

const USAGE: &str = "usage: changeos-codegen [--check] [--root DIR]
       changeos-codegen doc-diff --operation OPERATION_ID [--format human|json] [--write] [--root DIR] PAGE

  (no flag)   rewrite generated/ from spec/ecs-changeos.openapi.json
  --check     change nothing; exit 1 naming every stale, missing or orphaned file
  --root DIR  the workspace root (default: this crate's parent directory)

  doc-diff    compare a vendor doc page (Markdown with HTML tables, HTML, or the page's plain
              text) with an operation of the spec; exit 0 no difference, 1 some, 2 the page
              cannot be read or has no parameter table
    --operation ID   the spec's operationId
    --format human   grouped text (default); --format json: the JSON report
    --write          add the members only in the doc to the spec (marked `x-review: true`)
                     and apply mandatory flags; members only in the spec are never removed";

fn default_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("doc-diff") {
        return doc_diff(&args[1..]);
    }
    let mut check_only = false;
    let mut root = default_root();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--check" => check_only = true,
            "--root" => match args.next() {
                Some(dir) => root = PathBuf::from(dir),
                None => return usage("--root needs a directory"),
            },
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => return usage(&format!("unknown argument `{other}`")),
        }
    }
    let result = changeos_codegen::run(&root, check_only);
    for note in changeos_codegen::review_notes(&root) {
        eprintln!("warning: {note}");
    }
    match result {
        Ok(drift) if check_only && !drift.is_empty() => {
            for (what, files) in [
                ("stale", &drift.stale),
                ("missing", &drift.missing),
                ("orphaned", &drift.orphaned),
            ] {
                for file in files {
                    eprintln!("{what}: {file}");
                }
            }
            eprintln!(
                "generated/ is out of date with the spec; run `cargo run -p changeos-codegen` and commit the result"
            );
            ExitCode::FAILURE
        }
        Ok(drift) => {
            if check_only {
                println!("generated/ is up to date with the spec");
            } else {
                let changed = drift.stale.len() + drift.missing.len() + drift.orphaned.len();
                println!("generated/ written ({changed} file(s) changed)");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn doc_diff(args: &[String]) -> ExitCode {
    let mut operation = None;
    let mut format = OutputFormat::Human;
    let mut write = false;
    let mut root = default_root();
    let mut page = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag, Some(value.to_owned())),
            _ => (arg.as_str(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next().cloned())
                .ok_or(format!("{name} needs a value"))
        };
        match flag {
            "--operation" => match value("--operation") {
                Ok(v) => operation = Some(v),
                Err(e) => return usage(&e),
            },
            "--format" => match value("--format").as_deref() {
                Ok("human") => format = OutputFormat::Human,
                Ok("json") => format = OutputFormat::Json,
                Ok(other) => return usage(&format!("unknown format `{other}` (human or json)")),
                Err(e) => return usage(e),
            },
            "--root" => match value("--root") {
                Ok(v) => root = PathBuf::from(v),
                Err(e) => return usage(&e),
            },
            "--write" => write = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other if other.starts_with('-') && other != "-" => {
                return usage(&format!("unknown argument `{other}`"));
            }
            _ if page.is_some() => return usage("doc-diff compares one page at a time"),
            _ => page = Some(PathBuf::from(arg)),
        }
    }
    let Some(operation) = operation else {
        return usage("doc-diff needs --operation OPERATION_ID");
    };
    let Some(page) = page else {
        return usage("doc-diff needs the PAGE to compare");
    };
    let options = docdiff::Options {
        root,
        operation,
        page,
        format,
        write,
    };
    match docdiff::run(&options) {
        Ok(outcome) => {
            print!("{}", outcome.stdout);
            eprint!("{}", outcome.stderr);
            ExitCode::from(outcome.exit)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn usage(message: &str) -> ExitCode {
    eprintln!("error: {message}\n\n{USAGE}");
    ExitCode::from(2)
}
