//! `changeos check` and its sibling commands as a user runs them: exit codes, standard input,
//! many files, directories, config files, `--strict`, `explain`, `rules`, `schema`,
//! `completions`, the help texts, and colours.

use crate::common;

use common::cli::{TempDir, changeos, file_names, mkfifo, rules_of, run_with_limit, summary};

const CLEAN: &str = "tests/data/check/formats/clean.json";
const WARNINGS: &str = "tests/data/check/formats/warnings.json";
const ERRORS: &str = "tests/data/check/formats/errors.json";

/// A clean v2 body.
const CLEAN_BODY: &str =
    r#"{"os-change": {"adminpass": "$ADMIN_PASS", "imageid": "e215580f-73ad-429d-b6f2-5433947433b0"}}"#;
/// A v2 body whose only finding is the warning `keyname-without-userid`.
const WARNING_BODY: &str =
    r#"{"os-change": {"keyname": "KeyPair-350b", "imageid": "e215580f-73ad-429d-b6f2-5433947433b0"}}"#;
/// A v2 body whose only finding is the error `mode-value`.
const MODE_BODY: &str =
    r#"{"os-change": {"adminpass": "$ADMIN_PASS", "mode": "stop", "imageid": "e215580f-73ad-429d-b6f2-5433947433b0"}}"#;

// ---------------------------------------------------------------------------------------------
// Exit codes

#[test]
fn exit_0_for_clean_and_warnings_only_files_1_for_errors() {
    let ran = changeos(["check", CLEAN]).run();
    ran.expect_code(0);
    assert_eq!(ran.stdout, "1 file checked: 0 errors, 0 warnings\n");
    assert_eq!(ran.stderr, "");

    let ran = changeos(["check", "--format", "json", WARNINGS]).run();
    ran.expect_code(0);
    assert_eq!(
        rules_of(&ran.json(), 0),
        [("keyname-without-userid".to_owned(), "warning".to_owned())]
    );

    let ran = changeos(["check", "--format", "json", ERRORS]).run();
    ran.expect_code(1);
    assert_eq!(summary(&ran.json()), (1, 4, 1));
}

#[test]
fn exit_2_for_bad_invocations_with_nothing_on_stdout() {
    for args in [
        vec!["check", "--format", "xml", CLEAN],
        vec!["check", "--op", "v3", CLEAN],
        vec!["check", "--no-such-flag", CLEAN],
        vec!["check", "--config", "changeos.toml", "--no-config", CLEAN],
        vec!["explain"],
        vec!["completions", "powershell"],
        vec!["frobnicate"],
        vec![],
    ] {
        let ran = changeos(&args).run();
        assert_eq!(ran.code, Some(2), "{args:?}: {ran:?}");
        assert_eq!(ran.stdout, "", "{args:?}");
        assert!(!ran.stderr.is_empty(), "{args:?}: an error message is expected");
    }
    let ran = changeos(["check", "--config", "changeos.toml", "--no-config", CLEAN]).run();
    assert!(
        ran.stderr
            .contains("'--config <FILE>' cannot be used with '--no-config'"),
        "{}",
        ran.stderr
    );
}

// ---------------------------------------------------------------------------------------------
// Standard input

#[test]
fn standard_input_with_a_dash_or_no_path() {
    for args in [
        vec!["check", "--format", "json", "-"],
        vec!["check", "--format", "json"],
    ] {
        let ran = changeos(&args).stdin(CLEAN_BODY).run();
        ran.expect_code(0);
        let report = ran.json();
        assert_eq!(file_names(&report), ["-"], "{args:?}");
        assert_eq!(summary(&report), (1, 0, 0));

        let ran = changeos(&args).stdin(MODE_BODY).run();
        ran.expect_code(1);
        let report = ran.json();
        assert_eq!(file_names(&report), ["-"]);
        assert_eq!(rules_of(&report, 0), [("mode-value".to_owned(), "error".to_owned())]);
        let d = &report["files"][0]["diagnostics"][0];
        assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(1), Some(44)), "{d}");
    }
    // The human format names standard input `-` and quotes its line.
    let ran = changeos(["check"]).stdin(MODE_BODY).run();
    ran.expect_code(1);
    assert!(ran.stdout.contains(" --> -:1:44\n"), "{}", ran.stdout);
    assert!(ran.stdout.contains(r#""mode": "stop""#), "{}", ran.stdout);
}

#[test]
fn empty_standard_input_is_a_finding() {
    let ran = changeos(["check", "--format", "json", "-"]).stdin("").run();
    ran.expect_code(1);
    let report = ran.json();
    assert_eq!(rules_of(&report, 0), [("invalid-json".to_owned(), "error".to_owned())]);
    let message = report["files"][0]["diagnostics"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(message.contains("empty"), "{message}");
}

// ---------------------------------------------------------------------------------------------
// Several files

#[test]
fn several_files_are_all_checked_and_reported_in_the_order_given() {
    let ran = changeos([
        "check",
        "--format",
        "json",
        ERRORS,
        "no/such/file.json",
        CLEAN,
        "-",
        WARNINGS,
        CLEAN,
    ])
    .stdin(MODE_BODY)
    .run();
    ran.expect_code(1);
    let report = ran.json();
    assert_eq!(
        file_names(&report),
        [ERRORS, "no/such/file.json", CLEAN, "-", WARNINGS, CLEAN]
    );
    assert_eq!(rules_of(&report, 0).len(), 5);
    assert_eq!(
        rules_of(&report, 1),
        [("unreadable-file".to_owned(), "error".to_owned())]
    );
    assert!(rules_of(&report, 2).is_empty());
    assert_eq!(rules_of(&report, 3), [("mode-value".to_owned(), "error".to_owned())]);
    assert_eq!(
        rules_of(&report, 4),
        [("keyname-without-userid".to_owned(), "warning".to_owned())]
    );
    assert!(rules_of(&report, 5).is_empty());
    assert_eq!(summary(&report), (6, 6, 2));
}

#[test]
fn many_files_checked_in_parallel_keep_their_order() {
    let dir = TempDir::new("order");
    let mut args = vec!["check".to_owned(), "--format".to_owned(), "json".to_owned()];
    // Descending names, so that neither name order nor creation order is the order given.
    for i in (0..60).rev() {
        let name = format!("p{i:02}.json");
        dir.write(&name, if i % 4 == 0 { MODE_BODY } else { CLEAN_BODY });
        args.push(dir.arg(&name));
    }
    let ran = changeos(&args).run();
    ran.expect_code(1);
    let report = ran.json();
    assert_eq!(file_names(&report), args[3..]);
    for (index, i) in (0..60).rev().enumerate() {
        assert_eq!(rules_of(&report, index).len(), usize::from(i % 4 == 0), "p{i:02}.json");
    }
    assert_eq!(summary(&report), (60, 15, 0));
}

// ---------------------------------------------------------------------------------------------
// Directories

#[test]
fn a_directory_is_walked_for_json_files_honouring_gitignore_and_skipping_hidden_ones() {
    let dir = TempDir::new("walk");
    dir.write("a.json", CLEAN_BODY);
    dir.write("sub/deeper/b.json", WARNING_BODY);
    dir.write("notes.txt", "not json, not checked");
    dir.write("payload.JSON.bak", "{");
    // Each of these is broken: were it checked, the exit code would be 1.
    dir.write(".gitignore", "ignored.json\nbuild/\n");
    dir.write("ignored.json", "{");
    dir.write("build/out.json", "{");
    dir.write(".hidden.json", "{");
    dir.write(".hidden/c.json", "{");
    dir.write("sub/.gitignore", "local.json\n");
    dir.write("sub/local.json", "{");

    let ran = changeos(["check", "--format", "json", &dir.arg("")]).run();
    ran.expect_code(0);
    let report = ran.json();
    let names: Vec<String> = file_names(&report).iter().map(|n| dir.redact(n)).collect();
    assert_eq!(names, ["[TMP]/a.json", "[TMP]/sub/deeper/b.json"]);
    assert_eq!(summary(&report), (2, 0, 1));

    // A broken file that is not ignored makes the walk fail.
    dir.write("sub/broken.json", "{");
    let ran = changeos(["check", "--format", "json", &dir.arg("")]).run();
    ran.expect_code(1);
    let names: Vec<String> = file_names(&ran.json()).iter().map(|n| dir.redact(n)).collect();
    assert_eq!(
        names,
        ["[TMP]/a.json", "[TMP]/sub/broken.json", "[TMP]/sub/deeper/b.json"]
    );
}

#[test]
fn a_directory_without_json_files_is_a_finding() {
    let dir = TempDir::new("nojson");
    dir.write("empty/README.md", "no payloads here");
    dir.write("empty/.hidden.json", "{}");
    let ran = changeos(["check", "--format", "json", &dir.arg("empty"), CLEAN]).run();
    ran.expect_code(1);
    let report = ran.json();
    assert_eq!(file_names(&report), [dir.arg("empty"), CLEAN.to_owned()]);
    assert_eq!(
        rules_of(&report, 0),
        [("unreadable-file".to_owned(), "error".to_owned())]
    );
    let message = report["files"][0]["diagnostics"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(message.contains("no *.json file"), "{message}");
    assert_eq!(summary(&report), (2, 1, 0));
}

// ---------------------------------------------------------------------------------------------
// Config

/// A project: `changeos.toml` at the top, payloads below, a nested directory to run from.
fn project(config: &str) -> TempDir {
    let dir = TempDir::new("project");
    dir.write("changeos.toml", config);
    dir.write("payloads/warning.json", WARNING_BODY);
    dir.write("payloads/mode.json", MODE_BODY);
    dir.mkdir("a/b/c");
    dir
}

#[test]
fn the_nearest_changeos_toml_upward_from_the_current_directory_is_used() {
    let dir = project("[rules]\nkeyname-without-userid = \"error\"\n");
    let nested = dir.join("a/b/c");
    // Raised to an error, the warning changes the exit code.
    let ran = changeos(["check", "--format", "json", "../../../payloads/warning.json"])
        .current_dir(&nested)
        .run();
    ran.expect_code(1);
    assert_eq!(
        rules_of(&ran.json(), 0),
        [("keyname-without-userid".to_owned(), "error".to_owned())]
    );
    // --no-config ignores it.
    let ran = changeos([
        "check",
        "--no-config",
        "--format",
        "json",
        "../../../payloads/warning.json",
    ])
    .current_dir(&nested)
    .run();
    ran.expect_code(0);
    assert_eq!(
        rules_of(&ran.json(), 0),
        [("keyname-without-userid".to_owned(), "warning".to_owned())]
    );
    // A nearer config wins over the one above it.
    dir.write("a/b/changeos.toml", "[rules]\nkeyname-without-userid = \"off\"\n");
    let ran = changeos(["check", "--format", "json", "../../../payloads/warning.json"])
        .current_dir(&nested)
        .run();
    ran.expect_code(0);
    assert!(rules_of(&ran.json(), 0).is_empty());
}

#[test]
fn config_given_with_config_turns_a_rule_off() {
    let dir = project("");
    dir.write("elsewhere/quiet.toml", "[rules]\nmode-value = \"off\"\n");
    let payload = dir.arg("payloads/mode.json");
    changeos(["check", &payload])
        .current_dir(dir.path())
        .run()
        .expect_code(1);
    let ran = changeos([
        "check",
        "--format",
        "json",
        "--config",
        &dir.arg("elsewhere/quiet.toml"),
        &payload,
    ])
    .current_dir(dir.path())
    .run();
    ran.expect_code(0);
    assert!(rules_of(&ran.json(), 0).is_empty());
    // A relative --config is relative to the current directory.
    let ran = changeos(["check", "--config", "../../../elsewhere/quiet.toml", &payload])
        .current_dir(dir.join("a/b/c"))
        .run();
    ran.expect_code(0);
}

#[test]
fn an_override_applies_to_the_files_its_globs_match_and_not_to_others() {
    let dir = project(
        "[rules]\nkeyname-without-userid = \"error\"\n\n\
         [[overrides]]\nfiles = [\"legacy/**/*.json\"]\nrules = { keyname-without-userid = \"off\", mode-value = \"warning\" }\n",
    );
    dir.write("legacy/old/w.json", WARNING_BODY);
    dir.write("legacy/old/m.json", MODE_BODY);
    dir.write("new/w.json", WARNING_BODY);
    // Run from a nested directory: globs are relative to the config's directory, not the current one.
    let ran = changeos([
        "check",
        "--format",
        "json",
        "../legacy/old/w.json",
        "../legacy/old/m.json",
        "../new/w.json",
        "w.json",
    ])
    .current_dir(dir.join("new"))
    .run();
    ran.expect_code(1);
    let report = ran.json();
    assert!(rules_of(&report, 0).is_empty());
    assert_eq!(rules_of(&report, 1), [("mode-value".to_owned(), "warning".to_owned())]);
    assert_eq!(
        rules_of(&report, 2),
        [("keyname-without-userid".to_owned(), "error".to_owned())]
    );
    assert_eq!(
        rules_of(&report, 3),
        [("keyname-without-userid".to_owned(), "error".to_owned())]
    );
    // Only the legacy files: the override leaves no error.
    let ran = changeos(["check", "legacy/old/w.json", "legacy/old/m.json"])
        .current_dir(dir.path())
        .run();
    ran.expect_code(0);
    // Standard input matches no glob: the global level applies.
    let ran = changeos(["check", "--format", "json"])
        .stdin(WARNING_BODY)
        .current_dir(dir.path())
        .run();
    ran.expect_code(1);
    // The same with the config given by a relative path with `..`, from another directory.
    let ran = changeos([
        "check",
        "--format",
        "json",
        "--config",
        "../../../changeos.toml",
        "../../../legacy/old/w.json",
        "./../../../new/w.json",
    ])
    .current_dir(dir.join("a/b/c"))
    .run();
    ran.expect_code(1);
    let report = ran.json();
    assert!(rules_of(&report, 0).is_empty(), "{report}");
    assert_eq!(
        rules_of(&report, 1),
        [("keyname-without-userid".to_owned(), "error".to_owned())]
    );
}

#[test]
fn an_unknown_rule_id_in_the_config_exits_2_naming_it_and_the_near_one() {
    let dir = project("[rules]\nmode-valu = \"off\"\n");
    let ran = changeos(["check", "payloads/mode.json"]).current_dir(dir.path()).run();
    ran.expect_code(2);
    assert_eq!(ran.stdout, "", "no report when the config is broken");
    assert!(ran.stderr.contains("unknown rule `mode-valu`"), "{}", ran.stderr);
    assert!(ran.stderr.contains("did you mean `mode-value`?"), "{}", ran.stderr);
    assert!(
        ran.stderr.contains("changeos.toml"),
        "the message names the file: {}",
        ran.stderr
    );
    // Also inside an override, and in a config found upward.
    dir.write(
        "changeos.toml",
        "[[overrides]]\nfiles = [\"*.json\"]\nrules = { duplicate-keys = \"off\" }\n",
    );
    let ran = changeos(["check", "../../../payloads/mode.json"])
        .current_dir(dir.join("a/b/c"))
        .run();
    ran.expect_code(2);
    assert!(
        ran.stderr.contains("unknown rule `duplicate-keys` in [[overrides]] #1"),
        "{}",
        ran.stderr
    );
    assert!(ran.stderr.contains("did you mean `duplicate-key`?"), "{}", ran.stderr);
}

#[test]
fn an_unknown_key_or_level_in_the_config_exits_2_naming_it() {
    for (config, named) in [
        ("[rulez]\nmode-value = \"off\"\n", "rulez"),
        ("severity = \"high\"\n", "severity"),
        ("[[overrides]]\nfils = [\"*.json\"]\n", "fils"),
        ("[rules]\nmode-value = \"loud\"\n", "loud"),
        ("[[overrides]]\nfiles = [\"[\"]\n", "invalid glob `[`"),
        ("[rules\n", "TOML parse error"),
    ] {
        let dir = project(config);
        let ran = changeos(["check", "payloads/mode.json"]).current_dir(dir.path()).run();
        assert_eq!(ran.code, Some(2), "{config:?}: {ran:?}");
        assert_eq!(ran.stdout, "", "{config:?}");
        assert!(
            ran.stderr.contains(named),
            "{config:?} should name {named:?}: {}",
            ran.stderr
        );
    }
}

#[test]
fn a_config_that_is_no_regular_file_or_too_large_is_refused_unread() {
    let dir = project("");
    // Valid TOML, but over the 1 MiB limit: refused before it is read.
    let padding = "# a comment to make the file large\n".repeat(32 * 1024);
    let large = dir.write("large.toml", format!("[rules]\n{padding}"));
    let mut cases = vec![
        (dir.arg("a"), "it is a directory".to_owned()),
        (
            large.display().to_string(),
            format!("it has {} bytes, more than the 1048576", padding.len() + 8),
        ),
    ];
    if cfg!(unix) {
        cases.push(("/dev/zero".to_owned(), "not a regular file".to_owned()));
    }
    if mkfifo(&dir.join("fifo.toml")) {
        // Nobody writes to it: opening it for reading would wait forever.
        cases.push((dir.arg("fifo.toml"), "not a regular file".to_owned()));
    }
    for (config, reason) in &cases {
        for command in [&["check"][..], &["send", "--dry-run", "--server-id", "s"]] {
            let ran = changeos(command)
                .args(["--config", config, "payloads/mode.json"])
                .current_dir(dir.path())
                .run();
            ran.expect_code(2).says(reason).says(&format!("cannot read {config}"));
            assert_eq!(ran.stdout, "", "{config}");
        }
    }
    // A `changeos.toml` found upward that is a FIFO is refused too, neither waited on nor
    // passed over.
    let found = TempDir::new("fifo-config");
    found.write("payloads/mode.json", MODE_BODY);
    if mkfifo(&found.join("changeos.toml")) {
        let ran = changeos(["check", "payloads/mode.json"])
            .current_dir(found.path())
            .run();
        ran.expect_code(2).says("changeos.toml").says("not a regular file");
    }
}

#[test]
fn a_walk_reads_no_ignore_file_that_is_no_regular_file_or_too_large() {
    let dir = TempDir::new("ignore-files");
    dir.write("a.json", CLEAN_BODY);
    dir.write("sub/b.json", CLEAN_BODY);
    dir.write("big/c.json", CLEAN_BODY);
    dir.write("big/.gitignore", "# padding\n".repeat(110_000));
    let fifo = mkfifo(&dir.join("sub/.gitignore"));
    let ran = changeos(["check", "--format", "json", &dir.arg("")]).run();
    ran.expect_code(1);
    let report = ran.json();
    let mut names = file_names(&report);
    names.iter_mut().for_each(|n| *n = dir.redact(n));
    let mut expected = vec!["[TMP]/a.json", "[TMP]/big"];
    if fifo {
        expected.push("[TMP]/sub");
    } else {
        expected.push("[TMP]/sub/b.json");
    }
    assert_eq!(names, expected, "{}", ran.stdout);
    assert!(
        ran.stdout
            .contains("big/.gitignore has 1100000 bytes, more than the 1048576"),
        "{}",
        ran.stdout
    );
    if fifo {
        assert!(
            ran.stdout.contains("sub/.gitignore is not a regular file"),
            "{}",
            ran.stdout
        );
    }
    // One in the directory walked, or above it: nothing is walked.
    if cfg!(unix) {
        std::os::unix::fs::symlink("/dev/zero", dir.join(".gitignore")).expect("symlink");
        let ran = changeos(["check", &dir.arg("sub")]).run();
        ran.expect_code(1).says(".gitignore is not a regular file");
    }
}

#[test]
fn a_missing_config_file_exits_2() {
    let dir = project("");
    let missing = dir.arg("no/such/changeos.toml");
    let ran = changeos(["check", "--config", &missing, "payloads/mode.json"])
        .current_dir(dir.path())
        .run();
    ran.expect_code(2);
    assert_eq!(ran.stdout, "");
    assert!(ran.stderr.contains(&missing), "{}", ran.stderr);
    // A directory is no config either.
    let ran = changeos(["check", "--config", &dir.arg("a"), "payloads/mode.json"])
        .current_dir(dir.path())
        .run();
    ran.expect_code(2);
}

// ---------------------------------------------------------------------------------------------
// --strict

#[test]
fn strict_makes_warnings_fail() {
    changeos(["check", WARNINGS]).run().expect_code(0);
    let ran = changeos(["check", "--strict", WARNINGS]).run();
    ran.expect_code(1);
    assert!(
        ran.stdout.ends_with("1 file checked: 0 errors, 1 warning\n"),
        "{}",
        ran.stdout
    );
    changeos(["check", "--strict", CLEAN]).run().expect_code(0);
    changeos(["check", "--strict", "--format", "sarif", WARNINGS])
        .run()
        .expect_code(1);
    // A config that turns the only warning off leaves nothing for --strict to fail on.
    let dir = project("[rules]\nkeyname-without-userid = \"off\"\n");
    changeos(["check", "--strict", "payloads/warning.json"])
        .current_dir(dir.path())
        .run()
        .expect_code(0);
}

// ---------------------------------------------------------------------------------------------
// explain and rules

fn listed_rules() -> Vec<serde_json::Value> {
    let ran = changeos(["rules", "--format", "json"]).run();
    ran.expect_code(0);
    ran.json().as_array().expect("a JSON array").clone()
}

#[test]
fn rules_lists_every_rule_of_both_catalogs() {
    let listed = listed_rules();
    let ids: Vec<&str> = listed.iter().map(|r| r["id"].as_str().expect("id")).collect();
    let expected: Vec<&str> = changeos_validator::rules::all().map(|r| r.id()).collect();
    assert_eq!(ids, expected);
    assert_eq!(
        expected.len(),
        changeos_validator::rules::SOURCE_RULES.len() + changeos_models::catalog::RULES.len()
    );
    for id in [
        "duplicate-key",
        "imageid-uuid",
        "invalid-json",
        "literal-secret",
        "unknown-member",
    ] {
        assert!(ids.contains(&id), "{id} is missing from {ids:?}");
    }
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "ids are unique");
    for rule in &listed {
        assert!(matches!(rule["severity"].as_str(), Some("error" | "warning")), "{rule}");
        assert!(!rule["summary"].as_str().unwrap_or_default().is_empty(), "{rule}");
    }

    let ran = changeos(["rules"]).run();
    ran.expect_code(0);
    let lines: Vec<&str> = ran.stdout.lines().collect();
    assert_eq!(lines.len(), listed.len(), "one line per rule:\n{}", ran.stdout);
    for (line, rule) in lines.iter().zip(&listed) {
        let id = rule["id"].as_str().unwrap_or_default();
        assert!(line.starts_with(&format!("{id} ")), "{line:?} should start with {id}");
        assert!(line.contains(rule["severity"].as_str().unwrap_or_default()), "{line}");
        assert!(line.ends_with(rule["summary"].as_str().unwrap_or_default()), "{line}");
    }
}

/// The `RuleInfo` statics declared in the Rust files under `dir`, by name (`DUPLICATE_KEY`).
fn rule_statics(dir: &std::path::Path) -> Vec<String> {
    let declared = regex::Regex::new(r"static ([A-Z][A-Z0-9_]*): RuleInfo\b").expect("a regex");
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).expect("a source directory") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            names.extend(rule_statics(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).expect("a source file");
            names.extend(declared.captures_iter(&text).map(|c| c[1].to_owned()));
        }
    }
    names
}

/// A finding's rule is a static of either catalog (the type allows nothing else), so every rule
/// the linter can report is a static that the generated linter names or that the validator
/// declares: each of them is listed by `changeos rules`, and no id is listed twice.
#[test]
fn every_rule_the_linter_can_report_is_listed() {
    let listed: Vec<String> = listed_rules()
        .iter()
        .map(|r| r["id"].as_str().expect("id").to_owned())
        .collect();
    let static_name = |id: &str| id.to_uppercase().replace('-', "_");
    let listed_statics: Vec<String> = listed.iter().map(|id| static_name(id)).collect();
    let mut unique = listed_statics.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), listed.len(), "an id is listed twice: {listed:?}");

    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let lint = std::fs::read_to_string(root.join("generated/src/lint.rs")).expect("the generated linter");
    let named = regex::Regex::new(r"catalog::([A-Z][A-Z0-9_]*)\b").expect("a regex");
    let generated: Vec<&str> = named
        .captures_iter(&lint)
        .map(|c| c.get(1).map_or("", |m| m.as_str()))
        .collect();
    assert!(
        generated.len() > 20,
        "the generated linter names its rules by their statics"
    );
    let declared = [
        rule_statics(&root.join("generated/src")),
        rule_statics(&root.join("validator/src")),
    ]
    .concat();
    assert!(declared.contains(&"DUPLICATE_KEY".to_owned()) && declared.contains(&"UNKNOWN_MEMBER".to_owned()));
    for name in generated.iter().copied().chain(declared.iter().map(String::as_str)) {
        assert!(
            listed_statics.iter().any(|s| s == name),
            "{name} is not listed by `changeos rules`"
        );
    }
    assert_eq!(
        declared.len(),
        listed.len(),
        "every listed rule is declared once: {declared:?}"
    );
}

#[test]
fn explain_every_rule_in_both_formats() {
    for rule in listed_rules() {
        let id = rule["id"].as_str().expect("id");
        let ran = changeos(["explain", id]).run();
        ran.expect_code(0);
        let severity = rule["severity"].as_str().unwrap_or_default();
        assert!(
            ran.stdout.starts_with(&format!("{id} ({severity})\n\n")),
            "{}",
            ran.stdout
        );
        assert!(ran.stdout.contains("\nGood:\n"), "{id}: {}", ran.stdout);

        let ran = changeos(["explain", "--format", "json", id]).run();
        ran.expect_code(0);
        let explained = ran.json();
        assert_eq!(explained["id"], id);
        assert_eq!(explained["severity"], severity);
        assert_eq!(explained["summary"], rule["summary"]);
        for field in ["explanation", "operation", "good"] {
            assert!(
                !explained[field].as_str().unwrap_or_default().is_empty(),
                "{id}: {field} in {explained}"
            );
        }
        assert!(explained["bad"].is_string(), "{explained}");
    }
}

#[test]
fn explain_shows_the_bad_and_good_examples() {
    let ran = changeos(["explain", "duplicate-key"]).run();
    ran.expect_code(0);
    assert!(
        ran.stdout
            .starts_with("duplicate-key (error)\n\na member name appears twice in one object\n")
    );
    assert!(
        ran.stdout.contains("\nBad (--op cloudinit):\n    {\n"),
        "{}",
        ran.stdout
    );
    assert!(
        ran.stdout
            .contains("\"imageid\": \"83cdb52d-9ebf-4469-9cfa-e7b5b80da846\""),
        "{}",
        ran.stdout
    );
    // A rule of the other operation says which `--op` its example is for.
    let ran = changeos(["explain", "adminpass-or-keyname-required"]).run();
    ran.expect_code(0);
    assert!(ran.stdout.contains("\nBad (--op nocloudinit):\n"), "{}", ran.stdout);
    // The examples of the JSON form are the documents themselves, and the bad one is bad.
    let explained = changeos(["explain", "--format", "json", "imageid-uuid"]).run().json();
    assert_eq!(explained["operation"], "ChangeServerOsWithCloudInit", "{explained}");
    assert_eq!(explained["op"], "cloudinit", "{explained}");
    let bad: serde_json::Value =
        serde_json::from_str(explained["bad"].as_str().unwrap_or_default()).expect("bad is JSON");
    let good: serde_json::Value =
        serde_json::from_str(explained["good"].as_str().unwrap_or_default()).expect("good is JSON");
    assert!(bad.is_object() && good.is_object());
    let ran = changeos(["check", "--format", "json", "-"])
        .stdin(explained["bad"].as_str().unwrap_or_default())
        .run();
    assert!(
        rules_of(&ran.json(), 0).iter().any(|(rule, _)| rule == "imageid-uuid"),
        "{}",
        ran.stdout
    );
}

#[test]
fn explain_an_unknown_rule_exits_2_with_a_suggestion() {
    for format in ["human", "json"] {
        let ran = changeos(["explain", "--format", format, "duplicat-key"]).run();
        ran.expect_code(2);
        assert_eq!(ran.stdout, "");
        assert!(ran.stderr.contains("unknown rule `duplicat-key`"), "{}", ran.stderr);
        assert!(ran.stderr.contains("did you mean `duplicate-key`?"), "{}", ran.stderr);
    }
    let ran = changeos(["explain", "no-such-thing-at-all"]).run();
    ran.expect_code(2);
    assert!(
        ran.stderr.contains("unknown rule `no-such-thing-at-all`"),
        "{}",
        ran.stderr
    );
    assert!(!ran.stderr.contains("did you mean"), "nothing is near: {}", ran.stderr);
}

// ---------------------------------------------------------------------------------------------
// schema

#[test]
fn schema_prints_the_2020_12_schema_of_the_operation() {
    let v1_body = serde_json::json!({"os-change": {"imageid": "e215580f-73ad-429d-b6f2-5433947433b0", "adminpass": "$P",
        "metadata": {"user_data": "aGk="}}});
    for (args, title, accepts_user_data) in [
        (vec!["schema"], "ChangeServerOsWithCloudInit request body", true),
        (
            vec!["schema", "--op", "cloudinit"],
            "ChangeServerOsWithCloudInit request body",
            true,
        ),
        (
            vec!["schema", "--op", "nocloudinit"],
            "ChangeServerOsWithoutCloudInit request body",
            false,
        ),
    ] {
        let ran = changeos(&args).run();
        ran.expect_code(0);
        let schema = ran.json();
        assert_eq!(
            schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{args:?}"
        );
        assert_eq!(schema["title"], title, "{args:?}");
        let validator = jsonschema::options().build(&schema).expect("the schema compiles");
        assert!(
            validator.is_valid(&common::read_json(CLEAN)),
            "{args:?}: a clean body is valid"
        );
        assert!(
            !validator.is_valid(&serde_json::json!({"os-change": {}})),
            "{args:?}: imageid is required"
        );
        assert_eq!(
            validator.is_valid(&v1_body),
            accepts_user_data,
            "{args:?}: user_data is a v2 member"
        );
    }
    assert_eq!(changeos(["schema", "--op", "v3"]).run().code, Some(2));
}

// ---------------------------------------------------------------------------------------------
// completions

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let ran = changeos(["completions", shell]).run();
        ran.expect_code(0);
        assert!(ran.stdout.len() > 200, "{shell}: {}", ran.stdout);
        for word in [
            "changeos",
            "check",
            "explain",
            "rules",
            "schema",
            "strict",
            "no-config",
            "nocloudinit",
            "sarif",
        ] {
            // fish writes long flags as `-l strict`, the others as `--strict`.
            assert!(ran.stdout.contains(word), "{shell} completions should mention {word}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Help: the command line surface changes only on purpose

#[test]
fn help_of_every_command() {
    for (name, args) in [
        ("changeos", vec!["--help"]),
        ("check", vec!["check", "--help"]),
        ("explain", vec!["explain", "--help"]),
        ("rules", vec!["rules", "--help"]),
        ("schema", vec!["schema", "--help"]),
        ("completions", vec!["completions", "--help"]),
    ] {
        let ran = changeos(&args).run();
        ran.expect_code(0);
        insta::assert_snapshot!(format!("help_{name}"), ran.stdout);
    }
    let ran = changeos(["--version"]).run();
    ran.expect_code(0);
    assert_eq!(ran.stdout, format!("changeos {}\n", env!("CARGO_PKG_VERSION")));
}

// ---------------------------------------------------------------------------------------------
// Colours

const ESC: char = '\u{1b}';

#[test]
fn output_that_is_not_a_terminal_has_no_escape_sequences() {
    for format in ["human", "json", "sarif", "github"] {
        let ran = changeos(["check", "--format", format, ERRORS, WARNINGS, CLEAN, "no/such.json"]).run();
        ran.expect_code(1);
        assert!(!ran.stdout.contains(ESC), "{format}: {}", ran.stdout);
    }
    for args in [vec!["explain", "mode-value"], vec!["rules"], vec!["--help"]] {
        assert!(!changeos(&args).run().stdout.contains(ESC), "{args:?}");
    }
}

#[test]
fn file_names_with_control_characters_are_escaped_in_human_output() {
    let dir = TempDir::new("names");
    let name = "a\n::error::injected\u{1b}]0;title\u{7}\u{202e}.json";
    let shown = r"a\n::error::injected\u{1b}]0;title\u{7}\u{202e}.json";
    let write = || dir.write(name, "{\"os-change\": {\"imageId\": \"x\", \"isAutoPay\": true}}");
    write();
    let run = |args: &[&str]| changeos(args).current_dir(dir.path()).run();

    // The report's locations, and the fixes applied.
    let ran = run(&["check", name]);
    ran.expect_code(1)
        .prints_no_control_characters()
        .says(&format!(" --> {shown}:1:16\n"));
    let ran = run(&["check", "--diff", name]);
    ran.expect_code(1)
        .prints_no_control_characters()
        .says(&format!("--- {shown}\n+++ {shown}\n"));
    let ran = run(&["fmt", "--check", name]);
    ran.expect_code(1)
        .prints_no_control_characters()
        .says(&format!("{shown}\n"));
    let ran = run(&["check", "--fix", name]);
    ran.expect_code(1).prints_no_control_characters().says(&format!(
        "fixed[unknown-member]: unknown member `imageId`\n --> {shown}:1:16\n"
    ));
    // A file that cannot be rendered, and one that cannot be read.
    dir.write(name, "{");
    run(&["render", name])
        .expect_code(1)
        .prints_no_control_characters()
        .says(shown);
    let ran = run(&["check", "missing\n::error::x.json"]);
    ran.expect_code(1)
        .prints_no_control_characters()
        .says(r"missing\n::error::x.json:1:1");
    // The config's name, in a message of its own.
    dir.write("c\n::error::c.toml", "[rules]\nno-such-rule = \"off\"\n");
    let ran = run(&["check", "--config", "c\n::error::c.toml", name]);
    ran.expect_code(2)
        .prints_no_control_characters()
        .says(r"error: c\n::error::c.toml: unknown rule `no-such-rule`");
}

/// Runs `changeos ARGS` on a pseudo-terminal with `script`, if the machine has it.
fn on_a_terminal(args: &str, no_color: Option<&str>) -> Option<String> {
    let script = ["/usr/bin/script", "/bin/script"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())?;
    let mut command = std::process::Command::new(script);
    command
        .args([
            "-q",
            "-e",
            "-c",
            &format!("{} {args}", env!("CARGO_BIN_EXE_changeos")),
            "/dev/null",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR");
    if let Some(value) = no_color {
        command.env("NO_COLOR", value);
    }
    let ran = run_with_limit(command, Vec::new());
    assert_eq!(ran.code, Some(1), "{ran:?}");
    Some(ran.stdout)
}

#[test]
fn a_terminal_gets_colours_unless_no_color_is_set() {
    let args = format!("check {ERRORS} {WARNINGS}");
    let Some(coloured) = on_a_terminal(&args, None) else {
        eprintln!("skipped: no `script` command to make a pseudo-terminal");
        return;
    };
    // Without this, the test below could not tell colours from none.
    assert!(
        coloured.contains("\u{1b}[1m\u{1b}[31merror[imageid-uuid]"),
        "{coloured}"
    );
    assert!(
        coloured.contains("\u{1b}[1m\u{1b}[33mwarning[keyname-without-userid]"),
        "{coloured}"
    );
    let plain = on_a_terminal(&args, Some("1")).expect("script ran once already");
    assert!(!plain.contains(ESC), "{plain}");
    assert!(plain.contains("error[imageid-uuid]: "), "{plain}");
    // An empty NO_COLOR does not count (no-color.org).
    assert!(on_a_terminal(&args, Some("")).expect("script").contains(ESC));
    // --color never wins over the terminal, --color always over NO_COLOR.
    let never = on_a_terminal(&format!("--color never {args}"), None).expect("script");
    assert!(!never.contains(ESC), "{never}");
    let always = on_a_terminal(&format!("--color always {args}"), Some("1")).expect("script");
    assert!(always.contains("\u{1b}[1m\u{1b}[31merror[imageid-uuid]"), "{always}");
}

/// The styled title of the `imageid-uuid` finding of [`ERRORS`].
const STYLED_ERROR: &str = "\u{1b}[1m\u{1b}[31merror[imageid-uuid]\u{1b}[0m";

#[test]
fn color_always_styles_the_report_even_into_a_pipe_and_despite_no_color() {
    // Before the command or after it: the flag is global.
    for args in [
        vec!["--color", "always", "check", ERRORS],
        vec!["check", ERRORS, "--color", "always"],
        vec!["check", "--color=always", ERRORS],
    ] {
        let ran = changeos(&args).env("NO_COLOR", "1").run();
        ran.expect_code(1);
        assert!(ran.stdout.contains(STYLED_ERROR), "{args:?}: {}", ran.stdout);
        // The summary line too.
        assert!(
            ran.stdout.contains("\u{1b}[1m\u{1b}[31m3 files checked")
                || ran.stdout.contains("\u{1b}[1m\u{1b}[31m1 file checked"),
            "{args:?}: {}",
            ran.stdout
        );
    }
    // Formats that are read by programs are never styled.
    for format in ["json", "sarif", "github"] {
        let ran = changeos(["--color", "always", "check", "--format", format, ERRORS]).run();
        ran.expect_code(1);
        assert!(!ran.stdout.contains(ESC), "{format}: {}", ran.stdout);
    }
}

#[test]
fn color_never_and_auto_into_a_pipe_give_plain_text() {
    for args in [
        vec!["--color", "never", "check", ERRORS],
        vec!["--color", "auto", "check", ERRORS],
    ] {
        let ran = changeos(&args).run();
        ran.expect_code(1).says("error[imageid-uuid]: ");
        assert!(
            !ran.stdout.contains(ESC) && !ran.stderr.contains(ESC),
            "{args:?}: {ran:?}"
        );
    }
}

#[test]
fn color_applies_to_the_reports_on_standard_error() {
    let dir = TempDir::new("color");
    dir.write("broken.json", "{\"os-change\": {\"imageid\": 1,");
    let broken = dir.path().join("broken.json");
    let broken = broken.to_str().expect("UTF-8 path");
    let styled = "\u{1b}[1m\u{1b}[31merror[invalid-json]\u{1b}[0m";
    // The reason --diff cannot fix a file (nothing to fix: exit 0), fmt's and render's refusals.
    for (args, code) in [
        (vec!["check", "--diff", broken], 0),
        (vec!["fmt", broken], 1),
        (vec!["render", broken], 1),
    ] {
        for (color, coloured) in [("always", true), ("never", false), ("auto", false)] {
            let ran = changeos(["--color", color]).args(&args).run();
            ran.expect_code(code).says("error[invalid-json]");
            assert_eq!(ran.stderr.contains(styled), coloured, "{color} {args:?}: {ran:?}");
            assert_eq!(ran.stderr.contains(ESC), coloured, "{color} {args:?}: {ran:?}");
        }
    }
}

#[test]
fn a_bad_color_value_is_a_usage_error() {
    let ran = changeos(["--color", "sometimes", "check", ERRORS]).run();
    ran.expect_code(2)
        .says("invalid value 'sometimes' for '--color <WHEN>'")
        .says("[possible values: auto, always, never]");
    assert!(ran.stdout.is_empty(), "{}", ran.stdout);
}
