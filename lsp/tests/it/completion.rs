//! Completion while typing: member names where a name goes (the missing ones first), the
//! values of closed sets, a placeholder where a secret goes.

use serde_json::{Value, json};

use crate::client::{Client, URI};

/// Opens `text` and asks for completions at its end.
fn complete_at_end(text: &str) -> Vec<Value> {
    let (mut client, result) = Client::start(json!({}));
    assert!(result["capabilities"]["completionProvider"].is_object());
    client.open(text);
    client.diagnostics();
    let lines: Vec<&str> = text.split('\n').collect();
    let last = lines.last().copied().unwrap_or_default();
    let position = json!({ "line": lines.len() - 1, "character": last.encode_utf16().count() });
    let items = client.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": URI }, "position": position }),
    );
    client.stop();
    items.as_array().cloned().unwrap_or_default()
}

fn labels(items: &[Value]) -> Vec<&str> {
    let mut sorted: Vec<&Value> = items.iter().collect();
    sorted.sort_by_key(|i| i["sortText"].as_str().unwrap_or_default().to_owned());
    sorted.iter().map(|i| i["label"].as_str().expect("a label")).collect()
}

#[test]
fn member_names_the_missing_ones_first() {
    let items = complete_at_end("{\"os-change\": {\n  \"imageid\": \"e215580f-73ad-429d-b6f2-5433947433b0\",\n  \"");
    assert_eq!(
        labels(&items),
        [
            "adminpass",
            "keyname",
            "userid",
            "metadata",
            "mode",
            "isAutoPay",
            "imageid"
        ]
    );
    let keyname = items.iter().find(|i| i["label"] == "keyname").expect("keyname");
    assert_eq!(keyname["insertText"], "keyname", "inside quotes: the name alone");
    assert!(
        keyname["documentation"]["value"]
            .as_str()
            .expect("doc")
            .contains("key pair")
    );
}

#[test]
fn member_names_of_a_nested_object_come_from_its_bases_too() {
    let items = complete_at_end("{\"os-change\": {\"metadata\": {");
    assert_eq!(
        labels(&items),
        ["__system__encrypted", "__system__cmkid", "user_data", "BYOL"]
    );
    let first = &items[0];
    assert_eq!(
        first["insertText"], "\"__system__encrypted\": ",
        "outside quotes: a quoted name and a colon"
    );
}

#[test]
fn the_values_of_a_closed_set_and_a_placeholder_for_a_secret() {
    let items = complete_at_end("{\"os-change\": {\"mode\": ");
    assert_eq!(labels(&items), ["\"withStopServer\""]);
    let items = complete_at_end("{\"os-change\": {\"metadata\": {\"__system__encrypted\": \"");
    assert_eq!(labels(&items), ["\"0\"", "\"1\""]);
    let items = complete_at_end("{\"os-change\": {\"adminpass\": ");
    assert_eq!(labels(&items), ["\"$ADMINPASS\""]);
    let items = complete_at_end("{\"os-change\": {\"userid\": ");
    assert_eq!(
        labels(&items),
        Vec::<&str>::new(),
        "a free string has no values to offer"
    );
}
