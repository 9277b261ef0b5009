//! Quick fixes, fix-all and formatting: the edits of `check --fix` and `changeos fmt`, placed
//! in the client's text.

use serde_json::{Value, json};

use crate::client::{Client, URI};

/// Applies LSP text edits (UTF-16 positions) to `text`.
fn apply(text: &str, edits: &Value) -> String {
    let offset = |position: &Value| {
        let line = position["line"].as_u64().expect("line") as usize;
        let character = position["character"].as_u64().expect("character") as usize;
        let line_start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let rest = &text[line_start..];
        let mut units = 0;
        for (i, c) in rest.char_indices() {
            if units >= character {
                return line_start + i;
            }
            units += c.len_utf16();
        }
        text.len()
    };
    let mut edits: Vec<&Value> = edits.as_array().expect("edits").iter().collect();
    edits.sort_by_key(|e| std::cmp::Reverse(offset(&e["range"]["start"])));
    let mut out = text.to_owned();
    for edit in edits {
        let (start, end) = (offset(&edit["range"]["start"]), offset(&edit["range"]["end"]));
        out.replace_range(start..end, edit["newText"].as_str().expect("new text"));
    }
    out
}

fn whole_document() -> Value {
    json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 99, "character": 0 } })
}

const FIXABLE: &str = "{\"os-change\": {\"imageId\": \"e215580f-73ad-429d-b6f2-5433947433b0\", \"keyname\": \"𝒜\", \"userid\": \"u\", \"isAutoPay\": true}}";

#[test]
fn each_fix_is_a_quick_fix_that_applies_to_the_text() {
    let (mut client, result) = Client::start(json!({}));
    assert_eq!(result["capabilities"]["documentFormattingProvider"], true);
    client.open(FIXABLE);
    client.diagnostics();
    let actions = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": URI }, "range": whole_document(), "context": { "diagnostics": [] } }),
    );
    let quick: Vec<&Value> = actions
        .as_array()
        .expect("actions")
        .iter()
        .filter(|a| a["kind"] == "quickfix")
        .collect();
    assert_eq!(quick.len(), 2, "{actions:#}");
    // Each fix on its own fits the text it was computed for.
    let renamed = apply(FIXABLE, &quick[0]["edit"]["changes"][URI]);
    assert!(renamed.contains("\"imageid\""), "{renamed}");
    let quoted = apply(FIXABLE, &quick[1]["edit"]["changes"][URI]);
    assert!(quoted.contains("\"isAutoPay\": \"true\""), "{quoted}");

    let all = actions
        .as_array()
        .expect("actions")
        .iter()
        .find(|a| a["kind"] == "source.fixAll.changeos")
        .expect("a fix-all action");
    let fixed = apply(FIXABLE, &all["edit"]["changes"][URI]);
    assert!(
        fixed.contains("\"imageid\"") && fixed.contains("\"isAutoPay\": \"true\""),
        "{fixed}"
    );
    client.change(2, &fixed);
    assert_eq!(
        client.diagnostics()["diagnostics"],
        json!([]),
        "every finding was fixed"
    );
    client.stop();
}

#[test]
fn only_the_kinds_asked_for_and_only_where_asked() {
    let (mut client, _) = Client::start(json!({}));
    client.open(FIXABLE);
    client.diagnostics();
    let fix_all_only = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": URI }, "range": whole_document(),
                "context": { "diagnostics": [], "only": ["source.fixAll"] } }),
    );
    let kinds: Vec<&str> = fix_all_only
        .as_array()
        .expect("actions")
        .iter()
        .map(|a| a["kind"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(kinds, ["source.fixAll.changeos"]);
    // A range on the first line's start touches no finding.
    let nowhere = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": URI }, "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 1 } },
                "context": { "diagnostics": [], "only": ["quickfix"] } }),
    );
    assert_eq!(nowhere, json!([]));
    client.stop();
}

#[test]
fn formatting_lays_the_payload_out_as_fmt_does() {
    let (mut client, _) = Client::start(json!({}));
    let text =
        "{\"os-change\":{\"keyname\":\"k\",\"imageid\":\"e215580f-73ad-429d-b6f2-5433947433b0\",\"userid\":\"u\"}}";
    client.open(text);
    client.diagnostics();
    let edits = client.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": URI }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    let formatted = apply(text, &edits);
    assert_eq!(
        formatted,
        "{\n  \"os-change\": {\n    \"keyname\": \"k\",\n    \"userid\": \"u\",\n    \"imageid\": \"e215580f-73ad-429d-b6f2-5433947433b0\"\n  }\n}\n"
    );
    client.change(2, &formatted);
    client.diagnostics();
    let again = client.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": URI }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    assert_eq!(again, json!([]), "a laid-out payload needs no edit");
    client.stop();
}

#[test]
fn formatting_refuses_an_ambiguous_payload_with_the_reason() {
    let (mut client, _) = Client::start(json!({}));
    client.open("{\"os-change\": {\"imageid\": \"a\", \"imageid\": \"b\"}}");
    client.diagnostics();
    let response = client.request_response(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": URI }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    let error = response.response_result.expect_err("refused");
    assert_eq!(error.code, lsp_server::ErrorCode::RequestFailed as i32);
    assert!(error.message.contains("does not format"), "{}", error.message);
    // Ten repetitions: the first three are named, the rest counted.
    let repeated: String = (0..10).map(|_| "\"imageid\": \"a\", ").collect();
    client.change(
        2,
        &format!("{{\"os-change\": {{{repeated}\"mode\": \"withStopServer\"}}}}"),
    );
    client.diagnostics();
    let response = client.request_response(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": URI }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    let error = response.response_result.expect_err("refused");
    assert_eq!(error.message.matches("appears").count(), 3, "{}", error.message);
    assert!(
        error.message.ends_with("; and 6 more (changeos check lists them)"),
        "{}",
        error.message
    );
    client.stop();
}

/// A rule that changeos.toml turns off gets no quick fix and is left by fix-all, as with
/// `check --fix`.
#[test]
fn a_rule_turned_off_gets_no_fix() {
    let dir = crate::client::TempDir::new("fix-off");
    std::fs::write(dir.0.join("changeos.toml"), "[rules]\nwrong-type = \"off\"\n").expect("write the config");
    let uri = dir.uri("payload.json");
    let (mut client, _) = Client::start(json!({}));
    client.open_other(&uri, FIXABLE);
    client.diagnostics();
    let actions = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": whole_document(), "context": { "diagnostics": [] } }),
    );
    let titles: Vec<&str> = actions
        .as_array()
        .expect("actions")
        .iter()
        .map(|a| a["title"].as_str().expect("a title"))
        .collect();
    assert_eq!(
        titles,
        ["replace `imageId` with `imageid`", "changeos: apply every fix"],
        "no fix of `isAutoPay`"
    );
    let fixed = apply(FIXABLE, &actions[1]["edit"]["changes"][&uri]);
    assert!(
        fixed.contains("\"imageid\"") && fixed.contains("\"isAutoPay\": true"),
        "{fixed}"
    );
    client.stop();
}
