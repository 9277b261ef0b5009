//! What the server did, for debugging: with `--log-file`, a line per message (its method and
//! how long it took) in that file; with the client's trace setting (`$/setTrace`, or `trace`
//! at initialize) on, the same lines as `$/logTrace`. Never a document's text or a
//! parameter: they may hold a password.

use std::fs::File;
use std::io::Write;
use std::time::Duration;

use lsp_types::TraceValue;

pub struct Log {
    file: Option<File>,
    pub trace: TraceValue,
}

impl Log {
    pub fn new(file: Option<File>, trace: TraceValue) -> Self {
        Log { file, trace }
    }

    /// The line of one message handled: `method (id) took 1.2 ms`.
    pub fn line(method: &str, id: Option<&str>, took: Duration) -> String {
        let id = id.map(|id| format!(" ({id})")).unwrap_or_default();
        format!("{method}{id} took {:.1} ms", took.as_secs_f64() * 1000.0)
    }

    /// Writes `line` to the log file, if any; the trace is the server's to send.
    pub fn write(&mut self, line: &str) {
        if let Some(file) = &mut self.file {
            // A log that cannot be written must not stop the server.
            let _ = writeln!(file, "{line}");
        }
    }

    pub fn tracing(&self) -> bool {
        self.trace != TraceValue::Off
    }
}
