//! The generated payload linter, seen from outside: clean examples stay clean, every rule of
//! the catalog fires where it should (and its catalog examples agree), findings are all
//! reported with useful help, and secrets never reach a message.

use crate::common;

use std::collections::BTreeSet;

use changeos_models::catalog::RULES;
use changeos_models::lint::Operation::{self, ChangeServerOsWithCloudInit as V2, ChangeServerOsWithoutCloudInit as V1};
use changeos_models::{Finding, Severity};
use common::{CMK_ID, IMAGE_ID, KEY_NAME, USER_DATA, USER_ID, body, rule_ids};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// Clean payloads

#[test]
fn vendor_examples_have_no_finding() {
    for example in common::vendor_examples() {
        let findings = example.operation.lint(&example.body);
        assert_eq!(findings, Vec::<Finding>::new(), "{}", example.name);
    }
}

#[test]
fn richer_valid_payloads_have_no_finding() {
    let payloads = common::richer_valid_payloads();
    assert!(payloads.len() >= 4, "tests/data/valid lost its payloads");
    for payload in payloads {
        let findings = payload.operation.lint(&payload.body);
        assert_eq!(findings, Vec::<Finding>::new(), "{}", payload.name);
    }
}

// ---------------------------------------------------------------------------------------------
// The table of bad payloads

/// One bad (or borderline) payload and the rules it must make fire.
struct Case {
    name: &'static str,
    operation: Operation,
    body: Value,
    /// The rule ids expected, in any order and without repetition; empty for a payload that
    /// must pass (the borderline cases that sit just inside a limit).
    fires: &'static [&'static str],
}

fn case(name: &'static str, operation: Operation, body: Value, fires: &'static [&'static str]) -> Case {
    Case {
        name,
        operation,
        body,
        fires,
    }
}

/// The key pair example with more members in `os-change`.
fn keypair_with(extra: Value) -> Value {
    let mut os_change = json!({ "keyname": KEY_NAME, "userid": USER_ID, "imageid": IMAGE_ID });
    let object = os_change.as_object_mut().expect("object");
    for (key, value) in extra.as_object().expect("extra members are an object") {
        object.insert(key.clone(), value.clone());
    }
    body(os_change)
}

/// The key pair example with this `metadata`.
fn keypair_metadata(metadata: Value) -> Value {
    keypair_with(json!({ "metadata": metadata }))
}

/// A password login with this `adminpass`.
fn password(adminpass: Value) -> Value {
    body(json!({ "adminpass": adminpass, "imageid": IMAGE_ID }))
}

/// The key pair example with this `metadata.user_data`.
fn user_data(text: &str) -> Value {
    keypair_metadata(json!({ "user_data": text }))
}

/// Base64 of `bytes` zero bytes, without building the bytes: `AAAA` is three of them.
fn base64_of_zeros(bytes: usize) -> String {
    let mut text = "AAAA".repeat(bytes / 3);
    match bytes % 3 {
        1 => text.push_str("AA=="),
        2 => text.push_str("AAA="),
        _ => {}
    }
    text
}

fn bad_payloads() -> Vec<Case> {
    vec![
        // Wrong types, from the root down.
        case(
            "root is an array",
            V2,
            json!([keypair_with(json!({}))]),
            &["wrong-type"],
        ),
        case(
            "os-change is a string",
            V2,
            json!({ "os-change": IMAGE_ID }),
            &["wrong-type"],
        ),
        case("metadata is a number", V2, keypair_metadata(json!(1)), &["wrong-type"]),
        case(
            "imageid is a number",
            V2,
            body(json!({ "keyname": KEY_NAME, "userid": USER_ID, "imageid": 20240513 })),
            &["wrong-type"],
        ),
        case(
            "isAutoPay is the JSON boolean true",
            V2,
            keypair_with(json!({ "isAutoPay": true })),
            &["wrong-type"],
        ),
        case(
            "__system__encrypted is the number 1",
            V2,
            keypair_metadata(json!({ "__system__encrypted": 1 })),
            &["wrong-type"],
        ),
        case(
            "BYOL is the JSON boolean true",
            V2,
            keypair_metadata(json!({ "BYOL": true })),
            &["wrong-type"],
        ),
        case("adminpass is a number", V2, password(json!(20240513)), &["wrong-type"]),
        // Unknown members, with and without a did-you-mean.
        case(
            "imageId instead of imageid",
            V2,
            body(json!({ "keyname": KEY_NAME, "userid": USER_ID, "imageId": IMAGE_ID })),
            &["unknown-member", "missing-member"],
        ),
        case(
            "adminPass instead of adminpass",
            V2,
            body(json!({ "adminPass": "$ADMIN_PASS", "imageid": IMAGE_ID })),
            &["unknown-member", "login-method-required"],
        ),
        case(
            "is_auto_pay instead of isAutoPay",
            V2,
            keypair_with(json!({ "is_auto_pay": "true" })),
            &["unknown-member"],
        ),
        case(
            "byol instead of BYOL",
            V2,
            keypair_metadata(json!({ "byol": "true" })),
            &["unknown-member"],
        ),
        case(
            "userId instead of userid",
            V2,
            body(json!({ "keyname": KEY_NAME, "userId": USER_ID, "imageid": IMAGE_ID })),
            &["unknown-member", "keyname-without-userid"],
        ),
        case(
            "system__encrypted without its leading underscores",
            V2,
            keypair_metadata(json!({ "system__encrypted": "1" })),
            &["unknown-member"],
        ),
        case(
            "a member nothing resembles",
            V2,
            keypair_with(json!({ "flavorRef": "s6.large.2" })),
            &["unknown-member"],
        ),
        case(
            "os_change at the root",
            V2,
            json!({ "os_change": { "keyname": KEY_NAME, "userid": USER_ID, "imageid": IMAGE_ID } }),
            &["unknown-member", "missing-member"],
        ),
        // Missing members.
        case("empty body: no os-change", V2, json!({}), &["missing-member"]),
        case(
            "no imageid",
            V2,
            body(json!({ "keyname": KEY_NAME, "userid": USER_ID })),
            &["missing-member"],
        ),
        // Every password rule.
        case(
            "password of 7 characters",
            V2,
            password(json!("Ab1.xyz")),
            &["adminpass-length"],
        ),
        case(
            "password of 27 characters",
            V2,
            password(json!("Cloud.Pass-2024-Cloud.Pass1")),
            &["adminpass-length"],
        ),
        case(
            "password with spaces",
            V2,
            password(json!("Cloud Pass 2024")),
            &["adminpass-charset"],
        ),
        case(
            "password with a non-ASCII letter",
            V2,
            password(json!("Cloud.Pässword1")),
            &["adminpass-charset"],
        ),
        case(
            "password of two classes",
            V2,
            password(json!("cloudpass2024")),
            &["adminpass-classes"],
        ),
        case(
            "password with ~ # *",
            V2,
            password(json!("Cloud~Pass#2024*")),
            &["adminpass-doubtful-chars"],
        ),
        // The user-name rules are stated for Windows (`Administrator`) only: `root` is fine.
        case("password contains Root", V2, password(json!("MyRoot.Pass24")), &[]),
        case(
            "password contains toor reversed",
            V2,
            password(json!("Toor.Pass-2024")),
            &[],
        ),
        case(
            "password contains Administrator reversed",
            V2,
            password(json!("Rotartsinimda.1")),
            &["adminpass-contains-username", "adminpass-username-run"],
        ),
        case(
            "password contains aDMINISTRATOR",
            V2,
            password(json!("aDMINISTRATOR.1")),
            &["adminpass-contains-username", "adminpass-username-run"],
        ),
        case(
            "password with the run adm",
            V2,
            password(json!("Cloud.adm-2024")),
            &["adminpass-username-run"],
        ),
        // Placeholders skip the value checks only when they are the whole value.
        case(
            "placeholder $ADMIN_PASS passes",
            V2,
            password(json!("$ADMIN_PASS")),
            &[],
        ),
        case(
            "a placeholder longer than 26 characters passes",
            V2,
            password(json!("${CHANGEOS_ADMIN_PASSWORD_FOR_PROD}")),
            &[],
        ),
        case(
            "placeholder ${ADMIN_PASS} passes",
            V2,
            password(json!("${ADMIN_PASS}")),
            &[],
        ),
        case(
            "$1X is no placeholder: a 3-character password",
            V2,
            password(json!("$1X")),
            &["adminpass-length"],
        ),
        case(
            "pre$X is no placeholder: a 5-character password",
            V2,
            password(json!("pre$X")),
            &["adminpass-length"],
        ),
        case(
            "a placeholder without its closing brace is a literal password",
            V2,
            password(json!("${ADMIN_PASS")),
            &["adminpass-classes", "adminpass-username-run"],
        ),
        // user_data: strict base64, size counted once decoded.
        case(
            "user_data wrapped into lines",
            V2,
            user_data("IyEvYmluL2Jhc2gK\nZWNobyBoaQo=\n"),
            &["user-data-line-breaks"],
        ),
        case(
            "user_data with a space",
            V2,
            user_data("IyEvYmluL2Jhc2gK ZWNobyBoaQo="),
            &["user-data-base64"],
        ),
        case(
            "user_data with a line break that is not base64 once joined",
            V2,
            user_data("IyEvYmluL2Jhc2g\nZWNobyBoaQo="),
            &["user-data-base64"],
        ),
        case(
            "user_data in the URL-safe alphabet",
            V2,
            user_data("IyEv-mlu"),
            &["user-data-base64"],
        ),
        case(
            "user_data with = inside",
            V2,
            user_data("IyE=YmJj"),
            &["user-data-base64"],
        ),
        case(
            "user_data of 15 characters",
            V2,
            user_data("IyEvYmluL2Jhc2g"),
            &["user-data-base64"],
        ),
        case(
            "user_data of 32769 bytes decoded",
            V2,
            user_data(&base64_of_zeros(32769)),
            &["user-data-size"],
        ),
        case(
            "user_data of exactly 32768 bytes decoded passes",
            V2,
            user_data(&base64_of_zeros(32768)),
            &[],
        ),
        // Disk encryption, licence, mode and payment flags.
        case(
            "cmkid without encrypted",
            V2,
            keypair_metadata(json!({ "__system__cmkid": CMK_ID })),
            &["cmkid-needs-encrypted"],
        ),
        case(
            "cmkid with encrypted \"0\"",
            V2,
            keypair_metadata(json!({ "__system__encrypted": "0", "__system__cmkid": CMK_ID })),
            &["cmkid-needs-encryption-on"],
        ),
        case(
            "cmkid without hyphens",
            V2,
            keypair_metadata(
                json!({ "__system__encrypted": "1", "__system__cmkid": "83cdb52d9ebf44699cfae7b5b80da846" }),
            ),
            &["cmkid-length"],
        ),
        case(
            "encrypted \"true\"",
            V2,
            keypair_metadata(json!({ "__system__encrypted": "true" })),
            &["encrypted-value"],
        ),
        case(
            "BYOL \"false\"",
            V2,
            keypair_metadata(json!({ "BYOL": "false" })),
            &["byol-value"],
        ),
        case(
            "mode \"stop\"",
            V2,
            keypair_with(json!({ "mode": "stop" })),
            &["mode-value"],
        ),
        case(
            "isAutoPay \"True\"",
            V2,
            keypair_with(json!({ "isAutoPay": "True" })),
            &["isautopay-value"],
        ),
        case(
            "empty keyname and userid",
            V2,
            body(json!({ "keyname": "", "userid": "", "imageid": IMAGE_ID })),
            &["too-short"],
        ),
        case(
            "imageid is an image name",
            V2,
            body(json!({ "keyname": KEY_NAME, "userid": USER_ID, "imageid": "CentOS 7.9 64bit" })),
            &["imageid-uuid"],
        ),
        // Login methods.
        case(
            "adminpass and keyname together",
            V2,
            body(json!({ "adminpass": "$ADMIN_PASS", "keyname": KEY_NAME, "userid": USER_ID, "imageid": IMAGE_ID })),
            &["adminpass-keyname-exclusive"],
        ),
        case(
            "no login method",
            V2,
            body(json!({ "imageid": IMAGE_ID, "mode": "withStopServer" })),
            &["login-method-required"],
        ),
        case(
            "adminpass with user_data",
            V2,
            body(json!({ "adminpass": "$ADMIN_PASS", "imageid": IMAGE_ID, "metadata": { "user_data": USER_DATA } })),
            &["adminpass-ignored-with-user-data"],
        ),
        case(
            "keyname without userid",
            V2,
            body(json!({ "keyname": KEY_NAME, "imageid": IMAGE_ID })),
            &["keyname-without-userid"],
        ),
        // The operation without cloud-init.
        case(
            "v1 with user_data",
            V1,
            body(json!({ "adminpass": "$ADMIN_PASS", "imageid": IMAGE_ID, "metadata": { "user_data": USER_DATA } })),
            &["unknown-member"],
        ),
        case(
            "v1 with neither adminpass nor keyname",
            V1,
            body(json!({ "imageid": IMAGE_ID, "mode": "withStopServer" })),
            &["adminpass-or-keyname-required"],
        ),
        case(
            "v1 with adminpass and keyname",
            V1,
            body(json!({ "adminpass": "$ADMIN_PASS", "keyname": KEY_NAME, "userid": USER_ID, "imageid": IMAGE_ID })),
            &["adminpass-keyname-both-v1"],
        ),
        // Everything wrong at once: every finding is reported, not just the first.
        case(
            "many mistakes at once",
            V2,
            body(json!({
                "adminpass": "short",
                "keyname": "",
                "imageid": "CentOS 7.9 64bit",
                "metadata": { "BYOL": "false", "__system__cmkid": "alias/disk-key" },
                "mode": "stop",
                "isAutoPay": true,
                "Mode": "withStopServer"
            })),
            &[
                "unknown-member",
                "adminpass-length",
                "adminpass-classes",
                "too-short",
                "imageid-uuid",
                "byol-value",
                "cmkid-length",
                "cmkid-needs-encrypted",
                "mode-value",
                "wrong-type",
                "adminpass-keyname-exclusive",
                "keyname-without-userid",
            ],
        ),
    ]
}

/// Each case fires exactly the rules it names.
#[test]
fn bad_payloads_fire_the_expected_rules() {
    let mut wrong = Vec::new();
    for case in bad_payloads() {
        let findings = case.operation.lint(&case.body);
        let fired: BTreeSet<&str> = rule_ids(&findings).into_iter().collect();
        let expected: BTreeSet<&str> = case.fires.iter().copied().collect();
        if fired != expected {
            wrong.push(format!("{}: expected {expected:?}, fired {fired:?}", case.name));
        }
    }
    assert!(wrong.is_empty(), "cases that fired other rules:\n{}", wrong.join("\n"));
}

/// The table exercises the whole catalog: a rule nobody triggers is a rule nobody tests.
#[test]
fn bad_payloads_cover_every_rule_of_the_catalog() {
    let fired: BTreeSet<&str> = bad_payloads()
        .iter()
        .flat_map(|case| rule_ids(&case.operation.lint(&case.body)))
        .collect();
    let catalog: BTreeSet<&str> = RULES.iter().map(|r| r.id).collect();
    assert_eq!(fired, catalog);
}

/// The findings of the whole table, rendered for review.
#[test]
fn bad_payloads_snapshot() {
    let mut out = String::new();
    for (index, case) in bad_payloads().iter().enumerate() {
        out.push_str(&format!(
            "## {:02} {} ({})\n{}\n",
            index + 1,
            case.name,
            case.operation.id(),
            abbreviate(case.operation, &case.body)
        ));
        out.push_str(&render(&case.operation.lint(&case.body)));
        out.push('\n');
    }
    insta::assert_snapshot!("bad_payloads", out);
}

/// One line per finding (severity, rule, pointer, message) and its help below it.
fn render(findings: &[Finding]) -> String {
    if findings.is_empty() {
        return "  (no finding)\n".to_owned();
    }
    let mut out = String::new();
    for f in findings {
        let pointer = if f.pointer.is_root() {
            "(root)"
        } else {
            f.pointer.as_str()
        };
        out.push_str(&format!("  {} {} at {pointer}: {}\n", f.severity, f.rule, f.message));
        if let Some(help) = &f.help {
            out.push_str(&format!("      help: {help}\n"));
        }
    }
    out
}

/// The canonical form, compact, with long strings shortened, so that the 43 692-character user
/// data stays readable in the snapshot. Canonical: passwords are `[redacted]`, as in every
/// snapshot (the case's name says what is wrong with them).
fn abbreviate(operation: Operation, value: &Value) -> String {
    fn shorten(value: &Value) -> Value {
        match value {
            Value::String(s) if s.len() > 80 => Value::String(format!("{}… ({} characters)", &s[..16], s.len())),
            Value::Array(items) => Value::Array(items.iter().map(shorten).collect()),
            Value::Object(members) => Value::Object(members.iter().map(|(k, v)| (k.clone(), shorten(v))).collect()),
            other => other.clone(),
        }
    }
    shorten(&operation.canonical(value)).to_string()
}

// ---------------------------------------------------------------------------------------------
// Details the snapshot shows but that matter enough to assert on their own

/// The help for a JSON boolean where a string is wanted tells how to write it.
#[test]
fn json_boolean_for_a_string_flag_gets_a_quoting_hint() {
    let findings = V2.lint(&keypair_with(json!({ "isAutoPay": true })));
    let [finding] = findings.as_slice() else {
        panic!("expected one finding, got {findings:#?}")
    };
    assert_eq!(finding.rule.id(), "wrong-type");
    assert_eq!(finding.pointer, "/os-change/isAutoPay");
    let help = finding.help.as_deref().expect("a help");
    assert!(help.contains("\"true\" (in quotes)"), "{help}");
}

/// Near misses name the member meant; a name that resembles nothing keeps the generic help.
#[test]
fn unknown_members_suggest_the_near_miss() {
    let cases = [
        (
            keypair_with(json!({ "imageId": IMAGE_ID })),
            "/os-change/imageId",
            Some("imageid"),
        ),
        (
            keypair_with(json!({ "adminPass": "$ADMIN_PASS" })),
            "/os-change/adminPass",
            Some("adminpass"),
        ),
        (
            keypair_with(json!({ "is_auto_pay": "true" })),
            "/os-change/is_auto_pay",
            Some("isAutoPay"),
        ),
        (
            keypair_with(json!({ "userId": USER_ID })),
            "/os-change/userId",
            Some("userid"),
        ),
        (
            keypair_metadata(json!({ "byol": "true" })),
            "/os-change/metadata/byol",
            Some("BYOL"),
        ),
        (
            keypair_metadata(json!({ "system__encrypted": "1" })),
            "/os-change/metadata/system__encrypted",
            Some("__system__encrypted"),
        ),
        (
            keypair_with(json!({ "flavorRef": "s6.large.2" })),
            "/os-change/flavorRef",
            None,
        ),
    ];
    for (payload, pointer, meant) in cases {
        let findings = V2.lint(&payload);
        let unknown: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.rule == changeos_models::catalog::UNKNOWN_MEMBER)
            .collect();
        let [finding] = unknown.as_slice() else {
            panic!("{pointer}: expected one unknown member, got {findings:#?}")
        };
        assert_eq!(finding.pointer, pointer);
        let help = finding.help.as_deref().unwrap_or_default();
        match meant {
            Some(name) => assert!(help.contains(&format!("did you mean `{name}`?")), "{pointer}: {help}"),
            None => assert!(!help.contains("did you mean"), "{pointer}: {help}"),
        }
    }
}

/// All the mistakes of a payload are reported, each at its own place.
#[test]
fn every_mistake_is_reported() {
    let cases = bad_payloads();
    let many = cases
        .iter()
        .find(|c| c.name == "many mistakes at once")
        .expect("the case");
    let findings = many.operation.lint(&many.body);
    let pointers: BTreeSet<&str> = findings.iter().map(|f| f.pointer.as_str()).collect();
    let expected: BTreeSet<&str> = [
        "/os-change",
        "/os-change/Mode",
        "/os-change/adminpass",
        "/os-change/keyname",
        "/os-change/imageid",
        "/os-change/metadata",
        "/os-change/metadata/BYOL",
        "/os-change/metadata/__system__cmkid",
        "/os-change/mode",
        "/os-change/isAutoPay",
    ]
    .into_iter()
    .collect();
    assert_eq!(pointers, expected);
    assert!(findings.len() >= 12, "{findings:#?}");
}

// ---------------------------------------------------------------------------------------------
// The catalog's own examples

/// `changeos explain` shows each rule's `bad` and `good` examples: they must be true.
#[test]
fn catalog_examples_fire_and_pass() {
    let mut wrong = Vec::new();
    for rule in RULES {
        let operation = Operation::from_id(rule.operation)
            .unwrap_or_else(|| panic!("{}: unknown operation {}", rule.id, rule.operation));
        let bad: Value = serde_json::from_str(rule.bad).unwrap_or_else(|e| panic!("{}: bad is not JSON: {e}", rule.id));
        let good: Value =
            serde_json::from_str(rule.good).unwrap_or_else(|e| panic!("{}: good is not JSON: {e}", rule.id));
        if !operation.lint(&bad).iter().any(|f| f.rule == **rule) {
            wrong.push(format!("{}: `bad` does not fire it", rule.id));
        }
        if operation.lint(&good).iter().any(|f| f.rule == **rule) {
            wrong.push(format!("{}: `good` fires it", rule.id));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// A finding carries the severity its rule has in the catalog.
#[test]
fn findings_carry_the_catalog_severity() {
    for case in bad_payloads() {
        for finding in case.operation.lint(&case.body) {
            let rule = RULES.iter().find(|r| finding.rule == ***r).expect("a catalog rule");
            assert_eq!(finding.severity, rule.severity, "{}: {}", case.name, finding.rule);
        }
    }
    // The doubtful cases are warnings, so that they do not fail a lint.
    for id in [
        "adminpass-doubtful-chars",
        "adminpass-username-run",
        "adminpass-contains-username",
        "login-method-required",
        "byol-value",
        "cmkid-needs-encryption-on",
        "too-short",
        "user-data-line-breaks",
        "keyname-without-userid",
        "adminpass-keyname-both-v1",
        "adminpass-ignored-with-user-data",
    ] {
        assert_eq!(
            changeos_validator::rules::parse(id).ok().map(|r| r.severity),
            Some(Severity::Warning),
            "{id}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Secrets

/// No message or help ever shows the password, whatever is wrong with it (or with the rest).
#[test]
fn passwords_never_leak_into_findings() {
    let passwords: Vec<Value> = vec![
        json!("Cloud.Pass-2024"),
        json!("Zq7!Wm3@Kp9$Rt"),
        json!("Ab1.xyz"),
        json!("Cloud.Pass-2024-Cloud.Pass1"),
        json!("Cloud Pass 2024"),
        json!("Cloud.Pässword1"),
        json!("cloudpass2024"),
        json!("Cloud~Pass#2024*"),
        json!("MyRoot.Pass24"),
        json!("Toor.Pass-2024"),
        json!("aDMINISTRATOR.1"),
        json!("Cloud.adm-2024"),
        json!("${ADMIN_PASS"),
        json!("$1Xq"),
        json!("pre$X_y"),
        json!(20240513),
        json!(31.5),
    ];
    for password in &passwords {
        let text = match password {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        // The password alone, and beside other mistakes whose messages quote values.
        let payloads = [
            body(json!({ "adminpass": password, "imageid": IMAGE_ID })),
            body(json!({
                "adminpass": password,
                "keyname": KEY_NAME,
                "imageid": "CentOS 7.9 64bit",
                "mode": "stop",
                "metadata": { "user_data": USER_DATA }
            })),
        ];
        for operation in Operation::ALL {
            for payload in &payloads {
                for finding in operation.lint(payload) {
                    let shown = [finding.message.as_str(), finding.help.as_deref().unwrap_or_default()];
                    for part in shown {
                        assert!(!part.contains(&text), "{text} leaked in {}: {part}", finding.rule);
                    }
                    assert!(!finding.to_string().contains(&text), "{text} leaked in {finding}");
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Fixes

/// (pointer, fix) of every finding that has a fix.
fn fixes(operation: Operation, body: &Value) -> Vec<(String, changeos_models::Fix)> {
    operation
        .lint(body)
        .into_iter()
        .filter_map(|f| Some((f.pointer.to_string(), f.fix?)))
        .collect()
}

#[test]
fn the_linter_proposes_the_fixes_the_spec_allows_and_no_other() {
    use changeos_models::Fix::{QuoteValue, RenameKey};
    let quote = |text: &str| QuoteValue { text: text.to_owned() };
    for operation in [V2, V1] {
        let found = fixes(
            operation,
            &json!({"os-change": {
                "ImageID": IMAGE_ID, "is-auto-pay": "true", "isAutoPay": true, "keyname": 350,
                "userid": 7, "adminpass": 12345678, "mode": true,
                "metadata": {"byol": true, "__system__encrypted": 1, "__system__cmkid": CMK_ID}
            }}),
        );
        assert_eq!(
            found,
            [
                ("/os-change/ImageID".to_owned(), RenameKey { to: "imageid" }),
                // `is-auto-pay` would clash with `isAutoPay`: no rename; the boolean is quoted.
                ("/os-change/isAutoPay".to_owned(), quote("true")),
                // Open strings take the number's text when it passes their rules.
                ("/os-change/keyname".to_owned(), quote("350")),
                ("/os-change/userid".to_owned(), quote("7")),
                // Not `adminpass` (a secret), not `mode` ("true" is not "withStopServer").
                ("/os-change/metadata/byol".to_owned(), RenameKey { to: "BYOL" }),
                ("/os-change/metadata/__system__encrypted".to_owned(), quote("1")),
            ],
            "{operation:?}"
        );
    }
    // An image ID that is a number is no UUID once quoted: no fix.
    assert_eq!(fixes(V2, &json!({"os-change": {"imageid": 1}})), []);
}

// ---------------------------------------------------------------------------------------------
// Rules exactly as certain as their sources (the vendor's pages 2018–2024, the SDK)

/// The rules and severities of `body`'s findings.
fn graded(operation: Operation, body: &Value) -> Vec<(&'static str, Severity)> {
    operation.lint(body).iter().map(|f| (f.rule.id(), f.severity)).collect()
}

/// The pages since 2022-10-27 allow no password, key pair or user data for images that keep
/// their password or get it reset afterwards: only the SDK and the older pages require one.
#[test]
fn no_login_method_is_a_warning() {
    let body = body(json!({ "imageid": IMAGE_ID, "mode": "withStopServer" }));
    assert_eq!(graded(V2, &body), [("login-method-required", Severity::Warning)]);
    let rule = changeos_validator::rules::parse("login-method-required").expect("rule");
    assert!(rule.explanation.contains("2022-10-27") && rule.explanation.contains("SDK"));
}

/// `~ # *` are on every page since 2019-12-10; only the 2018 pages and the SDK's text lack them.
#[test]
fn doubtful_chars_tell_the_history_the_right_way_round() {
    let findings = V2.lint(&password(json!("Cloud~Pass-2024")));
    assert_eq!(findings.len(), 1, "{findings:?}");
    let message = &findings[0].message;
    assert!(message.contains("since 2019-12-10"), "{message}");
    assert!(
        !message.contains("older docs") && !message.contains("current SDK"),
        "{message}"
    );
    let rule = changeos_validator::rules::parse("adminpass-doubtful-chars").expect("rule");
    assert!(rule.explanation.contains("2018-12-19") && rule.explanation.contains("stale"));
}

/// The user-name rules are for Windows only, and the payload does not say the image's OS.
#[test]
fn user_name_rules_are_windows_only_warnings() {
    for linux_like in ["Root.Pass-2024", "Toor.Pass-2024", "myroot.Pass1"] {
        assert_eq!(graded(V2, &password(json!(linux_like))), [], "{linux_like}");
    }
    assert_eq!(
        graded(V2, &password(json!("My.Administrator1"))),
        [
            ("adminpass-contains-username", Severity::Warning),
            ("adminpass-username-run", Severity::Warning)
        ]
    );
}

/// The vendor's 2018 examples send `"BYOL": "false"`; only the SDK calls it illegal.
#[test]
fn byol_false_is_a_warning() {
    assert_eq!(
        graded(V2, &keypair_metadata(json!({ "BYOL": "false" }))),
        [("byol-value", Severity::Warning)]
    );
    assert_eq!(graded(V2, &keypair_metadata(json!({ "BYOL": "true" }))), []);
}

/// No source says what a key beside `"0"` does, or forbids an empty key pair name; the pages
/// since 2022-10-27 say an empty `userid` means the token's user.
#[test]
fn rules_without_a_source_are_no_errors() {
    assert_eq!(
        graded(
            V2,
            &keypair_metadata(json!({ "__system__encrypted": "0", "__system__cmkid": CMK_ID }))
        ),
        [("cmkid-needs-encryption-on", Severity::Warning)]
    );
    assert_eq!(
        graded(
            V2,
            &body(json!({ "keyname": KEY_NAME, "userid": "", "imageid": IMAGE_ID }))
        ),
        []
    );
    assert_eq!(
        graded(
            V2,
            &body(json!({ "keyname": "", "userid": USER_ID, "imageid": IMAGE_ID }))
        ),
        [("too-short", Severity::Warning)]
    );
}

/// Base64 wrapped into lines (what `base64` prints by default) is a warning whose fix joins
/// the lines; the size is checked on the joined value.
#[test]
fn wrapped_base64_is_a_warning_with_a_fix() {
    let wrapped = "IyEvYmluL2Jhc2gKZWNobyBjaGFuZ2Vvcy1kb25lID4gL3Jvb3QvY2hhbmdl\r\nb3MudHh0Cg==\n";
    let findings = V2.lint(&user_data(wrapped));
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(
        (findings[0].rule.id(), findings[0].severity),
        ("user-data-line-breaks", Severity::Warning)
    );
    assert_eq!(
        findings[0].fix,
        Some(changeos_models::Fix::ReplaceString {
            text: "IyEvYmluL2Jhc2gKZWNobyBjaGFuZ2Vvcy1kb25lID4gL3Jvb3QvY2hhbmdlb3MudHh0Cg==".to_owned()
        })
    );
    // Too large once joined: both findings.
    let mut big = base64_of_zeros(40_000);
    big.insert(76, '\n');
    let rules = rule_ids(&V2.lint(&user_data(&big)));
    assert_eq!(rules, ["user-data-line-breaks", "user-data-size"]);
}

/// Length and kinds are "recommended" on every page and in the SDK: the explanation says so,
/// and why the rules are still errors.
#[test]
fn password_complexity_says_what_is_known_of_enforcement() {
    for id in ["adminpass-length", "adminpass-classes"] {
        let rule = changeos_validator::rules::parse(id).expect("rule");
        assert_eq!(rule.severity, Severity::Error, "{id}");
        for needle in ["recommend", "建议", "Ecs.0011", "2018-12-19"] {
            assert!(rule.explanation.contains(needle), "{id}: {needle}");
        }
    }
}
