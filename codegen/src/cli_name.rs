//! `x-changeos-cli-name`: the word that picks an operation on the command line (`--op`).
//!
//! Every operation with a request body needs one, since the binary offers exactly those; the
//! names are unique and a lowercase word, so that they read as `--op NAME` and need no quoting.

use std::collections::BTreeMap;

use crate::error::{Problem, child};
use crate::ir::Operation;

/// The extension keyword, on an operation.
pub const KEYWORD: &str = "x-changeos-cli-name";

/// Every problem with the operations' CLI names, each at the operation or its keyword.
pub fn check(operations: &[Operation]) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for op in operations {
        let at = pointer(op);
        match (&op.cli_name, &op.request) {
            (None, Some(_)) => problems.push(Problem::new(
                at,
                format!("an operation with a request body needs `{KEYWORD}`: the word that picks it with `--op`"),
            )),
            (Some(_), None) => problems.push(Problem::new(
                child(&at, KEYWORD),
                "only an operation with a request body takes a CLI name (`--op` picks a body to check or send)",
            )),
            (Some(name), Some(_)) => {
                if !is_word(name) {
                    problems.push(Problem::new(
                        child(&at, KEYWORD),
                        format!(
                            "`{name}` is not a CLI name: a lowercase letter, then lowercase letters, digits or `-` ([a-z][a-z0-9-]*)"
                        ),
                    ));
                } else if let Some(first) = seen.insert(name, &op.id) {
                    problems.push(Problem::new(
                        child(&at, KEYWORD),
                        format!("the CLI name `{name}` is already the name of `{first}`"),
                    ));
                }
            }
            (None, None) => {}
        }
    }
    problems
}

/// `[a-z][a-z0-9-]*`
fn is_word(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The operation's place in the spec: `/paths/<template>/<method>`.
fn pointer(op: &Operation) -> String {
    child(&child("/paths", &op.path), &op.method.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::is_word;

    #[test]
    fn words() {
        for good in ["cloudinit", "reinstall", "os-reinstall", "v2"] {
            assert!(is_word(good), "{good}");
        }
        for bad in ["", "Cloudinit", "2fast", "-x", "os_reinstall", "os reinstall", "é"] {
            assert!(!is_word(bad), "{bad}");
        }
    }
}
