//! The human-readable report: one block per diagnostic, then a one-line summary.

use changeos_models::Severity;
use changeos_validator::FileReport;

/// `file:line:column: severity[rule]: message`, the help indented below, and a summary.
pub fn render(reports: &[(String, FileReport)]) -> String {
    let mut out = String::new();
    for (file, report) in reports {
        for d in &report.diagnostics {
            out.push_str(&format!(
                "{file}:{}:{}: {}[{}]: {}\n",
                d.line, d.column, d.severity, d.rule, d.message
            ));
            if let Some(help) = &d.help {
                out.push_str(&format!("  help: {help}\n"));
            }
        }
    }
    let errors: usize = reports.iter().map(|(_, r)| r.count(Severity::Error)).sum();
    let warnings: usize = reports.iter().map(|(_, r)| r.count(Severity::Warning)).sum();
    out.push_str(&format!(
        "{} checked: {} error{}, {} warning{}\n",
        plural(reports.len(), "file"),
        errors,
        if errors == 1 { "" } else { "s" },
        warnings,
        if warnings == 1 { "" } else { "s" }
    ));
    out
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
