//! Hover: on a member's name, what the spec says of it (the models' doc text, carried by the
//! generated shapes); on a finding, its rule's explanation.

use changeos_runtime::json::{Json, Node};
use changeos_runtime::shape::Shape;
use changeos_validator::{Document, Operation, check_document};
use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position};

use crate::completion::shape_at;
use crate::encoding::{Encoding, Lines};

/// The hover at `position`, if there is something to say.
pub fn at(
    text: &str,
    document: &Document<'_>,
    operation: Operation,
    encoding: Encoding,
    position: Position,
) -> Option<Hover> {
    let lines = Lines::new(text, encoding);
    let offset = lines.parsed_offset(position)?;
    let mut parts = Vec::new();
    if let Some(root) = &document.parsed.root
        && let Some(path) = key_at(root, offset)
        && let Some(doc) = member_doc(operation.shape(), &path)
    {
        let name = path.last().map(String::as_str).unwrap_or_default();
        parts.push(format!("**`{name}`**\n\n{doc}"));
    }
    let report = check_document(operation, document);
    for d in &report.diagnostics {
        let range = lines.range((d.line, d.column), (d.end_line, d.end_column));
        if range.start <= position && position <= range.end {
            parts.push(format!("**{}**: {}", d.rule.id(), d.rule.explanation));
        }
    }
    (!parts.is_empty()).then(|| Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: parts.join("\n\n---\n\n"),
        }),
        range: None,
    })
}

/// The member names from the root to the member whose name holds `offset` (an array's
/// elements are passed through).
fn key_at(node: &Node<'_>, offset: usize) -> Option<Vec<String>> {
    match &node.value {
        Json::Object(object) => object.members().iter().find_map(|m| {
            if m.key.range().contains(&offset) {
                return Some(vec![m.name.to_string()]);
            }
            if m.node.span.range().contains(&offset) {
                let mut rest = key_at(&m.node, offset)?;
                rest.insert(0, m.name.to_string());
                return Some(rest);
            }
            None
        }),
        Json::Array(items) => items
            .iter()
            .find(|item| item.span.range().contains(&offset))
            .and_then(|item| key_at(item, offset)),
        _ => None,
    }
}

/// The doc of the member at the end of `path`, walking the operation's shapes (through the
/// items of arrays).
fn member_doc(shape: &'static Shape, path: &[String]) -> Option<&'static str> {
    let (last, parents) = path.split_last()?;
    let member = shape_at(shape, parents)?
        .members()
        .into_iter()
        .find(|m| m.name == last)?;
    (!member.doc.is_empty()).then_some(member.doc)
}
