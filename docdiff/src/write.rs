//! `doc-diff --write`: applies to the spec what needs no judgment.
//!
//! A member only in the doc is added at the end of its object's `properties` (the SDKs append
//! new members too), with the page's type, description and mandatory flag and `x-review: true`;
//! an object the page describes with a table of its own becomes a new component schema, placed
//! right after the component that holds it. A mandatory flag that differs is applied to the
//! object's `required`. Everything else (members only in the spec, types, the endpoint, path
//! parameters) is listed for a person. The spec keeps its key order and its formatting:
//! serde_json with `preserve_order` writes it back byte for byte as it read it, two spaces per
//! level and non-ASCII text as is.

use serde_json::{Map, Value, json};

use super::DocDiffError;
use super::JsonType;
use super::compare::{Area, DiffKind, DocMember, Holder, Report};
use changeos_codegen::error::child;
use changeos_codegen::names::pascal;

/// The spec after `--write`, and what was and was not done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteOutcome {
    /// The whole spec text (unchanged when nothing applied).
    pub text: String,
    /// One line per change.
    pub applied: Vec<String>,
    /// One line per difference left for a person, with the reason.
    pub skipped: Vec<String>,
    /// The spec was not in the canonical layout (two-space pretty JSON with a final newline),
    /// so writing it changed its formatting too.
    pub reformatted: bool,
}

/// Applies `report` to the spec text.
pub fn apply(spec_text: &str, report: &Report) -> Result<WriteOutcome, DocDiffError> {
    let mut spec: Value =
        serde_json::from_str(spec_text).map_err(|e| DocDiffError::Spec(format!("the spec is not valid JSON: {e}")))?;
    let mut applied = Vec::new();
    let mut skipped = Vec::new();
    for d in &report.differences {
        let member_area = matches!(d.area, Area::Body | Area::Response);
        match (d.kind, member_area, &d.holder, &d.member) {
            (DiffKind::OnlyInDoc, true, Some(holder), Some(member)) => match add_member(&mut spec, holder, member) {
                Ok(what) => applied.push(format!("added {}: {what}", d.pointer)),
                Err(why) => skipped.push(format!("{}: only in the doc, not added: {why}", d.pointer)),
            },
            (DiffKind::Mandatory, true, Some(holder), Some(member)) => {
                let mandatory = member.mandatory.unwrap_or(false);
                match set_required(&mut spec, holder, &member.name, mandatory) {
                    Ok(()) => applied.push(format!(
                        "made {} {}",
                        d.pointer,
                        if mandatory { "mandatory" } else { "optional" }
                    )),
                    Err(why) => skipped.push(format!("{}: mandatory flag not applied: {why}", d.pointer)),
                }
            }
            (DiffKind::OnlyInDoc, _, _, _) => skipped.push(format!(
                "{}: only in the doc; a path parameter goes with the path template, so add it by hand",
                d.pointer
            )),
            (DiffKind::OnlyInSpec, _, _, _) => skipped.push(format!(
                "{}: only in the spec; doc-diff never removes members (the page may be older or incomplete)",
                d.pointer
            )),
            (DiffKind::Type, _, _, _) => skipped.push(format!(
                "{}: the page says {}, the spec {}; decide which is right",
                d.pointer, d.doc, d.spec
            )),
            (DiffKind::Endpoint, _, _, _) => skipped.push(format!(
                "the endpoint: the page says {}, the spec {}; decide which is right",
                d.doc, d.spec
            )),
            (DiffKind::Mandatory, _, _, _) => skipped.push(format!(
                "{}: mandatory flag of a path parameter; path parameters are always required",
                d.pointer
            )),
        }
    }
    if applied.is_empty() {
        return Ok(WriteOutcome {
            text: spec_text.to_owned(),
            applied,
            skipped,
            reformatted: false,
        });
    }
    let canonical = |value: &Value| {
        serde_json::to_string_pretty(value)
            .map(|text| text + "\n")
            .map_err(|e| DocDiffError::Spec(format!("the spec cannot be written back: {e}")))
    };
    let original: Value =
        serde_json::from_str(spec_text).map_err(|e| DocDiffError::Spec(format!("the spec is not valid JSON: {e}")))?;
    let reformatted = canonical(&original)? != spec_text;
    Ok(WriteOutcome {
        text: canonical(&spec)?,
        applied,
        skipped,
        reformatted,
    })
}

/// The object schema at the holder's pointer.
fn object_at<'s>(spec: &'s mut Value, holder: &Holder) -> Result<&'s mut Map<String, Value>, String> {
    spec.pointer_mut(&holder.pointer)
        .and_then(Value::as_object_mut)
        .ok_or_else(|| format!("the spec has no object schema at {}", holder.pointer))
}

fn add_member(spec: &mut Value, holder: &Holder, member: &DocMember) -> Result<String, String> {
    let exists = object_at(spec, holder)?
        .get("properties")
        .and_then(|p| p.get(&member.name))
        .is_some();
    if exists {
        return Err("the spec already has it".to_owned());
    }
    let schema = member_schema(spec, holder, member)?;
    let summary = summary(&schema, member.mandatory == Some(true));
    let object = object_at(spec, holder)?;
    if !object.contains_key("properties") {
        insert_after(object, &["type", "description"], "properties", json!({}));
    }
    if let Some(Value::Object(properties)) = object.get_mut("properties") {
        properties.insert(member.name.clone(), schema);
    }
    if member.mandatory == Some(true) {
        set_required(spec, holder, &member.name, true)?;
    }
    Ok(summary)
}

fn summary(schema: &Value, mandatory: bool) -> String {
    let kind = match (
        schema.get("type").and_then(Value::as_str),
        schema.get("$ref").and_then(Value::as_str),
    ) {
        (Some(t), _) => t.to_owned(),
        (None, Some(r)) => format!("object {}", r.trim_start_matches("#/components/schemas/")),
        _ => "?".to_owned(),
    };
    let mandatory = if mandatory { "mandatory" } else { "optional" };
    format!("{kind}, {mandatory}, x-review")
}

/// The schema of a new member: its type (objects with a table of their own become a component),
/// the page's description, and `x-review: true`.
fn member_schema(spec: &mut Value, holder: &Holder, member: &DocMember) -> Result<Value, String> {
    let Some(json_type) = &member.json_type else {
        return Err(if member.written_type.is_empty() {
            "the page gives no type".to_owned()
        } else {
            format!("the page's type `{}` is not one doc-diff knows", member.written_type)
        });
    };
    let mut schema = Map::new();
    let described = |schema: &mut Map<String, Value>| {
        if !member.description.is_empty() {
            schema.insert("description".into(), json!(member.description));
        }
    };
    match json_type {
        JsonType::Object if has_children(member) => {
            let name = new_component(spec, holder, member)?;
            schema.insert("$ref".into(), json!(format!("#/components/schemas/{name}")));
            described(&mut schema);
        }
        JsonType::Array(item) => {
            schema.insert("type".into(), json!("array"));
            described(&mut schema);
            let items = match item.as_deref() {
                Some(JsonType::Object) | None if has_children(member) => {
                    let name = new_component(spec, holder, member)?;
                    json!({ "$ref": format!("#/components/schemas/{name}") })
                }
                Some(JsonType::Array(_)) | None => {
                    return Err(format!(
                        "the page's type `{}` does not say what the items are",
                        member.written_type
                    ));
                }
                Some(item) => json!({ "type": item.keyword() }),
            };
            schema.insert("items".into(), items);
        }
        other => {
            schema.insert("type".into(), json!(other.keyword()));
            described(&mut schema);
        }
    }
    schema.insert("x-review".into(), json!(true));
    Ok(Value::Object(schema))
}

fn has_children(member: &DocMember) -> bool {
    member.children.as_ref().is_some_and(|c| !c.is_empty())
}

/// Adds a component schema for the members of a new object and returns its name.
fn new_component(spec: &mut Value, holder: &Holder, member: &DocMember) -> Result<String, String> {
    let base = format!(
        "{}{}",
        holder.component.as_deref().unwrap_or("Doc"),
        pascal(&member.name)
    );
    let schemas = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .ok_or("the spec has no components/schemas")?;
    let name = (1..)
        .map(|n| if n == 1 { base.clone() } else { format!("{base}{n}") })
        .find(|n| !schemas.contains_key(n))
        .unwrap_or(base);
    let position = holder
        .component
        .as_ref()
        .and_then(|c| schemas.keys().position(|k| k == c))
        .map_or(schemas.len(), |i| i + 1);
    let mut schema = Map::new();
    schema.insert("type".into(), json!("object"));
    schema.insert(
        "description".into(),
        json!(format!(
            "The members of `{}`, added from the vendor's doc page.",
            member.name
        )),
    );
    schema.insert("properties".into(), json!({}));
    if holder.closed {
        schema.insert("additionalProperties".into(), json!(false));
    }
    if let Some(Value::Object(schemas)) = spec.pointer_mut("/components/schemas") {
        schemas.shift_insert(position, name.clone(), Value::Object(schema));
    }
    let inner = Holder {
        pointer: child("/components/schemas", &name),
        component: Some(name.clone()),
        closed: holder.closed,
    };
    for grandchild in member.children.iter().flatten() {
        add_member(spec, &inner, grandchild).map_err(|why| format!("`{}`: {why}", grandchild.name))?;
    }
    Ok(name)
}

/// Adds `name` to or removes it from the object's `required`; an empty `required` goes away.
fn set_required(spec: &mut Value, holder: &Holder, name: &str, mandatory: bool) -> Result<(), String> {
    let object = object_at(spec, holder)?;
    if mandatory && !object.contains_key("required") {
        insert_after(object, &["properties", "description", "type"], "required", json!([]));
    }
    let Some(Value::Array(required)) = object.get_mut("required") else {
        return if mandatory {
            Err("its `required` is not an array".to_owned())
        } else {
            Ok(())
        };
    };
    let listed = required.iter().any(|r| r.as_str() == Some(name));
    if mandatory && !listed {
        required.push(json!(name));
    } else if !mandatory {
        required.retain(|r| r.as_str() != Some(name));
        if required.is_empty() {
            object.shift_remove("required");
        }
    }
    Ok(())
}

/// Inserts `key` right after the first of `after` the object has, or at the end.
fn insert_after(object: &mut Map<String, Value>, after: &[&str], key: &str, value: Value) {
    let position = after
        .iter()
        .find_map(|k| object.keys().position(|existing| existing == k))
        .map_or(object.len(), |i| i + 1);
    object.shift_insert(position, key.to_owned(), value);
}
