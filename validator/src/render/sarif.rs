//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning, every rule described under
//! `tool.driver.rules`, one result per diagnostic, its fix (if any) under `fixes`; files as
//! `file://` URIs or as URIs relative to `%SRCROOT%` (see `artifact_location`).

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
                "id": r,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": r.explanation },
                "help": { "text": format!("{}\n\nRun `changeos explain {r}` for a bad and a good example.", r.explanation) },
                "defaultConfiguration": { "level": level(r.severity) },
            })
        })
        .collect()
}

/// The base of relative paths: the directory changeos ran in, which code scanning takes for
/// the root of the checkout. Described under `run.originalUriBaseIds`, without a `uri`, so
/// that the log does not depend on where it was made.
const SRCROOT: &str = "%SRCROOT%";

/// Where a file is, as SARIF wants it: an absolute path as a `file://` URI, a relative one as
/// a relative reference to [`SRCROOT`]. A `uri` that begins with a slash is neither, and
/// validators reject it (SARIF1004).
fn artifact_location(name: &str) -> Value {
    let path = if cfg!(windows) {
        name.replace('\\', "/")
    } else {
        name.to_owned()
    };
    if std::path::Path::new(name).is_absolute() {
        json!({ "uri": file_uri(&path, cfg!(windows)) })
    } else {
        json!({ "uri": escape(&path, b""), "uriBaseId": SRCROOT })
    }
}

/// `/tmp/a.json` → `file:///tmp/a.json`; on `windows`, `C:/a.json` → `file:///C:/a.json` and
/// `//server/share/a.json` → `file://server/share/a.json`.
fn file_uri(path: &str, windows: bool) -> String {
    if !windows {
        // `//tmp` is `/tmp` on POSIX systems, not a host.
        return format!("file:///{}", escape(path.trim_start_matches('/'), b":"));
    }
    let escaped = escape(path, b":");
    if path.starts_with("//") {
        format!("file:{escaped}")
    } else {
        format!("file:///{escaped}")
    }
}

/// Percent-encodes, as RFC 3986 requires, every byte of `path` but the unreserved characters,
/// the `/` between segments and `also` (a drive's `:`, which the first segment of a relative
/// reference may not hold). UTF-8 is encoded byte by byte.
fn escape(path: &str, also: &[u8]) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) || also.contains(&byte) {
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
        let bases = json!({
            SRCROOT: { "description": { "text": "The directory changeos ran in, where relative file names start (for code scanning, the root of the checkout)." } },
        });
        write!(
            out,
            "{{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\",\"runs\":[{{\"tool\":{{\"driver\":{driver}}},\"originalUriBaseIds\":{bases},\"results\":["
        )
    }

    fn file(&mut self, name: &str, report: &FileReport, out: &mut dyn Write) -> io::Result<()> {
        for d in &report.diagnostics {
            if self.results_written > 0 {
                out.write_all(b",")?;
            }
            self.results_written += 1;
            let text = match &d.help {
                Some(help) => format!("{}\nhelp: {help}", d.message),
                None => d.message.clone(),
            };
            let index = rules::all().position(|r| r == d.rule);
            let mut result = json!({
                "ruleId": d.rule,
                "ruleIndex": index,
                "level": level(d.severity),
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": artifact_location(name),
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
            if let (None, Some(object)) = (index, result.as_object_mut()) {
                // A rule of neither catalog (only a caller's own can be) has no descriptor to
                // point at; index 0 would name another rule.
                object.shift_remove("ruleIndex");
            }
            if let (Some(fix), Some(object)) = (&d.fix, result.as_object_mut()) {
                object.insert(
                    "fixes".to_owned(),
                    json!([{
                        "description": { "text": fix.message },
                        "artifactChanges": [{
                            "artifactLocation": artifact_location(name),
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
    fn relative_paths_are_relative_references_to_srcroot() {
        assert_eq!(
            artifact_location("payloads/a b.json"),
            json!({ "uri": "payloads/a%20b.json", "uriBaseId": "%SRCROOT%" })
        );
        assert_eq!(
            artifact_location("d:/100%/é#?.json"),
            json!({ "uri": "d%3A/100%25/%C3%A9%23%3F.json", "uriBaseId": "%SRCROOT%" })
        );
        // A backslash separates directories on Windows only; elsewhere it is part of a name.
        let expected = if cfg!(windows) { "dir/a.json" } else { "dir%5Ca.json" };
        assert_eq!(artifact_location("dir\\a.json")["uri"], expected);
    }

    #[cfg(unix)]
    #[test]
    fn absolute_paths_are_file_uris() {
        assert_eq!(
            artifact_location("/tmp/with space/é:1.json"),
            json!({ "uri": "file:///tmp/with%20space/%C3%A9:1.json" })
        );
        assert_eq!(
            artifact_location("//tmp/x.json"),
            json!({ "uri": "file:///tmp/x.json" })
        );
    }

    /// The results of `diagnostics` written as one file's, parsed back.
    fn results(diagnostics: Vec<crate::Diagnostic>) -> Vec<Value> {
        let mut out = Vec::new();
        let report = FileReport {
            diagnostics,
            ..FileReport::default()
        };
        Sarif::default().file("a.json", &report, &mut out).expect("written");
        serde_json::from_slice::<Value>(&[b"[", out.as_slice(), b"]"].concat())
            .expect("JSON")
            .as_array()
            .expect("an array")
            .clone()
    }

    fn diagnostic(rule: crate::Rule) -> crate::Diagnostic {
        crate::Diagnostic::at(rule.info(), String::new(), (1, 1))
    }

    #[test]
    fn results_point_at_their_rule_in_the_descriptors() {
        let ids: Vec<Value> = rule_descriptors().iter().map(|r| r["id"].clone()).collect();
        let all: Vec<crate::Rule> = rules::all().collect();
        for (result, rule) in results(all.iter().map(|r| diagnostic(*r)).collect()).iter().zip(&all) {
            assert_eq!(result["ruleId"], rule.id());
            let index = result["ruleIndex"].as_u64().expect("an index") as usize;
            assert_eq!(ids[index], rule.id());
        }
    }

    #[test]
    fn a_rule_of_neither_catalog_has_no_index() {
        static OWN: crate::RuleInfo = crate::RuleInfo {
            id: "own-rule",
            ..crate::rules::INVALID_JSON
        };
        let [result] = results(vec![diagnostic(crate::Rule::new(&OWN))])
            .try_into()
            .expect("one result");
        assert_eq!(result["ruleId"], "own-rule");
        assert!(result.get("ruleIndex").is_none(), "{result}");
        assert_eq!(
            result.as_object().expect("an object").keys().next().map(String::as_str),
            Some("ruleId")
        );
    }

    #[test]
    fn windows_paths_are_file_uris() {
        assert_eq!(file_uri("C:/payloads/a b.json", true), "file:///C:/payloads/a%20b.json");
        assert_eq!(file_uri("//server/share/a.json", true), "file://server/share/a.json");
    }
}
