//! `--log-file` and the client's trace: methods and timings, never a document's text.

use serde_json::json;

use crate::client::Client;

const SECRET_PAYLOAD: &str = "{\"os-change\": {\"imageid\": \"x\", \"adminpass\": \"Very.Secret-99\"}}";

#[test]
fn the_log_file_has_a_line_per_message_and_no_text() {
    let path = std::env::temp_dir().join(format!("changeos-lsp-{}.log", std::process::id()));
    let options = changeos_lsp::Options {
        log_file: Some(path.clone()),
    };
    let (client, _) = Client::start_with(json!({}), options, serde_json::Value::Null);
    client.open(SECRET_PAYLOAD);
    client.diagnostics();
    client.stop();
    let log = std::fs::read_to_string(&path).expect("the log file");
    let _ = std::fs::remove_file(&path);
    assert!(
        log.lines().any(|l| l.starts_with("textDocument/didOpen took ")),
        "{log}"
    );
    assert!(log.lines().any(|l| l.starts_with("shutdown (")), "{log}");
    assert!(
        !log.contains("Very.Secret-99") && !log.contains("imageid"),
        "no text in the log: {log}"
    );
}

#[test]
fn the_trace_follows_the_clients_setting() {
    let (client, _) = Client::start_with(json!({}), changeos_lsp::Options::default(), json!("messages"));
    client.open(SECRET_PAYLOAD);
    let traced = loop {
        if let lsp_server::Message::Notification(n) = client.receive()
            && n.method == "$/logTrace"
        {
            break n.params;
        }
    };
    let message = traced["message"].as_str().expect("a message");
    assert!(
        message.starts_with("initialized took ") || message.starts_with("textDocument/didOpen took "),
        "{message}"
    );
    assert!(!traced.to_string().contains("Very.Secret-99"));
    client.notify("$/setTrace", json!({ "value": "off" }));
    client.stop();
}
