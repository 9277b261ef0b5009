//! Why codegen refuses a spec: every problem, each at the JSON pointer where it sits.

use changeos_runtime::pointer::Pointer;
use std::fmt;

/// One problem in the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// RFC 6901 pointer into the spec.
    pub pointer: String,
    pub message: String,
}

impl Problem {
    pub fn new(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            pointer: pointer.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pointer = if self.pointer.is_empty() { "/" } else { &self.pointer };
        write!(f, "at {pointer}: {}", self.message)
    }
}

/// Everything wrong with a spec, or with writing what it generates.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{spec} is not a spec codegen accepts:\n{}", list(.problems))]
    Spec { spec: String, problems: Vec<Problem> },
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("generated Rust for {file} does not parse: {message}")]
    Emit { file: String, message: String },
}

fn list(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("  - {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Appends the member `token` to `pointer` (one that codegen built, so an RFC 6901 one).
pub fn child(pointer: &str, token: &str) -> String {
    let mut child = Pointer::parse(pointer).unwrap_or_default();
    child.push(token);
    child.to_string()
}
