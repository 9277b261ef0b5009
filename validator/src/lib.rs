//! The changeos diagnostics engine: the bytes of a payload file in, located diagnostics out.
//!
//! [`check_source`] decodes and parses the bytes, runs the generated linter of one
//! [`Operation`] on the parsed value, and only when there are findings maps their JSON
//! pointers back to line and column in the source ([`locate`]). It knows no command line and
//! does no I/O beyond what the caller hands it.

pub mod diagnostic;
pub mod locate;

pub use changeos_models::lint::Operation;
pub use diagnostic::{Diagnostic, FileReport};

use changeos_models::Severity;

/// The id of the finding for a file that is not a JSON document.
pub const PARSE_ERROR: &str = "invalid-json";

/// Lints one payload file's content for `operation`.
pub fn check_source(operation: Operation, source: &[u8]) -> FileReport {
    let text = match std::str::from_utf8(source) {
        Ok(text) => text,
        Err(e) => {
            let (line, column) = locate::line_column(&String::from_utf8_lossy(&source[..e.valid_up_to()]), usize::MAX);
            return FileReport::single(Diagnostic::at(
                PARSE_ERROR,
                Severity::Error,
                format!(
                    "the file is not UTF-8 text (invalid byte at offset {})",
                    e.valid_up_to()
                ),
                (line, column),
            ));
        }
    };
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(e) => {
            let message = if text.trim().is_empty() {
                "the file is empty: expected a JSON object".to_owned()
            } else {
                format!("not valid JSON: {}", strip_position(&e.to_string()))
            };
            return FileReport::single(Diagnostic::at(
                PARSE_ERROR,
                Severity::Error,
                message,
                (e.line(), e.column()),
            ));
        }
    };
    let findings = operation.lint(&value);
    FileReport {
        diagnostics: findings
            .into_iter()
            .map(|f| {
                let span = locate::span(text, &f.pointer);
                Diagnostic::from_finding(f, span)
            })
            .collect(),
    }
}

/// serde_json appends " at line L column C"; the diagnostic carries the position itself.
fn strip_position(message: &str) -> &str {
    message.rsplit_once(" at line ").map_or(message, |(head, _)| head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_file_has_no_diagnostics() {
        let src =
            br#"{"os-change": {"imageid": "e215580f-73ad-429d-b6f2-5433947433b0", "keyname": "k", "userid": "u"}}"#;
        assert!(
            check_source(Operation::ChangeServerOsWithCloudInit, src)
                .diagnostics
                .is_empty()
        );
    }

    #[test]
    fn findings_are_located_at_their_member() {
        let src = b"{\n  \"os-change\": {\n    \"imageid\": \"nope\",\n    \"keyname\": \"k\"\n  }\n}\n";
        let report = check_source(Operation::ChangeServerOsWithCloudInit, src);
        let uuid = report
            .diagnostics
            .iter()
            .find(|d| d.rule == "imageid-uuid")
            .expect("imageid finding");
        assert_eq!((uuid.line, uuid.column), (3, 5));
        assert_eq!(uuid.pointer, "/os-change/imageid");
    }

    #[test]
    fn parse_errors_and_bad_encodings_are_findings() {
        let report = check_source(Operation::ChangeServerOsWithCloudInit, b"{\n  \"os-change\": {,}\n}");
        assert_eq!(report.diagnostics[0].rule, PARSE_ERROR);
        assert_eq!((report.diagnostics[0].line, report.diagnostics[0].column), (2, 17));
        let report = check_source(Operation::ChangeServerOsWithCloudInit, b"   \n");
        assert_eq!(
            report.diagnostics[0].message,
            "the file is empty: expected a JSON object"
        );
        let report = check_source(Operation::ChangeServerOsWithCloudInit, b"{\"a\xff\": 1}");
        assert!(
            report.diagnostics[0].message.contains("not UTF-8"),
            "{:?}",
            report.diagnostics
        );
        assert!(report.has_errors());
    }
}
