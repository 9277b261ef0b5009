//! The command line: commands and flags, as clap reads them.

use std::path::PathBuf;

use changeos_validator::Operation;
use changeos_validator::render::Format as ReportFormat;
use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "changeos",
    version,
    about = "Lint Huawei Cloud ECS change-OS request payloads",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint payload files (exit 0: no error, 1: some error, 2: bad invocation or config).
    Check(CheckArgs),
    /// Explain a rule, with a bad and a good example.
    Explain(ExplainArgs),
    /// List every rule: id, severity, summary.
    Rules(RulesArgs),
    /// Print the JSON Schema of a request body (for editors).
    Schema(SchemaArgs),
    /// Print a shell completion script.
    Completions(CompletionsArgs),
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Payload files or directories (walked for *.json); `-` or nothing reads standard input.
    pub paths: Vec<PathBuf>,
    /// Which request body the files are.
    #[arg(long, value_enum, default_value_t = Op::Cloudinit)]
    pub op: Op,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Warnings fail the check too (exit 1).
    #[arg(long)]
    pub strict: bool,
    /// Config file to use instead of the nearest changeos.toml.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore every changeos.toml.
    #[arg(long)]
    pub no_config: bool,
}

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// The rule id, as `changeos rules` lists it.
    pub rule: String,
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    pub format: ListFormat,
}

#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    pub format: ListFormat,
}

#[derive(Debug, clap::Args)]
pub struct SchemaArgs {
    /// Which request body.
    #[arg(long, value_enum, default_value_t = Op::Cloudinit)]
    pub op: Op,
}

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    pub shell: Shell,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// rustc-style diagnostics with the source line (colors on a terminal, NO_COLOR respected)
    Human,
    /// one JSON document (see README: the format is a stable contract)
    Json,
    /// SARIF 2.1.0, for GitHub code scanning
    Sarif,
    /// GitHub Actions workflow commands (annotations)
    Github,
}

impl Format {
    pub fn report_format(self) -> ReportFormat {
        match self {
            Format::Human => ReportFormat::Human,
            Format::Json => ReportFormat::Json,
            Format::Sarif => ReportFormat::Sarif,
            Format::Github => ReportFormat::Github,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}
