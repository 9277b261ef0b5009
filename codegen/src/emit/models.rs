//! `generated/src/models.rs`: serde structs for objects, enums for value sets, and for the
//! request types a validating builder and `lint`/`validate`.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{describe, doc_attrs};
use super::typed::lint_body;
use super::types::{Item, inline_name, is_constrained, items, resolve, rust_type};
use super::values::{newtype, value_set};
use crate::ir::{Api, Kind, ObjectSchema, Property, SchemaRef};
use crate::names::{ident, snake};
use crate::read::reachable_from_bodies;

pub fn emit(api: &Api) -> TokenStream {
    let checked = checked_objects(api);
    let all = items(api);
    let newtype_names: Vec<_> = all
        .iter()
        .filter(|item| matches!(&item.schema.kind, Kind::String(s) if is_constrained(s)))
        .map(|item| ident(&item.name))
        .collect();
    let newtypes = (!newtype_names.is_empty()).then(|| {
        quote! {
            /// The constrained strings, re-exported at the crate root.
            pub mod newtypes {
                pub use super::{#(#newtype_names),*};
            }
        }
    });
    // The rules across members and the review warning name their rule in the catalog.
    let names_rules = all.iter().any(|item| match &item.schema.kind {
        Kind::Object(o) => {
            checked.contains(&item.name) && (!api.cross_rules(o).is_empty() || api.members(o).iter().any(|p| p.review))
        }
        _ => false,
    });
    let catalog = names_rules.then(|| quote! { use crate::catalog; });
    let items = all.iter().map(|item| match &item.schema.kind {
        Kind::Object(o) => object(api, item, o, checked.contains(&item.name)),
        Kind::String(s) => match &s.values {
            Some(values) => value_set(item, values),
            None => newtype(item, s),
        },
        _ => TokenStream::new(),
    });
    quote! {
        //! Typed models of every schema in the spec: requests, responses and errors.
        //!
        //! A constrained string is a newtype that parses: deserializing, `TryFrom` and
        //! `FromStr` refuse a value that breaks a rule of error severity, naming the rule. A
        //! value set is an enum. Request types come with a builder whose `build()` checks
        //! every rule of the spec, the rules across members included.
        #![allow(clippy::large_enum_variant, clippy::derive_partial_eq_without_eq)]

        use serde::{Deserialize, Serialize};

        use changeos_runtime::path::Path;
        use changeos_runtime::finding::{Finding, Violations};
        #catalog

        #newtypes

        #(#items)*
    }
}

/// The objects a request body reaches, named or written inline: they get `lint`, `validate`
/// and a builder.
fn checked_objects(api: &Api) -> BTreeSet<String> {
    let named: BTreeSet<String> = reachable_from_bodies(api).into_iter().flat_map(|(_, t)| t).collect();
    let mut out = BTreeSet::new();
    for t in api.types.iter().filter(|t| named.contains(&t.name)) {
        inline_objects(&t.name, &t.schema, &mut out);
    }
    out
}

fn inline_objects(name: &str, schema: &crate::ir::Schema, out: &mut BTreeSet<String>) {
    match &schema.kind {
        Kind::Object(o) => {
            out.insert(name.to_owned());
            for p in &o.properties {
                if let SchemaRef::Inline(s) = &p.schema {
                    inline_objects(&inline_name(name, &p.wire), s, out);
                }
            }
        }
        Kind::Array(items) => {
            if let SchemaRef::Inline(s) = items.as_ref() {
                inline_objects(&format!("{name}Item"), s, out);
            }
        }
        _ => {}
    }
}

fn object(api: &Api, item: &Item<'_>, object: &ObjectSchema, checked: bool) -> TokenStream {
    let name = ident(&item.name);
    let doc = doc_attrs(&describe(item.schema.description.as_deref(), item.schema, None));
    let deny = object.closed.as_ref().map(|_| quote! { #[serde(deny_unknown_fields)] });
    let fields = api.members_owned(&item.name, object).into_iter().map(|(owner, p)| {
        let field = ident(&snake(&p.wire));
        let inner = rust_type(api, &p.schema, &inline_name(owner, &p.wire));
        let schema = resolve(api, &p.schema);
        let nullable = schema.is_some_and(|s| s.nullable);
        let description = p
            .description
            .as_deref()
            .or(schema.and_then(|s| s.description.as_deref()));
        let doc = schema
            .map(|s| {
                let mut text = describe(description, s, Some(p.required));
                if p.review {
                    text.push_str(
                        "\n\nNot reviewed yet: added from a vendor doc page by `changeos-codegen doc-diff --write` (`x-review` in the spec).",
                    );
                }
                doc_attrs(&text)
            })
            .unwrap_or_default();
        let rename = (snake(&p.wire) != p.wire).then_some(p.wire.as_str());
        let mut serde_args = Vec::new();
        if let Some(wire) = rename {
            serde_args.push(quote! { rename = #wire });
        }
        let ty = if p.required && !nullable {
            inner
        } else {
            serde_args.push(quote! { default });
            if !nullable {
                serde_args.push(quote! { skip_serializing_if = "Option::is_none" });
            }
            quote! { Option<#inner> }
        };
        let serde_attr = (!serde_args.is_empty()).then(|| quote! { #[serde(#(#serde_args),*)] });
        quote! { #doc #serde_attr pub #field: #ty, }
    });
    let builder = checked.then(|| builder(api, item, object));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #deny
        pub struct #name { #(#fields)* }
        #builder
    }
}

fn builder(api: &Api, item: &Item<'_>, object: &ObjectSchema) -> TokenStream {
    let name = ident(&item.name);
    let builder_name = format_ident!("{}Builder", item.name);
    let members = api.members_owned(&item.name, object);
    let params = members.iter().filter(|(_, p)| p.required).map(|(owner, p)| {
        let field = ident(&snake(&p.wire));
        let ty = input_type(api, p, owner);
        quote! { #field: #ty }
    });
    let inits = members.iter().map(|(owner, p)| {
        let field = ident(&snake(&p.wire));
        if p.required {
            let value = stored(api, p, owner, quote! { #field });
            quote! { #field: #value }
        } else {
            quote! { #field: None }
        }
    });
    let setters = members.iter().filter(|(_, p)| !p.required).map(|(owner, p)| {
        let field = ident(&snake(&p.wire));
        let ty = input_type(api, p, owner);
        let value = stored(api, p, owner, quote! { value });
        let doc = format!(" Sets `{}`.", p.wire);
        quote! {
            #[doc = #doc]
            pub fn #field(mut self, value: #ty) -> Self {
                self.inner.#field = Some(#value);
                self
            }
        }
    });
    let lint = lint_body(api, &item.name, object);
    let builder_doc = format!(
        " Builds a [`{}`]; `build` checks every rule of the spec, those of the values given as text included.",
        item.name
    );
    quote! {
        impl #name {
            /// Starts a builder with the required members; set the optional ones, then `build()`.
            pub fn builder(#(#params),*) -> #builder_name {
                #builder_name { inner: #name { #(#inits),* } }
            }

            /// Every finding of the spec's rules on this value; pointers are relative to it.
            pub fn lint(&self) -> Vec<Finding> {
                let mut out = Vec::new();
                self.lint_at(&Path::Root, &mut out);
                out
            }

            /// `Ok` when no rule of error severity is broken; otherwise all the errors.
            pub fn validate(&self) -> Result<(), Violations> {
                Violations::check(self.lint())
            }

            /// The findings of this value at `path`, in the linter's order: each member in
            /// spec order, then the rules across members.
            pub(crate) fn lint_at(&self, path: &Path<'_>, out: &mut Vec<Finding>) {
                #lint
            }
        }

        #[doc = #builder_doc]
        #[derive(Debug, Clone)]
        #[must_use]
        pub struct #builder_name { inner: #name }

        impl #builder_name {
            #(#setters)*

            /// The value, or every error-level violation of the spec's rules.
            pub fn build(self) -> Result<#name, Violations> {
                self.inner.validate()?;
                Ok(self.inner)
            }
        }
    }
}

/// What a builder takes for a member: text for a constrained string (checked by `build`, so
/// that one failed build lists every error), else anything that converts to the field's type.
fn input_type(api: &Api, p: &Property, parent: &str) -> TokenStream {
    match newtype_of(api, p) {
        Some(true) => quote! { impl Into<changeos_runtime::secret::SecretString> },
        Some(false) => quote! { impl Into<String> },
        None => {
            let ty = rust_type(api, &p.schema, &inline_name(parent, &p.wire));
            quote! { impl Into<#ty> }
        }
    }
}

/// The field's value from a builder's input `value`. Text for a constrained string is kept
/// unchecked in the builder, which is private, and checked by `build` with the other rules:
/// only a value that passes leaves the builder.
fn stored(api: &Api, p: &Property, parent: &str, value: TokenStream) -> TokenStream {
    match newtype_of(api, p) {
        Some(_) => {
            let ty = rust_type(api, &p.schema, &inline_name(parent, &p.wire));
            quote! { #ty(#value.into()) }
        }
        None => quote! { #value.into() },
    }
}

/// `Some(secret)` when the member's type is a constrained-string newtype.
fn newtype_of(api: &Api, p: &Property) -> Option<bool> {
    match &resolve(api, &p.schema)?.kind {
        Kind::String(s) if is_constrained(s) => Some(s.secret),
        _ => None,
    }
}
