//! `changeos lsp` through the binary: JSON-RPC framed with `Content-Length` headers on standard
//! input and output, as an editor speaks it (the server's behaviour is tested in lsp/tests).

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdout, Command, Stdio};

use serde_json::{Value, json};

fn frame(message: &Value) -> Vec<u8> {
    let body = message.to_string();
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

/// The next message the server writes.
fn read_message(out: &mut BufReader<ChildStdout>) -> Value {
    let mut length = None;
    loop {
        let mut line = String::new();
        out.read_line(&mut line).expect("a header line");
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = Some(n.parse::<usize>().expect("a length"));
        }
    }
    let mut body = vec![0; length.expect("a Content-Length header")];
    out.read_exact(&mut body).expect("the body");
    serde_json::from_slice(&body).expect("a JSON message")
}

fn start() -> (Child, BufReader<ChildStdout>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_changeos"))
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("changeos lsp starts");
    let out = BufReader::new(child.stdout.take().expect("stdout"));
    (child, out)
}

#[test]
fn an_editor_session_over_stdio_ends_with_exit_0() {
    let (mut child, mut out) = start();
    let mut input = child.stdin.take().expect("stdin");
    let send = |input: &mut std::process::ChildStdin, message: Value| input.write_all(&frame(&message)).expect("write");
    send(
        &mut input,
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}),
    );
    let initialized = read_message(&mut out);
    assert_eq!(initialized["id"], 1);
    assert_eq!(initialized["result"]["capabilities"]["positionEncoding"], "utf-16");
    send(
        &mut input,
        json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    );
    send(
        &mut input,
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": "file:///p.json", "languageId": "json", "version": 1,
            "text": "{\"os-change\": {\"imageid\": \"nope\"}}"}}}),
    );
    let published = read_message(&mut out);
    assert_eq!(published["method"], "textDocument/publishDiagnostics");
    let codes: Vec<&str> = published["params"]["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(codes.contains(&"imageid-uuid"), "{published:#}");
    send(
        &mut input,
        json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": null}),
    );
    assert_eq!(read_message(&mut out)["id"], 2);
    send(&mut input, json!({"jsonrpc": "2.0", "method": "exit", "params": null}));
    drop(input);
    let status = child.wait().expect("the server ends");
    assert_eq!(status.code(), Some(0));
}

#[test]
fn a_client_that_disconnects_ends_the_server_with_exit_1_and_a_message() {
    let (mut child, mut out) = start();
    let mut input = child.stdin.take().expect("stdin");
    input
        .write_all(&frame(
            &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}),
        ))
        .expect("write");
    assert_eq!(read_message(&mut out)["id"], 1);
    drop(input);
    let output = child.wait_with_output().expect("the server ends");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("the language server stopped"), "{stderr}");
}

#[test]
fn an_unwritable_log_file_is_a_clear_error() {
    let output = Command::new(env!("CARGO_BIN_EXE_changeos"))
        .args(["lsp", "--log-file", "/nonexistent-dir/changeos.log"])
        .stdin(Stdio::null())
        .output()
        .expect("changeos lsp runs");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot write the log file /nonexistent-dir/changeos.log"),
        "{stderr}"
    );
}
