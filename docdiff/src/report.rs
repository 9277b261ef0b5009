//! The two renderings of a [`Report`]: grouped text for people, and the JSON contract
//! `{"operation", "page", "differences": [{"kind", "pointer", "doc", "spec"}]}`.

use serde_json::{Map, Value, json};

use super::compare::{DiffKind, Difference, Report};
use super::write::WriteOutcome;

/// The JSON report, pretty-printed, with a final newline.
pub fn json(report: &Report) -> String {
    let differences: Vec<Value> = report
        .differences
        .iter()
        .map(|d| {
            let mut item = Map::new();
            item.insert("kind".into(), json!(d.kind.as_str()));
            item.insert("pointer".into(), json!(d.pointer));
            item.insert("doc".into(), d.doc.clone());
            item.insert("spec".into(), d.spec.clone());
            Value::Object(item)
        })
        .collect();
    let mut root = Map::new();
    root.insert("operation".into(), json!(report.operation));
    root.insert("page".into(), json!(report.page));
    root.insert("differences".into(), Value::Array(differences));
    let mut text = serde_json::to_string_pretty(&Value::Object(root)).unwrap_or_default();
    text.push('\n');
    text
}

/// The groups of the human report, in the order they are shown, with their headings.
const GROUPS: [(DiffKind, &str); 5] = [
    (DiffKind::Endpoint, "endpoint differs"),
    (
        DiffKind::OnlyInDoc,
        "only in the doc: the page lists them, the spec does not",
    ),
    (
        DiffKind::OnlyInSpec,
        "only in the spec: the spec has them, the page does not list them",
    ),
    (DiffKind::Mandatory, "mandatory flag differs"),
    (DiffKind::Type, "type differs"),
];

/// The report for people: a summary line, the differences grouped by kind (pointers aligned),
/// the notes, and what to do next.
pub fn human(report: &Report) -> String {
    let mut out = format!(
        "doc-diff {} against {} ({})\ncompared: {}\n",
        report.operation,
        report.page,
        report.format,
        compared(report)
    );
    for (kind, heading) in GROUPS {
        let group: Vec<&Difference> = report.differences.iter().filter(|d| d.kind == kind).collect();
        if group.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{heading} ({}):\n", group.len()));
        let width = group.iter().map(|d| d.pointer.chars().count()).max().unwrap_or(0);
        for d in group {
            let line = match kind {
                DiffKind::Endpoint => format!("page: {}; spec: {}", text(&d.doc), text(&d.spec)),
                _ => format!("{:width$}  {}", d.pointer, detail(d)),
            };
            out.push_str(&format!("  {}\n", line.trim_end()));
        }
    }
    if !report.notes.is_empty() {
        out.push_str("\nnotes (not differences):\n");
        for note in &report.notes {
            out.push_str(&format!("  - {note}\n"));
        }
    }
    out.push('\n');
    let count = report.differences.len();
    if count == 0 {
        out.push_str("no differences: the page and the spec agree\n");
        return out;
    }
    out.push_str(&format!("{count} difference{}", if count == 1 { "" } else { "s" }));
    let addable = report
        .differences
        .iter()
        .filter(|d| d.kind == DiffKind::OnlyInDoc && d.holder.is_some())
        .count();
    let flags = report
        .differences
        .iter()
        .filter(|d| d.kind == DiffKind::Mandatory && d.holder.is_some())
        .count();
    if addable + flags > 0 {
        out.push_str(&format!(
            ". --write adds the {addable} member(s) only in the doc (marked `x-review: true`) and applies {flags} mandatory flag(s); members only in the spec are never removed"
        ));
    }
    out.push_str(".\n");
    out
}

fn compared(report: &Report) -> String {
    let c = &report.compared;
    let mut parts = Vec::new();
    if c.endpoint {
        parts.push("the endpoint".to_owned());
    }
    for (n, what) in [
        (c.path, "path parameter"),
        (c.body, "request member"),
        (c.response, "response field"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {what}{}", if n == 1 { "" } else { "s" }));
        }
    }
    if parts.is_empty() {
        "nothing".to_owned()
    } else {
        parts.join(", ")
    }
}

/// One line about a member difference.
fn detail(d: &Difference) -> String {
    match d.kind {
        DiffKind::OnlyInDoc => {
            let member = d.member.as_ref();
            let written = member.map(|m| m.written_type.as_str()).unwrap_or_default();
            let kind = match (written, d.doc.get("type").and_then(Value::as_str)) {
                ("", _) => "type not given".to_owned(),
                (w, Some(t)) if !w.eq_ignore_ascii_case(t) => format!("{w} ({t})"),
                (w, _) => w.to_owned(),
            };
            let mandatory = mandatory_word(d.doc.get("mandatory").and_then(Value::as_bool));
            let members = member
                .and_then(|m| m.children.as_ref())
                .filter(|c| !c.is_empty())
                .map(|c| {
                    let names: Vec<&str> = c.iter().map(|m| m.name.as_str()).collect();
                    format!(" (members: {})", names.join(", "))
                })
                .unwrap_or_default();
            let description = member.map(|m| short(&m.description, 60)).unwrap_or_default();
            if description.is_empty() {
                format!("{kind}, {mandatory}{members}")
            } else {
                format!("{kind}, {mandatory}{members}: {description}")
            }
        }
        DiffKind::OnlyInSpec => {
            let kind = d.spec.get("type").and_then(Value::as_str).unwrap_or("type unknown");
            let mandatory = mandatory_word(d.spec.get("mandatory").and_then(Value::as_bool));
            format!("{kind}, {mandatory}")
        }
        DiffKind::Mandatory => format!(
            "page: {}; spec: {}",
            mandatory_word(d.doc.as_bool()),
            mandatory_word(d.spec.as_bool())
        ),
        DiffKind::Type => {
            let written = d.member.as_ref().map(|m| m.written_type.as_str()).unwrap_or_default();
            let doc = text(&d.doc);
            let doc = if written.is_empty() || written.eq_ignore_ascii_case(&doc) {
                doc
            } else {
                format!("{written} ({doc})")
            };
            format!("page: {doc}; spec: {}", text(&d.spec))
        }
        DiffKind::Endpoint => String::new(),
    }
}

fn mandatory_word(value: Option<bool>) -> &'static str {
    match value {
        Some(true) => "mandatory",
        Some(false) => "optional",
        None => "no mandatory flag",
    }
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The first `max` characters, with an ellipsis when cut.
fn short(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(max).collect();
        format!("{}…", cut.trim_end())
    }
}

/// What `--write` did, and what it left for a person.
pub fn write_summary(outcome: &WriteOutcome, spec_path: &str) -> String {
    let mut out = String::new();
    if outcome.applied.is_empty() {
        out.push_str(&format!("\n--write: nothing to apply to {spec_path}\n"));
    } else {
        out.push_str(&format!("\n--write: updated {spec_path}\n"));
        for line in &outcome.applied {
            out.push_str(&format!("  {line}\n"));
        }
        if outcome.reformatted {
            out.push_str("  (the spec was not two-space pretty JSON: it was rewritten in that layout)\n");
        }
    }
    if !outcome.skipped.is_empty() {
        out.push_str("left for a person:\n");
        for line in &outcome.skipped {
            out.push_str(&format!("  {line}\n"));
        }
    }
    if !outcome.applied.is_empty() {
        out.push_str(
            "next: review the spec's diff, run `cargo run -p changeos-codegen`, review generated/ and the snapshots (`cargo insta review`), and remove `x-review` from each member once it is checked\n",
        );
    }
    out
}
