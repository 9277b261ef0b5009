//! The golden fixtures, compiled: the output of each fixture spec `tests/fixtures/NAME.json`
//! is checked in as the crate `tests/fixtures/NAME/` (a workspace member), which builds it with
//! warnings denied and exercises it in its own tests (deserializing good and bad values,
//! building, linting). This test keeps that copy equal to what codegen emits now;
//! `CHANGEOS_WRITE_FIXTURES=1 cargo test -p changeos-codegen --test it compiled_fixtures`
//! rewrites it.

use std::path::{Path, PathBuf};

use changeos_codegen::emit::MARK;
use changeos_codegen::generate;

const WRITE: &str = "CHANGEOS_WRITE_FIXTURES";

#[test]
fn every_fixture_spec_has_a_current_compiled_crate() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let write = std::env::var_os(WRITE).is_some();
    let specs = fixture_specs(&fixtures);
    assert!(!specs.is_empty(), "no fixture spec in {}", fixtures.display());
    let mut stale = Vec::new();
    for spec in &specs {
        let name = spec.file_stem().and_then(|s| s.to_str()).expect("a UTF-8 file name");
        let crate_dir = fixtures.join(name);
        assert!(
            crate_dir.join("Cargo.toml").is_file() && crate_dir.join("src/lib.rs").is_file(),
            "{} has no compiled crate: add {}/Cargo.toml and src/lib.rs (as tests/fixtures/small/) and a \
             workspace member, then run with {WRITE}=1",
            spec.display(),
            crate_dir.display()
        );
        stale.extend(compare(spec, name, &crate_dir, write));
    }
    assert!(
        stale.is_empty(),
        "compiled fixtures differ from what codegen emits; rerun with {WRITE}=1:\n{}",
        stale.join("\n")
    );
}

/// The paths (under `crate_dir`) that differ from codegen's output, are missing, or are
/// generated files that codegen no longer emits; with `write`, they are fixed instead.
fn compare(spec: &Path, name: &str, crate_dir: &Path, write: bool) -> Vec<String> {
    let text = std::fs::read_to_string(spec).unwrap_or_else(|e| panic!("{}: {e}", spec.display()));
    let files = generate(&text, &format!("codegen/tests/fixtures/{name}.json"))
        .unwrap_or_else(|e| panic!("codegen refused {}: {e}", spec.display()));
    let mut stale = Vec::new();
    let mut emitted = Vec::new();
    for file in &files {
        let relative = file
            .path
            .strip_prefix("generated/")
            .expect("codegen writes under generated/");
        let path = crate_dir.join(relative);
        emitted.push(path.clone());
        if std::fs::read_to_string(&path).ok().as_deref() == Some(file.contents.as_str()) {
            continue;
        }
        if write {
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("creatable directory");
            std::fs::write(&path, &file.contents).expect("writable fixture");
        } else {
            stale.push(path.display().to_string());
        }
    }
    for old in generated_files(crate_dir).into_iter().filter(|p| !emitted.contains(p)) {
        if write {
            std::fs::remove_file(&old).expect("removable fixture");
        } else {
            stale.push(format!("{} (no longer emitted)", old.display()));
        }
    }
    stale
}

fn fixture_specs(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("readable fixtures")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    out.sort();
    out
}

/// Files of the crate that carry codegen's header.
fn generated_files(crate_dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for sub in ["src", "schema"] {
        let Ok(entries) = std::fs::read_dir(crate_dir.join(sub)) else {
            continue;
        };
        for path in entries.flatten().map(|e| e.path()) {
            if std::fs::read_to_string(&path).is_ok_and(|t| t.contains(MARK)) {
                out.push(path);
            }
        }
    }
    out
}
