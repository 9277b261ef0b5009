//! Doc comments for generated items: the spec's description, then the constraints a reader
//! of the Rust API needs without opening the spec.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Kind, Schema};

/// `#[doc]` attributes, one per line of text.
pub fn doc_attrs(text: &str) -> TokenStream {
    let lines = text
        .lines()
        .map(|l| if l.is_empty() { String::new() } else { format!(" {l}") });
    quote! { #( #[doc = #lines] )* }
}

/// The description followed by the constraints of `schema`.
pub fn describe(description: Option<&str>, schema: &Schema, required: Option<bool>) -> String {
    let mut notes = Vec::new();
    if let Some(required) = required {
        notes.push(if required {
            "Required.".to_owned()
        } else {
            "Optional.".to_owned()
        });
    }
    if let Kind::String(s) = &schema.kind {
        if let Some(values) = &s.values {
            let list: Vec<String> = values.values.iter().map(|v| format!("`\"{v}\"`")).collect();
            let open = if values.open { " (other values may appear)" } else { "" };
            notes.push(format!("Values: {}{open}.", list.join(", ")));
        }
        match (&s.min_length, &s.max_length) {
            (Some((min, _)), Some((max, _))) if min == max => notes.push(format!("Exactly {}.", characters(*min))),
            (Some((min, _)), Some((max, _))) => notes.push(format!("{min} to {max} characters.")),
            (Some((min, _)), None) => notes.push(format!("At least {}.", characters(*min))),
            (None, Some((max, _))) => notes.push(format!("At most {}.", characters(*max))),
            (None, None) => {}
        }
        if let Some((pattern, _)) = &s.pattern {
            notes.push(format!("Matches `{pattern}`."));
        }
        if s.uuid.is_some() {
            notes.push("A UUID.".to_owned());
        }
        if let Some(b) = &s.base64 {
            notes.push(format!("Base64; at most {} bytes once decoded.", b.max_decoded_bytes));
        }
        if s.password.is_some() {
            notes.push("Checked against the password policy (see the rule catalog).".to_owned());
        }
        if s.secret {
            notes.push("Secret: never shown in Debug, Display or findings.".to_owned());
        }
        if s.placeholder {
            notes.push("May be a placeholder `$NAME` / `${NAME}` filled in at send time.".to_owned());
        }
    }
    if let Some(default) = &schema.default {
        notes.push(format!("Default: `{default}`."));
    }
    let mut text = description.unwrap_or_default().trim().to_owned();
    if !notes.is_empty() {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&notes.join(" "));
    }
    text
}

pub fn characters(n: u64) -> String {
    if n == 1 {
        "1 character".to_owned()
    } else {
        format!("{n} characters")
    }
}
