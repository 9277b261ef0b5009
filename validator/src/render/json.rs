//! `--format json`: exactly one JSON document, the public contract documented in README.md:
//! `{"version":1,"files":[{"file","diagnostics":[...]}],"summary":{"files","errors","warnings"}}`.
//! A diagnostic with a fix has a `fix` object; with fixes applied, each file has `fixed` (the
//! diagnostics whose fixes were applied) and the summary has `fixed` (their number).

use std::io::{self, Write};

use serde_json::{Value, json};

use super::{Renderer, Summary};
use crate::{Diagnostic, FileReport, TextFix};

#[derive(Default)]
pub struct Json {
    files_written: usize,
}

/// One diagnostic as the contract spells it; `fix` only when it has one.
pub fn diagnostic(d: &Diagnostic) -> Value {
    let mut value = json!({
        "rule": d.rule,
        "severity": d.severity.as_str(),
        "message": d.message,
        "pointer": d.pointer,
        "line": d.line,
        "column": d.column,
        "end_line": d.end_line,
        "end_column": d.end_column,
        "help": d.help,
    });
    if let (Some(fix), Some(object)) = (&d.fix, value.as_object_mut()) {
        object.insert("fix".to_owned(), text_fix(fix));
    }
    value
}

/// A fix as the contract spells it: replace the bytes `start..end` of the file with
/// `replacement`; the positions as a diagnostic's.
pub fn text_fix(fix: &TextFix) -> Value {
    json!({
        "message": fix.message,
        "replacement": fix.replacement,
        "start": fix.start,
        "end": fix.end,
        "line": fix.line,
        "column": fix.column,
        "end_line": fix.end_line,
        "end_column": fix.end_column,
    })
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
        let mut file =
            json!({ "file": name, "diagnostics": report.diagnostics.iter().map(diagnostic).collect::<Vec<_>>() });
        if let (Some(fixed), Some(object)) = (&report.fixed, file.as_object_mut()) {
            object.insert("fixed".to_owned(), fixed.iter().map(diagnostic).collect());
        }
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
