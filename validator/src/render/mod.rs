//! Reports as text: one renderer per output format over the same diagnostics, each written as
//! the reports stream in (files in input order), then closed with the summary.

mod github;
mod human;
mod json;
mod sarif;

use std::io::{self, Write};

use changeos_models::Severity;

use crate::FileReport;

/// The output formats of `changeos check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
}

/// Totals over every file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Diagnostics that have a fix (not applied).
    pub fixable: usize,
    /// With fixes applied: how many were; `None` when fixes were not applied.
    pub fixed: Option<usize>,
}

impl Summary {
    pub fn add(&mut self, report: &FileReport) {
        self.files += 1;
        self.errors += report.count(Severity::Error);
        self.warnings += report.count(Severity::Warning);
        self.fixable += report.fixable();
        if let Some(fixed) = &report.fixed {
            *self.fixed.get_or_insert(0) += fixed.len();
        }
    }
}

/// Writes one format.
pub trait Renderer {
    fn begin(&mut self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }
    fn file(&mut self, name: &str, report: &FileReport, out: &mut dyn Write) -> io::Result<()>;
    fn end(&mut self, summary: &Summary, out: &mut dyn Write) -> io::Result<()>;
}

/// The renderer of `format`; `color` only matters to the human format.
pub fn renderer(format: Format, color: bool) -> Box<dyn Renderer> {
    match format {
        Format::Human => Box::new(human::Human::new(color)),
        Format::Json => Box::new(json::Json::default()),
        Format::Sarif => Box::new(sarif::Sarif::default()),
        Format::Github => Box::new(github::Github),
    }
}

/// Renders complete reports in one go (tests, small tools).
pub fn render_all(format: Format, color: bool, reports: &[(String, FileReport)]) -> String {
    let mut out = Vec::new();
    let mut renderer = renderer(format, color);
    let mut summary = Summary::default();
    let written = renderer.begin(&mut out).and_then(|()| {
        for (name, report) in reports {
            summary.add(report);
            renderer.file(name, report, &mut out)?;
        }
        renderer.end(&summary, &mut out)
    });
    debug_assert!(written.is_ok(), "writing to a Vec cannot fail");
    String::from_utf8_lossy(&out).into_owned()
}

/// `1 word`, `n words`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        let ending = if word.ends_with(['s', 'x']) { "es" } else { "s" };
        format!("{n} {word}{ending}")
    }
}
