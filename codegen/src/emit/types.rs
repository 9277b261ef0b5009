//! Which Rust type stands for each schema, and which types must be emitted (named components
//! and the objects and enums written inline in properties).

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Api, Kind, Schema, SchemaRef, StringSchema};
use crate::names::{ident, pascal, snake};

/// A schema that becomes a Rust item (struct or enum), with its name.
pub struct Item<'a> {
    pub name: String,
    pub schema: &'a Schema,
}

/// Every schema that becomes a struct or an enum, components first, in spec order.
pub fn items(api: &Api) -> Vec<Item<'_>> {
    let mut out = Vec::new();
    for t in &api.types {
        collect(&t.name, &t.schema, &mut out);
    }
    out
}

fn collect<'a>(name: &str, schema: &'a Schema, out: &mut Vec<Item<'a>>) {
    if becomes_item(schema) {
        out.push(Item {
            name: name.to_owned(),
            schema,
        });
    }
    match &schema.kind {
        Kind::Object(o) => {
            for p in &o.properties {
                if let SchemaRef::Inline(s) = &p.schema {
                    collect(&inline_name(name, &p.wire), s, out);
                }
            }
        }
        Kind::Array(items) => {
            if let SchemaRef::Inline(s) = items.as_ref() {
                collect(&format!("{name}Item"), s, out);
            }
        }
        _ => {}
    }
}

/// Objects, closed or open value sets and constrained strings get their own Rust item.
pub fn becomes_item(schema: &Schema) -> bool {
    match &schema.kind {
        Kind::Object(_) => true,
        Kind::String(s) => s.values.is_some() || is_constrained(s),
        _ => false,
    }
}

/// A string with a rule on its value (length, pattern, format, password policy, base64) and
/// no value set: it becomes a newtype that parses. A string with no rule, even a secret or
/// a placeholder, stays a `String` (or `SecretString`): there is nothing to parse.
pub fn is_constrained(s: &StringSchema) -> bool {
    s.values.is_none()
        && (s.min_length.is_some()
            || s.max_length.is_some()
            || s.pattern.is_some()
            || s.uuid.is_some()
            || s.password.is_some()
            || s.base64.is_some())
}

/// The generated function that checks the text of a named or inline string schema.
pub fn text_check(name: &str) -> proc_macro2::Ident {
    quote::format_ident!("check_{}_text", snake(name))
}

/// The name of an inline schema in a property.
pub fn inline_name(parent: &str, wire: &str) -> String {
    format!("{parent}{}", pascal(wire))
}

/// The schema a reference stands for.
pub fn resolve<'a>(api: &'a Api, r: &'a SchemaRef) -> Option<&'a Schema> {
    match r {
        SchemaRef::Named(n) => api.type_def(n).map(|t| &t.schema),
        SchemaRef::Inline(s) => Some(s),
    }
}

/// The name of the item a reference stands for, when it is one; `context` names an inline one.
pub fn item_name(api: &Api, r: &SchemaRef, context: &str) -> Option<String> {
    let schema = resolve(api, r)?;
    if !becomes_item(schema) {
        return None;
    }
    Some(match r {
        SchemaRef::Named(n) => n.clone(),
        SchemaRef::Inline(_) => context.to_owned(),
    })
}

/// The Rust type of a value of `r` (without the `Option` of an optional member).
pub fn rust_type(api: &Api, r: &SchemaRef, context: &str) -> TokenStream {
    let context = match r {
        SchemaRef::Named(n) => n.as_str(),
        SchemaRef::Inline(_) => context,
    };
    if let Some(name) = item_name(api, r, context) {
        let name = ident(&name);
        return quote! { #name };
    }
    let Some(schema) = resolve(api, r) else {
        return quote! { serde_json::Value };
    };
    match &schema.kind {
        Kind::String(s) if s.secret => quote! { changeos_runtime::secret::SecretString },
        Kind::String(_) => quote! { String },
        Kind::Integer => quote! { i64 },
        Kind::Number => quote! { f64 },
        Kind::Boolean => quote! { bool },
        Kind::Array(items) => {
            let inner = rust_type(api, items, &format!("{context}Item"));
            quote! { Vec<#inner> }
        }
        Kind::Object(_) => quote! { serde_json::Value },
    }
}
