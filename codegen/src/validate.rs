//! The first gate: the spec against codegen's own schema of what it can read
//! (`spec_schema.json`), so that anything unknown is refused by name instead of ignored.

use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

use crate::error::{Problem, child};

const SPEC_SCHEMA: &str = include_str!("spec_schema.json");

/// Every place where the spec leaves what codegen supports.
pub fn check(spec: &Value) -> Vec<Problem> {
    let schema: Value = match serde_json::from_str(SPEC_SCHEMA) {
        Ok(schema) => schema,
        Err(e) => {
            return vec![Problem::new("", format!("codegen's own spec schema is broken: {e}"))];
        }
    };
    let validator = match jsonschema::draft202012::options().build(&schema) {
        Ok(v) => v,
        Err(e) => {
            return vec![Problem::new("", format!("codegen's own spec schema is broken: {e}"))];
        }
    };
    let mut problems: Vec<Problem> = validator.iter_errors(spec).flat_map(|e| describe(&e)).collect();
    problems.sort_by(|a, b| a.pointer.cmp(&b.pointer).then(a.message.cmp(&b.message)));
    problems.dedup();
    problems
}

fn describe(error: &jsonschema::ValidationError<'_>) -> Vec<Problem> {
    let pointer = error.instance_path().as_str().to_owned();
    let in_schema = is_schema_place(error.schema_path().as_str());
    match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => unexpected
            .iter()
            .map(|name| Problem::new(child(&pointer, name), unexpected_message(name, in_schema)))
            .collect(),
        ValidationErrorKind::Required { property } => {
            vec![Problem::new(pointer, format!("missing required member {property}"))]
        }
        _ => vec![Problem::new(pointer, error.to_string())],
    }
}

/// Whether the schema path is inside one of the spec schema's definitions of a JSON Schema.
fn is_schema_place(schema_path: &str) -> bool {
    ["/$defs/schema/", "/$defs/crossRule/", "/$defs/condition/"]
        .iter()
        .any(|d| schema_path.contains(d))
}

fn unexpected_message(name: &str, in_schema: bool) -> String {
    if name.starts_with("x-") {
        format!("unknown extension keyword `{name}` (spec/README.md lists the supported ones)")
    } else if in_schema {
        format!("unsupported JSON Schema keyword `{name}` here (spec/README.md lists the supported ones)")
    } else {
        format!("unknown member `{name}`")
    }
}
