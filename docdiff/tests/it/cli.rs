//! The `doc-diff` binary: every flag, the exit codes (0 no difference, 1 some, 2 a page that
//! cannot be compared or a wrong command line) and what goes to stdout and stderr.

use std::ffi::{OsStr, OsString};
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::docdiff::{TempDir, fixture_page, small_root};

/// What one run printed and how it ended.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn doc_diff<S: AsRef<OsStr>>(args: &[S]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_doc-diff"))
        .args(args)
        .output()
        .expect("the binary runs");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// `doc-diff --root ROOT --operation PaintThing EXTRA... PAGE`.
fn paint(root: &TempDir, page: &Path, extra: &[&str]) -> Run {
    let mut args: Vec<OsString> = vec!["--root".into(), root.0.clone().into()];
    args.extend(["--operation", "PaintThing"].map(OsString::from));
    args.extend(extra.iter().map(OsString::from));
    args.push(page.into());
    doc_diff(&args)
}

#[test]
fn exit_codes_of_the_command() {
    let root = small_root("exit");
    let run = paint(&root, &fixture_page("paint-agrees.txt"), &[]);
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    assert!(
        run.stdout.contains("no differences: the page and the spec agree"),
        "{}",
        run.stdout
    );
    let run = paint(&root, &fixture_page("paint.html"), &["--format", "json"]);
    assert_eq!(run.code, Some(1));
    let report: Value = serde_json::from_str(&run.stdout).expect("JSON on stdout");
    assert_eq!(report["differences"].as_array().map(Vec::len), Some(6));
    let run = paint(&root, &fixture_page("missing.md"), &[]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.starts_with("error: cannot read "), "{}", run.stderr);
    let binary = root.0.join("binary.md");
    std::fs::write(&binary, [0xff, 0xfe, 0x00, 0x41]).expect("write");
    let run = paint(&root, &binary, &[]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("is not UTF-8 text"), "{}", run.stderr);
    let index = root.0.join("index.md");
    std::fs::write(
        &index,
        "# 查询Job状态\n\n-   **[查询任务的执行状态](查询任务的执行状态.md)**\n",
    )
    .expect("write");
    let run = paint(&root, &index, &[]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("has no parameter table: it holds no table at all"),
        "{}",
        run.stderr
    );
}

#[test]
fn format_human_is_the_default_and_json_is_the_report() {
    let root = small_root("format");
    let page = fixture_page("paint.zh.md");
    let default = paint(&root, &page, &[]);
    let human = paint(&root, &page, &["--format", "human"]);
    assert_eq!(default.code, Some(1));
    assert_eq!(default.stdout, human.stdout);
    assert!(
        human.stdout.starts_with("doc-diff PaintThing against "),
        "{}",
        human.stdout
    );
    let json = paint(&root, &page, &["--format=json"]);
    assert_eq!(json.code, Some(1));
    let report: Value = serde_json::from_str(&json.stdout).expect("JSON on stdout");
    assert_eq!(report["operation"], "PaintThing");
    assert!(json.stderr.is_empty(), "{}", json.stderr);
}

#[test]
fn unknown_operation_exits_2_naming_the_known_ones() {
    let root = small_root("operation");
    let page = fixture_page("paint.txt");
    let run = doc_diff(&[
        OsStr::new("--root"),
        root.0.as_os_str(),
        OsStr::new("--operation"),
        OsStr::new("NoSuchOperation"),
        page.as_os_str(),
    ]);
    assert_eq!(run.code, Some(2));
    assert_eq!(
        run.stderr,
        "error: the spec has no operation `NoSuchOperation`; it has: PaintThing\n"
    );
    assert!(run.stdout.is_empty());
}

#[test]
fn root_names_the_workspace_whose_spec_is_read() {
    // Without --root, the workspace the binary was built in: its spec has no PaintThing.
    let page = fixture_page("paint-agrees.txt");
    let run = doc_diff(&[OsStr::new("--operation"), OsStr::new("PaintThing"), page.as_os_str()]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .contains("no operation `PaintThing`; it has: ChangeServerOsWithCloudInit"),
        "{}",
        run.stderr
    );
    // A root without a spec.
    let empty = TempDir::new("cli-empty-root");
    let run = paint(&empty, &page, &[]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.starts_with("error: cannot read ") && run.stderr.contains("ecs-changeos.openapi.json"),
        "{}",
        run.stderr
    );
}

#[test]
fn write_updates_the_spec_and_says_what_it_did() {
    let root = small_root("cli-write");
    let spec = root.0.join(changeos_codegen::SPEC_PATH);
    let before = std::fs::read_to_string(&spec).expect("spec");
    let run = paint(&root, &fixture_page("paint.txt"), &["--write"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stdout.contains("--write: updated spec/ecs-changeos.openapi.json"),
        "{}",
        run.stdout
    );
    let after = std::fs::read_to_string(&spec).expect("spec");
    assert_ne!(before, after);
    assert!(after.contains("\"brush\""), "the member only in the doc is added");
    // With --format json, stdout stays the JSON report and the summary goes to stderr.
    let again = paint(&root, &fixture_page("paint.txt"), &["--write", "--format", "json"]);
    let report: Value = serde_json::from_str(&again.stdout).expect("JSON on stdout");
    assert!(report["differences"].is_array());
    assert!(again.stderr.contains("--write:"), "{}", again.stderr);
    // Without --write the spec is left alone.
    let unchanged = std::fs::read_to_string(&spec).expect("spec");
    paint(&root, &fixture_page("paint.html"), &[]);
    assert_eq!(std::fs::read_to_string(&spec).expect("spec"), unchanged);
}

#[test]
fn usage_errors_exit_2_with_clap_s_message() {
    let page = fixture_page("paint.txt");
    let page = page.to_str().expect("UTF-8 path");
    for (args, says) in [
        (vec![page], "--operation <OPERATION_ID>"),
        (vec!["--operation", "PaintThing"], "<PAGE>"),
        (
            vec!["--operation", "PaintThing", "--format", "yaml", page],
            "invalid value 'yaml' for '--format <FORMAT>'",
        ),
        (
            vec!["--operation", "PaintThing", "--colour", page],
            "unexpected argument '--colour'",
        ),
        (vec!["--operation", "PaintThing", page, page], "unexpected argument"),
        (
            vec!["--operation"],
            "a value is required for '--operation <OPERATION_ID>'",
        ),
    ] {
        let run = doc_diff(&args);
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("For more information, try '--help'."),
            "{args:?}: {}",
            run.stderr
        );
        assert!(run.stdout.is_empty(), "{args:?}");
    }
    let run = doc_diff(&["--format", "yaml", "--operation", "X", page]);
    assert!(run.stderr.contains("[possible values: human, json]"), "{}", run.stderr);
}

#[test]
fn help_documents_every_flag_and_exits_0() {
    let run = doc_diff(&["--help"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    for flag in [
        "--operation <OPERATION_ID>",
        "--format <FORMAT>",
        "--write",
        "--root <DIR>",
        "<PAGE>",
    ] {
        assert!(run.stdout.contains(flag), "{flag}: {}", run.stdout);
    }
    assert!(
        run.stdout.contains("Exit 0: no difference; 1: some difference; 2:"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("human:") && run.stdout.contains("json:"),
        "{}",
        run.stdout
    );
    let run = doc_diff(&["--version"]);
    assert_eq!(run.code, Some(0));
    assert!(run.stdout.starts_with("doc-diff "), "{}", run.stdout);
}
