//! The changeos diagnostics engine: the bytes of a payload file in, located diagnostics out.
//!
//! [`check_source`] strips a byte-order mark, decodes UTF-8, parses (noting duplicate keys and
//! trailing content, see [`parse`]), runs the generated linter of one [`Operation`], looks for
//! literal secrets, and only when something was found maps pointers back to line and column
//! ([`locate`]). [`config`] then adjusts severities; [`run`] checks many files on every core
//! and hands the reports back in input order; [`render`] turns reports into text;
//! [`canonical`] gives a file's canonical, secret-safe form (`changeos render`). The engine
//! knows no command line and does no network I/O.
//!
//! [`layout`] lays payload files out in one canonical layout (`changeos fmt`), over
//! [`syntax`], a parse that keeps the source text of strings and numbers.

pub mod canonical;
pub mod config;
pub mod diagnostic;
pub mod files;
pub mod layout;
pub mod locate;
pub mod parse;
pub mod render;
pub mod rules;
pub mod run;
pub mod source;
pub mod syntax;

pub use changeos_models::lint::Operation;
pub use changeos_models::{RuleInfo, Severity};
pub use diagnostic::{Diagnostic, FileReport};

use changeos_models::support::canonical::looks_secret;
use changeos_models::support::json::Json;
use changeos_models::support::placeholder::is_placeholder;

use crate::locate::Wanted;
use crate::rules::{
    BYTE_ORDER_MARK, DUPLICATE_KEY, FILE_TOO_LARGE, INVALID_JSON, LITERAL_SECRET, TRAILING_CONTENT, UNREADABLE_FILE,
};
use crate::source::ReadError;

pub(crate) const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Lints one payload's bytes as a request body of `operation`.
pub fn check_source(operation: Operation, bytes: &[u8]) -> FileReport {
    let (has_bom, bytes) = match bytes.strip_prefix(BOM) {
        Some(rest) => (true, rest),
        None => (false, bytes),
    };
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => return not_utf8(bytes, &e),
    };
    let mut pending: Vec<Pending> = Vec::new();
    if has_bom {
        pending.push(Pending::at(
            &BYTE_ORDER_MARK,
            "the file starts with a byte-order mark (U+FEFF)".into(),
            (1, 1),
        ));
    }
    let parsed = match parse::parse(text) {
        Ok(parsed) => parsed,
        Err(e) => {
            pending.push(Pending::at(
                &INVALID_JSON,
                format!("not valid JSON: {}", e.message),
                (e.line, e.column),
            ));
            return finish(operation, text, pending);
        }
    };
    for duplicate in &parsed.duplicates {
        let name = duplicate
            .pointer
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .replace("~1", "/")
            .replace("~0", "~");
        pending.push(Pending::member(
            &DUPLICATE_KEY,
            format!("`{name}` appears more than once in this object; the server's reading is undefined"),
            None,
            (duplicate.pointer.clone(), duplicate.occurrence),
        ));
    }
    if let Some(position) = parsed.trailing {
        pending.push(Pending::at(
            &TRAILING_CONTENT,
            "content after the end of the JSON document".into(),
            position,
        ));
    }
    for finding in operation.lint_json(&parsed.value) {
        let rule = changeos_models::catalog::rule(finding.rule).unwrap_or(&INVALID_JSON);
        let mut entry = Pending::member(rule, finding.message, finding.help, (finding.pointer, locate::LAST));
        entry.severity = finding.severity;
        pending.push(entry);
    }
    for pointer in literal_secrets(operation, &parsed.value) {
        let name = pointer.rsplit('/').next().unwrap_or_default().to_owned();
        pending.push(Pending::member(
            &LITERAL_SECRET,
            format!("`{name}` holds a literal password; it should not be committed in a file"),
            Some(format!("write a placeholder such as \"$ADMIN_PASS\" and supply the value from the environment at send time (`{name}` is never printed)")),
            (pointer, locate::LAST),
        ));
    }
    finish(operation, text, pending)
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
        source: None,
    }
}

/// Pointers of secret members holding a literal value rather than a placeholder.
fn literal_secrets(operation: Operation, value: &Json<'_>) -> Vec<String> {
    operation
        .secret_pointers()
        .iter()
        .filter(|p| !p.contains('*'))
        .filter(|p| {
            value
                .pointer(p)
                .and_then(Json::as_str)
                .is_some_and(|s| !s.is_empty() && !is_placeholder(s))
        })
        .map(|p| (*p).to_owned())
        .collect()
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
        source: None,
    }
}

/// A diagnostic before its position is known.
struct Pending {
    rule: &'static RuleInfo,
    severity: Severity,
    message: String,
    help: Option<String>,
    place: Place,
}

enum Place {
    Member(Wanted),
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
        }
    }

    fn member(rule: &'static RuleInfo, message: String, help: Option<String>, wanted: Wanted) -> Self {
        Pending {
            rule,
            severity: rule.severity,
            message,
            help,
            place: Place::Member(wanted),
        }
    }
}

/// Places every pending diagnostic in the text (one pass), sorted by position.
fn finish(operation: Operation, text: &str, pending: Vec<Pending>) -> FileReport {
    if pending.is_empty() {
        return FileReport::default();
    }
    let wanted: Vec<Wanted> = pending
        .iter()
        .filter_map(|p| {
            if let Place::Member(w) = &p.place {
                Some(w.clone())
            } else {
                None
            }
        })
        .collect();
    // Members are wanted only in text that parsed: the scanner recurses and trusts the syntax, so
    // it must not walk a document that the parser refused (100,000 `[` would overflow the stack).
    let mut spans = if wanted.is_empty() {
        Vec::new()
    } else {
        locate::spans(text, &wanted)
    }
    .into_iter();
    let mut diagnostics: Vec<Diagnostic> = pending
        .into_iter()
        .map(|p| {
            let (pointer, span) = match p.place {
                Place::Member((pointer, _)) => (
                    pointer,
                    spans.next().unwrap_or(locate::Span {
                        start: (1, 1),
                        end: (1, 1),
                    }),
                ),
                Place::At(position) => (
                    String::new(),
                    locate::Span {
                        start: position,
                        end: position,
                    },
                ),
            };
            Diagnostic {
                rule: p.rule.id,
                severity: p.severity,
                message: p.message,
                pointer,
                line: span.start.0,
                column: span.start.1,
                end_line: span.end.0,
                end_column: span.end.1,
                help: p.help,
            }
        })
        .collect();
    diagnostics.sort_by_key(|d| (d.line, d.column));
    FileReport {
        diagnostics,
        source: Some(redact_secrets(operation, text)),
    }
}

/// The text renderers may quote, with the value of every secret member (`"adminpass": "..."`,
/// also spelt `adminPass` or `admin_pass`, anywhere, in a document that parsed or not) masked
/// by one `*` per character, so that lines and columns stay those of the file.
pub(crate) fn redact_secrets(operation: Operation, text: &str) -> String {
    // Misspelt secret members too (`adminPass`, `admin_pass`): an unknown member is quoted in
    // its own finding, and a password under a wrong name is still a password.
    let names = operation.shape().secret_names();
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut pos = 0;
    while let Some(quote) = memchr::memchr(b'"', bytes.get(pos..).unwrap_or_default()) {
        pos += quote;
        let (key_end, after_key) = string_end(bytes, pos);
        let key = &text[pos..after_key];
        pos = after_key;
        if key_end == after_key {
            continue; // not closed on its line: not a key
        }
        let raw = &key[1..key.len() - 1];
        let is_secret = if raw.contains('\\') {
            serde_json::from_str::<String>(key).is_ok_and(|key| looks_secret(&key, &names))
        } else {
            looks_secret(raw, &names)
        };
        if !is_secret {
            continue;
        }
        let mut at = skip_ws(bytes, after_key);
        if bytes.get(at) != Some(&b':') {
            continue;
        }
        at = skip_ws(bytes, at + 1);
        let (start, end) = match bytes.get(at) {
            Some(b'"') => {
                let (end, after) = string_end(bytes, at);
                pos = after;
                (at + 1, end)
            }
            Some(b'{' | b'[') | None => continue,
            Some(_) => {
                let end = at
                    + bytes[at..]
                        .iter()
                        .position(|b| matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
                        .unwrap_or(bytes.len() - at);
                pos = end;
                (at, end)
            }
        };
        out.push_str(&text[copied..start]);
        out.extend(std::iter::repeat_n('*', text[start..end].chars().count()));
        copied = end;
    }
    out.push_str(&text[copied..]);
    out
}

/// Where the string starting at the `"` at `start` ends: the offset of its closing quote and
/// the offset after it; both are the end of the line (or text) if it is not closed there.
fn string_end(bytes: &[u8], start: usize) -> (usize, usize) {
    let mut i = start + 1;
    while let Some(at) = memchr::memchr3(b'"', b'\n', b'\\', bytes.get(i..).unwrap_or_default()) {
        i += at;
        match bytes[i] {
            b'"' => return (i, i + 1),
            b'\n' => return (i, i),
            _ if bytes.get(i + 1).is_some_and(|b| *b != b'\n') => i += 2,
            _ => i += 1,
        }
    }
    (bytes.len(), bytes.len())
}

fn skip_ws(bytes: &[u8], mut at: usize) -> usize {
    while matches!(bytes.get(at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        at += 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    const V2: Operation = Operation::ChangeServerOsWithCloudInit;

    fn rules(report: &FileReport) -> Vec<&str> {
        report.diagnostics.iter().map(|d| d.rule).collect()
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
        let places: Vec<(&str, usize, usize)> = report.diagnostics.iter().map(|d| (d.rule, d.line, d.column)).collect();
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

    #[test]
    fn placeholders_are_not_literal_secrets() {
        let src =
            br#"{"os-change": {"adminpass": "${ADMIN_PASS}", "imageid": "e215580f-73ad-429d-b6f2-5433947433b0"}}"#;
        assert!(check_source(V2, src).diagnostics.is_empty());
    }

    #[test]
    fn passwords_are_masked_in_the_text_renderers_quote() {
        let masked = |text: &str| redact_secrets(V2, text);
        assert_eq!(masked(r#"{"adminpass": "Pa55-é!"}"#), r#"{"adminpass": "*******"}"#);
        assert_eq!(
            masked("{\"adminpass\" :\n  \"a\\\"b\", \"x\": \"adminpass\"}"),
            "{\"adminpass\" :\n  \"****\", \"x\": \"adminpass\"}"
        );
        assert_eq!(
            masked(r#"{"admin\u0070ass": 12345678}"#),
            r#"{"admin\u0070ass": ********}"#
        );
        assert_eq!(
            masked(r#"{"adminPass": "Typo-1", "ADMIN_PASS": "Typo-2", "admin": "x"}"#),
            r#"{"adminPass": "******", "ADMIN_PASS": "******", "admin": "x"}"#
        );
        assert_eq!(
            masked("{\"adminpass\": \"Pa55 not closed\n}"),
            "{\"adminpass\": \"***************\n}"
        );
        assert_eq!(
            masked(r#"{"adminpass": {"x": "y"}, "adminpass": ["z"]}"#),
            r#"{"adminpass": {"x": "y"}, "adminpass": ["z"]}"#
        );
        // In a file that does not parse, and in one that does.
        let report = check_source(V2, br#"{"os-change": {"adminpass": "Cloud.Pass-2024" "imageid": 1}}"#);
        assert!(
            !report.source.as_deref().unwrap_or_default().contains("Cloud.Pass"),
            "{report:?}"
        );
        let report = check_source(V2, br#"{"os-change": {"adminpass": "Cloud.Pass-2024"}}"#);
        assert_eq!(
            report.source.as_deref(),
            Some(r#"{"os-change": {"adminpass": "***************"}}"#)
        );
    }
}
