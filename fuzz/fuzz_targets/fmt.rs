//! Arbitrary bytes through `changeos fmt`'s formatter, for either operation.
//!
//! `cargo +nightly fuzz run fmt` (from the repository root, with cargo-fuzz installed).
//! Besides "no panic, no crash", it checks what the property tests check: a formatted file
//! has the JSON value of its input and formatting it again changes nothing; a refused one
//! says why at a position in the file.

#![no_main]

use changeos_validator::Operation;
use changeos_validator::layout::{Outcome, format_source};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    for operation in [
        Operation::ChangeServerOsWithCloudInit,
        Operation::ChangeServerOsWithoutCloudInit,
    ] {
        match format_source(operation, bytes) {
            Outcome::Formatted { text, .. } => {
                let input = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
                let before: serde_json::Value = serde_json::from_slice(input).expect("formatted input parses");
                let after: serde_json::Value = serde_json::from_str(&text).expect("formatted output parses");
                // serde_json's `Map` compares members regardless of their order.
                assert_eq!(before, after);
                assert_eq!(
                    format_source(operation, text.as_bytes()),
                    Outcome::Formatted { text: text.clone(), changed: false }
                );
            }
            Outcome::Refused(report) => {
                assert!(!report.diagnostics.is_empty());
                for d in &report.diagnostics {
                    assert!(d.line >= 1 && d.column >= 1 && d.help.is_some(), "{d:?}");
                }
            }
        }
    }
});
