//! RFC 6901 JSON pointers: where a member or element sits in a document.
//!
//! A [`Pointer`] keeps the escaped text that reports print (`/os-change/a~1b`), so that showing
//! or serialising one costs nothing; member names go in and come out unescaped. This is the
//! one place where `~` and `/` are escaped (`~0`, `~1`) and unescaped.

use std::borrow::Cow;
use std::fmt;

/// An RFC 6901 JSON pointer: `""` for the whole document, `/name` or `/index` per step.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pointer(String);

/// Why a text is not an RFC 6901 pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PointerError {
    /// Neither empty nor starting with `/`.
    NoLeadingSlash,
    /// A `~` at this byte offset is followed by neither `0` nor `1`.
    BadEscape(usize),
}

impl fmt::Display for PointerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PointerError::NoLeadingSlash => f.write_str("a JSON pointer is empty or starts with `/`"),
            PointerError::BadEscape(at) => write!(f, "`~` at byte {at} is followed by neither `0` nor `1`"),
        }
    }
}

impl std::error::Error for PointerError {}

impl Pointer {
    /// The whole document: `""`.
    pub const fn root() -> Self {
        Pointer(String::new())
    }

    /// `text` read as an escaped RFC 6901 pointer.
    pub fn parse(text: &str) -> Result<Self, PointerError> {
        if !text.is_empty() && !text.starts_with('/') {
            return Err(PointerError::NoLeadingSlash);
        }
        let bytes = text.as_bytes();
        for (at, _) in text.match_indices('~') {
            if !matches!(bytes.get(at + 1), Some(b'0' | b'1')) {
                return Err(PointerError::BadEscape(at));
            }
        }
        Ok(Pointer(text.to_owned()))
    }

    /// Appends the member `name` (any text; escaped here).
    pub fn push(&mut self, name: &str) {
        self.0.reserve(name.len() + 1);
        self.0.push('/');
        if !name.contains(['~', '/']) {
            self.0.push_str(name);
            return;
        }
        for c in name.chars() {
            match c {
                '~' => self.0.push_str("~0"),
                '/' => self.0.push_str("~1"),
                c => self.0.push(c),
            }
        }
    }

    /// Appends the array element `index`.
    pub fn push_index(&mut self, index: usize) {
        use fmt::Write as _;
        // Writing to a `String` cannot fail.
        let _ = write!(self.0, "/{index}");
    }

    /// Removes the last step; false at the root.
    pub fn pop(&mut self) -> bool {
        match self.0.rfind('/') {
            Some(at) => {
                self.0.truncate(at);
                true
            }
            None => false,
        }
    }

    /// This pointer with the member `name` appended.
    pub fn member(&self, name: &str) -> Self {
        let mut child = self.clone();
        child.push(name);
        child
    }

    /// This pointer with the element `index` appended.
    pub fn index(&self, index: usize) -> Self {
        let mut child = self.clone();
        child.push_index(index);
        child
    }

    /// Whether this is the whole document.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// The escaped text, as reports print it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The steps from the root, unescaped: member names as written, indexes as digits.
    pub fn tokens(&self) -> impl DoubleEndedIterator<Item = Cow<'_, str>> + '_ {
        self.0
            .strip_prefix('/')
            .into_iter()
            .flat_map(|rest| rest.split('/'))
            .map(unescape)
    }

    /// The last step, unescaped; `None` at the root.
    pub fn last(&self) -> Option<Cow<'_, str>> {
        let at = self.0.rfind('/')?;
        Some(unescape(&self.0[at + 1..]))
    }

    /// The pointer of the value that holds this one; `None` at the root.
    pub fn parent(&self) -> Option<Pointer> {
        let at = self.0.rfind('/')?;
        Some(Pointer(self.0[..at].to_owned()))
    }

    /// Each pointer from the root down to this one, both included: `""`, `/a`, `/a/b`.
    pub fn ancestors(&self) -> impl Iterator<Item = &str> + '_ {
        self.0
            .match_indices('/')
            .map(|(at, _)| &self.0[..at])
            .chain([self.0.as_str()])
    }

    /// Whether `self` is `other` or inside it, step by step (`/a/b` is inside `/a`, `/ab` is not).
    pub fn starts_with(&self, other: &Pointer) -> bool {
        self.0
            .strip_prefix(other.0.as_str())
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    }
}

fn unescape(token: &str) -> Cow<'_, str> {
    if token.contains('~') {
        // `~1` before `~0`, as RFC 6901 says: `~01` is `~1`, not `/`.
        Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
    } else {
        Cow::Borrowed(token)
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for Pointer {
    type Err = PointerError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Pointer::parse(text)
    }
}

impl AsRef<str> for Pointer {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

// Hashes and compares as its text, so a set of pointers can be asked about a `&str`.
impl std::borrow::Borrow<str> for Pointer {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for Pointer {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Pointer {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl serde::Serialize for Pointer {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_escaped_and_indexes_are_digits() {
        let mut p = Pointer::root();
        assert!(p.is_root());
        assert_eq!(p, "");
        p.push("os-change");
        p.push("a/b~c");
        p.push_index(3);
        assert_eq!(p.as_str(), "/os-change/a~1b~0c/3");
        assert_eq!(p.to_string(), "/os-change/a~1b~0c/3");
        assert_eq!(p.tokens().collect::<Vec<_>>(), ["os-change", "a/b~c", "3"]);
        assert_eq!(p.last().as_deref(), Some("3"));
        assert_eq!(
            p.parent().map(|q| q.last().map(Cow::into_owned)),
            Some(Some("a/b~c".to_owned()))
        );
        assert_eq!(Pointer::root().member("~1").as_str(), "/~01");
        assert_eq!(Pointer::root().member("~1").last().as_deref(), Some("~1"));
        assert_eq!(Pointer::root().member("").as_str(), "/");
        assert_eq!(Pointer::root().member("").last().as_deref(), Some(""));
        assert_eq!(Pointer::root().index(0).as_str(), "/0");
    }

    #[test]
    fn root_has_no_parent_and_no_last() {
        let mut root = Pointer::root();
        assert_eq!(root.parent(), None);
        assert_eq!(root.last(), None);
        assert_eq!(root.tokens().count(), 0);
        assert!(!root.pop());
        assert_eq!(root.ancestors().collect::<Vec<_>>(), [""]);
    }

    #[test]
    fn pop_undoes_push() {
        let mut p = Pointer::root().member("a");
        p.push("b/c");
        assert!(p.pop());
        assert_eq!(p, "/a");
        p.push_index(10);
        assert!(p.pop());
        assert!(p.pop());
        assert!(p.is_root());
    }

    #[test]
    fn parse_takes_rfc_6901_and_refuses_the_rest() {
        assert_eq!(Pointer::parse(""), Ok(Pointer::root()));
        assert_eq!(
            Pointer::parse("/a~0b~1c/0").map(|p| p.to_string()),
            Ok("/a~0b~1c/0".to_owned())
        );
        assert_eq!("/".parse::<Pointer>().map(|p| p.tokens().count()), Ok(1));
        assert_eq!(Pointer::parse("a/b"), Err(PointerError::NoLeadingSlash));
        assert_eq!(Pointer::parse("/a~2"), Err(PointerError::BadEscape(2)));
        assert_eq!(Pointer::parse("/a~"), Err(PointerError::BadEscape(2)));
        assert_eq!(
            Pointer::parse("x").map_err(|e| e.to_string()),
            Err("a JSON pointer is empty or starts with `/`".to_owned())
        );
        assert_eq!(
            Pointer::parse("/~x").map_err(|e| e.to_string()),
            Err("`~` at byte 1 is followed by neither `0` nor `1`".to_owned())
        );
    }

    #[test]
    fn starts_with_goes_step_by_step() {
        let a = Pointer::root().member("a");
        let ab = a.member("b");
        let a_b = Pointer::root().member("ab");
        assert!(ab.starts_with(&a));
        assert!(a.starts_with(&a));
        assert!(ab.starts_with(&Pointer::root()));
        assert!(!a_b.starts_with(&a));
        assert!(!a.starts_with(&ab));
        assert_eq!(ab.ancestors().collect::<Vec<_>>(), ["", "/a", "/a/b"]);
    }

    #[test]
    fn serialises_as_its_text() {
        let p = Pointer::root().member("a\"b");
        assert_eq!(serde_json::to_string(&p).ok().as_deref(), Some(r#""/a\"b""#));
    }

    mod properties {
        use proptest::prelude::*;

        use super::super::*;

        #[derive(Debug, Clone)]
        enum Step {
            Member(String),
            Index(usize),
        }

        fn step() -> impl Strategy<Value = Step> {
            prop_oneof![
                "[a~/0-1é]{0,6}".prop_map(Step::Member),
                (0usize..1000).prop_map(Step::Index),
            ]
        }

        fn build(steps: &[Step]) -> Pointer {
            let mut p = Pointer::root();
            for s in steps {
                match s {
                    Step::Member(name) => p.push(name),
                    Step::Index(i) => p.push_index(*i),
                }
            }
            p
        }

        fn text(s: &Step) -> String {
            match s {
                Step::Member(name) => name.clone(),
                Step::Index(i) => i.to_string(),
            }
        }

        proptest! {
            /// What goes in comes out: the tokens are the steps, the text parses back to the
            /// same pointer, and popping walks back through the parents.
            #[test]
            fn round_trip(steps in proptest::collection::vec(step(), 0..6)) {
                let p = build(&steps);
                let tokens: Vec<String> = p.tokens().map(Cow::into_owned).collect();
                prop_assert_eq!(&tokens, &steps.iter().map(text).collect::<Vec<_>>());
                prop_assert_eq!(Pointer::parse(p.as_str()), Ok(p.clone()));
                prop_assert_eq!(p.last().map(Cow::into_owned), steps.last().map(text));
                let mut popped = p.clone();
                for n in (0..steps.len()).rev() {
                    prop_assert_eq!(popped.parent(), Some(build(&steps[..n])));
                    prop_assert!(popped.pop());
                    prop_assert_eq!(&popped, &build(&steps[..n]));
                    prop_assert!(p.starts_with(&popped));
                }
                prop_assert!(popped.is_root());
            }

            /// serde_json reads our pointers as RFC 6901 says: the value found by walking the
            /// steps is the one `Value::pointer` finds.
            #[test]
            fn serde_json_agrees(names in proptest::collection::vec("[a~/0-1]{0,4}", 1..5)) {
                let mut value = serde_json::json!("leaf");
                for name in names.iter().rev() {
                    value = serde_json::json!({ name.as_str(): [value] });
                }
                let mut p = Pointer::root();
                for name in &names {
                    p.push(name);
                    p.push_index(0);
                }
                prop_assert_eq!(value.pointer(p.as_str()), Some(&serde_json::json!("leaf")));
            }
        }
    }
}
