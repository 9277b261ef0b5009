//! From the spec's JSON to the IR: resolves references, attaches a rule to every constraint,
//! and refuses (with the pointer) what the IR cannot hold.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::error::{Problem, child};
use crate::ir::*;

const COMPONENT_PREFIX: &str = "#/components/schemas/";
const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// Reads a spec that passed `validate::check` into the IR, or every problem found.
pub fn read(spec: &Value) -> Result<Api, Vec<Problem>> {
    let mut reader = Reader::new(spec);
    reader.read_rules();
    let types = reader.read_types();
    let operations = reader.read_operations();
    reader.check_refs(spec, "");
    let mut api = Api {
        operations,
        types,
        rules: std::mem::take(&mut reader.rules),
    };
    reader.check_bases(&api);
    reader.finish_rules(&mut api);
    reader.add_review_rule(&mut api);
    if reader.problems.is_empty() {
        Ok(api)
    } else {
        Err(reader.problems)
    }
}

struct Reader<'s> {
    spec: &'s Value,
    rules: Vec<Rule>,
    defaults: BTreeMap<String, String>,
    /// (rule id, keyword, name of the named type whose schema uses it)
    uses: Vec<(String, String, String)>,
    /// The named type being read, for `uses`.
    current: String,
    problems: Vec<Problem>,
}

impl<'s> Reader<'s> {
    fn new(spec: &'s Value) -> Self {
        Reader {
            spec,
            rules: Vec::new(),
            defaults: BTreeMap::new(),
            uses: Vec::new(),
            current: String::new(),
            problems: Vec::new(),
        }
    }

    fn problem(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem::new(pointer, message));
    }

    fn read_rules(&mut self) {
        let Some(catalog) = self.spec.get("x-changeos-rules").and_then(Value::as_object) else {
            return;
        };
        for (id, rule) in catalog {
            let pointer = child("/x-changeos-rules", id);
            if id == REVIEW_RULE {
                self.problem(
                    &pointer,
                    format!("`{REVIEW_RULE}` is reserved: codegen adds it while a member is marked `x-review`"),
                );
                continue;
            }
            let text = |key: &str| rule.get(key).and_then(Value::as_str).map(str::to_owned);
            let severity = match rule.get("severity").and_then(Value::as_str) {
                Some("warning") => Severity::Warning,
                _ => Severity::Error,
            };
            let default_for = text("default-for");
            if let Some(keyword) = &default_for
                && let Some(other) = self.defaults.insert(keyword.clone(), id.clone())
            {
                self.problem(
                    child(&pointer, "default-for"),
                    format!("`{keyword}` already has a default rule, `{other}`"),
                );
            }
            self.rules.push(Rule {
                id: id.clone(),
                severity,
                summary: text("summary").unwrap_or_default(),
                message: text("message").unwrap_or_default(),
                help: text("help"),
                explanation: text("explanation").unwrap_or_default(),
                bad: rule.get("bad").cloned().unwrap_or(Value::Null),
                good: rule.get("good").cloned().unwrap_or(Value::Null),
                operation: text("operation").unwrap_or_default(),
                keywords: Vec::new(),
                default_for,
            });
        }
    }

    fn read_types(&mut self) -> Vec<TypeDef> {
        let Some(schemas) = self.spec.pointer("/components/schemas").and_then(Value::as_object) else {
            return Vec::new();
        };
        let mut types = Vec::new();
        for (name, schema) in schemas {
            let pointer = child("/components/schemas", name);
            if !is_type_name(name) {
                self.problem(
                    &pointer,
                    format!("`{name}` is not a type name (letters and digits, starting upper-case)"),
                );
                continue;
            }
            self.current = name.clone();
            self.refuse_review_mark(schema, &pointer);
            if let Some(schema) = self.read_schema(schema, &pointer) {
                types.push(TypeDef {
                    name: name.clone(),
                    schema,
                });
            }
        }
        types
    }

    /// The rule for `keyword` in `schema`: its `x-rules` entry, else the catalog's default.
    fn rule_for(&mut self, schema: &Value, keyword: &str, pointer: &str) -> String {
        let named = schema
            .get("x-rules")
            .and_then(|r| r.get(keyword))
            .and_then(Value::as_str);
        let id = match named {
            Some(id) => id.to_owned(),
            None => match self.defaults.get(keyword) {
                Some(id) => id.clone(),
                None => {
                    self.problem(
                        pointer,
                        format!("no rule reports `{keyword}` here: name one in `x-rules` or give a catalog rule `default-for: {keyword}`"),
                    );
                    return String::new();
                }
            },
        };
        self.use_rule(&id, keyword, &child(&child(pointer, "x-rules"), keyword))
    }

    /// Records that `id` reports `keyword` in the current type; complains when it is unknown.
    fn use_rule(&mut self, id: &str, keyword: &str, pointer: &str) -> String {
        if !self.rules.iter().any(|r| r.id == id) {
            self.problem(pointer, format!("rule `{id}` is not in x-changeos-rules"));
        }
        self.uses
            .push((id.to_owned(), keyword.to_owned(), self.current.clone()));
        id.to_owned()
    }

    fn read_schema(&mut self, schema: &Value, pointer: &str) -> Option<Schema> {
        let description = text(schema, "description");
        let (type_name, nullable) = match schema.get("type") {
            Some(Value::String(t)) => (t.clone(), false),
            Some(Value::Array(types)) => {
                let t = types
                    .iter()
                    .filter_map(Value::as_str)
                    .find(|t| *t != "null")
                    .unwrap_or("null");
                (t.to_owned(), true)
            }
            _ => {
                self.problem(pointer, "a schema needs a `type` (or a `$ref` in a property)");
                return None;
            }
        };
        if type_name != "string" {
            for keyword in [
                "enum",
                "minLength",
                "maxLength",
                "pattern",
                "format",
                "x-secret",
                "x-placeholder",
                "x-password-policy",
                "x-base64",
            ] {
                if schema.get(keyword).is_some() {
                    self.problem(child(pointer, keyword), format!("`{keyword}` applies to strings only"));
                }
            }
        }
        if type_name != "object" {
            for keyword in [
                "properties",
                "required",
                "additionalProperties",
                "dependentRequired",
                "allOf",
            ] {
                if schema.get(keyword).is_some() {
                    self.problem(child(pointer, keyword), format!("`{keyword}` applies to objects only"));
                }
            }
        }
        let kind = match type_name.as_str() {
            "object" => Kind::Object(self.read_object(schema, pointer)?),
            "array" => match schema.get("items") {
                Some(items) => {
                    self.refuse_review_mark(items, &child(pointer, "items"));
                    Kind::Array(Box::new(self.read_schema_ref(items, &child(pointer, "items"))?))
                }
                None => {
                    self.problem(pointer, "an array needs `items`");
                    return None;
                }
            },
            "string" => Kind::String(Box::new(self.read_string(schema, pointer)?)),
            "integer" => Kind::Integer,
            "number" => Kind::Number,
            "boolean" => Kind::Boolean,
            other => {
                self.problem(child(pointer, "type"), format!("unsupported type `{other}`"));
                return None;
            }
        };
        let type_rule = self.rule_for(schema, "type", pointer);
        Some(Schema {
            pointer: pointer.to_owned(),
            description,
            default: schema.get("default").cloned(),
            notes: notes(schema),
            kind,
            nullable,
            type_rule,
        })
    }

    fn read_schema_ref(&mut self, schema: &Value, pointer: &str) -> Option<SchemaRef> {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                for key in schema.as_object().into_iter().flat_map(Map::keys) {
                    if !matches!(
                        key.as_str(),
                        "$ref" | "description" | "title" | "examples" | "default" | "$comment" | "x-review"
                    ) {
                        self.problem(
                            child(pointer, key),
                            format!("`{key}` beside `$ref`: only annotations may stand there"),
                        );
                    }
                }
                let name = reference.strip_prefix(COMPONENT_PREFIX)?;
                Some(SchemaRef::Named(name.to_owned()))
            }
            None => self
                .read_schema(schema, pointer)
                .map(|s| SchemaRef::Inline(Box::new(s))),
        }
    }

    fn read_object(&mut self, schema: &Value, pointer: &str) -> Option<ObjectSchema> {
        let required: Vec<String> = strings(schema.get("required"));
        let empty = Map::new();
        let props = schema.get("properties").and_then(Value::as_object).unwrap_or(&empty);
        let mut properties = Vec::new();
        for name in &required {
            if !props.contains_key(name) {
                self.problem(
                    child(pointer, "required"),
                    format!("`{name}` is required but not among the properties"),
                );
            }
        }
        for (wire, prop) in props {
            let prop_pointer = child(&child(pointer, "properties"), wire);
            let schema_ref = self.read_schema_ref(prop, &prop_pointer)?;
            // Beside a `$ref`, the annotations are the property's; in an inline schema they
            // are the schema's own, and kept there.
            let beside_ref = matches!(schema_ref, SchemaRef::Named(_));
            properties.push(Property {
                wire: wire.clone(),
                pointer: prop_pointer,
                description: text(prop, "description"),
                default: prop.get("default").filter(|_| beside_ref).cloned(),
                notes: if beside_ref { notes(prop) } else { Notes::default() },
                required: required.contains(wire),
                schema: schema_ref,
                review: prop.get("x-review") == Some(&Value::Bool(true)),
            });
        }
        let required_rule = (!required.is_empty()).then(|| self.rule_for(schema, "required", pointer));
        let bases = self.read_bases(schema, pointer);
        let closed_by = |keyword: &str| schema.get(keyword) == Some(&Value::Bool(false));
        if !bases.is_empty() && closed_by("additionalProperties") {
            // JSON Schema's own trap: `additionalProperties` sees only the sibling `properties`,
            // so it would refuse every member of the bases.
            self.problem(
                child(pointer, "additionalProperties"),
                "`additionalProperties: false` beside an `allOf` base refuses the base's members: write `unevaluatedProperties: false`",
            );
        }
        // Both close the object; one rule reports an unknown member either way.
        let closed = (closed_by("additionalProperties") || closed_by("unevaluatedProperties"))
            .then(|| self.rule_for(schema, "additionalProperties", pointer));
        let mut cross_rules = Vec::new();
        if let Some(dependent) = schema.get("dependentRequired") {
            let rule = self.rule_for(schema, "dependentRequired", pointer);
            cross_rules.extend(dependent_rules(dependent, &rule, None));
        }
        for (item, item_pointer) in elements(schema, "allOf", pointer) {
            if item.get("$ref").is_none() {
                cross_rules.extend(self.read_cross_rule(item, &item_pointer));
            }
        }
        // A base's members are checked once every type is read (`check_bases`).
        let names: BTreeSet<&str> = props.keys().map(String::as_str).collect();
        for rule in &cross_rules {
            if let CrossCheck::DependentRequired { member, needs } = &rule.check {
                for name in std::iter::once(member).chain(needs) {
                    if bases.is_empty() && !names.contains(name.as_str()) {
                        self.problem(
                            pointer,
                            format!("`dependentRequired` names `{name}`, which is not a property"),
                        );
                    }
                }
            }
        }
        Some(ObjectSchema {
            bases,
            properties,
            member_order: schema.get("x-member-order").map(|order| strings(Some(order))),
            required_rule,
            closed,
            cross_rules,
        })
    }

    /// The `allOf` items that name a base: a `$ref` to a component schema, alone.
    fn read_bases(&mut self, schema: &Value, pointer: &str) -> Vec<String> {
        let mut bases = Vec::new();
        for (item, item_pointer) in elements(schema, "allOf", pointer) {
            if item.get("$ref").is_some()
                && let Some(name) = self.named(item, &item_pointer)
            {
                bases.push(name);
            }
        }
        bases
    }

    fn read_cross_rule(&mut self, item: &Value, pointer: &str) -> Vec<CrossRule> {
        let id = text(item, "x-rule").unwrap_or_default();
        let description = text(item, "description");
        let kinds: Vec<&str> = ["not", "anyOf", "if", "dependentRequired"]
            .into_iter()
            .filter(|k| item.get(*k).is_some())
            .collect();
        if kinds.len() != 1 || (item.get("if").is_some() != item.get("then").is_some()) {
            self.problem(
                pointer,
                "an `allOf` item holds exactly one rule: `not`, `anyOf`, `if` with `then`, or `dependentRequired`",
            );
            return Vec::new();
        }
        let rule = self.use_rule(&id, kinds[0], &child(pointer, "x-rule"));
        let check = match kinds[0] {
            "not" => CrossCheck::Not(condition(&item["not"])),
            "anyOf" => CrossCheck::AnyOf(item["anyOf"].as_array().into_iter().flatten().map(condition).collect()),
            "if" => CrossCheck::IfThen {
                when: condition(&item["if"]),
                then: condition(&item["then"]),
            },
            _ => return dependent_rules(&item["dependentRequired"], &rule, description),
        };
        vec![CrossRule {
            rule,
            description,
            check,
        }]
    }

    fn read_string(&mut self, schema: &Value, pointer: &str) -> Option<StringSchema> {
        let mut out = StringSchema {
            content_encoding: text(schema, "contentEncoding"),
            content_media_type: text(schema, "contentMediaType"),
            secret: schema.get("x-secret").is_some(),
            placeholder: schema.get("x-placeholder").is_some(),
            ..StringSchema::default()
        };
        if let Some(values) = schema.get("enum") {
            let values = strings(Some(values));
            let names = match schema.get("x-enum-names") {
                Some(names) => {
                    let names = strings(Some(names));
                    if names.len() != values.len() {
                        self.problem(
                            child(pointer, "x-enum-names"),
                            "`x-enum-names` needs one name per `enum` value",
                        );
                        return None;
                    }
                    names
                }
                None => values.iter().map(|v| variant_name(v)).collect(),
            };
            if let Some(duplicate) = first_duplicate(&names) {
                self.problem(
                    pointer,
                    format!("two values would both be the variant `{duplicate}`: use `x-enum-names`"),
                );
                return None;
            }
            let open = schema.get("x-open-enum").is_some();
            // An open set accepts any value, so no rule reports it.
            let rule = if open {
                String::new()
            } else {
                self.rule_for(schema, "enum", pointer)
            };
            out.values = Some(EnumValues {
                values,
                names,
                open,
                rule,
            });
        } else if schema.get("x-enum-names").is_some() || schema.get("x-open-enum").is_some() {
            self.problem(pointer, "`x-enum-names` and `x-open-enum` need an `enum`");
        }
        for keyword in ["minLength", "maxLength"] {
            if let Some(limit) = schema.get(keyword).and_then(Value::as_u64) {
                let rule = self.rule_for(schema, keyword, pointer);
                let slot = if keyword == "minLength" {
                    &mut out.min_length
                } else {
                    &mut out.max_length
                };
                *slot = Some((limit, rule));
            }
        }
        if let Some(pattern) = text(schema, "pattern") {
            if let Err(e) = regex::Regex::new(&pattern) {
                self.problem(child(pointer, "pattern"), format!("not a regular expression: {e}"));
            }
            out.pattern = Some((pattern, self.rule_for(schema, "pattern", pointer)));
        }
        if schema.get("format").is_some() {
            out.uuid = Some(self.rule_for(schema, "format", pointer));
        }
        if let Some(policy) = schema.get("x-password-policy") {
            out.password = Some(self.read_password_policy(policy, &child(pointer, "x-password-policy")));
        }
        if let Some(b64) = schema.get("x-base64") {
            let p = child(pointer, "x-base64");
            out.base64 = Some(Base64 {
                max_decoded_bytes: b64.get("max-decoded-bytes").and_then(Value::as_u64).unwrap_or(0),
                rule: self.use_rule(&text(b64, "rule").unwrap_or_default(), "x-base64", &child(&p, "rule")),
                size_rule: self.use_rule(
                    &text(b64, "size-rule").unwrap_or_default(),
                    "x-base64",
                    &child(&p, "size-rule"),
                ),
                lines_rule: text(b64, "lines-rule").map(|id| self.use_rule(&id, "x-base64", &child(&p, "lines-rule"))),
            });
        }
        Some(out)
    }

    fn read_password_policy(&mut self, policy: &Value, pointer: &str) -> PasswordPolicy {
        let rule_of = |reader: &mut Self, part: &str| -> Option<(Value, String)> {
            let value = policy.get(part)?;
            let id = text(value, "rule").unwrap_or_default();
            let rule = reader.use_rule(&id, "x-password-policy", &child(&child(pointer, part), "rule"));
            Some((value.clone(), rule))
        };
        let classes = rule_of(self, "classes").map(|(v, r)| (v["min"].as_u64().unwrap_or(0), r));
        let doubtful = rule_of(self, "doubtful").map(|(v, r)| (text(&v, "chars").unwrap_or_default(), r));
        let usernames = rule_of(self, "usernames").map(|(v, r)| (strings(v.get("names")), r));
        let username_runs = rule_of(self, "username-runs").map(|(v, rule)| UsernameRuns {
            name: text(&v, "name").unwrap_or_default(),
            max: v["max"].as_u64().unwrap_or(0),
            rule,
        });
        PasswordPolicy {
            classes,
            doubtful,
            usernames,
            username_runs,
        }
    }

    fn read_operations(&mut self) -> Vec<Operation> {
        let Some(paths) = self.spec.get("paths").and_then(Value::as_object) else {
            return Vec::new();
        };
        let mut operations = Vec::new();
        for (path, item) in paths {
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                let pointer = child(&child("/paths", path), method);
                let request = op.pointer("/requestBody/content/application~1json/schema");
                let request = request
                    .and_then(|s| self.named(s, &format!("{pointer}/requestBody/content/application~1json/schema")));
                let mut responses = Vec::new();
                for (status, response) in op.get("responses").and_then(Value::as_object).into_iter().flatten() {
                    let schema_pointer = format!(
                        "{}/content/application~1json/schema",
                        child(&child(&pointer, "responses"), status)
                    );
                    if let Some(schema) = response.pointer("/content/application~1json/schema")
                        && let Some(name) = self.named(schema, &schema_pointer)
                    {
                        responses.push((status.clone(), name));
                    }
                }
                let parameters = self.read_parameters(op, item, &pointer, &child("/paths", path));
                operations.push(Operation {
                    id: text(op, "operationId").unwrap_or_default(),
                    pointer,
                    method: method.to_uppercase(),
                    path: path.clone(),
                    summary: text(op, "summary"),
                    parameters,
                    cli_name: text(op, crate::cli_name::KEYWORD),
                    request,
                    responses,
                });
            }
        }
        let mut seen = BTreeSet::new();
        for op in &operations {
            if !seen.insert(op.id.clone()) {
                self.problem("/paths", format!("operationId `{}` is used twice", op.id));
            }
        }
        self.problems.extend(crate::cli_name::check(&operations));
        operations
    }

    /// The operation's parameters, then those of its path item that it does not override.
    fn read_parameters(&mut self, op: &Value, item: &Value, op_pointer: &str, item_pointer: &str) -> Vec<Parameter> {
        // Parameter schemas belong to no named type.
        self.current.clear();
        let mut out: Vec<Parameter> = Vec::new();
        for (holder, pointer) in [(op, op_pointer), (item, item_pointer)] {
            for (parameter, pointer) in elements(holder, "parameters", pointer) {
                let name = text(parameter, "name").unwrap_or_default();
                let location = match parameter.get("in").and_then(Value::as_str) {
                    Some("query") => ParameterIn::Query,
                    Some("header") => ParameterIn::Header,
                    _ => ParameterIn::Path,
                };
                if out.iter().any(|p| p.name == name && p.location == location) {
                    continue;
                }
                let Some(schema) = parameter
                    .get("schema")
                    .and_then(|s| self.read_schema_ref(s, &child(&pointer, "schema")))
                else {
                    continue;
                };
                out.push(Parameter {
                    name,
                    location,
                    required: parameter.get("required") == Some(&Value::Bool(true)),
                    description: text(parameter, "description"),
                    schema,
                    pointer,
                });
            }
        }
        out
    }

    /// The component an operation's body or response refers to.
    fn named(&mut self, schema: &Value, pointer: &str) -> Option<String> {
        match schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix(COMPONENT_PREFIX))
        {
            Some(name) => Some(name.to_owned()),
            None => {
                self.problem(
                    pointer,
                    "request and response bodies must be a `$ref` to a component schema",
                );
                None
            }
        }
    }

    /// Every `$ref` must name an existing component schema.
    fn check_refs(&mut self, value: &Value, pointer: &str) {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    let here = child(pointer, key);
                    if key == "$ref" {
                        if let Some(reference) = v.as_str() {
                            let exists = reference
                                .strip_prefix(COMPONENT_PREFIX)
                                .is_some_and(|name| self.spec.pointer(&child("/components/schemas", name)).is_some());
                            if !exists {
                                self.problem(
                                    here,
                                    format!(
                                        "dangling `$ref`: `{reference}` names no schema under #/components/schemas"
                                    ),
                                );
                            }
                        }
                    } else if !key.starts_with("x-") || key == "x-password-policy" {
                        self.check_refs(v, &here);
                    }
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    self.check_refs(v, &child(pointer, &i.to_string()));
                }
            }
            _ => {}
        }
    }

    /// What composition needs once every type is read: a base is an open object type, no
    /// object reaches itself through its bases, no member is defined twice, `x-member-order`
    /// names only members, and `dependentRequired` names members the object has.
    fn check_bases(&mut self, api: &Api) {
        for t in &api.types {
            let Kind::Object(object) = &t.schema.kind else { continue };
            let pointer = &t.schema.pointer;
            for (i, base) in object.bases.iter().enumerate() {
                let at = child(&child(&child(pointer, "allOf"), &i.to_string()), "$ref");
                match api.object_type(base) {
                    None => self.problem(at, format!("`{base}` is not an object schema: only objects compose")),
                    Some(b) if b.closed.is_some() => self.problem(
                        at,
                        format!("`{base}` is closed (`additionalProperties: false`), so nothing can add members to it: leave it open and close the objects that compose it with `unevaluatedProperties: false`"),
                    ),
                    Some(_) if reaches(api, base, &t.name) => {
                        self.problem(at, format!("`{base}` composes `{}` in turn: bases cannot form a cycle", t.name))
                    }
                    Some(_) => {}
                }
            }
            if object.bases.is_empty() || object.bases.iter().any(|b| reaches(api, b, &t.name)) {
                continue;
            }
            let members = api.members(object);
            let names: Vec<&str> = members.iter().map(|p| p.wire.as_str()).collect();
            if let Some(twice) = first_duplicate(&names) {
                self.problem(
                    pointer,
                    format!("`{twice}` is a member of this object and of one of its bases: define it once"),
                );
            }
            // Members it leaves out follow in definition order, so that adding a member
            // (by hand or by `doc-diff --write`) needs no edit here.
            for (i, name) in object.member_order.iter().flatten().enumerate() {
                if !names.contains(&name.as_str()) {
                    self.problem(
                        child(&child(pointer, "x-member-order"), &i.to_string()),
                        format!(
                            "`x-member-order` names `{name}`, which is not a member: {}",
                            names.join(", ")
                        ),
                    );
                }
            }
            for rule in &object.cross_rules {
                if let CrossCheck::DependentRequired { member, needs } = &rule.check {
                    for name in std::iter::once(member).chain(needs) {
                        if !names.contains(&name.as_str()) {
                            self.problem(
                                pointer,
                                format!("`dependentRequired` names `{name}`, which is not a property"),
                            );
                        }
                    }
                }
            }
        }
    }

    /// Keywords and example operations of each rule; refuses rules nobody uses.
    fn finish_rules(&mut self, api: &mut Api) {
        let reach = reachable_from_bodies(api);
        for rule in &mut api.rules {
            let uses: Vec<&(String, String, String)> = self.uses.iter().filter(|(id, _, _)| *id == rule.id).collect();
            if uses.is_empty() {
                self.problems.push(Problem::new(
                    child("/x-changeos-rules", &rule.id),
                    format!("rule `{}` is not used by any schema", rule.id),
                ));
                continue;
            }
            let mut keywords: Vec<String> = uses.iter().map(|(_, k, _)| k.clone()).collect();
            keywords.sort();
            keywords.dedup();
            rule.keywords = keywords;
            if rule.operation.is_empty() {
                rule.operation = reach
                    .iter()
                    .find(|(_, types)| uses.iter().any(|(_, _, t)| types.contains(t)))
                    .map(|(op, _)| op.clone())
                    .unwrap_or_default();
            } else if !api.operations.iter().any(|op| op.id == rule.operation) {
                self.problems.push(Problem::new(
                    child(&child("/x-changeos-rules", &rule.id), "operation"),
                    format!("no operation `{}`", rule.operation),
                ));
            }
        }
    }
}

impl Reader<'_> {
    /// `x-review` marks a member; on a whole schema or on array items it would mean nothing.
    fn refuse_review_mark(&mut self, schema: &Value, pointer: &str) {
        if schema.get("x-review").is_some() {
            self.problem(
                child(pointer, "x-review"),
                "`x-review` marks a member: put it on a property (beside its `$ref`, or in its own schema)",
            );
        }
    }

    /// While members of a request body are marked `x-review`, the catalog gets a warning rule
    /// that reports their use, with examples built from the body's own example.
    fn add_review_rule(&mut self, api: &mut Api) {
        let mut found: Vec<Reviewed> = Vec::new();
        for (op, body) in api.body_operations() {
            let mut steps = Vec::new();
            let mut stack = vec![body.to_owned()];
            if let Some(t) = api.type_def(body) {
                let pointer = child("/components/schemas", body);
                reviewed_in(
                    api, &t.schema, body, &pointer, &op.id, &mut steps, &mut stack, &mut found,
                );
            }
        }
        let Some(first) = found.first() else {
            return;
        };
        let body = api
            .operations
            .iter()
            .find(|op| op.id == first.operation)
            .and_then(|op| op.request.clone())
            .unwrap_or_default();
        let good = api
            .type_def(&body)
            .and_then(|t| t.schema.notes.examples.first())
            .filter(|v| v.is_object())
            .cloned()
            .unwrap_or_else(|| Value::Object(Map::new()));
        let mut bad = good.clone();
        insert_at(&mut bad, &first.steps, first.example.clone());
        let mut good = good;
        remove_at(&mut good, &first.steps);
        let members: Vec<String> = found.iter().map(|r| format!("`{}.{}`", r.owner, r.wire)).collect();
        api.rules.push(Rule {
            id: REVIEW_RULE.to_owned(),
            severity: Severity::Warning,
            summary: "member added from a vendor doc page and not reviewed yet".to_owned(),
            message: "{name} was added to the spec from a vendor doc page and is not reviewed yet".to_owned(),
            help: Some(
                "check it against the SDK and the service, then remove `x-review` from the spec and regenerate"
                    .to_owned(),
            ),
            explanation: format!(
                "`doc-diff --write` copied {} from a vendor doc page: {}. The type, the mandatory flag and the description are the page's own, and nobody has checked them against the SDK or the service yet. A payload that uses such a member is reported as a warning until a person reviews the spec and removes `x-review: true`.",
                if members.len() == 1 { "this member" } else { "these members" },
                members.join(", ")
            ),
            bad,
            good,
            operation: first.operation.clone(),
            keywords: vec!["x-review".to_owned()],
            default_for: None,
        });
    }
}

/// A value for a member in the `bad` example: its own example or default, its type's, or a
/// value of its type.
fn example_of(api: &Api, property: &Property) -> Value {
    if let Some(example) = property.notes.examples.first().or(property.default.as_ref()) {
        return example.clone();
    }
    let schema = match &property.schema {
        SchemaRef::Named(name) => match api.type_def(name) {
            Some(t) => &t.schema,
            None => return Value::String("example".to_owned()),
        },
        SchemaRef::Inline(schema) => schema,
    };
    if let Some(example) = schema.notes.examples.first().or(schema.default.as_ref()) {
        return example.clone();
    }
    match &schema.kind {
        Kind::String(s) => match s.values.as_ref().and_then(|v| v.values.first()) {
            Some(first) => Value::String(first.clone()),
            None => Value::String("example".to_owned()),
        },
        Kind::Object(_) => Value::Object(Map::new()),
        Kind::Array(_) => Value::Array(Vec::new()),
        Kind::Integer | Kind::Number => Value::from(1),
        Kind::Boolean => Value::Bool(true),
    }
}

/// A member marked `x-review` that a request body reaches.
struct Reviewed {
    operation: String,
    /// How to reach it from the body: member names, and `None` for an array's items.
    steps: Vec<Option<String>>,
    /// The named (or inline) type that holds it.
    owner: String,
    wire: String,
    /// A value for it, for the rule's `bad` example.
    example: Value,
}

#[allow(clippy::too_many_arguments)]
fn reviewed_in(
    api: &Api,
    schema: &Schema,
    owner: &str,
    pointer: &str,
    operation: &str,
    steps: &mut Vec<Option<String>>,
    stack: &mut Vec<String>,
    out: &mut Vec<Reviewed>,
) {
    match &schema.kind {
        Kind::Object(o) => {
            // A base's members sit at the same place in the payload.
            for base in &o.bases {
                if let Some(t) = api.type_def(base).filter(|_| !stack.contains(base)) {
                    stack.push(base.clone());
                    reviewed_in(api, &t.schema, base, &t.schema.pointer, operation, steps, stack, out);
                    stack.pop();
                }
            }
            for p in &o.properties {
                let here = child(&child(pointer, "properties"), &p.wire);
                steps.push(Some(p.wire.clone()));
                if p.review && !out.iter().any(|r| r.owner == owner && r.wire == p.wire) {
                    out.push(Reviewed {
                        operation: operation.to_owned(),
                        steps: steps.clone(),
                        owner: owner.to_owned(),
                        wire: p.wire.clone(),
                        example: example_of(api, p),
                    });
                }
                let inline = format!("{owner}{}", crate::names::pascal(&p.wire));
                reviewed_in_ref(api, &p.schema, &inline, &here, operation, steps, stack, out);
                steps.pop();
            }
        }
        Kind::Array(items) => {
            steps.push(None);
            let inline = format!("{owner}Item");
            reviewed_in_ref(
                api,
                items,
                &inline,
                &child(pointer, "items"),
                operation,
                steps,
                stack,
                out,
            );
            steps.pop();
        }
        _ => {}
    }
}

#[allow(clippy::too_many_arguments)]
fn reviewed_in_ref(
    api: &Api,
    r: &SchemaRef,
    inline_owner: &str,
    pointer: &str,
    operation: &str,
    steps: &mut Vec<Option<String>>,
    stack: &mut Vec<String>,
    out: &mut Vec<Reviewed>,
) {
    match r {
        SchemaRef::Named(name) if !stack.contains(name) => {
            if let Some(t) = api.type_def(name) {
                stack.push(name.clone());
                let pointer = child("/components/schemas", name);
                reviewed_in(api, &t.schema, name, &pointer, operation, steps, stack, out);
                stack.pop();
            }
        }
        SchemaRef::Named(_) => {}
        SchemaRef::Inline(schema) => reviewed_in(api, schema, inline_owner, pointer, operation, steps, stack, out),
    }
}

/// Puts `member` at the end of `steps` in `value`, making the objects and arrays on the way.
fn insert_at(value: &mut Value, steps: &[Option<String>], member: Value) {
    let Some((step, rest)) = steps.split_first() else {
        *value = member;
        return;
    };
    let empty = |next: Option<&Option<String>>| match next {
        Some(None) => Value::Array(Vec::new()),
        _ => Value::Object(Map::new()),
    };
    match step {
        Some(key) => {
            if !value.is_object() {
                *value = Value::Object(Map::new());
            }
            if let Value::Object(map) = value {
                let slot = map.entry(key.clone()).or_insert_with(|| empty(rest.first()));
                insert_at(slot, rest, member);
            }
        }
        None => {
            if !value.is_array() {
                *value = Value::Array(Vec::new());
            }
            if let Value::Array(items) = value {
                if items.is_empty() {
                    items.push(empty(rest.first()));
                }
                insert_at(&mut items[0], rest, member);
            }
        }
    }
}

/// Removes the member at the end of `steps` from `value`, if it is there.
fn remove_at(value: &mut Value, steps: &[Option<String>]) {
    match steps {
        [] => {}
        [Some(key)] => {
            if let Value::Object(map) = value {
                map.shift_remove(key);
            }
        }
        [Some(key), rest @ ..] => {
            if let Some(next) = value.get_mut(key) {
                remove_at(next, rest);
            }
        }
        [None, rest @ ..] => {
            if let Value::Array(items) = value {
                for item in items {
                    remove_at(item, rest);
                }
            }
        }
    }
}

/// For each operation with a body, the named types its body reaches.
pub fn reachable_from_bodies(api: &Api) -> Vec<(String, BTreeSet<String>)> {
    api.body_operations()
        .map(|(op, body)| {
            let mut seen = BTreeSet::new();
            let mut stack = vec![body.to_owned()];
            while let Some(name) = stack.pop() {
                if !seen.insert(name.clone()) {
                    continue;
                }
                if let Some(t) = api.type_def(&name) {
                    collect_names(&t.schema, &mut stack);
                }
            }
            (op.id.clone(), seen)
        })
        .collect()
}

fn collect_names(schema: &Schema, out: &mut Vec<String>) {
    let mut visit = |r: &SchemaRef| match r {
        SchemaRef::Named(n) => out.push(n.clone()),
        SchemaRef::Inline(s) => collect_names(s, out),
    };
    match &schema.kind {
        Kind::Object(o) => {
            o.properties.iter().for_each(|p| visit(&p.schema));
            o.bases.iter().for_each(|b| out.push(b.clone()));
        }
        Kind::Array(items) => visit(items),
        _ => {}
    }
}

fn dependent_rules(dependent: &Value, rule: &str, description: Option<String>) -> Vec<CrossRule> {
    dependent
        .as_object()
        .into_iter()
        .flatten()
        .map(|(member, needs)| CrossRule {
            rule: rule.to_owned(),
            description: description.clone(),
            check: CrossCheck::DependentRequired {
                member: member.clone(),
                needs: strings(Some(needs)),
            },
        })
        .collect()
}

fn condition(value: &Value) -> Condition {
    let one_of = match (value.get("const"), value.get("enum")) {
        (Some(c), _) => Some(strings(Some(&Value::Array(vec![c.clone()])))),
        (None, Some(e)) => Some(strings(Some(e))),
        _ => None,
    };
    Condition {
        required: strings(value.get("required")),
        properties: value
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.clone(), condition(v)))
            .collect(),
        one_of,
    }
}

/// The elements of the array `value[key]`, each with its pointer.
fn elements<'v>(value: &'v Value, key: &str, pointer: &str) -> impl Iterator<Item = (&'v Value, String)> {
    let at = child(pointer, key);
    value
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
        .map(move |(i, item)| (item, child(&at, &i.to_string())))
}

fn notes(value: &Value) -> Notes {
    Notes {
        title: text(value, "title"),
        comment: text(value, "$comment"),
        examples: value
            .get("examples")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default(),
    }
}

fn text(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

/// Whether `name` composes `target`, directly or through its own bases.
fn reaches(api: &Api, name: &str, target: &str) -> bool {
    let mut stack = vec![name];
    let mut seen = BTreeSet::new();
    while let Some(next) = stack.pop() {
        if next == target {
            return true;
        }
        if seen.insert(next)
            && let Some(o) = api.object_type(next)
        {
            stack.extend(o.bases.iter().map(String::as_str));
        }
    }
    false
}

fn first_duplicate<T: AsRef<str>>(names: &[T]) -> Option<&T> {
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    names.iter().find(|&n| !seen.insert(n.as_ref()))
}

fn is_type_name(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && name.chars().all(|c| c.is_ascii_alphanumeric())
}

/// A Rust variant name for an enum value: `paintItBlack` → `PaintItBlack`,
/// `IN_PROGRESS` → `InProgress`, `0` → `V0`.
pub fn variant_name(value: &str) -> String {
    let mut out = String::new();
    for word in value
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let all_upper = word.chars().all(|c| !c.is_ascii_lowercase());
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            if all_upper {
                out.extend(chars.map(|c| c.to_ascii_lowercase()));
            } else {
                out.extend(chars);
            }
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    out
}
