//! Hover: a member's doc from the spec, a finding's rule explanation, nothing elsewhere, and no
//! secret.

use serde_json::{Value, json};

use crate::client::{Client, URI};

const TEXT: &str = "{\n  \"os-change\": {\n    \"adminpass\": \"Literal.Pass-2024\",\n    \"imageid\": \"e215580f-73ad-429d-b6f2-5433947433b0\",\n    \"metadata\": {\"user_data\": \"%%%\"}\n  }\n}\n";

fn hover(client: &mut Client, line: u32, character: u32) -> Value {
    client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": URI }, "position": { "line": line, "character": character } }),
    )
}

#[test]
fn a_member_name_shows_what_the_spec_says_of_it() {
    let (mut client, result) = Client::start(json!({}));
    assert_eq!(result["capabilities"]["hoverProvider"], true);
    client.open(TEXT);
    client.diagnostics();
    let on_imageid = hover(&mut client, 3, 6);
    let text = on_imageid["contents"]["value"].as_str().expect("markdown");
    assert!(text.starts_with("**`imageid`**"), "{text}");
    assert!(text.contains("Image to install") && text.contains("A UUID."), "{text}");
    // A member of a nested object.
    let on_user_data = hover(&mut client, 4, 18);
    let text = on_user_data["contents"]["value"].as_str().expect("markdown");
    assert!(text.contains("**`user_data`**") && text.contains("base64"), "{text}");
    client.stop();
}

#[test]
fn a_finding_shows_its_rules_explanation_and_never_the_secret() {
    let (mut client, _) = Client::start(json!({}));
    client.open(TEXT);
    client.diagnostics();
    // Findings sit on the member's name: the hover there has the member's doc and the rule.
    let on_password = hover(&mut client, 2, 6);
    let text = on_password["contents"]["value"].as_str().expect("markdown");
    assert!(text.contains("**`adminpass`**"), "{text}");
    assert!(text.contains("**literal-secret**"), "{text}");
    assert!(
        !on_password.to_string().contains("Literal.Pass-2024"),
        "no secret in a hover: {on_password}"
    );
    let on_user_data = hover(&mut client, 4, 18);
    let text = on_user_data["contents"]["value"].as_str().expect("markdown");
    assert!(text.contains("**user-data-base64**"), "{text}");
    // A value holds no member name and no finding here.
    assert_eq!(hover(&mut client, 4, 31), Value::Null);
    client.stop();
}

#[test]
fn nothing_to_say_is_null() {
    let (mut client, _) = Client::start(json!({}));
    client.open(TEXT);
    client.diagnostics();
    assert_eq!(hover(&mut client, 0, 0), Value::Null);
    client.open_other("file:///work/package.json", "{\"name\": \"x\"}");
    let other = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": "file:///work/package.json" }, "position": { "line": 0, "character": 3 } }),
    );
    assert_eq!(other, Value::Null);
    client.stop();
}
