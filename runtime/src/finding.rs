//! What the linter reports: findings, with the fixes it proposes ([`Fix`]), and the errors of
//! a typed value's build ([`Violations`]). The rules they belong to are in [`crate::rule`].

use std::fmt;

use crate::path::Path;
use crate::pointer::Pointer;
use crate::rule::{Rule, RuleInfo, Severity};

/// One problem found in a payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: Rule,
    pub severity: Severity,
    pub message: String,
    /// The offending member, or the object that lacks a member or holds a broken combination.
    pub pointer: Pointer,
    pub help: Option<String>,
    /// A change that makes the finding go away without changing what the payload means, when
    /// the spec's rules leave no doubt about it (see [`Fix`]).
    pub fix: Option<Fix>,
}

/// A fix the linter proposes, in terms of the parsed value; the validator turns it into an
/// edit of the source text at the span of the member's key or value. Only fixes that cannot
/// change what the payload means are proposed, and never one of a secret's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fix {
    /// The value is a JSON boolean or number where the spec wants a string, and the string of
    /// the same text passes every rule of the member (`true` for an `isAutoPay` that must be
    /// `"true"` or `"false"`): write `text` in quotes. `text` is the scalar as serde_json writes
    /// it; the validator applies the fix only where the file spells the value the same way.
    QuoteValue { text: String },
    /// The member's name matches exactly one name of the spec when case, `-` and `_` are
    /// ignored, and no other member of the object has or would get that name: rename it `to`.
    RenameKey { to: &'static str },
    /// The string value has a spelling that the spec's rules flag but that means the same as
    /// `text` (base64 wrapped into lines, whose joined lines decode to the same bytes): write
    /// `text` as the JSON string instead.
    ReplaceString { text: String },
}

impl Fix {
    /// The JSON text that replaces the value or the key: `"true"`, `"imageid"`.
    pub fn replacement(&self) -> String {
        let text = match self {
            Fix::QuoteValue { text } | Fix::ReplaceString { text } => text.as_str(),
            Fix::RenameKey { to } => to,
        };
        if text.chars().any(|c| c == '"' || c == '\\' || c.is_control()) {
            serde_json::Value::String(text.to_owned()).to_string()
        } else {
            format!("\"{text}\"")
        }
    }
}

impl Finding {
    /// A finding of `rule` at `path`, its templates filled from `vars`.
    pub fn new(rule: &'static RuleInfo, path: &Path<'_>, vars: &[(&str, &str)]) -> Self {
        Finding {
            rule: Rule::new(rule),
            severity: rule.severity,
            message: render(rule.message, vars),
            pointer: path.to_pointer(),
            help: rule.help.map(|h| render(h, vars)),
            fix: None,
        }
    }

    /// Attaches the fix the spec's rules allow, if any.
    pub fn with_fix(mut self, fix: Option<Fix>) -> Self {
        self.fix = fix;
        self
    }

    /// Replaces the catalog's help with a more specific one when there is one.
    pub fn with_help(mut self, help: Option<String>) -> Self {
        if help.is_some() {
            self.help = help;
        }
        self
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}[{}] {}: {}",
            self.severity,
            self.rule,
            display_pointer(&self.pointer),
            self.message
        )
    }
}

fn display_pointer(pointer: &Pointer) -> &str {
    if pointer.is_root() { "/" } else { pointer.as_str() }
}

/// Fills `{key}` in `template` with the values of `vars`; unknown keys stay as written.
pub fn render(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').map(|close| (&after[..close], close)) {
            Some((key, close)) => match vars.iter().find(|(k, _)| *k == key) {
                Some((_, value)) => {
                    out.push_str(value);
                    rest = &after[close + 1..];
                }
                None => {
                    out.push('{');
                    rest = after;
                }
            },
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The error-level findings that stopped a typed value from being built, all of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violations(pub Vec<Finding>);

impl Violations {
    /// `Ok` when no finding is an error; warnings do not stop a build.
    pub fn check(findings: Vec<Finding>) -> Result<(), Violations> {
        let errors: Vec<Finding> = findings.into_iter().filter(|f| f.severity == Severity::Error).collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Violations(errors))
        }
    }
}

impl fmt::Display for Violations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} rule violation(s)", self.0.len())?;
        for finding in &self.0 {
            write!(f, "\n  {finding}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Violations {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_fills_known_keys_and_keeps_the_rest() {
        let out = render(
            "`{name}` must be {expected}, not {actual} {unknown} {",
            &[
                ("name", "mode"),
                ("expected", "\"withStopServer\""),
                ("actual", "\"stop\""),
            ],
        );
        assert_eq!(out, "`mode` must be \"withStopServer\", not \"stop\" {unknown} {");
    }

    #[test]
    fn violations_keep_errors_only() {
        static W: RuleInfo = RuleInfo::for_tests("w", Severity::Warning, "warn {name}");
        static E: RuleInfo = RuleInfo {
            id: "e",
            severity: Severity::Error,
            message: "err",
            ..W
        };
        let root = Path::Root;
        assert_eq!(
            Violations::check(vec![Finding::new(&W, &root, &[("name", "x")])]),
            Ok(())
        );
        let err = Violations::check(vec![
            Finding::new(&W, &root, &[]),
            Finding::new(&E, &root.key("a/b"), &[]),
        ])
        .unwrap_err();
        assert_eq!(err.0.len(), 1);
        assert_eq!(err.to_string(), "1 rule violation(s)\n  error[e] /a~1b: err");
    }
}
