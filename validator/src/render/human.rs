//! rustc-style diagnostics: the rule, the message, `--> file:line:column`, the source line with
//! the offending key underlined, the help and the fix; a one-line summary at the end. With
//! fixes applied, each applied fix comes first as a `fixed[rule]` entry.

use std::io::{self, Write};

use changeos_models::Severity;

use super::{Renderer, Summary, plural};
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

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    fn diagnostic(&self, name: &str, d: &Diagnostic, source: Option<&str>) -> String {
        let (label, code) = match d.severity {
            Severity::Error => ("error", "1;31"),
            Severity::Warning => ("warning", "1;33"),
        };
        let mut out = format!(
            "{}{} {}\n",
            self.paint(code, &format!("{label}[{}]", d.rule)),
            self.paint("1", ":"),
            self.paint("1", &d.message)
        );
        let gutter = " ".repeat(d.line.to_string().len());
        out.push_str(&format!(
            "{gutter}{} {name}:{}:{}\n",
            self.paint("1;34", "-->"),
            d.line,
            d.column
        ));
        if let Some(line) = source.and_then(|s| s.lines().nth(d.line - 1)) {
            let (shown, caret_at) = window(line, d.column);
            let width = if d.end_line == d.line {
                d.end_column.saturating_sub(d.column) + 1
            } else {
                1
            };
            let width = width.min(shown.chars().count().saturating_sub(caret_at).max(1));
            let bar = self.paint("1;34", "|");
            out.push_str(&format!("{gutter} {bar}\n"));
            out.push_str(&format!("{} {bar} {shown}\n", self.paint("1;34", &d.line.to_string())));
            out.push_str(&format!(
                "{gutter} {bar} {}{}\n",
                " ".repeat(caret_at),
                self.paint(code, &"^".repeat(width))
            ));
        }
        if let Some(help) = &d.help {
            out.push_str(&format!("{gutter} {} {help}\n", self.paint("1;34", "= help:")));
        }
        if let Some(fix) = &d.fix {
            out.push_str(&format!("{gutter} {} {}\n", self.paint("1;34", "= fix:"), fix.message));
        }
        out.push('\n');
        out
    }

    /// A finding whose fix was applied: what it was and what was done, where.
    fn fixed(&self, name: &str, d: &Diagnostic) -> String {
        let (line, column) = d.fix.as_ref().map_or((d.line, d.column), |f| (f.line, f.column));
        let gutter = " ".repeat(line.to_string().len());
        let mut out = format!(
            "{}{} {}\n{gutter}{} {name}:{line}:{column}\n",
            self.paint("1;32", &format!("fixed[{}]", d.rule)),
            self.paint("1", ":"),
            self.paint("1", &d.message),
            self.paint("1;34", "-->"),
        );
        if let Some(fix) = &d.fix {
            out.push_str(&format!("{gutter} {} {}\n", self.paint("1;34", "= fix:"), fix.message));
        }
        out.push('\n');
        out
    }
}

/// The part of `line` to show and the character offset of `column` in it.
fn window(line: &str, column: usize) -> (String, usize) {
    let line = line.trim_end_matches('\r');
    // A quoted line is the user's bytes: control characters (an ESC starting a terminal escape
    // sequence) are shown as U+FFFD, never sent to the terminal; a tab becomes one space so
    // that the caret stays under its column.
    let chars: Vec<char> = line
        .chars()
        .map(|c| match c {
            '\t' => ' ',
            c if c.is_control() => '\u{fffd}',
            c => c,
        })
        .collect();
    let at = column.saturating_sub(1).min(chars.len());
    if chars.len() <= WINDOW {
        return (chars.iter().collect(), at);
    }
    let start = at.saturating_sub(WINDOW / 3);
    let end = (start + WINDOW).min(chars.len());
    let mut shown: String = chars[start..end].iter().collect();
    let mut caret = at - start;
    if start > 0 {
        shown.insert(0, '…');
        caret += 1;
    }
    if end < chars.len() {
        shown.push('…');
    }
    (shown, caret)
}

impl Renderer for Human {
    fn file(&mut self, name: &str, report: &FileReport, out: &mut dyn Write) -> io::Result<()> {
        for d in report.fixed.iter().flatten() {
            out.write_all(self.fixed(name, d).as_bytes())?;
        }
        for d in &report.diagnostics {
            out.write_all(self.diagnostic(name, d, report.source.as_deref()).as_bytes())?;
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
        let line = format!("{}X{}", "a".repeat(300), "b".repeat(300));
        let (shown, caret) = window(&line, 301);
        assert_eq!(shown.chars().nth(caret), Some('X'));
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        assert_eq!(window("\tab", 2), (" ab".to_owned(), 1));
        assert_eq!(window("a\u{1b}[31mb", 1).0, "a\u{fffd}[31mb");
    }
}
