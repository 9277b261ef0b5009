//! The shape of a request body as the spec describes it: for each object, its members in spec
//! order and the shape of each member's value, secrets marked. `generated/src/shapes.rs` holds
//! one shape per object a request body reaches (see `Operation::shape`); `changeos fmt` orders
//! members by it and [`crate::canonical`] also redacts by it.

/// What the spec says a value looks like, as far as the order of members (`changeos fmt`) and
/// the canonical, secret-safe form (`changeos render`, snapshots) need it.
#[derive(Debug, PartialEq, Eq)]
pub enum Shape {
    /// An object: its members in spec order.
    Object(&'static [Member]),
    /// An array whose every element has this shape.
    Array(&'static Shape),
    /// A secret (`x-secret`): redacted in the canonical form unless a placeholder or `null`.
    Secret,
    /// A string, number or boolean: nothing inside to order.
    Scalar,
}

/// One member of an object, by its wire name.
#[derive(Debug, PartialEq, Eq)]
pub struct Member {
    /// The name on the wire.
    pub name: &'static str,
    pub shape: &'static Shape,
}

/// The shape of a value the spec does not describe: its members keep their order.
pub static UNKNOWN: Shape = Shape::Scalar;

impl Shape {
    /// The members in spec order (none unless this is an object).
    pub fn members(&self) -> &'static [Member] {
        match self {
            Shape::Object(members) => members,
            Shape::Scalar | Shape::Secret | Shape::Array(_) => &[],
        }
    }

    /// Where `name` comes in spec order, and the shape of its value; `None` for a member the
    /// spec does not describe here.
    pub fn member(&self, name: &str) -> Option<(usize, &'static Shape)> {
        self.members()
            .iter()
            .position(|m| m.name == name)
            .map(|i| (i, self.members()[i].shape))
    }

    /// The shape of the elements, [`UNKNOWN`] unless this is an array.
    pub fn items(&self) -> &'static Shape {
        match self {
            Shape::Array(items) => items,
            Shape::Scalar | Shape::Secret | Shape::Object(_) => &UNKNOWN,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static INNER: Shape = Shape::Object(&[Member {
        name: "x",
        shape: &Shape::Scalar,
    }]);
    static OUTER: Shape = Shape::Object(&[
        Member {
            name: "b",
            shape: &Shape::Scalar,
        },
        Member {
            name: "a",
            shape: &INNER,
        },
        Member {
            name: "list",
            shape: &Shape::Array(&INNER),
        },
    ]);

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
}
