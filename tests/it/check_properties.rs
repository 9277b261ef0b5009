//! Properties of the engine over generated input: arbitrary bytes and arbitrary JSON never make
//! it panic, every renderer gives well-formed output that agrees with the report, positions lie
//! in the text, and a member's finding points at its key.

use changeos_validator::render::{Format, render_all};
use changeos_validator::{FileReport, Operation, Severity, check_source};
use proptest::prelude::*;
use serde_json::{Map, Value};

const OPERATIONS: [Operation; 2] = [
    Operation::ChangeServerOsWithCloudInit,
    Operation::ChangeServerOsWithoutCloudInit,
];

/// Renders `report` in every format (with and without colours) and checks each output.
fn check_renderings(name: &str, report: &FileReport) -> Result<(), TestCaseError> {
    let reports = vec![(name.to_owned(), report.clone())];
    let errors = report.count(Severity::Error) as u64;
    let warnings = report.count(Severity::Warning) as u64;

    let json: Value = serde_json::from_str(&render_all(Format::Json, false, &reports))
        .map_err(|e| TestCaseError::fail(format!("json output does not parse: {e}")))?;
    prop_assert_eq!(&json["version"], &Value::from(1));
    prop_assert_eq!(&json["files"][0]["file"], &Value::from(name));
    let diagnostics = json["files"][0]["diagnostics"].as_array().cloned().unwrap_or_default();
    prop_assert_eq!(diagnostics.len(), report.diagnostics.len());
    let counted = |severity: &str| diagnostics.iter().filter(|d| d["severity"] == severity).count() as u64;
    prop_assert_eq!(
        &json["summary"],
        &serde_json::json!({"files": 1, "errors": errors, "warnings": warnings})
    );
    prop_assert_eq!((counted("error"), counted("warning")), (errors, warnings));

    let sarif: Value = serde_json::from_str(&render_all(Format::Sarif, false, &reports))
        .map_err(|e| TestCaseError::fail(format!("sarif output does not parse: {e}")))?;
    prop_assert_eq!(
        sarif["runs"][0]["results"].as_array().map(Vec::len),
        Some(report.diagnostics.len())
    );

    let github = render_all(Format::Github, false, &reports);
    prop_assert_eq!(
        github.lines().filter(|l| l.starts_with("::")).count(),
        report.diagnostics.len()
    );
    prop_assert_eq!(
        github.lines().count(),
        report.diagnostics.len() + 1,
        "one line per annotation: {}",
        github
    );

    for color in [false, true] {
        let human = render_all(Format::Human, color, &reports);
        prop_assert!(human.ends_with('\n'));
        prop_assert_eq!(human.contains('\u{1b}'), color);
    }
    Ok(())
}

/// Positions are 1-based and lie in the text: at most one past the end of their line.
fn check_positions(text: &str, report: &FileReport) -> Result<(), TestCaseError> {
    let lines: Vec<&str> = text.split('\n').collect();
    for d in &report.diagnostics {
        for (line, column) in [(d.line, d.column), (d.end_line, d.end_column)] {
            prop_assert!(line >= 1 && column >= 1, "{:?}", d);
            prop_assert!(line <= lines.len(), "line {} of {} lines: {:?}", line, lines.len(), d);
            let width = lines[line - 1].chars().count();
            prop_assert!(
                column <= width + 1,
                "column {} of a line of {} characters: {:?}",
                column,
                width,
                d
            );
        }
        prop_assert!((d.line, d.column) <= (d.end_line, d.end_column), "{:?}", d);
    }
    Ok(())
}

/// When a report quotes the file: its positions lie in the file's text, and the quoted text
/// (secrets masked) has the file's lines, so that each finding's line is the one quoted.
fn check_quoted_text(bytes: &[u8], report: &FileReport) -> Result<(), TestCaseError> {
    let Some(quoted) = &report.source else {
        return Ok(());
    };
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes));
    prop_assert!(text.is_ok(), "a report quotes UTF-8 text only");
    let text = text.unwrap_or_default();
    check_positions(text, report)?;
    prop_assert_eq!(quoted.text().split('\n').count(), text.split('\n').count());
    Ok(())
}

/// The character offset of (line, column) in `text`, as `chars` counts it.
fn char_at(text: &str, line: usize, column: usize) -> Option<(usize, char)> {
    let line_start: usize = text.split('\n').take(line - 1).map(|l| l.chars().count() + 1).sum();
    let at = line_start + column - 1;
    text.chars().nth(at).map(|c| (at, c))
}

/// The JSON string starting at character `at` of `text`, decoded.
fn string_at(text: &str, at: usize) -> Option<String> {
    let rest: String = text.chars().skip(at).collect();
    let mut stream = serde_json::Deserializer::from_str(&rest).into_iter::<String>();
    stream.next()?.ok()
}

/// A member's finding points at its key (a `"` starting the member's name); an array
/// element's at the element's first character.
fn check_member_positions(text: &str, value: &Value, report: &FileReport) -> Result<(), TestCaseError> {
    for d in report.diagnostics.iter().filter(|d| !d.pointer.is_root()) {
        let (Some(parent), Some(token)) = (d.pointer.parent(), d.pointer.last()) else {
            continue;
        };
        let Some(parent) = value.pointer(parent.as_str()) else {
            continue;
        };
        let Some((at, c)) = char_at(text, d.line, d.column) else {
            return Err(TestCaseError::fail(format!("{d:?} is past the end of the text")));
        };
        match parent {
            Value::Object(members) if members.contains_key(token.as_ref()) => {
                prop_assert_eq!(c, '"', "{:?} should point at a key", d);
                prop_assert_eq!(
                    string_at(text, at),
                    Some(token.to_string()),
                    "{:?} should point at its own key",
                    d
                );
            }
            Value::Array(items) if token.parse::<usize>().is_ok_and(|i| i < items.len()) => {
                prop_assert!(
                    "{[\"-0123456789tfn".contains(c),
                    "{:?} should point at an element, not {:?}",
                    d,
                    c
                );
            }
            _ => {}
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Strategies

/// Bytes that are often almost JSON: tokens of payloads, mixed with anything.
fn jsonish_bytes() -> impl Strategy<Value = Vec<u8>> {
    let token = prop_oneof![
        4 => prop::sample::select(vec![
            "{", "}", "[", "]", ":", ",", " ", "\n", "\r\n", "\t", "\"", "\\", "\\\"", "\\u00e9", "\\ud800",
            "\"os-change\"", "\"adminpass\"", "\"imageid\"", "\"metadata\"", "\"user_data\"", "\"mode\"",
            "\"e215580f-73ad-429d-b6f2-5433947433b0\"", "\"Cloud.Pass-2024\"", "\"$ADMIN_PASS\"", "\"keyname\"",
            "\"userid\"", "\"BYOL\"", "\"__system__encrypted\"", "\"__system__cmkid\"", "true", "false", "null",
            "0", "-1", "1e400", "1.5", "NaN", "é", "\u{feff}", "\"withStopServer\"",
        ]).prop_map(|t| t.as_bytes().to_vec()),
        1 => prop::collection::vec(any::<u8>(), 1..4),
    ];
    prop::collection::vec(token, 0..64).prop_map(|tokens| tokens.concat())
}

/// Member names of the real bodies, and others.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "os-change", "adminpass", "imageid", "metadata", "user_data", "BYOL", "__system__encrypted",
            "__system__cmkid", "keyname", "userid", "mode", "isAutoPay", "imageId", "", "a/b", "m~n", "é",
        ]).prop_map(str::to_owned),
        1 => "[a-z_\"\\\\/~é -]{0,8}",
    ]
}

/// Strings: values the rules know, and others (never uppercase `S`: see `password`).
fn string() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "e215580f-73ad-429d-b6f2-5433947433b0",
            "withStopServer",
            "true",
            "false",
            "0",
            "1",
            "$ADMIN_PASS",
            "${ADMIN_PASS}",
            "aGk=",
            "IyEvYmluL2Jhc2gK",
            "",
            " ",
            "\u{feff}",
        ])
        .prop_map(str::to_owned),
        "[a-z0-9 \"\\\\/\n\t\u{e9}\u{1F600}-]{0,16}",
    ]
}

/// A literal password: the only strings that start with `Sec`.
fn password() -> impl Strategy<Value = String> {
    "Sec[0-9]{6}[.!a-z]{0,4}"
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        string().prop_map(Value::String),
    ]
}

/// Any JSON value, with objects keyed by real member names, and `adminpass` sometimes a password.
fn value() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(5, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec(
                (key(), prop_oneof![3 => inner, 1 => password().prop_map(Value::String)]),
                0..6
            )
            .prop_map(|members| Value::Object(members.into_iter().collect::<Map<String, Value>>())),
        ]
    })
}

/// A body: mostly `{"os-change": {...}}` with real members, sometimes any value.
fn body() -> impl Strategy<Value = Value> {
    let os_change = prop::collection::vec(
        (
            key(),
            prop_oneof![3 => value(), 1 => password().prop_map(Value::String), 1 => string().prop_map(Value::String)],
        ),
        0..8,
    )
    .prop_map(|members| Value::Object(members.into_iter().collect()));
    prop_oneof![
        3 => os_change.prop_map(|o| serde_json::json!({ "os-change": o })),
        1 => value(),
    ]
}

/// The passwords of `value`: strings starting with `Sec` that only `adminpass` members hold
/// (another member may show its value; two draws of `password()` may, rarely, be equal).
fn passwords(value: &Value) -> Vec<String> {
    fn walk(value: &Value, key: Option<&str>, found: &mut Vec<(String, bool)>) {
        match value {
            Value::String(s) if s.starts_with("Sec") => found.push((s.clone(), key == Some("adminpass"))),
            Value::Array(items) => items.iter().for_each(|v| walk(v, None, found)),
            Value::Object(members) => members.iter().for_each(|(k, v)| walk(v, Some(k), found)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    walk(value, None, &mut found);
    let mut secrets: Vec<String> = found
        .iter()
        .filter(|(s, _)| found.iter().all(|(other, in_adminpass)| other != s || *in_adminpass))
        .map(|(s, _)| s.clone())
        .collect();
    secrets.dedup();
    secrets
}

// ---------------------------------------------------------------------------------------------
// Properties

proptest! {
    #![proptest_config(crate::common::proptest_config(300))]

    #[test]
    fn arbitrary_bytes_never_panic_and_render_well(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        for operation in OPERATIONS {
            let report = check_source(operation, &bytes);
            prop_assert!(!report.diagnostics.is_empty() || std::str::from_utf8(&bytes).is_ok());
            check_quoted_text(&bytes, &report)?;
            check_renderings("in.json", &report)?;
        }
    }

    #[test]
    fn almost_json_never_panics_and_renders_well(bytes in jsonish_bytes()) {
        for operation in OPERATIONS {
            let report = check_source(operation, &bytes);
            check_quoted_text(&bytes, &report)?;
            check_renderings("a b,c:%.json", &report)?;
        }
    }

    #[test]
    fn arbitrary_json_is_located_in_its_text(value in body()) {
        let compact = serde_json::to_string(&value).expect("serialise");
        let pretty = serde_json::to_string_pretty(&value).expect("serialise");
        let secrets = passwords(&value);
        for text in [&compact, &pretty] {
            for operation in OPERATIONS {
                let report = check_source(operation, text.as_bytes());
                if report.diagnostics.is_empty() {
                    prop_assert!(report.source.is_none());
                    continue;
                }
                // Findings about the file itself cannot arise from a serialised value.
                for d in &report.diagnostics {
                    prop_assert!(
                        !["invalid-json", "duplicate-key", "byte-order-mark", "trailing-content"].contains(&d.rule.id()),
                        "{:?}", d
                    );
                }
                check_positions(text, &report)?;
                check_member_positions(text, &value, &report)?;
                check_renderings("p.json", &report)?;
                // No literal password is shown, in any format.
                let reports = vec![("p.json".to_owned(), report.clone())];
                for format in [Format::Human, Format::Json, Format::Sarif, Format::Github] {
                    let out = render_all(format, false, &reports);
                    for secret in &secrets {
                        prop_assert!(
                            !out.contains(secret.as_str()),
                            "{:?} output shows the password {}:\n{}", format, secret, out
                        );
                    }
                }
            }
        }
    }
}
