//! A finding placed in its file: what renderers print.

use changeos_models::{Rule, Severity};
use changeos_runtime::pointer::Pointer;

use crate::{MaskedSource, Operation, RuleInfo};

/// One finding with its place in the source text (1-based lines, columns in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: Rule,
    pub severity: Severity,
    pub message: String,
    /// RFC 6901 pointer of the offending member, or of the object that lacks a member; empty
    /// for the document itself and for findings about the file.
    pub pointer: Pointer,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub help: Option<String>,
    /// The edit that makes this finding go away without changing what the payload means, if
    /// there is one (`changeos check --fix` applies it; editors may).
    pub fix: Option<TextFix>,
}

/// What a fix does to the payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixKind {
    /// A JSON boolean or number becomes the string of the same text (`true` → `"true"`).
    QuoteValue,
    /// A member's name becomes the spec's spelling (`imageId` → `imageid`).
    RenameKey,
    /// A string becomes another spelling of the same value (base64 wrapped into lines, joined).
    ReplaceString,
    /// The byte-order mark at the start of the file goes.
    RemoveByteOrderMark,
}

/// A fix as an edit of the file: replace the bytes `start..end` with `replacement`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextFix {
    pub kind: FixKind,
    /// What it does, for people: "replace `true` with `\"true\"`".
    pub message: String,
    /// Byte offsets in the file as read (a byte-order mark counts), `end` excluded.
    pub start: usize,
    pub end: usize,
    pub replacement: String,
    /// The same range as the diagnostic's positions are written: 1-based, columns in
    /// characters, the end inclusive, the byte-order mark not counted.
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl TextFix {
    /// True when the two edits touch a common byte (or insert at the same place).
    pub fn overlaps(&self, other: &TextFix) -> bool {
        self.start < other.end && other.start < self.end || self.start == other.start
    }
}

impl Diagnostic {
    /// A diagnostic about the file as a whole, at one position.
    pub fn at(rule: &'static RuleInfo, message: String, (line, column): (usize, usize)) -> Self {
        Diagnostic {
            rule: Rule::new(rule),
            severity: rule.severity,
            message,
            pointer: Pointer::root(),
            line: line.max(1),
            column: column.max(1),
            end_line: line.max(1),
            end_column: column.max(1),
            help: rule.help.map(str::to_owned),
            fix: None,
        }
    }
}

/// Every diagnostic of one file, sorted by position, and the file's text when there are any
/// (renderers quote the offending lines), with the value of every secret member masked
/// ([`MaskedSource`]; placeholders stay as written).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileReport {
    pub diagnostics: Vec<Diagnostic>,
    /// Boxed: a report is an error value in places (`Document::read`), and kept small.
    pub source: Option<Box<MaskedSource>>,
    /// With fixes applied (`changeos check --fix`, see [`crate::fix`]): the diagnostics whose
    /// fixes were applied, each with its [`TextFix`], in the order applied; `diagnostics` and
    /// `source` are then those of the fixed text. `None` when fixes were not applied.
    pub fixed: Option<Vec<Diagnostic>>,
    /// Which operation's body the file was checked as, when many files are checked each as
    /// its own (`--op`, else `[[files]]` in changeos.toml; see [`crate::run`]).
    pub operation: Option<Operation>,
}

impl FileReport {
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == severity).count()
    }

    /// The diagnostics that have a fix.
    pub fn fixable(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.fix.is_some()).count()
    }

    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }
}
