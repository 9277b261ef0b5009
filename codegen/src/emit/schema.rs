//! `generated/schema/<operationId>.request.json`: a standalone JSON Schema 2020-12 of each
//! request body, for editors and other validators, written from the IR. It says exactly the
//! error-level rules that standard keywords can say: extensions are left out, warnings are left
//! out (a schema cannot warn), and placeholders get an `anyOf` so that `$ADMIN_PASS` validates.

use serde_json::{Map, Value, json};

use crate::ir::{
    Api, Condition, CrossCheck, CrossRule, Kind, Notes, ObjectSchema, Schema, SchemaRef, Severity, StringSchema,
};

/// The placeholder pattern, from the runtime that recognises placeholders.
pub const PLACEHOLDER_PATTERN: &str = changeos_runtime::placeholder::PATTERN;

pub fn emit(api: &Api, operation: &str, header: &str) -> String {
    let body = api
        .operations
        .iter()
        .find(|op| op.id == operation)
        .and_then(|op| op.request.clone())
        .unwrap_or_default();
    let mut exporter = Exporter { api, queue: Vec::new() };
    let mut root = Map::new();
    root.insert("$schema".into(), json!("https://json-schema.org/draft/2020-12/schema"));
    root.insert("$comment".into(), json!(header));
    root.insert("title".into(), json!(format!("{operation} request body")));
    if let Some(t) = api.type_def(&body) {
        root.extend(exporter.schema(&t.schema));
    }
    let mut defs = Map::new();
    let mut next = 0;
    while let Some(name) = exporter.queue.get(next).cloned() {
        next += 1;
        if let Some(t) = api.type_def(&name) {
            let exported = exporter.schema(&t.schema);
            defs.insert(name, Value::Object(exported));
        }
    }
    if !defs.is_empty() {
        root.insert("$defs".into(), Value::Object(defs));
    }
    let mut text = serde_json::to_string_pretty(&Value::Object(root)).unwrap_or_default();
    text.push('\n');
    text
}

struct Exporter<'a> {
    api: &'a Api,
    /// Named types referenced so far, in first-reference order.
    queue: Vec<String>,
}

impl Exporter<'_> {
    fn schema(&mut self, schema: &Schema) -> Map<String, Value> {
        let mut out = Map::new();
        if !self.is_warning(&schema.type_rule) {
            let name = type_name(&schema.kind);
            let type_value = if schema.nullable {
                json!([name, "null"])
            } else {
                json!(name)
            };
            out.insert("type".into(), type_value);
        }
        annotate(&mut out, schema.description.as_deref(), &schema.notes);
        match &schema.kind {
            Kind::Object(object) => self.object(object, &mut out),
            Kind::Array(items) => {
                out.insert("items".into(), self.reference(items));
            }
            Kind::String(string) => self.string(string, &mut out),
            Kind::Integer | Kind::Number | Kind::Boolean => {}
        }
        insert_some(&mut out, "default", schema.default.clone());
        insert_examples(&mut out, &schema.notes);
        out
    }

    fn object(&mut self, object: &ObjectSchema, out: &mut Map<String, Value>) {
        let properties: Map<String, Value> = object
            .properties
            .iter()
            .map(|p| {
                let mut exported = self.reference(&p.schema);
                if let (SchemaRef::Named(_), Value::Object(map)) = (&p.schema, &mut exported) {
                    annotate(map, p.description.as_deref(), &p.notes);
                    insert_some(map, "default", p.default.clone());
                    insert_examples(map, &p.notes);
                }
                (p.wire.clone(), exported)
            })
            .collect();
        if !properties.is_empty() {
            out.insert("properties".into(), Value::Object(properties));
        }
        let required: Vec<&str> = object
            .properties
            .iter()
            .filter(|p| p.required)
            .map(|p| p.wire.as_str())
            .collect();
        if !required.is_empty() && object.required_rule.as_deref().is_some_and(|r| !self.is_warning(r)) {
            out.insert("required".into(), json!(required));
        }
        if object.closed.as_deref().is_some_and(|r| !self.is_warning(r)) {
            // `additionalProperties` would not see the bases' members.
            let keyword = if object.bases.is_empty() {
                "additionalProperties"
            } else {
                "unevaluatedProperties"
            };
            out.insert(keyword.into(), json!(false));
        }
        let errors = object.cross_rules.iter().filter(|r| !self.is_warning(&r.rule));
        // An undescribed `dependentRequired` stands on the object, as a spec writes it.
        let (plain, rules): (Vec<&CrossRule>, Vec<&CrossRule>) =
            errors.partition(|r| r.description.is_none() && matches!(r.check, CrossCheck::DependentRequired { .. }));
        let dependent: Map<String, Value> = plain
            .iter()
            .filter_map(|r| match &r.check {
                CrossCheck::DependentRequired { member, needs } => Some((member.clone(), json!(needs))),
                _ => None,
            })
            .collect();
        if !dependent.is_empty() {
            out.insert("dependentRequired".into(), Value::Object(dependent));
        }
        let bases = object
            .bases
            .iter()
            .map(|b| self.reference(&SchemaRef::Named(b.clone())));
        let rules: Vec<Value> = bases.chain(rules.into_iter().map(cross_rule)).collect();
        if !rules.is_empty() {
            out.insert("allOf".into(), Value::Array(rules));
        }
    }

    fn string(&mut self, string: &StringSchema, out: &mut Map<String, Value>) {
        let mut checks = Map::new();
        if let Some(values) = &string.values
            && !values.open
            && !self.is_warning(&values.rule)
        {
            checks.insert("enum".into(), json!(values.values));
        }
        for (keyword, limit) in [("minLength", &string.min_length), ("maxLength", &string.max_length)] {
            if let Some((n, rule)) = limit
                && !self.is_warning(rule)
            {
                checks.insert(keyword.into(), json!(n));
            }
        }
        if let Some((pattern, rule)) = &string.pattern
            && !self.is_warning(rule)
        {
            checks.insert("pattern".into(), json!(pattern));
        }
        if let Some(rule) = &string.uuid
            && !self.is_warning(rule)
        {
            checks.insert("format".into(), json!("uuid"));
        }
        if string.placeholder && !checks.is_empty() {
            out.insert(
                "anyOf".into(),
                json!([{ "pattern": PLACEHOLDER_PATTERN }, Value::Object(checks)]),
            );
        } else {
            out.extend(checks);
        }
        insert_some(
            out,
            "contentEncoding",
            string.content_encoding.clone().map(Value::String),
        );
        insert_some(
            out,
            "contentMediaType",
            string.content_media_type.clone().map(Value::String),
        );
    }

    fn reference(&mut self, schema: &SchemaRef) -> Value {
        match schema {
            SchemaRef::Named(name) => {
                if !self.queue.contains(name) {
                    self.queue.push(name.clone());
                }
                json!({ "$ref": format!("#/$defs/{name}") })
            }
            SchemaRef::Inline(schema) => Value::Object(self.schema(schema)),
        }
    }

    fn is_warning(&self, rule: &str) -> bool {
        self.api.rule(rule).is_some_and(|r| r.severity == Severity::Warning)
    }
}

fn type_name(kind: &Kind) -> &'static str {
    match kind {
        Kind::Object(_) => "object",
        Kind::Array(_) => "array",
        Kind::String(_) => "string",
        Kind::Integer => "integer",
        Kind::Number => "number",
        Kind::Boolean => "boolean",
    }
}

fn cross_rule(rule: &CrossRule) -> Value {
    let mut out = Map::new();
    insert_some(&mut out, "description", rule.description.clone().map(Value::String));
    match &rule.check {
        CrossCheck::Not(c) => {
            out.insert("not".into(), condition(c));
        }
        CrossCheck::AnyOf(cs) => {
            out.insert("anyOf".into(), cs.iter().map(condition).collect());
        }
        CrossCheck::IfThen { when, then } => {
            out.insert("if".into(), condition(when));
            out.insert("then".into(), condition(then));
        }
        CrossCheck::DependentRequired { member, needs } => {
            out.insert("dependentRequired".into(), json!({ member: needs }));
        }
    }
    Value::Object(out)
}

fn condition(c: &Condition) -> Value {
    let mut out = Map::new();
    if !c.required.is_empty() {
        out.insert("required".into(), json!(c.required));
    }
    if !c.properties.is_empty() {
        let properties: Map<String, Value> = c.properties.iter().map(|(k, v)| (k.clone(), condition(v))).collect();
        out.insert("properties".into(), Value::Object(properties));
    }
    match c.one_of.as_deref() {
        Some([one]) => {
            out.insert("const".into(), json!(one));
        }
        Some(values) => {
            out.insert("enum".into(), json!(values));
        }
        None => {}
    }
    Value::Object(out)
}

fn annotate(out: &mut Map<String, Value>, description: Option<&str>, notes: &Notes) {
    insert_some(out, "title", notes.title.clone().map(Value::String));
    insert_some(out, "description", description.map(|d| Value::String(d.to_owned())));
    insert_some(out, "$comment", notes.comment.clone().map(Value::String));
}

fn insert_examples(out: &mut Map<String, Value>, notes: &Notes) {
    if !notes.examples.is_empty() {
        out.insert("examples".into(), Value::Array(notes.examples.clone()));
    }
}

fn insert_some(out: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(value) = value {
        out.insert(key.into(), value);
    }
}
