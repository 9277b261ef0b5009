//! Properties of `--fix` over generated payloads whose member names are misspelled (case, `-`,
//! `_`) and whose string values are written as JSON booleans and numbers, in every layout: the
//! fixed file means what the original meant, except exactly where a fix was reported; fixing
//! twice changes nothing; no fix is left over; a secret's value is never touched.

use changeos_validator::fix::fix_source;
use changeos_validator::{Diagnostic, FixKind, Operation};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

const V2: Operation = Operation::ChangeServerOsWithCloudInit;

/// A spec name written otherwise: some letters in the other case, a `_` or `-` slipped in.
fn misspelled(name: &'static str) -> impl Strategy<Value = String> {
    let len = name.chars().count();
    (
        prop::collection::vec(any::<bool>(), len),
        prop::option::of((0..=len, prop::sample::select(vec!['_', '-']))),
    )
        .prop_map(move |(flips, insert)| {
            let mut out: Vec<char> = name
                .chars()
                .zip(flips)
                .map(|(c, flip)| {
                    if !flip {
                        c
                    } else if c.is_lowercase() {
                        c.to_ascii_uppercase()
                    } else {
                        c.to_ascii_lowercase()
                    }
                })
                .collect();
            if let Some((at, c)) = insert {
                out.insert(at, c);
            }
            out.into_iter().collect()
        })
}

/// A member's name: as the spec spells it (most often), misspelled, or both at once (a rename
/// that must not be made).
fn names(name: &'static str) -> impl Strategy<Value = Vec<String>> {
    prop_oneof![
        3 => Just(vec![name.to_owned()]),
        2 => misspelled(name).prop_map(|m| vec![m]),
        1 => misspelled(name).prop_map(move |m| vec![name.to_owned(), m]),
    ]
}

/// A value the spec wants as a string, written as a string or as the equivalent scalar (or a
/// scalar that is not equivalent to a closed value).
fn string_or_scalar(choices: Vec<Value>) -> impl Strategy<Value = Value> {
    prop::sample::select(choices)
}

/// Members of `os-change` (name, value) in a random order.
fn members() -> impl Strategy<Value = Vec<(String, Value)>> {
    let member = |name: &'static str, value: BoxedStrategy<Value>| {
        (names(name), value).prop_map(|(names, value)| {
            names
                .into_iter()
                .map(|n| (n, value.clone()))
                .collect::<Vec<(String, Value)>>()
        })
    };
    let metadata = (
        member(
            "BYOL",
            string_or_scalar(vec![json!("true"), json!(true), json!(false)]).boxed(),
        ),
        member(
            "__system__encrypted",
            string_or_scalar(vec![json!("0"), json!("1"), json!(0), json!(1), json!(1.0), json!(2)]).boxed(),
        ),
        member("user_data", Just(json!("aGk=")).boxed()),
        prop::collection::vec(any::<bool>(), 3),
    )
        .prop_map(|(byol, encrypted, user_data, keep)| {
            let mut object = Map::new();
            for (list, keep) in [byol, encrypted, user_data].into_iter().zip(keep) {
                if keep {
                    object.extend(list);
                }
            }
            Value::Object(object)
        });
    (
        member("imageid", Just(json!("e215580f-73ad-429d-b6f2-5433947433b0")).boxed()),
        member(
            "isAutoPay",
            string_or_scalar(vec![json!("true"), json!("false"), json!(true), json!(false), json!(1)]).boxed(),
        ),
        member(
            "mode",
            string_or_scalar(vec![json!("withStopServer"), json!(true)]).boxed(),
        ),
        member(
            "keyname",
            string_or_scalar(vec![json!("KeyPair-350b"), json!(350), json!(3.5e1)]).boxed(),
        ),
        member("userid", Just(json!("7e25b1da389f4697a79df3a0e5bd494e")).boxed()),
        // A password: a placeholder, a literal, or of the wrong type (never fixed).
        member(
            "adminpass",
            string_or_scalar(vec![
                json!("$ADMIN_PASS"),
                json!("Cloud.Pass-2024"),
                json!(12345678),
                json!(true),
            ])
            .boxed(),
        ),
        member("metadata", metadata.boxed()),
        prop::collection::vec(any::<bool>(), 7),
    )
        .prop_flat_map(|(a, b, c, d, e, f, g, keep)| {
            let chosen: Vec<(String, Value)> = [a, b, c, d, e, f, g]
                .into_iter()
                .zip(keep)
                .filter(|(_, keep)| *keep)
                .flat_map(|(list, _)| list)
                .collect();
            Just(chosen).prop_shuffle()
        })
}

/// How the file is written.
#[derive(Debug, Clone)]
struct Layout {
    pretty: bool,
    crlf: bool,
    bom: bool,
    final_newline: bool,
}

fn layout() -> impl Strategy<Value = Layout> {
    (any::<bool>(), any::<bool>(), prop::bool::weighted(0.2), any::<bool>()).prop_map(
        |(pretty, crlf, bom, final_newline)| Layout {
            pretty,
            crlf,
            bom,
            final_newline,
        },
    )
}

/// The body (`os-change` possibly misspelled too), and the bytes of its file.
fn payload() -> impl Strategy<Value = (Value, Vec<u8>)> {
    (names("os-change"), members(), layout()).prop_map(|(outer, members, layout)| {
        let inner: Map<String, Value> = members.into_iter().collect();
        let body: Map<String, Value> = outer.into_iter().map(|n| (n, Value::Object(inner.clone()))).collect();
        let body = Value::Object(body);
        let mut text = if layout.pretty {
            serde_json::to_string_pretty(&body).expect("serialisable")
        } else {
            body.to_string()
        };
        if layout.final_newline {
            text.push('\n');
        }
        if layout.crlf {
            text = text.replace('\n', "\r\n");
        }
        let mut bytes = if layout.bom {
            b"\xEF\xBB\xBF".to_vec()
        } else {
            Vec::new()
        };
        bytes.extend_from_slice(text.as_bytes());
        (body, bytes)
    })
}

fn parse(bytes: &[u8]) -> Value {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    serde_json::from_slice(bytes).expect("the payload is JSON")
}

/// `value` with what a reported fix says it did, done to the value rather than the text.
fn account_for(value: &mut Value, fixed: &Diagnostic) -> Result<(), TestCaseError> {
    let Some(fix) = &fixed.fix else {
        return Err(TestCaseError::fail(format!(
            "a fixed diagnostic without its fix: {fixed:?}"
        )));
    };
    let parent = fixed.pointer.parent().unwrap_or_default();
    let name = fixed.pointer.last().unwrap_or_default();
    match fix.kind {
        FixKind::RemoveByteOrderMark => {}
        FixKind::RenameKey => {
            let to: String = serde_json::from_str(&fix.replacement).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let Some(Value::Object(object)) = value.pointer_mut(parent.as_str()) else {
                return Err(TestCaseError::fail(format!("no object at {parent}")));
            };
            prop_assert!(!object.contains_key(&to), "renamed onto an existing `{}`", to);
            // Renamed in place: the member keeps its position.
            let renamed: Map<String, Value> = std::mem::take(object)
                .into_iter()
                .map(|(k, v)| if k == name { (to.clone(), v) } else { (k, v) })
                .collect();
            *object = renamed;
        }
        FixKind::QuoteValue => {
            let text: String =
                serde_json::from_str(&fix.replacement).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let Some(member) = value.pointer_mut(fixed.pointer.as_str()) else {
                return Err(TestCaseError::fail(format!("no value at {}", fixed.pointer)));
            };
            prop_assert!(
                member.is_boolean() || member.is_number(),
                "{:?} quoted {}",
                fixed,
                member
            );
            prop_assert_eq!(&member.to_string(), &text, "the string has the scalar's text");
            *member = Value::String(text);
        }
        FixKind::ReplaceString => {
            let text: String =
                serde_json::from_str(&fix.replacement).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let Some(member) = value.pointer_mut(fixed.pointer.as_str()) else {
                return Err(TestCaseError::fail(format!("no value at {}", fixed.pointer)));
            };
            let Some(old) = member.as_str() else {
                return Err(TestCaseError::fail(format!(
                    "{fixed:?} rewrote the non-string {member}"
                )));
            };
            // Only the line breaks go: the base64 decodes to the same bytes.
            prop_assert_eq!(old.replace(['\r', '\n'], ""), text.clone(), "only line breaks removed");
            *member = Value::String(text);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(crate::common::proptest_config(400))]

    #[test]
    fn fixes_change_the_value_only_where_reported((body, bytes) in payload()) {
        prop_assert_eq!(&parse(&bytes), &body);
        let fixed = fix_source(V2, &bytes, |_| {});
        let applied = fixed.report.fixed.clone().unwrap_or_default();

        // The fixed text is JSON, and the value is the original's with the reported fixes done.
        let mut expected = body.clone();
        for d in &applied {
            account_for(&mut expected, d)?;
        }
        prop_assert_eq!(parse(&fixed.bytes).to_string(), expected.to_string());
        prop_assert_eq!(fixed.changed(), fixed.bytes != bytes);

        // Nothing fixable is left, and fixing again changes nothing.
        prop_assert!(fixed.report.diagnostics.iter().all(|d| d.fix.is_none()), "{:?}", fixed.report);
        let again = fix_source(V2, &fixed.bytes, |_| {});
        prop_assert!(!again.changed(), "{:?}", again.report.fixed);
        prop_assert_eq!(&again.bytes, &fixed.bytes);

        // A password's value is never rewritten, and a secret never shows in what fixes say.
        for d in &applied {
            prop_assert!(
                !(d.pointer.last().as_deref() == Some("adminpass") && d.fix.as_ref().is_some_and(|f| f.kind == FixKind::QuoteValue)),
                "{:?}", d
            );
            let shown = format!("{} {:?} {:?}", d.message, d.help, d.fix);
            prop_assert!(!shown.contains("Cloud.Pass") && !shown.contains("12345678"), "{}", shown);
        }

        // The bytes outside the edits stay: only the layout-free parts changed, so the file
        // keeps its line endings, its indentation and its final newline (or lack of one).
        let text = String::from_utf8_lossy(&fixed.bytes);
        let original = String::from_utf8_lossy(&bytes);
        prop_assert_eq!(text.matches('\n').count(), original.matches('\n').count());
        prop_assert_eq!(text.matches("\r\n").count(), original.matches("\r\n").count());
        prop_assert_eq!(text.ends_with('\n'), original.ends_with('\n'));
    }
}

/// Not vacuous: the payloads have renames, quotes and a byte-order mark to fix, and renames
/// that must not be made.
#[test]
fn the_payloads_have_every_kind_of_fix_and_of_refusal() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let mut kinds = std::collections::BTreeMap::new();
    let mut refused_renames = 0;
    for _ in 0..300 {
        let (_, bytes) = payload().new_tree(&mut runner).expect("a payload").current();
        let fixed = fix_source(V2, &bytes, |_| {});
        for d in fixed.report.fixed.iter().flatten() {
            *kinds
                .entry(format!("{:?}", d.fix.as_ref().map(|f| f.kind)))
                .or_insert(0) += 1;
        }
        refused_renames += fixed
            .report
            .diagnostics
            .iter()
            .filter(|d| d.rule == changeos_models::catalog::UNKNOWN_MEMBER)
            .count();
    }
    for kind in ["Some(RenameKey)", "Some(QuoteValue)", "Some(RemoveByteOrderMark)"] {
        assert!(kinds.get(kind).copied().unwrap_or(0) >= 10, "{kind}: {kinds:?}");
    }
    assert!(refused_renames >= 10, "{refused_renames}");
}
