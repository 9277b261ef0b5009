//! Properties of `changeos fmt` over generated documents in arbitrary layouts (any whitespace,
//! CRLF, optional escapes, numbers in any notation, spec member names in any order): the JSON
//! value never changes (compared with object members sorted, so that only the layout may
//! differ), the output is a fixed point, and its layout is serde_json's pretty printer's. And
//! the one parse of payload text accepts exactly what serde_json accepts, reads the same value,
//! and refuses the rest with serde_json's error at serde_json's place.

use changeos_validator::Operation;
use changeos_validator::layout::{Outcome, format_source};
use changeos_validator::parse::{self, ParseError};
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
    #![proptest_config(crate::common::proptest_config(2048))]

    /// The parse agrees with serde_json on every text: the same value for what serde_json
    /// reads; for what it refuses, its error, as `check` has always said it (the oracle
    /// below, the mapping of serde_json's errors that `check` used before it had a parser
    /// of its own); content after a document is trailing content.
    #[test]
    fn the_parse_agrees_with_serde_json(
        doc in body(),
        style in prop::collection::vec(any::<u8>(), 1..32),
        edits in edits(),
    ) {
        let text = mutated(write(&doc, &style), edits);
        agrees_with_serde_json(&text)?;
    }
}

fn agrees_with_serde_json(text: &str) -> Result<(), TestCaseError> {
    use serde::Deserialize;
    let ours = parse::parse(text);
    let mut de = serde_json::Deserializer::from_str(text);
    match Value::deserialize(&mut de) {
        Ok(value) => {
            let document = ours.document().map(|root| root.value.to_value());
            prop_assert_eq!(document.as_ref(), Some(&value), "{:?}", text);
            let trailing = de.end().is_err();
            prop_assert_eq!(ours.trailing.is_some(), trailing, "{:?}", text);
        }
        Err(e) => {
            prop_assert_eq!(ours.error, Some(oracle::error(text, &e)), "{:?}", text);
        }
    }
    Ok(())
}

/// Texts where the two could part: every error of the grammar, at the start, the middle and
/// the end of a line, after non-ASCII text.
#[test]
fn the_parse_agrees_with_serde_json_on_each_error() {
    let cases = [
        "",
        " ",
        "\n",
        "{",
        "[",
        "}",
        "]",
        ",",
        ":",
        "\"",
        "'a'",
        "nul",
        "nulx",
        "tr",
        "fals",
        "-",
        "-x",
        "01",
        "1.",
        "1.x",
        "1e",
        "1e+",
        "1ex",
        "[1,]",
        "[1 2]",
        "[,1]",
        "[1,,2]",
        "{,}",
        "{\"a\"}",
        "{\"a\" 1}",
        "{\"a\":}",
        "{\"a\":1,}",
        "{\"a\":1 \"b\":2}",
        "{1:2}",
        "{\"a\":1]",
        "[1}",
        "\"a\tb\"",
        "\"a\nb\"",
        "\"\\x\"",
        "\"\\u12\"",
        "\"\\u12g4\"",
        "\"\\ud800\"",
        "\"\\ud800",
        "\"\\ud800\\",
        "\"\\ud800\\u",
        "\"\\ud800\\n\"",
        "\"\\udc00\"",
        "[1e400]",
        "-1e400",
        "1e99999999999",
        "0e99999999999",
        "123456789012345678901234567890",
        "-0",
        "-9223372036854775809",
        "{\"a\": 1} x",
        "1 2",
        "\u{3000}",
        "\"é\" x",
        "{\"é\": tru}",
        "[\"é\", é]",
        "{\n  \"a\": [1,\n  2,\n]\n}",
        "{\r\n\"a\":\r\n}",
    ];
    for text in cases {
        agrees_with_serde_json(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
    }
    let deep = "[".repeat(200) + &"]".repeat(200);
    agrees_with_serde_json(&deep).unwrap_or_else(|e| panic!("deep: {e}"));
}

/// How `check` turned serde_json's errors into its own before it had a parser of its own:
/// the specification the parse is held to.
mod oracle {
    use super::ParseError;

    pub fn error(text: &str, e: &serde_json::Error) -> ParseError {
        let message = e.to_string();
        let message = message
            .rsplit_once(" at line ")
            .map_or(message.as_str(), |(head, _)| head);
        let line_text = text.lines().nth(e.line().saturating_sub(1)).unwrap_or("");
        let mut at = e.column().saturating_sub(1).min(line_text.len());
        while !line_text.is_char_boundary(at) {
            at -= 1;
        }
        let mut syntax = true;
        let message = if text.trim().is_empty() {
            "the file is empty: expected a JSON object".to_owned()
        } else if e.is_eof() {
            format!("the document ends too early: {message}")
        } else if let Some(start) = (message == "number out of range")
            .then(|| number_before(line_text, at))
            .flatten()
        {
            at = start;
            syntax = false;
            "number out of range: the number here is valid JSON, but larger in magnitude than the largest \
             64-bit floating-point number (about 1.8e308), the most that changeos, like most JSON parsers, \
             can read"
                .to_owned()
        } else if let Some(escape) = ["unexpected end of hex escape", "lone leading surrogate in hex escape"]
            .contains(&message)
            .then(|| lone_surrogate(line_text.as_bytes(), at))
            .flatten()
        {
            at = escape;
            syntax = false;
            "lone surrogate: this `\\u` escape is one half of a UTF-16 pair (`\\ud800` to `\\udfff`; \
             `\\ud83d\\ude00` is one character) without its other half, so the string is no Unicode text"
                .to_owned()
        } else {
            message.to_owned()
        };
        ParseError {
            line: e.line().max(1),
            column: line_text[..at].chars().count() + 1,
            message,
            syntax,
        }
    }

    fn number_before(line: &str, end: usize) -> Option<usize> {
        let is_number = |b: &u8| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E');
        let head = line.as_bytes().get(..=end)?;
        let length = head.iter().rev().take_while(|b| is_number(b)).count();
        (length > 0).then(|| head.len() - length)
    }

    fn lone_surrogate(line: &[u8], end: usize) -> Option<usize> {
        let unit = |at: usize| {
            let hex = line.get(at + 2..at + 6)?;
            let hex = std::str::from_utf8(hex).ok()?;
            (line.get(at + 1) == Some(&b'u')).then(|| u16::from_str_radix(hex, 16).ok())?
        };
        let mut in_string = false;
        let mut at = 0;
        while at <= end && at < line.len() {
            match line[at] {
                b'"' => in_string = !in_string,
                b'\\' if in_string => {
                    match unit(at) {
                        Some(0xD800..=0xDBFF) => {
                            if !matches!(unit(at + 6), Some(0xDC00..=0xDFFF)) {
                                return Some(at);
                            }
                            at += 6;
                        }
                        Some(0xDC00..=0xDFFF) => return Some(at),
                        _ => {}
                    }
                    at += 1;
                }
                _ => {}
            }
            at += 1;
        }
        None
    }
}
