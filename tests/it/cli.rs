//! The `changeos` binary as a user runs it: exit codes and the human report.

use std::process::{Command, Output};

fn changeos(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_changeos"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn vendor_examples_are_clean() {
    for (op, file) in [
        ("cloudinit", "examples/cloudinit-password.json"),
        ("cloudinit", "examples/cloudinit-keypair.json"),
        ("cloudinit", "examples/cloudinit-encrypted.json"),
        ("nocloudinit", "examples/nocloudinit-password.json"),
    ] {
        let out = changeos(&["check", "--op", op, file]);
        assert_eq!(out.status.code(), Some(0), "{file}: {}", stdout(&out));
        assert_eq!(stdout(&out), "1 file checked: 0 errors, 0 warnings\n");
    }
}

#[test]
fn findings_exit_1_with_located_diagnostics() {
    let out = changeos(&["check", "tests/data/bad-cloudinit.json"]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&out));
}

#[test]
fn the_op_decides_the_rules() {
    // user_data exists only in the v2 body.
    let out = changeos(&["check", "--op", "nocloudinit", "examples/cloudinit-encrypted.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let dir = std::env::temp_dir().join(format!("changeos-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("v1-user-data.json");
    std::fs::write(
        &file,
        r#"{"os-change": {"imageid": "e215580f-73ad-429d-b6f2-5433947433b0", "adminpass": "$P", "metadata": {"user_data": "aGk="}}}"#,
    )
    .expect("write");
    let path = file.to_str().expect("utf-8 path");
    assert_eq!(changeos(&["check", "--op", "cloudinit", path]).status.code(), Some(0));
    let out = changeos(&["check", "--op", "nocloudinit", path]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("error[unknown-member]: unknown member `user_data`"),
        "{}",
        stdout(&out)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_file_is_checked_and_a_missing_one_is_a_finding() {
    let out = changeos(&[
        "check",
        "no/such/file.json",
        "examples/cloudinit-keypair.json",
        "tests/data/bad-cloudinit.json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.starts_with("error[unreadable-file]: cannot read the file: no such file\n --> no/such/file.json:1:1\n"),
        "{text}"
    );
    assert!(
        text.contains("error[unknown-member]: unknown member `imageId`\n --> tests/data/bad-cloudinit.json:3:5\n"),
        "{text}"
    );
    assert!(
        text.ends_with("3 files checked: 4 errors, 0 warnings (2 fixable with `changeos check --fix`)\n"),
        "{text}"
    );
}

#[test]
fn bad_invocations_exit_2() {
    assert_eq!(changeos(&[]).status.code(), Some(2));
    let out = changeos(&["check", "--op", "v3", "examples/cloudinit-keypair.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid value 'v3'"));
}

/// Standard output that cannot be written: a pipe whose reading end is closed (writes fail with
/// EPIPE: Rust ignores SIGPIPE) and, where the system has it, `/dev/full` (ENOSPC).
fn unwritable_stdouts() -> Vec<(&'static str, std::process::Stdio)> {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let mut sinks = vec![("a closed pipe", std::process::Stdio::from(writer))];
    if let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") {
        sinks.push(("/dev/full", std::process::Stdio::from(full)));
    }
    sinks
}

#[test]
fn every_command_fails_when_its_output_cannot_be_written() {
    let payload = "examples/cloudinit-password.json";
    let commands: [&[&str]; 12] = [
        &["check", payload],
        &["check", "--format", "json", payload],
        &["check", "--format", "sarif", payload],
        &["check", "--diff", "tests/data/bad-cloudinit.json"],
        &["fmt", "-"],
        &["render", payload],
        &["rules"],
        &["explain", "mode-value"],
        &["schema"],
        &["completions", "bash"],
        &["--help"],
        &["check", "--help"],
    ];
    for args in commands {
        for (sink, stdout) in unwritable_stdouts() {
            let out = Command::new(env!("CARGO_BIN_EXE_changeos"))
                .args(args)
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .stdin(std::fs::File::open(payload).expect("the payload"))
                .stdout(stdout)
                .output()
                .expect("the binary runs");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?} into {sink}: {stderr}");
            assert!(stderr.contains("cannot write"), "{args:?} into {sink}: {stderr}");
            if sink == "a closed pipe" && args[0] != "fmt" {
                assert!(stderr.contains("closed (broken pipe)"), "{args:?}: {stderr}");
            }
        }
    }
}

/// Standard error that cannot be written leaves nowhere to say anything, but is no panic
/// (exit 101): the exit code is the command's own.
#[cfg(unix)]
#[test]
fn standard_error_that_cannot_be_written_is_no_panic() {
    let cases: [(&[&str], i32); 3] = [
        // The error of the missing file and the summary both go to stderr.
        (&["check", "--diff", "no/such/file.json"], 0),
        (&["check", "--diff", "tests/data/bad-cloudinit.json"], 1),
        // A usage error is said on stderr only.
        (&["check", "--fix", "-"], 2),
    ];
    for (args, code) in cases {
        for (sink, stderr) in unwritable_stdouts() {
            let out = Command::new(env!("CARGO_BIN_EXE_changeos"))
                .args(args)
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .stdin(std::process::Stdio::null())
                .stderr(stderr)
                .output()
                .expect("the binary runs");
            assert_eq!(out.status.code(), Some(code), "{args:?} with stderr into {sink}");
        }
    }
}
