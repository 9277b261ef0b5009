//! What the server changes in a payload: the quick fixes of `check --fix` as code actions, all
//! of them at once (`source.fixAll.changeos`), and `changeos fmt`'s layout as formatting. Each
//! is computed from the text the client sent, so an edit always fits the text it applies to.

use std::collections::HashMap;

use changeos_validator::fix::fix_source;
use changeos_validator::layout::{Outcome, format_source};
use changeos_validator::{FileReport, Operation, check_source};
use lsp_types::{CodeAction, CodeActionKind, CodeActionOrCommand, Range, TextEdit, Uri, WorkspaceEdit};

use crate::encoding::{Encoding, Lines};

/// The kind of the action that applies every fix.
pub const FIX_ALL: &str = "source.fixAll.changeos";

/// The quick fixes of the findings that touch `range`, then the fix-all action, as `only`
/// (the kinds the client asks for, if it says) allows. `levels` applies the config, so that a
/// rule turned off gets no fix, as with `check --fix`.
pub fn code_actions(
    uri: &Uri,
    text: &str,
    operation: Operation,
    levels: &dyn Fn(&mut FileReport),
    encoding: Encoding,
    range: Range,
    only: Option<&[CodeActionKind]>,
) -> Vec<CodeActionOrCommand> {
    let wants =
        |kind: &CodeActionKind| only.is_none_or(|kinds| kinds.iter().any(|k| kind.as_str().starts_with(k.as_str())));
    let lines = Lines::new(text, encoding);
    let mut actions = Vec::new();
    if wants(&CodeActionKind::QUICKFIX) {
        let mut report = check_source(operation, text.as_bytes());
        levels(&mut report);
        for diagnostic in &report.diagnostics {
            let Some(fix) = &diagnostic.fix else { continue };
            let place = lines.range(
                (diagnostic.line, diagnostic.column),
                (diagnostic.end_line, diagnostic.end_column),
            );
            if !touches(place, range) {
                continue;
            }
            let edit = TextEdit::new(
                Range::new(lines.position_of_byte(fix.start), lines.position_of_byte(fix.end)),
                fix.replacement.clone(),
            );
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: fix.message.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                edit: Some(workspace_edit(uri, vec![edit])),
                is_preferred: Some(true),
                ..CodeAction::default()
            }));
        }
    }
    let fix_all = CodeActionKind::from(FIX_ALL);
    if wants(&fix_all) {
        let fixed = fix_source(operation, text.as_bytes(), levels);
        if fixed.changed()
            && let Ok(new_text) = String::from_utf8(fixed.bytes)
        {
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: "changeos: apply every fix".to_owned(),
                kind: Some(fix_all),
                edit: Some(workspace_edit(uri, vec![whole(&lines, new_text)])),
                ..CodeAction::default()
            }));
        }
    }
    actions
}

/// The edits that lay the payload out as `changeos fmt` does (none when it already is), or why
/// it is not formatted.
pub fn formatting(text: &str, operation: Operation, encoding: Encoding) -> Result<Vec<TextEdit>, String> {
    match format_source(operation, text.as_bytes()) {
        Outcome::Formatted {
            text: formatted,
            changed,
        } => {
            let lines = Lines::new(text, encoding);
            Ok(if changed {
                vec![whole(&lines, formatted)]
            } else {
                Vec::new()
            })
        }
        Outcome::Refused(report) => {
            // The first few reasons: a payload can repeat a key 100,000 times, and the client
            // shows this in one message.
            let mut reasons: Vec<String> = report
                .diagnostics
                .iter()
                .take(REASONS_SHOWN)
                .map(|d| format!("{}:{}: {}", d.line, d.column, d.message))
                .collect();
            if let Some(more) = report.diagnostics.len().checked_sub(REASONS_SHOWN).filter(|n| *n > 0) {
                reasons.push(format!("and {more} more (changeos check lists them)"));
            }
            Err(format!("changeos does not format this payload: {}", reasons.join("; ")))
        }
    }
}

/// How many reasons a refusal to format names.
const REASONS_SHOWN: usize = 3;

/// An edit that replaces the whole text.
fn whole(lines: &Lines<'_>, new_text: String) -> TextEdit {
    TextEdit::new(Range::new(lines.position_of_byte(0), lines.end()), new_text)
}

fn workspace_edit(uri: &Uri, edits: Vec<TextEdit>) -> WorkspaceEdit {
    WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        ..WorkspaceEdit::default()
    }
}

/// Whether two ranges share a position (an empty request range at a finding's edge counts).
fn touches(a: Range, b: Range) -> bool {
    a.start <= b.end && b.start <= a.end
}
