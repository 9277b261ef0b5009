//! `generated/src/models.rs`: serde structs for objects, enums for value sets, and for the
//! request types a validating builder and `lint`/`validate`.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{describe, doc_attrs};
use super::typed::{base_field, by_member, is_option, lint_body, member_fallback};
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
    let fields: Vec<TokenStream> = object.properties.iter().map(|p| field(api, &item.name, p)).collect();
    let builder = checked.then(|| builder(api, item, object));
    let shared = (!object.bases.is_empty() || api.is_base(&item.name)).then(|| members(api, item, object));
    if object.bases.is_empty() {
        let deny = object.closed.as_ref().map(|_| quote! { #[serde(deny_unknown_fields)] });
        return quote! {
            #doc
            #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
            #deny
            pub struct #name { #(#fields)* }
            #shared
            #builder
        };
    }
    let composed = composed(item, object, &fields);
    quote! {
        #doc
        #composed
        #shared
        #builder
    }
}

/// What a composed object and its bases share: the order of all members, and the writing of
/// one member (a composed object is written member by member in that order, each base's
/// through the base).
fn members(api: &Api, item: &Item<'_>, object: &ObjectSchema) -> TokenStream {
    let name = ident(&item.name);
    let order: Vec<&str> = api.members(object).iter().map(|p| p.wire.as_str()).collect();
    let arms = object.properties.iter().map(|p| {
        let wire = &p.wire;
        let field = ident(&snake(wire));
        let nullable = resolve(api, &p.schema).is_some_and(|s| s.nullable);
        if is_option(api, p) && !nullable {
            quote! { #wire => if let Some(value) = &self.#field { map.serialize_entry(#wire, value)?; } }
        } else {
            quote! { #wire => map.serialize_entry(#wire, &self.#field)?, }
        }
    });
    let other = match object.bases.as_slice() {
        [] => quote! { Ok(false) },
        [_] => quote! { self.base.serialize_member(wire, map) },
        _ => {
            let any = member_fallback(object, quote! { serialize_member(wire, map)? }, quote! { false });
            quote! { Ok(#any) }
        }
    };
    let arms: Vec<TokenStream> = arms.collect();
    let body = by_member(&arms, other, quote! { Ok(true) });
    let serialize = (!object.bases.is_empty()).then(|| {
        quote! {
            impl Serialize for #name {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    use serde::ser::SerializeMap;
                    let mut map = serializer.serialize_map(None)?;
                    for wire in Self::MEMBERS {
                        self.serialize_member(wire, &mut map)?;
                    }
                    map.end()
                }
            }
        }
    });
    quote! {
        impl #name {
            /// Every member's wire name, in the order the spec gives (its bases' included).
            pub const MEMBERS: &'static [&'static str] = &[#(#order),*];

            /// Writes the member `wire` if this object has it and it is set; false when the
            /// object has no such member.
            pub(crate) fn serialize_member<M: serde::ser::SerializeMap>(&self, wire: &str, map: &mut M) -> Result<bool, M::Error> {
                #body
            }
        }
        #serialize
    }
}

/// A composed object: a field per base, flattened into the same JSON object, then its own
/// members. serde refuses `deny_unknown_fields` beside `flatten`, so a closed one reads
/// through a private twin that gathers what nobody claimed, and refuses it.
fn composed(item: &Item<'_>, object: &ObjectSchema, fields: &[TokenStream]) -> TokenStream {
    let name = ident(&item.name);
    let base_fields: Vec<_> = object.bases.iter().map(|b| base_field(object, b)).collect();
    let base_types: Vec<_> = object.bases.iter().map(|b| ident(b)).collect();
    let base_docs = object
        .bases
        .iter()
        .map(|b| format!(" The members it shares with the other objects that compose [`{b}`]."));
    let own: Vec<_> = object.properties.iter().map(|p| ident(&snake(&p.wire))).collect();
    let deref = (object.bases.len() == 1).then(|| {
        let base = &base_types[0];
        quote! {
            /// Reads the shared members as if they were this object's own.
            impl std::ops::Deref for #name {
                type Target = #base;
                fn deref(&self) -> &#base { &self.base }
            }
            impl std::ops::DerefMut for #name {
                fn deref_mut(&mut self) -> &mut #base { &mut self.base }
            }
        }
    });
    let Some(_) = &object.closed else {
        return quote! {
            #[derive(Debug, Clone, PartialEq, Deserialize)]
            pub struct #name {
                #( #[doc = #base_docs] #[serde(flatten)] pub #base_fields: #base_types, )*
                #(#fields)*
            }
            #deref
        };
    };
    let wire = format_ident!("{}Wire", item.name);
    let wire_name = wire.to_string();
    quote! {
        #[derive(Debug, Clone, PartialEq, Deserialize)]
        #[serde(try_from = #wire_name)]
        pub struct #name {
            #( #[doc = #base_docs] #[serde(flatten)] pub #base_fields: #base_types, )*
            #(#fields)*
        }
        #deref

        #[derive(Deserialize)]
        struct #wire {
            #( #[serde(flatten)] #base_fields: #base_types, )*
            #(#fields)*
            /// Whatever no member claimed.
            #[serde(flatten)]
            unknown: std::collections::BTreeMap<String, serde::de::IgnoredAny>,
        }

        impl TryFrom<#wire> for #name {
            type Error = String;
            fn try_from(wire: #wire) -> Result<Self, String> {
                if let Some(key) = wire.unknown.keys().next() {
                    let expected: Vec<String> = Self::MEMBERS.iter().map(|n| format!("`{n}`")).collect();
                    return Err(format!("unknown field `{key}`, expected one of {}", expected.join(", ")));
                }
                Ok(#name { #(#base_fields: wire.#base_fields,)* #(#own: wire.#own,)* })
            }
        }
    }
}

/// One member's field, with its docs and serde attributes; `parent` names inline types.
fn field(api: &Api, parent: &str, p: &Property) -> TokenStream {
    let field = ident(&snake(&p.wire));
    let inner = rust_type(api, &p.schema, &inline_name(parent, &p.wire));
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
                    "\n\nNot reviewed yet: added from a vendor doc page by `doc-diff --write` (`x-review` in the spec).",
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
}

fn builder(api: &Api, item: &Item<'_>, object: &ObjectSchema) -> TokenStream {
    let name = ident(&item.name);
    let builder_name = format_ident!("{}Builder", item.name);
    // A composed object's builder starts from its bases' builders: the shared members are
    // set where they are defined.
    let base_params = object.bases.iter().map(|b| {
        let field = base_field(object, b);
        let ty = format_ident!("{b}Builder");
        quote! { #field: #ty }
    });
    let base_inits = object.bases.iter().map(|b| {
        let field = base_field(object, b);
        quote! { #field: #field.inner }
    });
    let params = object.properties.iter().filter(|p| p.required).map(|p| {
        let field = ident(&snake(&p.wire));
        let ty = input_type(api, p, &item.name);
        quote! { #field: #ty }
    });
    let params = base_params.chain(params);
    let inits = object.properties.iter().map(|p| {
        let field = ident(&snake(&p.wire));
        if p.required {
            let value = stored(api, p, &item.name, quote! { #field });
            quote! { #field: #value }
        } else {
            quote! { #field: None }
        }
    });
    let inits = base_inits.chain(inits);
    let setters = object.properties.iter().filter(|p| !p.required).map(|p| {
        let field = ident(&snake(&p.wire));
        let ty = input_type(api, p, &item.name);
        let value = stored(api, p, &item.name, quote! { value });
        let doc = format!(" Sets `{}`.", p.wire);
        quote! {
            #[doc = #doc]
            pub fn #field(mut self, value: #ty) -> Self {
                self.inner.#field = Some(#value);
                self
            }
        }
    });
    let (lint, shared) = lint_body(api, &item.name, object);
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

            #shared
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
