//! `doc-diff`: compares a vendor doc page with an operation of the spec. Exit 0 no difference,
//! 1 some, 2 the page cannot be read or compared, or the command line is wrong.

#![forbid(unsafe_code)]

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use changeos_docdiff::{Options, OutputFormat};
use clap::Parser;

/// The exit code of every refusal: an unreadable page, a page without a parameter table, an
/// unknown operation, and a wrong command line.
const REFUSED: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "doc-diff",
    version,
    about = "Compare a vendor doc page with an operation of the changeos spec",
    long_about = "Compare a vendor doc page (Markdown with HTML or pipe tables, HTML, or the page's \
                  plain text) with an operation of the changeos spec.\n\n\
                  Exit 0: no difference; 1: some difference; 2: the page cannot be read or has no \
                  parameter table, the operation is unknown, or the command line is wrong."
)]
struct Cli {
    /// The spec's operationId, such as ChangeServerOsWithCloudInit.
    #[arg(long, value_name = "OPERATION_ID")]
    operation: String,
    /// How to print the report.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    format: OutputFormat,
    /// Add the members only in the doc to the spec (marked `x-review: true`) and apply
    /// mandatory flags; members only in the spec are never removed.
    #[arg(long)]
    write: bool,
    /// The workspace root, whose spec is spec/ecs-changeos.openapi.json (default: this
    /// crate's parent directory).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// The page to compare.
    #[arg(value_name = "PAGE")]
    page: PathBuf,
}

fn default_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // clap exits 2 on a usage error already; say so here, where the other exit codes
            // are, rather than rely on its default. Help and version exit 0.
            return if e.use_stderr() {
                ExitCode::from(REFUSED)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let options = Options {
        root: cli.root.unwrap_or_else(default_root),
        operation: cli.operation,
        page: cli.page,
        format: cli.format,
        write: cli.write,
    };
    match changeos_docdiff::run(&options) {
        Ok(outcome) => {
            // A closed pipe (`doc-diff ... | head`) is no reason to panic.
            let _ = std::io::stdout().write_all(outcome.stdout.as_bytes());
            let _ = std::io::stderr().write_all(outcome.stderr.as_bytes());
            ExitCode::from(outcome.exit)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(REFUSED)
        }
    }
}
