//! `changeos`: lint Huawei Cloud ECS change-OS request payloads against the spec's rules.
//!
//! The binary is the edge: it parses the command line, finds the config, and hands inputs to
//! `changeos-validator`; all rule logic lives in the generated linter behind it.

#![forbid(unsafe_code)]

mod cli;
mod color;
mod commands;
mod fmt;
mod interrupt;
mod job;
mod op_arg;
mod remote;
mod render;
mod scrub;
mod send;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        // Help, version and usage errors, printed as clap prints them, but a failed write of
        // the help is an error too.
        Err(e) => {
            if let Err(why) = e.print() {
                let _ = writeln!(
                    std::io::stderr(),
                    "error: cannot write to {}",
                    commands::write_failure("standard output", &why)
                );
                return ExitCode::from(2);
            }
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    color::init(cli.color);
    commands::run(cli)
}
