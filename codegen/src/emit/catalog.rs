//! `generated/src/catalog.rs`: one `RuleInfo` static per rule of `x-changeos-rules`, and the
//! list of them all, in spec order. There is no lookup by id here: findings name their rule
//! by the static, and the one parse of typed ids covers this catalog and the validator's own.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{Api, Severity};
use crate::names::screaming;

pub fn emit(api: &Api) -> TokenStream {
    let statics = api.rules.iter().map(|rule| {
        let name = format_ident!("{}", screaming(&rule.id));
        let id = &rule.id;
        let severity = match rule.severity {
            Severity::Error => quote! { Severity::Error },
            Severity::Warning => quote! { Severity::Warning },
        };
        let summary = &rule.summary;
        let message = &rule.message;
        let help = match &rule.help {
            Some(h) => quote! { Some(#h) },
            None => quote! { None },
        };
        let explanation = &rule.explanation;
        let bad = pretty(&rule.bad);
        let good = pretty(&rule.good);
        let operation = &rule.operation;
        let keywords = &rule.keywords;
        let standard = rule.is_standard();
        let doc = format!(" `{id}`: {summary}");
        quote! {
            #[doc = #doc]
            pub static #name: RuleInfo = RuleInfo {
                id: #id,
                severity: #severity,
                summary: #summary,
                message: #message,
                help: #help,
                explanation: #explanation,
                bad: #bad,
                good: #good,
                operation: #operation,
                keywords: &[#(#keywords),*],
                standard: #standard,
            };
        }
    });
    let names = api.rules.iter().map(|r| format_ident!("{}", screaming(&r.id)));
    quote! {
        //! The rule catalog: every rule the linter can report, with its severity, messages,
        //! explanation and a bad and a good example.

        use changeos_runtime::rule::{RuleInfo, Severity};

        /// Every rule, in the order of the spec's catalog. The linter names a finding's rule by
        /// its static; ids typed by a person become rules through the validator's
        /// `rules::parse`, which knows this catalog and the validator's own.
        pub static RULES: &[&RuleInfo] = &[#(&#names),*];

        #(#statics)*
    }
}

fn pretty(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}
