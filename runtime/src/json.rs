//! The one tree a payload is read into (by `changeos_validator::parse`): every value knows its
//! byte span in the text, every member its name's span, and strings borrow from the text
//! unless they hold escapes. The linter reads the values; the validator reads the spans to
//! place findings and fixes, mask secrets and lay files out, so nothing reads the text again.
//!
//! Objects keep every member in source order, a repeated name included (so that masking sees
//! each appearance), and mark the appearances that a later one replaces: [`Object::get`] and
//! [`Object::iter`] give what serde_json keeps, the last value of each name. Payload objects
//! have a handful of members, where a linear scan beats hashing. It mirrors the part of
//! `serde_json::Value`'s API the generated code uses.

use std::borrow::Cow;

use serde_json::Number;

use crate::pointer::Pointer;

/// Byte offsets `start..end` of a piece of the parsed text. 32 bits: a payload has at most a
/// few MiB, and a million-member object holds two spans per member.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        // The parser refuses texts of 4 GiB and more, so offsets fit.
        Span {
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
        }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// A value and where it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Node<'a> {
    pub span: Span,
    pub value: Json<'a>,
}

impl<'a> Node<'a> {
    /// A value that has no place in any text (built from a model, not parsed).
    pub fn unplaced(value: Json<'a>) -> Self {
        Node {
            span: Span::default(),
            value,
        }
    }
}

/// A JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Json<'a> {
    Null,
    Bool(bool),
    Number(Number),
    String(Cow<'a, str>),
    Array(Vec<Node<'a>>),
    Object(Object<'a>),
}

/// An object's members in source order, repeated names included.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Object<'a> {
    members: Vec<Member<'a>>,
}

/// One member: its decoded name, where the name is written (quotes included), its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Member<'a> {
    pub name: Cow<'a, str>,
    pub key: Span,
    pub node: Node<'a>,
    /// How many earlier members of the object have the same name (0 for the first).
    pub repeat: u32,
    /// Whether a later member has the same name, so that this one's value is not the one kept.
    pub replaced: bool,
}

impl<'a> Member<'a> {
    pub fn new(name: Cow<'a, str>, key: Span, node: Node<'a>) -> Self {
        Member {
            name,
            key,
            node,
            repeat: 0,
            replaced: false,
        }
    }

    /// Whether the object has another member of this name: the server's reading is undefined.
    pub fn is_repeated(&self) -> bool {
        self.repeat > 0 || self.replaced
    }
}

/// Objects with more members than this find repeated names with a hash map.
const LINEAR_SCAN_LIMIT: usize = 16;

impl<'a> Object<'a> {
    /// An object of `members` in source order; repeated names are marked (see [`Member`]).
    /// Returns whether any name repeats.
    pub fn from_members(mut members: Vec<Member<'a>>) -> (Self, bool) {
        let repeats = mark_repeats(&mut members);
        (Object { members }, repeats)
    }

    /// Every member in source order, replaced appearances of a repeated name included.
    pub fn members(&self) -> &[Member<'a>] {
        &self.members
    }

    /// The member whose value is kept for `name`: its last appearance.
    pub fn member(&self, name: &str) -> Option<&Member<'a>> {
        self.members.iter().rev().find(|m| m.name == name)
    }

    pub fn get(&self, name: &str) -> Option<&Json<'a>> {
        self.member(name).map(|m| &m.node.value)
    }

    pub fn contains_key(&self, name: &str) -> bool {
        self.members.iter().any(|m| m.name == name)
    }

    /// The names, each once.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.kept().map(|m| m.name.as_ref())
    }

    /// Each name once, with the value kept for it.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Json<'a>)> {
        self.kept().map(|m| (m.name.as_ref(), &m.node.value))
    }

    /// How many names the object has.
    pub fn len(&self) -> usize {
        self.kept().count()
    }

    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    fn kept(&self) -> impl Iterator<Item = &Member<'a>> {
        self.members.iter().filter(|m| !m.replaced)
    }
}

/// Marks the repeated names of `members`; true when there are any.
fn mark_repeats(members: &mut [Member<'_>]) -> bool {
    let mut any = false;
    if members.len() <= LINEAR_SCAN_LIMIT {
        for i in 1..members.len() {
            let (before, rest) = members.split_at_mut(i);
            let current = &mut rest[0];
            if let Some(last) = before.iter_mut().rev().find(|m| m.name == current.name) {
                current.repeat = last.repeat + 1;
                last.replaced = true;
                any = true;
            }
        }
        return any;
    }
    let mut last_of: std::collections::HashMap<&str, usize> = std::collections::HashMap::with_capacity(members.len());
    let mut marks: Vec<(usize, usize)> = Vec::new();
    for (i, member) in members.iter().enumerate() {
        if let Some(previous) = last_of.insert(member.name.as_ref(), i) {
            marks.push((previous, i));
        }
    }
    for (previous, i) in marks {
        members[i].repeat = members[previous].repeat + 1;
        members[previous].replaced = true;
        any = true;
    }
    any
}

impl<'a> Json<'a> {
    pub fn as_object(&self) -> Option<&Object<'a>> {
        match self {
            Json::Object(o) => Some(o),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Node<'a>]> {
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
                Json::Array(a) => &a.get(token.parse::<usize>().ok()?)?.value,
                _ => return None,
            };
        }
        Some(current)
    }

    /// serde_json's value of this one: of a repeated name, the last value at the place of the
    /// first appearance, as serde_json's parse gives it.
    pub fn to_value(&self) -> serde_json::Value {
        match self {
            Json::Null => serde_json::Value::Null,
            Json::Bool(b) => serde_json::Value::Bool(*b),
            Json::Number(n) => serde_json::Value::Number(n.clone()),
            Json::String(s) => serde_json::Value::String(s.clone().into_owned()),
            Json::Array(items) => serde_json::Value::Array(items.iter().map(|i| i.value.to_value()).collect()),
            Json::Object(o) => {
                let mut map = serde_json::Map::new();
                for member in o.members() {
                    map.insert(member.name.clone().into_owned(), member.node.value.to_value());
                }
                serde_json::Value::Object(map)
            }
        }
    }
}

impl<'a> From<&'a serde_json::Value> for Json<'a> {
    fn from(value: &'a serde_json::Value) -> Self {
        match value {
            serde_json::Value::Null => Json::Null,
            serde_json::Value::Bool(b) => Json::Bool(*b),
            serde_json::Value::Number(n) => Json::Number(n.clone()),
            serde_json::Value::String(s) => Json::String(Cow::Borrowed(s)),
            serde_json::Value::Array(items) => {
                Json::Array(items.iter().map(|i| Node::unplaced(Json::from(i))).collect())
            }
            serde_json::Value::Object(map) => Json::Object(Object {
                members: map
                    .iter()
                    .map(|(k, v)| {
                        Member::new(
                            Cow::Borrowed(k.as_str()),
                            Span::default(),
                            Node::unplaced(Json::from(v)),
                        )
                    })
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
        assert_eq!(j.to_value(), value);
    }

    fn member(name: &str, value: i64) -> Member<'_> {
        Member::new(
            Cow::Borrowed(name),
            Span::default(),
            Node::unplaced(Json::Number(value.into())),
        )
    }

    #[test]
    fn repeated_names_keep_the_last_value_as_serde_json_does() {
        for size in [3, 40] {
            let mut members: Vec<Member<'_>> = Vec::new();
            let names: Vec<String> = (0..size).map(|i| format!("k{i}")).collect();
            for (i, name) in names.iter().enumerate() {
                members.push(member(name, i as i64));
            }
            members.push(member("k1", 100));
            members.push(member("k1", 101));
            let (object, repeats) = Object::from_members(members);
            assert!(repeats);
            assert_eq!(object.len(), size, "{size}");
            assert_eq!(object.get("k1"), Some(&Json::Number(101.into())));
            let repeats: Vec<(u32, bool)> = object
                .members()
                .iter()
                .filter(|m| m.name == "k1")
                .map(|m| (m.repeat, m.replaced))
                .collect();
            assert_eq!(repeats, [(0, true), (1, true), (2, false)]);
            let value = Json::Object(object).to_value();
            let keys: Vec<&String> = value.as_object().map(|o| o.keys().collect()).unwrap_or_default();
            assert_eq!(keys[1], "k1", "first place, last value");
            assert_eq!(value["k1"], json!(101));
        }
        let (object, repeats) = Object::from_members(vec![member("a", 1), member("b", 2)]);
        assert!(!repeats && object.members().iter().all(|m| !m.is_repeated()));
    }
}
