//! The four output formats of `changeos check` over one set of payloads: snapshots, JSON that
//! parses, SARIF that is valid against the published SARIF 2.1.0 schema, and no password from
//! the payloads anywhere in any output.

use crate::common;

use common::cli::{TempDir, changeos, summary};
use serde_json::Value;

/// The payloads, in the order given on the command line (not alphabetical, on purpose).
const PAYLOADS: &[&str] = &[
    "tests/data/check/formats/clean.json",
    "tests/data/check/formats/warnings.json",
    "tests/data/check/formats/errors.json",
    "tests/data/check/formats/invalid-json.json",
    "tests/data/check/formats/duplicate-keys.json",
    "tests/data/check/formats/bom.json",
    "tests/data/check/formats/trailing-content.json",
    "tests/data/check/formats/literal-password.json",
];

/// Every literal password written in the payloads: in a finding's line, a duplicate key's
/// dropped value, a file that does not parse, and content after the document.
const PASSWORDS: &[&str] = &[
    "Vx9.Literal-Pass42",
    "Dup.First-Pass1",
    "Dup.Second-Pass2",
    "Inv.Broken-Pass3",
    "Trail.Pass-77",
];

const FORMATS: &[&str] = &["human", "json", "sarif", "github"];

fn check(format: &str) -> common::cli::Ran {
    let mut args = vec!["check", "--format", format];
    args.extend_from_slice(PAYLOADS);
    let ran = changeos(&args).run();
    ran.expect_code(1);
    assert_eq!(ran.stderr, "", "{format}");
    ran
}

#[test]
fn human() {
    insta::assert_snapshot!(check("human").stdout);
}

#[test]
fn github() {
    insta::assert_snapshot!(check("github").stdout);
}

#[test]
fn json() {
    let ran = check("json");
    assert!(
        ran.stdout.ends_with("}\n") && ran.stdout.lines().count() == 1,
        "one document on one line"
    );
    let report = ran.json();
    assert_eq!(report["version"], 1);
    let files = report["files"].as_array().expect("files");
    let names: Vec<&str> = files.iter().map(|f| f["file"].as_str().expect("file")).collect();
    assert_eq!(names, PAYLOADS);
    let (mut errors, mut warnings) = (0, 0);
    for file in files {
        let members: Vec<&str> = file.as_object().expect("object").keys().map(String::as_str).collect();
        assert_eq!(members, ["file", "op", "diagnostics"], "{file}");
        assert_eq!(file["op"], "cloudinit", "the default operation");
        for d in file["diagnostics"].as_array().expect("diagnostics") {
            let keys: Vec<&str> = d.as_object().expect("object").keys().map(String::as_str).collect();
            let mut expected = vec![
                "rule",
                "severity",
                "message",
                "pointer",
                "line",
                "column",
                "end_line",
                "end_column",
                "help",
            ];
            // `fix` is optional: only a diagnostic that has one carries it.
            if d.get("fix").is_some() {
                expected.push("fix");
                let fix_keys: Vec<&str> = d["fix"].as_object().expect("fix").keys().map(String::as_str).collect();
                assert_eq!(
                    fix_keys,
                    [
                        "message",
                        "replacement",
                        "start",
                        "end",
                        "line",
                        "column",
                        "end_line",
                        "end_column"
                    ],
                    "{d}"
                );
            }
            assert_eq!(keys, expected, "the contract's fields, in order");
            match d["severity"].as_str() {
                Some("error") => errors += 1,
                Some("warning") => warnings += 1,
                other => panic!("severity {other:?}"),
            }
            assert!(d["help"].is_null() || d["help"].is_string(), "{d}");
        }
    }
    assert_eq!(summary(&report), (PAYLOADS.len() as u64, errors, warnings));
    insta::assert_json_snapshot!(report);
}

#[test]
fn sarif() {
    let mut log = check("sarif").json();
    let run = &log["runs"][0];
    // Every rule is described, with texts, and results point at them by index.
    let rules = run["tool"]["driver"]["rules"].as_array().expect("driver rules");
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().expect("id")).collect();
    let expected: Vec<&str> = changeos_validator::rules::all().map(|r| r.id()).collect();
    assert_eq!(ids, expected);
    for rule in rules {
        for text in ["shortDescription", "fullDescription", "help"] {
            assert!(
                !rule[text]["text"].as_str().unwrap_or_default().is_empty(),
                "{text} of {rule}"
            );
        }
    }
    let results = run["results"].as_array().expect("results");
    let json = check("json").json();
    assert_eq!(
        results.len() as u64,
        summary(&json).1 + summary(&json).2,
        "one result per diagnostic"
    );
    for result in results {
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(result["ruleId"], rules[index]["id"], "{result}");
    }
    // The snapshot keeps the results; of the rule descriptors (snapshotted by the rule
    // catalog's own tests) only the id and level, and no version that a release would change.
    let summarised: Vec<Value> = rules
        .iter()
        .map(|r| {
            format!(
                "{} ({})",
                r["id"].as_str().unwrap_or_default(),
                r["defaultConfiguration"]["level"].as_str().unwrap_or_default()
            )
            .into()
        })
        .collect();
    let driver = &mut log["runs"][0]["tool"]["driver"];
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    driver["version"] = "[version]".into();
    driver["rules"] = summarised.into();
    insta::assert_json_snapshot!(log);
}

#[test]
fn the_formats_agree_on_the_findings() {
    let json = check("json").json();
    let diagnostics: Vec<&Value> = json["files"]
        .as_array()
        .expect("files")
        .iter()
        .flat_map(|f| f["diagnostics"].as_array().expect("diagnostics"))
        .collect();
    let github = check("github").stdout;
    let annotations: Vec<&str> = github.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(annotations.len(), diagnostics.len(), "{github}");
    let human = check("human").stdout;
    let (files, errors, warnings) = summary(&json);
    let fixable = diagnostics.iter().filter(|d| d.get("fix").is_some()).count();
    assert!(fixable > 0, "some finding of the payloads is fixable");
    assert!(
        human.ends_with(&format!(
            "{files} files checked: {errors} errors, {warnings} warnings ({fixable} fixable with `changeos check --fix`)\n"
        )),
        "{human}"
    );
    assert_eq!(
        human.matches("\n  = fix: ").count() + human.matches("\n   = fix: ").count(),
        fixable,
        "{human}"
    );
    assert!(github.ends_with(&format!(
        "{files} file(s) checked: {errors} error(s), {warnings} warning(s)\n"
    )));
    for d in &diagnostics {
        let label = format!(
            "{}[{}]: ",
            d["severity"].as_str().unwrap_or_default(),
            d["rule"].as_str().unwrap_or_default()
        );
        assert!(human.contains(&label), "{label} in {human}");
    }
}

#[test]
fn no_password_appears_in_any_format() {
    // Not vacuous: each password is in the files, and in the line a finding quotes.
    let contents: String = PAYLOADS
        .iter()
        .map(|p| std::fs::read_to_string(common::workspace_path(p)).expect("payload"))
        .collect();
    for password in PASSWORDS {
        assert!(contents.contains(password), "{password} is in no payload");
    }
    for format in FORMATS {
        let ran = check(format);
        for password in PASSWORDS {
            assert!(
                !ran.stdout.contains(password),
                "{format} output shows {password}:\n{}",
                ran.stdout
            );
            assert!(!ran.stderr.contains(password), "{format} stderr shows {password}");
        }
    }
    // Nor in standard input, nor with --op nocloudinit, nor through the library's renderers.
    for op in ["cloudinit", "nocloudinit"] {
        for payload in PAYLOADS {
            let bytes = std::fs::read(common::workspace_path(payload)).expect("payload");
            for format in FORMATS {
                let ran = changeos(["check", "--op", op, "--format", format])
                    .stdin(bytes.clone())
                    .run();
                for password in PASSWORDS {
                    assert!(
                        !ran.stdout.contains(password),
                        "{op} {format} {payload} shows {password}:\n{}",
                        ran.stdout
                    );
                }
            }
        }
    }
}

/// The text under the carets of each quoted line of a human report, in order.
fn under_carets(human: &str) -> Vec<String> {
    let lines: Vec<&str> = human.lines().collect();
    lines
        .windows(2)
        .filter_map(|pair| {
            // `3 | text` then `  | ^^^`: the bar is at the same place in both.
            let bar = pair[0].find(" | ")?;
            let carets = pair[1].get(bar..)?.strip_prefix(" | ")?;
            if !pair[1][..bar].trim().is_empty() || !carets.trim_start().starts_with('^') {
                return None;
            }
            let quoted: Vec<char> = pair[0][bar + 3..].chars().collect();
            let start = carets.chars().take_while(|c| *c == ' ').count();
            let width = carets.trim().chars().count();
            Some(quoted.iter().skip(start).take(width).collect())
        })
        .collect()
}

#[test]
fn a_masked_password_keeps_the_columns_of_what_follows() {
    // The human format quotes the line with the password masked by a mask of fixed width; the
    // caret of a finding after it on the line still points at what the finding is about.
    let human = check("human").stdout;
    assert!(
        human.contains(r#"3 |     "adminpass": "****" "imageid": "e215580f-73ad-429d-b6f2-5433947433b0""#),
        "{human}"
    );
    assert!(human.contains(r#"3 |     "adminpass": "****","#), "{human}");
    let under = under_carets(&human);
    assert!(under.iter().any(|u| u == "\""), "{under:?}"); // the missing comma, before "imageid"
    assert!(under.iter().all(|u| !u.contains('*') || u == "****"), "{under:?}");
}

/// A payload with a secret (of the given JSON text) under `name`, then a finding after it on
/// the same line (`isAutoPay` must be a string) and one on the next.
fn with_secret(name: &str, secret: &str) -> String {
    format!("{{\"os-change\": {{\"{name}\": {secret}, \"isAutoPay\": true,\n  \"imageid\": 5}}}}\n")
}

/// A secret of every JSON type, some over several lines.
const SECRETS_OF_EVERY_TYPE: &[&str] = &[
    r#""Str.Secret-11""#,
    "12345678901",
    "true",
    r#"["Arr.Secret-12", "x"]"#,
    r#"{"k": "Obj.Secret-13"}"#,
    "[\n  \"Lines.Secret-14\",\n  {\"k\": [\"Deep.Secret-15\"]}\n]",
];

const SECRET_WORDS: &[&str] = &["Secret-1", "12345678901"];

#[test]
fn secrets_of_every_type_and_every_near_miss_name_are_masked_in_every_format() {
    // Every name the linter would suggest renaming to `adminpass` is a secret's.
    for name in [
        "adminpass",
        "adminPass",
        "admin_pass",
        "ADMIN-PASS",
        "adminpas",
        "admnpass",
    ] {
        for secret in SECRETS_OF_EVERY_TYPE {
            let payload = with_secret(name, secret);
            for op in ["cloudinit", "nocloudinit"] {
                for format in FORMATS {
                    let ran = changeos(["check", "--op", op, "--format", format, "-"])
                        .stdin(payload.clone())
                        .run();
                    ran.expect_code(1);
                    for word in SECRET_WORDS {
                        assert!(!ran.all().contains(word), "{name} {secret} {format}:\n{}", ran.all());
                    }
                    if *format == "human" {
                        // Not vacuous: the line is quoted, masked, and the carets of the finding
                        // after the secret point at its key.
                        assert!(ran.stdout.contains(&format!("\"{name}\": ")), "{}", ran.stdout);
                        let under = under_carets(&ran.stdout);
                        assert!(under.iter().any(|u| u == "\"isAutoPay\""), "{under:?}\n{}", ran.stdout);
                        assert!(under.iter().any(|u| u == "\"imageid\""), "{under:?}\n{}", ran.stdout);
                    }
                }
            }
        }
    }
}

#[test]
fn the_mask_says_nothing_of_the_length() {
    // Payloads that differ only in the length of the password give the same report: a string
    // among the lengths the rules accept, a number or an array of any length. The formats read
    // by people and CI logs are compared whole; json and sarif give tools the byte offsets of
    // fixes in the file, which are the file's. (The password is on a line of its own: a finding
    // after it on its line is placed at the file's column.)
    let alone = |value: String| format!("{{\"os-change\": {{\"adminpass\": {value},\n  \"isAutoPay\": true}}}}\n");
    /// A kind of value, how to write one of n characters, the lengths to compare.
    type Values = (&'static str, fn(usize) -> String, &'static [usize]);
    let values: [Values; 3] = [
        ("string", |n| format!("\"Aa1.{}\"", "p".repeat(n - 4)), &[8, 9, 17, 26]),
        ("number", |n| format!("1{}", "0".repeat(n)), &[0, 1, 8, 40]),
        ("array", |n| format!("[\"{}\"]", "p".repeat(n)), &[0, 1, 8, 40]),
    ];
    for (kind, value, lengths) in values {
        for format in ["human", "github"] {
            let output = |n: usize| {
                let ran = changeos(["check", "--format", format, "-"])
                    .stdin(alone(value(n)))
                    .run();
                ran.expect_code(1);
                ran.stdout
            };
            let first = output(lengths[0]);
            if format == "human" {
                assert!(first.contains("\"adminpass\": "), "{first}");
            }
            for n in &lengths[1..] {
                assert_eq!(output(*n), first, "{kind} of {n} characters, {format}");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// SARIF validity against the published schema

/// The SARIF 2.1.0 schema (see tests/data/check/README.md for where it comes from).
fn sarif_validator() -> jsonschema::Validator {
    let schema = common::read_json("tests/data/check/sarif-schema-2.1.0.json");
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-04/schema#");
    jsonschema::options()
        .build(&schema)
        .expect("the SARIF schema compiles, offline")
}

#[track_caller]
fn assert_valid_sarif(validator: &jsonschema::Validator, log: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF:\n{}\n{log:#}", errors.join("\n"));
}

/// What the schema cannot say and SARIF validators check (SARIF1004) so that a result can be
/// placed: every `uri` is an absolute `file://` URI, or a relative reference (never one that
/// begins with a slash) with a `uriBaseId` that the run describes under `originalUriBaseIds`;
/// and every character is one a URI may hold, `%` only before two hex digits.
#[track_caller]
fn assert_placeable_uris(log: &Value) {
    let run = &log["runs"][0];
    let mut locations = Vec::new();
    for result in run["results"].as_array().expect("results") {
        locations.push(&result["locations"][0]["physicalLocation"]["artifactLocation"]);
        for fix in result["fixes"].as_array().into_iter().flatten() {
            locations.push(&fix["artifactChanges"][0]["artifactLocation"]);
        }
    }
    for location in locations {
        let uri = location["uri"].as_str().unwrap_or_else(|| panic!("no uri: {location}"));
        let bytes = uri.as_bytes();
        for (i, &b) in bytes.iter().enumerate() {
            let allowed = b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=".contains(&b);
            let escape = b == b'%'
                && bytes
                    .get(i + 1..i + 3)
                    .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit));
            assert!(allowed || escape, "{uri}: byte {i} is not allowed in a URI");
        }
        match location.get("uriBaseId").and_then(Value::as_str) {
            None => assert!(
                uri.starts_with("file:///"),
                "an absolute path is a file URI: {location}"
            ),
            Some(base) => {
                assert!(
                    !uri.starts_with('/') && !uri.contains("://"),
                    "a relative reference: {location}"
                );
                assert!(
                    run["originalUriBaseIds"][base]["description"]["text"].is_string(),
                    "{base} is described in the run"
                );
            }
        }
    }
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0() {
    let validator = sarif_validator();
    // The payloads of the snapshots, all at once and one at a time (also a run without result).
    let log = check("sarif").json();
    assert_valid_sarif(&validator, &log);
    assert_placeable_uris(&log);
    for payload in PAYLOADS {
        let ran = changeos(["check", "--format", "sarif", payload]).run();
        assert_valid_sarif(&validator, &ran.json());
        assert_placeable_uris(&ran.json());
    }
    // Files that could not be read; paths that need escaping in a URI.
    let dir = TempDir::new("sarif");
    dir.write("with space/é #1.json", r#"{"os-change": {"mode": "x"}}"#);
    dir.mkdir("no-json-here");
    let ran = changeos([
        "check",
        "--format",
        "sarif",
        &dir.arg("with space/é #1.json"),
        &dir.arg("no-json-here"),
        "no/such.json",
        "-",
    ])
    .stdin("{")
    .run();
    ran.expect_code(1);
    let log = ran.json();
    assert_valid_sarif(&validator, &log);
    assert_placeable_uris(&log);
    let uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .unwrap_or_default();
    assert!(uri.ends_with("/with%20space/%C3%A9%20%231.json"), "{uri}");
}

#[test]
fn sarif_uris_are_file_uris_for_absolute_paths_and_relative_to_srcroot_otherwise() {
    let validator = sarif_validator();
    let dir = TempDir::new("sarif-uris");
    // A fixable finding, so that `fixes` name the file too.
    let body = r#"{"os-change": {"imageId": "e215580f-73ad-429d-b6f2-5433947433b0"}}"#;
    dir.write("with space/é #1.json", body);
    let absolute = dir.arg("with space/é #1.json");
    let ran = changeos(["check", "--format", "sarif", &absolute, "with space/é #1.json"])
        .current_dir(dir.path())
        .run();
    ran.expect_code(1);
    let log = ran.json();
    assert_valid_sarif(&validator, &log);
    assert_placeable_uris(&log);
    let run = &log["runs"][0];
    let locations: Vec<&Value> = run["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| &r["locations"][0]["physicalLocation"]["artifactLocation"])
        .collect();
    let temp = dir.path().to_str().expect("temporary paths are UTF-8");
    // The temporary directory's own name needs no escaping.
    assert!(
        temp.bytes().all(|b| b.is_ascii_alphanumeric() || b"/-_.".contains(&b)),
        "{temp}"
    );
    let file_uri = format!("file://{temp}/with%20space/%C3%A9%20%231.json");
    let relative = serde_json::json!({ "uri": "with%20space/%C3%A9%20%231.json", "uriBaseId": "%SRCROOT%" });
    // The same findings for each name, in the order given.
    let half = locations.len() / 2;
    assert!(half > 0 && locations.len() == 2 * half, "{locations:?}");
    for location in &locations[..half] {
        assert_eq!(**location, serde_json::json!({ "uri": file_uri }));
    }
    for location in &locations[half..] {
        assert_eq!(**location, relative);
    }
    let fixed: Vec<&Value> = run["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r.get("fixes"))
        .map(|f| &f[0]["artifactChanges"][0]["artifactLocation"])
        .collect();
    assert_eq!(fixed, [&serde_json::json!({ "uri": file_uri }), &relative]);
    // The base is described, with no `uri`: the log does not depend on where it was made.
    assert_eq!(
        run["originalUriBaseIds"]["%SRCROOT%"]
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect::<Vec<_>>()),
        Some(vec!["description"])
    );
}

#[test]
fn the_sarif_schema_does_refuse_invalid_logs() {
    // Without this, a schema that accepted anything would pass the test above.
    let validator = sarif_validator();
    let mut log = check("sarif").json();
    assert!(validator.is_valid(&log));
    log["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&log), "an unknown level");
    let mut log = check("sarif").json();
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0.into();
    assert!(!validator.is_valid(&log), "lines start at 1");
    let mut log = check("sarif").json();
    log["version"] = "2.0.0".into();
    assert!(!validator.is_valid(&log), "another version");
}
