//! Completion: at a member name, the members the spec allows in that object (those not there
//! yet first, each with its doc); at a member's value, the values of its closed set, or a
//! `"$NAME"` placeholder where a secret goes.

use changeos_runtime::json::{Json, Node};
use changeos_runtime::shape::{Member, Shape};
use changeos_validator::{Document, Operation};
use lsp_types::{CompletionItem, CompletionItemKind, Documentation, MarkupContent, MarkupKind, Position};

use crate::encoding::{Encoding, Lines};

/// The completions at `position`.
pub fn at(
    text: &str,
    document: &Document<'_>,
    operation: Operation,
    encoding: Encoding,
    position: Position,
) -> Vec<CompletionItem> {
    let lines = Lines::new(text, encoding);
    let offset = lines.byte_of(position);
    let bom = if document.bom { 3 } else { 0 };
    let Some(offset) = offset.checked_sub(bom) else {
        return Vec::new();
    };
    let Some(root) = &document.parsed.root else {
        return Vec::new();
    };
    let (path, object) = innermost_object(root, offset, Vec::new());
    let Some(shape) = shape_at(operation.shape(), &path) else {
        return Vec::new();
    };
    let before = &document.text[..offset.min(document.text.len())];
    match value_of(before) {
        Some(name) => values(shape, &name),
        None => names(shape, object, inside_quotes(before)),
    }
}

/// The innermost object whose span holds `offset`, and the member names that lead to it.
fn innermost_object<'n, 'a>(
    node: &'n Node<'a>,
    offset: usize,
    path: Vec<String>,
) -> (Vec<String>, Option<&'n Node<'a>>) {
    if let Json::Object(object) = &node.value {
        for member in object.members() {
            let inner = &member.node;
            let span = inner.span.range();
            // An object still open at the end of a half-typed text reaches the end.
            if matches!(inner.value, Json::Object(_)) && (span.contains(&offset) || span.end == offset) {
                let mut deeper = path.clone();
                deeper.push(member.name.to_string());
                return innermost_object(inner, offset, deeper);
            }
        }
        return (path, Some(node));
    }
    (path, None)
}

/// The shape of the value at `path` (through the items of arrays).
pub(crate) fn shape_at(shape: &'static Shape, path: &[String]) -> Option<&'static Shape> {
    let mut shape = shape;
    for name in path {
        let (_, inner) = shape.member(name)?;
        shape = inner;
        while let Shape::Array(items) = shape {
            shape = items;
        }
    }
    Some(shape)
}

/// When the cursor is at a member's value (after `"name":`, maybe inside an opening quote),
/// that member's name.
fn value_of(before: &str) -> Option<String> {
    let trimmed = before.trim_end();
    let trimmed = trimmed.strip_suffix('"').map(str::trim_end).unwrap_or(trimmed);
    let key = trimmed.strip_suffix(':')?.trim_end().strip_suffix('"')?;
    let start = key.rfind('"')?;
    Some(key[start + 1..].to_owned())
}

/// Whether the cursor is inside an opened string (an odd number of unescaped quotes on its line).
fn inside_quotes(before: &str) -> bool {
    let line = before.rsplit('\n').next().unwrap_or_default();
    let mut inside = false;
    let mut escaped = false;
    for c in line.chars() {
        match c {
            '\\' if inside && !escaped => {
                escaped = true;
                continue;
            }
            '"' if !escaped => inside = !inside,
            _ => {}
        }
        escaped = false;
    }
    inside
}

/// The member names of `shape`, the ones the object lacks first.
fn names(shape: &'static Shape, object: Option<&Node<'_>>, in_quotes: bool) -> Vec<CompletionItem> {
    let present = |name: &str| match object.map(|n| &n.value) {
        Some(Json::Object(o)) => o.contains_key(name),
        _ => false,
    };
    shape
        .members()
        .into_iter()
        .enumerate()
        .map(|(i, m)| {
            let there = present(m.name);
            CompletionItem {
                label: m.name.to_owned(),
                kind: Some(CompletionItemKind::PROPERTY),
                documentation: documentation(m),
                // Missing members first, each group in spec order.
                sort_text: Some(format!("{}{i:03}", u8::from(there))),
                insert_text: Some(if in_quotes {
                    m.name.to_owned()
                } else {
                    format!("\"{}\": ", m.name)
                }),
                ..CompletionItem::default()
            }
        })
        .collect()
}

/// The values of member `name` of `shape`: its closed set, or a placeholder for a secret.
fn values(shape: &'static Shape, name: &str) -> Vec<CompletionItem> {
    let Some(member) = shape.members().into_iter().find(|m| m.name == name) else {
        return Vec::new();
    };
    if matches!(member.shape, Shape::Secret) {
        let placeholder = format!(
            "${}",
            name.to_uppercase().replace(|c: char| !c.is_ascii_alphanumeric(), "_")
        );
        return vec![CompletionItem {
            label: format!("\"{placeholder}\""),
            kind: Some(CompletionItemKind::VALUE),
            detail: Some("a placeholder, filled in from the environment at send time".to_owned()),
            ..CompletionItem::default()
        }];
    }
    member
        .values
        .iter()
        .map(|v| CompletionItem {
            label: format!("\"{v}\""),
            kind: Some(CompletionItemKind::ENUM_MEMBER),
            documentation: documentation(member),
            ..CompletionItem::default()
        })
        .collect()
}

fn documentation(member: &Member) -> Option<Documentation> {
    (!member.doc.is_empty()).then(|| {
        Documentation::MarkupContent(MarkupContent {
            kind: MarkupKind::Markdown,
            value: member.doc.to_owned(),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_member_whose_value_is_being_typed() {
        assert_eq!(value_of("{\"mode\": "), Some("mode".to_owned()));
        assert_eq!(value_of("{\"mode\":\""), Some("mode".to_owned()));
        assert_eq!(value_of("{\"mode\": \"x\", "), None);
        assert_eq!(value_of("{"), None);
    }

    #[test]
    fn quotes_are_counted_on_the_line_with_escapes() {
        assert!(inside_quotes("  \"ad"));
        assert!(!inside_quotes("  \"a\": "));
        assert!(inside_quotes("  \"a\\\"b"));
    }
}
