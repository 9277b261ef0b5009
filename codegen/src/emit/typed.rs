//! `lint_at` of the object models: the spec's rules on a typed value, without writing it out
//! as JSON. The values of constrained types go through the linter's own check of their text
//! (warnings included: a value that parsed breaks no error); value sets hold only their values;
//! then come the rules across members, as the JSON linter's (`lint.rs`) but on fields.

use proc_macro2::TokenStream;
use quote::quote;

use super::lint::push;
use super::types::{inline_name, is_constrained, resolve, text_check};
use crate::ir::{Api, Condition, CrossCheck, CrossRule, Kind, ObjectSchema, Property, REVIEW_RULE, SchemaRef};
use crate::names::ident;

/// The body of `lint_at(&self, path, out)` of the object `name`, and the functions a
/// composed object and its bases share (empty for any other object).
pub fn lint_body(api: &Api, name: &str, object: &ObjectSchema) -> (TokenStream, TokenStream) {
    if object.bases.is_empty() && !api.is_base(name) {
        let members = object.properties.iter().filter_map(|p| member(api, name, p));
        let cross = object.cross_rules.iter().map(|r| cross_rule(api, object, r));
        return (quote! { #(#members)* #(#cross)* }, TokenStream::new());
    }
    // A composed object checks its members in its own order (a base's through the base, which
    // defines them), then the rules: the bases' first, as the JSON linter does.
    let arms = object.properties.iter().map(|p| {
        let wire = &p.wire;
        let check = member(api, name, p);
        quote! { #wire => { #check } }
    });
    let other = member_fallback(object, quote! { lint_member_at(wire, path, out) }, quote! { false });
    let arms: Vec<TokenStream> = arms.collect();
    let member_body = by_member(&arms, other, quote! { true });
    let bases_rules = object.bases.iter().map(|b| {
        let field = base_field(object, b);
        quote! { self.#field.lint_rules_at(path, out); }
    });
    let cross = object.cross_rules.iter().map(|r| cross_rule(api, object, r));
    let shared = quote! {
        /// Lints the member `wire` if this object has it (its bases' included); false otherwise.
        pub(crate) fn lint_member_at(&self, wire: &str, path: &Path<'_>, out: &mut Vec<Finding>) -> bool {
            #member_body
        }

        /// Lints the rules across members: its bases', then its own.
        pub(crate) fn lint_rules_at(&self, path: &Path<'_>, out: &mut Vec<Finding>) {
            #(#bases_rules)*
            #(#cross)*
        }
    };
    let body = quote! {
        for wire in Self::MEMBERS {
            self.lint_member_at(wire, path, out);
        }
        self.lint_rules_at(path, out);
    };
    (body, shared)
}

/// `match wire { arms, _ => return other } done`, or just `other` for an object with no
/// members of its own (everything goes to its bases).
pub fn by_member(arms: &[TokenStream], other: TokenStream, done: TokenStream) -> TokenStream {
    if arms.is_empty() {
        return other;
    }
    quote! {
        match wire {
            #(#arms)*
            _ => return #other,
        }
        #done
    }
}

/// `self.base.f(...) || ...` over the bases, or `none` for an object without bases.
pub fn member_fallback(object: &ObjectSchema, call: TokenStream, none: TokenStream) -> TokenStream {
    if object.bases.is_empty() {
        return none;
    }
    let calls = object.bases.iter().map(|b| {
        let field = base_field(object, b);
        quote! { self.#field.#call }
    });
    quote! { #(#calls)||* }
}

/// The field of a composed object's model that holds its base `base`: `base` when it has one,
/// else the base's name in snake case.
pub fn base_field(object: &ObjectSchema, base: &str) -> proc_macro2::Ident {
    if object.bases.len() == 1 {
        quote::format_ident!("base")
    } else {
        ident(&crate::names::snake(base))
    }
}

/// The member `wire` of an object and how a value of its model reaches the field:
/// `.adminpass`, or `.base.adminpass` for a base's member.
fn access<'a>(api: &'a Api, object: &'a ObjectSchema, wire: &str) -> Option<(TokenStream, &'a Property)> {
    if let Some(p) = object.properties.iter().find(|p| p.wire == wire) {
        let field = ident(&crate::names::snake(wire));
        return Some((quote! { .#field }, p));
    }
    object.bases.iter().find_map(|b| {
        let (rest, p) = access(api, api.object_type(b)?, wire)?;
        let field = base_field(object, b);
        Some((quote! { .#field #rest }, p))
    })
}

/// The checks of one member, at its path; `None` when its type leaves nothing to check.
fn member(api: &Api, parent: &str, p: &Property) -> Option<TokenStream> {
    let wire = &p.wire;
    let field = ident(&crate::names::snake(wire));
    let check = value_checks(api, &p.schema, &inline_name(parent, wire), quote! { value });
    let review = p.review.then(|| {
        let shown = format!("`{wire}`");
        let push = push(REVIEW_RULE, quote! { path }, vec![("name", quote! { #shown })]);
        quote! { out.push(#push); }
    });
    if check.is_none() && review.is_none() {
        return None;
    }
    let body = quote! {
        let member_path = path.key(#wire);
        let path = &member_path;
        #check
        #review
    };
    Some(if is_option(api, p) {
        quote! { if let Some(value) = &self.#field { #body } }
    } else {
        quote! { { let value = &self.#field; #body } }
    })
}

/// Whether the field of `p` is an `Option` (as `models.rs` declares it).
pub fn is_option(api: &Api, p: &Property) -> bool {
    let nullable = resolve(api, &p.schema).is_some_and(|s| s.nullable);
    !p.required || nullable
}

/// The checks of a value of `r` held in `value` (a reference), at `path`.
fn value_checks(api: &Api, r: &SchemaRef, context: &str, value: TokenStream) -> Option<TokenStream> {
    let context = match r {
        SchemaRef::Named(n) => n.as_str(),
        SchemaRef::Inline(_) => context,
    };
    let schema = resolve(api, r)?;
    match &schema.kind {
        Kind::Object(_) => Some(quote! { #value.lint_at(path, out); }),
        Kind::String(s) if is_constrained(s) => {
            let check = text_check(context);
            Some(quote! { crate::lint::#check(#value.text(), path, out); })
        }
        Kind::Array(items) => {
            let inner = value_checks(api, items, &format!("{context}Item"), quote! { item })?;
            Some(quote! {
                for (index, item) in #value.iter().enumerate() {
                    let item_path = path.index(index);
                    let path = &item_path;
                    #inner
                }
            })
        }
        _ => None,
    }
}

/// A boolean known when generating, or an expression (with the operator at its top, so that
/// parentheses go only where Rust needs them: rustc warns about the others).
enum Bool {
    Const(bool),
    Expr(TokenStream, Op),
    /// `field.is_some()` (true) or `field.is_none()`: negated by flipping, as clippy wants.
    Set(TokenStream, bool),
}

#[derive(Clone, Copy, PartialEq)]
enum Op {
    Atom,
    And,
    Or,
}

impl Bool {
    fn atom(e: TokenStream) -> Bool {
        Bool::Expr(e, Op::Atom)
    }

    fn join(self, other: Bool, op: Op) -> Bool {
        let (absorbing, neutral) = (op == Op::Or, op == Op::And);
        match (self.expanded(), other.expanded()) {
            (Bool::Const(b), _) | (_, Bool::Const(b)) if b == absorbing => Bool::Const(absorbing),
            (Bool::Const(b), e) | (e, Bool::Const(b)) if b == neutral => e,
            (Bool::Expr(a, a_op), Bool::Expr(b, b_op)) => {
                let (a, b) = (grouped(a, a_op, op), grouped(b, b_op, op));
                let e = if op == Op::And {
                    quote! { #a && #b }
                } else {
                    quote! { #a || #b }
                };
                Bool::Expr(e, op)
            }
            (a, _) => a,
        }
    }

    fn and(self, other: Bool) -> Bool {
        self.join(other, Op::And)
    }

    fn or(self, other: Bool) -> Bool {
        self.join(other, Op::Or)
    }

    /// A `Set` written out as the expression it stands for.
    fn expanded(self) -> Bool {
        match self {
            Bool::Set(field, true) => Bool::atom(quote! { #field.is_some() }),
            Bool::Set(field, false) => Bool::atom(quote! { #field.is_none() }),
            other => other,
        }
    }

    fn not(self) -> Bool {
        match self {
            Bool::Set(field, some) => Bool::Set(field, !some),
            Bool::Const(b) => Bool::Const(!b),
            Bool::Expr(e, Op::Atom) => Bool::atom(quote! { !#e }),
            Bool::Expr(e, _) => Bool::atom(quote! { !(#e) }),
        }
    }

    /// `if <self> { body }`, or the body alone, or nothing.
    fn when(self, body: TokenStream) -> TokenStream {
        match self.expression() {
            Ok(e) => quote! { if #e { #body } },
            Err(true) => body,
            Err(false) => TokenStream::new(),
        }
    }

    /// The expression, or the constant it is.
    fn expression(self) -> Result<TokenStream, bool> {
        match self.expanded() {
            Bool::Const(b) => Err(b),
            Bool::Expr(e, _) | Bool::Set(e, _) => Ok(e),
        }
    }
}

/// `e` as an operand of `op`: in parentheses when its own operator is another one.
fn grouped(e: TokenStream, own: Op, op: Op) -> TokenStream {
    if own == Op::Atom || own == op {
        e
    } else {
        quote! { (#e) }
    }
}

/// Whether the member `wire` of the object at `this` would be in its JSON: a required or
/// nullable field always is (a nullable one as `null`), an optional one when it is set.
fn present(api: &Api, object: &ObjectSchema, this: &TokenStream, wire: &str) -> Bool {
    match access(api, object, wire) {
        None => Bool::Const(false),
        Some((_, p)) if p.required || nullable(api, p) => Bool::Const(true),
        Some((field, _)) => Bool::Set(quote! { #this #field }, true),
    }
}

fn nullable(api: &Api, p: &Property) -> bool {
    resolve(api, &p.schema).is_some_and(|s| s.nullable)
}

/// Does the object at `this` satisfy the condition, as `checks::object_matches` decides on
/// its JSON?
fn object_condition(api: &Api, object: &ObjectSchema, this: &TokenStream, c: &Condition) -> Bool {
    let mut result = Bool::Const(true);
    for wire in &c.required {
        result = result.and(present(api, object, this, wire));
    }
    for (wire, sub) in &c.properties {
        result = result.and(member_condition(api, object, this, wire, sub));
    }
    // An object is never one of a set of strings.
    if c.one_of.is_some() {
        result = Bool::Const(false);
    }
    result
}

/// `checks::member_matches`: true when the member is absent, else the condition on its value.
fn member_condition(api: &Api, object: &ObjectSchema, this: &TokenStream, wire: &str, c: &Condition) -> Bool {
    let Some((field, p)) = access(api, object, wire) else {
        return Bool::Const(true);
    };
    if !is_option(api, p) {
        return value_condition(api, &p.schema, &quote! { #this #field }, c);
    }
    let on_value = value_condition(api, &p.schema, &quote! { member }, c);
    // An optional field that is not set is absent from the JSON, and `properties` holds for
    // an absent member; a nullable one is there as `null`: a condition on members holds for
    // it (it is not an object), one on its value does not.
    let on_none = !nullable(api, p) || c.one_of.is_none();
    match on_value.expression() {
        Err(b) if b == on_none => Bool::Const(b),
        Err(some) => Bool::Set(quote! { #this #field }, some),
        Ok(e) if on_none => Bool::atom(quote! { #this #field.as_ref().is_none_or(|member| #e) }),
        Ok(e) => Bool::atom(quote! { #this #field.as_ref().is_some_and(|member| #e) }),
    }
}

/// The condition on a member's value held in `value`.
fn value_condition(api: &Api, r: &SchemaRef, value: &TokenStream, c: &Condition) -> Bool {
    let Some(schema) = resolve(api, r) else {
        return Bool::Const(false);
    };
    let mut result = Bool::Const(true);
    if !c.required.is_empty() || !c.properties.is_empty() {
        // `object_matches` holds for a value that is not an object.
        if let Kind::Object(object) = &schema.kind {
            result = result.and(object_condition(api, object, value, c));
        }
    }
    if let Some(values) = &c.one_of {
        let text = match &schema.kind {
            Kind::String(s) if s.values.is_some() => Some(quote! { #value.as_str() }),
            Kind::String(s) if is_constrained(s) => Some(quote! { #value.text() }),
            Kind::String(s) if s.secret => Some(quote! { #value.expose() }),
            Kind::String(_) => Some(quote! { #value.as_str() }),
            _ => None,
        };
        result = result.and(match text {
            Some(text) => Bool::atom(quote! { matches!(#text, #(#values)|*) }),
            None => Bool::Const(false),
        });
    }
    result
}

fn cross_rule(api: &Api, object: &ObjectSchema, rule: &CrossRule) -> TokenStream {
    let this = quote! { self };
    let name = ("name", quote! { &path.name() });
    match &rule.check {
        CrossCheck::Not(c) => {
            let push = push(&rule.rule, quote! { path }, vec![name]);
            object_condition(api, object, &this, c).when(quote! { out.push(#push); })
        }
        CrossCheck::AnyOf(conditions) => {
            let any = conditions.iter().fold(Bool::Const(false), |acc, c| {
                acc.or(object_condition(api, object, &this, c))
            });
            let push = push(&rule.rule, quote! { path }, vec![name]);
            any.not().when(quote! { out.push(#push); })
        }
        CrossCheck::IfThen { when, then } => {
            let broken =
                object_condition(api, object, &this, when).and(object_condition(api, object, &this, then).not());
            let push = push(&rule.rule, quote! { path }, vec![name]);
            broken.when(quote! { out.push(#push); })
        }
        CrossCheck::DependentRequired { member, needs } => {
            let shown_member = format!("`{member}`");
            let push = push(
                &rule.rule,
                quote! { path },
                vec![("name", quote! { #shown_member }), ("expected", quote! { shown })],
            );
            let checks = needs.iter().map(|need| {
                let shown = format!("`{need}`");
                present(api, object, &this, member)
                    .and(present(api, object, &this, need).not())
                    .when(quote! { let shown = #shown; out.push(#push); })
            });
            quote! { #(#checks)* }
        }
    }
}
