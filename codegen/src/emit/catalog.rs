//! `generated/src/catalog.rs`: one `RuleInfo` static per rule of `x-changeos-rules`, and the
//! list of them all, in spec order.

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

        use changeos_runtime::finding::{RuleInfo, Severity};

        /// Every rule, in the order of the spec's catalog.
        pub static RULES: &[&RuleInfo] = &[#(&#names),*];

        /// The rule with this id.
        pub fn rule(id: &str) -> Option<&'static RuleInfo> {
            RULES.iter().copied().find(|r| r.id == id)
        }

        #(#statics)*
    }
}

fn pretty(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}
