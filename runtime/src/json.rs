//! A JSON value that borrows its strings from the text it was parsed from and keeps object
//! members in a vector: the linter's input. Payload objects have a handful of members, where a
//! linear scan beats hashing, and borrowing saves an allocation per string. It mirrors the
//! part of `serde_json::Value`'s API the generated code uses.

use std::borrow::Cow;

use serde_json::Number;

use crate::pointer::Pointer;

/// A JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Json<'a> {
    Null,
    Bool(bool),
    Number(Number),
    String(Cow<'a, str>),
    Array(Vec<Json<'a>>),
    Object(Object<'a>),
}

/// Object members in document order, each name once (the parser keeps the last value of a
/// repeated name, as serde_json does, and reports the repetition itself).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Object<'a> {
    members: Vec<(Cow<'a, str>, Json<'a>)>,
}

impl<'a> Object<'a> {
    /// An empty object; it allocates nothing until its first member.
    pub fn new() -> Self {
        Object { members: Vec::new() }
    }

    /// Appends a member whose name the caller knows to be new, the first one making room for
    /// eight: payload objects have a handful of members, and growing from four would
    /// reallocate once per object.
    pub fn push_member(&mut self, name: Cow<'a, str>, value: Json<'a>) {
        if self.members.capacity() == 0 {
            self.members.reserve_exact(8);
        }
        self.members.push((name, value));
    }

    /// The value of the last member, for a parser that fills it in place.
    pub fn last_value_mut(&mut self) -> Option<&mut Json<'a>> {
        self.members.last_mut().map(|(_, value)| value)
    }

    /// Gives back the room an object does not use.
    pub fn shrink_to_fit(&mut self) {
        self.members.shrink_to_fit();
    }

    /// Appends a member whose name the caller knows to be new.
    pub fn push(&mut self, name: Cow<'a, str>, value: Json<'a>) {
        self.members.push((name, value));
    }

    /// The position of `name`, if present.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.members.iter().position(|(k, _)| k == name)
    }

    /// Replaces the value at `index` (a repeated name).
    pub fn replace(&mut self, index: usize, value: Json<'a>) {
        if let Some(member) = self.members.get_mut(index) {
            member.1 = value;
        }
    }

    pub fn get(&self, name: &str) -> Option<&Json<'a>> {
        self.members.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    pub fn contains_key(&self, name: &str) -> bool {
        self.members.iter().any(|(k, _)| k == name)
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.members.iter().map(|(k, _)| k.as_ref())
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Json<'a>)> {
        self.members.iter().map(|(k, v)| (k.as_ref(), v))
    }

    pub fn len(&self) -> usize {
        self.members.len()
    }

    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }
}

impl<'a> Json<'a> {
    pub fn as_object(&self) -> Option<&Object<'a>> {
        match self {
            Json::Object(o) => Some(o),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&Vec<Json<'a>>> {
        match self {
            Json::Array(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_string(&self) -> bool {
        matches!(self, Json::String(_))
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }

    /// The value at `pointer`, without allocating unless a token has escapes.
    pub fn pointer(&self, pointer: &Pointer) -> Option<&Json<'a>> {
        let mut current = self;
        for token in pointer.tokens() {
            current = match current {
                Json::Object(o) => o.get(&token)?,
                Json::Array(a) => a.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(current)
    }
}

impl<'a> From<&'a serde_json::Value> for Json<'a> {
    fn from(value: &'a serde_json::Value) -> Self {
        match value {
            serde_json::Value::Null => Json::Null,
            serde_json::Value::Bool(b) => Json::Bool(*b),
            serde_json::Value::Number(n) => Json::Number(n.clone()),
            serde_json::Value::String(s) => Json::String(Cow::Borrowed(s)),
            serde_json::Value::Array(items) => Json::Array(items.iter().map(Json::from).collect()),
            serde_json::Value::Object(map) => Json::Object(Object {
                members: map
                    .iter()
                    .map(|(k, v)| (Cow::Borrowed(k.as_str()), Json::from(v)))
                    .collect(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn at(text: &str) -> Pointer {
        Pointer::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn mirrors_serde_json() {
        let value = json!({"a": [1, {"b~/c": "x"}], "n": null, "t": true});
        let j = Json::from(&value);
        let o = j.as_object().expect("object");
        assert_eq!(o.keys().collect::<Vec<_>>(), ["a", "n", "t"]);
        assert!(o.contains_key("n") && !o.contains_key("z"));
        assert!(o.get("n").is_some_and(Json::is_null));
        assert_eq!(j.pointer(&at("/a/1/b~0~1c")).and_then(Json::as_str), Some("x"));
        assert_eq!(j.pointer(&at("/a/0")), Some(&Json::Number(1.into())));
        assert_eq!(j.pointer(&at("/a/9")), None);
        assert_eq!(j.pointer(&at("")), Some(&j));
    }
}
