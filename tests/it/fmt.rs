//! `changeos fmt`: the canonical layout on a table of payloads (snapshots, each formatted twice
//! to show that the second run changes nothing), and the command as a user runs it: in-place
//! rewrites, `--check`, standard input, directories, refusals and exit codes.

use crate::common;

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
    let dir = common::workspace_path("tests/it/snapshots");
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

// ---------------------------------------------------------------------------------------------
// Writing: the old file or the new one, never half of either

/// A compact body of about 30 KB that grows when formatted (one element per line): larger
/// than the file size limits below, in both shells' blocks.
fn big_messy() -> String {
    let notes: Vec<String> = (0..2_000).map(|i| format!("\"note {i:05}\"")).collect();
    format!(
        "{{\"os-change\":{{\"mode\":\"withStopServer\",\"imageid\":\"e215580f-73ad-429d-b6f2-5433947433b0\"}},\"x-notes\":[{}]}}",
        notes.join(",")
    )
}

/// The files of a directory, sorted.
fn names_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read the directory")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[cfg(unix)]
#[test]
fn a_failed_write_leaves_the_file_byte_for_byte_says_so_and_the_others_are_formatted() {
    let dir = TempDir::new("fmt-full");
    let big = dir.write("big.json", big_messy());
    let small = dir.write("small.json", MESSY);
    // 8 blocks (4 or 8 KiB): the small file's new content fits, the big one's fails halfway
    // with EFBIG, as on a full disk (see `a_full_tmpfs_...` for ENOSPC itself).
    let ran = changeos(["fmt", "big.json", "small.json"])
        .current_dir(dir.path())
        .file_size_limit(8, false)
        .run();
    ran.expect_code(1);
    assert!(
        ran.stderr.starts_with(
            "error: cannot write big.json: cannot write the new content to a temporary file: File too large (os error 27); the file was left unchanged\n"
        ),
        "{}",
        ran.stderr
    );
    assert!(
        ran.stderr
            .ends_with("1 file reformatted, 0 already formatted, 1 not formatted (see above)\n"),
        "{}",
        ran.stderr
    );
    assert_eq!(read(&big), big_messy(), "byte for byte");
    assert_eq!(read(&small), CANONICAL);
    assert_eq!(
        names_in(dir.path()),
        ["big.json", "small.json"],
        "no temporary file is left"
    );
}

#[cfg(unix)]
#[test]
fn a_run_killed_while_writing_leaves_the_file_whole() {
    let dir = TempDir::new("fmt-killed");
    let big = dir.write("big.json", big_messy());
    // The kernel ends the process by SIGXFSZ once the temporary file reaches the limit: a kill
    // in the middle of the write, at the same byte every time.
    let ran = changeos(["fmt", "big.json"])
        .current_dir(dir.path())
        .file_size_limit(8, true)
        .run();
    assert_eq!(ran.code, None, "killed by a signal: {ran:?}");
    assert_eq!(read(&big), big_messy(), "the old file, whole");
    // What the killed run left: a hidden temporary file beside it, which walks skip.
    let names = names_in(dir.path());
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(
        names[0].starts_with(".big.json.") && names[0].ends_with(".changeos-tmp"),
        "{names:?}"
    );
    let ran = changeos(["fmt", "--check", "."]).current_dir(dir.path()).run();
    ran.expect_code(1);
    assert_eq!(ran.stdout, "./big.json\n");
    // The next run writes the new file.
    changeos(["fmt", "big.json"])
        .current_dir(dir.path())
        .run()
        .expect_code(0);
    let formatted = read(&big);
    assert!(formatted.starts_with("{\n  \"os-change\": {\n") && formatted.ends_with("  ]\n}\n"));
}

/// ENOSPC itself: a 128 KiB tmpfs filled up, in a mount namespace of its own so that nothing
/// outlives the test. Mounting needs root (or a user namespace); where it is refused, the test
/// says so and skips: the test above fails the write the same way.
#[cfg(target_os = "linux")]
#[test]
fn a_full_tmpfs_leaves_the_file_byte_for_byte() {
    let dir = TempDir::new("fmt-tmpfs");
    let source = dir.write("big.json", big_messy());
    let mount = dir.mkdir("mnt");
    let script = r#"set -u
mount -t tmpfs -o size=128k changeos-test "$1" 2>/dev/null || exit 77
cp "$3" "$1/big.json"
dd if=/dev/zero of="$1/fill" bs=4096 2>/dev/null
"$2" fmt "$1/big.json" 2>&1
echo "exit $?"
cmp -s "$3" "$1/big.json" && echo "unchanged"
ls -A "$1""#;
    let mut command = std::process::Command::new("unshare");
    command
        .args(["--mount", "--propagation", "private", "sh", "-c", script, "sh"])
        .arg(&mount)
        .arg(env!("CARGO_BIN_EXE_changeos"))
        .arg(&source);
    let ran = common::cli::run_with_limit(command, Vec::new());
    if ran.code != Some(0) {
        eprintln!(
            "skipped: no tmpfs can be mounted here ({:?}: {})",
            ran.code,
            ran.stderr.trim()
        );
        return;
    }
    let mount_shown = mount.display().to_string();
    assert_eq!(
        ran.stdout.replace(&mount_shown, "MNT"),
        "error: cannot write MNT/big.json: cannot write the new content to a temporary file: No space left on device (os error 28); the file was left unchanged\n\
         0 files reformatted, 0 already formatted, 1 not formatted (see above)\n\
         exit 1\n\
         unchanged\n\
         big.json\n\
         fill\n"
    );
}

#[cfg(unix)]
#[test]
fn in_place_rewrites_keep_mode_owner_and_symbolic_links_and_part_hard_links() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = TempDir::new("fmt-links");
    let target = dir.write("real/a.json", MESSY);
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    // Another owner, where this user may give files away (root).
    let owner = std::os::unix::fs::chown(&target, Some(65534), Some(65534))
        .is_ok()
        .then_some((65534, 65534));
    std::os::unix::fs::symlink("real/a.json", dir.join("link.json")).expect("symlink");
    std::fs::hard_link(&target, dir.join("hard.json")).expect("hard link");
    changeos(["fmt", "link.json"])
        .current_dir(dir.path())
        .run()
        .expect_code(0);
    let link = std::fs::symlink_metadata(dir.join("link.json")).expect("lstat");
    assert!(link.file_type().is_symlink(), "the link stays a link");
    assert_eq!(read(&target), CANONICAL, "its target is rewritten");
    let metadata = std::fs::metadata(&target).expect("stat");
    assert_eq!(metadata.mode() & 0o7777, 0o640);
    match owner {
        Some(owner) => assert_eq!((metadata.uid(), metadata.gid()), owner),
        None => eprintln!("owner not checked: this user cannot give a file away"),
    }
    // The file is a new one: the other name of a hard link keeps the old content (README).
    assert_eq!(metadata.nlink(), 1);
    assert_eq!(read(&dir.join("hard.json")), MESSY);
    assert_eq!(names_in(&dir.join("real")), ["a.json"]);
}

#[cfg(unix)]
#[test]
fn a_file_that_may_not_be_written_is_left_unchanged() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new("fmt-readonly");
    let locked = dir.write("locked.json", MESSY);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    // A directory this user may not write to: no temporary file can go beside the file.
    let closed = dir.write("closed/open.json", MESSY);
    std::fs::set_permissions(&closed, std::fs::Permissions::from_mode(0o666)).expect("chmod");
    std::fs::set_permissions(dir.join("closed"), std::fs::Permissions::from_mode(0o555)).expect("chmod");
    let open = dir.write("open.json", MESSY);
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o666)).expect("chmod");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).expect("chmod");
    let run = changeos(["fmt", "locked.json", "closed/open.json", "open.json"]).current_dir(dir.path());
    // Root may write anything: run as somebody else, or skip.
    let Some(ran) = run.run_where_modes_apply(&locked) else {
        return;
    };
    ran.expect_code(1);
    assert_eq!(
        ran.stderr,
        "error: cannot write locked.json: cannot open it for writing: Permission denied (os error 13); the file was left unchanged\n\
         error: cannot write closed/open.json: cannot create a temporary file beside it: permission denied; the file was left unchanged\n\
         1 file reformatted, 0 already formatted, 2 not formatted (see above)\n"
    );
    assert_eq!(read(&locked), MESSY);
    assert_eq!(read(&closed), MESSY);
    assert_eq!(read(&open), CANONICAL);
    let _ = std::fs::set_permissions(dir.join("closed"), std::fs::Permissions::from_mode(0o755));
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
