//! rustc-style diagnostics: the rule, the message, `--> file:line:column`, the source line with
//! the offending key underlined, the help and the fix; a one-line summary at the end. With
//! fixes applied, each applied fix comes first as a `fixed[rule]` entry. Nothing from the file
//! or its name reaches the terminal raw: control characters are escaped (quoted source lines
//! show them as U+FFFD, to keep the caret under its column).

use std::fmt::{self, Write as _};
use std::io::{self, Write};

use changeos_models::Severity;
use changeos_runtime::escape::{escape_controls, is_unsafe};

use super::{Renderer, Summary, plural};
use crate::locate::LineIndex;
use crate::{Diagnostic, FileReport, MaskedSource};

/// Source lines longer than this are shown as a window around the finding.
const WINDOW: usize = 100;

pub struct Human {
    color: bool,
}

impl Human {
    pub fn new(color: bool) -> Self {
        Human { color }
    }

    /// `text` in the color `code` (an SGR parameter list) when colors are on.
    fn paint<T: fmt::Display>(&self, code: &'static str, text: T) -> Painted<T> {
        Painted {
            code: self.color.then_some(code),
            text,
        }
    }

    fn diagnostic(
        &self,
        name: &str,
        d: &Diagnostic,
        source: Option<&Quoted<'_>>,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let (label, code) = match d.severity {
            Severity::Error => ("error", "1;31"),
            Severity::Warning => ("warning", "1;33"),
        };
        writeln!(
            out,
            "{}{} {}",
            self.paint(code, format_args!("{label}[{}]", d.rule)),
            self.paint("1", ":"),
            self.paint("1", escape_controls(&d.message))
        )?;
        let gutter = gutter(d.line);
        writeln!(
            out,
            "{gutter}{} {name}:{}:{}",
            self.paint("1;34", "-->"),
            d.line,
            d.column
        )?;
        // Masks (of a fixed width) move what follows them on the line.
        let last = if d.end_line == d.line { d.end_column } else { d.column };
        let placed = source.and_then(|quoted| {
            let (column, end_column) = quoted.masked.columns(d.line, d.column, last);
            Some((quoted.window(d.line, column)?, column, end_column))
        });
        if let Some(((shown, caret_at), column, end_column)) = placed {
            let width = end_column.saturating_sub(column) + 1;
            let width = width.min(shown.chars().count().saturating_sub(caret_at).max(1));
            let bar = self.paint("1;34", "|");
            writeln!(out, "{gutter} {bar}")?;
            writeln!(out, "{} {bar} {shown}", self.paint("1;34", d.line))?;
            writeln!(
                out,
                "{gutter} {bar} {}{}",
                Repeat(' ', caret_at),
                self.paint(code, Repeat('^', width))
            )?;
        }
        if let Some(help) = &d.help {
            writeln!(
                out,
                "{gutter} {} {}",
                self.paint("1;34", "= help:"),
                escape_controls(help)
            )?;
        }
        if let Some(fix) = &d.fix {
            writeln!(
                out,
                "{gutter} {} {}",
                self.paint("1;34", "= fix:"),
                escape_controls(&fix.message)
            )?;
        }
        writeln!(out)
    }

    /// A finding whose fix was applied: what it was and what was done, where.
    fn fixed(&self, name: &str, d: &Diagnostic, out: &mut dyn Write) -> io::Result<()> {
        let (line, column) = d.fix.as_ref().map_or((d.line, d.column), |f| (f.line, f.column));
        let gutter = gutter(line);
        writeln!(
            out,
            "{}{} {}\n{gutter}{} {name}:{line}:{column}",
            self.paint("1;32", format_args!("fixed[{}]", d.rule)),
            self.paint("1", ":"),
            self.paint("1", escape_controls(&d.message)),
            self.paint("1;34", "-->"),
        )?;
        if let Some(fix) = &d.fix {
            writeln!(
                out,
                "{gutter} {} {}",
                self.paint("1;34", "= fix:"),
                escape_controls(&fix.message)
            )?;
        }
        writeln!(out)
    }
}

/// Text in an SGR color, or as it is ([`Human::paint`]); written straight into the report,
/// with no string of its own.
struct Painted<T> {
    code: Option<&'static str>,
    text: T,
}

impl<T: fmt::Display> fmt::Display for Painted<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.code {
            Some(code) => write!(f, "\x1b[{code}m{}\x1b[0m", self.text),
            None => self.text.fmt(f),
        }
    }
}

/// A character `n` times.
struct Repeat(char, usize);

impl fmt::Display for Repeat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for _ in 0..self.1 {
            f.write_char(self.0)?;
        }
        Ok(())
    }
}

/// The blank gutter before `|` and `-->`: as wide as the number of `line`.
fn gutter(line: usize) -> Repeat {
    Repeat(' ', digits(line))
}

/// How many decimal digits `n` has.
fn digits(n: usize) -> usize {
    n.checked_ilog10().map_or(1, |log| log as usize + 1)
}

/// A report's masked source, indexed once so that each finding's line, and its window on a
/// long line, are found without reading what comes before them (many findings on one line).
struct Quoted<'a> {
    masked: &'a MaskedSource,
    lines: LineIndex,
}

impl<'a> Quoted<'a> {
    fn new(masked: &'a MaskedSource) -> Self {
        Quoted {
            masked,
            lines: LineIndex::new(masked.text()),
        }
    }

    /// The part of line `line` to show and the character offset of `column` in it; `None`
    /// past the last line.
    fn window(&self, line: usize, column: usize) -> Option<(String, usize)> {
        let text = self.masked.text();
        let range = self.lines.line(text, line)?;
        let (start, end) = (range.start, range.end);
        // A quoted line is the user's bytes: control characters (an ESC starting a terminal
        // escape sequence) and bidirectional controls are shown as U+FFFD, never sent to the
        // terminal; a tab becomes one space so that the caret stays under its column.
        let shown = |c| match c {
            '\t' => ' ',
            c if is_unsafe(c) => '\u{fffd}',
            c => c,
        };
        let count = self.lines.chars_between(text, start, end);
        let at = column.saturating_sub(1).min(count);
        if count <= WINDOW {
            return Some((text[start..end].chars().map(shown).collect(), at));
        }
        // Only the window is copied: a line of base64 user data can be 40 KB long.
        let first = at.saturating_sub(WINDOW / 3);
        let last = (first + WINDOW).min(count);
        let mut shown_text = String::with_capacity(WINDOW + 8);
        let mut caret = at - first;
        if first > 0 {
            shown_text.push('…');
            caret += 1;
        }
        let from = self.lines.byte_after_chars(text, start, first);
        let to = self.lines.byte_after_chars(text, start, last);
        shown_text.extend(text[from..to].chars().map(shown));
        if last < count {
            shown_text.push('…');
        }
        Some((shown_text, caret))
    }
}

impl Renderer for Human {
    fn file(&mut self, name: &str, report: &FileReport, out: &mut dyn Write) -> io::Result<()> {
        // A file name can hold anything but `/` and NUL: a line feed, an ESC.
        let name = &*escape_controls(name);
        for d in report.fixed.iter().flatten() {
            self.fixed(name, d, out)?;
        }
        let quoted = report
            .source
            .as_ref()
            .filter(|_| !report.diagnostics.is_empty())
            .map(Quoted::new);
        for d in &report.diagnostics {
            self.diagnostic(name, d, quoted.as_ref(), out)?;
        }
        Ok(())
    }

    fn end(&mut self, summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
        let counts = format!(
            "{}, {}",
            plural(summary.errors, "error"),
            plural(summary.warnings, "warning")
        );
        let files = plural(summary.files, "file");
        let text = match summary.fixed {
            Some(fixed) => format!("{files} checked: {} applied; {counts} remaining", plural(fixed, "fix")),
            None if summary.fixable > 0 => {
                format!(
                    "{files} checked: {counts} ({} fixable with `changeos check --fix`)",
                    summary.fixable
                )
            }
            None => format!("{files} checked: {counts}"),
        };
        let code = if summary.errors > 0 {
            "1;31"
        } else if summary.warnings > 0 {
            "1;33"
        } else {
            "1;32"
        };
        writeln!(out, "{}", self.paint(code, &text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_windowed_around_the_column() {
        let window = |text: &str, line: usize, column: usize| {
            let masked = MaskedSource::new(crate::Operation::ChangeServerOsWithCloudInit, text);
            Quoted::new(&masked).window(line, column).expect("a line")
        };
        let line = format!("{}X{}", "é".repeat(300), "b".repeat(300));
        let (shown, caret) = window(&format!("{{\n{line}\r\n}}"), 2, 301);
        assert_eq!(shown.chars().nth(caret), Some('X'));
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        assert_eq!(window("\tab", 1, 2), (" ab".to_owned(), 1));
        assert_eq!(window("a\u{1b}[31mb", 1, 1).0, "a\u{fffd}[31mb");
        assert_eq!(window("\"\u{202e}x\"", 1, 1).0, "\"\u{fffd}x\"");
        assert_eq!((digits(1), digits(9), digits(10), digits(12345)), (1, 1, 2, 5));
    }
}
