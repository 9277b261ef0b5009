//! The changeos diagnostics engine: the bytes of a payload file in, located diagnostics out.
//!
//! A payload is read once: [`Document::read`] strips a byte-order mark, decodes UTF-8 and
//! parses ([`parse`]) into the one tree that everything after reads: the values, with the byte
//! spans of every value and member name, repeated names, content after the document and the
//! first syntax error. [`check_document`] runs the generated linter of one [`Operation`] on
//! that tree, looks for literal secrets, and places each finding at its member ([`locate`]),
//! with the fixes the linter proposes turned into edits of the text; [`mask`] masks the
//! secrets of the text a report quotes, from the same tree.
//!
//! [`config`] then adjusts severities; [`run`] checks many files on every core and hands the
//! reports back in input order; [`fix`] applies the fixes (and diffs); [`render`] turns
//! reports into text; [`layout`] lays a payload out in the standard layout (`changeos fmt`)
//! and [`canonical`] gives its secret-safe canonical form (`changeos render`), both from the
//! tree; [`placeholders`] fills `send`'s placeholders from an environment it is given and
//! lints the filled values again. [`write`](mod@write) puts a fixed or formatted file in place
//! of the old one: the old bytes or the new, never half. The engine knows no command line,
//! reads no environment variables and does no network I/O.

#![forbid(unsafe_code)]

pub mod canonical;
pub mod config;
pub mod diagnostic;
pub mod files;
pub mod fix;
pub mod layout;
pub mod locate;
pub mod mask;
pub mod parse;
pub mod placeholders;
pub mod render;
pub mod rules;
pub mod run;
pub mod source;
pub mod write;

pub use changeos_models::lint::Operation;
pub use changeos_models::{Rule, RuleInfo, Severity};
/// The type of [`Diagnostic::pointer`].
pub use changeos_runtime::pointer::Pointer;
pub use diagnostic::{Diagnostic, FileReport, FixKind, TextFix};
pub use mask::MaskedSource;

use std::ops::Range;

use changeos_models::Fix;
use changeos_runtime::escape::escape_controls;
use changeos_runtime::json::{Json, Node};
use changeos_runtime::placeholder::is_placeholder;
use changeos_runtime::shape::Step;

use crate::locate::{Found, LineIndex, LineSpan, Locator, key_span};
use crate::parse::Parsed;
use crate::rules::{
    BYTE_ORDER_MARK, DUPLICATE_KEY, FILE_TOO_LARGE, INVALID_JSON, LITERAL_SECRET, TRAILING_CONTENT, UNREADABLE_FILE,
};
use crate::source::ReadError;

pub(crate) const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A payload's text (after any byte-order mark) and its one parse, which every command reads.
#[derive(Debug)]
pub struct Document<'a> {
    pub text: &'a str,
    /// Whether the bytes started with a byte-order mark (not part of `text`).
    pub bom: bool,
    pub parsed: Parsed<'a>,
}

impl<'a> Document<'a> {
    /// Decodes and parses a payload's bytes; bytes that are no UTF-8 text are a report.
    pub fn read(bytes: &'a [u8]) -> Result<Self, FileReport> {
        if let Some(encoding) = wide_encoding(bytes) {
            let message = format!(
                "the file is not UTF-8 text but {encoding}: JSON must be UTF-8; save it as UTF-8 (without a byte-order mark)"
            );
            return Err(FileReport {
                diagnostics: vec![Diagnostic::at(&INVALID_JSON, message, (1, 1))],
                ..FileReport::default()
            });
        }
        let (bom, bytes) = match bytes.strip_prefix(BOM) {
            Some(rest) => (true, rest),
            None => (false, bytes),
        };
        let text = std::str::from_utf8(bytes).map_err(|e| not_utf8(bytes, &e))?;
        Ok(Document {
            text,
            bom,
            parsed: parse::parse(text),
        })
    }

    /// The value of a text that is one JSON document (content after it aside).
    pub fn value(&self) -> Option<&Node<'a>> {
        self.parsed.document()
    }

    /// Where the text starts in the file: after the byte-order mark, if any.
    fn offset(&self) -> usize {
        if self.bom { BOM.len() } else { 0 }
    }
}

/// Lints one payload's bytes as a request body of `operation`.
pub fn check_source(operation: Operation, bytes: &[u8]) -> FileReport {
    match Document::read(bytes) {
        Ok(document) => check_document(operation, &document),
        Err(report) => report,
    }
}

/// Lints a read payload as a request body of `operation`.
pub fn check_document(operation: Operation, document: &Document<'_>) -> FileReport {
    let mut pending: Vec<Pending> = Vec::new();
    if document.bom {
        let mut entry = Pending::at(
            &BYTE_ORDER_MARK,
            "the file starts with a byte-order mark (U+FEFF)".into(),
            (1, 1),
        );
        entry.fix = Some(Proposed::RemoveBom);
        pending.push(entry);
    }
    let parsed = &document.parsed;
    if let Some(e) = &parsed.error {
        let message = if e.syntax {
            format!("not valid JSON: {}", e.message)
        } else {
            e.message.clone()
        };
        pending.push(Pending::at(&INVALID_JSON, message, (e.line, e.column)));
        return finish(operation, document, pending);
    }
    let Some(root) = parsed.document() else {
        return finish(operation, document, pending);
    };
    if parsed.repeats {
        for (pointer, key) in repeated_keys(root) {
            let name = shown_name(&pointer);
            pending.push(Pending::place(
                &DUPLICATE_KEY,
                format!("`{name}` appears more than once in this object; the server's reading is undefined"),
                None,
                Place::Key(pointer, key),
            ));
        }
    }
    if let Some(offset) = parsed.trailing {
        let position = locate::line_column(document.text, offset);
        pending.push(Pending::at(
            &TRAILING_CONTENT,
            "content after the end of the JSON document".into(),
            position,
        ));
    }
    for finding in operation.lint_json(&root.value) {
        let mut entry = Pending::place(
            finding.rule.info(),
            finding.message,
            finding.help,
            Place::Member(finding.pointer),
        );
        entry.severity = finding.severity;
        entry.fix = finding.fix.map(Proposed::Model);
        pending.push(entry);
    }
    for pointer in literal_secrets(operation, &root.value) {
        let name = shown_name(&pointer);
        pending.push(Pending::place(
            &LITERAL_SECRET,
            format!("`{name}` holds a literal password; it should not be committed in a file"),
            Some(format!("write a placeholder such as \"$ADMIN_PASS\" and supply the value from the environment at send time (`{name}` is never printed)")),
            Place::Member(pointer),
        ));
    }
    finish(operation, document, pending)
}

/// The pointer and key of every later appearance of a repeated name.
fn repeated_keys(root: &Node<'_>) -> Vec<(Pointer, Range<usize>)> {
    fn walk(node: &Node<'_>, path: &mut Pointer, out: &mut Vec<(Pointer, Range<usize>)>) {
        match &node.value {
            Json::Object(object) => {
                for member in object.members() {
                    path.push(&member.name);
                    if member.repeat > 0 {
                        out.push((path.clone(), member.key.range()));
                    }
                    walk(&member.node, path, out);
                    path.pop();
                }
            }
            Json::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    path.push_index(index);
                    walk(item, path, out);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(root, &mut Pointer::root(), &mut out);
    out
}

/// A report for a payload that could not be read.
pub fn read_error_report(error: &ReadError) -> FileReport {
    let diagnostic = match error {
        ReadError::Unreadable(why) => Diagnostic::at(&UNREADABLE_FILE, format!("cannot read the file: {why}"), (1, 1)),
        ReadError::Directory => Diagnostic::at(
            &UNREADABLE_FILE,
            "cannot read the file: it is a directory".to_owned(),
            (1, 1),
        ),
        ReadError::TooLarge(size) => Diagnostic::at(
            &FILE_TOO_LARGE,
            match size {
                Some(size) => format!(
                    "the file has {size} bytes, more than the {} a request body can have",
                    source::MAX_FILE_BYTES
                ),
                None => format!(
                    "the input has more than the {} bytes a request body can have",
                    source::MAX_FILE_BYTES
                ),
            },
            (1, 1),
        ),
    };
    FileReport {
        diagnostics: vec![diagnostic],
        ..FileReport::default()
    }
}

/// Pointers of secret members (as the request body's shape marks them) holding a literal
/// value rather than a placeholder.
fn literal_secrets(operation: Operation, root: &Json<'_>) -> Vec<Pointer> {
    fn follow(value: &Json<'_>, path: &[Step], at: &mut Pointer, out: &mut Vec<Pointer>) {
        match (path.split_first(), value) {
            (None, Json::String(s)) if !s.is_empty() && !is_placeholder(s) => out.push(at.clone()),
            (Some((Step::Member(name), rest)), Json::Object(object)) => {
                if let Some(value) = object.get(name) {
                    at.push(name);
                    follow(value, rest, at, out);
                    at.pop();
                }
            }
            (Some((Step::Item, rest)), Json::Array(items)) => {
                for (index, item) in items.iter().enumerate() {
                    at.push_index(index);
                    follow(&item.value, rest, at, out);
                    at.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for path in &mask::secrets(operation).paths {
        follow(root, path, &mut Pointer::root(), &mut out);
    }
    out
}

/// The UTF-16 or UTF-32 encoding that `bytes` are in, told by their byte-order mark or, without
/// one, by where the zero bytes of the first character fall (RFC 4627, section 3: JSON text
/// starts with an ASCII character). Either way the text cannot be JSON as UTF-8: UTF-8 has no
/// bytes FF and FE, and a JSON text holds no NUL, least of all in its first two bytes.
fn wide_encoding(bytes: &[u8]) -> Option<&'static str> {
    Some(match bytes {
        [0xFF, 0xFE, 0, 0, ..] => "UTF-32 (little-endian, with a byte-order mark)",
        [0, 0, 0xFE, 0xFF, ..] => "UTF-32 (big-endian, with a byte-order mark)",
        [0xFF, 0xFE, ..] => "UTF-16 (little-endian, with a byte-order mark)",
        [0xFE, 0xFF, ..] => "UTF-16 (big-endian, with a byte-order mark)",
        [0, 0, 0, a, ..] if *a != 0 => "seems to be UTF-32 (big-endian)",
        [a, 0, 0, 0, ..] if *a != 0 => "seems to be UTF-32 (little-endian)",
        [0, a, ..] if *a != 0 => "seems to be UTF-16 (big-endian)",
        [a, 0, ..] if *a != 0 => "seems to be UTF-16 (little-endian)",
        _ => return None,
    })
}

fn not_utf8(bytes: &[u8], error: &std::str::Utf8Error) -> FileReport {
    let valid = String::from_utf8_lossy(&bytes[..error.valid_up_to()]).into_owned();
    let position = locate::line_column(&valid, valid.len());
    let message = format!(
        "the file is not UTF-8 text: invalid byte at offset {}",
        error.valid_up_to()
    );
    FileReport {
        diagnostics: vec![Diagnostic::at(&INVALID_JSON, message, position)],
        ..FileReport::default()
    }
}

/// A fix before it is placed in the text.
enum Proposed {
    /// Proposed by the generated linter.
    Model(Fix),
    RemoveBom,
}

/// A diagnostic before its position is known.
struct Pending {
    rule: &'static RuleInfo,
    severity: Severity,
    message: String,
    help: Option<String>,
    place: Place,
    fix: Option<Proposed>,
}

enum Place {
    /// The member at a pointer: its last appearance, the one a parse keeps.
    Member(Pointer),
    /// A member whose key is known to be at these bytes.
    Key(Pointer, Range<usize>),
    At((usize, usize)),
}

impl Pending {
    fn at(rule: &'static RuleInfo, message: String, position: (usize, usize)) -> Self {
        Pending {
            rule,
            severity: rule.severity,
            message,
            help: rule.help.map(str::to_owned),
            place: Place::At(position),
            fix: None,
        }
    }

    fn place(rule: &'static RuleInfo, message: String, help: Option<String>, place: Place) -> Self {
        Pending {
            rule,
            severity: rule.severity,
            message,
            help,
            place,
            fix: None,
        }
    }
}

/// Places every pending diagnostic in the text, sorted by position, with its fix.
fn finish(operation: Operation, document: &Document<'_>, pending: Vec<Pending>) -> FileReport {
    if pending.is_empty() {
        return FileReport::default();
    }
    let text = document.text;
    let mut locator = document.value().map(Locator::new);
    let lines = LineIndex::new(text);
    let mut diagnostics: Vec<Diagnostic> = pending
        .into_iter()
        .map(|p| {
            let (pointer, place, span) = match p.place {
                Place::Member(pointer) => {
                    let place = locator.as_mut().and_then(|l| l.find(&pointer));
                    let span = key_span(text, &lines, place.as_ref());
                    (pointer, place, span)
                }
                Place::Key(pointer, key) => (pointer, None, lines.span(text, &key)),
                Place::At(position) => (
                    Pointer::root(),
                    None,
                    LineSpan {
                        start: position,
                        end: position,
                    },
                ),
            };
            let fix = p
                .fix
                .and_then(|fix| text_fix(operation, document, &lines, fix, &pointer, place.as_ref()));
            Diagnostic {
                rule: p.rule.into(),
                severity: p.severity,
                message: p.message,
                pointer,
                line: span.start.0,
                column: span.start.1,
                end_line: span.end.0,
                end_column: span.end.1,
                help: p.help,
                fix,
            }
        })
        .collect();
    diagnostics.sort_by_key(|d| (d.line, d.column));
    fix::drop_overlapping(&mut diagnostics);
    FileReport {
        diagnostics,
        source: Some(Box::new(MaskedSource::parsed(operation, text, &document.parsed))),
        ..FileReport::default()
    }
}

/// The edit of a proposed fix, or `None` when it is not safe here: the member is (or is inside)
/// a duplicated key, whose reading is undefined; the value is a secret's; the file spells the
/// value otherwise than the fix assumes (`1.0`, `1e0` for `1`).
fn text_fix(
    operation: Operation,
    document: &Document<'_>,
    lines: &LineIndex,
    fix: Proposed,
    pointer: &Pointer,
    place: Option<&Found>,
) -> Option<TextFix> {
    let (kind, range, message, replacement) = match &fix {
        Proposed::RemoveBom => {
            return Some(TextFix {
                kind: FixKind::RemoveByteOrderMark,
                message: "remove the byte-order mark".to_owned(),
                start: 0,
                end: BOM.len(),
                replacement: String::new(),
                line: 1,
                column: 1,
                end_line: 1,
                end_column: 1,
            });
        }
        Proposed::Model(model) => {
            let place = place.filter(|p| !p.in_repeated)?;
            let replacement = model.replacement();
            match model {
                Fix::QuoteValue { text } => {
                    if mask::is_secret_pointer(operation, pointer)
                        || document.text.get(place.value.clone()) != Some(text)
                    {
                        return None;
                    }
                    let message = format!("replace `{text}` with `{replacement}`");
                    (FixKind::QuoteValue, place.value.clone(), message, replacement)
                }
                Fix::ReplaceString { .. } => {
                    // The whole string is rewritten, whatever its escapes: the replacement is
                    // computed from the decoded value, never from the file's spelling.
                    let message = "remove the line breaks from the value".to_owned();
                    (FixKind::ReplaceString, place.value.clone(), message, replacement)
                }
                Fix::RenameKey { to } => {
                    let message = format!("replace `{}` with `{to}`", shown_name(pointer));
                    (FixKind::RenameKey, place.key.clone(), message, replacement)
                }
            }
        }
    };
    let span = lines.span(document.text, &range);
    Some(TextFix {
        kind,
        message,
        start: document.offset() + range.start,
        end: document.offset() + range.end,
        replacement,
        line: span.start.0,
        column: span.start.1,
        end_line: span.end.0,
        end_column: span.end.1,
    })
}

/// The last token of a pointer as a member name, control characters escaped.
fn shown_name(pointer: &Pointer) -> String {
    escape_controls(&pointer.last().unwrap_or_default()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const V2: Operation = Operation::ChangeServerOsWithCloudInit;

    fn rules(report: &FileReport) -> Vec<&str> {
        report.diagnostics.iter().map(|d| d.rule.id()).collect()
    }

    #[test]
    fn clean_file_has_no_diagnostics_and_keeps_no_text() {
        let src =
            br#"{"os-change": {"imageid": "e215580f-73ad-429d-b6f2-5433947433b0", "keyname": "k", "userid": "u"}}"#;
        let report = check_source(V2, src);
        assert!(report.diagnostics.is_empty());
        assert!(report.source.is_none());
    }

    #[test]
    fn findings_are_located_at_their_member_and_sorted() {
        let src = b"{\n  \"os-change\": {\n    \"mode\": \"stop\",\n    \"imageid\": \"nope\",\n    \"keyname\": \"k\"\n  }\n}\n";
        let report = check_source(V2, src);
        let places: Vec<(&str, usize, usize)> = report
            .diagnostics
            .iter()
            .map(|d| (d.rule.id(), d.line, d.column))
            .collect();
        assert_eq!(
            places,
            [
                ("keyname-without-userid", 2, 3),
                ("mode-value", 3, 5),
                ("imageid-uuid", 4, 5)
            ]
        );
        assert_eq!(report.diagnostics[2].pointer, "/os-change/imageid");
        assert_eq!(
            (report.diagnostics[2].end_line, report.diagnostics[2].end_column),
            (4, 13)
        );
    }

    #[test]
    fn parse_errors_and_bad_encodings_are_findings() {
        let report = check_source(V2, b"{\n  \"os-change\": {,}\n}");
        assert_eq!(rules(&report), ["invalid-json"]);
        assert_eq!((report.diagnostics[0].line, report.diagnostics[0].column), (2, 17));
        let report = check_source(V2, b"   \n");
        assert_eq!(
            report.diagnostics[0].message,
            "not valid JSON: the file is empty: expected a JSON object"
        );
        let report = check_source(V2, b"{\"a\xff\": 1}");
        assert!(
            report.diagnostics[0].message.contains("not UTF-8"),
            "{:?}",
            report.diagnostics
        );
        assert!(report.has_errors());
    }

    #[test]
    fn source_level_findings() {
        let src = "\u{feff}{\"os-change\": {\"adminpass\": \"Cloud.Pass-2024\", \"imageid\": \"e215580f-73ad-429d-b6f2-5433947433b0\", \"imageid\": \"e215580f-73ad-429d-b6f2-5433947433b0\"}} x";
        let report = check_source(V2, src.as_bytes());
        assert_eq!(
            rules(&report),
            ["byte-order-mark", "literal-secret", "duplicate-key", "trailing-content"]
        );
        let duplicate = &report.diagnostics[2];
        assert_eq!(
            (duplicate.pointer.as_str(), duplicate.column),
            ("/os-change/imageid", 99)
        ); // the second `imageid`
        let all = format!("{report:?}");
        assert!(
            !report
                .diagnostics
                .iter()
                .any(|d| d.message.contains("Cloud.Pass") || d.help.as_deref().unwrap_or("").contains("Cloud.Pass")),
            "{all}"
        );
    }

    /// (rule, the fixed text of the fix's range, its replacement) of every fix of `src`.
    fn fixes(src: &[u8]) -> Vec<(&'static str, String, String)> {
        check_source(V2, src)
            .diagnostics
            .into_iter()
            .filter_map(|d| {
                let fix = d.fix?;
                let original = String::from_utf8_lossy(&src[fix.start..fix.end]).into_owned();
                Some((d.rule.id(), original, fix.replacement))
            })
            .collect()
    }

    #[test]
    fn fixes_are_placed_at_the_key_or_the_value_in_file_offsets() {
        let src = "\u{feff}{\"os-change\": {\"image\\u0049d\": \"e215580f-73ad-429d-b6f2-5433947433b0\", \"isAutoPay\" :\r\n true, \"keyname\": 7, \"userid\": \"u\", \"metadata\": {\"byol\": \"true\", \"__system__encrypted\": 1}}}";
        assert_eq!(
            fixes(src.as_bytes()),
            [
                ("byte-order-mark", "\u{feff}".to_owned(), String::new()),
                (
                    "unknown-member",
                    "\"image\\u0049d\"".to_owned(),
                    "\"imageid\"".to_owned()
                ),
                ("wrong-type", "true".to_owned(), "\"true\"".to_owned()),
                ("wrong-type", "7".to_owned(), "\"7\"".to_owned()),
                ("unknown-member", "\"byol\"".to_owned(), "\"BYOL\"".to_owned()),
                ("wrong-type", "1".to_owned(), "\"1\"".to_owned()),
            ]
        );
        let report = check_source(V2, src.as_bytes());
        let quote = report
            .diagnostics
            .iter()
            .find_map(|d| d.fix.as_ref().filter(|f| f.kind == FixKind::QuoteValue))
            .expect("a quote fix");
        assert_eq!(
            (quote.line, quote.column, quote.end_line, quote.end_column),
            (2, 2, 2, 5)
        );
        assert_eq!(quote.message, "replace `true` with `\"true\"`");
        let rename = report
            .diagnostics
            .iter()
            .find_map(|d| d.fix.as_ref().filter(|f| f.kind == FixKind::RenameKey));
        assert_eq!(
            rename.map(|f| f.message.as_str()),
            Some("replace `imageId` with `imageid`")
        );
    }

    #[test]
    fn no_fix_where_meaning_could_change() {
        for src in [
            // A value that is not one of the closed values, or spelled otherwise than its string.
            r#"{"os-change": {"isAutoPay": 1, "BYOL": false, "imageid": "e215580f-73ad-429d-b6f2-5433947433b0"}}"#,
            r#"{"os-change": {"metadata": {"__system__encrypted": 1.0, "BYOL": false}, "mode": 1e0}}"#,
            r#"{"os-change": {"metadata": {"__system__encrypted": 1E0}, "imageid": 1}}"#,
            // A secret's value.
            r#"{"os-change": {"adminpass": 12345678, "imageid": "e215580f-73ad-429d-b6f2-5433947433b0"}}"#,
            // Two names that would become one, or a name that is there already.
            r#"{"os-change": {"imageId": "a", "image_id": "b"}}"#,
            r#"{"os-change": {"imageId": "a", "imageid": "e215580f-73ad-429d-b6f2-5433947433b0"}}"#,
            // A near miss that is not the same name in another case.
            r#"{"os-change": {"imagid": "e215580f-73ad-429d-b6f2-5433947433b0"}}"#,
            // Inside a duplicated member, whose reading is undefined.
            r#"{"os-change": {"imageId": "a"}, "os-change": {"isAutoPay": true, "imageId": "b"}}"#,
            r#"{"os-change": {"isAutoPay": true, "isAutoPay": false}}"#,
        ] {
            assert_eq!(fixes(src.as_bytes()), [], "{src}");
        }
    }

    #[test]
    fn placeholders_are_not_literal_secrets() {
        let src =
            br#"{"os-change": {"adminpass": "${ADMIN_PASS}", "imageid": "e215580f-73ad-429d-b6f2-5433947433b0"}}"#;
        assert!(check_source(V2, src).diagnostics.is_empty());
    }

    #[test]
    fn reports_quote_the_text_with_its_passwords_masked() {
        // In a file that does not parse, and in one that does.
        let report = check_source(V2, br#"{"os-change": {"adminpass": "Cloud.Pass-2024" "imageid": 1}}"#);
        let source = report.source.as_deref().map(MaskedSource::text).unwrap_or_default();
        assert!(!source.contains("Cloud.Pass"), "{report:?}");
        let report = check_source(V2, br#"{"os-change": {"adminpass": "Cloud.Pass-2024"}}"#);
        assert_eq!(
            report.source.as_deref().map(MaskedSource::text),
            Some(r#"{"os-change": {"adminpass": "****"}}"#)
        );
        // A password under a near-miss name, of any type.
        let report = check_source(
            V2,
            b"{\"os-change\": {\"adminpas\": [\"Arr.Pass-1\"], \"admin_pass\": {\"k\": \"Obj.Pass-2\"}}}",
        );
        assert_eq!(
            report.source.as_deref().map(MaskedSource::text),
            Some(r#"{"os-change": {"adminpas": ****, "admin_pass": ****}}"#)
        );
    }

    fn at(text: &str) -> Pointer {
        Pointer::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn no_quote_fix_for_a_value_inside_a_secret() {
        for pointer in [
            "/os-change/adminpass",
            "/os-change/adminPass/0",
            "/x/admin_pass/y",
            "/adminpas",
        ] {
            assert!(mask::is_secret_pointer(V2, &at(pointer)), "{pointer}");
        }
        for pointer in ["", "/os-change/imageid", "/os-change/metadata/BYOL", "/admin"] {
            assert!(!mask::is_secret_pointer(V2, &at(pointer)), "{pointer}");
        }
    }
}
