//! A minimal LSP client for the tests: the handshake, notifications, and reading what the
//! server publishes, with a timeout so that a silent server fails the test instead of hanging.

use std::thread::JoinHandle;
use std::time::Duration;

use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use serde_json::{Value, json};

pub struct Client {
    connection: Connection,
    server: Option<JoinHandle<Result<(), changeos_lsp::ServerError>>>,
    next_id: i32,
}

pub const URI: &str = "file:///work/payload.json";

impl Client {
    /// Starts a server and initializes it with these client capabilities.
    pub fn start(capabilities: Value) -> (Client, Value) {
        Client::start_with(capabilities, changeos_lsp::Options::default(), Value::Null)
    }

    /// Starts a server with these options, and `trace` as the client's initial trace setting.
    pub fn start_with(capabilities: Value, options: changeos_lsp::Options, trace: Value) -> (Client, Value) {
        let (server_side, client_side) = Connection::memory();
        let server = std::thread::spawn(move || changeos_lsp::serve(&server_side, &options));
        let mut client = Client {
            connection: client_side,
            server: Some(server),
            next_id: 0,
        };
        let mut params = json!({ "capabilities": capabilities, "processId": null, "rootUri": null });
        if !trace.is_null() {
            params["trace"] = trace;
        }
        let result = client.request("initialize", params);
        client.notify("initialized", json!({}));
        (client, result)
    }

    pub fn notify(&self, method: &str, params: Value) {
        let message = Message::Notification(Notification::new(method.to_owned(), params));
        self.connection.sender.send(message).expect("the server is listening");
    }

    /// Sends a request and waits for its response's result (an error response panics).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.request_response(method, params);
        match response.response_result {
            Ok(result) => result,
            Err(error) => panic!("{method} failed: {error:?}"),
        }
    }

    pub fn request_response(&mut self, method: &str, params: Value) -> Response {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        let request = Request::new(id.clone(), method.to_owned(), params);
        self.connection
            .sender
            .send(Message::Request(request))
            .expect("the server is listening");
        loop {
            match self.receive() {
                Message::Response(response) if response.id == id => return response,
                _ => {}
            }
        }
    }

    /// The next message from the server, within five seconds.
    pub fn receive(&self) -> Message {
        self.connection
            .receiver
            .recv_timeout(Duration::from_secs(5))
            .expect("the server answers within five seconds")
    }

    /// The next `publishDiagnostics` parameters.
    pub fn diagnostics(&self) -> Value {
        loop {
            if let Message::Notification(n) = self.receive()
                && n.method == "textDocument/publishDiagnostics"
            {
                return n.params;
            }
        }
    }

    pub fn open(&self, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": URI, "languageId": "json", "version": 1, "text": text } }),
        );
    }

    /// Opens another document (its diagnostics are published too).
    pub fn open_other(&self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "json", "version": 1, "text": text } }),
        );
    }

    pub fn change(&self, version: i32, text: &str) {
        self.change_other(URI, version, text);
    }

    /// Replaces the whole text of another open document.
    pub fn change_other(&self, uri: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] }),
        );
    }

    /// `shutdown` then `exit`: the server must stop cleanly.
    pub fn stop(mut self) {
        assert_eq!(self.request("shutdown", Value::Null), Value::Null);
        self.notify("exit", Value::Null);
        let server = self.server.take().expect("a server");
        server
            .join()
            .expect("the server thread ends")
            .expect("the server stops without an error");
    }
}

/// A temporary directory for a test's files, removed at the end.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    /// A new, empty directory named after `tag` and this process.
    pub fn new(tag: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("changeos-lsp-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a directory");
        TempDir(dir)
    }

    /// The `file:` URI of `relative` in it.
    pub fn uri(&self, relative: &str) -> String {
        format!("file://{}/{relative}", self.0.display())
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
