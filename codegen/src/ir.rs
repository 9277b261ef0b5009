//! The spec as codegen understands it: operations, named types with their constraints, and the
//! rule catalog. Reading (`read`) builds it; the emitters (`emit`) only look at it.

use serde_json::Value;

/// Everything codegen needs from the spec.
#[derive(Debug, Clone)]
pub struct Api {
    pub operations: Vec<Operation>,
    /// Named schemas, in the order of `components/schemas`.
    pub types: Vec<TypeDef>,
    pub rules: Vec<Rule>,
}

impl Api {
    pub fn type_def(&self, name: &str) -> Option<&TypeDef> {
        self.types.iter().find(|t| t.name == name)
    }

    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// Pointers of every property marked `x-review: true`, in the order of the spec.
    pub fn reviewed_members(&self) -> Vec<&str> {
        let mut out = Vec::new();
        for t in &self.types {
            t.schema.reviewed_members(&mut out);
        }
        out
    }

    /// Every member of an object, its bases' included, in its order.
    pub fn members<'a>(&'a self, object: &'a ObjectSchema) -> Vec<&'a Property> {
        self.members_owned("", object).into_iter().map(|(_, p)| p).collect()
    }

    /// [`Api::members`], each with the name of the type that defines it (`name` for the
    /// object's own).
    pub fn members_owned<'a>(&'a self, name: &'a str, object: &'a ObjectSchema) -> Vec<(&'a str, &'a Property)> {
        let mut out = Vec::new();
        self.collect_members(name, object, &mut out, 0);
        if let Some(order) = &object.member_order {
            out.sort_by_key(|(_, p)| order.iter().position(|wire| *wire == p.wire).unwrap_or(usize::MAX));
        }
        out
    }

    fn collect_members<'a>(
        &'a self,
        name: &'a str,
        object: &'a ObjectSchema,
        out: &mut Vec<(&'a str, &'a Property)>,
        depth: usize,
    ) {
        // The reader refuses cycles of bases; the depth only keeps a bad IR from looping.
        if depth > self.types.len() {
            return;
        }
        for base in &object.bases {
            if let Some(o) = self.object_type(base) {
                self.collect_members(base, o, out, depth + 1);
            }
        }
        out.extend(object.properties.iter().map(|p| (name, p)));
    }

    /// The rules across members of an object: its bases' (first, in order), then its own.
    pub fn cross_rules<'a>(&'a self, object: &'a ObjectSchema) -> Vec<&'a CrossRule> {
        let mut out = Vec::new();
        self.collect_cross_rules(object, &mut out, 0);
        out
    }

    fn collect_cross_rules<'a>(&'a self, object: &'a ObjectSchema, out: &mut Vec<&'a CrossRule>, depth: usize) {
        if depth > self.types.len() {
            return;
        }
        for base in object.bases.iter().filter_map(|b| self.object_type(b)) {
            self.collect_cross_rules(base, out, depth + 1);
        }
        out.extend(&object.cross_rules);
    }

    /// The object schema of a named type, if it is one.
    pub fn object_type(&self, name: &str) -> Option<&ObjectSchema> {
        match &self.type_def(name)?.schema.kind {
            Kind::Object(o) => Some(o),
            _ => None,
        }
    }

    /// Named types that some object composes (`allOf` with a `$ref`).
    pub fn is_base(&self, name: &str) -> bool {
        self.types
            .iter()
            .any(|t| matches!(&t.schema.kind, Kind::Object(o) if o.bases.iter().any(|b| b == name)))
    }

    /// Operations that take a JSON request body, with the name of its schema.
    pub fn body_operations(&self) -> impl Iterator<Item = (&Operation, &str)> {
        self.operations
            .iter()
            .filter_map(|op| op.request.as_deref().map(|body| (op, body)))
    }
}

#[derive(Debug, Clone)]
pub struct Operation {
    pub id: String,
    /// `/paths/<path>/<method>`.
    pub pointer: String,
    pub method: String,
    pub path: String,
    pub summary: Option<String>,
    /// Its parameters and its path item's, in that order.
    pub parameters: Vec<Parameter>,
    /// `x-changeos-cli-name`: the word that picks it with `--op` (every body operation has one).
    pub cli_name: Option<String>,
    /// Name of the request body's schema.
    pub request: Option<String>,
    /// `(status, schema name)` of every response with a JSON body.
    pub responses: Vec<(String, String)>,
}

/// A path, query or header parameter.
#[derive(Debug, Clone)]
pub struct Parameter {
    pub name: String,
    pub location: ParameterIn,
    pub required: bool,
    pub description: Option<String>,
    pub schema: SchemaRef,
    pub pointer: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParameterIn {
    Path,
    Query,
    Header,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// One entry of the rule catalog.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub severity: Severity,
    pub summary: String,
    pub message: String,
    pub help: Option<String>,
    pub explanation: String,
    pub bad: Value,
    pub good: Value,
    /// Filled in by the reader: the declared one, or the first operation using the rule.
    pub operation: String,
    /// Keywords this rule reports, filled in by the reader.
    pub keywords: Vec<String>,
    pub default_for: Option<String>,
}

impl Rule {
    /// Every keyword it reports is standard JSON Schema (not `x-...`).
    pub fn is_standard(&self) -> bool {
        self.keywords.iter().all(|k| !k.starts_with("x-"))
    }
}

#[derive(Debug, Clone)]
pub struct TypeDef {
    pub name: String,
    pub schema: Schema,
}

/// A schema: its kind with the constraints of that kind, and annotations.
#[derive(Debug, Clone)]
pub struct Schema {
    /// Where it stands in the spec (a JSON pointer), for reports that send a person there.
    pub pointer: String,
    pub description: Option<String>,
    pub default: Option<Value>,
    pub notes: Notes,
    pub kind: Kind,
    pub nullable: bool,
    /// The rule reporting a wrong JSON type.
    pub type_rule: String,
}

impl Schema {
    fn reviewed_members<'a>(&'a self, out: &mut Vec<&'a str>) {
        let inline = |r: &'a SchemaRef, out: &mut Vec<&'a str>| {
            if let SchemaRef::Inline(s) = r {
                s.reviewed_members(out);
            }
        };
        match &self.kind {
            Kind::Object(o) => {
                for p in &o.properties {
                    if p.review {
                        out.push(&p.pointer);
                    }
                    inline(&p.schema, out);
                }
            }
            Kind::Array(items) => inline(items, out),
            _ => {}
        }
    }
}

#[derive(Debug, Clone)]
pub enum Kind {
    Object(ObjectSchema),
    Array(Box<SchemaRef>),
    String(Box<StringSchema>),
    Integer,
    Number,
    Boolean,
}

/// The annotations codegen carries through to the exported JSON Schema and nothing else.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Notes {
    pub title: Option<String>,
    pub comment: Option<String>,
    pub examples: Vec<Value>,
}

/// A property's schema: a named type, or one written in place.
#[derive(Debug, Clone)]
pub enum SchemaRef {
    Named(String),
    Inline(Box<Schema>),
}

#[derive(Debug, Clone)]
pub struct Property {
    pub wire: String,
    /// The property's own pointer (`…/properties/<wire>`).
    pub pointer: String,
    pub description: Option<String>,
    /// Annotations written beside a `$ref` (an inline schema keeps its own in `Schema`).
    pub default: Option<Value>,
    pub notes: Notes,
    pub required: bool,
    pub schema: SchemaRef,
    /// Marked `x-review: true`: added from a vendor doc page (`doc-diff --write`) and not
    /// checked by a person yet. It lints and generates as usual, and a request that uses it
    /// gets a warning of [`REVIEW_RULE`].
    pub review: bool,
}

/// The id of the warning codegen adds to the catalog while a member of a request body is
/// marked `x-review`; a spec cannot define a rule of its own with this id.
pub const REVIEW_RULE: &str = "unreviewed-member";

#[derive(Debug, Clone)]
pub struct ObjectSchema {
    /// Named object types whose members, required members and rules this one has too (the
    /// `allOf` items that are a `$ref`), in order. A base is open, so that its members can be
    /// shared; the composed object closes over all of them (`unevaluatedProperties: false`).
    pub bases: Vec<String>,
    /// Its own members (a base's are in the base).
    pub properties: Vec<Property>,
    /// `x-member-order`: the order of all members, its own and its bases'; without it the
    /// bases' members come first. The order `fmt` lays a payload out in.
    pub member_order: Option<Vec<String>>,
    /// The rule for a missing required member (when any is required).
    pub required_rule: Option<String>,
    /// `additionalProperties: false`, with the rule that reports an unknown member.
    pub closed: Option<String>,
    pub cross_rules: Vec<CrossRule>,
}

/// A rule that relates several members of one object.
#[derive(Debug, Clone)]
pub struct CrossRule {
    pub rule: String,
    pub description: Option<String>,
    pub check: CrossCheck,
}

#[derive(Debug, Clone)]
pub enum CrossCheck {
    /// Violated when the condition holds.
    Not(Condition),
    /// Violated when none holds.
    AnyOf(Vec<Condition>),
    /// Violated when `when` holds and `then` does not.
    IfThen { when: Condition, then: Condition },
    /// Violated when `member` is present and one of `needs` is not.
    DependentRequired { member: String, needs: Vec<String> },
}

/// A JSON Schema condition made of `required`, `properties`, `const` and `enum`.
#[derive(Debug, Clone, Default)]
pub struct Condition {
    pub required: Vec<String>,
    pub properties: Vec<(String, Condition)>,
    /// `const` or `enum` of strings.
    pub one_of: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default)]
pub struct StringSchema {
    /// `contentEncoding` and `contentMediaType`: annotations, kept for the export.
    pub content_encoding: Option<String>,
    pub content_media_type: Option<String>,
    pub values: Option<EnumValues>,
    pub min_length: Option<(u64, String)>,
    pub max_length: Option<(u64, String)>,
    pub pattern: Option<(String, String)>,
    pub uuid: Option<String>,
    pub secret: bool,
    pub placeholder: bool,
    pub password: Option<PasswordPolicy>,
    pub base64: Option<Base64>,
}

#[derive(Debug, Clone)]
pub struct EnumValues {
    pub values: Vec<String>,
    /// Rust variant names, one per value.
    pub names: Vec<String>,
    /// Unknown values are accepted (and kept in an `Unknown` variant).
    pub open: bool,
    pub rule: String,
}

#[derive(Debug, Clone, Default)]
pub struct PasswordPolicy {
    pub classes: Option<(u64, String)>,
    pub doubtful: Option<(String, String)>,
    pub usernames: Option<(Vec<String>, String)>,
    pub username_runs: Option<UsernameRuns>,
}

#[derive(Debug, Clone)]
pub struct UsernameRuns {
    pub name: String,
    pub max: u64,
    pub rule: String,
}

#[derive(Debug, Clone)]
pub struct Base64 {
    pub max_decoded_bytes: u64,
    pub rule: String,
    pub size_rule: String,
    /// The rule that reports base64 wrapped into lines (and proposes to join them), if any;
    /// without it, a line break is simply not base64.
    pub lines_rule: Option<String>,
}
