//! Properties of `changeos fmt` over generated documents in arbitrary layouts (any whitespace,
//! CRLF, optional escapes, numbers in any notation, spec member names in any order): the JSON
//! value never changes (compared with object members sorted, so that only the layout may
//! differ), the output is a fixed point, and its layout is serde_json's pretty printer's. And
//! the source-preserving parse accepts exactly what serde_json accepts and reads the same value,
//! and `check`'s quick parse gives what its serde_json path gives.

use changeos_validator::Operation;
use changeos_validator::layout::{Outcome, format_source};
use changeos_validator::{parse, syntax};
use proptest::prelude::*;
use serde_json::{Map, Value};

const OPERATIONS: [Operation; 2] = [
    Operation::ChangeServerOsWithCloudInit,
    Operation::ChangeServerOsWithoutCloudInit,
];

/// A generated document: what it says, before it is written out.
#[derive(Debug, Clone)]
enum Doc {
    Null,
    Bool(bool),
    /// The number as it is written.
    Number(String),
    Str(String),
    Array(Vec<Doc>),
    Object(Vec<(String, Doc)>),
}

/// Member names of the spec (so that members get reordered) and others.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "os-change", "adminpass", "keyname", "userid", "imageid", "metadata", "mode", "isAutoPay",
            "__system__encrypted", "__system__cmkid", "user_data", "BYOL",
        ])
        .prop_map(str::to_owned),
        2 => "[a-zA-Z_é/\"\\\\-]{0,6}",
        1 => any::<String>(),
    ]
}

fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| f.to_string()),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| format!("{f:e}")),
        prop::sample::select(vec!["-0", "1.50", "1E+2", "0.1e-3", "18446744073709551616", "-12.0e-0"])
            .prop_map(str::to_owned),
    ]
}

fn doc() -> impl Strategy<Value = Doc> {
    let leaf = prop_oneof![
        Just(Doc::Null),
        any::<bool>().prop_map(Doc::Bool),
        number().prop_map(Doc::Number),
        any::<String>().prop_map(Doc::Str),
        "\\$[A-Z_]{1,8}".prop_map(Doc::Str),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Doc::Array),
            prop::collection::vec((key(), inner), 0..6).prop_map(|members| Doc::Object(unique(members))),
        ]
    })
}

/// A document whose root is usually a request body: an object with `os-change` in it.
fn body() -> impl Strategy<Value = Doc> {
    prop_oneof![
        3 => (doc(), prop::collection::vec((key(), doc()), 0..4)).prop_map(|(os_change, mut rest)| {
            rest.insert(rest.len() / 2, ("os-change".to_owned(), os_change));
            Doc::Object(unique(rest))
        }),
        1 => doc(),
    ]
}

/// Keeps the first of members with the same name: fmt refuses duplicates.
fn unique(members: Vec<(String, Doc)>) -> Vec<(String, Doc)> {
    let mut out: Vec<(String, Doc)> = Vec::new();
    for (k, v) in members {
        if !out.iter().any(|(seen, _)| *seen == k) {
            out.push((k, v));
        }
    }
    out
}

/// Writes a document, taking layout choices (whitespace, optional escapes) from `style`.
struct Writer<'s> {
    style: &'s [u8],
    next: usize,
    out: String,
}

impl Writer<'_> {
    fn choice(&mut self) -> u8 {
        let b = self.style[self.next % self.style.len()];
        self.next += 1;
        b
    }

    fn space(&mut self) {
        let ws = ["", "", " ", "\n", "\r\n", "\t", "\n    ", "  \r\n  "];
        let pick = ws[usize::from(self.choice()) % ws.len()];
        self.out.push_str(pick);
    }

    fn string(&mut self, s: &str) {
        self.out.push('"');
        for c in s.chars() {
            let escape_anyway = self.choice().is_multiple_of(5);
            match c {
                '"' => self.out.push_str("\\\""),
                '\\' => self.out.push_str("\\\\"),
                '\n' => self.out.push_str("\\n"),
                '\t' => self.out.push_str("\\t"),
                '/' if escape_anyway => self.out.push_str("\\/"),
                c if (c as u32) < 0x20 || escape_anyway => {
                    let mut units = [0u16; 2];
                    for unit in c.encode_utf16(&mut units) {
                        self.out.push_str(&format!("\\u{unit:04X}"));
                    }
                }
                c => self.out.push(c),
            }
        }
        self.out.push('"');
    }

    fn value(&mut self, doc: &Doc) {
        match doc {
            Doc::Null => self.out.push_str("null"),
            Doc::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            Doc::Number(n) => self.out.push_str(n),
            Doc::Str(s) => self.string(s),
            Doc::Array(items) => {
                self.out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.space();
                    self.value(item);
                    self.space();
                }
                self.space();
                self.out.push(']');
            }
            Doc::Object(members) => {
                self.out.push('{');
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.space();
                    self.string(k);
                    self.space();
                    self.out.push(':');
                    self.space();
                    self.value(v);
                    self.space();
                }
                self.space();
                self.out.push('}');
            }
        }
    }
}

fn write(doc: &Doc, style: &[u8]) -> String {
    let mut writer = Writer {
        style,
        next: 0,
        out: String::new(),
    };
    writer.space();
    writer.value(doc);
    writer.space();
    writer.out
}

/// `value` with every object's members sorted by name: the comparison ignores member order,
/// whatever `preserve_order` does to `Value`'s equality.
fn sorted(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut members: Vec<(String, Value)> = map.into_iter().map(|(k, v)| (k, sorted(v))).collect();
            members.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(members.into_iter().collect::<Map<String, Value>>())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

fn parsed(text: &str) -> Result<Value, TestCaseError> {
    serde_json::from_str(text).map_err(|e| TestCaseError::fail(format!("not JSON ({e}): {text:?}")))
}

fn formatted(operation: Operation, source: &str) -> Result<(String, bool), TestCaseError> {
    match format_source(operation, source.as_bytes()) {
        Outcome::Formatted { text, changed } => Ok((text, changed)),
        Outcome::Refused(report) => Err(TestCaseError::fail(format!(
            "refused {source:?}: {:?}",
            report.diagnostics
        ))),
    }
}

/// The decoded value of a source-preserving parse, built as serde_json builds it.
fn decoded(value: &syntax::Value<'_>) -> Value {
    match value {
        syntax::Value::Object(members) => {
            let mut map = Map::new();
            for m in members {
                map.insert(m.key.to_string(), decoded(&m.value));
            }
            Value::Object(map)
        }
        syntax::Value::Array(items) => Value::Array(items.iter().map(decoded).collect()),
        syntax::Value::String(raw) | syntax::Value::Number(raw) | syntax::Value::Literal(raw) => {
            serde_json::from_str(raw).unwrap_or(Value::Null)
        }
    }
}

proptest! {
    #![proptest_config(crate::common::proptest_config(256))]

    #[test]
    fn fmt_keeps_the_value_and_its_output_is_a_fixed_point(
        doc in body(),
        style in prop::collection::vec(any::<u8>(), 1..32),
        op in 0..2usize,
        bom in any::<bool>(),
    ) {
        let operation = OPERATIONS[op];
        let mut source = write(&doc, &style);
        let before = sorted(parsed(&source)?);
        if bom {
            source.insert(0, '\u{feff}');
        }
        let (text, changed) = formatted(operation, &source)?;
        prop_assert_eq!(changed, text != source);
        prop_assert_eq!(sorted(parsed(&text)?), before);
        prop_assert!(!text.contains('\r') && text.ends_with('\n') && !text.ends_with("\n\n"), "{:?}", text);
        let (again, changed_again) = formatted(operation, &text)?;
        prop_assert_eq!(&again, &text);
        prop_assert!(!changed_again);
    }

    #[test]
    fn the_layout_is_that_of_serde_jsons_pretty_printer(doc in body(), op in 0..2usize) {
        // Written by serde_json, the strings and numbers are as serde_json writes them; fmt
        // only moves members, and printing its output again changes nothing.
        let compact = serde_json::to_string(&parsed(&write(&doc, &[0]))?).expect("serialisable");
        let (text, _) = formatted(OPERATIONS[op], &compact)?;
        let pretty = serde_json::to_string_pretty(&parsed(&text)?).expect("serialisable") + "\n";
        prop_assert_eq!(text, pretty);
    }

}

/// Up to two edits of a written document: a character inserted or deleted, half of them just
/// before a bracket, comma, colon or quote, where a parser has the most decisions to make.
type Edits = Vec<(prop::sample::Index, bool, &'static str)>;

fn edits() -> impl Strategy<Value = Edits> {
    prop::collection::vec(
        (
            any::<prop::sample::Index>(),
            any::<bool>(),
            prop::sample::select(vec![
                "", ",", ":", "[", "]", "{", "}", "\"", "\\", "\\u", "0", "-", ".", "e", "t", " ", "\u{1}",
            ]),
        ),
        0..3,
    )
}

fn mutated(mut text: String, edits: Edits) -> String {
    for (at, structural, insert) in edits {
        let places: Vec<usize> = if structural {
            text.char_indices()
                .filter(|(_, c)| "[]{},:\"".contains(*c))
                .map(|(i, _)| i)
                .collect()
        } else {
            text.char_indices().map(|(i, _)| i).chain([text.len()]).collect()
        };
        let Some(&at) = places.get(at.index(places.len().max(1))) else {
            continue;
        };
        // An empty insertion deletes the character there instead.
        if insert.is_empty() {
            if let Some(c) = text[at..].chars().next() {
                text.replace_range(at..at + c.len_utf8(), "");
            }
        } else {
            text.insert_str(at, insert);
        }
    }
    text
}

proptest! {
    #![proptest_config(crate::common::proptest_config(1024))]

    #[test]
    fn the_source_preserving_parse_agrees_with_serde_json(
        doc in body(),
        style in prop::collection::vec(any::<u8>(), 1..32),
        edits in edits(),
    ) {
        let text = mutated(write(&doc, &style), edits);
        let ours = syntax::parse(&text);
        let theirs = serde_json::from_str::<Value>(&text);
        match (&ours, &theirs) {
            (Ok(document), Ok(value)) if document.trailing.is_none() => {
                prop_assert_eq!(&decoded(&document.value), value);
            }
            (_, Err(e)) if e.to_string().contains("number out of range") => {}
            (Ok(document), Err(e)) => prop_assert!(
                document.trailing.is_some(),
                "accepted what serde_json refuses ({}): {:?}", e, text
            ),
            (Ok(_), Ok(_)) => prop_assert!(false, "trailing content that serde_json accepts: {:?}", text),
            (Err(e), Ok(_)) => prop_assert!(false, "refused what serde_json accepts ({}): {:?}", e, text),
            (Err(_), Err(_)) => {}
        }
    }

    /// `check`'s parse takes a quick path for well-formed payloads and serde_json's for the
    /// rest: whichever it takes, the outcome (value, repeated names, trailing content, error
    /// and its position) is the one serde_json's path gives alone.
    #[test]
    fn the_quick_parse_gives_what_serde_jsons_path_gives(
        doc in body(),
        style in prop::collection::vec(any::<u8>(), 1..32),
        edits in edits(),
    ) {
        let text = mutated(write(&doc, &style), edits);
        let quick = parse::parse(&text);
        let slow = parse::parse_with_serde(&text);
        match (&quick, &slow) {
            (Ok(quick), Ok(slow)) => {
                prop_assert_eq!(&quick.value, &slow.value, "{:?}", text);
                prop_assert_eq!(&quick.duplicates, &slow.duplicates);
                prop_assert_eq!(quick.trailing, slow.trailing);
            }
            (Err(quick), Err(slow)) => prop_assert_eq!(quick, slow),
            _ => prop_assert!(false, "{:?} against {:?} on {:?}", quick.as_ref().err(), slow.as_ref().err(), text),
        }
    }
}

/// The quick path is taken where it pays: on the examples, on payloads with findings, and on
/// tens of KiB of user data.
#[test]
fn the_quick_parse_takes_payloads() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut texts: Vec<String> = std::fs::read_dir(&dir)
        .expect("examples/")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .map(|path| std::fs::read_to_string(path).expect("readable"))
        .collect();
    assert!(texts.len() >= 3, "examples/ holds {} payloads", texts.len());
    texts.push(r#"{"os-change": {"adminpass": "root1234", "imageid": "not-a-uuid", "isAutoPay": true, "metadata": {"__system__encrypted": 1}}}"#.to_owned());
    texts.push(format!(
        r#"{{"os-change": {{"metadata": {{"user_data": "{}"}}}}}}"#,
        "QUJD".repeat(10_000)
    ));
    for text in &texts {
        assert!(parse::takes_quick_path(text), "{text:.200}");
    }
}
