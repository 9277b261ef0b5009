//! `allOf` with a `$ref`: an object takes the members, required members and rules of a base
//! (written once in the spec, checked by one generated function), and closes over all of them
//! with `unevaluatedProperties: false`. What would not mean what it says is refused, located.

use changeos_codegen::{Error, File, generate, read_api};
use serde_json::{Value, json};

fn small() -> Value {
    let path = format!("{}/tests/fixtures/small.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("JSON")
}

/// The small spec with `Paint` split: `PaintBase` holds `colorId` (required) and `secret`,
/// `Paint` composes it and keeps `owner` and `extras`, in the order the spec had.
fn composed() -> Value {
    let mut spec = small();
    let paint = spec["components"]["schemas"]["Paint"].clone();
    let props = paint["properties"].as_object().expect("properties").clone();
    let mut base = json!({ "type": "object", "properties": {}, "required": ["colorId"] });
    let mut own = serde_json::Map::new();
    for (name, schema) in props {
        if name == "colorId" || name == "secret" {
            base["properties"][&name] = schema;
        } else {
            own.insert(name, schema);
        }
    }
    let schemas = spec["components"]["schemas"].as_object_mut().expect("schemas");
    schemas.insert("PaintBase".into(), base);
    let paint = schemas.get_mut("Paint").expect("Paint");
    let rules: Vec<Value> = paint["allOf"].as_array().cloned().unwrap_or_default();
    let object = paint.as_object_mut().expect("object");
    object.remove("additionalProperties");
    object.remove("required");
    object.insert("properties".into(), Value::Object(own));
    let mut all_of = vec![json!({ "$ref": "#/components/schemas/PaintBase" })];
    all_of.extend(rules);
    object.insert("allOf".into(), Value::Array(all_of));
    object.insert("unevaluatedProperties".into(), json!(false));
    object.insert("x-member-order".into(), json!(["colorId", "secret", "owner", "extras"]));
    spec
}

fn text(spec: &Value) -> String {
    serde_json::to_string_pretty(spec).expect("text")
}

fn files(spec: &Value) -> Vec<File> {
    generate(&text(spec), "fixture.json").unwrap_or_else(|e| panic!("codegen refused the spec: {e}"))
}

fn file<'a>(files: &'a [File], path: &str) -> &'a str {
    &files.iter().find(|f| f.path == path).expect("generated file").contents
}

fn refusal(spec: &Value) -> String {
    match generate(&text(spec), "fixture.json") {
        Err(e @ Error::Spec { .. }) => e.to_string(),
        Err(other) => panic!("expected a spec error, got {other}"),
        Ok(_) => panic!("codegen accepted a spec it should refuse"),
    }
}

#[test]
fn a_composed_object_has_its_bases_members_in_its_order() {
    let api = read_api(&text(&composed()), "fixture.json").expect("reads");
    let paint = api.object_type("Paint").expect("Paint is an object");
    assert_eq!(paint.bases, ["PaintBase"]);
    let members: Vec<&str> = api.members(paint).iter().map(|p| p.wire.as_str()).collect();
    assert_eq!(members, ["colorId", "secret", "owner", "extras"]);
    assert!(api.is_base("PaintBase"));
    assert!(!api.is_base("Paint"));
}

#[test]
fn the_bases_checks_are_emitted_once_and_called_from_the_composed_object() {
    let files = files(&composed());
    let lint = file(&files, "generated/src/lint.rs");
    assert_eq!(lint.matches("fn check_member_of_paint_base(").count(), 1, "{lint}");
    assert_eq!(lint.matches("fn check_rules_of_paint_base(").count(), 1);
    assert!(lint.contains("check_member_of_paint_base(key, member, path, out)"));
    assert!(lint.contains("check_rules_of_paint_base(value, object, path, out)"));
    // The unknown-member message names every member, the base's too.
    assert!(lint.contains("\"`colorId`, `secret`, `owner` and `extras`\""), "{lint}");
    // The exported schema composes with `allOf` and closes with `unevaluatedProperties`.
    let schema: Value =
        serde_json::from_str(file(&files, "generated/schema/PaintThing.request.json")).expect("schema JSON");
    let paint = &schema["$defs"]["Paint"];
    assert_eq!(paint["allOf"][0], json!({ "$ref": "#/$defs/PaintBase" }));
    assert_eq!(paint["unevaluatedProperties"], json!(false));
    assert!(paint.get("additionalProperties").is_none());
    assert_eq!(schema["$defs"]["PaintBase"]["required"], json!(["colorId"]));
    assert!(schema["$defs"]["PaintBase"].get("additionalProperties").is_none());
}

#[test]
fn the_exported_schema_and_the_linter_agree_on_a_composed_object() {
    let files = files(&composed());
    let schema: Value =
        serde_json::from_str(file(&files, "generated/schema/PaintThing.request.json")).expect("schema JSON");
    let validator = jsonschema::draft202012::new(&schema).expect("a valid schema");
    let id = "4f6c8e0a-1b2c-4d3e-8f9a-0b1c2d3e4f5a";
    let good = json!({ "paint": { "colorId": id, "secret": "$SECRET" } });
    let unknown = json!({ "paint": { "colorId": id, "secret": "$SECRET", "colour": "x" } });
    let missing = json!({ "paint": { "secret": "$SECRET" } });
    let baseline = files_of_small_verdicts(&small(), &[&good, &unknown, &missing]);
    let verdicts: Vec<bool> = [&good, &unknown, &missing]
        .iter()
        .map(|v| validator.is_valid(v))
        .collect();
    assert_eq!(
        verdicts, baseline,
        "the composed spec must accept and refuse what the flat one does"
    );
    assert_eq!(verdicts, [true, false, false]);
}

/// What the flat fixture's exported schema says of each value.
fn files_of_small_verdicts(spec: &Value, values: &[&Value]) -> Vec<bool> {
    let files = files(spec);
    let schema: Value =
        serde_json::from_str(file(&files, "generated/schema/PaintThing.request.json")).expect("schema JSON");
    let validator = jsonschema::draft202012::new(&schema).expect("a valid schema");
    values.iter().map(|v| validator.is_valid(v)).collect()
}

#[test]
fn additional_properties_beside_a_base_is_refused() {
    let mut spec = composed();
    spec["components"]["schemas"]["Paint"]["additionalProperties"] = json!(false);
    let message = refusal(&spec);
    assert!(
        message.contains("/components/schemas/Paint/additionalProperties"),
        "{message}"
    );
    assert!(message.contains("write `unevaluatedProperties: false`"), "{message}");
}

#[test]
fn a_closed_base_is_refused() {
    let mut spec = composed();
    spec["components"]["schemas"]["PaintBase"]["additionalProperties"] = json!(false);
    let message = refusal(&spec);
    assert!(message.contains("/components/schemas/Paint/allOf/0/$ref"), "{message}");
    assert!(message.contains("`PaintBase` is closed"), "{message}");
}

#[test]
fn a_base_that_is_not_an_object_is_refused() {
    let mut spec = composed();
    spec["components"]["schemas"]["Paint"]["allOf"][0] = json!({ "$ref": "#/components/schemas/Gloss" });
    let message = refusal(&spec);
    assert!(message.contains("`Gloss` is not an object schema"), "{message}");
}

#[test]
fn a_cycle_of_bases_is_refused() {
    let mut spec = composed();
    spec["components"]["schemas"]["PaintBase"]["allOf"] = json!([{ "$ref": "#/components/schemas/Paint" }]);
    let message = refusal(&spec);
    assert!(message.contains("bases cannot form a cycle"), "{message}");
}

#[test]
fn a_member_defined_twice_is_refused() {
    let mut spec = composed();
    spec["components"]["schemas"]["Paint"]["properties"]["secret"] = json!({ "type": "string" });
    spec["components"]["schemas"]["Paint"]
        .as_object_mut()
        .expect("object")
        .remove("x-member-order");
    let message = refusal(&spec);
    assert!(
        message.contains("`secret` is a member of this object and of one of its bases"),
        "{message}"
    );
}

#[test]
fn a_member_order_may_leave_members_out_but_not_name_others() {
    let mut spec = composed();
    spec["components"]["schemas"]["Paint"]["x-member-order"] = json!(["owner", "colorId"]);
    let api = read_api(&text(&spec), "fixture.json").expect("reads");
    let members: Vec<&str> = api
        .members(api.object_type("Paint").expect("object"))
        .iter()
        .map(|p| p.wire.as_str())
        .collect();
    assert_eq!(members, ["owner", "colorId", "secret", "extras"]);

    spec["components"]["schemas"]["Paint"]["x-member-order"] = json!(["owner", "colour"]);
    let message = refusal(&spec);
    assert!(
        message.contains("/components/schemas/Paint/x-member-order/1"),
        "{message}"
    );
    assert!(message.contains("names `colour`, which is not a member"), "{message}");
}
