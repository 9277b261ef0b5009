//! The server driven as a client drives it: JSON-RPC messages over an in-memory connection
//! (the same messages stdio carries), one server thread per test.

mod bad_input;
mod client;
mod completion;
mod diagnostics;
mod edits;
mod hover;
mod log;
