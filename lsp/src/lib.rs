//! `changeos lsp`: the linter in the editor, over the Language Server Protocol. Built on
//! `lsp-server` and `lsp-types` (rust-analyzer's and ruff's crates): synchronous, one thread
//! reading messages in order, no async runtime.
//!
//! It negotiates the position encoding, keeps the open documents, and publishes the findings of
//! `changeos check` for every document that is a change-OS payload (one that the `[[files]]` of
//! its `changeos.toml` map to an operation, else one whose top level has an `os-change`
//! member), on open and on every change, and clears them when the document closes. It offers
//! the fixes of `check --fix` as quick fixes and all at once (`source.fixAll.changeos`),
//! `changeos fmt`'s layout as formatting, on hover what the spec says of a member and what a
//! finding's rule means, and completion of member names and values.

#![forbid(unsafe_code)]

mod completion;
mod config;
mod diagnostics;
mod edits;
pub mod encoding;
mod hover;
mod log;

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::PathBuf;

use changeos_validator::config::Config;
use changeos_validator::{Document, FileReport};
use lsp_server::{Connection, Message, Notification};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument,
    LogTrace, Notification as _, PublishDiagnostics, SetTrace, ShowMessage,
};
use lsp_types::request::{CodeActionRequest, Completion, Formatting, HoverRequest, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, CompletionOptions, HoverProviderCapability,
    InitializeParams, OneOf, PublishDiagnosticsParams, ServerCapabilities, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Uri,
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
    #[error("cannot write the log file {path}: {source}")]
    LogFile { path: String, source: std::io::Error },
}

/// How the server runs, beside what the client negotiates.
#[derive(Debug, Default)]
pub struct Options {
    /// Where to write a line per message handled (methods and timings only).
    pub log_file: Option<std::path::PathBuf>,
}

/// Serves on standard input and output until the client says `exit`.
pub fn serve_stdio(options: &Options) -> Result<(), ServerError> {
    let (connection, io_threads) = Connection::stdio();
    serve(&connection, options)?;
    drop(connection);
    io_threads.join()?;
    Ok(())
}

/// Serves one client on `connection`: the handshake, then messages until `shutdown`.
pub fn serve(connection: &Connection, options: &Options) -> Result<(), ServerError> {
    let log_file = match &options.log_file {
        Some(path) => Some(std::fs::File::create(path).map_err(|source| ServerError::LogFile {
            path: path.display().to_string(),
            source,
        })?),
        None => None,
    };
    let (id, params) = connection.initialize_start()?;
    let params: InitializeParams = serde_json::from_value(params)?;
    let trace = params.trace.unwrap_or(lsp_types::TraceValue::Off);
    let encoding = Encoding::negotiate(
        params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_deref()),
    );
    let capabilities = ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(TextDocumentSyncKind::FULL),
            // Saving a changeos.toml re-lints the open payloads.
            save: Some(TextDocumentSyncSaveOptions::Supported(true)),
            ..TextDocumentSyncOptions::default()
        })),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, CodeActionKind::from(edits::FIX_ALL)]),
            ..CodeActionOptions::default()
        })),
        document_formatting_provider: Some(OneOf::Left(true)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["\"".to_owned(), ":".to_owned()]),
            ..CompletionOptions::default()
        }),
        ..ServerCapabilities::default()
    };
    let result = serde_json::json!({
        "capabilities": capabilities,
        "serverInfo": { "name": "changeos", "version": env!("CARGO_PKG_VERSION") },
    });
    connection.initialize_finish(id, result)?;
    if watches_files(&params.capabilities) {
        watch_configs(connection)?;
    }
    let mut server = Server {
        log: log::Log::new(log_file, trace),
        connection,
        pending: HashMap::new(),
        encoding,
        documents: HashMap::new(),
        config_error_shown: RefCell::new(None),
    };
    for message in &connection.receiver {
        let started = std::time::Instant::now();
        let (method, id) = match &message {
            Message::Request(r) => (r.method.clone(), Some(r.id.to_string())),
            Message::Notification(n) => (n.method.clone(), None),
            Message::Response(r) => ("response".to_owned(), Some(r.id.to_string())),
        };
        match message {
            Message::Request(request) => {
                if connection.handle_shutdown(&request)? {
                    server.trace(&log::Log::line(&method, id.as_deref(), started.elapsed()))?;
                    return Ok(());
                }
                server.request(request)?;
            }
            Message::Notification(notification) => server.notification(notification)?,
            Message::Response(_) => {}
        }
        server.trace(&log::Log::line(&method, id.as_deref(), started.elapsed()))?;
        // Debouncing without a timer: while the client has sent more, the findings wait, so
        // a burst of changes is linted once, on its last text (never more than one pass behind).
        if connection.receiver.is_empty() {
            server.publish_pending()?;
        }
    }
    Err(ServerError::Disconnected)
}

/// Whether the client watches files for a server that asks (dynamic registration).
fn watches_files(capabilities: &lsp_types::ClientCapabilities) -> bool {
    capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|w| w.dynamic_registration)
        .unwrap_or(false)
}

/// Asks the client to say when a `changeos.toml` is created, changed or deleted anywhere: a
/// config is a file the client need not have open, let alone send to this server.
fn watch_configs(connection: &Connection) -> Result<(), ServerError> {
    let options = lsp_types::DidChangeWatchedFilesRegistrationOptions {
        watchers: vec![lsp_types::FileSystemWatcher {
            glob_pattern: lsp_types::GlobPattern::String(format!("**/{}", changeos_validator::config::FILE_NAME)),
            kind: None,
        }],
    };
    let registration = lsp_types::Registration {
        id: "changeos-config".to_owned(),
        method: DidChangeWatchedFiles::METHOD.to_owned(),
        register_options: Some(serde_json::to_value(options)?),
    };
    let params = lsp_types::RegistrationParams {
        registrations: vec![registration],
    };
    let request = lsp_server::Request::new(
        lsp_server::RequestId::from("changeos-watch-config".to_owned()),
        lsp_types::request::RegisterCapability::METHOD.to_owned(),
        params,
    );
    send(connection, Message::Request(request))
}

/// Sends a message; a client that has gone cannot be told anything more.
fn send(connection: &Connection, message: Message) -> Result<(), ServerError> {
    connection.sender.send(message).map_err(|_| ServerError::Disconnected)
}

struct Server<'c> {
    connection: &'c Connection,
    log: log::Log,
    /// Documents opened or changed since their findings were last published, with the version.
    pending: HashMap<Uri, Option<i32>>,
    encoding: Encoding,
    /// The open documents' text.
    documents: HashMap<Uri, String>,
    /// The config error last shown: said once, not on every keystroke, until the config is
    /// mended, saved or changes its error. A cell because linting only reads the server.
    config_error_shown: RefCell<Option<String>>,
}

impl Server<'_> {
    /// A notification whose parameters do not read has no reply to carry an error: it is
    /// passed over, and the server carries on.
    fn notification(&mut self, notification: Notification) -> Result<(), ServerError> {
        match self.handle_notification(notification) {
            Err(ServerError::Json(_)) => Ok(()),
            other => other,
        }
    }

    fn handle_notification(&mut self, notification: Notification) -> Result<(), ServerError> {
        match notification.method.as_str() {
            SetTrace::METHOD => {
                let params: lsp_types::SetTraceParams = serde_json::from_value(notification.params)?;
                self.log.trace = params.value;
                Ok(())
            }
            DidOpenTextDocument::METHOD => {
                let params: lsp_types::DidOpenTextDocumentParams = serde_json::from_value(notification.params)?;
                let document = params.text_document;
                self.documents.insert(document.uri.clone(), document.text);
                self.pending.insert(document.uri, Some(document.version));
                Ok(())
            }
            DidChangeTextDocument::METHOD => {
                let params: lsp_types::DidChangeTextDocumentParams = serde_json::from_value(notification.params)?;
                let uri = params.text_document.uri;
                // A change to a document that was never opened (or is closed) has no text to
                // change: passed over.
                let Some(text) = self.documents.get_mut(&uri) else {
                    return Ok(());
                };
                // Full sync: the last change holds the whole text.
                if let Some(change) = params.content_changes.into_iter().last() {
                    *text = change.text;
                }
                self.pending.insert(uri, Some(params.text_document.version));
                Ok(())
            }
            DidSaveTextDocument::METHOD => {
                let params: lsp_types::DidSaveTextDocumentParams = serde_json::from_value(notification.params)?;
                if config::is_config(&params.text_document.uri) {
                    self.config_changed();
                }
                Ok(())
            }
            DidChangeWatchedFiles::METHOD => {
                let params: lsp_types::DidChangeWatchedFilesParams = serde_json::from_value(notification.params)?;
                if params.changes.iter().any(|c| config::is_config(&c.uri)) {
                    self.config_changed();
                }
                Ok(())
            }
            DidCloseTextDocument::METHOD => {
                let params: lsp_types::DidCloseTextDocumentParams = serde_json::from_value(notification.params)?;
                self.documents.remove(&params.text_document.uri);
                self.pending.remove(&params.text_document.uri);
                self.send_diagnostics(params.text_document.uri, Vec::new(), None)
            }
            _ => Ok(()),
        }
    }

    /// Writes a line to the log file, and sends it as `$/logTrace` while the client traces.
    fn trace(&mut self, line: &str) -> Result<(), ServerError> {
        self.log.write(line);
        if !self.log.tracing() {
            return Ok(());
        }
        let params = lsp_types::LogTraceParams {
            message: line.to_owned(),
            verbose: None,
        };
        let notification = Notification::new(LogTrace::METHOD.to_owned(), params);
        send(self.connection, Message::Notification(notification))
    }

    /// Publishes the findings of every document changed since they were last published.
    fn publish_pending(&mut self) -> Result<(), ServerError> {
        for (uri, version) in std::mem::take(&mut self.pending) {
            self.publish(&uri, version)?;
        }
        Ok(())
    }

    /// The findings of an open document at its config's levels, or none for a document that
    /// is not a payload. A broken config is said (once per lint of a payload) and the defaults
    /// apply.
    fn publish(&self, uri: &Uri, version: Option<i32>) -> Result<(), ServerError> {
        let Some((payload, broken)) = self.payload(uri) else {
            return self.send_diagnostics(uri.clone(), Vec::new(), version);
        };
        self.say_config_error(broken)?;
        let diagnostics = diagnostics::of(
            payload.text,
            &payload.document,
            payload.operation,
            self.encoding,
            &payload.config,
            payload.file.as_deref(),
        );
        self.send_diagnostics(uri.clone(), diagnostics, version)
    }

    /// A config was saved or changed on disk: every open document is linted again.
    fn config_changed(&mut self) {
        // Saved again, still broken: said again.
        self.config_error_shown.replace(None);
        for uri in self.documents.keys() {
            self.pending.entry(uri.clone()).or_insert(None);
        }
    }

    /// Shows a broken config's error unless it was the last one shown; a config that reads
    /// (`None`) forgets it.
    fn say_config_error(&self, broken: Option<String>) -> Result<(), ServerError> {
        let mut shown = self.config_error_shown.borrow_mut();
        if broken == *shown {
            return Ok(());
        }
        if let Some(message) = &broken {
            self.show_error(message)?;
        }
        *shown = broken;
        Ok(())
    }

    fn show_error(&self, message: &str) -> Result<(), ServerError> {
        let params = lsp_types::ShowMessageParams {
            typ: lsp_types::MessageType::ERROR,
            message: format!("changeos: {message}"),
        };
        let notification = Notification::new(ShowMessage::METHOD.to_owned(), params);
        send(self.connection, Message::Notification(notification))
    }

    /// An open document as a payload, with why its config is broken if it is (the defaults
    /// apply then); `None` for a document that is not open or not a payload, which a broken
    /// changeos.toml is none of the business of.
    fn payload(&self, uri: &Uri) -> Option<(Payload<'_>, Option<String>)> {
        let text = self.documents.get(uri)?;
        let (config, broken) = match config::for_document(uri) {
            Ok(config) => (config, None),
            Err(message) => (Config::default(), Some(message)),
        };
        let file = config::path_of(uri);
        let document = Document::read(text.as_bytes());
        let operation = diagnostics::operation(&document, &config, file.as_deref())?;
        let payload = Payload {
            text,
            document,
            operation,
            config,
            file,
        };
        Some((payload, broken))
    }

    /// A request whose parameters do not read is answered with the protocol's InvalidParams.
    fn request(&self, request: lsp_server::Request) -> Result<(), ServerError> {
        let id = request.id.clone();
        match self.handle_request(request) {
            Err(ServerError::Json(e)) => {
                let code = lsp_server::ErrorCode::InvalidParams as i32;
                let response = lsp_server::Response::new_err(id, code, format!("the parameters do not read: {e}"));
                send(self.connection, Message::Response(response))
            }
            other => other,
        }
    }

    fn handle_request(&self, request: lsp_server::Request) -> Result<(), ServerError> {
        let result = match request.method.as_str() {
            CodeActionRequest::METHOD => {
                let params: lsp_types::CodeActionParams = serde_json::from_value(request.params)?;
                let uri = params.text_document.uri;
                let actions = self
                    .payload(&uri)
                    .map(|(payload, _)| {
                        let only = params.context.only.as_deref();
                        let levels = |report: &mut FileReport| payload.levels(report);
                        edits::code_actions(
                            &uri,
                            payload.text,
                            payload.operation,
                            &levels,
                            self.encoding,
                            params.range,
                            only,
                        )
                    })
                    .unwrap_or_default();
                Ok(serde_json::to_value(actions)?)
            }
            Formatting::METHOD => {
                let params: lsp_types::DocumentFormattingParams = serde_json::from_value(request.params)?;
                match self.payload(&params.text_document.uri) {
                    Some((payload, _)) => edits::formatting(payload.text, payload.operation, self.encoding)
                        .map(|edits| serde_json::to_value(edits).unwrap_or_default()),
                    // Not a payload (or not open): nothing to lay out.
                    None => Ok(serde_json::Value::Null),
                }
            }
            Completion::METHOD => {
                let params: lsp_types::CompletionParams = serde_json::from_value(request.params)?;
                let at = params.text_document_position;
                let items = self
                    .payload(&at.text_document.uri)
                    .and_then(|(payload, _)| {
                        let document = payload.document.as_ref().ok()?;
                        let encoding = self.encoding;
                        Some(completion::at(
                            payload.text,
                            document,
                            payload.operation,
                            encoding,
                            at.position,
                        ))
                    })
                    .unwrap_or_default();
                Ok(serde_json::to_value(items)?)
            }
            HoverRequest::METHOD => {
                let params: lsp_types::HoverParams = serde_json::from_value(request.params)?;
                let at = params.text_document_position_params;
                let hover = self.payload(&at.text_document.uri).and_then(|(payload, _)| {
                    let document = payload.document.as_ref().ok()?;
                    hover::at(payload.text, document, payload.operation, self.encoding, at.position)
                });
                Ok(serde_json::to_value(hover)?)
            }
            _ => return self.unknown_request(request),
        };
        let response = match result {
            Ok(value) => lsp_server::Response::new_ok(request.id, value),
            Err(message) => {
                lsp_server::Response::new_err(request.id, lsp_server::ErrorCode::RequestFailed as i32, message)
            }
        };
        send(self.connection, Message::Response(response))
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
        send(self.connection, Message::Notification(notification))
    }

    /// A request this server does not answer: the protocol's "method not found".
    fn unknown_request(&self, request: lsp_server::Request) -> Result<(), ServerError> {
        let response = lsp_server::Response::new_err(
            request.id,
            lsp_server::ErrorCode::MethodNotFound as i32,
            format!("changeos does not answer `{}`", request.method),
        );
        send(self.connection, Message::Response(response))
    }
}

/// An open document that is a payload: its text, the operation it is a body of, and the config
/// that sets its findings' levels.
struct Payload<'a> {
    text: &'a str,
    /// The text, read once for every feature.
    document: diagnostics::Read<'a>,
    operation: changeos_validator::Operation,
    config: Config,
    /// Its path, which the config's globs match.
    file: Option<PathBuf>,
}

impl Payload<'_> {
    /// Applies the config's levels to a report of this payload (a rule that is off is dropped,
    /// and so is its fix, as for `check --fix`).
    fn levels(&self, report: &mut FileReport) {
        self.config.apply(self.file.as_deref(), report);
    }
}
