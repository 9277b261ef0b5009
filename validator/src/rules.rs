//! Rules about the file rather than the API: what a JSON Schema validator cannot see because
//! its parser already threw it away. Together with the generated catalog they are every rule
//! `changeos rules` lists.

use changeos_models::{RuleInfo, Severity};

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
        operation: "ChangeServerOsWithCloudInit",
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

/// The rules about files, in the order `changeos rules` lists them.
/// Rules whose findings leave a file without one reading, so that neither its canonical form
/// (`changeos render`) nor its layout (`changeos fmt`) can be given.
pub const AMBIGUOUS: &[&str] = &[INVALID_JSON.id, DUPLICATE_KEY.id, TRAILING_CONTENT.id];

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
pub fn all() -> impl Iterator<Item = &'static RuleInfo> {
    SOURCE_RULES
        .iter()
        .copied()
        .chain(changeos_models::catalog::RULES.iter().copied())
}

/// The rule with this id.
pub fn find(id: &str) -> Option<&'static RuleInfo> {
    all().find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_across_both_catalogs() {
        let mut ids: Vec<&str> = all().map(|r| r.id).collect();
        let count = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), count);
    }
}
