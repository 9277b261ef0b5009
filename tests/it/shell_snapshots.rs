//! The shell example of snapshot tests through `changeos render` (tests/shell/), run as part
//! of `cargo test`: it passes on the committed snapshots, and it really fails when a payload
//! and its snapshot disagree.

use crate::common;

use std::process::Command;

use common::cli::{Ran, TempDir, run_with_limit};
use common::workspace_path;

/// `sh tests/shell/render-snapshots.sh` with the binary under test and `env`.
fn suite(env: &[(&str, &str)]) -> Ran {
    let mut command = Command::new("sh");
    command
        .arg(workspace_path("tests/shell/render-snapshots.sh"))
        .env("CHANGEOS", env!("CARGO_BIN_EXE_changeos"))
        .env_remove("UPDATE")
        .env_remove("PAYLOADS")
        .env_remove("SNAPSHOTS")
        .current_dir(workspace_path(""));
    for (key, value) in env {
        command.env(key, value);
    }
    run_with_limit(command, Vec::new())
}

/// A copy of the suite's payloads and snapshots, to break on purpose.
fn copy_of_the_suite() -> TempDir {
    let dir = TempDir::new("shell-suite");
    for sub in ["payloads", "snapshots"] {
        let from = workspace_path(&format!("tests/shell/{sub}"));
        for entry in std::fs::read_dir(&from).expect("the suite's directory") {
            let path = entry.expect("an entry").path();
            let name = path.file_name().and_then(|n| n.to_str()).expect("a name");
            dir.write(&format!("{sub}/{name}"), std::fs::read(&path).expect("readable"));
        }
    }
    dir
}

fn in_copy<'a>(dir: &'a TempDir, payloads: &'a str, snapshots: &'a str) -> [(&'a str, String); 2] {
    [("PAYLOADS", dir.arg(payloads)), ("SNAPSHOTS", dir.arg(snapshots))]
}

fn run_in(dir: &TempDir, extra: &[(&str, &str)]) -> Ran {
    let paths = in_copy(dir, "payloads", "snapshots");
    let mut env: Vec<(&str, &str)> = paths.iter().map(|(k, v)| (*k, v.as_str())).collect();
    env.extend_from_slice(extra);
    let mut ran = suite(&env);
    ran.stdout = dir.redact(&ran.stdout);
    ran.stderr = dir.redact(&ran.stderr);
    ran
}

#[test]
fn the_shell_suite_passes_on_the_committed_snapshots() {
    let ran = suite(&[]);
    ran.expect_code(0);
    assert_eq!(ran.stdout, "3 payloads rendered, 0 failed\n");
    assert_eq!(ran.stderr, "");
}

#[test]
fn a_changed_payload_fails_with_a_diff() {
    let dir = copy_of_the_suite();
    let payload = dir.join("payloads/cloudinit-web-server.json");
    let text = std::fs::read_to_string(&payload).unwrap();
    std::fs::write(&payload, text.replace("\"mode\": \"withStopServer\",\n", "")).unwrap();
    let ran = run_in(&dir, &[]);
    ran.expect_code(1);
    assert_eq!(ran.stdout, "3 payloads rendered, 1 failed\n");
    assert!(
        ran.stderr.contains("-    \"mode\": \"withStopServer\""),
        "{}",
        ran.stderr
    );
    assert!(
        ran.stderr.ends_with(
            "FAIL cloudinit-web-server: the rendered payload differs from its snapshot (UPDATE=1 rewrites it)\n"
        ),
        "{}",
        ran.stderr
    );
}

#[test]
fn a_missing_snapshot_or_a_refused_payload_fails() {
    let dir = copy_of_the_suite();
    std::fs::remove_file(dir.join("snapshots/nocloudinit-windows.json")).unwrap();
    dir.write("payloads/cloudinit-broken.json", "{\"os-change\": {,}}");
    let ran = run_in(&dir, &[]);
    ran.expect_code(1);
    assert_eq!(ran.stdout, "4 payloads rendered, 2 failed\n");
    assert!(
        ran.stderr.contains("FAIL cloudinit-broken: changeos render refused it"),
        "{}",
        ran.stderr
    );
    assert!(
        ran.stderr
            .contains("FAIL nocloudinit-windows: no snapshot [TMP]/snapshots/nocloudinit-windows.json"),
        "{}",
        ran.stderr
    );

    let empty = TempDir::new("shell-suite-empty");
    empty.mkdir("payloads");
    let ran = run_in(&empty, &[]);
    ran.expect_code(1);
    assert_eq!(ran.stderr, "no payloads in [TMP]/payloads\n");
}

/// UPDATE=1 writes what the committed snapshots hold: they are up to date, byte for byte.
#[test]
fn update_writes_the_committed_snapshots() {
    let dir = copy_of_the_suite();
    std::fs::remove_dir_all(dir.join("snapshots")).unwrap();
    dir.mkdir("snapshots");
    let ran = run_in(&dir, &[("UPDATE", "1")]);
    ran.expect_code(0);
    for name in [
        "cloudinit-encrypted-keypair",
        "cloudinit-web-server",
        "nocloudinit-windows",
    ] {
        assert!(
            ran.stdout.contains(&format!("wrote [TMP]/snapshots/{name}.json")),
            "{}",
            ran.stdout
        );
        let written = std::fs::read(dir.join(&format!("snapshots/{name}.json"))).unwrap();
        let committed = std::fs::read(workspace_path(&format!("tests/shell/snapshots/{name}.json"))).unwrap();
        assert_eq!(written, committed, "{name}");
    }
    run_in(&dir, &[]).expect_code(0);
}
