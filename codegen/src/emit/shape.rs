//! `generated/src/shape.rs`: the shape of every request body, for tools that lay payload
//! files out in spec order (`changeos fmt`). Each object or array a body reaches becomes a
//! `Shape` static: the members in the order of the spec's `properties`, each with the shape of
//! its value; `Operation::shape` names the root of each body.

use std::collections::BTreeSet;

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::types::inline_name;
use crate::ir::{Api, Kind, Schema, SchemaRef};
use crate::names::{ident, screaming};

pub fn emit(api: &Api) -> TokenStream {
    let mut emitter = Emitter {
        api,
        statics: Vec::new(),
        done: BTreeSet::new(),
    };
    let mut arms = Vec::new();
    for (op, body) in api.body_operations() {
        let variant = ident(&op.id);
        let shape = emitter.named(body);
        arms.push(quote! { Operation::#variant => #shape, });
    }
    let statics = &emitter.statics;
    quote! {
        //! The shape of every request body: for each object the spec describes, its members in
        //! spec order and the shape of each member's value. `changeos fmt` orders members by it.

        use crate::lint::Operation;
        use crate::support::shape::{Member, Shape};

        impl Operation {
            /// The shape of the request body: members in spec order, nested objects and arrays
            /// included.
            pub const fn shape(self) -> &'static Shape {
                match self { #(#arms)* }
            }
        }

        #(#statics)*
    }
}

struct Emitter<'a> {
    api: &'a Api,
    statics: Vec<TokenStream>,
    /// Names whose static is emitted (or being emitted: shapes may refer to each other).
    done: BTreeSet<String>,
}

impl Emitter<'_> {
    /// A `&'static Shape` expression for a named type, emitting its static once.
    fn named(&mut self, name: &str) -> TokenStream {
        match self.api.type_def(name) {
            Some(t) => self.schema(name, &t.schema),
            None => quote! { &Shape::Scalar },
        }
    }

    /// A `&'static Shape` expression for a property's or an item's schema; `context` names an
    /// inline one.
    fn reference(&mut self, r: &SchemaRef, context: &str) -> TokenStream {
        match r {
            SchemaRef::Named(name) => self.named(name),
            SchemaRef::Inline(schema) => self.schema(context, schema),
        }
    }

    /// Objects and arrays get a static named after `name` (emitted once; shapes may refer to
    /// each other); anything else is a scalar.
    fn schema(&mut self, name: &str, schema: &Schema) -> TokenStream {
        if !matches!(schema.kind, Kind::Object(_) | Kind::Array(_)) {
            return quote! { &Shape::Scalar };
        }
        let static_name = static_ident(name);
        if !self.done.insert(name.to_owned()) {
            return quote! { &#static_name };
        }
        // The slot is taken before the members are visited, so that statics read top-down.
        let slot = self.statics.len();
        self.statics.push(TokenStream::new());
        let value = match &schema.kind {
            Kind::Array(items) => {
                let shape = self.reference(items, &format!("{name}Item"));
                quote! { Shape::Array(#shape) }
            }
            Kind::Object(object) => {
                let members: Vec<TokenStream> = object
                    .properties
                    .iter()
                    .map(|p| {
                        let wire = &p.wire;
                        let shape = self.reference(&p.schema, &inline_name(name, wire));
                        quote! { Member { name: #wire, shape: #shape } }
                    })
                    .collect();
                quote! { Shape::Object(&[#(#members),*]) }
            }
            _ => quote! { Shape::Scalar },
        };
        let doc = format!(" The shape of `{name}`.");
        self.statics[slot] = quote! {
            #[doc = #doc]
            pub static #static_name: Shape = #value;
        };
        quote! { &#static_name }
    }
}

fn static_ident(name: &str) -> Ident {
    format_ident!("{}", screaming(name))
}
