//! `generated/src/shapes.rs`: what the canonical, secret-safe form of request bodies needs
//! from the spec. For every object a request body reaches, its `Shape` (members in spec
//! order, secrets marked: the one description of which members are secret), as
//! `impl Canonical`; for every operation, the same for its whole body on `Operation`. What
//! reads them is hand-written (`runtime/src/shape.rs` and `canonical.rs`, in
//! `changeos-runtime`).

use std::collections::BTreeSet;

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::types::{inline_name, items, resolve};

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
            let doc = member_doc(api, p);
            let values = closed_values(api, p);
            quote! { Member { name: #wire, shape: #shape, doc: #doc, values: &[#(#values),*] } }
        });
        if object.bases.is_empty() {
            return quote! { static #name: Shape = Shape::Object(&[#(#members),*]); };
        }
        // A base's members are described once, in the base's shape.
        let bases = object.bases.iter().map(|b| shape_ident(b));
        let ty = ident(&item.name);
        quote! {
            static #name: Shape = Shape::Composed(&Composed {
                bases: &[#(&#bases),*],
                members: &[#(#members),*],
                order: #ty::MEMBERS,
            });
        }
    });
    let impls = objects.iter().map(|(item, _)| {
        let ty = ident(&item.name);
        let shape = shape_ident(&item.name);
        quote! {
            impl Canonical for #ty {
                fn shape() -> &'static Shape {
                    &#shape
                }
            }
        }
    });
    let composed = objects.iter().any(|(_, object)| !object.bases.is_empty());
    let shape_use = if composed {
        quote! { use changeos_runtime::shape::{Composed, Member, Shape}; }
    } else {
        quote! { use changeos_runtime::shape::{Member, Shape}; }
    };
    let operation = operation_impl(api);
    let types = objects.iter().map(|(item, _)| ident(&item.name));
    quote! {
        //! What the canonical, secret-safe form of request bodies needs from the spec: the
        //! members of every object a request body reaches, in spec order, and its secrets: the
        //! one description of which members are secret.
        //!
        //! Every request model implements [`Canonical`]; [`Operation::canonical`] does the same
        //! for any JSON value given as a request body (what `changeos render` prints).

        use serde_json::Value;

        use crate::lint::Operation;
        use crate::models::{#(#types),*};
        use changeos_runtime::canonical::{Canonical, to_text};
        #shape_use

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
            pub fn redaction_selectors(self) -> Vec<String> {
                self.shape().redaction_selectors()
            }

            /// The current insta settings plus a redaction of every secret member of the request
            /// body that keeps placeholders.
            #[cfg(feature = "insta")]
            pub fn insta_settings(self) -> insta::Settings {
                changeos_runtime::canonical::insta_settings(&self.redaction_selectors())
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
            for base in &object.bases {
                visit(api, &SchemaRef::Named(base.clone()), base, out);
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

/// A member's description and constraints, as the models' doc comment of its field says them.
fn member_doc(api: &Api, p: &crate::ir::Property) -> String {
    let schema = resolve(api, &p.schema);
    let description = p
        .description
        .as_deref()
        .or(schema.and_then(|s| s.description.as_deref()));
    schema
        .map(|s| super::docs::describe(description, s, Some(p.required)))
        .unwrap_or_default()
}

/// The wire values of a member whose type is a closed set (an open one takes any string).
fn closed_values<'a>(api: &'a Api, p: &'a crate::ir::Property) -> &'a [String] {
    match resolve(api, &p.schema).map(|s| &s.kind) {
        Some(Kind::String(s)) => s
            .values
            .as_ref()
            .filter(|v| !v.open)
            .map_or(&[], |v| v.values.as_slice()),
        _ => &[],
    }
}
