//! `changeos lsp`: the linter in the editor, over the Language Server Protocol. Built on
//! `lsp-server` and `lsp-types` (rust-analyzer's and ruff's crates): synchronous, one thread
//! reading messages in order, no async runtime.
//!
//! What it does so far: it negotiates the position encoding, keeps the open documents, and
//! publishes the findings of `changeos check` for every document that is a change-OS payload
//! (its top level has an `os-change` member), on open and on every change, and clears them when
//! the document closes.

#![forbid(unsafe_code)]

mod diagnostics;
pub mod encoding;

use std::collections::HashMap;

use lsp_server::{Connection, Message, Notification};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, Notification as _, PublishDiagnostics,
};
use lsp_types::{
    InitializeParams, PublishDiagnosticsParams, ServerCapabilities, TextDocumentSyncCapability, TextDocumentSyncKind,
    Uri,
};

use encoding::Encoding;

/// Why the server stopped other than by the protocol's shutdown and exit.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("the connection to the client failed: {0}")]
    Protocol(#[from] lsp_server::ProtocolError),
    #[error("the client's message could not be read: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the client went away before `exit`")]
    Disconnected,
    #[error("standard input or output failed: {0}")]
    Io(#[from] std::io::Error),
}

/// Serves on standard input and output until the client says `exit`.
pub fn serve_stdio() -> Result<(), ServerError> {
    let (connection, io_threads) = Connection::stdio();
    serve(&connection)?;
    drop(connection);
    io_threads.join()?;
    Ok(())
}

/// Serves one client on `connection`: the handshake, then messages until `shutdown`.
pub fn serve(connection: &Connection) -> Result<(), ServerError> {
    let (id, params) = connection.initialize_start()?;
    let params: InitializeParams = serde_json::from_value(params)?;
    let encoding = Encoding::negotiate(
        params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_deref()),
    );
    let capabilities = ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        ..ServerCapabilities::default()
    };
    let result = serde_json::json!({
        "capabilities": capabilities,
        "serverInfo": { "name": "changeos", "version": env!("CARGO_PKG_VERSION") },
    });
    connection.initialize_finish(id, result)?;
    let mut server = Server {
        connection,
        encoding,
        documents: HashMap::new(),
    };
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                if connection.handle_shutdown(&request)? {
                    return Ok(());
                }
                server.unknown_request(request)?;
            }
            Message::Notification(notification) => server.notification(notification)?,
            Message::Response(_) => {}
        }
    }
    Err(ServerError::Disconnected)
}

struct Server<'c> {
    connection: &'c Connection,
    encoding: Encoding,
    /// The open documents' text.
    documents: HashMap<Uri, String>,
}

impl Server<'_> {
    fn notification(&mut self, notification: Notification) -> Result<(), ServerError> {
        match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let params: lsp_types::DidOpenTextDocumentParams = serde_json::from_value(notification.params)?;
                let document = params.text_document;
                self.documents.insert(document.uri.clone(), document.text);
                self.publish(&document.uri, Some(document.version))
            }
            DidChangeTextDocument::METHOD => {
                let params: lsp_types::DidChangeTextDocumentParams = serde_json::from_value(notification.params)?;
                // Full sync: the last change holds the whole text.
                if let Some(change) = params.content_changes.into_iter().last() {
                    self.documents.insert(params.text_document.uri.clone(), change.text);
                }
                self.publish(&params.text_document.uri, Some(params.text_document.version))
            }
            DidCloseTextDocument::METHOD => {
                let params: lsp_types::DidCloseTextDocumentParams = serde_json::from_value(notification.params)?;
                self.documents.remove(&params.text_document.uri);
                self.send_diagnostics(params.text_document.uri, Vec::new(), None)
            }
            _ => Ok(()),
        }
    }

    /// The findings of an open document, or none for a document that is not a payload.
    fn publish(&self, uri: &Uri, version: Option<i32>) -> Result<(), ServerError> {
        let diagnostics = self
            .documents
            .get(uri)
            .map(|text| diagnostics::of(text, self.encoding))
            .unwrap_or_default();
        self.send_diagnostics(uri.clone(), diagnostics, version)
    }

    fn send_diagnostics(
        &self,
        uri: Uri,
        diagnostics: Vec<lsp_types::Diagnostic>,
        version: Option<i32>,
    ) -> Result<(), ServerError> {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        let notification = Notification::new(PublishDiagnostics::METHOD.to_owned(), params);
        self.connection
            .sender
            .send(Message::Notification(notification))
            .map_err(|_| ServerError::Disconnected)
    }

    /// A request this server does not answer: the protocol's "method not found".
    fn unknown_request(&self, request: lsp_server::Request) -> Result<(), ServerError> {
        let response = lsp_server::Response::new_err(
            request.id,
            lsp_server::ErrorCode::MethodNotFound as i32,
            format!("changeos does not answer `{}`", request.method),
        );
        self.connection
            .sender
            .send(Message::Response(response))
            .map_err(|_| ServerError::Disconnected)
    }
}
