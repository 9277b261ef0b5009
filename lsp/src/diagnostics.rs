//! A document's findings as LSP diagnostics: the same findings `changeos check` prints, with
//! the rule id as the code and `changeos` as the source. Messages are the linter's, which never
//! quote a secret.

use std::path::Path;

use changeos_validator::config::Config;
use changeos_validator::{Document, FileReport, Operation, Severity, check_document};
use lsp_types::{Diagnostic, DiagnosticSeverity, NumberOrString};

use crate::encoding::{Encoding, Lines};

/// The member a change-OS payload has at its top level.
const PAYLOAD_MEMBER: &str = "os-change";

/// The operation a document is a request body of, or `None` when it is not a payload: the one
/// the `[[files]]` of its config map `file` to, whatever the text; else, when its top level has
/// an `os-change` member, the spec's first operation (the v2 call). Any other JSON (a
/// package.json) is no payload.
pub fn operation(document: &Read<'_>, config: &Config, file: Option<&Path>) -> Option<Operation> {
    if let Some(mapped) = config.mapped_operation(file) {
        return Some(mapped);
    }
    let document = document.as_ref().ok()?;
    is_payload(document).then_some(Operation::DEFAULT)
}

/// A document's text read once: parsed, or the report of why it is no UTF-8 JSON text (text
/// that looks like UTF-16, with a NUL as its second character).
pub type Read<'a> = Result<Document<'a>, FileReport>;

/// The findings of `text` (read as `document`) as a body of `operation`, at the levels `config`
/// sets for `file`.
pub fn of(
    text: &str,
    document: &Read<'_>,
    operation: Operation,
    encoding: Encoding,
    config: &Config,
    file: Option<&Path>,
) -> Vec<Diagnostic> {
    let mut report = match document {
        Ok(document) => check_document(operation, document),
        Err(unreadable) => unreadable.clone(),
    };
    config.apply(file, &mut report);
    let lines = Lines::new(text, encoding);
    report
        .diagnostics
        .iter()
        .map(|d| Diagnostic {
            range: lines.range((d.line, d.column), (d.end_line, d.end_column)),
            severity: Some(match d.severity {
                Severity::Error => DiagnosticSeverity::ERROR,
                Severity::Warning => DiagnosticSeverity::WARNING,
            }),
            code: Some(NumberOrString::String(d.rule.id().to_owned())),
            source: Some("changeos".to_owned()),
            message: match &d.help {
                Some(help) => format!("{}\nhelp: {help}", d.message),
                None => d.message.clone(),
            },
            ..Diagnostic::default()
        })
        .collect()
}

/// Whether the top level (as far as a half-typed text can be read) has an `os-change` member.
fn is_payload(document: &Document<'_>) -> bool {
    document
        .parsed
        .root
        .as_ref()
        .and_then(|root| root.value.as_object())
        .is_some_and(|object| object.contains_key(PAYLOAD_MEMBER))
}
