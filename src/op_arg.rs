//! `--op`: which operation of the spec, by its CLI name (`x-changeos-cli-name`). The choices
//! are the generated `Operation::ALL`, so an operation added to the spec is offered here, in
//! the help, the completions and the error of a wrong value, with no edit.

use std::ffi::OsStr;

use changeos_validator::Operation;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::error::ErrorKind;

/// Parses `--op NAME` into the operation with that CLI name.
#[derive(Debug, Clone, Copy, Default)]
pub struct OpParser;

impl TypedValueParser for OpParser {
    type Value = Operation;

    fn parse_ref(&self, cmd: &clap::Command, arg: Option<&clap::Arg>, value: &OsStr) -> Result<Operation, clap::Error> {
        // clap's own parser of a closed list: the same error text ("invalid value ... [possible
        // values: ...]", with a suggestion) as a hand-written `ValueEnum` gave.
        let name = PossibleValuesParser::new(possible_values()).parse_ref(cmd, arg, value)?;
        Operation::from_cli_name(&name).ok_or_else(|| clap::Error::new(ErrorKind::InvalidValue).with_cmd(cmd))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(possible_values()))
    }
}

/// The value `--op` has when it is not given: the first operation with a request body in spec
/// order.
pub const DEFAULT: &str = Operation::DEFAULT.cli_name();

/// The help of an `--op` that `changeos.toml` can choose instead: `what` the flag says, then
/// where its value comes from when it is left out.
pub fn mapped_by_config(what: &str) -> String {
    format!("{what} [default: the op the [[files]] of changeos.toml map the file to, else {DEFAULT}]")
}

fn possible_values() -> impl Iterator<Item = PossibleValue> {
    Operation::ALL
        .iter()
        .map(|op| PossibleValue::new(op.cli_name()).help(help(*op)))
}

/// `POST /v2/{project_id}/...: Summary`, the help of one value.
fn help(op: Operation) -> String {
    match op.summary() {
        Some(summary) => format!("{} {}: {summary}", op.method(), op.path()),
        None => format!("{} {}", op.method(), op.path()),
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Debug, Parser)]
    struct Args {
        #[arg(long, default_value = DEFAULT, value_parser = OpParser)]
        op: Operation,
    }

    #[test]
    fn every_operation_by_its_cli_name_and_the_first_by_default() {
        for op in Operation::ALL {
            let args = Args::try_parse_from(["t", "--op", op.cli_name()]).expect("a known name");
            assert_eq!(args.op, *op);
        }
        let args = Args::try_parse_from(["t"]).expect("the default");
        assert_eq!(args.op, Operation::ALL[0]);
    }

    #[test]
    fn a_wrong_name_lists_the_choices() {
        let err = Args::try_parse_from(["t", "--op", "nope"]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidValue);
        let text = err.to_string();
        for op in Operation::ALL {
            assert!(text.contains(op.cli_name()), "{text}");
        }
    }

    #[test]
    fn each_value_is_explained_by_its_method_path_and_summary() {
        let values: Vec<PossibleValue> = OpParser.possible_values().expect("a closed list").collect();
        assert_eq!(values.len(), Operation::ALL.len());
        for (value, op) in values.iter().zip(Operation::ALL) {
            assert_eq!(value.get_name(), op.cli_name());
            let help = value.get_help().expect("a help").to_string();
            assert!(help.starts_with(&format!("{} {}", op.method(), op.path())), "{help}");
        }
    }
}
