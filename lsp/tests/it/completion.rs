//! Completion while typing: member names where a name goes (the missing ones first), the
//! values of closed sets, a placeholder where a secret goes.

use serde_json::{Value, json};

use crate::client::{Client, URI};

/// Where the cursor is in a test's text.
const CURSOR: char = '‸';

/// Opens `text` (without its cursor mark) and asks for completions at the mark, or at the end.
fn complete_at_end(text: &str) -> Vec<Value> {
    let (mut client, result) = Client::start(json!({}));
    assert!(result["capabilities"]["completionProvider"].is_object());
    let at = text.find(CURSOR).unwrap_or(text.len());
    client.open(&text.replace(CURSOR, ""));
    client.diagnostics();
    let lines: Vec<&str> = text[..at].split('\n').collect();
    let last = lines.last().copied().unwrap_or_default();
    let position = json!({ "line": lines.len() - 1, "character": last.encode_utf16().count() });
    let items = client.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": URI }, "position": position }),
    );
    client.stop();
    items.as_array().cloned().unwrap_or_default()
}

/// What an item writes, and the columns (on the cursor's line) of the text it replaces.
fn edit(item: &Value) -> (&str, u64, u64) {
    let edit = &item["textEdit"];
    let column = |end: &str| edit["range"][end]["character"].as_u64().expect("a column");
    (
        edit["newText"].as_str().expect("new text"),
        column("start"),
        column("end"),
    )
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
    assert_eq!(edit(keyname), ("keyname", 3, 3), "inside quotes: the name alone");
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
        edit(first),
        ("\"__system__encrypted\": ", 28, 28),
        "outside quotes: a quoted name and a colon"
    );
    // A name typed in part is replaced, not added to.
    let items = complete_at_end("{\"os-change\": {\"metadata\": {\"us");
    let user_data = items.iter().find(|i| i["label"] == "user_data").expect("user_data");
    assert_eq!(edit(user_data), ("user_data", 29, 31));
    assert_eq!(user_data["filterText"], "user_data");
}

#[test]
fn the_values_of_a_closed_set_and_a_placeholder_for_a_secret() {
    let items = complete_at_end("{\"os-change\": {\"mode\": ");
    assert_eq!(labels(&items), ["\"withStopServer\""]);
    let items = complete_at_end("{\"os-change\": {\"metadata\": {\"__system__encrypted\": \"");
    assert_eq!(labels(&items), ["\"0\"", "\"1\""]);
    let items = complete_at_end("{\"os-change\": {\"adminpass\": ");
    assert_eq!(labels(&items), ["\"$ADMINPASS\""]);
    // Inside quotes, the value alone, over what is typed of it: an editor's closing quote
    // stays single, and so does a `$`.
    let items = complete_at_end("{\"os-change\": {\"mode\": \"with");
    assert_eq!(labels(&items), ["\"withStopServer\""], "a value typed in part");
    assert_eq!(edit(&items[0]), ("withStopServer", 24, 28));
    let items = complete_at_end("{\"os-change\": {\"mode\": \"‸\"}}");
    assert_eq!(edit(&items[0]), ("withStopServer", 24, 24));
    let items = complete_at_end("{\"os-change\": {\"mode\": ");
    assert_eq!(edit(&items[0]), ("\"withStopServer\"", 23, 23));
    // After a byte-order mark (one UTF-16 unit on the first line), the same, one column on.
    let items = complete_at_end("\u{feff}{\"os-change\": {\"mode\": \"with");
    assert_eq!(edit(&items[0]), ("withStopServer", 25, 29));
    let items = complete_at_end("{\"os-change\": {\"adminpass\": \"$AD");
    assert_eq!(edit(&items[0]), ("$ADMINPASS", 29, 32));
    let items = complete_at_end("{\"os-change\": {\"userid\": ");
    assert_eq!(
        labels(&items),
        Vec::<&str>::new(),
        "a free string has no values to offer"
    );
}
