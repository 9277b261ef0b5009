//! A finding placed in its file: what renderers print.

use changeos_models::Severity;

use crate::RuleInfo;

/// One finding with its place in the source text (1-based lines, columns in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    /// RFC 6901 pointer of the offending member, or of the object that lacks a member; empty
    /// for the document itself and for findings about the file.
    pub pointer: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic about the file as a whole, at one position.
    pub fn at(rule: &'static RuleInfo, message: String, (line, column): (usize, usize)) -> Self {
        Diagnostic {
            rule: rule.id,
            severity: rule.severity,
            message,
            pointer: String::new(),
            line: line.max(1),
            column: column.max(1),
            end_line: line.max(1),
            end_column: column.max(1),
            help: rule.help.map(str::to_owned),
        }
    }
}

/// Every diagnostic of one file, sorted by position, and the file's text when there are any
/// (renderers quote the offending lines), with the value of every password member masked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileReport {
    pub diagnostics: Vec<Diagnostic>,
    pub source: Option<String>,
}

impl FileReport {
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == severity).count()
    }

    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }
}
