//! The hand-written runtime of `changeos-models`: what the generated linter and models call.
//!
//! It holds what does not change when the spec changes: the finding and rule types, the
//! error of a value the models' types refuse ([`invalid::InvalidValue`]), JSON pointers, the
//! value checks behind the extension keywords (password policy, base64, placeholders), the
//! canonical, secret-safe form of request bodies for snapshots, and the
//! escaping of outside text for printing. It is a crate of its own so that everything in
//! `generated/` is generated (as progenitor keeps `progenitor-client` apart from what it
//! writes); `changeos-models` re-exports it as `changeos_models::runtime`.
//! Each module is tested here on its own; the generated code only wires them to the spec's
//! fields.
#![forbid(unsafe_code)]

pub mod base64;
pub mod canonical;
pub mod checks;
pub mod escape;
pub mod finding;
pub mod invalid;
pub mod json;
pub mod newtype;
pub mod password;
pub mod path;
pub mod placeholder;
pub mod pointer;
pub mod rule;
pub mod secret;
pub mod shape;
