//! Completion: at a member name, the members the spec allows in that object (those not there
//! yet first, each with its doc); at a member's value, the values of its closed set, or a
//! `"$NAME"` placeholder where a secret goes.

use changeos_runtime::json::{Json, Node};
use changeos_runtime::shape::{Member, Shape};
use changeos_validator::{Document, Operation};
use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionTextEdit, Documentation, MarkupContent, MarkupKind, Position, Range,
    TextEdit,
};

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
    let Some(offset) = lines.parsed_offset(position) else {
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
    let opening = opening_quote(before);
    // What an item replaces: what is typed of the string so far, else nothing at the cursor.
    let from = opening.map_or(before.len(), |quote| quote + 1);
    let insert = Insert {
        range: Range::new(lines.position_of_parsed(from), position),
        in_quotes: opening.is_some(),
    };
    let outside = &before[..opening.unwrap_or(before.len())];
    match value_of(outside) {
        Some(name) => values(shape, &name, &insert),
        None => names(shape, object, &insert),
    }
}

/// Where an item goes: over the text typed so far in an open string (so that the client
/// neither doubles a quote nor keeps a `$`), else at the cursor, with its quotes.
struct Insert {
    range: Range,
    in_quotes: bool,
}

impl Insert {
    /// The edit that writes `bare` (a name or a value): as it is inside quotes, else as
    /// `quoted` says.
    fn edit(&self, bare: &str, quoted: impl FnOnce(&str) -> String) -> CompletionTextEdit {
        let new_text = if self.in_quotes { bare.to_owned() } else { quoted(bare) };
        CompletionTextEdit::Edit(TextEdit::new(self.range, new_text))
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

/// When the text before the cursor (its open string left out) ends at a member's value (after
/// `"name":`), that member's name.
fn value_of(before: &str) -> Option<String> {
    let key = before.trim_end().strip_suffix(':')?.trim_end().strip_suffix('"')?;
    let start = key.rfind('"')?;
    Some(key[start + 1..].to_owned())
}

/// The byte offset of the quote that opens the string the cursor is in, if it is in one (an
/// odd number of unescaped quotes on its line).
fn opening_quote(before: &str) -> Option<usize> {
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let mut opening = None;
    let mut escaped = false;
    for (i, c) in before[line_start..].char_indices() {
        match c {
            '\\' if opening.is_some() && !escaped => {
                escaped = true;
                continue;
            }
            '"' if !escaped => opening = if opening.is_some() { None } else { Some(line_start + i) },
            _ => {}
        }
        escaped = false;
    }
    opening
}

/// The member names of `shape`, the ones the object lacks first.
fn names(shape: &'static Shape, object: Option<&Node<'_>>, insert: &Insert) -> Vec<CompletionItem> {
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
                filter_text: Some(m.name.to_owned()),
                text_edit: Some(insert.edit(m.name, |name| format!("\"{name}\": "))),
                ..CompletionItem::default()
            }
        })
        .collect()
}

/// The values of member `name` of `shape`: its closed set, or a placeholder for a secret.
fn values(shape: &'static Shape, name: &str, insert: &Insert) -> Vec<CompletionItem> {
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
            filter_text: Some(placeholder.clone()),
            text_edit: Some(insert.edit(&placeholder, |bare| format!("\"{bare}\""))),
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
            filter_text: Some((*v).to_owned()),
            text_edit: Some(insert.edit(v, |bare| format!("\"{bare}\""))),
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
        assert_eq!(value_of("{\"mode\":"), Some("mode".to_owned()));
        assert_eq!(value_of("{\"mode\": \"x\", "), None);
        assert_eq!(value_of("{"), None);
    }

    #[test]
    fn quotes_are_counted_on_the_line_with_escapes() {
        assert_eq!(opening_quote("  \"ad"), Some(2));
        assert_eq!(opening_quote("  \"a\": "), None);
        assert_eq!(opening_quote("  \"a\\\"b"), Some(2));
        assert_eq!(opening_quote("{\"a\": \"x\",\n  \"b\": \"wi"), Some(18));
    }
}
