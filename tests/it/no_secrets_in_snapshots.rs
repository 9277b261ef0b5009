//! No password that the repository's tests and fixtures write is in any committed snapshot:
//! every `*.snap` (insta's) and every file of `tests/shell/snapshots/` (the shell suite's).
//!
//! The passwords are found in the repository's own text (JSON payloads, the spec's examples,
//! Rust tests that hold JSON or call builders; see `common::secrets`), so a new test password
//! is covered the day it is written.

use crate::common;

use std::path::{Path, PathBuf};

use common::secrets::{files_under, leaks_in, length_telling_masks, literal_passwords, read_all};
use common::workspace_path;

/// Where snapshots are committed.
fn is_snapshot(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "snap")
        || path.parent().is_some_and(|dir| dir.ends_with("tests/shell/snapshots"))
}

/// Text files that may write a password: sources, payloads, scripts, docs.
fn is_source(path: &Path) -> bool {
    const TEXT: [&str; 10] = ["rs", "json", "sh", "md", "toml", "yaml", "yml", "py", "txt", "html"];
    !is_snapshot(path)
        && path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| TEXT.contains(&e))
}

fn snapshots() -> Vec<PathBuf> {
    files_under(&workspace_path(""), &is_snapshot)
}

fn repository_passwords() -> Vec<String> {
    literal_passwords(&read_all(&files_under(&workspace_path(""), &is_source)))
        .into_iter()
        .collect()
}

/// A password as a failure message may show it: enough to find it, not the whole of it.
fn hint(password: &str) -> String {
    let start: String = password.chars().take(3).collect();
    format!("`{start}…` ({} characters)", password.chars().count())
}

fn found_in(text: &str) -> Vec<String> {
    literal_passwords(&[(PathBuf::from("test"), text.to_owned())])
        .into_iter()
        .collect()
}

#[test]
fn the_finder_reads_json_rust_builders_and_constants() {
    assert_eq!(found_in(r#"{"adminpass": "Json.Pass-1"}"#), ["Json.Pass-1"]);
    assert_eq!(
        found_in(r#"{"adminPass" : "Typo.Pass-2", "x": "adminpass"}"#),
        ["Typo.Pass-2"]
    );
    assert_eq!(
        found_in(r#"let s = "{\"admin_pass\":\"Esc.Pass-3\"}";"#),
        ["Esc.Pass-3"]
    );
    assert_eq!(found_in(r#".adminpass("Built.Pass-4")"#), ["Built.Pass-4"]);
    assert_eq!(
        found_in("const SECRET: &str = \"Const.Pass-5\";\n.adminpass(SECRET)"),
        ["Const.Pass-5"]
    );
    assert_eq!(
        found_in("pub const PW: &str = \"Fmt.Pass-6\";\nformat!(r#\"{{\"adminpass\": \"{PW}\"}}\"#)"),
        ["Fmt.Pass-6"]
    );
    // Every string of an array or object, under any name the linter would rename to a secret.
    assert_eq!(
        found_in(r#"{"adminpas": ["Arr.Pass-7", {"k": ["Obj.Pass-8"]}], "x": "Not.Pass-9"}"#),
        ["Arr.Pass-7", "Obj.Pass-8"]
    );
    assert_eq!(
        found_in("json!({\"admnpass\": {\"k\": \"Esc.Obj-10\"}})"),
        ["Esc.Obj-10"]
    );
    // Placeholders, markers, masks and words too short to be passwords are not looked for.
    assert_eq!(
        found_in(
            r#"{"adminpass": "$ADMIN_PASS", "adminpass": "[redacted]", "adminpass": "****", "adminpass": "weak"}"#
        ),
        Vec::<String>::new()
    );
}

/// The finder is only as good as what it finds: the passwords that tests of every kind write
/// (payload files, the spec's rule examples, builders, constants, escaped JSON) are among them.
#[test]
fn the_repository_passwords_include_those_of_every_kind_of_test() {
    let passwords = repository_passwords();
    for known in [
        "Cloud.Pass-2024",    // tests/data/valid, the spec's rule examples
        "Vx9.Literal-Pass42", // tests/data/check/formats/literal-password.json
        "Inv.Broken-Pass3",   // a payload that does not even parse
        "Dup.Second-Pass2",   // the second of two `adminpass` members
        "Zq7!Wm3@Kp9$Rt",     // tests/it/models.rs: a constant passed to a builder
        "Cloud~Pass#2024*",   // tests/it/models.rs: a builder call
        "Cloud.Pass-2024!x",  // tests/it/mock_ecs: the value of $ADMIN_PASS, inside a format!
        "aDMINISTRATOR.1",    // tests/it/linter.rs: json! in the table of bad payloads
    ] {
        assert!(passwords.iter().any(|p| p == known), "{} not found", hint(known));
    }
}

#[test]
fn a_password_inside_a_placeholder_is_no_leak() {
    assert!(!leaks_in(r#"{"adminpass":"${ADMIN_PASS}"}"#, "${ADMIN_PASS"));
    assert!(!leaks_in("## placeholder ${ADMIN_PASS} passes", "${ADMIN_PASS"));
    assert!(leaks_in(r#"{"adminpass":"${ADMIN_PASS"}"#, "${ADMIN_PASS"));
    assert!(leaks_in("the password is Cloud.Pass-2024.", "Cloud.Pass-2024"));
}

#[test]
fn masks_that_tell_a_length_are_found() {
    assert_eq!(
        length_telling_masks(r#"3 |     "adminpass": "******************","#),
        ["******************"]
    );
    assert_eq!(length_telling_masks(r#"{"adminpass": ********, "x": 1}"#), ["********"]);
    assert_eq!(
        length_telling_masks(r#"{"adminpass": "****", "adminPass": ****}"#),
        Vec::<String>::new()
    );
    assert_eq!(length_telling_masks("**bold** and a * b"), Vec::<String>::new());
}

#[test]
fn no_committed_snapshot_tells_the_length_of_a_password() {
    let mut found = Vec::new();
    for (path, text) in read_all(&snapshots()) {
        for (index, line) in text.lines().enumerate() {
            if !length_telling_masks(line).is_empty() {
                let path = path
                    .strip_prefix(workspace_path(""))
                    .unwrap_or(&path)
                    .display()
                    .to_string();
                found.push(format!("{path}:{}: {line}", index + 1));
            }
        }
    }
    assert!(
        found.is_empty(),
        "masks as long as what they hide:\n{}",
        found.join("\n")
    );
}

#[test]
fn no_committed_snapshot_holds_a_password() {
    let passwords = repository_passwords();
    let snapshots = snapshots();
    assert!(snapshots.len() > 40, "too few snapshots found: {snapshots:?}");
    let mut leaks = Vec::new();
    for (path, text) in read_all(&snapshots) {
        for password in &passwords {
            for (index, line) in text.lines().enumerate() {
                if leaks_in(line, password) {
                    leaks.push(format!(
                        "{}:{}: {}",
                        path.strip_prefix(workspace_path("")).unwrap_or(&path).display(),
                        index + 1,
                        hint(password)
                    ));
                }
            }
        }
    }
    assert!(
        leaks.is_empty(),
        "passwords of the tests are in committed snapshots:\n{}",
        leaks.join("\n")
    );
}
