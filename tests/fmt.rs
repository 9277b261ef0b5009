//! `changeos fmt`: the canonical layout on a table of payloads (snapshots, each formatted twice
//! to show that the second run changes nothing), and the command as a user runs it: in-place
//! rewrites, `--check`, standard input, directories, refusals and exit codes.

mod common;

use changeos_validator::Operation;
use changeos_validator::layout::{Outcome, format_source};
use common::cli::{TempDir, changeos};

const V2: Operation = Operation::ChangeServerOsWithCloudInit;
const V1: Operation = Operation::ChangeServerOsWithoutCloudInit;

/// A literal password in a payload: fmt keeps it, and no snapshot may store it.
const LITERAL_PASSWORD: &str = "Lit3ral.Pass-2024";
/// What snapshots show in its place.
const MASK: &str = "<the literal password, kept as written>";

/// Payloads in every layout a user may have: (name, operation, bytes).
fn table() -> Vec<(&'static str, Operation, String)> {
    let secret = format!(
        "{{\"os-change\": {{\"imageid\": \"e215580f-73ad-429d-b6f2-5433947433b0\", \"adminpass\": \"{LITERAL_PASSWORD}\"}}, \
         \"other\": {{\"adminpass\": \"$ADMIN_PASS\", \"token\": \"${{TOKEN}}\"}}}}"
    );
    vec![
        (
            "compact_one_line",
            V2,
            r#"{"os-change":{"mode":"withStopServer","imageid":"e215580f-73ad-429d-b6f2-5433947433b0","userid":"7e25b1da389f4697a79df3a0e5bd494e","adminpass":"$ADMIN_PASS"}}"#.to_owned(),
        ),
        (
            "pretty_with_four_spaces_out_of_order",
            V2,
            "{\n    \"os-change\": {\n        \"isAutoPay\": \"true\",\n        \"imageid\": \"e215580f-73ad-429d-b6f2-5433947433b0\",\n        \"keyname\": \"KeyPair-350b\",\n        \"userid\": \"7e25b1da389f4697a79df3a0e5bd494e\"\n    }\n}\n".to_owned(),
        ),
        (
            "crlf_line_ends",
            V2,
            "{\r\n  \"os-change\": {\r\n    \"imageid\": \"e215580f-73ad-429d-b6f2-5433947433b0\",\r\n    \"adminpass\": \"$ADMIN_PASS\"\r\n  }\r\n}\r\n".to_owned(),
        ),
        (
            "no_final_newline",
            V2,
            "{\n  \"os-change\": {\n    \"adminpass\": \"$ADMIN_PASS\",\n    \"imageid\": \"e215580f-73ad-429d-b6f2-5433947433b0\"\n  }\n}".to_owned(),
        ),
        (
            "byte_order_mark",
            V2,
            "\u{feff}{\"os-change\": {\"imageid\": \"e215580f-73ad-429d-b6f2-5433947433b0\", \"adminpass\": \"$ADMIN_PASS\"}}\n".to_owned(),
        ),
        (
            "unicode_escapes_and_numbers_as_written",
            V2,
            r#"{"os-change": {"imageid": "e215580f-73ad-429d-b6f2-5433947433b0", "adminpass": "$ADMIN_PASS"}, "note": ["\u00e9", "é", "\ud83d\ude00", "a\/b", "tab\there"], "numbers": [1.50, 1E+2, -0, 0.1e-3, 18446744073709551616]}"#.to_owned(),
        ),
        (
            "escaped_key_is_ordered_by_its_value",
            V2,
            r#"{"os-change": {"mode": "withStopServer", "\u0069mageid": "e215580f-73ad-429d-b6f2-5433947433b0", "adminpass": "$ADMIN_PASS"}}"#.to_owned(),
        ),
        (
            "unknown_members_after_known_in_their_order",
            V2,
            r#"{"zeta": 1, "os-change": {"x-trace": "t", "imageid": "e215580f-73ad-429d-b6f2-5433947433b0", "alpha": true, "adminpass": "$ADMIN_PASS", "imageId": "typo"}, "alpha": null}"#.to_owned(),
        ),
        (
            "nested_metadata",
            V2,
            r#"{"os-change": {"metadata": {"BYOL": "true", "user_data": "IyEvYmluL2Jhc2gK", "__system__cmkid": "83cdb52d-9ebf-4469-9cfa-e7b5b80da846", "__system__encrypted": "1", "extra": {"b": 1, "a": 2}}, "mode": "withStopServer", "imageid": "e215580f-73ad-429d-b6f2-5433947433b0", "keyname": "KeyPair-350b", "userid": "7e25b1da389f4697a79df3a0e5bd494e"}}"#.to_owned(),
        ),
        (
            "nocloudinit_has_its_own_order",
            V1,
            r#"{"os-change": {"metadata": {"BYOL": "false"}, "mode": "withStopServer", "imageid": "e215580f-73ad-429d-b6f2-5433947433b0", "adminpass": "$ADMIN_PASS"}}"#.to_owned(),
        ),
        (
            "empty_containers_and_arrays_of_scalars",
            V2,
            "{\"os-change\": {}, \"empty_array\": [ ], \"empty_object\": {\n}, \"scalars\": [1,\"two\",true,null], \"nested\": [[], [[1]], {}]}".to_owned(),
        ),
        (
            "tabs_and_blank_lines",
            V2,
            "\n\n\t{\t\"os-change\"\t:\n\n{\"imageid\"  :  \"e215580f-73ad-429d-b6f2-5433947433b0\" }  }\n\n\n".to_owned(),
        ),
        ("secrets_and_placeholders_kept", V2, secret),
        ("not_an_object", V2, "[ {\"b\": 1, \"a\": 2}, \"x\" ]".to_owned()),
        ("wrong_types_still_formatted", V2, r#"{"os-change": {"metadata": "m", "imageid": 5}}"#.to_owned()),
    ]
}

fn format(operation: Operation, source: &str) -> (String, bool) {
    match format_source(operation, source.as_bytes()) {
        Outcome::Formatted { text, changed } => (text, changed),
        Outcome::Refused(report) => panic!("refused: {:?}", report.diagnostics),
    }
}

#[test]
fn layout_of_every_payload_and_a_second_run_changes_nothing() {
    for (name, operation, source) in table() {
        let (text, changed) = format(operation, &source);
        assert_eq!(changed, text != source, "{name}");
        let (again, changed_again) = format(operation, &text);
        assert_eq!(again, text, "{name}: not idempotent");
        assert!(!changed_again, "{name}: the canonical text counts as changed");
        assert!(text.ends_with("}\n") || text.ends_with("]\n"), "{name}");
        assert!(!text.contains('\r') && !text.starts_with('\u{feff}'), "{name}");
        if source.contains(LITERAL_PASSWORD) {
            assert!(
                text.contains(&format!("\"adminpass\": \"{LITERAL_PASSWORD}\"")),
                "{name}"
            );
        }
        let shown = source.replace(LITERAL_PASSWORD, MASK);
        insta::with_settings!({ description => format!("{} of {shown:?}", operation.id()) }, {
            insta::assert_snapshot!(format!("layout_{name}"), text.replace(LITERAL_PASSWORD, MASK));
        });
    }
}

#[test]
fn no_snapshot_stores_the_literal_password() {
    let dir = common::workspace_path("tests/snapshots");
    for entry in std::fs::read_dir(&dir).expect("snapshots") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            !text.contains(LITERAL_PASSWORD),
            "{} stores the password",
            path.display()
        );
    }
}

#[test]
fn every_repository_payload_is_already_formatted() {
    let mut payloads: Vec<(String, Operation)> = ["examples", "tests/data/valid"]
        .into_iter()
        .flat_map(common::payloads_in)
        .map(|p| (p.name, p.operation))
        .collect();
    payloads.push(("tests/data/every-member/cloudinit.json".to_owned(), V2));
    payloads.push(("tests/data/every-member/nocloudinit.json".to_owned(), V1));
    for (name, operation) in payloads {
        let source = std::fs::read_to_string(common::workspace_path(&name)).expect("readable");
        let (_, changed) = format(operation, &source);
        assert!(!changed, "{name} is not in the canonical layout");
    }
}

// ---------------------------------------------------------------------------------------------
// The command

/// Unformatted and formatted v2 bodies.
const MESSY: &str = "{\"os-change\":{\"mode\":\"withStopServer\",\"imageid\":\"e215580f-73ad-429d-b6f2-5433947433b0\",\"adminpass\":\"$ADMIN_PASS\"}}";
const CANONICAL: &str = "{\n  \"os-change\": {\n    \"adminpass\": \"$ADMIN_PASS\",\n    \"imageid\": \"e215580f-73ad-429d-b6f2-5433947433b0\",\n    \"mode\": \"withStopServer\"\n  }\n}\n";

/// The temporary directory as an argument.
fn root(dir: &TempDir) -> String {
    dir.path().to_str().expect("temporary paths are UTF-8").to_owned()
}

fn read(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn files_are_rewritten_in_place_and_a_second_run_changes_nothing() {
    let dir = TempDir::new("fmt-in-place");
    let messy = dir.write("messy.json", MESSY);
    let crlf = dir.write("crlf.json", CANONICAL.replace('\n', "\r\n"));
    let done = dir.write("done.json", CANONICAL);
    let ran = changeos([
        "fmt",
        &dir.arg("messy.json"),
        &dir.arg("crlf.json"),
        &dir.arg("done.json"),
    ])
    .run();
    ran.expect_code(0);
    assert_eq!(ran.stdout, "");
    assert_eq!(ran.stderr, "2 files reformatted, 1 already formatted\n");
    for path in [&messy, &crlf, &done] {
        assert_eq!(read(path), CANONICAL, "{}", path.display());
    }
    let ran = changeos(["fmt", &dir.arg("messy.json"), &dir.arg("crlf.json")]).run();
    ran.expect_code(0);
    assert_eq!(ran.stderr, "0 files reformatted, 2 already formatted\n");
}

#[test]
fn check_lists_the_files_that_would_change_and_changes_nothing() {
    let dir = TempDir::new("fmt-check");
    dir.write("b-messy.json", MESSY);
    dir.write("a-done.json", CANONICAL);
    dir.write("sub/c-no-newline.json", CANONICAL.trim_end());
    dir.write("notes.txt", "not a payload");
    let ran = changeos(["fmt", "--check", &root(&dir)]).run();
    ran.expect_code(1);
    let listed: Vec<String> = ran.stdout.lines().map(|l| dir.redact(l)).collect();
    assert_eq!(listed, ["[TMP]/b-messy.json", "[TMP]/sub/c-no-newline.json"]);
    assert_eq!(ran.stderr, "2 files would be reformatted, 1 already formatted\n");
    assert_eq!(read(&dir.join("b-messy.json")), MESSY);
    assert_eq!(read(&dir.join("sub/c-no-newline.json")), CANONICAL.trim_end());

    let ran = changeos(["fmt", "--check", &dir.arg("a-done.json")]).run();
    ran.expect_code(0);
    assert_eq!(ran.stdout, "");
    assert_eq!(ran.stderr, "0 files would be reformatted, 1 already formatted\n");
}

#[test]
fn directories_are_walked_like_check_walks_them() {
    let dir = TempDir::new("fmt-dirs");
    dir.write("payloads/a.json", MESSY);
    dir.write("payloads/deep/b.json", MESSY);
    dir.write("payloads/ignored.json", MESSY);
    dir.write("payloads/.hidden.json", MESSY);
    dir.write("payloads/.gitignore", "ignored.json\n");
    dir.mkdir("empty");
    let ran = changeos(["fmt", &dir.arg("payloads")]).run();
    ran.expect_code(0);
    assert_eq!(ran.stderr, "2 files reformatted, 0 already formatted\n");
    assert_eq!(read(&dir.join("payloads/a.json")), CANONICAL);
    assert_eq!(read(&dir.join("payloads/deep/b.json")), CANONICAL);
    assert_eq!(read(&dir.join("payloads/ignored.json")), MESSY);
    assert_eq!(read(&dir.join("payloads/.hidden.json")), MESSY);

    let ran = changeos(["fmt", &dir.arg("empty")]).run();
    ran.expect_code(1);
    ran.says("the directory holds no *.json file to check");
}

#[test]
fn standard_input_is_formatted_to_standard_output() {
    for args in [vec!["fmt"], vec!["fmt", "-"]] {
        let ran = changeos(&args).stdin(MESSY).run();
        ran.expect_code(0);
        assert_eq!(ran.stdout, CANONICAL);
        assert_eq!(ran.stderr, "", "no summary for standard input alone");
    }
    let ran = changeos(["fmt", "--op", "nocloudinit", "-"])
        .stdin(r#"{"os-change": {"metadata": {}, "mode": "withStopServer"}}"#)
        .run();
    ran.expect_code(0);
    assert_eq!(
        ran.stdout,
        "{\n  \"os-change\": {\n    \"mode\": \"withStopServer\",\n    \"metadata\": {}\n  }\n}\n"
    );

    let ran = changeos(["fmt", "--check", "-"]).stdin(MESSY).run();
    ran.expect_code(1);
    assert_eq!(ran.stdout, "-\n");
    let ran = changeos(["fmt", "--check"]).stdin(CANONICAL).run();
    ran.expect_code(0);
    assert_eq!(ran.stdout, "");
}

#[test]
fn ambiguous_files_are_refused_with_where_and_why_and_the_others_are_formatted() {
    let dir = TempDir::new("fmt-refused");
    let duplicate = "{\n  \"os-change\": {\n    \"imageid\": \"e215580f-73ad-429d-b6f2-5433947433b0\",\n    \"imageid\": \"83cdb52d-9ebf-4469-9cfa-e7b5b80da846\"\n  }\n}\n";
    let malformed = "{\n  \"os-change\": {\n    \"imageid\": \"e215580f-73ad-429d-b6f2-5433947433b0\",\n  }\n}\n";
    let trailing = "{\"os-change\": {}}\n{\"os-change\": {}}\n";
    dir.write("duplicate.json", duplicate);
    dir.write("malformed.json", malformed);
    dir.write("trailing.json", trailing);
    dir.write("good.json", MESSY);
    let ran = changeos(["fmt", &root(&dir)]).run();
    ran.expect_code(1);
    assert_eq!(read(&dir.join("duplicate.json")), duplicate);
    assert_eq!(read(&dir.join("malformed.json")), malformed);
    assert_eq!(read(&dir.join("trailing.json")), trailing);
    assert_eq!(read(&dir.join("good.json")), CANONICAL);
    ran.says(&format!("{}:4:5", dir.arg("duplicate.json")));
    insta::assert_snapshot!("refusals", dir.redact(&ran.stderr));

    let ran = changeos(["fmt", "--check", &dir.arg("duplicate.json")]).run();
    ran.expect_code(1);
    assert_eq!(ran.stdout, "", "a refused file is not listed as one to reformat");
}

#[test]
fn refusals_never_show_a_password() {
    let text =
        format!("{{\"os-change\": {{\"adminpass\": \"{LITERAL_PASSWORD}\", \"adminpass\": \"{LITERAL_PASSWORD}\"}}}}");
    let ran = changeos(["fmt"]).stdin(text).run();
    ran.expect_code(1);
    ran.says("duplicate-key");
    assert!(!ran.all().contains(LITERAL_PASSWORD), "{}", ran.all());
}

#[test]
fn secrets_and_placeholders_are_kept_as_written() {
    let dir = TempDir::new("fmt-secrets");
    let source = format!(
        "{{\"os-change\": {{\"imageid\": \"e215580f-73ad-429d-b6f2-5433947433b0\", \"adminpass\": \"{LITERAL_PASSWORD}\"}}}}"
    );
    let path = dir.write("literal.json", &source);
    changeos(["fmt", &dir.arg("literal.json")]).run().expect_code(0);
    assert_eq!(
        read(&path),
        format!(
            "{{\n  \"os-change\": {{\n    \"adminpass\": \"{LITERAL_PASSWORD}\",\n    \"imageid\": \"e215580f-73ad-429d-b6f2-5433947433b0\"\n  }}\n}}\n"
        )
    );
}

#[test]
fn unreadable_inputs_are_failures_of_their_own_and_bad_invocations_exit_2() {
    let dir = TempDir::new("fmt-unreadable");
    dir.write("good.json", MESSY);
    let ran = changeos(["fmt", &dir.arg("missing.json"), &dir.arg("good.json")]).run();
    ran.expect_code(1);
    ran.says("cannot read the file: no such file");
    assert_eq!(read(&dir.join("good.json")), CANONICAL);
    assert_eq!(
        ran.stderr.lines().last(),
        Some("1 file reformatted, 0 already formatted, 1 not formatted (see above)")
    );

    changeos(["fmt", "--op", "bogus", "-"]).run().expect_code(2);
    changeos(["fmt", "--bogus"]).run().expect_code(2);
}

#[test]
fn deep_nesting_is_refused_not_a_crash() {
    let deep = "[".repeat(100_000) + &"]".repeat(100_000);
    let ran = changeos(["fmt"]).stdin(deep).run();
    ran.expect_code(1);
    ran.says("recursion limit");
}

#[test]
fn help() {
    let ran = changeos(["fmt", "--help"]).run();
    ran.expect_code(0);
    insta::assert_snapshot!("help_fmt", ran.stdout);
}
