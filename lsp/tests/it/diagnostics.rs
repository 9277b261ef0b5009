//! Diagnostics: published on open and on every change, cleared on close; only for payloads;
//! positions in the negotiated encoding; never a secret.

use serde_json::{Value, json};

use crate::client::{Client, TempDir, URI};

fn utf16_client() -> (Client, Value) {
    Client::start(json!({}))
}

fn codes(published: &Value) -> Vec<&str> {
    published["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d["code"].as_str().expect("a rule id"))
        .collect()
}

#[test]
fn the_server_says_its_encoding_and_full_sync() {
    let (client, result) = utf16_client();
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(
        result["capabilities"]["textDocumentSync"],
        json!({ "openClose": true, "change": 1, "save": true })
    );
    assert_eq!(result["serverInfo"]["name"], "changeos");
    client.stop();
    let (client, result) = Client::start(json!({ "general": { "positionEncodings": ["utf-16", "utf-8"] } }));
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-8");
    client.stop();
}

#[test]
fn a_payload_gets_the_findings_of_check_on_open_change_and_close() {
    let (client, _) = utf16_client();
    client.open("{\"os-change\": {\"imageid\": \"not-a-uuid\", \"adminpass\": \"Secret.Pass-2024x\"}}");
    let published = client.diagnostics();
    assert_eq!(published["uri"], URI);
    assert_eq!(published["version"], 1);
    assert!(codes(&published).contains(&"imageid-uuid"), "{published:#}");
    let first = &published["diagnostics"][0];
    assert_eq!(first["source"], "changeos");
    assert!(
        !published.to_string().contains("Secret.Pass-2024x"),
        "no secret in a diagnostic: {published}"
    );

    client.change(2, "{\"os-change\": {\"imageid\": \"e215580f-73ad-429d-b6f2-5433947433b0\", \"keyname\": \"k\", \"userid\": \"u\"}}");
    let published = client.diagnostics();
    assert_eq!(published["version"], 2);
    assert_eq!(codes(&published), Vec::<&str>::new(), "{published:#}");

    client.notify("textDocument/didClose", json!({ "textDocument": { "uri": URI } }));
    let published = client.diagnostics();
    assert_eq!(published["diagnostics"], json!([]));
    client.stop();
}

#[test]
fn a_half_typed_payload_gets_its_syntax_error_and_what_can_be_placed() {
    let (client, _) = utf16_client();
    client.open("{\"os-change\": {\"imageid\": \"x\", \"mode\": ");
    let published = client.diagnostics();
    let codes = codes(&published);
    assert!(codes.contains(&"invalid-json"), "{published:#}");
    client.stop();
}

#[test]
fn other_json_files_get_nothing() {
    let (client, _) = utf16_client();
    client.open("{\"name\": \"my-package\", \"version\": \"1.0.0\"}");
    assert_eq!(client.diagnostics()["diagnostics"], json!([]));
    client.stop();
}

#[test]
fn positions_count_utf16_units_or_utf8_bytes_as_negotiated() {
    // The unknown member `𝒜x` comes after a value with a character outside the BMP.
    let text = "{\"os-change\": {\"imageid\": \"e215580f-73ad-429d-b6f2-5433947433b0\", \"keyname\": \"𝒜\", \"userid\": \"u\", \"zz\": 1}}";
    let start_of = |published: &Value| {
        published["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .find(|d| d["code"] == "unknown-member")
            .map(|d| d["range"]["start"]["character"].as_u64().expect("a column"))
            .expect("the unknown member is reported")
    };
    let prefix = &text[..text.find("\"zz\"").expect("zz")];
    let (client, _) = utf16_client();
    client.open(text);
    assert_eq!(start_of(&client.diagnostics()), prefix.encode_utf16().count() as u64);
    client.stop();
    let (client, _) = Client::start(json!({ "general": { "positionEncodings": ["utf-8"] } }));
    client.open(text);
    assert_eq!(start_of(&client.diagnostics()), prefix.len() as u64);
    client.stop();
}

#[test]
fn an_unknown_request_is_method_not_found_and_the_server_carries_on() {
    let (mut client, _) = utf16_client();
    let response = client.request_response(
        "textDocument/semanticTokens/full",
        json!({ "textDocument": { "uri": URI } }),
    );
    let error = response.response_result.expect_err("an error");
    assert_eq!(error.code, lsp_server::ErrorCode::MethodNotFound as i32);
    client.stop();
}

#[test]
fn a_burst_of_changes_ends_with_the_findings_of_the_last_text() {
    let (client, _) = utf16_client();
    client.open("{\"os-change\": {}}");
    for version in 2..=40 {
        let image = if version == 40 {
            "e215580f-73ad-429d-b6f2-5433947433b0"
        } else {
            "typing"
        };
        client.change(
            version,
            &format!("{{\"os-change\": {{\"imageid\": \"{image}\", \"keyname\": \"k\", \"userid\": \"u\"}}}}"),
        );
    }
    let mut versions = Vec::new();
    let last = loop {
        let published = client.diagnostics();
        versions.push(published["version"].as_i64().expect("a version"));
        if published["version"] == 40 {
            break published;
        }
    };
    assert_eq!(last["diagnostics"], json!([]), "the findings are the last text's");
    assert!(
        versions.windows(2).all(|w| w[0] < w[1]),
        "never an older text after a newer: {versions:?}"
    );
    assert!(versions.len() <= 40);
    client.stop();
}

#[test]
fn the_nearest_changeos_toml_sets_the_levels_and_a_saved_edit_applies_at_once() {
    let dir = TempDir::new("config");
    let config = dir.0.join("changeos.toml");
    std::fs::write(&config, "[rules]\nkeyname-without-userid = \"off\"\n").expect("write the config");
    let uri = dir.uri("payloads/p.json");
    let config_uri = format!("file://{}", config.display());
    let (client, _) = utf16_client();
    client.open_other(
        &uri,
        "{\"os-change\": {\"imageid\": \"e215580f-73ad-429d-b6f2-5433947433b0\", \"keyname\": \"k\"}}",
    );
    assert_eq!(codes(&client.diagnostics()), Vec::<&str>::new(), "the rule is off");

    std::fs::write(&config, "[rules]\nkeyname-without-userid = \"error\"\n").expect("write the config");
    client.notify("textDocument/didSave", json!({ "textDocument": { "uri": config_uri } }));
    let published = client.diagnostics();
    assert_eq!(codes(&published), ["keyname-without-userid"]);
    assert_eq!(published["diagnostics"][0]["severity"], 1, "raised to an error");

    std::fs::write(&config, "[rules]\nno-such-rule = \"off\"\n").expect("write the config");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": config_uri, "type": 2 }] }),
    );
    let shown = loop {
        if let lsp_server::Message::Notification(n) = client.receive()
            && n.method == "window/showMessage"
        {
            break n.params;
        }
    };
    assert!(
        shown["message"].as_str().expect("a message").contains("no-such-rule"),
        "{shown}"
    );
    let published = client.diagnostics();
    assert_eq!(
        codes(&published),
        ["keyname-without-userid"],
        "the defaults apply meanwhile"
    );
    assert_eq!(published["diagnostics"][0]["severity"], 2);
    client.stop();
}

#[test]
fn requests_for_a_closed_or_unknown_document_and_cancellations_are_harmless() {
    let (mut client, _) = utf16_client();
    client.open("{\"os-change\": {\"imageId\": \"x\"}}");
    client.diagnostics();
    client.notify("textDocument/didClose", json!({ "textDocument": { "uri": URI } }));
    assert_eq!(client.diagnostics()["diagnostics"], json!([]));
    let position = json!({ "line": 0, "character": 3 });
    let everything = json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 9, "character": 0 } });
    for (method, params) in [
        (
            "textDocument/hover",
            json!({ "textDocument": { "uri": URI }, "position": position }),
        ),
        (
            "textDocument/completion",
            json!({ "textDocument": { "uri": URI }, "position": position }),
        ),
        (
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": URI }, "range": everything, "context": { "diagnostics": [] } }),
        ),
        (
            "textDocument/formatting",
            json!({ "textDocument": { "uri": "file:///never/opened.json" }, "options": { "tabSize": 2, "insertSpaces": true } }),
        ),
    ] {
        let result = client.request(method, params);
        assert!(result.is_null() || result == json!([]), "{method}: {result}");
    }
    client.notify("$/cancelRequest", json!({ "id": 99 }));
    // A change to a closed or never opened document opens nothing: no findings, no hover.
    for uri in [URI, "file:///never/opened.json"] {
        client.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": 2 },
                    "contentChanges": [{ "text": "{\"os-change\": {\"imageId\": \"x\"}}" }] }),
        );
        let hover = client.request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": { "line": 0, "character": 17 } }),
        );
        assert_eq!(hover, Value::Null, "{uri}");
    }
    client.open_other("file:///work/other.json", "{\"os-change\": {}}");
    assert_eq!(
        client.diagnostics()["uri"],
        "file:///work/other.json",
        "nothing published before"
    );
    client.stop();
}

#[test]
fn malformed_parameters_never_stop_the_server() {
    let (mut client, _) = utf16_client();
    client.notify("textDocument/didOpen", json!({ "textDocument": "not an object" }));
    let response = client.request_response("textDocument/hover", json!({ "position": "nowhere" }));
    let error = response.response_result.expect_err("an error");
    assert_eq!(error.code, lsp_server::ErrorCode::InvalidParams as i32);
    // Still serving.
    client.open("{\"os-change\": {\"imageid\": \"x\"}}");
    assert!(codes(&client.diagnostics()).contains(&"imageid-uuid"));
    client.stop();
}

#[test]
fn the_files_sections_of_changeos_toml_say_which_operation_a_document_is() {
    let dir = TempDir::new("files");
    let config = dir.0.join("changeos.toml");
    std::fs::write(&config, "[[files]]\nfiles = [\"v1/**/*.json\"]\nop = \"nocloudinit\"\n").expect("write");
    let uri = |path: &str| dir.uri(path);
    let (mut client, _) = utf16_client();
    // A password beside a key pair: a warning for the v1 API (an error for the v2 API).
    let both = "{\"os-change\": {\"adminpass\": \"$P\", \"keyname\": \"k\", \"userid\": \"u\", \
                \"imageid\": \"e215580f-73ad-429d-b6f2-5433947433b0\"}}";
    client.open_other(&uri("v1/windows.json"), both);
    assert_eq!(codes(&client.diagnostics()), ["adminpass-keyname-both-v1"]);
    client.open_other(&uri("v2/windows.json"), both);
    assert_eq!(codes(&client.diagnostics()), ["adminpass-keyname-exclusive"]);
    // A mapped document is a payload before it has an `os-change` member.
    client.open_other(&uri("v1/new.json"), "{}");
    assert_eq!(codes(&client.diagnostics()), ["missing-member"]);
    // Formatting takes the v1 API's order (`mode` before `metadata`), which is not the v2 one.
    let v1_layout = "{\n  \"os-change\": {\n    \"imageid\": \"e215580f-73ad-429d-b6f2-5433947433b0\",\n    \
                     \"mode\": \"withStopServer\",\n    \"metadata\": {\n      \"__system__encrypted\": \"0\"\n    }\n  }\n}\n";
    client.open_other(&uri("v1/layout.json"), v1_layout);
    client.diagnostics();
    let edits = client.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": uri("v1/layout.json") }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    assert_eq!(edits, json!([]), "already in the v1 order");
    client.open_other(&uri("v2/layout.json"), v1_layout);
    client.diagnostics();
    let edits = client.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": uri("v2/layout.json") }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    assert_ne!(edits, json!([]), "out of the v2 order");
    client.stop();
}

#[test]
fn a_broken_config_is_none_of_other_json_files_business() {
    let dir = TempDir::new("other");
    let config = dir.0.join("changeos.toml");
    std::fs::write(&config, "").expect("write");
    let (client, _) = utf16_client();
    client.open_other(&dir.uri("package.json"), "{\"name\": \"my-package\"}");
    assert_eq!(client.diagnostics()["diagnostics"], json!([]));
    std::fs::write(&config, "[[files]]\nfiles = []\nop = \"cloudinit\"\n").expect("write");
    client.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": format!("file://{}", config.display()) } }),
    );
    let published = loop {
        match client.receive() {
            lsp_server::Message::Notification(n) if n.method == "textDocument/publishDiagnostics" => break n.params,
            lsp_server::Message::Notification(n) => {
                assert_ne!(n.method, "window/showMessage", "{:?}", n.params);
            }
            _ => {}
        }
    };
    assert_eq!(published["diagnostics"], json!([]));
    client.stop();
}

/// A client that watches files for the server is asked to watch every changeos.toml (it need
/// not be open, nor sent to this server); one that does not is asked nothing.
#[test]
fn the_server_asks_a_client_that_can_to_watch_the_configs() {
    let (client, _) =
        Client::start(json!({ "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } }));
    let lsp_server::Message::Request(request) = client.receive() else {
        panic!("a request to register a watcher first");
    };
    assert_eq!(request.method, "client/registerCapability");
    let registration = &request.params["registrations"][0];
    assert_eq!(registration["method"], "workspace/didChangeWatchedFiles");
    assert_eq!(
        registration["registerOptions"]["watchers"],
        json!([{ "globPattern": "**/changeos.toml" }])
    );
    client.stop();

    let (client, _) = utf16_client();
    client.open("{}");
    let lsp_server::Message::Notification(first) = client.receive() else {
        panic!("no request to a client that cannot watch files");
    };
    assert_eq!(first.method, "textDocument/publishDiagnostics");
    client.stop();
}

/// A broken config is said once, not at every keystroke; saving it (still broken) says it again.
#[test]
fn a_broken_config_is_said_once_until_it_is_saved_again() {
    let dir = TempDir::new("said-once");
    let config = dir.0.join("changeos.toml");
    std::fs::write(&config, "[rules]\nno-such-rule = \"off\"\n").expect("write the config");
    let uri = dir.uri("p.json");
    let (client, _) = utf16_client();
    // The messages up to the next diagnostics: how many error messages came first.
    let messages_then_diagnostics = || {
        let mut shown = 0;
        loop {
            match client.receive() {
                lsp_server::Message::Notification(n) if n.method == "window/showMessage" => shown += 1,
                lsp_server::Message::Notification(n) if n.method == "textDocument/publishDiagnostics" => {
                    return shown;
                }
                _ => {}
            }
        }
    };
    client.open_other(&uri, "{\"os-change\": {}}");
    assert_eq!(messages_then_diagnostics(), 1);
    for version in 2..5 {
        client.change_other(&uri, version, "{\"os-change\": {\"mode\": 1}}");
        assert_eq!(messages_then_diagnostics(), 0, "said once");
    }
    client.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": dir.uri("changeos.toml") } }),
    );
    assert_eq!(messages_then_diagnostics(), 1, "saved, still broken");
    // Mended, then broken again: said again.
    std::fs::write(&config, "").expect("write the config");
    client.change_other(&uri, 5, "{\"os-change\": {\"mode\": 2}}");
    assert_eq!(messages_then_diagnostics(), 0);
    std::fs::write(&config, "[rules]\nno-such-rule = \"off\"\n").expect("write the config");
    client.change_other(&uri, 6, "{\"os-change\": {}}");
    assert_eq!(messages_then_diagnostics(), 1);
    client.stop();
}
