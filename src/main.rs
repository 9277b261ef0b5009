//! `changeos`: lint Huawei Cloud ECS change-OS request payloads against the spec's rules.
//!
//! The binary is the edge: it parses the command line, finds the config, and hands inputs to
//! `changeos-validator`; all rule logic lives in the generated linter behind it.

mod cli;
mod commands;
mod fmt;
mod job;
mod remote;
mod render;
mod scrub;
mod send;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    commands::run(cli)
}
