//! Why a string was refused as a value of a constrained type of the models (`ImageId`,
//! `CmkId`, ...): the rule it breaks and its message, the same finding the payload linter
//! reports, because both come from one generated check function per schema.

use crate::finding::Finding;
use crate::path::Path;
use crate::rule::{Rule, RuleInfo, Severity};

/// The signature of a generated check of a string value: every finding of the schema's
/// rules on `text`, as the linter reports them at `path`.
pub type TextCheck = fn(&str, &Path<'_>, &mut Vec<Finding>);

/// A value that a constrained type of the models cannot hold. It prints as
/// `rule-id: message`; the message is the linter's, which never quotes a secret's value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {}", self.rule(), self.message())]
pub struct InvalidValue {
    /// The findings that refuse the value, in the linter's order; never empty. Errors, or
    /// for a closed set the set's rule whatever its severity.
    errors: Vec<Finding>,
}

impl InvalidValue {
    /// Runs `check` on `text` as the value of `name` (the type's name, which messages show in
    /// place of a member name): `Ok` unless a rule of error severity is broken. Warnings do
    /// not refuse a value; `lint()` of the model that holds it reports them.
    pub fn check(text: &str, name: &str, check: TextCheck) -> Result<(), InvalidValue> {
        let errors: Vec<Finding> = run(text, name, check)
            .into_iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(InvalidValue { errors })
        }
    }

    /// A value outside a closed set of values, which the set's type cannot hold whatever the
    /// severity of `rule`: the finding of `rule` that `check` reports on `text`, or, should it
    /// report none, one made from the rule's summary.
    pub fn outside_set(text: &str, name: &str, rule: &'static RuleInfo, check: TextCheck) -> InvalidValue {
        let found = run(text, name, check).into_iter().find(|f| f.rule == *rule);
        let finding = found.unwrap_or_else(|| {
            let mut made = Finding::new(rule, &Path::Root.key(name), &[]);
            made.message = rule.summary.to_owned();
            made
        });
        InvalidValue { errors: vec![finding] }
    }

    /// The rule the value breaks (the first, when it breaks several).
    pub fn rule(&self) -> Rule {
        self.first().rule
    }

    /// The message of that rule, as the linter writes it.
    pub fn message(&self) -> &str {
        &self.first().message
    }

    /// Every finding that refuses the value, in the linter's order: each rule of error
    /// severity it breaks (a password can break several), or the rule of a closed set.
    pub fn findings(&self) -> &[Finding] {
        &self.errors
    }

    fn first(&self) -> &Finding {
        // `errors` is never empty: both constructors put at least one finding in it.
        &self.errors[0]
    }
}

/// `Result<T, Infallible>` converts too, so that a builder's setter can take either a value of
/// the type itself or anything the type parses from.
impl From<std::convert::Infallible> for InvalidValue {
    fn from(never: std::convert::Infallible) -> Self {
        match never {}
    }
}

fn run(text: &str, name: &str, check: TextCheck) -> Vec<Finding> {
    let root = Path::Root;
    let mut out = Vec::new();
    check(text, &root.key(name), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    static SHORT: RuleInfo = RuleInfo::for_tests("too-short", Severity::Error, "{name} is too short");
    static ODD: RuleInfo = RuleInfo::for_tests("odd-length", Severity::Warning, "{name} has an odd length");
    static SET: RuleInfo = RuleInfo {
        summary: "outside the set",
        ..RuleInfo::for_tests("not-in-set", Severity::Warning, "{name} is not in the set")
    };

    /// An error below 4 characters, a warning on an odd length.
    fn check(text: &str, path: &Path<'_>, out: &mut Vec<Finding>) {
        if text.len() % 2 == 1 {
            out.push(Finding::new(&ODD, path, &[("name", &path.name())]));
        }
        if text.len() < 4 {
            out.push(Finding::new(&SHORT, path, &[("name", &path.name())]));
        }
    }

    fn nothing(_: &str, _: &Path<'_>, _: &mut Vec<Finding>) {}

    #[test]
    fn errors_refuse_a_value_warnings_do_not() {
        assert_eq!(InvalidValue::check("abcd", "Code", check), Ok(()));
        assert_eq!(InvalidValue::check("abcde", "Code", check), Ok(()), "a warning only");
        let refused = InvalidValue::check("abc", "Code", check).unwrap_err();
        assert_eq!(refused.rule(), SHORT);
        assert_eq!(refused.message(), "`Code` is too short");
        assert_eq!(refused.to_string(), "too-short: `Code` is too short");
        assert_eq!(refused.findings().len(), 1, "the warning is not an error");
        assert_eq!(refused.findings()[0].pointer.to_string(), "/Code");
    }

    #[test]
    fn a_value_outside_a_closed_set_names_the_sets_rule_whatever_its_severity() {
        fn set(text: &str, path: &Path<'_>, out: &mut Vec<Finding>) {
            if text != "a" {
                out.push(Finding::new(&SET, path, &[("name", &path.name())]));
            }
        }
        let refused = InvalidValue::outside_set("b", "Letter", &SET, set);
        assert_eq!(refused.to_string(), "not-in-set: `Letter` is not in the set");
        // A check that reports nothing still gives the rule, with its summary.
        let refused = InvalidValue::outside_set("b", "Letter", &SET, nothing);
        assert_eq!(refused.to_string(), "not-in-set: outside the set");
    }
}
