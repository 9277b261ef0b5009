//! rustc-style diagnostics: the rule, the message, `--> file:line:column`, the source line with
//! the offending key underlined, the help and the fix; a one-line summary at the end. With
//! fixes applied, each applied fix comes first as a `fixed[rule]` entry. Nothing from the file
//! or its name reaches the terminal raw: control characters are escaped (quoted source lines
//! show them as U+FFFD, to keep the caret under its column).
//!
//! The title and the quoted line with its carets are drawn by `annotate-snippets` (rustc's and
//! ruff's), which measures the carets in terminal columns, so a wide (CJK) character gets two.
//! The `-->` line is ours: annotate-snippets derives it from the quoted text, but the quoted
//! line is masked (masks move what follows them) and windowed, while the location is the
//! finding's place in the file as it is. The `= help:` lines are ours too, to keep the report
//! as it was (annotate-snippets puts an extra `|` line before them).

use std::fmt::{self, Write as _};
use std::io::{self, Write};
use std::ops::Range;

use annotate_snippets::{AnnotationKind, Group, Level, Snippet};
use anstyle::{AnsiColor, Effects, Style};
use changeos_models::Severity;
use changeos_runtime::escape::{escape_controls, is_unsafe};

use super::{Renderer, Summary, plural};
use crate::locate::LineIndex;
use crate::{Diagnostic, FileReport, MaskedSource};

/// Source lines longer than this are shown as a window around the finding.
const WINDOW: usize = 100;

/// The styles of a report on a terminal, as rustc's with the plain (not bright) colours.
const ERROR: Style = AnsiColor::Red.on_default().effects(Effects::BOLD);
const WARNING: Style = AnsiColor::Yellow.on_default().effects(Effects::BOLD);
const FIXED: Style = AnsiColor::Green.on_default().effects(Effects::BOLD);
const GUTTER: Style = AnsiColor::Blue.on_default().effects(Effects::BOLD);

pub struct Human {
    color: bool,
    /// Draws the titles and the quoted lines.
    snippets: annotate_snippets::Renderer,
}

impl Human {
    pub fn new(color: bool) -> Self {
        let snippets = if color {
            annotate_snippets::Renderer::styled()
                .error(ERROR)
                .warning(WARNING)
                .note(FIXED)
                .line_num(GUTTER)
                .hyperlink(false)
        } else {
            annotate_snippets::Renderer::plain()
        };
        // The window (at most WINDOW characters, twice as many columns if all are wide) is
        // ours: the line must not be cut a second time.
        let snippets = snippets.term_width(4 * WINDOW);
        Human { color, snippets }
    }

    /// `text` in `style` when colours are on.
    fn paint<T: fmt::Display>(&self, style: Style, text: T) -> Painted<T> {
        Painted {
            style: self.color.then_some(style),
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
        let level = level(d.severity);
        let message = escape_controls(&d.message);
        let title = Group::with_title(level.clone().primary_title(&*message).id(d.rule.id()));
        writeln!(out, "{}", self.snippets.render(&[title]))?;
        self.location(name, d.line, d.column, out)?;
        // Masks (of a fixed width) move what follows them on the line.
        let last = if d.end_line == d.line { d.end_column } else { d.column };
        let placed = source.and_then(|quoted| {
            let (column, end_column) = quoted.masked.columns(d.line, d.column, last);
            Some((quoted.window(d.line, column)?, end_column.saturating_sub(column) + 1))
        });
        if let Some(((shown, caret_at), width)) = placed {
            let span = char_span(&shown, caret_at, width);
            let snippet = Snippet::source(&shown)
                .line_start(d.line)
                .annotation(AnnotationKind::Primary.span(span));
            writeln!(
                out,
                "{}",
                self.snippets.render(&[Group::with_level(level).element(snippet)])
            )?;
        }
        if let Some(help) = &d.help {
            self.footer(d.line, "= help:", help, out)?;
        }
        if let Some(fix) = &d.fix {
            self.footer(d.line, "= fix:", &fix.message, out)?;
        }
        writeln!(out)
    }

    /// A finding whose fix was applied: what it was and what was done, where.
    fn fixed(&self, name: &str, d: &Diagnostic, out: &mut dyn Write) -> io::Result<()> {
        let (line, column) = d.fix.as_ref().map_or((d.line, d.column), |f| (f.line, f.column));
        let message = escape_controls(&d.message);
        let title = Level::NOTE.with_name("fixed").primary_title(&*message).id(d.rule.id());
        writeln!(out, "{}", self.snippets.render(&[Group::with_title(title)]))?;
        self.location(name, line, column, out)?;
        if let Some(fix) = &d.fix {
            self.footer(line, "= fix:", &fix.message, out)?;
        }
        writeln!(out)
    }

    /// ` --> name:line:column`, the arrow under the gutter of the quoted line.
    fn location(&self, name: &str, line: usize, column: usize, out: &mut dyn Write) -> io::Result<()> {
        writeln!(
            out,
            "{}{} {name}:{line}:{column}",
            gutter(line),
            self.paint(GUTTER, "-->")
        )
    }

    /// `  = help: text`, under the gutter of the quoted line.
    fn footer(&self, line: usize, label: &str, text: &str, out: &mut dyn Write) -> io::Result<()> {
        writeln!(
            out,
            "{} {} {}",
            gutter(line),
            self.paint(GUTTER, label),
            escape_controls(text)
        )
    }
}

/// The annotate-snippets level of a finding of `severity`.
fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    }
}

/// The bytes of `width` characters of `shown` from character `at`, cut at its end but never
/// empty while there is a character to underline.
fn char_span(shown: &str, at: usize, width: usize) -> Range<usize> {
    let byte = |n: usize| shown.char_indices().nth(n).map_or(shown.len(), |(i, _)| i);
    let start = byte(at);
    let end = byte(at + width.max(1));
    start..end
}

/// Text in a style, or as it is ([`Human::paint`]); written straight into the report, with no
/// string of its own.
struct Painted<T> {
    style: Option<Style>,
    text: T,
}

impl<T: fmt::Display> fmt::Display for Painted<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.style {
            Some(style) => write!(f, "{style}{}{style:#}", self.text),
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
            .as_deref()
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
        let style = if summary.errors > 0 {
            ERROR
        } else if summary.warnings > 0 {
            WARNING
        } else {
            FIXED
        };
        writeln!(out, "{}", self.paint(style, &text))
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

    /// The human report of `payload` (a cloud-init change), without its summary.
    fn report(payload: &str, color: bool) -> String {
        let report = crate::check_source(crate::Operation::ChangeServerOsWithCloudInit, payload.as_bytes());
        let mut out = Vec::new();
        Human::new(color).file("p.json", &report, &mut out).expect("a Vec");
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn carets_under_wide_characters_are_measured_in_terminal_columns() {
        // Each CJK character takes two columns: the carets must start under `"BYOL"` and be
        // as wide as it, not one column per character.
        let shown = report(r#"{"os-change": {"metadata": {"名前": "値", "BYOL": "yes"}}}"#, false);
        let expected = concat!(
            "1 | {\"os-change\": {\"metadata\": {\"名前\": \"値\", \"BYOL\": \"yes\"}}}\n",
            "  |                                           ^^^^^^\n",
        );
        assert!(shown.contains(expected), "{shown}");
    }

    #[test]
    fn colours_are_styles_only_when_asked() {
        let payload = r#"{"os-change": {"metadata": {"BYOL": "yes"}}}"#;
        let plain = report(payload, false);
        let coloured = report(payload, true);
        assert!(!plain.contains('\u{1b}'), "{plain}");
        for styled in [
            "\u{1b}[1m\u{1b}[33mwarning[byol-value]\u{1b}[0m",
            "\u{1b}[1m\u{1b}[34m-->\u{1b}[0m p.json:1:29",
            "\u{1b}[1m\u{1b}[34m= help:\u{1b}[0m",
        ] {
            assert!(coloured.contains(styled), "{styled:?} in {coloured:?}");
        }
    }
}
