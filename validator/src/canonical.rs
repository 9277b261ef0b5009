//! The canonical, secret-safe form of a payload file (what `changeos render` prints): bytes in,
//! text out, or the findings that leave the file without one canonical form.
//!
//! The form itself is the models crate's ([`Operation::canonical`]): members in spec order,
//! unknown members after them as written, secrets `[redacted]` except placeholders. This
//! module decides which files have one: every file whose bytes are one JSON document. A file
//! that does not parse, has a member twice (which value would the form show?) or content
//! after the document has none. Lint findings (a wrong value, an unknown member, a byte-order
//! mark) do not stop it: the form shows the file as it is, and [`Rendered::report`] says what
//! the linter found, for the caller to mention.

use changeos_models::lint::Operation;

use crate::rules::AMBIGUOUS;
use crate::{Diagnostic, Document, FileReport, check_document};

/// A file's canonical form and what the linter found in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Pretty JSON, 2-space indents, one final newline.
    pub text: String,
    /// Every finding of `changeos check` (without config), passwords masked as always.
    pub report: FileReport,
}

/// The canonical form of a payload's bytes as a request body of `operation`, or a report of
/// only the findings that make it ambiguous (their source text has its passwords masked).
pub fn canonical_source(operation: Operation, bytes: &[u8]) -> Result<Rendered, FileReport> {
    let document = Document::read(bytes)?;
    let report = check_document(operation, &document);
    let blocking: Vec<Diagnostic> = report
        .diagnostics
        .iter()
        .filter(|d| AMBIGUOUS.contains(&d.rule))
        .cloned()
        .collect();
    match document.value() {
        Some(root) if blocking.is_empty() => Ok(Rendered {
            text: operation.canonical_json(&root.value.to_value()),
            report,
        }),
        _ => Err(FileReport {
            diagnostics: blocking,
            source: report.source,
            ..FileReport::default()
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MaskedSource;

    const V2: Operation = Operation::ChangeServerOsWithCloudInit;
    const IMAGE: &str = "e215580f-73ad-429d-b6f2-5433947433b0";

    fn rules(report: &FileReport) -> Vec<&str> {
        report.diagnostics.iter().map(|d| d.rule.id()).collect()
    }

    #[test]
    fn a_clean_file_renders_with_an_empty_report() {
        let src = format!(r#"{{"os-change":{{"imageid":"{IMAGE}","adminpass":"$ADMIN_PASS"}}}}"#);
        let rendered = canonical_source(V2, src.as_bytes()).unwrap();
        assert_eq!(
            rendered.text,
            format!(
                "{{\n  \"os-change\": {{\n    \"adminpass\": \"$ADMIN_PASS\",\n    \"imageid\": \"{IMAGE}\"\n  }}\n}}\n"
            )
        );
        assert!(rendered.report.diagnostics.is_empty());
    }

    #[test]
    fn lint_findings_do_not_stop_it_and_are_reported() {
        let src = format!("\u{feff}{{\"os-change\":{{\"imageId\":\"{IMAGE}\",\"adminPass\":\"Cloud.Pass-2024\"}}}}");
        let rendered = canonical_source(V2, src.as_bytes()).unwrap();
        assert!(!rendered.text.contains("Cloud.Pass"), "{}", rendered.text);
        assert!(
            rendered.text.contains(r#""adminPass": "[redacted]""#),
            "{}",
            rendered.text
        );
        assert!(rendered.report.has_errors());
        assert!(rules(&rendered.report).contains(&"byte-order-mark"));
    }

    #[test]
    fn ambiguous_files_are_refused_with_only_the_reasons() {
        for (src, rule) in [
            ("", "invalid-json"),
            ("{\"os-change\": {\"adminpass\": \"Inv.Pass-1\",}}", "invalid-json"),
            ("{\"a\": 1, \"a\": 2}", "duplicate-key"),
            ("{\"os-change\": {}} {}", "trailing-content"),
            ("{\"a\": \"\u{0}\"}", "invalid-json"),
        ] {
            let report = canonical_source(V2, src.as_bytes()).unwrap_err();
            assert_eq!(rules(&report), [rule], "{src:?}");
            assert!(
                !report
                    .source
                    .as_deref()
                    .map(MaskedSource::text)
                    .unwrap_or_default()
                    .contains("Inv.Pass"),
                "{report:?}"
            );
        }
        let report = canonical_source(V2, b"{\"a\": \"\xff\"}").unwrap_err();
        assert_eq!(rules(&report), ["invalid-json"]);
    }
}
