//! `generated/src/lint.rs`: one check function per schema a request body reaches, and the
//! `Operation` enum whose `lint` runs the right one. Every constraint becomes a plain `if`
//! that pushes a finding of its rule, so the generated code reads like the spec.

use std::collections::BTreeSet;

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::docs::characters;
use super::types::inline_name;
use crate::ir::*;
use crate::names::{ident, screaming, snake};

pub fn emit(api: &Api) -> TokenStream {
    let mut emitter = Emitter {
        api,
        fns: Vec::new(),
        done: BTreeSet::new(),
        patterns: Vec::new(),
    };
    let mut variants = Vec::new();
    for (op, body) in api.body_operations() {
        emitter.named(body);
        variants.push((op, body));
    }
    emitter.unreached_value_types();
    let fns = &emitter.fns;
    let patterns = emitter.patterns.iter().map(|(name, pattern)| {
        quote! {
            static #name: std::sync::LazyLock<regex::Regex> =
                std::sync::LazyLock::new(|| regex::Regex::new(#pattern).expect("codegen checked this pattern"));
        }
    });
    let operation = operation_enum(&variants);
    let operation_facts = super::operations::emit(api);
    quote! {
        //! The payload linter: every rule of the spec, checked on a parsed JSON value.
        //!
        //! [`Operation::lint`] returns all findings, not the first. Pointers are RFC 6901;
        //! a missing member or a broken combination points at the object that holds them.

        use serde_json::Value;

        use changeos_runtime::json::Json;

        use changeos_runtime::finding::Finding;
        use crate::catalog;
        use changeos_runtime::checks;
        use changeos_runtime::path::Path;

        #operation
        #operation_facts
        #(#patterns)*
        #(#fns)*
    }
}

fn operation_enum(ops: &[(&Operation, &str)]) -> TokenStream {
    let variants: Vec<_> = ops.iter().map(|(op, _)| ident(&op.id)).collect();
    let ids: Vec<_> = ops.iter().map(|(op, _)| op.id.as_str()).collect();
    let methods: Vec<_> = ops.iter().map(|(op, _)| op.method.as_str()).collect();
    let paths: Vec<_> = ops.iter().map(|(op, _)| op.path.as_str()).collect();
    let checks: Vec<_> = ops
        .iter()
        .map(|(_, body)| format_ident!("check_{}", snake(body)))
        .collect();
    let schemas: Vec<_> = ops
        .iter()
        .map(|(op, _)| format!("../schema/{}.request.json", op.id))
        .collect();
    let docs = ops.iter().map(|(op, _)| {
        format!(
            " `{} {}`{}",
            op.method,
            op.path,
            op.summary.as_deref().map(|s| format!(": {s}")).unwrap_or_default()
        )
    });
    quote! {
        /// An operation of the spec that takes a JSON request body.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Operation {
            #( #[doc = #docs] #variants, )*
        }

        impl Operation {
            /// Every operation with a request body, in spec order.
            pub const ALL: &'static [Operation] = &[#(Operation::#variants),*];

            /// The spec's operationId.
            pub const fn id(self) -> &'static str {
                match self { #( Operation::#variants => #ids, )* }
            }

            /// The HTTP method.
            pub const fn method(self) -> &'static str {
                match self { #( Operation::#variants => #methods, )* }
            }

            /// The path template, with `{name}` parameters.
            pub const fn path(self) -> &'static str {
                match self { #( Operation::#variants => #paths, )* }
            }

            /// The operation with this operationId.
            pub fn from_id(id: &str) -> Option<Operation> {
                Operation::ALL.iter().copied().find(|op| op.id() == id)
            }

            /// Every finding of the spec's rules on a request body.
            pub fn lint(self, value: &Value) -> Vec<Finding> {
                self.lint_json(&Json::from(value))
            }

            /// [`Operation::lint`] on a value parsed into the linter's own form.
            pub fn lint_json(self, value: &Json<'_>) -> Vec<Finding> {
                let mut out = Vec::new();
                match self { #( Operation::#variants => #checks(value, &Path::Root, &mut out), )* }
                out
            }

            /// The standalone JSON Schema (2020-12) of the request body.
            pub const fn schema(self) -> &'static str {
                match self { #( Operation::#variants => include_str!(#schemas), )* }
            }
        }
    }
}

struct Emitter<'a> {
    api: &'a Api,
    fns: Vec<TokenStream>,
    done: BTreeSet<String>,
    patterns: Vec<(proc_macro2::Ident, String)>,
}

impl<'a> Emitter<'a> {
    /// Emits the check function of a named type (once) and returns its name.
    fn named(&mut self, name: &str) -> proc_macro2::Ident {
        let fn_name = format_ident!("check_{}", snake(name));
        if self.done.insert(name.to_owned())
            && let Some(t) = self.api.type_def(name)
        {
            self.schema_fn(&fn_name, name, &t.schema);
        }
        fn_name
    }

    /// The models parse every constrained string and closed value set with the check of its
    /// text; those no request body reaches (in responses only) get that function alone.
    fn unreached_value_types(&mut self) {
        for item in super::types::items(self.api) {
            let Kind::String(s) = &item.schema.kind else { continue };
            if !self.done.insert(item.name.clone()) {
                continue;
            }
            let fn_name = format_ident!("check_{}", snake(&item.name));
            // Only the text function is kept; the JSON one would be dead code.
            let _json_body = self.string(&fn_name, item.schema, s);
        }
    }

    /// The check function for a property's or an item's schema.
    fn reference(&mut self, r: &'a SchemaRef, context: &str) -> proc_macro2::Ident {
        match r {
            SchemaRef::Named(name) => self.named(name),
            SchemaRef::Inline(schema) => {
                let fn_name = format_ident!("check_{}", snake(context));
                if self.done.insert(context.to_owned()) {
                    self.schema_fn(&fn_name, context, schema);
                }
                fn_name
            }
        }
    }

    fn schema_fn(&mut self, fn_name: &proc_macro2::Ident, name: &str, schema: &'a Schema) {
        let body = match &schema.kind {
            Kind::Object(_) if self.api.is_base(name) => self.base_object(name, schema),
            Kind::Object(o) => self.object(name, schema, o),
            Kind::String(s) => self.string(fn_name, schema, s),
            Kind::Array(items) => {
                let check = self.reference(items, &format!("{name}Item"));
                let wrong = wrong_type(schema, "an array", false, None, None);
                quote! {
                    let Some(items) = value.as_array() else { #wrong return; };
                    for (index, item) in items.iter().enumerate() {
                        #check(item, &path.index(index), out);
                    }
                }
            }
            Kind::Integer => scalar(schema, "an integer", quote! { checks::JsonType::Integer }),
            Kind::Number => scalar(schema, "a number", quote! { checks::JsonType::Number }),
            Kind::Boolean => scalar(schema, "a boolean", quote! { checks::JsonType::Boolean }),
        };
        let null_ok = schema.nullable.then(|| quote! { if value.is_null() { return; } });
        let doc = format!(" Checks a value against `{name}`.");
        self.fns.push(quote! {
            #[doc = #doc]
            pub(crate) fn #fn_name(value: &Json<'_>, path: &Path<'_>, out: &mut Vec<Finding>) {
                #null_ok
                #body
            }
        });
    }

    /// One pass over the object's members: each known name goes to its check, any other name
    /// is an unknown member; then the missing required members and the rules across members.
    /// A base's members and rules are checked by the base's own functions (see [`Self::base`]).
    fn object(&mut self, name: &str, schema: &Schema, object: &'a ObjectSchema) -> TokenStream {
        let as_object = as_object(schema);
        let all = self.api.members(object);
        let names: Vec<&str> = all.iter().map(|p| p.wire.as_str()).collect();
        let (members_of, rules_of) = self.bases(object);
        // A name that differs from one spec name only in case, `-` or `_` is fixable; whether
        // the rename would clash is worked out once per object (in `Closed`), not per member.
        let closed = object.closed.as_ref().map(|rule| {
            let rule = format_ident!("{}", screaming(rule));
            let expected = list(&names, "`", "`", "and");
            quote! {
                let mut closed = checks::Closed::new(&catalog::#rule, &[#(#names),*], #expected);
            }
        });
        let unknown = match closed {
            Some(_) => quote! { closed.unknown(key, object, path, out); },
            None => quote! {},
        };
        let other = if members_of.is_empty() {
            unknown
        } else {
            quote! { if !(#(#members_of(key, member, path, out))||*) { #unknown } }
        };
        let mut flags = Vec::new();
        let arms = self.member_arms(name, object, Some(&mut flags));
        let dispatch = if arms.is_empty() {
            other
        } else {
            quote! { match key { #(#arms)* _ => { #other } } }
        };
        let declare = flags.iter().map(|(flag, _)| quote! { let mut #flag = false; });
        let missing = object.required_rule.as_ref().map(|rule| {
            let rule = format_ident!("{}", screaming(rule));
            let checks = flags.iter().map(|(flag, wire)| {
                let shown = format!("`{wire}`");
                quote! { if !#flag { checks::missing(&catalog::#rule, path, #shown, out); } }
            });
            quote! { #(#checks)* }
        });
        let cross = object.cross_rules.iter().map(cross_rule);
        quote! {
            #as_object
            #(#declare)*
            #closed
            for (key, member) in object.iter() {
                #dispatch
            }
            #(#rules_of(value, object, path, out);)*
            #missing
            #(#cross)*
        }
    }

    /// A base checked on its own: its members and rules, through the functions that the
    /// objects composing it call too. A base is open, so any other member is fine.
    fn base_object(&mut self, name: &str, schema: &Schema) -> TokenStream {
        let as_object = as_object(schema);
        let (members_of, rules_of) = self.base(name);
        quote! {
            #as_object
            for (key, member) in object.iter() {
                #members_of(key, member, path, out);
            }
            #rules_of(value, object, path, out);
        }
    }

    /// The `match` arms of an object's own members; with `flags`, each required member's arm
    /// sets a flag, which is pushed to `flags` with its wire name.
    fn member_arms(
        &mut self,
        name: &str,
        object: &'a ObjectSchema,
        mut flags: Option<&mut Vec<(proc_macro2::Ident, String)>>,
    ) -> Vec<TokenStream> {
        object
            .properties
            .iter()
            .map(|p| {
                let check = self.reference(&p.schema, &inline_name(name, &p.wire));
                let wire = &p.wire;
                let seen = flags.as_deref_mut().filter(|_| p.required).map(|flags| {
                    // Two wire names can share a snake-case form (`a-b`, `a_b`): number the later.
                    let mut flag = format_ident!("has_{}", snake(wire));
                    if flags.iter().any(|(f, _)| *f == flag) {
                        flag = format_ident!("has_{}_{}", snake(wire), flags.len());
                    }
                    flags.push((flag.clone(), wire.clone()));
                    quote! { #flag = true; }
                });
                // A member marked `x-review` lints as usual, and its use is a warning too.
                let review = p.review.then(|| {
                    let shown = format!("`{wire}`");
                    let push = push(
                        REVIEW_RULE,
                        quote! { &path.key(#wire) },
                        vec![("name", quote! { #shown })],
                    );
                    quote! { out.push(#push); }
                });
                quote! { #wire => { #seen #check(member, &path.key(#wire), out); #review } }
            })
            .collect()
    }

    /// The functions of an object's bases (emitted once each): one that checks a member if it
    /// is the base's, one that checks the base's rules across members.
    fn bases(&mut self, object: &ObjectSchema) -> (Vec<proc_macro2::Ident>, Vec<proc_macro2::Ident>) {
        object.bases.iter().map(|base| self.base(base)).unzip()
    }

    fn base(&mut self, name: &str) -> (proc_macro2::Ident, proc_macro2::Ident) {
        let members_fn = format_ident!("check_member_of_{}", snake(name));
        let rules_fn = format_ident!("check_rules_of_{}", snake(name));
        if self.done.insert(format!("base {name}"))
            && let Some(object) = self.api.object_type(name)
        {
            let (members_of, rules_of) = self.bases(object);
            let other = if members_of.is_empty() {
                quote! { false }
            } else {
                quote! { #(#members_of(key, member, path, out))||* }
            };
            let arms = self.member_arms(name, object, None);
            let missing = object.required_rule.as_ref().map(|rule| {
                let rule = format_ident!("{}", screaming(rule));
                let checks = object.properties.iter().filter(|p| p.required).map(|p| {
                    let wire = &p.wire;
                    let shown = format!("`{wire}`");
                    quote! { if !object.contains_key(#wire) { checks::missing(&catalog::#rule, path, #shown, out); } }
                });
                quote! { #(#checks)* }
            });
            let cross = object.cross_rules.iter().map(cross_rule);
            let members_doc =
                format!(" Checks `key` if it is a member of `{name}` (of those it composes too); false for any other.");
            let rules_doc =
                format!(" Checks the rules of `{name}` across its members: the required ones, and those between them.");
            // Parameters a base's rules do not read are named `_…`, as rustc asks.
            let composes = !object.bases.is_empty();
            let dependent = |r: &CrossRule| matches!(r.check, CrossCheck::DependentRequired { .. });
            let value_param = if composes || object.cross_rules.iter().any(|r| !dependent(r)) {
                format_ident!("value")
            } else {
                format_ident!("_value")
            };
            let object_param = if composes || missing.is_some() || object.cross_rules.iter().any(dependent) {
                format_ident!("object")
            } else {
                format_ident!("_object")
            };
            self.fns.push(quote! {
                #[doc = #members_doc]
                pub(crate) fn #members_fn(key: &str, member: &Json<'_>, path: &Path<'_>, out: &mut Vec<Finding>) -> bool {
                    match key {
                        #(#arms)*
                        _ => return #other,
                    }
                    true
                }
                #[doc = #rules_doc]
                pub(crate) fn #rules_fn(#value_param: &Json<'_>, #object_param: &changeos_runtime::json::Object<'_>, path: &Path<'_>, out: &mut Vec<Finding>) {
                    #(#rules_of(value, object, path, out);)*
                    #missing
                    #(#cross)*
                }
            });
        }
        (members_fn, rules_fn)
    }

    /// The checks of a string schema; `fn_name` is the function they go into, which also
    /// decides whether a boolean or number written in its place is fixable (by quoting it).
    fn string(&mut self, fn_name: &proc_macro2::Ident, schema: &Schema, s: &StringSchema) -> TokenStream {
        let allowed: Vec<&str> = s
            .values
            .iter()
            .flat_map(|v| v.values.iter().map(String::as_str))
            .collect();
        // A secret's value is never rewritten, not even quoted.
        let fix = (!s.secret).then(|| quote! { checks::quote_fix(value, path, #fn_name) });
        let wrong = wrong_type(schema, "a string", s.secret, Some(&allowed), fix);
        let mut checks = Vec::new();
        let actual = |s: &StringSchema| {
            if s.secret {
                quote! { changeos_runtime::secret::REDACTED }
            } else {
                quote! { &checks::quote(text) }
            }
        };
        if let Some(values) = s.values.as_ref().filter(|v| !v.open) {
            let expected = match allowed.as_slice() {
                [one] => format!("\"{one}\""),
                _ => format!("one of {}", list(&allowed, "\"", "\"", "or")),
            };
            let wires = &values.values;
            let push = push(
                &values.rule,
                quote! { path },
                vec![
                    ("name", quote! { &path.name() }),
                    ("expected", quote! { #expected }),
                    ("actual", actual(s)),
                ],
            );
            checks.push(quote! { if !matches!(text, #(#wires)|*) { out.push(#push); } });
        }
        if s.min_length.is_some() || s.max_length.is_some() {
            checks.push(quote! { let length = checks::char_len(text); });
            let shown = if s.secret {
                quote! { changeos_runtime::secret::REDACTED }
            } else {
                quote! { &format!("{length} characters") }
            };
            for (bound, is_min) in [(&s.min_length, true), (&s.max_length, false)] {
                let Some((limit, rule)) = bound else { continue };
                let lit = Literal::usize_unsuffixed(*limit as usize);
                let text_limit = limit.to_string();
                let expected = if is_min {
                    format!("at least {}", characters(*limit))
                } else {
                    format!("at most {}", characters(*limit))
                };
                let test = if is_min {
                    quote! { length < #lit }
                } else {
                    quote! { length > #lit }
                };
                let push = push(
                    rule,
                    quote! { path },
                    vec![
                        ("name", quote! { &path.name() }),
                        ("expected", quote! { #expected }),
                        ("limit", quote! { #text_limit }),
                        ("actual", shown.clone()),
                    ],
                );
                checks.push(quote! { if #test { out.push(#push); } });
            }
        }
        if let Some((pattern, rule)) = &s.pattern {
            let static_name = format_ident!("PATTERN_{}", self.patterns.len() + 1);
            self.patterns.push((static_name.clone(), pattern.clone()));
            let expected = format!("to match `{pattern}`");
            let push = push(
                rule,
                quote! { path },
                vec![
                    ("name", quote! { &path.name() }),
                    ("expected", quote! { #expected }),
                    ("actual", actual(s)),
                ],
            );
            checks.push(quote! { if !#static_name.is_match(text) { out.push(#push); } });
        }
        if let Some(rule) = &s.uuid {
            let push = push(
                rule,
                quote! { path },
                vec![
                    ("name", quote! { &path.name() }),
                    ("expected", quote! { "a UUID (8-4-4-4-12 hexadecimal digits)" }),
                    ("actual", actual(s)),
                ],
            );
            checks.push(quote! { if !checks::is_uuid(text) { out.push(#push); } });
        }
        if let Some(policy) = &s.password {
            checks.extend(password(policy));
        }
        if let Some(b64) = &s.base64 {
            checks.push(base64(b64));
        }
        if checks.is_empty() {
            return quote! { if !value.is_string() { #wrong } };
        }
        let text_fn = text_check_name(fn_name);
        let placeholder = s
            .placeholder
            .then(|| quote! { if changeos_runtime::placeholder::is_placeholder(text) { return; } });
        // The checks of the text alone are a function of their own: the models' types parse
        // with it, so each rule is written once for the linter and the models.
        self.fns.push(quote! {
            /// The rules of this schema on a string value (the type of the value is checked).
            pub(crate) fn #text_fn(text: &str, path: &Path<'_>, out: &mut Vec<Finding>) {
                #placeholder
                #(#checks)*
            }
        });
        quote! {
            let Some(text) = value.as_str() else { #wrong return; };
            #text_fn(text, path, out);
        }
    }
}

fn scalar(schema: &Schema, expected: &str, json_type: TokenStream) -> TokenStream {
    let wrong = wrong_type(schema, expected, false, None, None);
    quote! { if !#json_type.matches(value) { #wrong } }
}

/// The statement that reports a value of the wrong JSON type; `fix` is the expression of its
/// `Option<Fix>`, if the type has one.
/// `let Some(object) = …`: the object, or a finding of the schema's type rule and `return`.
fn as_object(schema: &Schema) -> TokenStream {
    let rule = format_ident!("{}", screaming(&schema.type_rule));
    let expected = if schema.nullable {
        "an object or null"
    } else {
        "an object"
    };
    quote! {
        let Some(object) = checks::object(value, path, &catalog::#rule, #expected, out) else { return; };
    }
}

fn wrong_type(
    schema: &Schema,
    expected: &str,
    secret: bool,
    allowed: Option<&[&str]>,
    fix: Option<TokenStream>,
) -> TokenStream {
    let expected = if schema.nullable {
        format!("{expected} or null")
    } else {
        expected.to_owned()
    };
    let actual = if secret {
        quote! { checks::type_name(value) }
    } else {
        quote! { &checks::describe(value) }
    };
    let push = push(
        &schema.type_rule,
        quote! { path },
        vec![
            ("name", quote! { &path.name() }),
            ("expected", quote! { #expected }),
            ("actual", actual),
        ],
    );
    let push = match allowed {
        Some(allowed) if !secret && !allowed.is_empty() => {
            quote! { #push.with_help(checks::string_hint(value, &[#(#allowed),*])) }
        }
        _ => push,
    };
    match fix {
        Some(fix) => quote! { out.push(#push.with_fix(#fix)); },
        None => quote! { out.push(#push); },
    }
}

fn password(policy: &PasswordPolicy) -> Vec<TokenStream> {
    let name = ("name", quote! { &path.name() });
    let mut out = Vec::new();
    if let Some((min, rule)) = &policy.classes {
        let lit = Literal::usize_unsuffixed(*min as usize);
        let limit = min.to_string();
        let push = push(
            rule,
            quote! { path },
            vec![
                name.clone(),
                ("limit", quote! { #limit }),
                (
                    "expected",
                    quote! { "upper-case letters, lower-case letters, digits, special characters" },
                ),
            ],
        );
        out.push(quote! { if changeos_runtime::password::class_count(text) < #lit { out.push(#push); } });
    }
    if let Some((chars, rule)) = &policy.doubtful {
        let spaced: Vec<String> = chars.chars().map(String::from).collect();
        let expected = spaced.join(" ");
        let push = push(
            rule,
            quote! { path },
            vec![name.clone(), ("expected", quote! { #expected })],
        );
        out.push(quote! { if changeos_runtime::password::contains_any(text, #chars) { out.push(#push); } });
    }
    if let Some((names, rule)) = &policy.usernames {
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let expected = list(&refs, "`", "`", "or");
        let push = push(
            rule,
            quote! { path },
            vec![name.clone(), ("expected", quote! { #expected })],
        );
        out.push(
            quote! { if changeos_runtime::password::contained_name(text, &[#(#names),*]).is_some() { out.push(#push); } },
        );
    }
    if let Some(runs) = &policy.username_runs {
        let lit = Literal::usize_unsuffixed(runs.max as usize);
        let limit = runs.max.to_string();
        let user = &runs.name;
        let push = push(
            &runs.rule,
            quote! { path },
            vec![name, ("limit", quote! { #limit }), ("expected", quote! { #user })],
        );
        out.push(quote! { if changeos_runtime::password::has_run_of(text, #user, #lit) { out.push(#push); } });
    }
    out
}

fn base64(b64: &Base64) -> TokenStream {
    let lit = Literal::usize_unsuffixed(b64.max_decoded_bytes as usize);
    let limit = b64.max_decoded_bytes.to_string();
    let invalid = push(
        &b64.rule,
        quote! { path },
        vec![
            ("name", quote! { &path.name() }),
            ("actual", quote! { &error.to_string() }),
        ],
    );
    let too_big = push(
        &b64.size_rule,
        quote! { path },
        vec![
            ("name", quote! { &path.name() }),
            ("limit", quote! { #limit }),
            ("actual", quote! { &format!("{size} bytes") }),
        ],
    );
    let checks = quote! {
        match changeos_runtime::base64::decoded_len(text) {
            Err(error) => out.push(#invalid),
            Ok(size) if size > #lit => out.push(#too_big),
            Ok(_) => {}
        }
    };
    let Some(lines_rule) = &b64.lines_rule else {
        return checks;
    };
    // Base64 wrapped into lines is reported by its own rule, with the joined value as the fix,
    // and the joined value is what the size is checked on.
    let wrapped = push(lines_rule, quote! { path }, vec![("name", quote! { &path.name() })]);
    quote! {
        let joined = changeos_runtime::base64::join_lines(text);
        if let Some(joined) = &joined {
            out.push(#wrapped.with_fix(Some(changeos_runtime::finding::Fix::ReplaceString { text: joined.clone() })));
        }
        let text = joined.as_deref().unwrap_or(text);
        #checks
    }
}

fn cross_rule(rule: &CrossRule) -> TokenStream {
    let name = ("name", quote! { &path.name() });
    match &rule.check {
        CrossCheck::Not(c) => {
            let test = condition(c, &quote! { value });
            let push = push(&rule.rule, quote! { path }, vec![name]);
            quote! { if #test { out.push(#push); } }
        }
        CrossCheck::AnyOf(conditions) => {
            let tests = conditions.iter().map(|c| condition(c, &quote! { value }));
            let push = push(&rule.rule, quote! { path }, vec![name]);
            quote! { if !(#(#tests)||*) { out.push(#push); } }
        }
        CrossCheck::IfThen { when, then } => {
            let when = condition(when, &quote! { value });
            let then = condition(then, &quote! { value });
            let push = push(&rule.rule, quote! { path }, vec![name]);
            quote! { if #when && !(#then) { out.push(#push); } }
        }
        CrossCheck::DependentRequired { member, needs } => {
            let shown_member = format!("`{member}`");
            let shown: Vec<String> = needs.iter().map(|n| format!("`{n}`")).collect();
            let push = push(
                &rule.rule,
                quote! { path },
                vec![("name", quote! { #shown_member }), ("expected", quote! { shown })],
            );
            quote! {
                if object.contains_key(#member) {
                    for (need, shown) in [#((#needs, #shown)),*] {
                        if !object.contains_key(need) { out.push(#push); }
                    }
                }
            }
        }
    }
}

/// A boolean expression: does `value` satisfy the JSON Schema condition?
fn condition(c: &Condition, value: &TokenStream) -> TokenStream {
    let mut parts = Vec::new();
    if !c.required.is_empty() || !c.properties.is_empty() {
        let required = &c.required;
        let members: Vec<TokenStream> = c
            .properties
            .iter()
            .map(|(key, sub)| {
                let inner = condition(sub, &quote! { member });
                quote! { checks::member_matches(object, #key, |member| #inner) }
            })
            .collect();
        let test = if members.is_empty() {
            quote! { |_| true }
        } else {
            quote! { |object| #(#members)&&* }
        };
        parts.push(quote! { checks::object_matches(#value, &[#(#required),*], #test) });
    }
    if let Some(values) = &c.one_of {
        parts.push(quote! { checks::is_one_of(#value, &[#(#values),*]) });
    }
    if parts.is_empty() {
        quote! { true }
    } else {
        quote! { #(#parts)&&* }
    }
}

/// The function that checks the text of a string schema whose JSON check is `fn_name`.
pub fn text_check_name(fn_name: &proc_macro2::Ident) -> proc_macro2::Ident {
    format_ident!("{fn_name}_text")
}

/// `Finding::new(&catalog::RULE, path, &[vars])`.
pub(super) fn push(rule: &str, path: TokenStream, vars: Vec<(&str, TokenStream)>) -> TokenStream {
    let rule = format_ident!("{}", screaming(rule));
    let vars = vars.into_iter().map(|(k, v)| quote! { (#k, #v) });
    quote! { Finding::new(&catalog::#rule, #path, &[#(#vars),*]) }
}

/// `a`, `b` and `c`, each wrapped in `open`/`close`.
pub fn list(items: &[&str], open: &str, close: &str, last: &str) -> String {
    let wrapped: Vec<String> = items.iter().map(|i| format!("{open}{i}{close}")).collect();
    match wrapped.split_last() {
        None => String::new(),
        Some((only, [])) => only.clone(),
        Some((tail, head)) => format!("{} {last} {tail}", head.join(", ")),
    }
}
