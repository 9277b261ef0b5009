//! Arbitrary bytes as a payload file of either operation, through every renderer.
//!
//! `cargo +nightly fuzz run check` (from the repository root, with cargo-fuzz installed).
//! Besides "no panic, no crash", it checks what the property tests check: the JSON and SARIF
//! outputs parse, the JSON summary counts the diagnostics, and fixing is idempotent.

#![no_main]

use changeos_validator::render::{Format, render_all};
use changeos_validator::{Operation, Severity, check_source};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    for operation in [
        Operation::ChangeServerOsWithCloudInit,
        Operation::ChangeServerOsWithoutCloudInit,
    ] {
        let report = check_source(operation, bytes);
        for d in &report.diagnostics {
            assert!(
                d.line >= 1 && d.column >= 1 && (d.line, d.column) <= (d.end_line, d.end_column),
                "{d:?}"
            );
        }
        let reports = vec![("fuzz.json".to_owned(), report)];
        for format in [Format::Human, Format::Json, Format::Sarif, Format::Github] {
            for color in [false, true] {
                let out = render_all(format, color, &reports);
                match format {
                    Format::Json => {
                        let json: serde_json::Value = serde_json::from_str(&out).expect("json output parses");
                        let report = &reports[0].1;
                        assert_eq!(json["summary"]["errors"], report.count(Severity::Error));
                        assert_eq!(json["summary"]["warnings"], report.count(Severity::Warning));
                    }
                    Format::Sarif => {
                        serde_json::from_str::<serde_json::Value>(&out).expect("sarif output parses");
                    }
                    Format::Human | Format::Github => {}
                }
            }
        }
        // Fixing ends, leaves no fix behind, and fixing again changes nothing.
        let fixed = changeos_validator::fix::fix_source(operation, bytes, |_| {});
        assert!(fixed.report.diagnostics.iter().all(|d| d.fix.is_none()), "{:?}", fixed.report);
        if fixed.changed() {
            let again = changeos_validator::fix::fix_source(operation, &fixed.bytes, |_| {});
            assert!(!again.changed(), "{:?}", again.report.fixed);
        }
    }
});
