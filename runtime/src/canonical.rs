//! The canonical, secret-safe JSON form of a request body: what a snapshot test stores.
//!
//! - Members in the spec's order; members the spec does not know follow, in the order
//!   written. Absent members stay absent (nothing is added, no `null` appears).
//! - Every value of a secret member (`x-secret`) is replaced by [`REDACTED`], except a
//!   placeholder (`"$ADMIN_PASS"`, `"${ADMIN_PASS}"`), which names a value supplied at send
//!   time and is not a secret, and `null`, which holds nothing.
//! - A member whose name is a secret member's name or one that the linter would suggest
//!   renaming to it (up to case, `-` and `_`, or a few edits: `adminPass`, `admin_pass`,
//!   `adminpas`; see [`looks_secret`]) is redacted too, at any depth and whatever its type: a
//!   misspelt password is still a password.
//!
//! What the spec says about each type (its [`Shape`] and the insta selectors of its secrets)
//! is generated into `shapes.rs`; this module holds the algorithm, which does not change
//! when the spec does.

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::checks::{fold, near_miss};
use crate::placeholder::is_placeholder;
use crate::secret::REDACTED;
use crate::shape::{Shape, Step};

impl Shape {
    /// The canonical, secret-safe form of `value` (see the module documentation).
    pub fn canonical(&'static self, value: &Value) -> Value {
        let secrets = self.secret_names();
        canonical(value, self, &secrets)
    }

    /// The names of the secret members anywhere under this shape, normalised (lower case,
    /// no `-` or `_`) for [`looks_secret`].
    pub fn secret_names(&'static self) -> Vec<String> {
        let names: BTreeSet<String> = self
            .secret_paths()
            .iter()
            .filter_map(|path| match path.last() {
                Some(Step::Member(name)) => Some(fold(name)),
                _ => None,
            })
            .collect();
        names.into_iter().collect()
    }
}

fn canonical(value: &Value, shape: &Shape, secrets: &[String]) -> Value {
    match (shape, value) {
        (Shape::Secret, value) => redact(value),
        (Shape::Object(_) | Shape::Composed(_), Value::Object(map)) => {
            let members = shape.members();
            let mut out = Map::with_capacity(map.len());
            for member in &members {
                if let Some(child) = map.get(member.name) {
                    let shown = if looks_secret(member.name, secrets) {
                        redact(child)
                    } else {
                        canonical(child, member.shape, secrets)
                    };
                    out.insert(member.name.to_owned(), shown);
                }
            }
            for (name, child) in map {
                if !members.iter().any(|m| m.name == name) {
                    out.insert(name.clone(), unknown_member(name, child, secrets));
                }
            }
            Value::Object(out)
        }
        (Shape::Array(item), Value::Array(items)) => {
            Value::Array(items.iter().map(|i| canonical(i, item, secrets)).collect())
        }
        // The spec does not describe what is here (a scalar where it wants an object, an
        // object where it wants a string...): keep it as written, secret-looking members aside.
        (_, value) => scrub(value, secrets),
    }
}

/// A member the shape does not describe.
fn unknown_member(name: &str, value: &Value, secrets: &[String]) -> Value {
    if looks_secret(name, secrets) {
        redact(value)
    } else {
        scrub(value, secrets)
    }
}

/// `value` as written, members in their order, except that members named like a secret
/// ([`looks_secret`]) are redacted at any depth: the body `changeos send --dry-run` shows.
pub fn scrub(value: &Value, secrets: &[String]) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(name, child)| (name.clone(), unknown_member(name, child, secrets)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(|i| scrub(i, secrets)).collect()),
        other => other.clone(),
    }
}

/// The value of a secret member as it may be shown.
pub fn redact(value: &Value) -> Value {
    match value {
        Value::Null => Value::Null,
        Value::String(text) if is_placeholder(text) => value.clone(),
        _ => Value::String(REDACTED.to_owned()),
    }
}

/// The text of every string and number in the value of a member named like a secret, at any
/// depth of `value` (placeholders aside): what free text must never show.
pub fn secret_texts(value: &Value, secrets: &[String]) -> Vec<String> {
    fn leaves(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::String(text) if !is_placeholder(text) => out.push(text.clone()),
            Value::Number(number) => out.push(number.to_string()),
            Value::Array(items) => items.iter().for_each(|i| leaves(i, out)),
            Value::Object(map) => map.values().for_each(|v| leaves(v, out)),
            _ => {}
        }
    }
    fn walk(value: &Value, secrets: &[String], out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (name, child) in map {
                    if looks_secret(name, secrets) {
                        leaves(child, out);
                    } else {
                        walk(child, secrets, out);
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|i| walk(i, secrets, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, secrets, &mut out);
    out
}

/// Whether a member named `name` is a secret: its name is one of `secrets` (normalised names)
/// or one that the linter would suggest renaming to one of them ([`near_miss`]: up to case,
/// `-` and `_`, or a few edits away). Every place that masks or redacts asks this.
pub fn looks_secret(name: &str, secrets: &[String]) -> bool {
    secrets.iter().any(|secret| near_miss(name, secret))
}

/// The text of a canonical value: pretty-printed with 2-space indents, one final newline;
/// strings as JSON writes them (escapes such as `\u00e9` become the character itself).
pub fn to_text(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("a JSON value always serialises");
    text.push('\n');
    text
}

/// A request model with a canonical, secret-safe JSON form; implemented (in `shapes.rs`)
/// from the spec for every object a request body reaches.
///
/// The crate-level documentation of `changeos-models` shows it on a generated model (a doctest
/// here cannot name one: the runtime does not depend on the models).
pub trait Canonical: Serialize {
    /// What the spec says about this type: its members in order, its secrets.
    fn shape() -> &'static Shape;

    /// insta selectors of every secret member (`.adminpass`, `["os-change"].adminpass`, `[]`
    /// for every item of an array), from the secrets the shape marks.
    fn redaction_selectors() -> Vec<String> {
        Self::shape().redaction_selectors()
    }

    /// The canonical, secret-safe JSON value (see the module documentation).
    fn canonical(&self) -> Value {
        let value = serde_json::to_value(self).expect("generated models serialise to JSON");
        Self::shape().canonical(&value)
    }

    /// [`Canonical::canonical`] as text: pretty, 2-space indents, one final newline; the same
    /// text `changeos render` prints.
    fn canonical_json(&self) -> String {
        to_text(&self.canonical())
    }

    /// The current insta settings plus a redaction of every secret member of this type,
    /// keeping placeholders: `T::insta_settings().bind(|| insta::assert_json_snapshot!(value))`
    /// never stores a password.
    #[cfg(feature = "insta")]
    fn insta_settings() -> insta::Settings
    where
        Self: Sized,
    {
        insta_settings(&Self::redaction_selectors())
    }
}

/// The current insta settings plus a redaction, at each of `selectors`, that replaces a value
/// by [`REDACTED`] unless it is a placeholder or `null`.
#[cfg(feature = "insta")]
pub fn insta_settings(selectors: &[String]) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    for selector in selectors {
        settings.add_dynamic_redaction(selector, redact_content);
    }
    settings
}

#[cfg(feature = "insta")]
fn redact_content(value: insta::internals::Content, _: insta::internals::ContentPath<'_>) -> insta::internals::Content {
    use insta::internals::Content;
    match value.resolve_inner() {
        Content::None | Content::Unit => value,
        Content::String(text) if is_placeholder(text) => value,
        _ => Content::from(REDACTED),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::shape::Member;

    static INNER: Shape = Shape::Object(&[
        Member::new("token", &Shape::Secret),
        Member::new("note", &Shape::Scalar),
    ]);
    static OUTER: Shape = Shape::Object(&[
        Member::new("id", &Shape::Scalar),
        Member::new("password", &Shape::Secret),
        Member::new("inner", &INNER),
        Member::new("list", &Shape::Array(&INNER)),
    ]);
    /// A shape that contains itself, as a recursive schema's does.
    static NODE: Shape = Shape::Object(&[Member::new("key", &Shape::Secret), Member::new("next", &NODE)]);

    fn text(value: &Value) -> String {
        serde_json::to_string(value).unwrap()
    }

    #[test]
    fn members_in_spec_order_then_unknown_ones_as_written() {
        let value = json!({"zz": 1, "inner": {"note": "n", "token": "t0ken"}, "aa": 2, "id": "x"});
        assert_eq!(
            text(&OUTER.canonical(&value)),
            r#"{"id":"x","inner":{"token":"[redacted]","note":"n"},"zz":1,"aa":2}"#
        );
    }

    #[test]
    fn secrets_are_redacted_but_placeholders_and_null_kept() {
        for (secret, shown) in [
            (json!("Cloud.Pass-2024"), json!("[redacted]")),
            (json!(""), json!("[redacted]")),
            (json!(12345678), json!("[redacted]")),
            (json!({"a": "b"}), json!("[redacted]")),
            (json!(["b"]), json!("[redacted]")),
            (json!(true), json!("[redacted]")),
            (json!("$ADMIN_PASS"), json!("$ADMIN_PASS")),
            (json!("${ADMIN_PASS}"), json!("${ADMIN_PASS}")),
            (json!("$ADMIN PASS"), json!("[redacted]")),
            (json!(null), json!(null)),
        ] {
            let out = OUTER.canonical(&json!({ "password": secret, "list": [{ "token": secret }] }));
            assert_eq!(
                out,
                json!({ "password": shown, "list": [{ "token": shown }] }),
                "{secret}"
            );
        }
    }

    #[test]
    fn secret_looking_names_are_redacted_where_the_spec_says_nothing() {
        let value = json!({
            "Password": "p1", "pass_word": "p2", "inner": {"TOKEN": "t1", "to-ken": "$T"},
            "extra": {"deep": [{"password": "p3"}], "passwords": ["p4"], "pasword": {"a": 5}, "passage": "not one"},
            "id": {"token": "t2"},
            "list": "token"
        });
        let out = OUTER.canonical(&value);
        assert_eq!(
            out,
            json!({
                "id": {"token": "[redacted]"},
                "inner": {"TOKEN": "[redacted]", "to-ken": "$T"},
                "list": "token",
                "Password": "[redacted]", "pass_word": "[redacted]",
                "extra": {
                    "deep": [{"password": "[redacted]"}],
                    "passwords": "[redacted]",
                    "pasword": "[redacted]",
                    "passage": "not one"
                }
            })
        );
        assert_eq!(OUTER.secret_names(), ["password", "token"]);
    }

    #[test]
    fn near_misses_are_secrets_as_the_linter_would_rename_them() {
        let secrets = ["adminpass".to_owned()];
        for name in [
            "adminpass",
            "adminPass",
            "admin_pass",
            "ADMIN-PASS",
            "adminpas",
            "admnpass",
            "adminpass1",
        ] {
            assert!(looks_secret(name, &secrets), "{name}");
        }
        for name in ["admin", "password", "adminpassword", "imageid"] {
            assert!(!looks_secret(name, &secrets), "{name}");
        }
    }

    #[test]
    fn scrub_keeps_the_order_and_redacts_every_type() {
        let secrets = ["adminpass".to_owned()];
        let value =
            json!({"z": 1, "os-change": {"adminPas": ["Arr.Pass-1", {"x": 12345678}], "a": "b", "admin_pass": "$P"}});
        assert_eq!(
            text(&scrub(&value, &secrets)),
            r#"{"z":1,"os-change":{"adminPas":"[redacted]","a":"b","admin_pass":"$P"}}"#
        );
        assert_eq!(secret_texts(&value, &secrets), ["Arr.Pass-1", "12345678"]);
        assert_eq!(
            secret_texts(&json!({"adminpass": true, "x": "y"}), &secrets),
            Vec::<String>::new()
        );
    }

    #[test]
    fn values_of_the_wrong_type_are_kept() {
        for value in [
            json!([1, 2]),
            json!("x"),
            json!(null),
            json!({"inner": 3, "list": {"a": 1}}),
        ] {
            assert_eq!(OUTER.canonical(&value), value);
        }
    }

    #[test]
    fn recursive_shapes_terminate() {
        assert_eq!(NODE.secret_names(), ["key"]);
        let value = json!({"next": {"next": {"key": "k"}, "key": "$K"}, "key": "k"});
        assert_eq!(
            text(&NODE.canonical(&value)),
            r#"{"key":"[redacted]","next":{"key":"$K","next":{"key":"[redacted]"}}}"#
        );
    }

    #[test]
    fn text_is_pretty_with_a_final_newline() {
        assert_eq!(
            to_text(&json!({"a": ["é", 1]})),
            "{\n  \"a\": [\n    \"é\",\n    1\n  ]\n}\n"
        );
        assert_eq!(to_text(&json!({})), "{}\n");
    }
}
