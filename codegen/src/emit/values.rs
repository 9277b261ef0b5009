//! The value types of `generated/src/models.rs`: a newtype for each constrained string, an
//! enum for each value set. Both parse: a value that breaks a rule of error severity never
//! gets into one, and the refusal names the rule, with the linter's message (each type
//! parses with the linter's own check of its text, so a rule is written once).

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{describe, doc_attrs};
use super::types::{Item, text_check};
use crate::ir::{EnumValues, StringSchema};
use crate::names::{ident, screaming};

/// A constrained string: a newtype over `String`, or over `SecretString` for a secret. Its
/// impls are the runtime's (`text_newtype!`, `secret_newtype!`), written once for every such
/// type; here are its docs, its check and what only some types have.
pub fn newtype(item: &Item<'_>, s: &StringSchema) -> TokenStream {
    let name = ident(&item.name);
    let doc = doc_attrs(&describe(item.schema.description.as_deref(), item.schema, None));
    let check = text_check(&item.name);
    let placeholder = s.placeholder.then(|| {
        quote! {
            impl #name {
                /// Whether the value is a placeholder (`$NAME`, `${NAME}`) to be filled in at
                /// send time, which the spec allows here and which no other rule is checked on.
                pub fn is_placeholder(&self) -> bool {
                    changeos_runtime::placeholder::is_placeholder(self.text())
                }
            }
        }
    });
    let (derive, inner, impls) = if s.secret {
        (
            quote! { #[derive(Clone, PartialEq, Eq, Deserialize)] },
            quote! { changeos_runtime::secret::SecretString },
            quote! { changeos_runtime::secret_newtype!(#name, #check); },
        )
    } else {
        (
            quote! { #[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)] },
            quote! { String },
            quote! { changeos_runtime::text_newtype!(#name, #check); },
        )
    };
    quote! {
        #doc
        #derive
        #[serde(try_from = "String")]
        pub struct #name(#inner);

        #impls
        #placeholder
    }
}

/// A value set: a closed enum refuses other values with the set's rule; an open one (values
/// the vendor adds over time) is `#[non_exhaustive]` and keeps them in `Other`.
pub fn value_set(item: &Item<'_>, values: &EnumValues) -> TokenStream {
    let name = ident(&item.name);
    let doc = doc_attrs(&describe(item.schema.description.as_deref(), item.schema, None));
    let variants: Vec<_> = values.names.iter().map(|n| ident(n)).collect();
    let wires = &values.values;
    let variant_docs = wires.iter().map(|w| format!(" `\"{w}\"`"));
    let (attrs, other_variant, other_str, as_str_sig) = if values.open {
        (
            quote! {
                #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
                #[non_exhaustive]
            },
            quote! {
                /// A value this version of the spec does not know, kept as it came.
                #[serde(untagged)]
                Other(String),
            },
            quote! { Self::Other(other) => other, },
            quote! { &str },
        )
    } else {
        (
            quote! { #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)] },
            quote! {},
            quote! {},
            quote! { &'static str },
        )
    };
    let parse = if values.open {
        open_parse(item, values)
    } else {
        closed_parse(item, values)
    };
    quote! {
        #doc
        #attrs
        pub enum #name {
            #( #[doc = #variant_docs] #[serde(rename = #wires)] #variants, )*
            #other_variant
        }

        impl #name {
            /// The values the spec lists, as sent on the wire.
            pub const VALUES: &'static [&'static str] = &[#(#wires),*];

            /// The value as sent on the wire.
            pub fn as_str(&self) -> #as_str_sig {
                match self {
                    #( Self::#variants => #wires, )*
                    #other_str
                }
            }
        }

        #parse
    }
}

/// An open set parses every string: a known one into its variant, any other into `Other`.
fn open_parse(item: &Item<'_>, values: &EnumValues) -> TokenStream {
    let name = ident(&item.name);
    let variants: Vec<_> = values.names.iter().map(|n| ident(n)).collect();
    let wires = &values.values;
    quote! {
        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(match value {
                    #( #wires => Self::#variants, )*
                    other => Self::Other(other.to_owned()),
                })
            }
        }
    }
}

/// A closed set parses its values and refuses any other with the finding of its rule.
fn closed_parse(item: &Item<'_>, values: &EnumValues) -> TokenStream {
    let name = ident(&item.name);
    let shown = item.name.as_str();
    let variants: Vec<_> = values.names.iter().map(|n| ident(n)).collect();
    let wires = &values.values;
    let check = text_check(&item.name);
    let rule = quote::format_ident!("{}", screaming(&values.rule));
    quote! {
        impl std::str::FromStr for #name {
            type Err = changeos_runtime::invalid::InvalidValue;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                match value {
                    #( #wires => Ok(Self::#variants), )*
                    other => Err(changeos_runtime::invalid::InvalidValue::outside_set(
                        other,
                        #shown,
                        &crate::catalog::#rule,
                        crate::lint::#check,
                    )),
                }
            }
        }

        changeos_runtime::closed_set!(#name);
    }
}
