//! The shape of a request body as the spec describes it: for each object, its members in spec
//! order and the shape of each member's value, secrets marked. `generated/src/shapes.rs` holds
//! one shape per object a request body reaches (see `Operation::shape`); `changeos fmt` orders
//! members by it and [`crate::canonical`] also redacts by it.
//!
//! The secret marks are the one description of which members are secret: the masking of
//! quoted text, the canonical form, `send`'s dry run, the insta selectors and the
//! literal-secret rule all read them, through [`Shape::secret_paths`].

/// What the spec says a value looks like, as far as the order of members (`changeos fmt`) and
/// the canonical, secret-safe form (`changeos render`, snapshots) need it.
#[derive(Debug, PartialEq, Eq)]
pub enum Shape {
    /// An object: its members in spec order.
    Object(&'static [Member]),
    /// An object that has the members of other objects too (`allOf` bases in the spec).
    Composed(&'static Composed),
    /// An array whose every element has this shape.
    Array(&'static Shape),
    /// A secret (`x-secret`): redacted in the canonical form unless a placeholder or `null`.
    Secret,
    /// A string, number or boolean: nothing inside to order.
    Scalar,
}

/// An object composed of bases and members of its own: each base's members are described once,
/// in the base's shape.
#[derive(Debug, PartialEq, Eq)]
pub struct Composed {
    /// The shapes of its bases (objects, or composed in turn).
    pub bases: &'static [&'static Shape],
    /// Its own members.
    pub members: &'static [Member],
    /// Every member's name, its bases' included, in spec order.
    pub order: &'static [&'static str],
}

impl Composed {
    /// The member `name`: its own, or a base's.
    fn find(&'static self, name: &str) -> Option<&'static Member> {
        self.members
            .iter()
            .find(|m| m.name == name)
            .or_else(|| self.bases.iter().find_map(|b| b.find(name)))
    }
}

/// One member of an object, by its wire name.
#[derive(Debug, PartialEq, Eq)]
pub struct Member {
    /// The name on the wire.
    pub name: &'static str,
    pub shape: &'static Shape,
    /// What the spec says of it: its description and constraints, the text of the generated
    /// models' docs (the language server's hover shows it).
    pub doc: &'static str,
    /// The values of a closed set (`enum`), as written on the wire; empty for any other member.
    pub values: &'static [&'static str],
}

impl Member {
    /// A member the spec says nothing more of.
    pub const fn new(name: &'static str, shape: &'static Shape) -> Member {
        Member {
            name,
            shape,
            doc: "",
            values: &[],
        }
    }
}

/// One step from a value to a value inside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Member(&'static str),
    /// Every element of an array.
    Item,
}

/// The shape of a value the spec does not describe: its members keep their order.
pub static UNKNOWN: Shape = Shape::Scalar;

impl Shape {
    /// The members in spec order (none unless this is an object).
    pub fn members(&self) -> Vec<&'static Member> {
        match self {
            Shape::Object(members) => members.iter().collect(),
            Shape::Composed(composed) => {
                let composed: &'static Composed = composed;
                composed.order.iter().filter_map(|name| composed.find(name)).collect()
            }
            Shape::Scalar | Shape::Secret | Shape::Array(_) => Vec::new(),
        }
    }

    /// Where `name` comes in spec order, and the shape of its value; `None` for a member the
    /// spec does not describe here. It runs for every member `fmt` lays out, so it allocates
    /// nothing.
    pub fn member(&self, name: &str) -> Option<(usize, &'static Shape)> {
        match self {
            Shape::Object(members) => {
                let position = members.iter().position(|m| m.name == name)?;
                Some((position, members[position].shape))
            }
            Shape::Composed(composed) => {
                let composed: &'static Composed = composed;
                let position = composed.order.iter().position(|n| *n == name)?;
                Some((position, composed.find(name)?.shape))
            }
            Shape::Scalar | Shape::Secret | Shape::Array(_) => None,
        }
    }

    /// The member `name`, its bases' included, without allocating.
    fn find(&self, name: &str) -> Option<&'static Member> {
        match self {
            Shape::Object(members) => members.iter().find(|m| m.name == name),
            Shape::Composed(composed) => {
                let composed: &'static Composed = composed;
                composed.find(name)
            }
            Shape::Scalar | Shape::Secret | Shape::Array(_) => None,
        }
    }

    /// The path to every secret under this shape, in spec order. A shape that contains itself
    /// (a recursive schema) is not entered again on the way down.
    pub fn secret_paths(&'static self) -> Vec<Vec<Step>> {
        fn walk(shape: &'static Shape, path: &mut Vec<Step>, open: &mut Vec<*const Shape>, out: &mut Vec<Vec<Step>>) {
            if open.contains(&std::ptr::from_ref(shape)) {
                return;
            }
            open.push(shape);
            match shape {
                Shape::Object(_) | Shape::Composed(_) => {
                    for member in shape.members() {
                        path.push(Step::Member(member.name));
                        walk(member.shape, path, open, out);
                        path.pop();
                    }
                }
                Shape::Array(item) => {
                    path.push(Step::Item);
                    walk(item, path, open, out);
                    path.pop();
                }
                Shape::Secret => out.push(path.clone()),
                Shape::Scalar => {}
            }
            open.pop();
        }
        let mut out = Vec::new();
        walk(self, &mut Vec::new(), &mut Vec::new(), &mut out);
        out
    }

    /// insta selectors of every secret under this shape (`.adminpass`,
    /// `["os-change"].adminpass`, `[]` for every element of an array).
    pub fn redaction_selectors(&'static self) -> Vec<String> {
        self.secret_paths().iter().map(|path| selector(path)).collect()
    }

    /// The shape of the elements, [`UNKNOWN`] unless this is an array.
    pub fn items(&self) -> &'static Shape {
        match self {
            Shape::Array(items) => items,
            Shape::Scalar | Shape::Secret | Shape::Object(_) | Shape::Composed(_) => &UNKNOWN,
        }
    }
}

/// The insta selector of `path`.
fn selector(path: &[Step]) -> String {
    if path.is_empty() {
        return ".".to_owned();
    }
    path.iter()
        .map(|step| match step {
            Step::Item => "[]".to_owned(),
            Step::Member(name) if is_selector_ident(name) => format!(".{name}"),
            // insta's selectors cannot quote a `"`: any member stands for it.
            Step::Member(name) if name.contains('"') => ".*".to_owned(),
            Step::Member(name) => format!("[\"{name}\"]"),
        })
        .collect()
}

/// insta's identifiers are `_`, `$` or a letter, then letters, digits and `_` (Unicode ones
/// too; non-ASCII names are quoted instead, which is always valid).
fn is_selector_ident(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c == '_' || c == '$' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    static INNER: Shape = Shape::Object(&[Member::new("x", &Shape::Scalar)]);
    static OUTER: Shape = Shape::Object(&[
        Member::new("b", &Shape::Scalar),
        Member::new("a", &INNER),
        Member::new("list", &Shape::Array(&INNER)),
    ]);

    static BASE: Shape = Shape::Object(&[
        Member::new("shared", &Shape::Secret),
        Member::new("last", &Shape::Scalar),
    ]);
    static COMPOSED: Shape = Shape::Composed(&Composed {
        bases: &[&BASE],
        members: &[Member::new("own", &INNER)],
        order: &["shared", "own", "last"],
    });

    #[test]
    fn a_composed_object_has_its_bases_members_in_its_order() {
        let names: Vec<&str> = COMPOSED.members().iter().map(|m| m.name).collect();
        assert_eq!(names, ["shared", "own", "last"]);
        assert_eq!(COMPOSED.member("own"), Some((1, &INNER)));
        assert_eq!(COMPOSED.member("last"), Some((2, &Shape::Scalar)));
        assert_eq!(COMPOSED.member("nope"), None);
        assert_eq!(COMPOSED.secret_paths(), [vec![Step::Member("shared")]]);
        assert_eq!(COMPOSED.items(), &UNKNOWN);
    }

    #[test]
    fn members_in_spec_order_with_their_shapes() {
        assert_eq!(OUTER.member("b"), Some((0, &Shape::Scalar)));
        assert_eq!(OUTER.member("a"), Some((1, &INNER)));
        assert_eq!(OUTER.member("nope"), None);
        assert_eq!(OUTER.member("list").map(|(_, s)| s.items()), Some(&INNER));
        assert_eq!(INNER.items(), &UNKNOWN);
        assert!(Shape::Scalar.members().is_empty());
        assert_eq!(Shape::Scalar.member("x"), None);
    }

    static SECRETS: Shape = Shape::Object(&[
        Member::new("paint-job", &Shape::Object(&[Member::new("secret", &Shape::Secret)])),
        Member::new(
            "a",
            &Shape::Array(&Shape::Object(&[Member::new("b_1", &Shape::Secret)])),
        ),
        Member::new("a/b", &Shape::Object(&[Member::new("$x", &Shape::Secret)])),
        Member::new("é", &Shape::Object(&[Member::new("q\"uote", &Shape::Secret)])),
        Member::new("plain", &Shape::Scalar),
    ]);

    #[test]
    fn secrets_are_found_with_their_paths_and_selectors() {
        assert_eq!(
            SECRETS.secret_paths()[1],
            [Step::Member("a"), Step::Item, Step::Member("b_1")]
        );
        assert_eq!(
            SECRETS.redaction_selectors(),
            [r#"["paint-job"].secret"#, ".a[].b_1", r#"["a/b"].$x"#, r#"["é"].*"#]
        );
        assert_eq!(Shape::Secret.redaction_selectors(), ["."]);
        assert!(OUTER.secret_paths().is_empty());
    }
}
