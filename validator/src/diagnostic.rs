//! A finding placed in its file: what renderers print.

use changeos_models::{Finding, Severity};

use crate::locate::Span;

/// One finding with its place in the source text (1-based lines and columns, in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    /// RFC 6901 pointer; empty for the document itself and for parse errors.
    pub pointer: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn from_finding(finding: Finding, span: Span) -> Self {
        Diagnostic {
            rule: finding.rule.to_owned(),
            severity: finding.severity,
            message: finding.message,
            pointer: finding.pointer,
            line: span.start.0,
            column: span.start.1,
            end_line: span.end.0,
            end_column: span.end.1,
            help: finding.help,
        }
    }

    /// A diagnostic of the file as a whole, at one position.
    pub fn at(rule: &str, severity: Severity, message: String, (line, column): (usize, usize)) -> Self {
        Diagnostic {
            rule: rule.to_owned(),
            severity,
            message,
            pointer: String::new(),
            line: line.max(1),
            column: column.max(1),
            end_line: line.max(1),
            end_column: column.max(1),
            help: None,
        }
    }
}

/// Every diagnostic of one file, in the order the linter found them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileReport {
    pub diagnostics: Vec<Diagnostic>,
}

impl FileReport {
    pub fn single(diagnostic: Diagnostic) -> Self {
        FileReport {
            diagnostics: vec![diagnostic],
        }
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == severity).count()
    }

    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }
}
