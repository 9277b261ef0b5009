//! The command line: commands, flags, exit codes.

use std::path::PathBuf;
use std::process::ExitCode;

use changeos_validator::{Diagnostic, FileReport, Operation, check_source};
use clap::{Parser, Subcommand, ValueEnum};

use crate::human;

/// Exit code when no file has an error-level finding.
pub const EXIT_CLEAN: u8 = 0;
/// Exit code when some file has an error-level finding.
pub const EXIT_FINDINGS: u8 = 1;

#[derive(Debug, Parser)]
#[command(
    name = "changeos",
    version,
    about = "Lint Huawei Cloud ECS change-OS request payloads"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint payload files against the spec's rules (exit 0: no errors, 1: errors, 2: usage).
    Check(CheckArgs),
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Which request body the files are.
    #[arg(long, value_enum, default_value_t = Op::Cloudinit)]
    pub op: Op,
    /// Payload files (JSON).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
}

/// The request bodies, by their short names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Op {
    /// POST /v2/{project_id}/cloudservers/{server_id}/changeos (image with Cloud-Init)
    Cloudinit,
    /// POST /v1/{project_id}/cloudservers/{server_id}/changeos (image without Cloud-Init)
    Nocloudinit,
}

impl Op {
    pub fn operation(self) -> Operation {
        match self {
            Op::Cloudinit => Operation::ChangeServerOsWithCloudInit,
            Op::Nocloudinit => Operation::ChangeServerOsWithoutCloudInit,
        }
    }
}

/// `changeos check`: every file is checked, even after one fails.
pub fn check(args: &CheckArgs) -> ExitCode {
    let mut reports = Vec::new();
    for path in &args.paths {
        let report = match std::fs::read(path) {
            Ok(bytes) => check_source(args.op.operation(), &bytes),
            Err(e) => FileReport::single(Diagnostic::at(
                "unreadable-file",
                changeos_models::Severity::Error,
                format!("cannot read the file: {e}"),
                (1, 1),
            )),
        };
        reports.push((path.display().to_string(), report));
    }
    print!("{}", human::render(&reports));
    let failed = reports.iter().any(|(_, r)| r.has_errors());
    ExitCode::from(if failed { EXIT_FINDINGS } else { EXIT_CLEAN })
}
