//! `generated/src/shapes.rs`: what the canonical, secret-safe form of request bodies needs
//! from the spec. For every object a request body reaches, its `Shape` (members in spec
//! order, secrets marked) and the insta selectors of its secrets, as `impl Canonical`; for
//! every operation, the same for its whole body on `Operation`. The algorithm that uses them
//! is hand-written (`runtime/src/canonical.rs`, in `changeos-runtime`).

use std::collections::BTreeSet;

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::lint::{secret_pointers, walk_secrets};
use super::types::{inline_name, items, resolve};
use changeos_runtime::pointer::Pointer;

use crate::ir::{Api, Kind, SchemaRef};
use crate::names::{ident, screaming};

pub fn emit(api: &Api) -> TokenStream {
    let reachable = reachable_objects(api);
    let objects: Vec<_> = items(api)
        .into_iter()
        .filter(|item| reachable.contains(&item.name))
        .filter_map(|item| match &item.schema.kind {
            Kind::Object(object) => Some((item, object)),
            _ => None,
        })
        .collect();
    let statics = objects.iter().map(|(item, object)| {
        let name = shape_ident(&item.name);
        let members = object.properties.iter().map(|p| {
            let wire = &p.wire;
            let shape = shape_expr(api, &p.schema, &inline_name(&item.name, wire));
            quote! { Member { name: #wire, shape: #shape } }
        });
        quote! { static #name: Shape = Shape::Object(&[#(#members),*]); }
    });
    let impls = objects.iter().map(|(item, _)| {
        let ty = ident(&item.name);
        let shape = shape_ident(&item.name);
        let mut stack: Vec<String> = api.type_def(&item.name).map(|t| t.name.clone()).into_iter().collect();
        let mut pointers = Vec::new();
        walk_secrets(api, item.schema, "", &mut stack, &mut pointers);
        let selectors = pointers.iter().map(|p| selector(p));
        quote! {
            impl Canonical for #ty {
                fn shape() -> &'static Shape {
                    &#shape
                }

                fn redaction_selectors() -> &'static [&'static str] {
                    &[#(#selectors),*]
                }
            }
        }
    });
    let operation = operation_impl(api);
    let types = objects.iter().map(|(item, _)| ident(&item.name));
    quote! {
        //! What the canonical, secret-safe form of request bodies needs from the spec: the
        //! members of every object a request body reaches, in spec order, its secrets, and the
        //! insta selectors of those secrets.
        //!
        //! Every request model implements [`Canonical`]; [`Operation::canonical`] does the same
        //! for any JSON value given as a request body (what `changeos render` prints).

        use serde_json::Value;

        use crate::lint::Operation;
        use crate::models::{#(#types),*};
        use changeos_runtime::canonical::{Canonical, to_text};
        use changeos_runtime::shape::{Member, Shape};

        #operation
        #(#impls)*
        #(#statics)*
    }
}

fn operation_impl(api: &Api) -> TokenStream {
    let ops: Vec<_> = api.body_operations().collect();
    let variants: Vec<_> = ops.iter().map(|(op, _)| ident(&op.id)).collect();
    let shapes = ops
        .iter()
        .map(|(_, body)| shape_expr(api, &SchemaRef::Named((*body).to_owned()), body));
    let selectors: Vec<Vec<String>> = ops
        .iter()
        .map(|(_, body)| secret_pointers(api, body).iter().map(|p| selector(p)).collect())
        .collect();
    quote! {
        impl Operation {
            /// What the spec says about the request body: its members in order, its secrets.
            pub fn shape(self) -> &'static Shape {
                match self { #( Operation::#variants => #shapes, )* }
            }

            /// The canonical, secret-safe form of a request body, for snapshots: members in spec
            /// order and then the unknown ones as written, every secret `[redacted]` except
            /// placeholders (`"$ADMIN_PASS"`). Any JSON value is accepted; the linter judges it.
            pub fn canonical(self, value: &Value) -> Value {
                self.shape().canonical(value)
            }

            /// [`Operation::canonical`] as text: pretty, 2-space indents, one final newline.
            pub fn canonical_json(self, value: &Value) -> String {
                to_text(&self.canonical(value))
            }

            /// insta selectors of every secret member of the request body.
            pub const fn redaction_selectors(self) -> &'static [&'static str] {
                match self { #( Operation::#variants => &[#(#selectors),*], )* }
            }

            /// The current insta settings plus a redaction of every secret member of the request
            /// body that keeps placeholders.
            #[cfg(feature = "insta")]
            pub fn insta_settings(self) -> insta::Settings {
                changeos_runtime::canonical::insta_settings(self.redaction_selectors())
            }
        }
    }
}

/// Names of the objects (named types, and inline ones by the name their Rust type gets) that a
/// request body reaches: each has a shape.
fn reachable_objects(api: &Api) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (_, body) in api.body_operations() {
        visit(api, &SchemaRef::Named(body.to_owned()), body, &mut out);
    }
    out
}

fn visit(api: &Api, r: &SchemaRef, context: &str, out: &mut BTreeSet<String>) {
    let context = match r {
        SchemaRef::Named(name) => name.as_str(),
        SchemaRef::Inline(_) => context,
    };
    let Some(schema) = resolve(api, r) else {
        return;
    };
    match &schema.kind {
        Kind::Object(object) => {
            if !out.insert(context.to_owned()) {
                return;
            }
            for p in &object.properties {
                visit(api, &p.schema, &inline_name(context, &p.wire), out);
            }
        }
        Kind::Array(items) => visit(api, items, &format!("{context}Item"), out),
        _ => {}
    }
}

/// `&SHAPE_X` for an object, `&Shape::Secret`, `&Shape::Array(..)` or `&Shape::Scalar`.
fn shape_expr(api: &Api, r: &SchemaRef, context: &str) -> TokenStream {
    let context = match r {
        SchemaRef::Named(name) => name.as_str(),
        SchemaRef::Inline(_) => context,
    };
    let Some(schema) = resolve(api, r) else {
        return quote! { &Shape::Scalar };
    };
    match &schema.kind {
        Kind::Object(_) => {
            let name = shape_ident(context);
            quote! { &#name }
        }
        Kind::String(s) if s.secret => quote! { &Shape::Secret },
        Kind::Array(items) => {
            let inner = shape_expr(api, items, &format!("{context}Item"));
            quote! { &Shape::Array(#inner) }
        }
        _ => quote! { &Shape::Scalar },
    }
}

fn shape_ident(name: &str) -> Ident {
    format_ident!("SHAPE_{}", screaming(name))
}

/// The insta selector of a secret's pointer: `.name` for a name insta reads as an identifier,
/// `["name"]` for any other, `[]` for every item of an array. A name that a selector cannot
/// quote (it holds `"`) becomes `.*`, every member at that level: redacting too much is safe,
/// too little is not.
fn selector(pointer: &str) -> String {
    // The secret pointers are codegen's own: RFC 6901, with `*` for every element.
    let pointer = Pointer::parse(pointer).unwrap_or_default();
    if pointer.is_root() {
        return ".".to_owned();
    }
    pointer
        .tokens()
        .map(|name| {
            if name == "*" {
                return "[]".to_owned();
            }
            if is_selector_ident(&name) {
                format!(".{name}")
            } else if name.contains('"') {
                ".*".to_owned()
            } else {
                format!("[\"{name}\"]")
            }
        })
        .collect()
}

/// insta's identifiers are `_`, `$` or a letter, then letters, digits and `_` (Unicode ones
/// too; non-ASCII names are quoted instead, which is always valid).
fn is_selector_ident(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c == '_' || c == '$' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::selector;

    #[test]
    fn selectors() {
        assert_eq!(selector("/paint-job/secret"), r#"["paint-job"].secret"#);
        assert_eq!(selector("/a/*/b_1"), ".a[].b_1");
        assert_eq!(selector("/a~1b/c~0d/$x"), r#"["a/b"]["c~d"].$x"#);
        assert_eq!(selector("/é/1a/q\"uote"), r#"["é"]["1a"].*"#);
        assert_eq!(selector(""), ".");
    }
}
