//! `changeos check --fix` and `--diff` as a user runs them: a table of payloads (layouts, line
//! endings, escapes, a byte-order mark, conflicting renames, a secret of the wrong type) with
//! every output snapshotted, fixing twice, the bytes outside the fixes, every exit code, and no
//! password in any output.

use crate::common;

use common::cli::{Ran, TempDir, changeos, rules_of, summary};
use serde_json::Value;

const IMAGE_ID: &str = common::IMAGE_ID;
const PASSWORD: &str = "Cloud.Pass-2024";

/// A name and the bytes of a payload file.
struct Case {
    name: &'static str,
    bytes: Vec<u8>,
}

fn case(name: &'static str, text: impl Into<String>) -> Case {
    Case {
        name,
        bytes: text.into().into_bytes(),
    }
}

/// A pretty v2 body with one fix of each kind the spec gives (renames in both objects, booleans
/// and a number that must be strings).
fn pretty() -> String {
    format!(
        "{{\n  \"os-change\": {{\n    \"imageId\": \"{IMAGE_ID}\",\n    \"keyname\": \"KeyPair-350b\",\n    \"userid\": \"7e25b1da389f4697a79df3a0e5bd494e\",\n    \"is_auto_pay\": \"false\",\n    \"metadata\": {{\n      \"byol\": true,\n      \"__system__encrypted\": 1,\n      \"__system__cmkid\": \"83cdb52d-9ebf-4469-9cfa-e7b5b80da846\"\n    }},\n    \"mode\": \"withStopServer\"\n  }}\n}}\n"
    )
}

fn cases() -> Vec<Case> {
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(
        format!(
            "{{\"os-change\": {{\"adminpass\": \"$ADMIN_PASS\", \"imageid\": \"{IMAGE_ID}\", \"isAutoPay\": true}}}}\n"
        )
        .as_bytes(),
    );
    vec![
        case("pretty", pretty()),
        case("crlf", pretty().replace('\n', "\r\n")),
        case("no_final_newline", pretty().trim_end().to_owned()),
        case(
            "compact",
            format!(
                "{{\"os-change\":{{\"imageId\":\"{IMAGE_ID}\",\"adminpass\":\"$ADMIN_PASS\",\"isAutoPay\":false,\"metadata\":{{\"BYOL\":true}}}}}}"
            ),
        ),
        Case {
            name: "bom",
            bytes: bom,
        },
        case(
            "unicode_escapes",
            format!(
                "{{\n  \"os-change\": {{\n    \"image\\u0049d\": \"{IMAGE_ID}\",\n    \"is\\u0041utoPay\": true,\n    \"adminpass\": \"$ADMIN_PASS\",\n    \"m\\u00e9tadata\": {{}}\n  }}\n}}\n"
            ),
        ),
        // Renames that would collide (two names for `imageid`; `isAutoPay` already there) are
        // not made; the quote next to them is.
        case(
            "conflicting_renames",
            format!(
                "{{\n  \"os-change\": {{\n    \"imageId\": \"{IMAGE_ID}\",\n    \"image_id\": \"{IMAGE_ID}\",\n    \"isAutoPay\": true,\n    \"is_auto_pay\": \"false\",\n    \"keyname\": \"k\",\n    \"userid\": \"u\"\n  }}\n}}\n"
            ),
        ),
        // A password of the wrong type is never rewritten; a password under a near-miss name is
        // renamed, and shown nowhere.
        case(
            "secret_of_the_wrong_type",
            format!(
                "{{\n  \"os-change\": {{\n    \"adminpass\": 12345678,\n    \"imageid\": \"{IMAGE_ID}\"\n  }}\n}}\n"
            ),
        ),
        case(
            "secret_under_a_near_miss_name",
            format!(
                "{{\n  \"os-change\": {{\"admin_pass\": \"{PASSWORD}\", \"imageid\": \"{IMAGE_ID}\", \"mode\": \"withStopServer\"}}\n}}\n"
            ),
        ),
        // A password of any type is masked whole, the line breaks inside it kept: the diff's
        // line numbers and the carets after it are those of the file.
        case(
            "secret_array_over_several_lines",
            format!(
                "{{\"os-change\": {{\"adminPas\": [\n  \"{PASSWORD}\",\n  {{\"k\": \"{PASSWORD}\"}}\n], \"isAutoPay\": true,\n  \"imageid\": \"{IMAGE_ID}\"}}}}\n"
            ),
        ),
        // The members of a misspelled object are checked, and fixed, once it has its name.
        case(
            "second_pass",
            format!("{{\"OS_Change\": {{\"imageId\": \"{IMAGE_ID}\", \"adminpass\": \"$P\", \"isAutoPay\": true}}}}\n"),
        ),
        // Base64 wrapped into lines, as `base64` prints it: the lines are joined, whatever the
        // escapes the file spells them with.
        case(
            "wrapped_base64",
            format!(
                "{{\n  \"os-change\": {{\n    \"imageid\": \"{IMAGE_ID}\",\n    \"keyname\": \"k\",\n    \"userid\": \"u\",\n    \"metadata\": {{\"user_data\": \"IyEvYmluL2Jhc2gKZWNobyBjaGFuZ2Vvcy1kb25lID4gL3Jvb3QvY2hhbmdl\\nb3MudHh0\\u0043g==\\r\\n\"}}\n  }}\n}}\n"
            ),
        ),
        // Values that are not the string of a closed value, or not spelled as their string.
        case(
            "nothing_to_fix",
            format!(
                "{{\"os-change\": {{\"imageid\": \"{IMAGE_ID}\", \"adminpass\": \"$P\", \"isAutoPay\": 1, \"mode\": \"stop\", \"metadata\": {{\"BYOL\": false, \"__system__encrypted\": 1.0}}}}}}\n"
            ),
        ),
    ]
}

/// Output made fit for a snapshot: carriage returns and a byte-order mark shown.
fn visible(text: &str) -> String {
    text.replace('\r', "␍").replace('\u{feff}', "<BOM>")
}

fn pretty_json(ran: &Ran) -> String {
    serde_json::to_string_pretty(&ran.json()).expect("serialisable")
}

/// Every output of one payload: the report with fixes as suggestions, the diff, --fix (human
/// and json) and the file it leaves, then a second --fix that changes nothing.
fn outputs(case: &Case) -> String {
    let dir = TempDir::new("fix");
    let file = "payload.json";
    let run = |args: &[&str]| changeos(args).current_dir(dir.path()).run();
    let write = || dir.write(file, &case.bytes);
    let read = || std::fs::read(dir.join(file)).expect("the payload");
    write();
    let mut out = String::new();

    let suggested = run(&["check", "--format", "json", file]);
    out.push_str(&format!(
        "=== check --format json (exit {:?})\n{}\n",
        suggested.code,
        pretty_json(&suggested)
    ));

    let diff = run(&["check", "--diff", file]);
    assert_eq!(read(), case.bytes, "{}: --diff writes nothing", case.name);
    out.push_str(&format!(
        "=== check --diff (exit {:?})\n{}--- stderr\n{}",
        diff.code,
        visible(&diff.stdout),
        diff.stderr
    ));

    let fixed = run(&["check", "--fix", file]);
    assert_eq!(fixed.stderr, "", "{}", case.name);
    let after = read();
    out.push_str(&format!(
        "=== check --fix (exit {:?})\n{}=== the file after --fix\n{}\n",
        fixed.code,
        fixed.stdout,
        // The file holds the test's password as written (fix never touches it); the snapshot
        // must not, so it shows a marker in its place.
        visible(&String::from_utf8_lossy(&after)).replace(PASSWORD, "<the test password>")
    ));
    // The diff said what --fix did: it is empty exactly when the file stayed as it was.
    assert_eq!(diff.stdout.is_empty(), after == case.bytes, "{}", case.name);
    assert_eq!(
        diff.code,
        Some(if after == case.bytes { 0 } else { 1 }),
        "{}",
        case.name
    );

    // Fixing twice: nothing changes the second time, and the report is the same.
    let again = run(&["check", "--fix", file]);
    assert_eq!(read(), after, "{}: a second --fix changed the file", case.name);
    assert_eq!(again.code, fixed.code, "{}", case.name);
    let left = fixed
        .stdout
        .lines()
        .last()
        .unwrap_or_default()
        .split("; ")
        .nth(1)
        .unwrap_or_default();
    assert!(
        again.stdout.ends_with(&format!("0 fixes applied; {left}\n")),
        "{}: {}",
        case.name,
        again.stdout
    );
    let nothing = run(&["check", "--diff", file]);
    nothing.expect_code(0);
    assert_eq!(nothing.stdout, "", "{}", case.name);

    write();
    let json = run(&["check", "--fix", "--format", "json", file]);
    assert_eq!(json.code, fixed.code, "{}", case.name);
    assert_eq!(read(), after, "{}: the json format fixes the same", case.name);
    out.push_str(&format!("=== check --fix --format json\n{}\n", pretty_json(&json)));

    for ran in [&suggested, &diff, &fixed, &again, &json] {
        assert!(!ran.all().contains(PASSWORD), "{}: {}", case.name, ran.all());
    }
    out
}

#[test]
fn fix_and_diff_on_a_table_of_payloads() {
    for case in cases() {
        insta::assert_snapshot!(format!("fix_{}", case.name), outputs(&case));
    }
}

// ---------------------------------------------------------------------------------------------
// The bytes outside the fixes

/// Applies the `fix` edits of a `--format json` report's first file to `bytes`, as an editor
/// would.
fn apply_suggestions(bytes: &[u8], report: &Value) -> Vec<u8> {
    let mut edits: Vec<(usize, usize, String)> = report["files"][0]["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| {
            let fix = d.get("fix")?;
            Some((
                fix["start"].as_u64()? as usize,
                fix["end"].as_u64()? as usize,
                fix["replacement"].as_str()?.to_owned(),
            ))
        })
        .collect();
    edits.sort();
    let mut out = Vec::new();
    let mut copied = 0;
    for (start, end, replacement) in edits {
        out.extend_from_slice(&bytes[copied..start]);
        out.extend_from_slice(replacement.as_bytes());
        copied = end;
    }
    out.extend_from_slice(&bytes[copied..]);
    out
}

#[test]
fn fix_changes_only_the_bytes_of_the_reported_spans() {
    // The fixed file is the original with the suggested edits made, pass after pass (as an
    // editor applying the `fix` of each report would), and not a byte more.
    for case in cases() {
        let mut expected = case.bytes.clone();
        for _ in 0..10 {
            let report = changeos(["check", "--format", "json", "-"])
                .stdin(expected.clone())
                .run()
                .json();
            let next = apply_suggestions(&expected, &report);
            if next == expected {
                break;
            }
            expected = next;
        }
        let dir = TempDir::new("spans");
        dir.write("p.json", &case.bytes);
        changeos(["check", "--fix", "p.json"]).current_dir(dir.path()).run();
        let fixed = std::fs::read(dir.join("p.json")).expect("fixed");
        assert_eq!(
            String::from_utf8_lossy(&fixed),
            String::from_utf8_lossy(&expected),
            "{}",
            case.name
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Exit codes

/// Only fixable errors.
fn fixable_body() -> String {
    format!("{{\"os-change\": {{\"imageId\": \"{IMAGE_ID}\", \"adminpass\": \"$P\", \"isAutoPay\": true}}}}\n")
}

/// A fixable error and one that is not.
fn mixed_body() -> String {
    format!(
        "{{\"os-change\": {{\"imageid\": \"{IMAGE_ID}\", \"adminpass\": \"$P\", \"isAutoPay\": true, \"mode\": \"stop\"}}}}\n"
    )
}

/// A fixable error and a warning.
fn warning_body() -> String {
    format!("{{\"os-change\": {{\"imageid\": \"{IMAGE_ID}\", \"keyname\": \"k\", \"isAutoPay\": true}}}}\n")
}

#[test]
fn fix_exits_0_when_nothing_fails_after_fixing_and_1_otherwise() {
    let dir = TempDir::new("fix-exit");
    dir.write("fixable.json", fixable_body());
    let ran = changeos(["check", "--fix", "fixable.json"])
        .current_dir(dir.path())
        .run();
    ran.expect_code(0);
    assert!(
        ran.stdout
            .ends_with("1 file checked: 2 fixes applied; 0 errors, 0 warnings remaining\n"),
        "{}",
        ran.stdout
    );

    dir.write("mixed.json", mixed_body());
    let ran = changeos(["check", "--fix", "--format", "json", "mixed.json"])
        .current_dir(dir.path())
        .run();
    ran.expect_code(1);
    let report = ran.json();
    assert_eq!(rules_of(&report, 0), [("mode-value".to_owned(), "error".to_owned())]);
    assert_eq!(report["summary"]["fixed"], 1);
    assert_eq!(report["files"][0]["fixed"][0]["rule"], "wrong-type");
    let fixed = std::fs::read_to_string(dir.join("mixed.json")).expect("fixed");
    assert!(fixed.contains("\"isAutoPay\": \"true\""), "{fixed}");

    // Warnings left fail only with --strict, as for `check`.
    dir.write("warning.json", warning_body());
    changeos(["check", "--fix", "warning.json"])
        .current_dir(dir.path())
        .run()
        .expect_code(0);
    dir.write("warning.json", warning_body());
    changeos(["check", "--fix", "--strict", "warning.json"])
        .current_dir(dir.path())
        .run()
        .expect_code(1);

    // A clean file: nothing to fix, exit 0, the file untouched.
    dir.write(
        "clean.json",
        "{\"os-change\": {\"imageid\": \"e215580f-73ad-429d-b6f2-5433947433b0\", \"adminpass\": \"$P\"}}",
    );
    let ran = changeos(["check", "--fix", "clean.json"]).current_dir(dir.path()).run();
    ran.expect_code(0);
    assert_eq!(
        ran.stdout,
        "1 file checked: 0 fixes applied; 0 errors, 0 warnings remaining\n"
    );
}

#[test]
fn fix_fixes_every_file_given_and_reports_a_missing_one() {
    let dir = TempDir::new("fix-many");
    dir.write("a.json", fixable_body());
    dir.write("sub/b.json", fixable_body());
    let ran = changeos(["check", "--fix", "--format", "json", "a.json", "missing.json", "sub"])
        .current_dir(dir.path())
        .run();
    ran.expect_code(1);
    let report = ran.json();
    assert_eq!(summary(&report), (3, 1, 0));
    assert_eq!(
        rules_of(&report, 1),
        [("unreadable-file".to_owned(), "error".to_owned())]
    );
    assert_eq!(report["files"][1]["fixed"], serde_json::json!([]));
    assert_eq!(report["summary"]["fixed"], 4);
    for name in ["a.json", "sub/b.json"] {
        let text = std::fs::read_to_string(dir.join(name)).expect("fixed");
        assert!(
            text.contains("\"imageid\"") && text.contains("\"true\""),
            "{name}: {text}"
        );
    }
}

#[test]
fn a_rule_turned_off_in_the_config_is_not_fixed() {
    let dir = TempDir::new("fix-config");
    dir.write("changeos.toml", "[rules]\nunknown-member = \"off\"\n");
    dir.write("p.json", fixable_body());
    let ran = changeos(["check", "--fix", "--format", "json", "p.json"])
        .current_dir(dir.path())
        .run();
    // `imageId` stays (its rule is off), so `imageid` is missing.
    ran.expect_code(1);
    let text = std::fs::read_to_string(dir.join("p.json")).expect("fixed");
    assert!(
        text.contains("\"imageId\"") && text.contains("\"isAutoPay\": \"true\""),
        "{text}"
    );
    assert_eq!(
        rules_of(&ran.json(), 0),
        [("missing-member".to_owned(), "error".to_owned())]
    );
}

#[test]
fn diff_exits_1_when_something_would_change_and_writes_nothing() {
    let dir = TempDir::new("diff-exit");
    dir.write("mixed.json", mixed_body());
    let ran = changeos(["check", "--diff", "mixed.json"])
        .current_dir(dir.path())
        .run();
    ran.expect_code(1);
    // A placeholder is no secret: the hunk shows it as written, so `patch` can apply it.
    let body = mixed_body();
    assert!(body.contains("\"$P\""), "{body}");
    assert_eq!(
        ran.stdout,
        format!(
            "--- mixed.json\n+++ mixed.json\n@@ -1 +1 @@\n-{body}+{}",
            body.replace("true", "\"true\"")
        )
    );
    assert_eq!(
        ran.stderr,
        "1 fix would be applied to 1 of 1 file; 1 error, 0 warnings would remain (run with --fix to apply)\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("mixed.json")).expect("read"),
        mixed_body()
    );

    // Errors that no fix repairs do not make --diff fail: there is nothing to diff.
    dir.write("stop.json", mixed_body().replace("true", "\"true\""));
    let ran = changeos(["check", "--diff", "stop.json"]).current_dir(dir.path()).run();
    ran.expect_code(0);
    assert_eq!(ran.stdout, "");
    assert_eq!(ran.stderr, "nothing to fix in 1 file (1 error, 0 warnings)\n");
}

#[test]
fn diff_shows_why_a_file_cannot_be_fixed_and_keeps_its_exit_code() {
    let dir = TempDir::new("diff-unfixable");
    dir.write("a.json", fixable_body());
    dir.write("broken.json", "{\"os-change\": {\n");
    let ran = changeos(["check", "--diff", "a.json", "missing.json", "broken.json"])
        .current_dir(dir.path())
        .run();
    // a.json would change: exit 1, as for any diff; the diff holds only a.json.
    ran.expect_code(1);
    assert!(ran.stdout.starts_with("--- a.json\n+++ a.json\n"), "{}", ran.stdout);
    assert!(!ran.stdout.contains("missing.json") && !ran.stdout.contains("broken.json"));
    assert_eq!(
        ran.stderr,
        "error[unreadable-file]: cannot read the file: no such file\n --> missing.json:1:1\n\n\
         error[invalid-json]: not valid JSON: the document ends too early: EOF while parsing an object\n \
         --> broken.json:2:1\n\n\
         2 fixes would be applied to 1 of 3 files; 2 errors, 0 warnings would remain (run with --fix to \
         apply); 2 files cannot be fixed (see above)\n"
    );

    // Alone, a file that cannot be fixed leaves nothing to diff: exit 0, and its error said.
    let ran = changeos(["check", "--diff", "missing.json"])
        .current_dir(dir.path())
        .run();
    ran.expect_code(0);
    assert_eq!(ran.stdout, "");
    assert_eq!(
        ran.stderr,
        "error[unreadable-file]: cannot read the file: no such file\n --> missing.json:1:1\n\n\
         nothing to fix in 1 file (1 error, 0 warnings); 1 file cannot be fixed (see above)\n"
    );
}

#[test]
fn diff_reads_standard_input() {
    let ran = changeos(["check", "--diff", "-"]).stdin(fixable_body()).run();
    ran.expect_code(1);
    assert!(ran.stdout.starts_with("--- -\n+++ -\n@@ -1 +1 @@\n"), "{}", ran.stdout);
    assert!(ran.stdout.contains("\"imageid\""), "{}", ran.stdout);
    let ran = changeos(["check", "--diff"])
        .stdin(fixable_body().replace("imageId", "imageid").replace("true", "\"true\""))
        .run();
    ran.expect_code(0);
}

#[test]
fn bad_invocations_of_fix_and_diff_exit_2_and_change_nothing() {
    let dir = TempDir::new("fix-usage");
    dir.write("p.json", fixable_body());
    for (args, says) in [
        (vec!["check", "--fix", "--diff", "p.json"], "cannot be used with"),
        (vec!["check", "--fix"], "standard input is no file"),
        (vec!["check", "--fix", "p.json", "-"], "standard input is no file"),
        (
            vec!["check", "--diff", "--format", "json", "p.json"],
            "takes no --format",
        ),
        (
            vec!["check", "--diff", "--format", "sarif", "p.json"],
            "takes no --format",
        ),
        (
            vec!["check", "--fix", "--config", "no/such.toml", "p.json"],
            "no/such.toml",
        ),
    ] {
        let ran = changeos(&args).current_dir(dir.path()).stdin(fixable_body()).run();
        assert_eq!(ran.code, Some(2), "{args:?}: {ran:?}");
        assert_eq!(ran.stdout, "", "{args:?}");
        assert!(ran.stderr.contains(says), "{args:?}: {}", ran.stderr);
        assert_eq!(
            std::fs::read_to_string(dir.join("p.json")).expect("read"),
            fixable_body(),
            "{args:?}"
        );
    }
    // A broken config found upward.
    dir.write("changeos.toml", "[rules]\nno-such-rule = \"off\"\n");
    let ran = changeos(["check", "--fix", "p.json"]).current_dir(dir.path()).run();
    ran.expect_code(2);
}

#[cfg(unix)]
#[test]
fn a_file_that_cannot_be_written_exits_2_and_the_others_are_fixed() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new("fix-readonly");
    let locked = dir.write("locked.json", fixable_body());
    let open = dir.write("open.json", fixable_body());
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o666)).expect("chmod");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).expect("chmod");
    let run = changeos(["check", "--fix", "--format", "json", "locked.json", "open.json"]).current_dir(dir.path());
    // Root may write anything: run as somebody else, or skip.
    let Some(ran) = run.run_where_modes_apply(&locked) else {
        return;
    };
    ran.expect_code(2);
    assert_eq!(
        ran.stderr,
        "error: cannot write the fixes to locked.json: cannot open it for writing: Permission denied (os error 13); the file was left unchanged\n"
    );
    let report = ran.json();
    // The unwritten file is reported as it is, with nothing fixed.
    assert_eq!(rules_of(&report, 0).len(), 3, "{report}");
    assert_eq!(report["files"][0]["fixed"], serde_json::json!([]));
    assert_eq!(std::fs::read_to_string(&locked).expect("read"), fixable_body());
    assert!(std::fs::read_to_string(&open).expect("read").contains("\"imageid\""));
}

/// [`fixable_body`] with about 20 KB of spaces before its last brace: larger than the file
/// size limits below, in both shells' blocks; its fixes are at the start.
fn big_fixable_body() -> String {
    let body = fixable_body();
    let (head, tail) = body.split_at(body.len() - 2);
    format!("{head}{}{tail}", " ".repeat(20_000))
}

#[cfg(unix)]
#[test]
fn a_write_that_fails_halfway_leaves_the_file_byte_for_byte_and_the_others_are_fixed() {
    let dir = TempDir::new("fix-full");
    let big = dir.write("big.json", big_fixable_body());
    let small = dir.write("small.json", fixable_body());
    // 8 blocks (4 or 8 KiB): the small file's fixes fit, the big one's write fails halfway with
    // EFBIG, as on a full disk.
    let ran = changeos(["check", "--fix", "--format", "json", "big.json", "small.json"])
        .current_dir(dir.path())
        .file_size_limit(8, false)
        .run();
    ran.expect_code(2);
    assert_eq!(
        ran.stderr,
        "error: cannot write the fixes to big.json: cannot write the new content to a temporary file: File too large (os error 27); the file was left unchanged\n"
    );
    let report = ran.json();
    // The unwritten file is reported as it is, with nothing fixed.
    assert_eq!(report["files"][0]["fixed"], serde_json::json!([]), "{report}");
    assert_eq!(rules_of(&report, 0).len(), 3, "{report}");
    assert_eq!(
        report["files"][1]["fixed"].as_array().map(Vec::len),
        Some(2),
        "{report}"
    );
    assert_eq!(
        std::fs::read_to_string(&big).expect("read"),
        big_fixable_body(),
        "byte for byte"
    );
    assert!(std::fs::read_to_string(&small).expect("read").contains("\"imageid\""));
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("read the directory")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["big.json", "small.json"], "no temporary file is left");
}

#[cfg(unix)]
#[test]
fn a_run_killed_while_writing_fixes_leaves_the_file_whole() {
    let dir = TempDir::new("fix-killed");
    let big = dir.write("big.json", big_fixable_body());
    // The kernel ends the process by SIGXFSZ once the temporary file reaches the limit: a kill
    // in the middle of the write, at the same byte every time.
    let ran = changeos(["check", "--fix", "big.json"])
        .current_dir(dir.path())
        .file_size_limit(8, true)
        .run();
    assert_eq!(ran.code, None, "killed by a signal: {ran:?}");
    assert_eq!(
        std::fs::read_to_string(&big).expect("read"),
        big_fixable_body(),
        "the old file, whole"
    );
    changeos(["check", "--fix", "big.json"])
        .current_dir(dir.path())
        .run()
        .expect_code(0);
    let fixed = std::fs::read_to_string(&big).expect("read");
    assert!(fixed.contains("\"imageid\"") && fixed.ends_with(" }\n"), "{fixed}");
}
