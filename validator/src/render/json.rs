//! `--format json`: exactly one JSON document, the public contract documented in README.md:
//! `{"version":1,"files":[{"file","diagnostics":[...]}],"summary":{"files","errors","warnings"}}`.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::{Renderer, Summary};
use crate::{Diagnostic, FileReport};

#[derive(Default)]
pub struct Json {
    files_written: usize,
}

/// One diagnostic as the contract spells it.
pub fn diagnostic(d: &Diagnostic) -> Value {
    json!({
        "rule": d.rule,
        "severity": d.severity.as_str(),
        "message": d.message,
        "pointer": d.pointer,
        "line": d.line,
        "column": d.column,
        "end_line": d.end_line,
        "end_column": d.end_column,
        "help": d.help,
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
        let file =
            json!({ "file": name, "diagnostics": report.diagnostics.iter().map(diagnostic).collect::<Vec<_>>() });
        serde_json::to_writer(&mut *out, &file).map_err(io::Error::other)
    }

    fn end(&mut self, summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
        let summary = json!({ "files": summary.files, "errors": summary.errors, "warnings": summary.warnings });
        writeln!(out, "],\"summary\":{summary}}}")
    }
}
