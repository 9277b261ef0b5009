//! rustc-style diagnostics: the rule, the message, `--> file:line:column`, the source line with
//! the offending key underlined, the help and the fix; a one-line summary at the end. With
//! fixes applied, each applied fix comes first as a `fixed[rule]` entry.

use std::fmt::{self, Write as _};
use std::io::{self, Write};

use changeos_models::Severity;

use super::{Renderer, Summary, plural};
use crate::locate::LineIndex;
use crate::{Diagnostic, FileReport};

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
        source: Option<&Source<'_>>,
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
            self.paint("1", &d.message)
        )?;
        let gutter = gutter(d.line);
        writeln!(
            out,
            "{gutter}{} {name}:{}:{}",
            self.paint("1;34", "-->"),
            d.line,
            d.column
        )?;
        if let Some((shown, caret_at)) = source.and_then(|s| s.window(d.line, d.column)) {
            let width = if d.end_line == d.line {
                d.end_column.saturating_sub(d.column) + 1
            } else {
                1
            };
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
            writeln!(out, "{gutter} {} {help}", self.paint("1;34", "= help:"))?;
        }
        if let Some(fix) = &d.fix {
            writeln!(out, "{gutter} {} {}", self.paint("1;34", "= fix:"), fix.message)?;
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
            self.paint("1", &d.message),
            self.paint("1;34", "-->"),
        )?;
        if let Some(fix) = &d.fix {
            writeln!(out, "{gutter} {} {}", self.paint("1;34", "= fix:"), fix.message)?;
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

/// A report's source text, indexed once so that each finding's line is found without reading
/// the lines before it (100,000 findings in a file of as many lines, or on one long line).
struct Source<'a> {
    text: &'a str,
    lines: LineIndex,
}

impl<'a> Source<'a> {
    fn new(text: &'a str) -> Self {
        Source {
            text,
            lines: LineIndex::new(text),
        }
    }

    /// The part of line `line` to show and the character offset of `column` in it; `None`
    /// past the last line.
    fn window(&self, line: usize, column: usize) -> Option<(String, usize)> {
        let range = self.lines.line(self.text, line)?;
        let end = range.start + self.text[range.clone()].trim_end_matches('\r').len();
        let start = range.start;
        // A quoted line is the user's bytes: control characters (an ESC starting a terminal
        // escape sequence) are shown as U+FFFD, never sent to the terminal; a tab becomes one
        // space so that the caret stays under its column.
        let shown = |c| match c {
            '\t' => ' ',
            c if char::is_control(c) => '\u{fffd}',
            c => c,
        };
        let count = self.lines.chars_between(self.text, start, end);
        let at = column.saturating_sub(1).min(count);
        if count <= WINDOW {
            return Some((self.text[start..end].chars().map(shown).collect(), at));
        }
        // Only the window is copied: a line of base64 user data can be 40 KB long.
        let first = at.saturating_sub(WINDOW / 3);
        let last = (first + WINDOW).min(count);
        let mut text = String::with_capacity(WINDOW + 8);
        let mut caret = at - first;
        if first > 0 {
            text.push('…');
            caret += 1;
        }
        let from = self.lines.byte_after_chars(self.text, start, first);
        let to = self.lines.byte_after_chars(self.text, start, last);
        text.extend(self.text[from..to].chars().map(shown));
        if last < count {
            text.push('…');
        }
        Some((text, caret))
    }
}

impl Renderer for Human {
    fn file(&mut self, name: &str, report: &FileReport, out: &mut dyn Write) -> io::Result<()> {
        for d in report.fixed.iter().flatten() {
            self.fixed(name, d, out)?;
        }
        let source = report
            .source
            .as_deref()
            .filter(|_| !report.diagnostics.is_empty())
            .map(Source::new);
        for d in &report.diagnostics {
            self.diagnostic(name, d, source.as_ref(), out)?;
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
        let window = |text: &str, line, column| Source::new(text).window(line, column).expect("a line");
        let line = format!("{}X{}", "a".repeat(300), "b".repeat(300));
        let (shown, caret) = window(&line, 1, 301);
        assert_eq!(shown.chars().nth(caret), Some('X'));
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        assert_eq!(window("\tab", 1, 2), (" ab".to_owned(), 1));
        assert_eq!(window("a\u{1b}[31mb", 1, 1).0, "a\u{fffd}[31mb");
        assert_eq!((digits(1), digits(9), digits(10), digits(12345)), (1, 1, 2, 5));
    }

    #[test]
    fn windows_count_characters_on_any_line() {
        // Lines of multi-byte characters, long and short, after lines of other lengths: the
        // window and the caret are those of a plain count of characters.
        let long: String = (0..400).map(|i| ['é', 'a', '€', '𝄞'][i % 4]).collect();
        let text = format!("{{\r\n\"ü\": 1,\n{long}\r\n\r\r\n{long}");
        let source = Source::new(&text);
        for (line, column) in [(1, 1), (2, 3), (3, 1), (3, 150), (3, 400), (3, 999), (4, 1), (5, 37)] {
            let expected_line = text.lines().nth(line - 1).expect("a line").trim_end_matches('\r');
            let count = expected_line.chars().count();
            let at = (column - 1).min(count);
            let (shown, caret) = source.window(line, column).expect("a line");
            if count <= WINDOW {
                assert_eq!((shown.as_str(), caret), (expected_line, at), "{line}:{column}");
            } else {
                let first = at.saturating_sub(WINDOW / 3);
                let inner: String = expected_line.chars().skip(first).take(WINDOW).collect();
                assert!(shown.contains(&inner), "{line}:{column}: {shown}");
                assert_eq!(
                    shown.chars().nth(caret),
                    expected_line.chars().nth(at),
                    "{line}:{column}"
                );
            }
        }
        assert_eq!(source.window(6, 1), None);
        assert_eq!(Source::new("").window(1, 1), None);
        assert_eq!(Source::new("a\n").window(2, 1), None);
    }
}
