//! The `Operation` facts the command line and the client need, so that neither names an
//! operation: its CLI name (`x-changeos-cli-name`), summary, path parameters and schemas.
//! An operation added to the spec reaches `--op` and `send` with no hand edit.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Api, Operation};
use crate::names::ident;

pub fn emit(api: &Api) -> TokenStream {
    let ops: Vec<(&Operation, &str)> = api.body_operations().collect();
    let Some((first, _)) = ops.first() else {
        return TokenStream::new();
    };
    let default = ident(&first.id);
    let variants: Vec<_> = ops.iter().map(|(op, _)| ident(&op.id)).collect();
    let cli_names = ops.iter().map(|(op, _)| op.cli_name.as_deref().unwrap_or_default());
    let summaries = ops.iter().map(|(op, _)| match &op.summary {
        Some(summary) => quote!(Some(#summary)),
        None => quote!(None),
    });
    let params = ops.iter().map(|(op, _)| {
        let names = path_params(&op.path);
        quote!(&[#(#names),*])
    });
    let bodies = ops.iter().map(|(_, body)| *body);
    let responses = ops.iter().map(|(op, _)| match success_schema(op) {
        Some(name) => quote!(Some(#name)),
        None => quote!(None),
    });
    quote! {
        impl Operation {
            /// What `--op` means when it is not given: the first operation with a request body,
            /// in spec order.
            pub const DEFAULT: Operation = Operation::#default;

            /// Its name on the command line (`--op`), the spec's `x-changeos-cli-name`.
            pub const fn cli_name(self) -> &'static str {
                match self { #( Operation::#variants => #cli_names, )* }
            }

            /// The operation with this CLI name.
            pub fn from_cli_name(name: &str) -> Option<Operation> {
                Operation::ALL.iter().copied().find(|op| op.cli_name() == name)
            }

            /// The spec's one-line summary.
            pub const fn summary(self) -> Option<&'static str> {
                match self { #( Operation::#variants => #summaries, )* }
            }

            /// The names of the `{name}` parameters of [`Operation::path`], in order.
            pub const fn path_params(self) -> &'static [&'static str] {
                match self { #( Operation::#variants => #params, )* }
            }

            /// The name of the request body's schema (under `components/schemas`).
            pub const fn body_schema(self) -> &'static str {
                match self { #( Operation::#variants => #bodies, )* }
            }

            /// The name of the schema of the first 2xx answer with a JSON body, if any.
            pub const fn response_schema(self) -> Option<&'static str> {
                match self { #( Operation::#variants => #responses, )* }
            }
        }
    }
}

/// `/v1/{a}/x/{b}` → `["a", "b"]`.
fn path_params(template: &str) -> Vec<&str> {
    template
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}

fn success_schema(op: &Operation) -> Option<&str> {
    op.responses
        .iter()
        .find(|(status, _)| status.starts_with('2'))
        .map(|(_, name)| name.as_str())
}

#[cfg(test)]
mod tests {
    use super::path_params;

    #[test]
    fn path_parameters_in_order() {
        assert_eq!(path_params("/v1/{a}/x/{b_c}/y"), ["a", "b_c"]);
        assert!(path_params("/v1/jobs").is_empty());
    }
}
