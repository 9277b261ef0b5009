//! Filling a payload's placeholders (`"$NAME"`, `"${NAME}"`) and linting what they stand for.
//!
//! [`fill`] replaces every string that is wholly a placeholder with a value from an
//! environment the caller passes in (the library reads none itself), and gathers every
//! variable it could not fill into one [`Missing`]. The [`Filled`] document then tells which
//! values must never be printed ([`Filled::secret_values`]), shows itself with those redacted
//! ([`Filled::display_body`]), and lints the filled values again ([`Filled::relint`]): the
//! placeholder version was checked by `check`, the values it stands for were not.

use std::collections::BTreeSet;
use std::env::VarError;
use std::fmt;
use std::path::Path;

use changeos_models::Rule;
use changeos_models::lint::Operation;
use changeos_runtime::pointer::Pointer;
use changeos_runtime::{canonical, placeholder};
use serde_json::Value;

use crate::Document;
use crate::config::Config;
use crate::diagnostic::{Diagnostic, FileReport};
use crate::locate::{LineIndex, Locator, key_span};
use crate::mask::MaskedSource;

/// What stands in for a secret in a shown body.
pub const REDACTED: &str = "[redacted]";

/// A placeholder filled from the environment: where, from which variable, and with what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Use {
    pub pointer: Pointer,
    pub variable: String,
    value: String,
}

/// Why a placeholder's variable could not fill it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    NotSet,
    Empty,
    NotUnicode,
}

/// A placeholder left unfilled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unfilled {
    pub variable: String,
    pub pointer: Pointer,
    pub why: Why,
}

impl fmt::Display for Unfilled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (variable, pointer) = (&self.variable, &self.pointer);
        match self.why {
            Why::NotSet => write!(f, "{variable} (for {pointer})"),
            Why::Empty => write!(f, "{variable} (empty, for {pointer})"),
            Why::NotUnicode => write!(f, "{variable} (not UTF-8, for {pointer})"),
        }
    }
}

/// Every placeholder that could not be filled, in the order of their descriptions, so that
/// the message does not depend on the order of members in the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct Missing {
    pub unfilled: Vec<Unfilled>,
}

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list: Vec<String> = self.unfilled.iter().map(ToString::to_string).collect();
        write!(
            f,
            "missing environment variable{} for the payload's placeholders: {}",
            if list.len() == 1 { "" } else { "s" },
            list.join(", ")
        )
    }
}

/// A document with its placeholders filled, and where each was.
#[derive(Debug, Clone, PartialEq)]
pub struct Filled {
    value: Value,
    used: Vec<Use>,
}

/// Replaces every string that is wholly a placeholder with `env(NAME)`; a variable that is
/// unset, empty or not UTF-8 fills nothing, and all of them together are the error.
pub fn fill(mut value: Value, mut env: impl FnMut(&str) -> Result<String, VarError>) -> Result<Filled, Missing> {
    let mut used = Vec::new();
    let mut unfilled = Vec::new();
    walk(&mut value, &mut Pointer::root(), &mut |pointer, slot| {
        let Value::String(text) = slot else { return };
        let Some(variable) = placeholder::name(text) else {
            return;
        };
        let why = match env(variable) {
            Ok(found) if !found.is_empty() => {
                used.push(Use {
                    pointer: pointer.clone(),
                    variable: variable.to_owned(),
                    value: found.clone(),
                });
                *slot = Value::String(found);
                return;
            }
            Ok(_) => Why::Empty,
            Err(VarError::NotPresent) => Why::NotSet,
            Err(VarError::NotUnicode(_)) => Why::NotUnicode,
        };
        unfilled.push(Unfilled {
            variable: variable.to_owned(),
            pointer: pointer.clone(),
            why,
        });
    });
    if unfilled.is_empty() {
        Ok(Filled { value, used })
    } else {
        unfilled.sort_by_cached_key(ToString::to_string);
        Err(Missing { unfilled })
    }
}

/// Calls `visit` with the pointer of every scalar value, depth first.
fn walk(value: &mut Value, pointer: &mut Pointer, visit: &mut dyn FnMut(&Pointer, &mut Value)) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                pointer.push(key);
                walk(child, pointer, visit);
                pointer.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter_mut().enumerate() {
                pointer.push_index(i);
                walk(child, pointer, visit);
                pointer.pop();
            }
        }
        _ => visit(pointer, value),
    }
}

impl Filled {
    /// The filled document, as it will be sent.
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// The placeholders that were filled, in document order.
    pub fn used(&self) -> &[Use] {
        &self.used
    }

    /// Values never to print: every filled placeholder, and every string and number in the
    /// (filled) value of a secret member, misspelt ones included, whatever its type.
    pub fn secret_values(&self, operation: Operation) -> Vec<String> {
        let mut values: Vec<String> = self.used.iter().map(|u| u.value.clone()).collect();
        let names = operation.shape().secret_names();
        values.extend(
            canonical::secret_texts(&self.value, &names)
                .into_iter()
                .filter(|s| !s.is_empty()),
        );
        values
    }

    /// The body as it will be sent, with filled placeholders and the value of every secret
    /// member (a misspelt one too: what `check` and `render` mask, [`canonical::looks_secret`])
    /// replaced by [`REDACTED`].
    pub fn display_body(&self, operation: Operation) -> String {
        let mut shown = self.value.clone();
        for u in &self.used {
            if let Some(slot) = shown.pointer_mut(u.pointer.as_str()) {
                *slot = Value::String(REDACTED.to_owned());
            }
        }
        canonical::scrub(&shown, &operation.shape().secret_names()).to_string()
    }

    /// Lints the filled document and adds to `report` the findings that filling caused (those
    /// the placeholder version did not have), placed at the placeholder in `document` (the
    /// file as written), adjusted by `config`, with `scrub` applied to their messages so that
    /// filled values are never quoted.
    pub fn relint(
        &self,
        operation: Operation,
        document: &Document<'_>,
        config: &Config,
        path: Option<&Path>,
        report: &mut FileReport,
        scrub: &dyn Fn(&str) -> String,
    ) {
        let mut added = FileReport {
            diagnostics: self.caused(operation, document, scrub),
            ..FileReport::default()
        };
        if added.diagnostics.is_empty() {
            return;
        }
        config.apply(path, &mut added);
        report.diagnostics.extend(added.diagnostics);
        if report.source.is_none() && !report.diagnostics.is_empty() {
            // The report had no finding (or the config dropped them all): its text, with the
            // placeholders (not their values) and every secret masked, can be quoted.
            report.source = Some(Box::new(MaskedSource::parsed(
                operation,
                document.text,
                &document.parsed,
            )));
        }
    }

    /// The findings of the filled document that its placeholder version does not have,
    /// located in `document`, each saying which variables it came from.
    fn caused(&self, operation: Operation, document: &Document<'_>, scrub: &dyn Fn(&str) -> String) -> Vec<Diagnostic> {
        if self.used.is_empty() {
            return Vec::new();
        }
        let before: BTreeSet<(Rule, Pointer)> = operation
            .lint(&self.placeholder_version())
            .into_iter()
            .map(|f| (f.rule, f.pointer))
            .collect();
        let new: Vec<_> = operation
            .lint(&self.value)
            .into_iter()
            .filter(|f| !before.contains(&(f.rule, f.pointer.clone())))
            .collect();
        if new.is_empty() {
            return Vec::new();
        }
        let text = document.text;
        let lines = LineIndex::new(text);
        let mut locator = document.value().map(Locator::new);
        new.into_iter()
            .map(|finding| {
                let found = locator.as_mut().and_then(|l| l.find(&finding.pointer));
                (finding, key_span(text, &lines, found.as_ref()))
            })
            .map(|(finding, span)| Diagnostic {
                rule: finding.rule,
                severity: finding.severity,
                message: format!("{} ({})", scrub(&finding.message), self.origin(&finding.pointer)),
                pointer: finding.pointer,
                line: span.start.0,
                column: span.start.1,
                end_line: span.end.0,
                end_column: span.end.1,
                help: finding.help.map(|h| scrub(&h)),
                fix: None,
            })
            .collect()
    }

    /// Where the value at `pointer` came from: the variables filled in it, by name.
    fn origin(&self, pointer: &Pointer) -> String {
        let from: Vec<String> = self
            .used
            .iter()
            .filter(|u| u.pointer.starts_with(pointer))
            .map(|u| format!("${}", u.variable))
            .collect();
        if from.is_empty() {
            "after filling the placeholders".to_owned()
        } else {
            format!("the value of {}", from.join(", "))
        }
    }

    /// The document with each filled placeholder put back, to tell which findings filling
    /// caused.
    fn placeholder_version(&self) -> Value {
        let mut original = self.value.clone();
        for u in &self.used {
            if let Some(slot) = original.pointer_mut(u.pointer.as_str()) {
                *slot = Value::String(format!("${{{}}}", u.variable));
            }
        }
        original
    }
}

#[cfg(test)]
mod tests {
    use std::ffi::OsString;
    use std::path::PathBuf;

    use serde_json::json;

    use super::*;
    use crate::Severity;

    const V2: Operation = Operation::ChangeServerOsWithCloudInit;

    fn doc(text: &str) -> Document<'_> {
        Document::read(text.as_bytes()).expect("UTF-8")
    }

    /// A payload whose password comes from `$ADMIN_PASS`, as in examples/.
    const PAYLOAD: &str = r#"{
  "os-change": {
    "adminpass": "$ADMIN_PASS",
    "userid": "7e25b1da389f4697a79df3a0e5bd494e",
    "imageid": "e215580f-73ad-429d-b6f2-5433947433b0"
  }
}"#;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl FnMut(&str) -> Result<String, VarError> + 'a {
        move |name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
                .ok_or(VarError::NotPresent)
        }
    }

    fn filled(vars: &[(&str, &str)]) -> Filled {
        fill(serde_json::from_str(PAYLOAD).expect("json"), env(vars)).expect("filled")
    }

    fn used(pointer: Pointer, variable: &str, value: &str) -> Use {
        Use {
            pointer,
            variable: variable.into(),
            value: value.into(),
        }
    }

    fn config(text: &str) -> Config {
        Config::parse(text, "changeos.toml", PathBuf::from("/project")).expect("valid config")
    }

    fn scrub_weak(text: &str) -> String {
        text.replace("weakpassword", REDACTED)
    }

    #[test]
    fn walk_gives_escaped_pointers() {
        let mut value = json!({"a/b": {"c~d": ["x", {"e": 1}]}});
        let mut seen = Vec::new();
        walk(&mut value, &mut Pointer::root(), &mut |p, _| seen.push(p.to_string()));
        assert_eq!(seen, ["/a~1b/c~0d/0", "/a~1b/c~0d/1/e"]);
    }

    #[test]
    fn fill_replaces_whole_placeholders_of_both_forms_only() {
        let value = json!({"a": "$A", "b": ["${B}"], "c": "x $A", "d": 1, "e": "$"});
        let filled = fill(value, env(&[("A", "one"), ("B", "two")])).expect("filled");
        assert_eq!(
            filled.value(),
            &json!({"a": "one", "b": ["two"], "c": "x $A", "d": 1, "e": "$"})
        );
        assert_eq!(
            filled.used(),
            [
                used(Pointer::root().member("a"), "A", "one"),
                used(Pointer::root().member("b").index(0), "B", "two")
            ]
        );
    }

    #[test]
    fn fill_asks_the_environment_only_for_placeholders() {
        let mut asked = Vec::new();
        let value = json!({"a": "$A", "b": "plain", "c": {"d": "${D}"}});
        let result = fill(value, |name: &str| {
            asked.push(name.to_owned());
            Ok("v".to_owned())
        });
        assert!(result.is_ok());
        assert_eq!(asked, ["A", "D"]);
    }

    #[test]
    fn an_unset_variable_is_missing() {
        let missing = fill(json!({"p": "$P"}), env(&[])).expect_err("missing");
        assert_eq!(
            missing.unfilled,
            [Unfilled {
                variable: "P".into(),
                pointer: Pointer::root().member("p"),
                why: Why::NotSet
            }]
        );
        assert_eq!(
            missing.to_string(),
            "missing environment variable for the payload's placeholders: P (for /p)"
        );
    }

    #[test]
    fn an_empty_variable_is_missing() {
        let missing = fill(json!({"p": "${P}"}), env(&[("P", "")])).expect_err("missing");
        assert_eq!(
            missing.to_string(),
            "missing environment variable for the payload's placeholders: P (empty, for /p)"
        );
    }

    #[test]
    fn a_variable_that_is_not_utf8_is_missing() {
        let missing = fill(json!({"p": "$P"}), |_: &str| {
            Err(VarError::NotUnicode(OsString::from("x")))
        })
        .expect_err("missing");
        assert_eq!(missing.unfilled[0].why, Why::NotUnicode);
        assert_eq!(
            missing.to_string(),
            "missing environment variable for the payload's placeholders: P (not UTF-8, for /p)"
        );
    }

    #[test]
    fn all_missing_variables_are_one_error_in_a_stable_order() {
        let value = json!({"z": "$ZED", "a/b": "$ALPHA", "m": "$MID", "ok": "$OK"});
        let missing = fill(value, env(&[("MID", ""), ("OK", "fine")])).expect_err("missing");
        assert_eq!(
            missing.to_string(),
            "missing environment variables for the payload's placeholders: \
             ALPHA (for /a~1b), MID (empty, for /m), ZED (for /z)"
        );
    }

    #[test]
    fn display_body_redacts_secrets_and_filled_values_exactly() {
        let value = json!({"os-change": {"adminpass": "Literal.Pass1", "imageid": "img", "userid": "$USER"}});
        let filled = fill(value, env(&[("USER", "u")])).expect("filled");
        assert_eq!(
            filled.display_body(V2),
            r#"{"os-change":{"adminpass":"[redacted]","imageid":"img","userid":"[redacted]"}}"#
        );
        assert_eq!(filled.secret_values(V2), ["u".to_owned(), "Literal.Pass1".to_owned()]);
    }

    #[test]
    fn display_body_redacts_misspelt_secrets_of_any_type_in_place() {
        let value = json!({"os-change": {
            "admin_pass": "Near.Pass-1", "imageid": "img", "adminPass": ["Arr.Pass-2", {"k": 12345678}],
            "metadata": {"adminpas": true, "BYOL": "true"}, "adminpass": null
        }});
        let filled = fill(value, env(&[])).expect("nothing to fill");
        assert_eq!(
            filled.display_body(V2),
            r#"{"os-change":{"admin_pass":"[redacted]","imageid":"img","adminPass":"[redacted]","metadata":{"adminpas":"[redacted]","BYOL":"true"},"adminpass":null}}"#
        );
        assert_eq!(filled.secret_values(V2), ["Near.Pass-1", "Arr.Pass-2", "12345678"]);
    }

    #[test]
    fn placeholders_are_put_back_for_the_comparison() {
        let filled = fill(json!({"os-change": {"adminpass": "$P"}}), env(&[("P", "weak")])).expect("filled");
        assert_eq!(
            filled.placeholder_version(),
            json!({"os-change": {"adminpass": "${P}"}})
        );
    }

    #[test]
    fn relint_adds_what_filling_caused_at_the_placeholder_never_quoting_the_value() {
        let filled = filled(&[("ADMIN_PASS", "weakpassword")]);
        let mut report = FileReport::default();
        filled.relint(V2, &doc(PAYLOAD), &Config::default(), None, &mut report, &scrub_weak);
        let rules: Vec<&str> = report.diagnostics.iter().map(|d| d.rule.id()).collect();
        assert!(rules.contains(&"adminpass-classes"), "{rules:?}");
        for d in &report.diagnostics {
            assert_eq!(d.pointer, "/os-change/adminpass");
            assert_eq!((d.line, d.column), (3, 5), "at the placeholder's member, line 3");
            assert!(d.message.ends_with(" (the value of $ADMIN_PASS)"), "{}", d.message);
            assert!(!d.message.contains("weakpassword"), "{}", d.message);
            assert!(d.fix.is_none());
        }
        let source = report.source.expect("the masked text is there to quote");
        assert!(source.text().contains("$ADMIN_PASS"), "the placeholder, not its value");
        assert!(!source.text().contains("weakpassword"));
    }

    #[test]
    fn relint_adds_nothing_for_a_good_value() {
        let filled = filled(&[("ADMIN_PASS", "Good.Pass-1234")]);
        let mut report = FileReport::default();
        filled.relint(V2, &doc(PAYLOAD), &Config::default(), None, &mut report, &scrub_weak);
        assert!(report.diagnostics.is_empty());
        assert!(report.source.is_none());
    }

    #[test]
    fn relint_adds_nothing_without_placeholders() {
        let text = r#"{"os-change": {"adminpass": "x"}}"#;
        let filled = fill(serde_json::from_str(text).expect("json"), env(&[])).expect("filled");
        let mut report = FileReport::default();
        filled.relint(V2, &doc(text), &Config::default(), None, &mut report, &scrub_weak);
        assert!(
            report.diagnostics.is_empty(),
            "what was there before filling is check's to say"
        );
    }

    #[test]
    fn relint_applies_the_config_to_what_it_adds() {
        let filled = filled(&[("ADMIN_PASS", "weakpassword")]);
        let mut all = FileReport::default();
        filled.relint(V2, &doc(PAYLOAD), &Config::default(), None, &mut all, &scrub_weak);
        let rules: BTreeSet<&str> = all.diagnostics.iter().map(|d| d.rule.id()).collect();

        let offs: String = rules.iter().map(|r| format!("{r} = \"off\"\n")).collect();
        let mut off = FileReport::default();
        filled.relint(
            V2,
            &doc(PAYLOAD),
            &config(&format!("[rules]\n{offs}")),
            None,
            &mut off,
            &scrub_weak,
        );
        assert!(off.diagnostics.is_empty());
        assert!(off.source.is_none(), "nothing to quote");

        let warnings: String = rules.iter().map(|r| format!("{r} = \"warning\"\n")).collect();
        let mut warned = FileReport::default();
        let path = Path::new("/project/a.json");
        filled.relint(
            V2,
            &doc(PAYLOAD),
            &config(&format!("[rules]\n{warnings}")),
            Some(path),
            &mut warned,
            &scrub_weak,
        );
        assert!(!warned.diagnostics.is_empty());
        assert!(warned.diagnostics.iter().all(|d| d.severity == Severity::Warning));
    }

    #[test]
    fn relint_keeps_the_findings_already_there() {
        let filled = filled(&[("ADMIN_PASS", "weakpassword")]);
        let mut report = crate::check_source(V2, br#"{"os-change": {"mode": "x"}}"#);
        let before = report.diagnostics.len();
        let source = report.source.clone();
        assert!(before > 0 && source.is_some());
        filled.relint(V2, &doc(PAYLOAD), &Config::default(), None, &mut report, &scrub_weak);
        assert!(report.diagnostics.len() > before);
        assert_eq!(report.source, source, "the source of the report is left as it was");
    }
}
