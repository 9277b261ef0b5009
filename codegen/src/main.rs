//! `cargo run -p changeos-codegen [-- --check]`: rewrite generated/ from the spec, or report
//! (exit 1) every file that differs from what the spec gives. Comparing a vendor doc page with
//! the spec is the `doc-diff` binary of the `changeos-docdiff` crate.

#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: changeos-codegen [--check] [--root DIR]

  (no flag)   rewrite generated/ from spec/ecs-changeos.openapi.json
  --check     change nothing; exit 1 naming every stale, missing or orphaned file
  --root DIR  the workspace root (default: this crate's parent directory)";

fn default_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn main() -> ExitCode {
    let mut check_only = false;
    let mut root = default_root();
    let mut args = std::env::args().skip(1);
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

fn usage(message: &str) -> ExitCode {
    eprintln!("error: {message}\n\n{USAGE}");
    ExitCode::from(2)
}
