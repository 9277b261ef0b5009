//! The `console in=changeos-docdiff` blocks of the README and docs/, run with this package's
//! binary: tests/it/docs_examples.rs runs every other example, but cargo cannot run inside
//! `cargo test`, and only this package's tests have its binary. A block's commands are run
//! as written, `cargo run -q -p changeos-codegen -- ARGS` being this binary with ARGS, in the
//! workspace root (the blocks only read it).

use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "../../../tests/it/common/doc_blocks.rs"]
mod doc_blocks;

const PACKAGE: &str = "changeos-docdiff";

/// A `cargo` for the block's shell: `cargo run -q -p PACKAGE -- ARGS` runs the binary.
fn cargo_function() -> String {
    format!(
        r#"cargo() {{
    case "$*" in
        "run -q -p {PACKAGE} -- "*) shift 5; "$DOCS_BINARY" "$@" ;;
        *) echo "cargo $*: the docs test runs only \`cargo run -q -p {PACKAGE} -- ...\`" >&2; return 127 ;;
    esac
}}"#
    )
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn run(block: &doc_blocks::Block) -> Result<(), String> {
    let commands = doc_blocks::commands(&block.body)?;
    let output = Command::new("sh")
        .arg("-c")
        .arg(doc_blocks::script(&[cargo_function()], &commands))
        .current_dir(workspace())
        .env("DOCS_BINARY", env!("CARGO_BIN_EXE_doc-diff"))
        .output()
        .map_err(|e| format!("sh: {e}"))?;
    let printed = String::from_utf8(output.stdout).map_err(|e| format!("not UTF-8: {e}"))?;
    doc_blocks::compare(&commands, &doc_blocks::outputs(&printed, commands.len())?)
}

#[test]
fn the_docs_doc_diff_examples_print_what_they_show() {
    let mut ran = 0;
    let mut failures = Vec::new();
    for (document, block) in doc_blocks::every_block(&workspace()) {
        if block.delegated_to.as_deref() != Some(PACKAGE) || block.no_run.is_some() {
            continue;
        }
        ran += 1;
        if let Err(why) = run(&block) {
            failures.push(format!("{document}:{}: {why}", block.line));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
    assert!(ran > 0, "the docs show doc-diff at work");
}

#[test]
fn any_other_cargo_command_fails_the_block() {
    let block = doc_blocks::block(1, "console in=changeos-codegen", "$ cargo test\n".to_owned());
    assert!(run(&block).is_err());
}
