//! `generated/src/models.rs`: serde structs for objects, enums for value sets, and for the
//! request types a validating builder and `lint`/`validate`.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{describe, doc_attrs};
use super::types::{Item, inline_name, items, resolve, rust_type};
use crate::ir::{Api, EnumValues, Kind, ObjectSchema};
use crate::names::{ident, snake};
use crate::read::reachable_from_bodies;

pub fn emit(api: &Api) -> TokenStream {
    let request_types: BTreeSet<String> = reachable_from_bodies(api).into_iter().flat_map(|(_, t)| t).collect();
    let items = items(api).into_iter().map(|item| match &item.schema.kind {
        Kind::Object(o) => object(api, &item, o, request_types.contains(&item.name)),
        Kind::String(s) => match &s.values {
            Some(values) => value_set(&item, values),
            None => TokenStream::new(),
        },
        _ => TokenStream::new(),
    });
    quote! {
        //! Typed models of every schema in the spec: requests, responses and errors.
        //!
        //! Request types come with a builder that checks every rule of the spec on `build()`.
        #![allow(clippy::large_enum_variant, clippy::derive_partial_eq_without_eq)]

        use serde::{Deserialize, Deserializer, Serialize, Serializer};

        use changeos_runtime::path::Path;
        use changeos_runtime::finding::{Finding, Violations};
        use changeos_runtime::secret::SecretString;

        #(#items)*
    }
}

fn object(api: &Api, item: &Item<'_>, object: &ObjectSchema, is_request: bool) -> TokenStream {
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
    let builder = is_request.then(|| builder(api, item, object));
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
    let check = format_ident!("check_{}", snake(&item.name));
    let members = api.members_owned(&item.name, object);
    let params = members.iter().filter(|(_, p)| p.required).map(|(owner, p)| {
        let field = ident(&snake(&p.wire));
        let ty = rust_type(api, &p.schema, &inline_name(owner, &p.wire));
        quote! { #field: impl Into<#ty> }
    });
    let inits = members.iter().map(|(_, p)| {
        let field = ident(&snake(&p.wire));
        if p.required {
            quote! { #field: #field.into() }
        } else {
            quote! { #field: None }
        }
    });
    let setters = members.iter().filter(|(_, p)| !p.required).map(|(owner, p)| {
        let field = ident(&snake(&p.wire));
        let ty = rust_type(api, &p.schema, &inline_name(owner, &p.wire));
        let doc = format!(" Sets `{}`.", p.wire);
        quote! {
            #[doc = #doc]
            pub fn #field(mut self, value: impl Into<#ty>) -> Self {
                self.inner.#field = Some(value.into());
                self
            }
        }
    });
    let builder_doc = format!(" Builds a [`{}`]; `build` checks every rule of the spec.", item.name);
    quote! {
        impl #name {
            /// Starts a builder with the required members; set the optional ones, then `build()`.
            pub fn builder(#(#params),*) -> #builder_name {
                #builder_name { inner: #name { #(#inits),* } }
            }

            /// Every finding of the spec's rules on this value; pointers are relative to it.
            pub fn lint(&self) -> Vec<Finding> {
                let value = serde_json::to_value(self).expect("generated models serialise to JSON");
                let mut out = Vec::new();
                crate::lint::#check(&changeos_runtime::json::Json::from(&value), &Path::Root, &mut out);
                out
            }

            /// `Ok` when no rule of error severity is broken; otherwise all the errors.
            pub fn validate(&self) -> Result<(), Violations> {
                Violations::check(self.lint())
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

fn value_set(item: &Item<'_>, values: &EnumValues) -> TokenStream {
    let name = ident(&item.name);
    let doc = doc_attrs(&describe(item.schema.description.as_deref(), item.schema, None));
    let variants: Vec<_> = values.names.iter().map(|n| ident(n)).collect();
    let wires = &values.values;
    let variant_docs = wires.iter().map(|w| format!(" `\"{w}\"`"));
    let (derive, unknown_variant, unknown_str, from_wire_ty, from_wire_fallback, deserialize_body) = if values.open {
        (
            quote! { #[derive(Debug, Clone, PartialEq, Eq, Hash)] },
            quote! {
                /// A value this version of the spec does not know.
                Unknown(String),
            },
            quote! { Self::Unknown(other) => other, },
            quote! { Self },
            quote! { other => Self::Unknown(other.to_owned()) },
            quote! { Ok(Self::from_wire(&value)) },
        )
    } else {
        (
            quote! { #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)] },
            quote! {},
            quote! {},
            quote! { Option<Self> },
            quote! { _ => return None },
            quote! { Self::from_wire(&value).ok_or_else(|| serde::de::Error::unknown_variant(&value, Self::VALUES)) },
        )
    };
    let from_wire_arms = quote! { #( #wires => Self::#variants, )* };
    let from_wire_body = if values.open {
        quote! { match value { #from_wire_arms #from_wire_fallback } }
    } else {
        quote! { Some(match value { #from_wire_arms #from_wire_fallback }) }
    };
    let as_str_sig = if values.open {
        quote! { &str }
    } else {
        quote! { &'static str }
    };
    quote! {
        #doc
        #derive
        pub enum #name {
            #( #[doc = #variant_docs] #variants, )*
            #unknown_variant
        }

        impl #name {
            /// The values the spec lists, as sent on the wire.
            pub const VALUES: &'static [&'static str] = &[#(#wires),*];

            /// The value as sent on the wire.
            pub fn as_str(&self) -> #as_str_sig {
                match self {
                    #( Self::#variants => #wires, )*
                    #unknown_str
                }
            }

            /// The variant for a wire value.
            pub fn from_wire(value: &str) -> #from_wire_ty {
                #from_wire_body
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for #name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = String::deserialize(deserializer)?;
                #deserialize_body
            }
        }
    }
}
