//! Inputs that are not payloads, or hardly: each must give a clear finding of its file and
//! exit 1, without a panic, a crash or a hang (every run has a time limit).

use crate::common;

use std::time::Duration;

use common::cli::{Ran, TempDir, changeos};
use serde_json::Value;

const IMAGE_ID: &str = "e215580f-73ad-429d-b6f2-5433947433b0";

/// The file size limit, as messages print it.
const LIMIT: &str = "12582912";

/// `changeos check --format json PATH...`, which must exit 1 with nothing on stderr.
fn check_paths(paths: &[&str]) -> Value {
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(paths);
    let ran = changeos(&args).run();
    expect_findings(&ran)
}

/// Writes `bytes` as one file and checks it.
fn check_bytes(name: &str, bytes: impl AsRef<[u8]>) -> Value {
    let dir = TempDir::new("bad");
    dir.write(name, bytes);
    check_paths(&[&dir.arg(name)])
}

#[track_caller]
fn expect_findings(ran: &Ran) -> Value {
    assert_eq!(
        ran.code,
        Some(1),
        "exit 1 expected (101 is a panic, None a crash):\n{}",
        ran.stderr
    );
    assert_eq!(ran.stderr, "", "nothing on stderr");
    ran.json()
}

/// (rule, message) of every diagnostic of file `index`.
fn findings(report: &Value, index: usize) -> Vec<(String, String)> {
    report["files"][index]["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().expect("rule").to_owned(),
                d["message"].as_str().expect("message").to_owned(),
            )
        })
        .collect()
}

/// The only finding of the only file: (rule, message).
#[track_caller]
fn only_finding(report: &Value) -> (String, String) {
    let found = findings(report, 0);
    assert_eq!(found.len(), 1, "one finding expected: {found:?}");
    found.into_iter().next().expect("one")
}

#[track_caller]
fn assert_only(report: &Value, rule: &str, message_part: &str) {
    let (found_rule, message) = only_finding(report);
    assert_eq!(found_rule, rule, "{message}");
    assert!(
        message.contains(message_part),
        "{message:?} should contain {message_part:?}"
    );
}

/// A deterministic byte stream (xorshift64*), so that a failure can be replayed.
fn random_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed;
    (0..len)
        .map(|_| {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Not JSON, or not a request body

#[test]
fn empty_and_whitespace_only_files() {
    assert_only(&check_bytes("empty.json", ""), "invalid-json", "the file is empty");
    assert_only(
        &check_bytes("blank.json", " \n\t\r\n  "),
        "invalid-json",
        "the file is empty",
    );
}

#[test]
fn byte_order_marks() {
    let report = check_bytes("bom-only.json", b"\xEF\xBB\xBF");
    let rules: Vec<String> = findings(&report, 0).into_iter().map(|(r, _)| r).collect();
    assert_eq!(rules, ["byte-order-mark", "invalid-json"]);
    assert!(findings(&report, 0)[1].1.contains("the file is empty"));

    let valid = format!("\u{FEFF}{{\"os-change\": {{\"adminpass\": \"$P\", \"imageid\": \"{IMAGE_ID}\"}}}}");
    let report = check_bytes("bom.json", valid);
    assert_only(&report, "byte-order-mark", "byte-order mark");
    // Positions are those of the text after the mark.
    let report = check_bytes(
        "bom-mode.json",
        format!("\u{FEFF}{{\"os-change\": {{\"mode\": \"x\", \"adminpass\": \"$P\", \"imageid\": \"{IMAGE_ID}\"}}}}"),
    );
    let mode = &report["files"][0]["diagnostics"][1];
    assert_eq!(
        (&mode["rule"], &mode["column"]),
        (&Value::from("mode-value"), &Value::from(16))
    );
}

#[test]
fn invalid_utf8() {
    let report = check_bytes("latin1.json", b"{\"os-change\": {\"adminpass\": \"caf\xE9\"}}");
    assert_only(&report, "invalid-json", "not UTF-8");
    assert!(only_finding(&report).1.contains("offset 32"), "{report}");
    let d = &report["files"][0]["diagnostics"][0];
    assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(1), Some(33)));
    // A lone continuation byte, an overlong encoding, a surrogate, and UTF-16.
    for bytes in [
        &b"\x80"[..],
        b"{\"a\": \"\xC0\xAF\"}",
        b"\"\xED\xA0\x80\"",
        b"\xFF\xFE{\x00}\x00",
    ] {
        assert_only(&check_bytes("bad.json", bytes), "invalid-json", "not UTF-8");
    }
}

#[test]
fn utf16_and_utf32_files_are_named_as_such() {
    let text = format!("{{\"os-change\": {{\"adminpass\": \"$P\", \"imageid\": \"{IMAGE_ID}\"}}}}");
    let utf16 = |le: bool| -> Vec<u8> {
        text.encode_utf16()
            .flat_map(|u| if le { u.to_le_bytes() } else { u.to_be_bytes() })
            .collect()
    };
    let utf32 = |le: bool| -> Vec<u8> {
        text.chars()
            .flat_map(|c| {
                if le {
                    u32::from(c).to_le_bytes()
                } else {
                    u32::from(c).to_be_bytes()
                }
            })
            .collect()
    };
    let with = |mark: &[u8], rest: Vec<u8>| [mark, &rest].concat();
    for (bytes, said) in [
        (
            with(b"\xFF\xFE", utf16(true)),
            "UTF-16 (little-endian, with a byte-order mark)",
        ),
        (
            with(b"\xFE\xFF", utf16(false)),
            "UTF-16 (big-endian, with a byte-order mark)",
        ),
        (utf16(true), "seems to be UTF-16 (little-endian)"),
        (utf16(false), "seems to be UTF-16 (big-endian)"),
        (
            with(b"\xFF\xFE\0\0", utf32(true)),
            "UTF-32 (little-endian, with a byte-order mark)",
        ),
        (
            with(b"\0\0\xFE\xFF", utf32(false)),
            "UTF-32 (big-endian, with a byte-order mark)",
        ),
        (utf32(true), "seems to be UTF-32 (little-endian)"),
        (utf32(false), "seems to be UTF-32 (big-endian)"),
    ] {
        let report = check_bytes("wide.json", &bytes);
        let (rule, message) = only_finding(&report);
        assert_eq!(rule, "invalid-json");
        assert_eq!(
            message,
            format!(
                "the file is not UTF-8 text but {said}: JSON must be UTF-8; save it as UTF-8 (without a byte-order mark)"
            )
        );
        let d = &report["files"][0]["diagnostics"][0];
        assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(1), Some(1)));
    }
    // Other bytes that are not UTF-8 are said as before.
    assert_only(
        &check_bytes("latin1.json", b"\xE9t\xE9"),
        "invalid-json",
        "invalid byte at offset 0",
    );
}

#[test]
fn numbers_out_of_range_and_lone_surrogates_are_valid_json_said_so() {
    let report = check_bytes(
        "big.json",
        format!("{{\"os-change\": {{\"adminpass\": \"$P\", \"imageid\": \"{IMAGE_ID}\", \"x\": -1.5e400}}}}"),
    );
    let (rule, message) = only_finding(&report);
    assert_eq!(rule, "invalid-json");
    assert!(message.starts_with("number out of range: "), "{message}");
    assert!(
        message.contains("is valid JSON") && !message.contains("not valid JSON"),
        "{message}"
    );
    assert_eq!(report["files"][0]["diagnostics"][0]["column"], 91); // the `-` of the number

    // In a password, at the escape, and without quoting any of the password.
    let text = format!("{{\"os-change\": {{\"imageid\": \"{IMAGE_ID}\", \"adminpass\": \"Pa55\\udbffword\"}}}}");
    let report = check_bytes("surrogate.json", &text);
    let (rule, message) = only_finding(&report);
    assert_eq!(rule, "invalid-json");
    assert!(message.starts_with("lone surrogate: "), "{message}");
    assert!(!message.contains("hex escape"), "{message}");
    assert_eq!(report["files"][0]["diagnostics"][0]["column"], 85); // the `\` of `\udbff`
    let dir = TempDir::new("surrogate");
    dir.write("s.json", &text);
    let ran = changeos(["check", &dir.arg("s.json")]).run();
    ran.expect_code(1);
    assert!(
        !ran.stdout.contains("Pa55") && !ran.stdout.contains("udbff"),
        "{}",
        ran.stdout
    );
}

#[test]
fn truncated_json() {
    let text = format!("{{\n  \"os-change\": {{\n    \"imageid\": \"{IMAGE_ID}\",\n    \"adminpass\": \"$P");
    assert_only(
        &check_bytes("truncated.json", &text),
        "invalid-json",
        "the document ends too early",
    );
    assert_only(&check_bytes("open.json", "{"), "invalid-json", "ends too early");
}

#[test]
fn trailing_comma() {
    let text = format!("{{\"os-change\": {{\"imageid\": \"{IMAGE_ID}\", \"adminpass\": \"$P\",}}}}");
    let report = check_bytes("comma.json", text);
    assert_only(&report, "invalid-json", "trailing comma");
    assert_eq!(report["files"][0]["diagnostics"][0]["column"], 85); // the `}` after the comma
    assert_only(
        &check_bytes("array-comma.json", "[1,]"),
        "invalid-json",
        "trailing comma",
    );
}

#[test]
fn trailing_garbage() {
    let text = format!("{{\"os-change\": {{\"imageid\": \"{IMAGE_ID}\", \"adminpass\": \"$P\"}}}}\n\n  garbage");
    let report = check_bytes("garbage.json", text);
    assert_only(
        &report,
        "trailing-content",
        "content after the end of the JSON document",
    );
    let d = &report["files"][0]["diagnostics"][0];
    assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(3), Some(3)));
    let report = check_bytes(
        "two.json",
        format!("{{\"os-change\": {{\"imageid\": \"{IMAGE_ID}\", \"adminpass\": \"$P\"}}}}{{}}"),
    );
    assert_only(&report, "trailing-content", "after the end");
}

#[test]
fn nan_and_infinity() {
    for value in [
        "NaN",
        "Infinity",
        "-Infinity",
        "+1",
        "0x10",
        "01",
        ".5",
        "1e",
        "'x'",
        "undefined",
    ] {
        let text = format!("{{\"os-change\": {{\"imageid\": \"{IMAGE_ID}\", \"adminpass\": {value}}}}}");
        let report = check_bytes("nan.json", text);
        let (rule, message) = only_finding(&report);
        assert_eq!(rule, "invalid-json", "{value}: {message}");
        assert!(message.starts_with("not valid JSON: "), "{value}: {message}");
    }
    assert_only(&check_bytes("bare-nan.json", "NaN"), "invalid-json", "not valid JSON");
}

#[test]
fn top_level_values_that_are_not_objects() {
    for (text, found) in [
        ("[]", "an array"),
        ("[{\"os-change\": {}}]", "an array"),
        ("\"os-change\"", "\"os-change\""),
        ("null", "null"),
        ("42", "42"),
        ("true", "true"),
    ] {
        let report = check_bytes("top.json", text);
        let (rule, message) = only_finding(&report);
        assert_eq!(rule, "wrong-type", "{text}");
        assert!(
            message.contains("must be an object") && message.contains(found),
            "{text}: {message}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Large and deep

#[test]
fn a_hundred_thousand_levels_of_nesting() {
    let depth = 100_000;
    let arrays = "[".repeat(depth) + &"]".repeat(depth);
    let objects = "{\"a\":".repeat(depth) + "1" + &"}".repeat(depth);
    let in_a_body = format!("{{\"os-change\": {{\"imageid\": \"{IMAGE_ID}\", \"metadata\": {arrays}}}}}");
    let unclosed = "[".repeat(depth);
    for (name, text) in [
        ("arrays", &arrays),
        ("objects", &objects),
        ("in-a-body", &in_a_body),
        ("unclosed", &unclosed),
    ] {
        let report = check_bytes("deep.json", text);
        let (rule, message) = only_finding(&report);
        assert_eq!(rule, "invalid-json", "{name}: {message}");
        assert!(message.contains("recursion limit"), "{name}: {message}");
    }
    // After a valid document: the parse stops at its end.
    let after = format!("{{\"os-change\": {{\"imageid\": \"{IMAGE_ID}\", \"adminpass\": \"$P\"}}}} {arrays}");
    assert_only(&check_bytes("after.json", after), "trailing-content", "after the end");
    // On standard input, and in several files at once (checked on worker threads, whose
    // stacks are smaller than the main thread's).
    let ran = changeos(["check", "--format", "json", "-"]).stdin(arrays.clone()).run();
    assert_only(&expect_findings(&ran), "invalid-json", "recursion limit");
    let dir = TempDir::new("deep");
    let mut paths = Vec::new();
    for i in 0..8 {
        dir.write(&format!("{i}.json"), if i % 2 == 0 { &arrays } else { &objects });
        paths.push(dir.arg(&format!("{i}.json")));
    }
    let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
    let report = check_paths(&paths);
    for i in 0..8 {
        assert_eq!(findings(&report, i).len(), 1, "{report}");
    }
    // Every format, including the one that quotes the source line.
    for format in ["human", "sarif", "github"] {
        let ran = changeos(["check", "--format", format, &dir.arg("0.json")]).run();
        assert_eq!(ran.code, Some(1), "{format}: {}", ran.stderr);
    }
}

#[test]
fn a_fifty_megabyte_string_is_refused_unread() {
    let dir = TempDir::new("huge-string");
    let mut text = Vec::with_capacity(50_000_002);
    text.push(b'"');
    text.resize(50_000_001, b'a');
    text.push(b'"');
    dir.write("huge.json", &text);
    let report = check_paths(&[&dir.arg("huge.json")]);
    assert_only(&report, "file-too-large", LIMIT);
    assert!(only_finding(&report).1.contains("50000002 bytes"), "{report}");
    // The same on standard input, where the size is not known before reading.
    let ran = changeos(["check", "--format", "json"]).stdin(text).run();
    assert_only(&expect_findings(&ran), "file-too-large", LIMIT);
}

#[test]
fn a_ten_megabyte_string_in_a_body_is_checked_and_cut_short_in_messages() {
    let long = "x".repeat(10_000_000);
    let text = format!(
        "{{\n  \"os-change\": {{\n    \"imageid\": \"{IMAGE_ID}\",\n    \"adminpass\": \"$P\",\n    \"mode\": \"{long}\",\n    \"userid\": 7\n  }}\n}}\n"
    );
    let dir = TempDir::new("long-string");
    dir.write("long.json", &text);
    let report = check_paths(&[&dir.arg("long.json")]);
    let found = findings(&report, 0);
    let rules: Vec<&str> = found.iter().map(|(r, _)| r.as_str()).collect();
    assert_eq!(rules, ["mode-value", "wrong-type"], "{found:?}");
    let message = &found[0].1;
    assert!(message.len() < 300, "the message is cut short: {} bytes", message.len());
    assert!(message.contains("(10000000 characters)"), "{message}");
    let d = &report["files"][0]["diagnostics"][1];
    assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(6), Some(5)), "{d}");
    // The human format shows a window of the long line, not the line.
    let ran = changeos(["check", &dir.arg("long.json")]).run();
    assert_eq!(ran.code, Some(1));
    assert!(ran.stdout.len() < 4_000, "{} bytes of human output", ran.stdout.len());
    // A 10 MB password is neither shown nor judged as a placeholder.
    let text = format!("{{\"os-change\": {{\"imageid\": \"{IMAGE_ID}\", \"adminpass\": \"{long}\"}}}}");
    dir.write("long-pass.json", text);
    for format in ["human", "json", "sarif", "github"] {
        let ran = changeos(["check", "--format", format, &dir.arg("long-pass.json")]).run();
        assert_eq!(ran.code, Some(1), "{format}");
        assert!(
            !ran.stdout.contains("xxxxxxxx"),
            "{format} shows the password: {}",
            &ran.stdout[..ran.stdout.len().min(2000)]
        );
    }
}

#[test]
fn a_number_with_ten_thousand_digits() {
    let digits = "9".repeat(10_000);
    let report = check_bytes("int.json", format!("{{\"os-change\": {{\"imageid\": {digits}}}}}"));
    assert_only(&report, "invalid-json", "number out of range");
    // A fraction that long is a number serde can read: then a wrong type.
    let report = check_bytes(
        "fraction.json",
        format!("{{\"os-change\": {{\"imageid\": 0.{digits}, \"adminpass\": \"$P\"}}}}"),
    );
    let (rule, message) = only_finding(&report);
    assert_eq!(rule, "wrong-type", "{message}");
    assert!(message.len() < 300, "{message}");
    assert_only(
        &check_bytes("bare.json", &digits),
        "invalid-json",
        "number out of range",
    );
}

#[test]
fn ten_megabytes_of_random_bytes() {
    for seed in [1, 0x5EED_CAFE, 42] {
        let report = check_bytes("random.bin.json", random_bytes(seed, 10_000_000));
        let (rule, message) = only_finding(&report);
        assert_eq!(rule, "invalid-json", "seed {seed}: {message}");
    }
    // Random printable ASCII: UTF-8, but not a body. (A text that starts like a JSON value,
    // such as `3 ...`, is a wrong type followed by trailing content.)
    for seed in [7, 8, 9] {
        let printable: Vec<u8> = random_bytes(seed, 10_000_000)
            .into_iter()
            .map(|b| b' ' + b % 95)
            .collect();
        let report = check_bytes("random.txt.json", printable);
        let found = findings(&report, 0);
        assert!(!found.is_empty() && found.len() <= 2, "seed {seed}: {found:?}");
        for (rule, _) in &found {
            assert!(
                ["invalid-json", "wrong-type", "trailing-content"].contains(&rule.as_str()),
                "seed {seed}: {found:?}"
            );
        }
    }
}

#[test]
fn files_over_the_size_limit_are_refused_quickly_and_unread() {
    let dir = TempDir::new("sparse");
    let file = std::fs::File::create(dir.join("big.json")).expect("create");
    file.set_len(13 * 1024 * 1024).expect("a sparse 13 MiB file");
    let ran = changeos(["check", "--format", "json", &dir.arg("big.json")]).run();
    let report = expect_findings(&ran);
    assert_only(
        &report,
        "file-too-large",
        &format!("the file has 13631488 bytes, more than the {LIMIT}"),
    );
    assert!(ran.elapsed < Duration::from_secs(5), "{:?}", ran.elapsed);
    // Unread: a 64 GiB file (sparse, where the file system allows) would take minutes to read.
    let file = std::fs::File::create(dir.join("enormous.json")).expect("create");
    if file.set_len(64 << 30).is_ok() {
        let ran = changeos(["check", "--format", "json", &dir.arg("enormous.json")]).run();
        assert_only(&expect_findings(&ran), "file-too-large", "68719476736 bytes");
        assert!(ran.elapsed < Duration::from_secs(5), "{:?}", ran.elapsed);
    } else {
        eprintln!("skipped the 64 GiB sparse file: the file system refused it");
    }
    // Exactly at the limit is still read (and, being spaces, is empty).
    let file = std::fs::File::create(dir.join("limit.json")).expect("create");
    drop(file);
    std::fs::write(dir.join("limit.json"), vec![b' '; 12 * 1024 * 1024]).expect("write");
    assert_only(
        &check_paths(&[&dir.arg("limit.json")]),
        "invalid-json",
        "the file is empty",
    );
}

// ---------------------------------------------------------------------------------------------
// Paths that are not payload files

#[test]
fn directories_given_as_paths() {
    let dir = TempDir::new("dirs");
    dir.write("payloads/sub/a.json", "{}");
    // With and without a trailing slash: walked, and named without a doubled slash.
    for arg in [dir.arg("payloads"), dir.arg("payloads/"), dir.arg("payloads/sub/..")] {
        let report = check_paths(&[&arg]);
        let name = report["files"][0]["file"].as_str().expect("file").to_owned();
        assert!(name.ends_with("/sub/a.json") && !name.contains("//"), "{arg}: {name}");
        assert_only(&report, "missing-member", "os-change");
    }
    // A directory named like a payload: walked, and empty.
    dir.mkdir("x.json");
    let report = check_paths(&[&dir.arg("x.json")]);
    assert_eq!(report["files"][0]["file"], dir.arg("x.json"));
    assert_only(&report, "unreadable-file", "no *.json file");
    dir.write("x.json/inner.json", "[]");
    let report = check_paths(&[&dir.arg("x.json")]);
    assert_eq!(report["files"][0]["file"], format!("{}/inner.json", dir.arg("x.json")));
    assert_only(&report, "wrong-type", "an array");
    // A file used as a directory.
    dir.write("plain.json", "{}");
    let report = check_paths(&[&dir.arg("plain.json/inner.json")]);
    assert_only(&report, "unreadable-file", "cannot read the file");
}

#[test]
fn a_fifo_is_refused_without_blocking() {
    let dir = TempDir::new("fifo");
    let fifo = dir.join("pipe.json");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    // Nobody writes to it: opening it for reading would block for ever.
    let report = check_paths(&[&dir.arg("pipe.json")]);
    assert_only(&report, "unreadable-file", "not a regular file");
    // Found by a directory walk too.
    dir.write("ok.json", "{}");
    let report = check_paths(&[&dir.arg("")]);
    assert_eq!(findings(&report, 1).len(), 1);
    assert!(findings(&report, 1)[0].1.contains("not a regular file"), "{report}");
}

#[test]
fn devices_are_refused() {
    // /dev/zero never ends and /dev/null is empty: both are devices, not payload files.
    for device in ["/dev/zero", "/dev/null", "/dev/urandom"] {
        if std::path::Path::new(device).exists() {
            assert_only(&check_paths(&[device]), "unreadable-file", "not a regular file");
        }
    }
}

#[test]
fn a_missing_path() {
    let dir = TempDir::new("missing");
    let report = check_paths(&[&dir.arg("nope.json"), &dir.arg("nope/deeper.json")]);
    for i in 0..2 {
        assert_eq!(
            findings(&report, i),
            [(
                "unreadable-file".to_owned(),
                "cannot read the file: no such file".to_owned()
            )]
        );
    }
    // A dangling symlink is missing too.
    std::os::unix::fs::symlink(dir.join("gone.json"), dir.join("dangling.json")).expect("symlink");
    assert_only(
        &check_paths(&[&dir.arg("dangling.json")]),
        "unreadable-file",
        "no such file",
    );
}

#[test]
fn an_unreadable_path() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new("unreadable");
    let path = dir.write("secret.json", "{}");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).expect("chmod 000");
    // As root (CI here runs as root), mode 000 does not stop reads: then there is nothing to
    // test, and the sub-case is skipped.
    if common::cli::can_read_despite_mode_000(&path) {
        eprintln!(
            "skipped: running as root, mode 000 does not make {} unreadable",
            path.display()
        );
    } else {
        assert_only(
            &check_paths(&[&dir.arg("secret.json")]),
            "unreadable-file",
            "permission denied",
        );
        // A directory that cannot be listed.
        dir.write("locked/a.json", "{}");
        std::fs::set_permissions(dir.join("locked"), std::fs::Permissions::from_mode(0o000)).expect("chmod");
        let report = check_paths(&[&dir.arg("locked")]);
        assert_eq!(findings(&report, 0)[0].0, "unreadable-file", "{report}");
        std::fs::set_permissions(dir.join("locked"), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod back");
}

#[test]
fn a_symlink_loop() {
    let dir = TempDir::new("loop");
    std::os::unix::fs::symlink(dir.join("b.json"), dir.join("a.json")).expect("symlink");
    std::os::unix::fs::symlink(dir.join("a.json"), dir.join("b.json")).expect("symlink");
    assert_only(&check_paths(&[&dir.arg("a.json")]), "unreadable-file", "symbolic links");
    // In a walked directory, each link of the loop is a finding, and the walk ends.
    let report = check_paths(&[&dir.arg("")]);
    assert_eq!(report["files"].as_array().map(Vec::len), Some(2), "{report}");
    for i in 0..2 {
        assert!(findings(&report, i)[0].1.contains("symbolic links"), "{report}");
    }
    // A directory symlink loop (a link to its own directory) does not make the walk endless.
    std::os::unix::fs::symlink(dir.path(), dir.join("self")).expect("symlink");
    dir.write("ok.json", "{}");
    let ran = changeos(["check", "--format", "json", &dir.arg("")]).run();
    let report = expect_findings(&ran);
    assert_eq!(report["files"].as_array().map(Vec::len), Some(3), "{report}");
}

// ---------------------------------------------------------------------------------------------
// Many members, findings and repetitions: each still reported at its place (the benchmarks in
// validator/benches/check.rs time them; tests here are not timed)

/// Asserts two long lists equal, showing the first difference rather than both lists.
#[track_caller]
fn assert_same<T: PartialEq + std::fmt::Debug>(found: &[T], expected: &[T]) {
    if let Some(at) = (0..found.len().max(expected.len())).find(|&i| found.get(i) != expected.get(i)) {
        panic!(
            "differ at {at} of {} found, {} expected: {:?} found, {:?} expected",
            found.len(),
            expected.len(),
            found.get(at),
            expected.get(at)
        );
    }
}

/// (rule, line, column) of every diagnostic of file `index`.
fn places(report: &Value, index: usize) -> Vec<(String, u64, u64)> {
    report["files"][index]["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().expect("rule").to_owned(),
                d["line"].as_u64().expect("line"),
                d["column"].as_u64().expect("column"),
            )
        })
        .collect()
}

#[test]
fn thousands_of_unknown_members_are_each_reported_at_their_key() {
    const N: usize = 3000;
    let dir = TempDir::new("many-members");
    // One per line, in `os-change` and in `metadata`; names with multi-byte characters.
    let members = |indent: &str| -> Vec<String> { (0..N).map(|i| format!("{indent}\"é€{i}\": {i}")).collect() };
    let pretty = format!(
        "{{\n  \"os-change\": {{\n    \"imageid\": \"{IMAGE_ID}\",\n    \"keyname\": \"k\",\n    \"userid\": \"u\",\n    \"metadata\": {{\n{}\n    }},\n{}\n  }}\n}}\n",
        members("      ").join(",\n"),
        members("    ").join(",\n"),
    );
    dir.write("pretty.json", &pretty);
    // All on one line: columns count characters, not bytes.
    let head = format!("{{\"os-change\":{{\"imageid\":\"{IMAGE_ID}\",\"keyname\":\"k\",\"userid\":\"u\",");
    let one_line: Vec<String> = (0..N).map(|i| format!("\"é€{i}\":{i}")).collect();
    let minified = format!("{head}{}}}}}", one_line.join(","));
    dir.write("minified.json", &minified);
    let report = check_paths(&[&dir.arg("pretty.json"), &dir.arg("minified.json")]);

    let mut expected: Vec<(String, u64, u64)> =
        (0..N).map(|i| ("unknown-member".to_owned(), 7 + i as u64, 7)).collect();
    expected.extend((0..N).map(|i| ("unknown-member".to_owned(), 8 + (N + i) as u64, 5)));
    assert_same(&places(&report, 0), &expected);
    let mut column = head.chars().count() as u64 + 1;
    let expected: Vec<(String, u64, u64)> = one_line
        .iter()
        .map(|member| {
            let at = column;
            column += member.chars().count() as u64 + 1;
            ("unknown-member".to_owned(), 1, at)
        })
        .collect();
    assert_same(&places(&report, 1), &expected);

    // The human format quotes each finding's own line, under its column.
    let ran = changeos(["check", &dir.arg("pretty.json"), &dir.arg("minified.json")]).run();
    assert_eq!(ran.code, Some(1));
    for i in [0, 1, N / 2, N - 1] {
        let line = 8 + N + i;
        let quoted = format!("{line} |     \"é€{i}\": {i}");
        assert!(ran.stdout.contains(&quoted), "{quoted:?} not quoted");
        assert!(ran.stdout.contains(&format!("pretty.json:{line}:5\n")), "{line}");
    }
    let last = &one_line[N - 1];
    let shown = format!("{last}}}}}");
    assert!(
        ran.stdout.contains(&shown),
        "the end of the long line, around the last finding"
    );
}

#[test]
fn thousands_of_repetitions_of_a_key_are_each_reported() {
    const N: usize = 3000;
    let dir = TempDir::new("many-duplicates");
    let repeated: Vec<String> = (0..N).map(|i| format!("\"a\": {i}")).collect();
    // Repeated in `os-change`, and deep down in an object the spec does not describe.
    let text = format!(
        "{{\"os-change\": {{\"imageid\": \"{IMAGE_ID}\", \"keyname\": \"k\", \"userid\": \"u\",\n{}}},\n\"x\": {}{{\n{}}}{}}}\n",
        repeated.join(",\n"),
        "{\"d\": ".repeat(100),
        repeated.join(",\n"),
        "}".repeat(100),
    );
    dir.write("dup.json", &text);
    let report = check_paths(&[&dir.arg("dup.json")]);
    let diagnostics = report["files"][0]["diagnostics"].as_array().expect("diagnostics");
    let deep = format!("/x{}/a", "/d".repeat(100));
    let mut expected: Vec<(String, u64, String)> = Vec::new();
    for i in 1..N {
        expected.push(("duplicate-key".to_owned(), 2 + i as u64, "/os-change/a".to_owned()));
    }
    // The last `a` of os-change is an unknown member too, at the place of the value kept.
    expected.push(("unknown-member".to_owned(), 1 + N as u64, "/os-change/a".to_owned()));
    expected.push(("unknown-member".to_owned(), 2 + N as u64, "/x".to_owned()));
    for i in 1..N {
        expected.push(("duplicate-key".to_owned(), (N + 3 + i) as u64, deep.clone()));
    }
    let found: Vec<(String, u64, String)> = diagnostics
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().expect("rule").to_owned(),
                d["line"].as_u64().expect("line"),
                d["pointer"].as_str().expect("pointer").to_owned(),
            )
        })
        .collect();
    assert_same(&found, &expected);
    // fmt refuses the file, naming every repetition.
    let ran = changeos(["fmt", "--check", &dir.arg("dup.json")]).run();
    assert_eq!(ran.code, Some(1));
    assert_eq!(ran.stderr.matches("error[duplicate-key]").count(), 2 * (N - 1));
}

#[test]
fn thousands_of_names_that_fold_to_one_spec_name_get_no_rename() {
    // `imageid` in 1,000 spellings (case, `-` and `_`): renaming any of them would make a
    // duplicate, so none has a fix, and each has the help.
    let names: Vec<String> = (0..1000)
        .map(|i: usize| {
            let cased: String = "imageid"
                .chars()
                .enumerate()
                .map(|(bit, c)| if i >> bit & 1 == 1 { c.to_ascii_uppercase() } else { c })
                .collect();
            format!("{cased}{}", "_".repeat(i / 128))
        })
        .collect();
    let members: Vec<String> = names.iter().map(|n| format!("\"{n}\": 1")).collect();
    let text = format!(
        "{{\"os-change\": {{\"keyname\": \"k\", \"userid\": \"u\",\n{}}}}}",
        members.join(",\n")
    );
    let dir = TempDir::new("fold");
    dir.write("fold.json", &text);
    let report = check_paths(&[&dir.arg("fold.json")]);
    let diagnostics = report["files"][0]["diagnostics"].as_array().expect("diagnostics");
    let unknown: Vec<&Value> = diagnostics.iter().filter(|d| d["rule"] == "unknown-member").collect();
    assert_eq!(unknown.len(), 1000 - 1, "all but `imageid` itself");
    for d in unknown {
        assert!(d.get("fix").is_none(), "{d}");
        assert_eq!(
            d["help"], "did you mean `imageid`? member names are case-sensitive",
            "{d}"
        );
    }
}
