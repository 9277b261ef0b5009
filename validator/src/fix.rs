//! Applying fixes: the edits of a report's [`TextFix`]es, made in the source text and nowhere
//! else, so that every byte outside them stays as it was (layout, line endings, escapes, a
//! missing final newline), and the unified diff of what they change.
//!
//! [`fix_source`] lints, applies every fix that does not overlap an earlier one (in text order),
//! and lints the result again, until no fix is left: a fix that only becomes visible once
//! another is applied (the members of an object whose own name was misspelled are checked only
//! after the rename) or one that overlapped is found and applied on a later pass, computed
//! afresh from the text as fixed so far.

use changeos_runtime::escape::escape_controls;

use crate::mask::redact_secrets;
use crate::{Diagnostic, FileReport, Operation, TextFix, check_source};

/// At most this many passes per file. Each pass removes at least one finding that no other
/// fix brings back, so a payload needs a handful; the bound only guards against a loop.
pub const MAX_PASSES: usize = 16;

/// A file's bytes after its fixes, and its report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixed {
    /// The content with every fix applied (the input itself when there was none).
    pub bytes: Vec<u8>,
    /// The findings left in `bytes`, with `fixed` listing the ones whose fixes were applied.
    pub report: FileReport,
}

impl Fixed {
    /// True when some fix was applied, so that `bytes` differ from the input.
    pub fn changed(&self) -> bool {
        self.report.fixed.as_ref().is_some_and(|f| !f.is_empty())
    }
}

/// Applies every fix of the findings of `bytes`, pass after pass. `adjust` runs on each pass's
/// report before fixes are chosen: it is where the config turns rules off, and a rule that is
/// off gets no fix.
pub fn fix_source(operation: Operation, bytes: &[u8], adjust: impl Fn(&mut FileReport)) -> Fixed {
    let mut current = bytes.to_vec();
    let mut applied: Vec<Diagnostic> = Vec::new();
    let mut pass = 0;
    loop {
        let mut report = check_source(operation, &current);
        adjust(&mut report);
        let chosen = choose(&report.diagnostics);
        if chosen.is_empty() || pass == MAX_PASSES {
            report.fixed = Some(applied);
            return Fixed { bytes: current, report };
        }
        current = apply(&current, chosen.iter().filter_map(|d| d.fix.as_ref()));
        applied.extend(chosen.into_iter().cloned());
        pass += 1;
    }
}

/// The diagnostics whose fixes are applied together: in text order, each one that does not
/// overlap the one kept before it (the earlier in the text wins; the other waits for the next
/// pass).
pub fn choose(diagnostics: &[Diagnostic]) -> Vec<&Diagnostic> {
    chosen(diagnostics).into_iter().map(|i| &diagnostics[i]).collect()
}

/// The indices of the diagnostics [`choose`] returns, in text order.
fn chosen(diagnostics: &[Diagnostic]) -> Vec<usize> {
    let mut fixable: Vec<(usize, &TextFix)> = diagnostics
        .iter()
        .enumerate()
        .filter_map(|(i, d)| d.fix.as_ref().map(|f| (i, f)))
        .collect();
    fixable.sort_by_key(|(_, f)| (f.start, f.end));
    let mut kept: Vec<(usize, &TextFix)> = Vec::with_capacity(fixable.len());
    for (i, fix) in fixable {
        if !kept.last().is_some_and(|(_, previous)| previous.overlaps(fix)) {
            kept.push((i, fix));
        }
    }
    kept.into_iter().map(|(i, _)| i).collect()
}

/// Keeps the fixes [`choose`] would apply together and drops the others, so that the fixes of
/// a report never overlap (an editor may apply them all); a dropped one is found again on the
/// next pass of [`fix_source`], computed on the text as fixed.
pub(crate) fn drop_overlapping(diagnostics: &mut [Diagnostic]) {
    if diagnostics.iter().filter(|d| d.fix.is_some()).nth(1).is_none() {
        return; // one fix overlaps nothing
    }
    let mut kept = vec![false; diagnostics.len()];
    for i in chosen(diagnostics) {
        kept[i] = true;
    }
    for (d, kept) in diagnostics.iter_mut().zip(kept) {
        if !kept {
            d.fix = None;
        }
    }
}

/// `bytes` with each edit made; the edits are in text order and do not overlap (see
/// [`choose`]). An edit outside the text is skipped.
pub fn apply<'a>(bytes: &[u8], edits: impl IntoIterator<Item = &'a TextFix>) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 16);
    let mut copied = 0;
    for edit in edits {
        if edit.start < copied || edit.end < edit.start || edit.end > bytes.len() {
            continue;
        }
        out.extend_from_slice(&bytes[copied..edit.start]);
        out.extend_from_slice(edit.replacement.as_bytes());
        copied = edit.end;
    }
    out.extend_from_slice(&bytes[copied..]);
    out
}

/// The unified diff (three lines of context) from `before` to `after`, both named `name`, or
/// an empty string when they are the same. The values of password members are masked on both
/// sides, as in every report (placeholders excepted): a hunk that shows a literal password
/// cannot be applied with `patch`. Control characters in the name are escaped in the headers,
/// as in every report.
pub fn unified_diff(operation: Operation, name: &str, before: &[u8], after: &[u8]) -> String {
    if before == after {
        return String::new();
    }
    let before = redact_secrets(operation, &String::from_utf8_lossy(before));
    let after = redact_secrets(operation, &String::from_utf8_lossy(after));
    let name = escape_controls(name);
    similar::TextDiff::from_lines(&before, &after)
        .unified_diff()
        .context_radius(3)
        .header(&name, &name)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FixKind;
    use changeos_runtime::pointer::Pointer;

    const V2: Operation = Operation::ChangeServerOsWithCloudInit;

    fn edit(start: usize, end: usize, replacement: &str) -> TextFix {
        TextFix {
            kind: FixKind::RenameKey,
            message: String::new(),
            start,
            end,
            replacement: replacement.to_owned(),
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 1,
        }
    }

    fn with_fix(fix: TextFix) -> Diagnostic {
        Diagnostic {
            rule: crate::Rule::new(&crate::rules::INVALID_JSON),
            severity: changeos_models::Severity::Error,
            message: String::new(),
            pointer: Pointer::root(),
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 1,
            help: None,
            fix: Some(fix),
        }
    }

    #[test]
    fn edits_replace_their_bytes_only() {
        let out = apply(b"abcdefgh", &[edit(0, 1, "A"), edit(3, 5, ""), edit(8, 8, "!")]);
        assert_eq!(out, b"Abcfgh!");
        // An edit past the end, or before the last one, is skipped.
        assert_eq!(
            apply(b"abc", &[edit(1, 2, "B"), edit(0, 1, "x"), edit(2, 9, "y")]),
            b"aBc"
        );
    }

    #[test]
    fn of_two_overlapping_fixes_the_first_in_the_text_is_chosen() {
        let diagnostics = vec![
            with_fix(edit(10, 20, "late")),
            with_fix(edit(0, 12, "early")),
            with_fix(edit(20, 21, "after")),
            with_fix(edit(20, 22, "same start")),
            with_fix(edit(20, 21, "same range")),
        ];
        let chosen: Vec<&str> = choose(&diagnostics)
            .iter()
            .filter_map(|d| d.fix.as_ref().map(|f| f.replacement.as_str()))
            .collect();
        assert_eq!(chosen, ["early", "after"]);
        let mut diagnostics = diagnostics;
        drop_overlapping(&mut diagnostics);
        let left: Vec<Option<&str>> = diagnostics
            .iter()
            .map(|d| d.fix.as_ref().map(|f| f.replacement.as_str()))
            .collect();
        assert_eq!(left, [None, Some("early"), Some("after"), None, None]);
    }

    #[test]
    fn fixes_are_applied_until_none_is_left() {
        // The inner member is only checked once its object has its spec name.
        let src = b"{\"OS_change\": {\"imageId\": \"e215580f-73ad-429d-b6f2-5433947433b0\", \"isAutoPay\": true, \"keyname\": \"k\", \"userid\": \"u\"}}";
        let fixed = fix_source(V2, src, |_| {});
        assert_eq!(
            String::from_utf8_lossy(&fixed.bytes),
            "{\"os-change\": {\"imageid\": \"e215580f-73ad-429d-b6f2-5433947433b0\", \"isAutoPay\": \"true\", \"keyname\": \"k\", \"userid\": \"u\"}}"
        );
        assert!(fixed.changed());
        assert!(fixed.report.diagnostics.is_empty(), "{:?}", fixed.report);
        let applied: Vec<&str> = fixed
            .report
            .fixed
            .iter()
            .flatten()
            .map(|d| d.fix.as_ref().map_or("", |f| f.replacement.as_str()))
            .collect();
        assert_eq!(applied, ["\"os-change\"", "\"imageid\"", "\"true\""]);
        // Fixing again changes nothing.
        let again = fix_source(V2, &fixed.bytes, |_| {});
        assert!(!again.changed());
        assert_eq!(again.bytes, fixed.bytes);
    }

    #[test]
    fn a_rule_turned_off_gets_no_fix() {
        let src = b"{\"os-change\": {\"imageid\": \"e215580f-73ad-429d-b6f2-5433947433b0\", \"isAutoPay\": true, \"keyname\": \"k\", \"userid\": \"u\"}}";
        let fixed = fix_source(V2, src, |report| {
            report
                .diagnostics
                .retain(|d| d.rule != changeos_models::catalog::WRONG_TYPE)
        });
        assert!(!fixed.changed());
        assert_eq!(fixed.bytes, src);
    }

    #[test]
    fn diffs_mask_passwords_and_keep_line_endings() {
        let before = b"{\r\n  \"adminPass\": \"Cloud.Pass-2024\",\r\n  \"x\": 1\r\n}";
        let after = b"{\r\n  \"adminpass\": \"Cloud.Pass-2024\",\r\n  \"x\": 1\r\n}";
        let diff = unified_diff(V2, "a.json", before, after);
        assert!(!diff.contains("Cloud.Pass"), "{diff}");
        assert_eq!(
            diff,
            "--- a.json\n+++ a.json\n@@ -1,4 +1,4 @@\n {\r\n-  \"adminPass\": \"****\",\r\n+  \"adminpass\": \"****\",\r\n   \"x\": 1\r\n }\n\\ No newline at end of file\n"
        );
        // A value of any type, under any near-miss name, over several lines: masked whole, the
        // lines kept, so that the hunk's line numbers are the file's.
        let before = b"{\n  \"adminPas\": [\n    \"Arr.Pass-1\"\n  ],\n  \"isAutoPay\": true\n}\n";
        let after = b"{\n  \"adminPas\": [\n    \"Arr.Pass-1\"\n  ],\n  \"isAutoPay\": \"true\"\n}\n";
        assert_eq!(
            unified_diff(V2, "a.json", before, after),
            "--- a.json\n+++ a.json\n@@ -2,5 +2,5 @@\n   \"adminPas\": ****\n \n ,\n-  \"isAutoPay\": true\n+  \"isAutoPay\": \"true\"\n }\n"
        );
        assert_eq!(unified_diff(V2, "a.json", before, before), "");
    }
}
