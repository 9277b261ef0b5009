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
    pub method: String,
    pub path: String,
    pub summary: Option<String>,
    /// `x-changeos-cli-name`: the word that picks it with `--op` (every body operation has one).
    pub cli_name: Option<String>,
    /// Name of the request body's schema.
    pub request: Option<String>,
    /// `(status, schema name)` of every response with a JSON body.
    pub responses: Vec<(String, String)>,
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
    pub description: Option<String>,
    pub default: Option<Value>,
    pub kind: Kind,
    pub nullable: bool,
    /// The rule reporting a wrong JSON type.
    pub type_rule: String,
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

/// A property's schema: a named type, or one written in place.
#[derive(Debug, Clone)]
pub enum SchemaRef {
    Named(String),
    Inline(Box<Schema>),
}

#[derive(Debug, Clone)]
pub struct Property {
    pub wire: String,
    pub description: Option<String>,
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
    pub properties: Vec<Property>,
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
