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

/// A constrained string: a newtype over `String`, or over `SecretString` for a secret.
pub fn newtype(item: &Item<'_>, s: &StringSchema) -> TokenStream {
    let name = ident(&item.name);
    let shown = item.name.as_str();
    let doc = doc_attrs(&describe(item.schema.description.as_deref(), item.schema, None));
    let check = text_check(&item.name);
    let placeholder = s.placeholder.then(|| {
        quote! {
            /// Whether the value is a placeholder (`$NAME`, `${NAME}`) to be filled in at send
            /// time, which the spec allows here and which no other rule is checked on.
            pub fn is_placeholder(&self) -> bool {
                changeos_runtime::placeholder::is_placeholder(self.text())
            }
        }
    });
    let representation = if s.secret {
        secret_representation(item)
    } else {
        plain_representation(item)
    };
    let inner = if s.secret {
        quote! { changeos_runtime::secret::SecretString }
    } else {
        quote! { String }
    };
    let wrap = if s.secret {
        quote! { changeos_runtime::secret::SecretString::from(value) }
    } else {
        quote! { value }
    };
    let derive = if s.secret {
        quote! { #[derive(Clone, PartialEq, Eq, Deserialize)] }
    } else {
        quote! { #[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)] }
    };
    quote! {
        #doc
        #derive
        #[serde(try_from = "String")]
        pub struct #name(#inner);

        impl #name {
            /// The value, or why the spec refuses it: the first rule of error severity it
            /// breaks (warnings do not refuse a value; `lint()` reports them).
            pub fn new(value: impl Into<String>) -> Result<Self, changeos_runtime::invalid::InvalidValue> {
                let value = value.into();
                changeos_runtime::invalid::InvalidValue::check(&value, #shown, crate::lint::#check)?;
                Ok(Self(#wrap))
            }

            #placeholder
        }

        impl TryFrom<String> for #name {
            type Error = changeos_runtime::invalid::InvalidValue;

            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::new(value)
            }
        }

        impl TryFrom<&str> for #name {
            type Error = changeos_runtime::invalid::InvalidValue;

            fn try_from(value: &str) -> Result<Self, Self::Error> {
                Self::new(value)
            }
        }

        impl std::str::FromStr for #name {
            type Err = changeos_runtime::invalid::InvalidValue;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Self::new(value)
            }
        }

        impl Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.text())
            }
        }

        #representation
    }
}

/// How a plain newtype shows and gives its text.
fn plain_representation(item: &Item<'_>) -> TokenStream {
    let name = ident(&item.name);
    quote! {
        impl #name {
            /// The value.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The text the checks run on.
            fn text(&self) -> &str {
                &self.0
            }
        }

        impl std::ops::Deref for #name {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for #name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for #name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl AsRef<str> for #name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<#name> for String {
            fn from(value: #name) -> String {
                value.0
            }
        }
    }
}

/// How a secret newtype shows (never) and gives its text (only through `expose`). It has no
/// `AsRef<str>`: generic code that takes one would print the secret without a word.
fn secret_representation(item: &Item<'_>) -> TokenStream {
    let name = ident(&item.name);
    let debug = format!("{}({})", item.name, "{}");
    quote! {
        impl #name {
            /// The clear value, for the one place that needs it (the request sent).
            pub fn expose(&self) -> &str {
                self.0.expose()
            }

            /// The value as a [`SecretString`](changeos_runtime::secret::SecretString).
            pub fn as_secret(&self) -> &changeos_runtime::secret::SecretString {
                &self.0
            }

            /// The text the checks run on.
            fn text(&self) -> &str {
                self.0.expose()
            }
        }

        impl std::fmt::Debug for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, #debug, changeos_runtime::secret::REDACTED)
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(changeos_runtime::secret::REDACTED)
            }
        }

        impl From<#name> for changeos_runtime::secret::SecretString {
            fn from(value: #name) -> changeos_runtime::secret::SecretString {
                value.0
            }
        }
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

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
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

        impl TryFrom<&str> for #name {
            type Error = changeos_runtime::invalid::InvalidValue;

            fn try_from(value: &str) -> Result<Self, Self::Error> {
                value.parse()
            }
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = String::deserialize(deserializer)?;
                value.parse().map_err(|e| serde::de::Error::custom(format_args!("unknown variant `{value}`, {e}")))
            }
        }
    }
}
