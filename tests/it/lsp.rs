//! `changeos lsp` through the binary: JSON-RPC framed with `Content-Length` headers on standard
//! input and output, as an editor speaks it (the server's behaviour is tested in lsp/tests).

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdout, Command, Stdio};

use serde_json::{Value, json};

use crate::common::doc_blocks::blocks;
use crate::common::workspace_path;

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
    start_with(&["lsp".to_owned()])
}

/// `changeos ARGS...`, its standard output read by the caller.
fn start_with(args: &[String]) -> (Child, BufReader<ChildStdout>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_changeos"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("changeos lsp starts");
    let out = BufReader::new(child.stdout.take().expect("stdout"));
    (child, out)
}

/// The server as an editor runs it: what it writes is read on a thread of its own, so that a
/// silent server fails the test within a time limit instead of hanging it.
struct Session {
    child: Child,
    input: Option<std::process::ChildStdin>,
    messages: std::sync::mpsc::Receiver<Value>,
    next_id: i64,
}

impl Session {
    fn start() -> Session {
        Session::start_with(&["lsp".to_owned()])
    }

    fn start_with(args: &[String]) -> Session {
        let (mut child, mut out) = start_with(args);
        let input = child.stdin.take();
        let (sender, messages) = std::sync::mpsc::channel();
        std::thread::spawn(move || while sender.send(read_message(&mut out)).is_ok() {});
        Session {
            child,
            input,
            messages,
            next_id: 0,
        }
    }

    fn send(&mut self, message: &Value) {
        let input = self.input.as_mut().expect("standard input is open");
        input.write_all(&frame(message)).expect("write");
        input.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The next message, within ten seconds.
    fn receive(&self) -> Value {
        self.messages
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("the server writes within ten seconds")
    }

    /// Sends a request; its response, the notifications before it passed over.
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let message = self.receive();
            if message["id"] == id {
                return message;
            }
        }
    }

    /// The next diagnostics published.
    fn diagnostics(&self) -> Value {
        loop {
            let message = self.receive();
            if message["method"] == "textDocument/publishDiagnostics" {
                return message["params"].clone();
            }
        }
    }
}

fn codes(published: &Value) -> Vec<&str> {
    published["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect()
}

#[test]
fn an_editor_session_over_stdio_ends_with_exit_0() {
    let mut session = Session::start();
    let initialized = session.request("initialize", json!({"capabilities": {}}));
    assert_eq!(initialized["result"]["capabilities"]["positionEncoding"], "utf-16");
    session.notify("initialized", json!({}));
    let uri = "file:///p.json";
    session.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "json", "version": 1,
            "text": "{\"os-change\": {\"imageid\": \"nope\"}}"}}),
    );
    let published = session.diagnostics();
    assert_eq!(published["uri"], uri);
    assert!(codes(&published).contains(&"imageid-uuid"), "{published:#}");

    // A fixable finding (a key in the wrong case), then every request the server answers.
    let text = "{\"os-change\": {\"imageId\": \"e215580f-73ad-429d-b6f2-5433947433b0\", \"isAutoPay\": true}}";
    session.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": text}]}),
    );
    let published = session.diagnostics();
    assert_eq!(published["version"], 2);
    assert_eq!(
        codes(&published),
        [
            "missing-member",
            "login-method-required",
            "unknown-member",
            "wrong-type"
        ]
    );
    let at = |character: u32| json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": character}});
    let column = |needle: &str| u32::try_from(text.find(needle).expect("in the text") + 2).expect("small");
    let hover = session.request("textDocument/hover", at(column("isAutoPay")));
    assert!(
        hover["result"]["contents"]["value"]
            .as_str()
            .is_some_and(|v| v.contains("isAutoPay")),
        "{hover:#}"
    );
    let completion = session.request("textDocument/completion", at(column("imageId")));
    let labels: Vec<&str> = completion["result"]
        .as_array()
        .expect("completion items")
        .iter()
        .filter_map(|item| item["label"].as_str())
        .collect();
    assert!(labels.contains(&"adminpass") && labels.contains(&"mode"), "{labels:?}");
    let actions = session.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 90}},
            "context": {"diagnostics": []}}),
    );
    let titles: Vec<&str> = actions["result"]
        .as_array()
        .expect("actions")
        .iter()
        .filter_map(|a| a["title"].as_str())
        .collect();
    assert!(titles.iter().any(|t| t.contains("imageid")), "{titles:?}");
    let formatted = session.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    let new_text = formatted["result"][0]["newText"].as_str().expect("an edit");
    assert!(new_text.starts_with("{\n  \"os-change\": {\n"), "{new_text}");
    // A cancellation of a request already answered is harmless, as is a closed document's.
    session.notify("$/cancelRequest", json!({"id": 3}));
    session.notify("textDocument/didClose", json!({"textDocument": {"uri": uri}}));
    assert_eq!(session.diagnostics()["diagnostics"], json!([]));
    let hover = session.request("textDocument/hover", at(column("isAutoPay")));
    assert_eq!(hover["result"], Value::Null);
    let unknown = session.request("textDocument/references", at(0));
    assert_eq!(unknown["error"]["code"], -32601, "MethodNotFound");

    let shutdown = session.request("shutdown", Value::Null);
    assert_eq!(shutdown["result"], Value::Null);
    session.notify("exit", Value::Null);
    session.input = None;
    let status = session.child.wait().expect("the server ends");
    assert_eq!(status.code(), Some(0));
}

/// The command and arguments that the Helix and VS Code set-ups of docs/lsp.md name (neither
/// editor runs here): each must be `changeos` and start a server that answers `initialize`,
/// and ends with exit 0 after `shutdown` and `exit`.
#[test]
fn the_editor_set_ups_in_the_docs_start_the_server() {
    let page = std::fs::read_to_string(workspace_path("docs/lsp.md")).expect("docs/lsp.md");
    let mut set_ups = Vec::new();
    for block in blocks(&page) {
        if block.kind == "toml" && block.body.contains("[language-server.changeos]") {
            let helix: toml::Table = toml::from_str(&block.body).expect("Helix's languages.toml");
            let server = &helix["language-server"]["changeos"];
            let args = server["args"].as_array().expect("args").iter();
            set_ups.push((
                "Helix",
                server["command"].as_str().expect("a command").to_owned(),
                args.map(|a| a.as_str().expect("a string").to_owned())
                    .collect::<Vec<_>>(),
            ));
        }
        if block.kind == "json" && block.body.contains("glspc.server.command") {
            let vscode: Value = serde_json::from_str(&block.body).expect("VS Code settings");
            let args = vscode["glspc.server.commandArguments"].as_array().expect("args").iter();
            set_ups.push((
                "VS Code",
                vscode["glspc.server.command"].as_str().expect("a command").to_owned(),
                args.map(|a| a.as_str().expect("a string").to_owned()).collect(),
            ));
        }
    }
    let editors: Vec<&str> = set_ups.iter().map(|(editor, _, _)| *editor).collect();
    assert_eq!(editors, ["Helix", "VS Code"]);
    for (editor, command, args) in set_ups {
        assert_eq!(command, "changeos", "{editor}");
        let mut session = Session::start_with(&args);
        let initialized = session.request("initialize", json!({"capabilities": {}}));
        assert!(
            initialized["result"]["capabilities"].is_object(),
            "{editor}: {initialized}"
        );
        session.notify("initialized", json!({}));
        assert_eq!(session.request("shutdown", Value::Null)["result"], Value::Null);
        session.notify("exit", Value::Null);
        session.input = None;
        assert_eq!(
            session.child.wait().expect("the server ends").code(),
            Some(0),
            "{editor}"
        );
    }
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
