//! Rules about the file rather than the API: what a JSON Schema validator cannot see because
//! its parser already threw it away. Together with the generated catalog they are every rule
//! `changeos rules` lists ([`all`]), and the ids a person may type: [`parse`] is the one way
//! from an id to a [`Rule`], for `changeos.toml` and `changeos explain`. Everywhere else a rule
//! is named by its static (`Rule::new(&DUPLICATE_KEY)`, `&catalog::UNKNOWN_MEMBER`).

use changeos_models::lint::Operation;
use changeos_models::{Rule, RuleInfo, Severity};
use changeos_runtime::checks::suggest;

const fn rule(
    id: &'static str,
    severity: Severity,
    summary: &'static str,
    explanation: &'static str,
    bad: &'static str,
    good: &'static str,
) -> RuleInfo {
    RuleInfo {
        id,
        severity,
        summary,
        message: summary,
        help: None,
        explanation,
        bad,
        good,
        // The examples are bodies of the default `--op`: the first operation in the spec.
        operation: Operation::DEFAULT.id(),
        keywords: &[],
        standard: false,
    }
}

const GOOD: &str = "{\n  \"os-change\": {\n    \"adminpass\": \"$ADMIN_PASS\",\n    \"imageid\": \"e215580f-73ad-429d-b6f2-5433947433b0\"\n  }\n}";

pub static INVALID_JSON: RuleInfo = rule(
    "invalid-json",
    Severity::Error,
    "the file is not a JSON document",
    "The API reads the body as JSON; a file that does not parse (truncated, a trailing comma, \
     comments, NaN, an empty file) is refused before any rule can be checked. The position is \
     that of the byte where the parse failed.",
    "{\n  \"os-change\": {\n    \"imageid\": \"e215580f-73ad-429d-b6f2-5433947433b0\",\n  }\n}",
    GOOD,
);

pub static DUPLICATE_KEY: RuleInfo = rule(
    "duplicate-key",
    Severity::Error,
    "a member name appears twice in one object",
    "JSON parsers disagree on duplicate names: some keep the first, most keep the last, some \
     refuse. What the server does is undefined, so the request may not say what the file seems \
     to say. Generic schema validators cannot see duplicates: their parser has already dropped one.",
    "{\n  \"os-change\": {\n    \"adminpass\": \"$ADMIN_PASS\",\n    \"imageid\": \"e215580f-73ad-429d-b6f2-5433947433b0\",\n    \"imageid\": \"83cdb52d-9ebf-4469-9cfa-e7b5b80da846\"\n  }\n}",
    GOOD,
);

pub static BYTE_ORDER_MARK: RuleInfo = rule(
    "byte-order-mark",
    Severity::Error,
    "the file starts with a byte-order mark",
    "RFC 8259 forbids a byte-order mark in JSON sent over a network, and many parsers refuse \
     it. Editors on Windows sometimes add one; save the file as UTF-8 without BOM.",
    "\u{feff}{\n  \"os-change\": {\n    \"adminpass\": \"$ADMIN_PASS\",\n    \"imageid\": \"e215580f-73ad-429d-b6f2-5433947433b0\"\n  }\n}",
    GOOD,
);

pub static TRAILING_CONTENT: RuleInfo = rule(
    "trailing-content",
    Severity::Error,
    "there is content after the JSON document",
    "A request body is one JSON document. Content after it (a second document, a stray \
     bracket from a merge) makes the body invalid JSON for the server.",
    "{\n  \"os-change\": {\n    \"adminpass\": \"$ADMIN_PASS\",\n    \"imageid\": \"e215580f-73ad-429d-b6f2-5433947433b0\"\n  }\n}\n}",
    GOOD,
);

pub static LITERAL_SECRET: RuleInfo = rule(
    "literal-secret",
    Severity::Warning,
    "a password is written in the file",
    "A payload file ends up in version control, CI logs and snapshots. Keep a placeholder such \
     as \"$ADMIN_PASS\" in the file and supply the value from the environment when the request \
     is sent. The password itself is never printed by changeos.",
    "{\n  \"os-change\": {\n    \"adminpass\": \"Cloud.Pass-2024\",\n    \"imageid\": \"e215580f-73ad-429d-b6f2-5433947433b0\"\n  }\n}",
    GOOD,
);

pub static UNREADABLE_FILE: RuleInfo = rule(
    "unreadable-file",
    Severity::Error,
    "the file cannot be read",
    "The path is missing, not readable, not a regular file (a directory, a FIFO, a device), a \
     symlink loop, or not UTF-8 text. Nothing in it can be checked, so it counts as an error.",
    "",
    GOOD,
);

pub static FILE_TOO_LARGE: RuleInfo = rule(
    "file-too-large",
    Severity::Error,
    "the file is larger than any request body can be",
    "The API gateway refuses signed request bodies over 12 MiB, and a change-OS body is a few \
     kilobytes (user data is at most 32 KiB). Larger files are refused without being read, so \
     that a stray disk image or log cannot exhaust memory.",
    "",
    GOOD,
);

/// Rules whose findings leave a file without one reading, so that neither its canonical form
/// (`changeos render`) nor its layout (`changeos fmt`) can be given.
pub static AMBIGUOUS: &[Rule] = &[
    Rule::new(&INVALID_JSON),
    Rule::new(&DUPLICATE_KEY),
    Rule::new(&TRAILING_CONTENT),
];

/// The rules about files, in the order `changeos rules` lists them.
pub static SOURCE_RULES: &[&RuleInfo] = &[
    &INVALID_JSON,
    &DUPLICATE_KEY,
    &BYTE_ORDER_MARK,
    &TRAILING_CONTENT,
    &LITERAL_SECRET,
    &UNREADABLE_FILE,
    &FILE_TOO_LARGE,
];

/// Every rule: those about files, then the API's rules from the spec.
pub fn all() -> impl Iterator<Item = Rule> {
    SOURCE_RULES
        .iter()
        .chain(changeos_models::catalog::RULES)
        .map(|info| Rule::new(info))
}

/// The rule a person named by its id, in either catalog.
pub fn parse(id: &str) -> Result<Rule, UnknownRule> {
    all().find(|rule| rule.id() == id).ok_or_else(|| {
        let ids: Vec<&'static str> = all().map(Rule::id).collect();
        UnknownRule {
            id: id.to_owned(),
            nearest: suggest(id, &ids).and_then(|near| all().find(|rule| rule.id() == near)),
        }
    })
}

/// An id that is no rule's, with the rule it most likely meant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown rule `{id}`{}; `changeos rules` lists them all", .nearest.map(|r| format!(" (did you mean `{r}`?)")).unwrap_or_default())]
pub struct UnknownRule {
    /// As typed.
    pub id: String,
    /// The one known id that is the same but for case, `-` and `_`, or a near miss, if any.
    pub nearest: Option<Rule>,
}

#[cfg(test)]
mod tests {
    use changeos_models::catalog;

    use super::*;

    #[test]
    fn ids_are_unique_across_both_catalogs() {
        let mut ids: Vec<&str> = all().map(Rule::id).collect();
        let count = ids.len();
        assert_eq!(count, SOURCE_RULES.len() + catalog::RULES.len());
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), count);
    }

    #[test]
    fn parse_knows_both_catalogs() {
        assert_eq!(parse("duplicate-key"), Ok(Rule::new(&DUPLICATE_KEY)));
        assert_eq!(parse("file-too-large"), Ok(Rule::new(&FILE_TOO_LARGE)));
        assert_eq!(parse("unknown-member"), Ok(Rule::new(&catalog::UNKNOWN_MEMBER)));
        assert_eq!(parse("mode-value"), Ok(Rule::new(&catalog::MODE_VALUE)));
        for rule in all() {
            assert_eq!(parse(rule.id()), Ok(rule));
            assert!(std::ptr::eq(parse(rule.id()).expect("known").info(), rule.info()));
        }
    }

    #[test]
    fn parse_refuses_unknown_ids_and_names_the_nearest() {
        let e = parse("mode-valu").unwrap_err();
        assert_eq!(e.nearest, Some(Rule::new(&catalog::MODE_VALUE)));
        assert_eq!(
            e.to_string(),
            "unknown rule `mode-valu` (did you mean `mode-value`?); `changeos rules` lists them all"
        );
        let e = parse("Duplicate_Key").unwrap_err();
        assert_eq!(e.nearest, Some(Rule::new(&DUPLICATE_KEY)));
        let e = parse("nothing-like-it").unwrap_err();
        assert_eq!(e.nearest, None);
        assert_eq!(
            e.to_string(),
            "unknown rule `nothing-like-it`; `changeos rules` lists them all"
        );
        // Ids are exact: no trimming, no case folding.
        assert!(parse(" mode-value").is_err());
        assert!(parse("MODE-VALUE").is_err());
        assert!(parse("").is_err());
    }

    #[test]
    fn rules_are_equal_across_catalogs_by_id_only() {
        assert_eq!(Rule::new(&DUPLICATE_KEY), Rule::new(&DUPLICATE_KEY));
        assert_ne!(Rule::new(&DUPLICATE_KEY), Rule::new(&catalog::UNKNOWN_MEMBER));
        assert!(Rule::new(&DUPLICATE_KEY) == DUPLICATE_KEY);
        assert!(Rule::new(&catalog::UNKNOWN_MEMBER) != DUPLICATE_KEY);
        for (i, a) in all().enumerate() {
            for (j, b) in all().enumerate() {
                assert_eq!(a == b, i == j, "{a} and {b}");
            }
        }
    }
}
