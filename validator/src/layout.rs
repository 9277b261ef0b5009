//! The standard layout of payload files, what `changeos fmt` writes: members in spec order
//! (the generated [`Shape`] of the request body, nested objects and arrays included), members
//! the spec does not know after the known ones in their original order, two spaces of
//! indentation, one member or element per line, `[]` and `{}` when empty, LF line ends, one
//! final newline and no byte-order mark. Strings, keys and numbers are copied as written
//! (`"\u00e9"` stays `"\u00e9"`, `1.50` stays `1.50`), so the JSON value never changes; nothing
//! is redacted.
//!
//! A file whose layout would be ambiguous is refused with the findings that say why: not
//! UTF-8 or not JSON (`invalid-json`), a key that appears twice (`duplicate-key`: which value
//! would be kept?), content after the document (`trailing-content`). Those are found by
//! [`crate::check_document`] on the same parse that is laid out, so that `fmt` and `check`
//! agree on them to the column.

use changeos_runtime::json::{Json, Member, Node};
use changeos_runtime::shape::{Shape, UNKNOWN};

use crate::rules::{AMBIGUOUS, DUPLICATE_KEY, TRAILING_CONTENT};
use crate::{Document, FileReport, Operation, Rule, check_document};

/// What formatting one payload gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The laid-out text; `changed` when it differs from the bytes that were read.
    Formatted { text: String, changed: bool },
    /// Not formatted: the findings that make the result ambiguous (or the reason the input
    /// could not be read), placed in the file.
    Refused(FileReport),
}

/// Formats one payload's bytes as a request body of `operation`.
pub fn format_source(operation: Operation, bytes: &[u8]) -> Outcome {
    let document = match Document::read(bytes) {
        Ok(document) => document,
        Err(report) => return Outcome::Refused(refusals(report)),
    };
    let report = refusals(check_document(operation, &document));
    match document.value() {
        Some(root) if report.diagnostics.is_empty() => {
            let formatted = layout(operation.shape(), document.text, root);
            let changed = formatted.as_bytes() != bytes;
            Outcome::Formatted {
                text: formatted,
                changed,
            }
        }
        _ => Outcome::Refused(report),
    }
}

/// Only the findings of `report` that stop `fmt`, each with the reason.
fn refusals(report: FileReport) -> FileReport {
    let diagnostics = report
        .diagnostics
        .into_iter()
        .filter(|d| AMBIGUOUS.contains(&d.rule))
        .map(|mut d| {
            d.help = Some(refusal_reason(d.rule).to_owned());
            d
        })
        .collect();
    FileReport {
        diagnostics,
        source: report.source,
        ..FileReport::default()
    }
}

/// The laid-out text of `root`, a value of `text`, ordered by `shape`, with its final
/// newline.
pub fn layout(shape: &Shape, text: &str, root: &Node<'_>) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    write_value(&mut out, text, shape, root, 0);
    out.push('\n');
    out
}

/// Why fmt refuses a file with a finding of `rule`, one of [`AMBIGUOUS`].
fn refusal_reason(rule: Rule) -> &'static str {
    if rule == DUPLICATE_KEY {
        "fmt cannot tell which of the values is meant: keep one, then run fmt again"
    } else if rule == TRAILING_CONTENT {
        "fmt cannot tell which content is meant: keep one JSON document, then run fmt again"
    } else {
        "fmt formats only JSON documents: fix the file (`changeos check` shows where), then run fmt again"
    }
}

fn write_value(out: &mut String, text: &str, shape: &Shape, node: &Node<'_>, depth: usize) {
    match &node.value {
        Json::Object(object) if object.is_empty() => out.push_str("{}"),
        Json::Array(items) if items.is_empty() => out.push_str("[]"),
        Json::Object(object) => {
            out.push('{');
            for (i, (member, member_shape)) in in_spec_order(shape, object.members()).into_iter().enumerate() {
                separate(out, i, depth + 1);
                out.push_str(&text[member.key.range()]);
                out.push_str(": ");
                write_value(out, text, member_shape, &member.node, depth + 1);
            }
            close(out, depth, '}');
        }
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                separate(out, i, depth + 1);
                write_value(out, text, shape.items(), item, depth + 1);
            }
            close(out, depth, ']');
        }
        // Scalars are copied as written: `"\u00e9"`, `1.50`.
        _ => out.push_str(&text[node.span.range()]),
    }
}

/// The members the spec knows, in its order, then the others in their order, each with the
/// shape of its value.
fn in_spec_order<'m, 'a>(shape: &Shape, members: &'m [Member<'a>]) -> Vec<(&'m Member<'a>, &'static Shape)> {
    let mut ordered: Vec<(usize, &'m Member<'a>, &'static Shape)> = members
        .iter()
        .map(|m| match shape.member(&m.name) {
            Some((position, member_shape)) => (position, m, member_shape),
            None => (usize::MAX, m, &UNKNOWN),
        })
        .collect();
    // Stable: unknown members (all `usize::MAX`) keep their relative order.
    ordered.sort_by_key(|(position, _, _)| *position);
    ordered.into_iter().map(|(_, m, s)| (m, s)).collect()
}

/// Starts the `index`th member or element on a line of its own.
fn separate(out: &mut String, index: usize, depth: usize) {
    if index > 0 {
        out.push(',');
    }
    out.push('\n');
    indent(out, depth);
}

fn close(out: &mut String, depth: usize, bracket: char) {
    out.push('\n');
    indent(out, depth);
    out.push(bracket);
}

fn indent(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const V2: Operation = Operation::ChangeServerOsWithCloudInit;

    fn formatted(source: &str) -> String {
        match format_source(V2, source.as_bytes()) {
            Outcome::Formatted { text, .. } => text,
            Outcome::Refused(report) => panic!("refused: {:?}", report.diagnostics),
        }
    }

    fn refused_rules(source: &[u8]) -> Vec<&'static str> {
        match format_source(V2, source) {
            Outcome::Refused(report) => report.diagnostics.iter().map(|d| d.rule.id()).collect(),
            Outcome::Formatted { text, .. } => panic!("formatted: {text}"),
        }
    }

    #[test]
    fn members_follow_the_spec_and_unknown_ones_keep_their_order() {
        let source = r#"{"z": 1, "os-change": {"zz": [], "mode": "withStopServer", "metadata": {"BYOL": "true", "__system__encrypted": "0"}, "imageid": "i", "aa": {}}, "a": [1, {"y": 2, "x": 1}]}"#;
        assert_eq!(
            formatted(source),
            r#"{
  "os-change": {
    "imageid": "i",
    "metadata": {
      "__system__encrypted": "0",
      "BYOL": "true"
    },
    "mode": "withStopServer",
    "zz": [],
    "aa": {}
  },
  "z": 1,
  "a": [
    1,
    {
      "y": 2,
      "x": 1
    }
  ]
}
"#
        );
    }

    #[test]
    fn a_laid_out_text_is_unchanged() {
        let laid_out = "{\n  \"os-change\": {\n    \"imageid\": \"\\u0069\"\n  }\n}\n";
        assert_eq!(
            format_source(V2, laid_out.as_bytes()),
            Outcome::Formatted {
                text: laid_out.to_owned(),
                changed: false
            }
        );
        let crlf = laid_out.replace('\n', "\r\n");
        assert_eq!(
            format_source(V2, crlf.as_bytes()),
            Outcome::Formatted {
                text: laid_out.to_owned(),
                changed: true
            }
        );
        let with_bom = format!("\u{feff}{laid_out}");
        assert_eq!(
            format_source(V2, with_bom.as_bytes()),
            Outcome::Formatted {
                text: laid_out.to_owned(),
                changed: true
            }
        );
    }

    #[test]
    fn ambiguous_files_are_refused_with_the_reason() {
        assert_eq!(refused_rules(b"{\"a\": 1, \"a\": 2}"), ["duplicate-key"]);
        assert_eq!(refused_rules(b"{\"a\": 1} {}"), ["trailing-content"]);
        assert_eq!(refused_rules(b"{\"a\": 1,}"), ["invalid-json"]);
        assert_eq!(refused_rules(b""), ["invalid-json"]);
        assert_eq!(refused_rules(b"{\"a\xff\": 1}"), ["invalid-json"]);
        assert_eq!(refused_rules(b"[1e400]"), ["invalid-json"]);
        let Outcome::Refused(report) = format_source(V2, b"{\n  \"a\": 1,\n  \"a\": 2\n}") else {
            panic!("formatted")
        };
        let d = &report.diagnostics[0];
        assert_eq!((d.line, d.column), (3, 3));
        assert!(
            d.help.as_deref().unwrap_or_default().contains("which of the values"),
            "{d:?}"
        );
    }

    #[test]
    fn other_findings_do_not_stop_it_and_secrets_are_kept() {
        let text = formatted(r#"{"os-change": {"adminpass": "Cloud.Pass-2024", "imageId": 5}}"#);
        assert_eq!(
            text,
            "{\n  \"os-change\": {\n    \"adminpass\": \"Cloud.Pass-2024\",\n    \"imageId\": 5\n  }\n}\n"
        );
    }
}
