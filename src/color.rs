//! Whether what is written to standard output and to standard error is coloured: decided once,
//! in `main`, from `--color`, and read by every command that colours (only the human report
//! does: `check`, `fmt`'s and `render`'s refusals, `send`'s lint findings).

use std::ffi::OsStr;
use std::io::IsTerminal;
use std::sync::OnceLock;

use clap::ValueEnum;

/// `--color`. (Its values have no doc comments: clap would then give every command's help
/// the long layout.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum When {
    // Colours where the stream is a terminal and NO_COLOR is unset or empty.
    #[default]
    Auto,
    // Colours, even into a file or a pipe.
    Always,
    // No colours, even on a terminal.
    Never,
}

/// The decision for each stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Streams {
    stdout: bool,
    stderr: bool,
}

static DECIDED: OnceLock<Streams> = OnceLock::new();

/// Decides for both streams, from `when`, the streams themselves and `NO_COLOR`.
pub fn init(when: When) {
    let no_color = std::env::var_os("NO_COLOR");
    let no_color = no_color.as_deref();
    let decided = Streams {
        stdout: decide(when, std::io::stdout().is_terminal(), no_color),
        stderr: decide(when, std::io::stderr().is_terminal(), no_color),
    };
    // Set once, before any command runs; a second call could only repeat the same answer.
    let _ = DECIDED.set(decided);
}

/// Whether standard output is coloured (never when [`init`] was not called).
pub fn stdout() -> bool {
    DECIDED.get().is_some_and(|d| d.stdout)
}

/// Whether standard error is coloured (never when [`init`] was not called).
pub fn stderr() -> bool {
    DECIDED.get().is_some_and(|d| d.stderr)
}

/// The rule itself: `auto` colours a terminal unless `NO_COLOR` is set to something
/// (no-color.org: an empty value does not count).
fn decide(when: When, terminal: bool, no_color: Option<&OsStr>) -> bool {
    match when {
        When::Always => true,
        When::Never => false,
        When::Auto => terminal && no_color.is_none_or(OsStr::is_empty),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_colours_a_terminal_without_no_color() {
        let set = Some(OsStr::new("1"));
        let empty = Some(OsStr::new(""));
        assert!(decide(When::Auto, true, None));
        assert!(decide(When::Auto, true, empty));
        assert!(!decide(When::Auto, true, set));
        assert!(!decide(When::Auto, false, None));
    }

    #[test]
    fn always_and_never_ignore_the_stream_and_no_color() {
        for terminal in [false, true] {
            for no_color in [None, Some(OsStr::new("1"))] {
                assert!(decide(When::Always, terminal, no_color));
                assert!(!decide(When::Never, terminal, no_color));
            }
        }
    }
}
