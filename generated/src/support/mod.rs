//! Hand-written helpers that the generated linter and models call.
//!
//! They hold what does not change when the spec changes: the finding type, JSON pointers, the
//! value checks behind the extension keywords (password policy, base64, placeholders), and the
//! canonical, secret-safe form of request bodies for snapshots, and the escaping of outside text
//! for printing.
//! Each is tested here on its own; the generated code only wires them to the spec's fields.

pub mod base64;
pub mod canonical;
pub mod checks;
pub mod escape;
pub mod finding;
pub mod json;
pub mod password;
pub mod path;
pub mod placeholder;
pub mod secret;
pub mod shape;
