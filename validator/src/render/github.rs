//! `--format github`: GitHub Actions workflow commands, which annotate the pull request diff:
//! `::error file=F,line=L,col=C,endLine=..,endColumn=..,title=RULE::message`.

use std::io::{self, Write};

use changeos_models::Severity;

use super::{Renderer, Summary};
use crate::FileReport;

pub struct Github;

/// Escapes for the message part of a workflow command.
fn data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes for a property value (`file=...`), where `:` and `,` are separators too.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

impl Renderer for Github {
    fn file(&mut self, name: &str, report: &FileReport, out: &mut dyn Write) -> io::Result<()> {
        for d in &report.diagnostics {
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let message = match &d.help {
                Some(help) => format!("{}\nhelp: {help}", d.message),
                None => d.message.clone(),
            };
            writeln!(
                out,
                "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                property(name),
                d.line,
                d.column,
                d.end_line,
                d.end_column + 1,
                property(d.rule.id()),
                data(&message)
            )?;
        }
        Ok(())
    }

    fn end(&mut self, summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
        writeln!(
            out,
            "{} file(s) checked: {} error(s), {} warning(s)",
            summary.files, summary.errors, summary.warnings
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(data("50%\r\nx"), "50%25%0D%0Ax");
        assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
    }
}
