//! Helpers shared by the integration tests: where the payloads live and which operation each
//! one is for.

use std::path::{Path, PathBuf};

use changeos_models::Finding;
use changeos_models::lint::Operation;
use proptest::test_runner::{Config as ProptestConfig, FileFailurePersistence};
use serde_json::Value;

/// The image ID of the vendor's examples.
pub const IMAGE_ID: &str = "e215580f-73ad-429d-b6f2-5433947433b0";
/// The key pair of the vendor's examples.
pub const KEY_NAME: &str = "KeyPair-350b";
/// The IAM user ID of the vendor's examples.
pub const USER_ID: &str = "7e25b1da389f4697a79df3a0e5bd494e";
/// The KMS key ID of the vendor's examples.
pub const CMK_ID: &str = "83cdb52d-9ebf-4469-9cfa-e7b5b80da846";
/// `#!/bin/bash` script, base64: the user data of the spec's examples.
pub const USER_DATA: &str = "IyEvYmluL2Jhc2gKZWNobyBjaGFuZ2Vvcy1kb25lID4gL3Jvb3QvY2hhbmdlb3MudHh0Cg==";

/// A payload file and the operation whose request body it is.
pub struct Payload {
    pub name: String,
    pub operation: Operation,
    pub body: Value,
}

/// `<workspace>/<relative>`.
pub fn workspace_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// Reads and parses a JSON file; the path is relative to the workspace root.
pub fn read_json(relative: &str) -> Value {
    let path = workspace_path(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// The operation a payload file is for, from its name: `cloudinit-*` is the v2 operation,
/// `nocloudinit-*` the v1 one (the naming of `examples/`).
pub fn operation_of(file_name: &str) -> Operation {
    if file_name.starts_with("nocloudinit-") {
        Operation::ChangeServerOsWithoutCloudInit
    } else if file_name.starts_with("cloudinit-") {
        Operation::ChangeServerOsWithCloudInit
    } else {
        panic!("{file_name}: payload files are named cloudinit-* or nocloudinit-*")
    }
}

/// Every `*.json` of a directory (relative to the workspace root), sorted by name.
pub fn payloads_in(dir: &str) -> Vec<Payload> {
    let path = workspace_path(dir);
    let mut names: Vec<String> = std::fs::read_dir(&path)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", path.display()))
        .map(|entry| {
            entry
                .expect("directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.ends_with(".json"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| Payload {
            operation: operation_of(&name),
            body: read_json(&format!("{dir}/{name}")),
            name: format!("{dir}/{name}"),
        })
        .collect()
}

/// The four example requests of the vendor page, in `examples/`.
pub fn vendor_examples() -> Vec<Payload> {
    let examples = payloads_in("examples");
    let names: Vec<&str> = examples.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "examples/cloudinit-encrypted.json",
            "examples/cloudinit-keypair.json",
            "examples/cloudinit-password.json",
            "examples/nocloudinit-password.json",
        ],
        "the vendor page has exactly these four examples"
    );
    examples
}

/// Richer valid payloads of our own (every optional member used somewhere).
pub fn richer_valid_payloads() -> Vec<Payload> {
    payloads_in("tests/data/valid")
}

/// The rule ids of findings, in the order reported.
pub fn rule_ids(findings: &[Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.rule.id()).collect()
}

/// Wraps an `os-change` object into a request body.
pub fn body(os_change: Value) -> Value {
    serde_json::json!({ "os-change": os_change })
}

/// proptest's configuration for a module of this binary: `cases` cases, and a failure's seed
/// saved beside the module's source, in `<module>.proptest-regressions`, where the next run
/// replays it first. proptest's default would look upwards for a `main.rs`, find this binary's,
/// and save every module's seeds in a `tests/proptest-regressions/` of their own.
pub fn proptest_config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("proptest-regressions"))),
        ..ProptestConfig::default()
    }
}

/// Running the binary with a time limit, and temporary directories.
pub mod cli;
pub mod doc_blocks;
/// The literal passwords the repository's tests and fixtures write.
pub mod secrets;
