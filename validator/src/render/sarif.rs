//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning, every rule described under
//! `tool.driver.rules`, one result per diagnostic, its fix (if any) under `fixes`.

use std::io::{self, Write};

use changeos_models::Severity;
use serde_json::{Value, json};

use super::{Renderer, Summary};
use crate::{FileReport, rules};

#[derive(Default)]
pub struct Sarif {
    results_written: usize,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// Every rule, as `tool.driver.rules` entries; results refer to them by index.
fn rule_descriptors() -> Vec<Value> {
    rules::all()
        .map(|r| {
            json!({
                "id": r.id,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": r.explanation },
                "help": { "text": format!("{}\n\nRun `changeos explain {}` for a bad and a good example.", r.explanation, r.id) },
                "defaultConfiguration": { "level": level(r.severity) },
            })
        })
        .collect()
}

/// A path as a relative URI reference: forward slashes, characters outside the URI set escaped.
fn uri(name: &str) -> String {
    let mut out = String::new();
    for byte in name.replace('\\', "/").bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

impl Renderer for Sarif {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let driver = json!({
            "name": "changeos",
            "version": env!("CARGO_PKG_VERSION"),
            "informationUri": "https://github.com/changeos/changeos",
            "rules": rule_descriptors(),
        });
        write!(
            out,
            "{{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\",\"runs\":[{{\"tool\":{{\"driver\":{driver}}},\"results\":["
        )
    }

    fn file(&mut self, name: &str, report: &FileReport, out: &mut dyn Write) -> io::Result<()> {
        let ids: Vec<&str> = rules::all().map(|r| r.id).collect();
        for d in &report.diagnostics {
            if self.results_written > 0 {
                out.write_all(b",")?;
            }
            self.results_written += 1;
            let text = match &d.help {
                Some(help) => format!("{}\nhelp: {help}", d.message),
                None => d.message.clone(),
            };
            let mut result = json!({
                "ruleId": d.rule,
                "ruleIndex": ids.iter().position(|id| *id == d.rule).unwrap_or(0),
                "level": level(d.severity),
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(name) },
                        "region": {
                            "startLine": d.line,
                            "startColumn": d.column,
                            "endLine": d.end_line,
                            // SARIF's end column is the one after the last character.
                            "endColumn": d.end_column + 1,
                        }
                    }
                }],
            });
            if let (Some(fix), Some(object)) = (&d.fix, result.as_object_mut()) {
                object.insert(
                    "fixes".to_owned(),
                    json!([{
                        "description": { "text": fix.message },
                        "artifactChanges": [{
                            "artifactLocation": { "uri": uri(name) },
                            "replacements": [{
                                "deletedRegion": { "byteOffset": fix.start, "byteLength": fix.end - fix.start },
                                "insertedContent": { "text": fix.replacement },
                            }],
                        }],
                    }]),
                );
            }
            serde_json::to_writer(&mut *out, &result).map_err(io::Error::other)?;
        }
        Ok(())
    }

    fn end(&mut self, _summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(b"]}]}\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_references() {
        assert_eq!(uri("payloads/a b.json"), "payloads/a%20b.json");
        assert_eq!(uri("dir\\é.json"), "dir/%C3%A9.json");
    }
}
