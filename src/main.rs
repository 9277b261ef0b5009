//! `changeos`: lint Huawei Cloud ECS change-OS request payloads against the spec's rules.
//!
//! The binary is the edge: it parses the command line, reads files, and hands their bytes to
//! `changeos-validator`; all rule logic lives in the generated linter behind it.

mod cli;
mod human;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match cli.command {
        cli::Command::Check(args) => cli::check(&args),
    }
}
