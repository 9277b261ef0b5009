//! `.pre-commit-hooks.yaml` makes this repository a pre-commit hook repository: its fields must
//! say what pre-commit needs, and the command it names must exist.

use std::collections::BTreeMap;

/// The hooks of the file, each as its `key: value` lines (the file is flat YAML on purpose).
fn hooks() -> Vec<BTreeMap<String, String>> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/.pre-commit-hooks.yaml");
    let text = std::fs::read_to_string(path).expect(".pre-commit-hooks.yaml is readable");
    let mut hooks: Vec<BTreeMap<String, String>> = Vec::new();
    for line in text
        .lines()
        .filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
    {
        let (starts_hook, field) = match line.strip_prefix("- ") {
            Some(rest) => (true, rest),
            None => (false, line.trim_start()),
        };
        if starts_hook {
            hooks.push(BTreeMap::new());
        }
        let (key, value) = field
            .split_once(':')
            .unwrap_or_else(|| panic!("not a `key: value` line: {line}"));
        hooks
            .last_mut()
            .expect("a field before the first hook")
            .insert(key.trim().to_owned(), value.trim().to_owned());
    }
    hooks
}

#[test]
fn the_check_hook_runs_changeos_check_on_json_files() {
    let hooks = hooks();
    let check = hooks
        .iter()
        .find(|h| h.get("id").map(String::as_str) == Some("changeos-check"))
        .expect("changeos-check hook");
    assert_eq!(check["entry"], "changeos check");
    assert_eq!(check["language"], "rust");
    assert_eq!(check["types"], "[json]");
    assert!(!check["name"].is_empty());
    for hook in &hooks {
        for required in ["id", "name", "entry", "language"] {
            assert!(hook.contains_key(required), "hook {hook:?} lacks {required}");
        }
    }
}

#[test]
fn the_fmt_hook_runs_changeos_fmt_on_json_files() {
    let hooks = hooks();
    let fmt = hooks
        .iter()
        .find(|h| h.get("id").map(String::as_str) == Some("changeos-fmt"))
        .expect("changeos-fmt hook");
    assert_eq!(fmt["entry"], "changeos fmt");
    assert_eq!(fmt["language"], "rust");
    assert_eq!(fmt["types"], "[json]");
    assert!(!fmt["name"].is_empty());
    let mut ids: Vec<&str> = hooks.iter().filter_map(|h| h.get("id").map(String::as_str)).collect();
    let count = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), count, "one hook per id");
}

#[test]
fn the_entry_is_a_command_of_the_binary_and_the_docs_show_the_hook() {
    for (command, id, page) in [
        ("check", "changeos-check", "docs/check.md"),
        ("fmt", "changeos-fmt", "docs/fmt.md"),
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_changeos"))
            .args([command, "--help"])
            .output()
            .expect("the binary runs");
        assert_eq!(out.status.code(), Some(0), "changeos {command} --help");
        let docs = std::fs::read_to_string(format!("{}/{page}", env!("CARGO_MANIFEST_DIR"))).expect("the page");
        assert!(
            docs.contains(&format!("id: {id}")),
            "{page} shows the .pre-commit-config.yaml snippet of {id}"
        );
    }
}
