//! The rules a finding can belong to: what each one is ([`RuleInfo`]), how much it matters
//! ([`Severity`]), and the type that names one ([`Rule`]).
//!
//! Two catalogs hold rules: the generated one (`changeos_models::catalog`, one static per rule
//! of the spec's `x-changeos-rules`) and the validator's own (`changeos_validator::rules`:
//! duplicate-key, literal-secret and the other rules about the file rather than the API). Both
//! are `static` [`RuleInfo`]s, and a [`Rule`] is made only from such a static: code that
//! reports a finding names its rule by the static (`Finding::new(&catalog::UNKNOWN_MEMBER,
//! ..)`), so no id is ever looked up on the way to a report and there is no fallback when a
//! lookup fails. Ids become rules only where a person typed them (`changeos.toml`, `changeos
//! explain ID`), through `changeos_validator::rules::parse`, the one parse over both catalogs:
//! this crate cannot hold it, because it knows neither catalog.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

use serde::{Serialize, Serializer};

/// How much a finding matters. Warnings are for doubtful cases where the sources disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    /// The lower-case name used in reports and configs.
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One rule of a catalog, as the spec's `x-changeos-rules` (or the validator) describes it.
#[derive(Debug, PartialEq, Eq)]
pub struct RuleInfo {
    /// Stable id, used in reports and configs.
    pub id: &'static str,
    pub severity: Severity,
    /// One line.
    pub summary: &'static str,
    /// Template with `{name}`, `{expected}`, `{actual}` and `{limit}`.
    pub message: &'static str,
    /// Template of the default help, if any.
    pub help: Option<&'static str>,
    /// Why the rule exists.
    pub explanation: &'static str,
    /// A request body that makes the rule fire (pretty JSON).
    pub bad: &'static str,
    /// A request body that does not (pretty JSON).
    pub good: &'static str,
    /// The operationId whose request body `bad` and `good` are.
    pub operation: &'static str,
    /// The spec keywords this rule reports (`format`, `x-password-policy`, ...).
    pub keywords: &'static [&'static str],
    /// True when every keyword it reports is standard JSON Schema, so that a generic
    /// validator of the exported schema must agree with the linter on it.
    pub standard: bool,
}

#[cfg(test)]
impl RuleInfo {
    /// A rule for the tests: an id, a severity and a message template, nothing else said.
    pub(crate) const fn for_tests(id: &'static str, severity: Severity, message: &'static str) -> RuleInfo {
        RuleInfo {
            id,
            severity,
            summary: "",
            message,
            help: None,
            explanation: "",
            bad: "",
            good: "",
            operation: "",
            keywords: &[],
            standard: false,
        }
    }
}

/// A rule of either catalog, as findings, diagnostics and configs name it.
///
/// It is a reference to the rule's static [`RuleInfo`] (which it dereferences to), compared,
/// ordered and hashed by id, so that the same rule is equal to itself whichever catalog or
/// copy it came from. It prints and serializes as its id (`unknown-member`), which is how
/// every report writes it.
#[derive(Clone, Copy)]
pub struct Rule(&'static RuleInfo);

impl Rule {
    /// The rule described by `info`, a static of a catalog.
    pub const fn new(info: &'static RuleInfo) -> Self {
        Rule(info)
    }

    /// The stable id: `unknown-member`.
    pub const fn id(self) -> &'static str {
        self.0.id
    }

    /// Everything the catalog says about the rule.
    pub const fn info(self) -> &'static RuleInfo {
        self.0
    }
}

impl From<&'static RuleInfo> for Rule {
    fn from(info: &'static RuleInfo) -> Self {
        Rule(info)
    }
}

impl Deref for Rule {
    type Target = RuleInfo;

    fn deref(&self) -> &RuleInfo {
        self.0
    }
}

impl PartialEq for Rule {
    fn eq(&self, other: &Rule) -> bool {
        self.id() == other.id()
    }
}

impl Eq for Rule {}

/// `rule == DUPLICATE_KEY`: whether `rule` is the one that catalog static describes.
impl PartialEq<RuleInfo> for Rule {
    fn eq(&self, other: &RuleInfo) -> bool {
        self.id() == other.id
    }
}

impl Hash for Rule {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.id().hash(state);
    }
}

impl PartialOrd for Rule {
    fn partial_cmp(&self, other: &Rule) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Rule {
    fn cmp(&self, other: &Rule) -> Ordering {
        self.id().cmp(other.id())
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.id())
    }
}

/// The id only: the rest is the catalog's, and a `Debug` of a finding should stay one line.
impl fmt::Debug for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Rule").field(&self.id()).finish()
    }
}

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    static A: RuleInfo = RuleInfo::for_tests("a-rule", Severity::Error, "");
    static B: RuleInfo = RuleInfo::for_tests("b-rule", Severity::Warning, "");
    // The same id in another static, as a second catalog could hold it.
    static A_AGAIN: RuleInfo = RuleInfo::for_tests("a-rule", Severity::Warning, "");

    #[test]
    fn equality_ordering_and_hashing_go_by_id() {
        let (a, b, again) = (Rule::new(&A), Rule::from(&B), Rule::new(&A_AGAIN));
        assert_eq!(a, again);
        assert_ne!(a, b);
        assert!(a < b);
        assert!(a == A && a == A_AGAIN && a != B);
        let set: HashSet<Rule> = [a, b, again].into_iter().collect();
        assert_eq!(set.len(), 2);
    }

    #[test]
    fn prints_and_serializes_as_its_id() {
        let b = Rule::new(&B);
        assert_eq!(b.to_string(), "b-rule");
        assert_eq!(format!("{b:?}"), "Rule(\"b-rule\")");
        assert_eq!(serde_json::to_string(&b).expect("serializes"), "\"b-rule\"");
        assert_eq!(b.id(), "b-rule");
        assert_eq!(b.severity, Severity::Warning);
        assert!(std::ptr::eq(b.info(), &B));
    }
}
