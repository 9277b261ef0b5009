//! Whole-string placeholders (`$NAME`, `${NAME}`) that stand for values supplied at send time,
//! as the vendor's own examples write passwords (`"$ADMIN_PASS"`).

/// The regular expression of a placeholder, for exported JSON Schemas. [`name`] reads the same
/// language by hand, as the linter's hot path should not compile a regex; a property test
/// below holds the two together.
pub const PATTERN: &str = r"^\$(\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)$";

/// The variable name when the whole of `s` is a placeholder.
pub fn name(s: &str) -> Option<&str> {
    let rest = s.strip_prefix('$')?;
    let name = match rest.strip_prefix('{') {
        Some(inner) => inner.strip_suffix('}')?,
        None => rest,
    };
    let mut chars = name.chars();
    let first = chars.next()?;
    let valid = (first.is_ascii_alphabetic() || first == '_') && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    valid.then_some(name)
}

/// Whether the whole of `s` is a placeholder.
pub fn is_placeholder(s: &str) -> bool {
    name(s).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(name("$ADMIN_PASS"), Some("ADMIN_PASS"));
        assert_eq!(name("${ADMIN_PASS}"), Some("ADMIN_PASS"));
        assert_eq!(name("$_x1"), Some("_x1"));
        for not in [
            "", "$", "${}", "${A", "$A}", "$1A", "x$A", "$A B", "$A-B", "${A}x", "$é",
        ] {
            assert_eq!(name(not), None, "{not}");
        }
    }

    proptest::proptest! {
        /// The hand reader and the exported pattern accept exactly the same strings.
        #[test]
        fn the_pattern_and_the_reader_agree(s in r"\$?\{?[A-Za-z0-9_é$}{-]{0,6}\}?") {
            let pattern = regex::Regex::new(PATTERN).expect("PATTERN compiles");
            proptest::prop_assert_eq!(is_placeholder(&s), pattern.is_match(&s), "{}", s);
        }
    }
}
