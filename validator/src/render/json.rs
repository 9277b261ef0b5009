//! `--format json`: exactly one JSON document, the public contract documented in docs/check.md:
//! `{"version":1,"files":[{"file","op","diagnostics":[...]}],"summary":{"files","errors","warnings"}}`.
//! A diagnostic with a fix has a `fix` object; with fixes applied, each file has `fixed` (the
//! diagnostics whose fixes were applied) and the summary has `fixed` (their number).

use std::io::{self, Write};

use serde::Serialize;
use serde_json::json;

use super::{Renderer, Summary};
use crate::{Diagnostic, FileReport, Rule, TextFix};

#[derive(Default)]
pub struct Json {
    files_written: usize,
}

/// A diagnostic written straight to the output, members in the contract's order: a file can
/// have hundreds of thousands, and a `Value` per diagnostic would be built only to be written.
#[derive(Serialize)]
struct Shown<'a> {
    rule: Rule,
    severity: &'a str,
    message: &'a str,
    pointer: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    help: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<ShownFix<'a>>,
}

impl<'a> From<&'a Diagnostic> for Shown<'a> {
    fn from(d: &'a Diagnostic) -> Self {
        Shown {
            rule: d.rule,
            severity: d.severity.as_str(),
            message: &d.message,
            pointer: d.pointer.as_str(),
            line: d.line,
            column: d.column,
            end_line: d.end_line,
            end_column: d.end_column,
            help: d.help.as_deref(),
            fix: d.fix.as_ref().map(ShownFix::from),
        }
    }
}

#[derive(Serialize)]
struct ShownFix<'a> {
    message: &'a str,
    replacement: &'a str,
    start: usize,
    end: usize,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

impl<'a> From<&'a TextFix> for ShownFix<'a> {
    fn from(fix: &'a TextFix) -> Self {
        ShownFix {
            message: &fix.message,
            replacement: &fix.replacement,
            start: fix.start,
            end: fix.end,
            line: fix.line,
            column: fix.column,
            end_line: fix.end_line,
            end_column: fix.end_column,
        }
    }
}

/// One file's entry: `fixed` only with fixes applied.
#[derive(Serialize)]
struct ShownFile<'a> {
    file: &'a str,
    /// The `--op` name of the operation the file was checked as.
    #[serde(skip_serializing_if = "Option::is_none")]
    op: Option<&'static str>,
    #[serde(serialize_with = "diagnostics")]
    diagnostics: &'a [Diagnostic],
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "some_diagnostics")]
    fixed: Option<&'a [Diagnostic]>,
}

fn diagnostics<S: serde::Serializer>(all: &&[Diagnostic], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(all.iter().map(Shown::from))
}

fn some_diagnostics<S: serde::Serializer>(all: &Option<&[Diagnostic]>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(all.iter().flat_map(|all| all.iter()).map(Shown::from))
}

impl Renderer for Json {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(b"{\"version\":1,\"files\":[")
    }

    fn file(&mut self, name: &str, report: &FileReport, out: &mut dyn Write) -> io::Result<()> {
        if self.files_written > 0 {
            out.write_all(b",")?;
        }
        self.files_written += 1;
        let file = ShownFile {
            file: name,
            op: report.operation.map(|op| op.cli_name()),
            diagnostics: &report.diagnostics,
            fixed: report.fixed.as_deref(),
        };
        serde_json::to_writer(&mut *out, &file).map_err(io::Error::other)
    }

    fn end(&mut self, summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
        let mut value = json!({ "files": summary.files, "errors": summary.errors, "warnings": summary.warnings });
        if let (Some(fixed), Some(object)) = (summary.fixed, value.as_object_mut()) {
            object.insert("fixed".to_owned(), fixed.into());
        }
        let summary = value;
        writeln!(out, "],\"summary\":{summary}}}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FixKind;
    use changeos_runtime::pointer::Pointer;
    use serde_json::Value;

    /// What the renderer wrote before it wrote without building values: the same text.
    fn as_built(d: &Diagnostic) -> Value {
        let mut value = json!({
            "rule": d.rule, "severity": d.severity.as_str(), "message": d.message,
            "pointer": d.pointer, "line": d.line, "column": d.column,
            "end_line": d.end_line, "end_column": d.end_column, "help": d.help,
        });
        if let (Some(fix), Some(object)) = (&d.fix, value.as_object_mut()) {
            let fix = json!({
                "message": fix.message, "replacement": fix.replacement, "start": fix.start,
                "end": fix.end, "line": fix.line, "column": fix.column,
                "end_line": fix.end_line, "end_column": fix.end_column,
            });
            object.insert("fix".to_owned(), fix);
        }
        value
    }

    #[test]
    fn files_are_written_as_the_contract_spells_them() {
        let plain = Diagnostic {
            rule: Rule::new(&changeos_models::catalog::UNKNOWN_MEMBER),
            severity: changeos_models::Severity::Warning,
            message: "unknown member `a\"\u{1}`".to_owned(),
            pointer: Pointer::root().member("a\""),
            line: 1,
            column: 2,
            end_line: 3,
            end_column: 4,
            help: None,
            fix: None,
        };
        let fixed = Diagnostic {
            help: Some("help".to_owned()),
            fix: Some(TextFix {
                kind: FixKind::RenameKey,
                message: "replace".to_owned(),
                start: 5,
                end: 9,
                replacement: "\"imageid\"".to_owned(),
                line: 1,
                column: 6,
                end_line: 1,
                end_column: 9,
            }),
            ..plain.clone()
        };
        for fixed_list in [None, Some(vec![fixed.clone()])] {
            let report = FileReport {
                diagnostics: vec![plain.clone(), fixed.clone()],
                source: None,
                fixed: fixed_list.clone(),
                operation: Some(crate::Operation::ChangeServerOsWithoutCloudInit),
            };
            let mut written = Vec::new();
            Json::default().file("a.json", &report, &mut written).expect("written");
            let mut expected = json!({
                "file": "a.json",
                "op": "nocloudinit",
                "diagnostics": report.diagnostics.iter().map(as_built).collect::<Vec<_>>(),
            });
            if let (Some(list), Some(object)) = (&fixed_list, expected.as_object_mut()) {
                object.insert("fixed".to_owned(), list.iter().map(as_built).collect());
            }
            assert_eq!(String::from_utf8(written).expect("UTF-8"), expected.to_string());
        }
    }
}
