//! `generated/schema/<operationId>.request.json`: a standalone JSON Schema 2020-12 of each
//! request body, for editors and other validators. It says exactly the error-level rules that
//! standard keywords can say: extension keywords are dropped, warnings are dropped (a schema
//! cannot warn), and placeholders get an `anyOf` so that `$ADMIN_PASS` validates.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use crate::ir::{Api, Severity};

/// The placeholder pattern the linter's placeholder test was written for.
pub const PLACEHOLDER_PATTERN: &str = changeos_runtime::placeholder::PATTERN;

/// Keywords whose violations a rule reports.
const RULE_KEYWORDS: [&str; 9] = [
    "type",
    "required",
    "additionalProperties",
    "enum",
    "minLength",
    "maxLength",
    "pattern",
    "format",
    "dependentRequired",
];

/// Keywords that test a string's value, which a placeholder stands in for.
const VALUE_KEYWORDS: [&str; 5] = ["enum", "minLength", "maxLength", "pattern", "format"];

pub fn emit(api: &Api, spec: &Value, operation: &str, header: &str) -> String {
    let body = api
        .operations
        .iter()
        .find(|op| op.id == operation)
        .and_then(|op| op.request.clone())
        .unwrap_or_default();
    let mut exporter = Exporter {
        api,
        spec,
        queue: Vec::new(),
        seen: BTreeSet::new(),
    };
    let mut root = Map::new();
    root.insert("$schema".into(), json!("https://json-schema.org/draft/2020-12/schema"));
    root.insert("$comment".into(), json!(header));
    root.insert("title".into(), json!(format!("{operation} request body")));
    if let Value::Object(schema) = exporter.export(&component(spec, &body)) {
        root.extend(schema);
    }
    let mut defs = Map::new();
    let mut next = 0;
    while next < exporter.queue.len() {
        let name = exporter.queue[next].clone();
        next += 1;
        let exported = exporter.export(&component(spec, &name));
        defs.insert(name, exported);
    }
    if !defs.is_empty() {
        root.insert("$defs".into(), Value::Object(defs));
    }
    let mut text = serde_json::to_string_pretty(&Value::Object(root)).unwrap_or_default();
    text.push('\n');
    text
}

fn component(spec: &Value, name: &str) -> Value {
    spec.pointer(&format!("/components/schemas/{name}"))
        .cloned()
        .unwrap_or(Value::Null)
}

struct Exporter<'a> {
    api: &'a Api,
    spec: &'a Value,
    /// Components referenced so far, in first-reference order.
    queue: Vec<String>,
    seen: BTreeSet<String>,
}

impl Exporter<'_> {
    fn export(&mut self, schema: &Value) -> Value {
        let Value::Object(input) = schema else {
            return schema.clone();
        };
        let mut out = Map::new();
        for (key, value) in input {
            let is_rule_item = input.contains_key("x-rule");
            if key.starts_with("x-") || (!is_rule_item && self.is_warning(input, key)) {
                continue;
            }
            let exported = match key.as_str() {
                "$ref" => Some(self.reference(value)),
                "properties" => Some(Value::Object(
                    value
                        .as_object()
                        .into_iter()
                        .flatten()
                        .map(|(k, v)| (k.clone(), self.export(v)))
                        .collect(),
                )),
                "items" => Some(self.export(value)),
                "allOf" => self.cross_rules(value),
                "enum" if input.contains_key("x-open-enum") => None,
                _ => Some(value.clone()),
            };
            if let Some(exported) = exported {
                out.insert(key.clone(), exported);
            }
        }
        if input.contains_key("x-placeholder") {
            wrap_value_checks(&mut out);
        }
        Value::Object(out)
    }

    fn reference(&mut self, value: &Value) -> Value {
        let name = value
            .as_str()
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
            .unwrap_or_default()
            .to_owned();
        if self.seen.insert(name.clone()) && self.spec.pointer(&format!("/components/schemas/{name}")).is_some() {
            self.queue.push(name.clone());
        }
        json!(format!("#/$defs/{name}"))
    }

    /// The `allOf` items of error rules, without their `x-rule`.
    fn cross_rules(&mut self, value: &Value) -> Option<Value> {
        let errors: Vec<&Value> = value
            .as_array()
            .into_iter()
            .flatten()
            .filter(|item| !self.severity_is_warning(item.get("x-rule").and_then(Value::as_str)))
            .collect();
        let kept: Vec<Value> = errors.into_iter().map(|item| self.export(item)).collect();
        (!kept.is_empty()).then_some(Value::Array(kept))
    }

    /// Whether `keyword` in this schema is reported by a warning-level rule.
    fn is_warning(&self, schema: &Map<String, Value>, keyword: &str) -> bool {
        if !RULE_KEYWORDS.contains(&keyword) {
            return false;
        }
        let named = schema
            .get("x-rules")
            .and_then(|r| r.get(keyword))
            .and_then(Value::as_str);
        let id = named.or_else(|| {
            self.api
                .rules
                .iter()
                .find(|r| r.default_for.as_deref() == Some(keyword))
                .map(|r| r.id.as_str())
        });
        self.severity_is_warning(id)
    }

    fn severity_is_warning(&self, id: Option<&str>) -> bool {
        id.and_then(|id| self.api.rule(id))
            .is_some_and(|r| r.severity == Severity::Warning)
    }
}

/// Moves the value checks of a placeholder-accepting string under
/// `anyOf: [placeholder, checks]`.
fn wrap_value_checks(schema: &mut Map<String, Value>) {
    let mut checks = Map::new();
    for keyword in VALUE_KEYWORDS {
        if let Some(value) = schema.remove(keyword) {
            checks.insert(keyword.to_owned(), value);
        }
    }
    if !checks.is_empty() {
        schema.insert(
            "anyOf".into(),
            json!([{ "pattern": PLACEHOLDER_PATTERN }, Value::Object(checks)]),
        );
    }
}
