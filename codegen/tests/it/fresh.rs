//! generated/ must be exactly what the spec gives; this runs in every `cargo test`.

#[test]
fn generated_code_is_fresh() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let drift = changeos_codegen::run(&root, true).unwrap_or_else(|e| panic!("codegen failed: {e}"));
    assert!(
        drift.is_empty(),
        "generated/ is stale (stale: {:?}, missing: {:?}, orphaned: {:?}).\nFix it with: cargo run -p changeos-codegen",
        drift.stale,
        drift.missing,
        drift.orphaned
    );
}
