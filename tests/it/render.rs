//! `changeos render`: the canonical, secret-safe form of a payload file, for snapshot tests in
//! any language. One form whatever the layout; members in spec order; passwords never shown,
//! placeholders kept; unknown members kept after the known ones; files without one canonical
//! form refused (exit 1) with the reasons, as `check` reports them.

use crate::common;

use common::cli::{Ran, TempDir, changeos};
use common::secrets::{files_under, leaks_in, literal_passwords, read_all};
use common::workspace_path;

const IMAGE: &str = "e215580f-73ad-429d-b6f2-5433947433b0";

/// Renders `bytes`, written to a file of its own so that every byte is as given; the file's
/// directory is `[TMP]` in stderr.
fn render(op: &str, bytes: &[u8]) -> Ran {
    let dir = TempDir::new("render");
    let path = dir.write("payload.json", bytes);
    let mut ran = changeos(["render", "--op", op, path.to_str().expect("UTF-8 path")]).run();
    ran.stderr = dir.redact(&ran.stderr);
    ran
}

/// What a snapshot shows of a run: the output, then stderr when there is any.
fn shown(ran: &Ran) -> String {
    if ran.stderr.is_empty() {
        ran.stdout.clone()
    } else {
        format!("{}--- stderr\n{}", ran.stdout, ran.stderr)
    }
}

// ---------------------------------------------------------------------------------------------
// One form whatever the layout

/// The vendor's password example, written out in many layouts.
fn layouts() -> Vec<(&'static str, Vec<u8>)> {
    let pretty = std::fs::read_to_string(workspace_path("examples/cloudinit-password.json")).expect("example");
    let compact = format!(
        r#"{{"os-change":{{"adminpass":"$ADMIN_PASS","userid":"7e25b1da389f4697a79df3a0e5bd494e","imageid":"{IMAGE}","mode":"withStopServer"}}}}"#
    );
    let shuffled = format!(
        r#"{{"os-change": {{"mode": "withStopServer", "imageid": "{IMAGE}", "userid": "7e25b1da389f4697a79df3a0e5bd494e", "adminpass": "$ADMIN_PASS"}}}}"#
    );
    // Every character of names and values that can be written as an escape is.
    let escaped = r#"{"\u006fs-change": {"admin\u0070ass": "\u0024ADMIN_PASS", "userid": "7e25b1da389f4697a79df3a0e5bd494\u0065",
        "imageid": "e215580f-73ad-429d-b6f2-5433947433b0", "mode": "with\u0053top\u0053erver"}}"#;
    let spaced = "\t{ \"os-change\" :\n\n{\"adminpass\"\t:\t\"$ADMIN_PASS\" ,\"userid\":\"7e25b1da389f4697a79df3a0e5bd494e\",\r\n\"imageid\" : \"e215580f-73ad-429d-b6f2-5433947433b0\",\"mode\":\"withStopServer\"}}   \n\n";
    vec![
        ("pretty, LF, final newline", pretty.clone().into_bytes()),
        ("pretty, CRLF", pretty.replace('\n', "\r\n").into_bytes()),
        ("pretty, no final newline", pretty.trim_end().as_bytes().to_vec()),
        ("compact, one line", compact.into_bytes()),
        ("members in another order", shuffled.into_bytes()),
        ("unicode escapes in names and values", escaped.as_bytes().to_vec()),
        ("tabs, blank lines, CR, trailing spaces", spaced.as_bytes().to_vec()),
    ]
}

#[test]
fn every_layout_of_a_payload_renders_the_same_text() {
    let expected = render("cloudinit", &layouts()[0].1);
    expected.expect_code(0);
    assert_eq!(expected.stderr, "");
    for (layout, bytes) in layouts() {
        let ran = render("cloudinit", &bytes);
        ran.expect_code(0);
        assert_eq!(ran.stdout, expected.stdout, "{layout}");
        assert_eq!(ran.stderr, "", "{layout}");
    }
    insta::assert_snapshot!("layouts", expected.stdout);
}

/// A byte-order mark is an error for `check` but leaves the document as it is: rendered, and
/// mentioned on stderr.
#[test]
fn a_byte_order_mark_is_rendered_past_and_mentioned() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(&layouts()[0].1);
    let ran = render("cloudinit", &bytes);
    ran.expect_code(0);
    assert_eq!(ran.stdout, render("cloudinit", &layouts()[0].1).stdout);
    assert_eq!(
        ran.stderr,
        "warning: [TMP]/payload.json has 1 lint error (byte-order-mark); rendered all the same: `changeos check` shows them\n"
    );
}

#[test]
fn standard_input_renders_as_a_file_does() {
    let bytes = &layouts()[3].1;
    let from_stdin = changeos(["render", "-"]).stdin(bytes.clone()).run();
    from_stdin.expect_code(0);
    assert_eq!(from_stdin.stdout, render("cloudinit", bytes).stdout);
    // The op may come after the payload, and `-` is a payload like any other.
    let ran = changeos(["render", "-", "--op", "nocloudinit"])
        .stdin(bytes.clone())
        .run();
    ran.expect_code(0);
}

// ---------------------------------------------------------------------------------------------
// The table of payloads

/// (name, op, bytes): each renders (exit 0); its output, and stderr when there is one, is
/// snapshotted as `render__table_<name>`.
fn table() -> Vec<(&'static str, &'static str, Vec<u8>)> {
    let file = |path: &str| std::fs::read(workspace_path(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    let text = |s: String| s.into_bytes();
    vec![
        ("vendor_password", "cloudinit", file("examples/cloudinit-password.json")),
        ("vendor_keypair", "cloudinit", file("examples/cloudinit-keypair.json")),
        ("vendor_encrypted", "cloudinit", file("examples/cloudinit-encrypted.json")),
        ("vendor_nocloudinit", "nocloudinit", file("examples/nocloudinit-password.json")),
        // Nested objects: metadata with every member, user data included.
        ("every_member_cloudinit", "cloudinit", file("tests/data/every-member/cloudinit.json")),
        ("every_member_nocloudinit", "nocloudinit", file("tests/data/every-member/nocloudinit.json")),
        // The op decides the order: v1 writes `mode` before `metadata`, v2 after.
        (
            "order_by_op_cloudinit",
            "cloudinit",
            text(format!(
                r#"{{"os-change": {{"isAutoPay": "true", "metadata": {{"BYOL": "true", "__system__encrypted": "0"}}, "mode": "withStopServer", "imageid": "{IMAGE}", "keyname": "KeyPair-350b"}}}}"#
            )),
        ),
        (
            "order_by_op_nocloudinit",
            "nocloudinit",
            text(format!(
                r#"{{"os-change": {{"isAutoPay": "true", "metadata": {{"BYOL": "true", "__system__encrypted": "0"}}, "mode": "withStopServer", "imageid": "{IMAGE}", "keyname": "KeyPair-350b"}}}}"#
            )),
        ),
        // A literal password is redacted; placeholders in any member are kept as written.
        ("literal_password", "cloudinit", file("tests/data/valid/cloudinit-literal-password.json")),
        (
            "placeholders",
            "cloudinit",
            text(
                r#"{"os-change": {"imageid": "$IMAGE_ID", "userid": "${USER_ID}", "adminpass": "${ADMIN_PASS}"}}"#
                    .to_owned(),
            ),
        ),
        (
            "not_quite_placeholders",
            "cloudinit",
            text(format!(
                r#"{{"os-change": {{"adminpass": "${{ADMIN_PASS", "imageid": "{IMAGE}"}}, "other": {{"adminpass": "$ADMIN PASS"}}}}"#
            )),
        ),
        ("null_password", "cloudinit", text(format!(r#"{{"os-change": {{"adminpass": null, "imageid": "{IMAGE}"}}}}"#))),
        // Unknown members: after the known ones, as written; a misspelt secret member is
        // redacted, in an unknown object too.
        (
            "unknown_members",
            "cloudinit",
            text(format!(
                r#"{{"dry-run": true, "os-change": {{"imageId": "{IMAGE}", "adminPass": "Typo.Pass-2024", "imageid": "{IMAGE}",
                "extendparam": {{"chargingMode": "prePaid", "admin_pass": "Nested.Pass-2024", "periodNum": 1}}, "keyname": "KeyPair-350b",
                "metadata": {{"__system__disktier": "GPSSD", "BYOL": "true"}}}}}}"#
            )),
        ),
        // Values of the wrong type are kept as written (a secret is redacted whatever its type).
        (
            "wrong_types",
            "cloudinit",
            text(
                r#"{"os-change": {"adminpass": 20240513, "imageid": 1e2, "metadata": "none", "isAutoPay": true, "mode": null,
                "keyname": ["KeyPair-350b", {"ADMINPASS": "Arr.Pass-2024"}], "userid": 12345678901234567890}}"#
                    .to_owned(),
            ),
        ),
        (
            "root_array",
            "cloudinit",
            text(format!(r#"[{{"os-change": {{"adminpass": "Root.Arr-Pass1", "imageid": "{IMAGE}"}}}}, 1, "x"]"#)),
        ),
        ("empty_object", "cloudinit", b"{}".to_vec()),
        // Escapes are decoded: the form holds characters, JSON escapes only where JSON needs them.
        (
            "string_escapes",
            "cloudinit",
            text(format!(
                r#"{{"os-change": {{"imageid": "{IMAGE}", "keyname": "caf\u00e9 \ud83d\ude00 \u2028 tab\t quote\" back\\ slash\/ nl\n ctl\u0001", "userid": "ユーザー"}}}}"#
            )),
        ),
    ]
}

#[test]
fn table_of_payloads() {
    for (name, op, bytes) in table() {
        let ran = render(op, &bytes);
        ran.expect_code(0);
        assert!(
            ran.stdout.ends_with("}\n") || ran.stdout.ends_with("]\n"),
            "{name}: {}",
            ran.stdout
        );
        assert!(!ran.stdout.ends_with("\n\n"), "{name}");
        // Rendering the form again gives the form: it is a fixed point.
        let again = render(op, ran.stdout.as_bytes());
        assert_eq!(again.stdout, ran.stdout, "{name}: rendering the form changed it");
        insta::assert_snapshot!(format!("table_{name}"), shown(&ran));
    }
}

/// Only error-level findings are mentioned; warnings (a literal password, among others) are
/// `check`'s business.
#[test]
fn warnings_are_not_mentioned() {
    let ran = render(
        "cloudinit",
        &std::fs::read(workspace_path("tests/data/check/formats/warnings.json")).unwrap(),
    );
    ran.expect_code(0);
    assert_eq!(ran.stderr, "");
    let ran = render(
        "cloudinit",
        &std::fs::read(workspace_path("tests/data/valid/cloudinit-literal-password.json")).unwrap(),
    );
    assert_eq!(ran.stderr, "");
}

// ---------------------------------------------------------------------------------------------
// Files without one canonical form: exit 1, nothing on stdout, the reasons on stderr

#[test]
fn files_without_one_canonical_form_are_refused() {
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "malformed JSON",
            b"{\n  \"os-change\": {\n    \"adminpass\": \"Inv.Render-Pass1\",\n    \"adminPass\": \"Inv.Typo-Pass2\" \"imageid\": 1\n  }\n}\n".to_vec(),
        ),
        (
            "a member twice (which value?)",
            b"{\"os-change\": {\n  \"adminpass\": \"Dup.Render-Pass1\",\n  \"adminpass\": \"Dup.Render-Pass2\"\n}}".to_vec(),
        ),
        ("content after the document", b"{\"os-change\": {}}\n{\"os-change\": {}}\n".to_vec()),
        ("an empty file", Vec::new()),
        ("only white space", b" \r\n\t\n".to_vec()),
        ("not UTF-8", b"{\"os-change\": {\"keyname\": \"caf\xe9\"}}".to_vec()),
        ("a BOM and nothing else", b"\xEF\xBB\xBF".to_vec()),
    ];
    let mut out = String::new();
    for (name, bytes) in cases {
        let dir = TempDir::new("render-refused");
        let path = dir.write("payload.json", &bytes);
        let ran = changeos(["render", path.to_str().unwrap()]).run();
        ran.expect_code(1);
        assert_eq!(ran.stdout, "", "{name}");
        assert!(
            ran.stderr.ends_with("has no canonical form, so nothing was printed\n"),
            "{name}: {}",
            ran.stderr
        );
        out.push_str(&format!("## {name}\n{}\n", dir.redact(&ran.stderr)));
    }
    // A path that cannot be read.
    let dir = TempDir::new("render-unreadable");
    for (name, path) in [
        ("a missing file", dir.join("missing.json")),
        ("a directory", dir.mkdir("payloads")),
    ] {
        let ran = changeos(["render", path.to_str().unwrap()]).run();
        ran.expect_code(1);
        assert_eq!(ran.stdout, "", "{name}");
        out.push_str(&format!("## {name}\n{}\n", dir.redact(&ran.stderr)));
    }
    // Standard input: `-` in the location, as `check` writes it.
    let ran = changeos(["render", "-"]).stdin(b"{\"a\": 1,}".to_vec()).run();
    ran.expect_code(1);
    out.push_str(&format!("## standard input\n{}\n", ran.stderr));
    insta::assert_snapshot!("refused", out);
}

#[test]
fn bad_invocations_exit_2() {
    for args in [
        vec!["render"],
        vec!["render", "--op", "v3", "examples/cloudinit-password.json"],
        vec![
            "render",
            "examples/cloudinit-password.json",
            "examples/cloudinit-keypair.json",
        ],
    ] {
        let ran = changeos(&args).run();
        ran.expect_code(2);
        assert_eq!(ran.stdout, "", "{args:?}");
    }
}

#[test]
fn help_of_render() {
    let ran = changeos(["render", "--help"]).run();
    ran.expect_code(0);
    insta::assert_snapshot!("help_render", ran.stdout);
}

// ---------------------------------------------------------------------------------------------
// No password in any output

/// Every JSON file of the repository (payloads, fixtures, snapshots of the shell suite), every
/// payload of the tables above, with both ops: no password that the repository's tests write
/// is printed, on stdout or stderr, whether the file renders or is refused.
#[test]
fn no_password_in_any_render_output() {
    let root = workspace_path("");
    let json_files = files_under(&root, &|p: &std::path::Path| {
        p.extension().is_some_and(|e| e == "json") && !p.ends_with("sarif-schema-2.1.0.json")
    });
    assert!(json_files.len() > 20, "{json_files:?}");
    let sources = files_under(&root, &|p: &std::path::Path| {
        p.extension().is_some_and(|e| e == "rs" || e == "json")
    });
    let passwords = literal_passwords(&read_all(&sources));
    let mut inputs: Vec<(String, Vec<u8>)> = read_all(&json_files)
        .into_iter()
        .map(|(path, text)| (path.display().to_string(), text.into_bytes()))
        .collect();
    inputs.extend(table().into_iter().map(|(name, _, bytes)| (name.to_owned(), bytes)));
    inputs.extend(layouts().into_iter().map(|(name, bytes)| (name.to_owned(), bytes)));
    let mut rendered = 0;
    for (name, bytes) in &inputs {
        for op in ["cloudinit", "nocloudinit"] {
            let ran = changeos(["render", "--op", op, "-"]).stdin(bytes.clone()).run();
            assert!(matches!(ran.code, Some(0 | 1)), "{name}: {}", ran.stderr);
            rendered += usize::from(ran.code == Some(0));
            for password in &passwords {
                assert!(
                    !ran.all().lines().any(|line| leaks_in(line, password)),
                    "{name} ({op}): a password of the tests was printed"
                );
            }
        }
    }
    assert!(rendered > 40, "too few payloads rendered: {rendered}");
}

// ---------------------------------------------------------------------------------------------
// The docs

/// The snapshot guide's example of `render` is what it prints, and its table names every flag.
#[test]
fn the_docs_show_what_render_prints() {
    let page = std::fs::read_to_string(workspace_path("docs/snapshots.md")).expect("docs/snapshots.md");
    let command = "$ changeos render tests/data/valid/cloudinit-literal-password.json\n";
    let start = page.find(command).expect("the page shows a render") + command.len();
    let shown = &page[start..start + page[start..].find("```").expect("the end of the block")];
    let ran = changeos(["render", "tests/data/valid/cloudinit-literal-password.json"]).run();
    ran.expect_code(0);
    assert_eq!(shown, ran.stdout);
    for flag in [
        "`PAYLOAD`",
        "`--op cloudinit`",
        "`--op nocloudinit`",
        "`--config FILE`",
        "`--no-config`",
    ] {
        assert!(page.contains(&format!("| {flag} |")), "docs/snapshots.md lacks {flag}");
    }
}
