//! changeos-codegen: reads `spec/ecs-changeos.openapi.json` and writes `generated/`.
//!
//! The flow is one way: [`validate`] checks the spec against codegen's own schema of what it
//! supports, [`read`] turns it into the IR ([`ir`]), and [`emit`] writes Rust (token trees,
//! formatted by prettyplease) and JSON Schemas from the IR. Nothing here knows the changeos
//! API itself: every name, value and rule comes from the spec.
//!
//! The doc-drift comparison, from a vendor doc page to the spec, is a crate of its own beside
//! this one: `changeos-docdiff` (its binary `doc-diff`).

#![forbid(unsafe_code)]

pub mod cli_name;
pub mod emit;
pub mod error;
pub mod ir;
pub mod names;
pub mod read;
pub mod validate;

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

pub use emit::File;
pub use error::{Error, Problem};

/// The spec's path relative to the workspace root.
pub const SPEC_PATH: &str = "spec/ecs-changeos.openapi.json";

/// Every file a spec gives. `spec_name` is how headers name the spec.
pub fn generate(spec_text: &str, spec_name: &str) -> Result<Vec<File>, Error> {
    let api = read_api(spec_text, spec_name)?;
    let sha256 = hex(&Sha256::digest(spec_text.as_bytes()));
    emit::emit(
        &api,
        &emit::Origin {
            spec: spec_name,
            sha256: &sha256,
        },
    )
}

/// The spec as the IR: the one reading of the spec that the emitters, the review notes and
/// doc-diff share. `spec_name` is how errors name the spec.
pub fn read_api(spec_text: &str, spec_name: &str) -> Result<ir::Api, Error> {
    let refuse = |problems: Vec<Problem>| Error::Spec {
        spec: spec_name.to_owned(),
        problems,
    };
    let spec: serde_json::Value =
        serde_json::from_str(spec_text).map_err(|e| refuse(vec![Problem::new("", format!("not valid JSON: {e}"))]))?;
    let problems = validate::check(&spec);
    if !problems.is_empty() {
        return Err(refuse(problems));
    }
    read::read(&spec).map_err(refuse)
}

/// What `--check` found: files that differ from what the spec gives, or are missing, and
/// generated files the spec no longer gives.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Drift {
    pub stale: Vec<String>,
    pub missing: Vec<String>,
    pub orphaned: Vec<String>,
}

impl Drift {
    pub fn is_empty(&self) -> bool {
        self.stale.is_empty() && self.missing.is_empty() && self.orphaned.is_empty()
    }
}

/// Generates from the workspace's spec and either writes the files or reports the drift.
pub fn run(root: &Path, check_only: bool) -> Result<Drift, Error> {
    let spec_path = root.join(SPEC_PATH);
    let spec_text = std::fs::read_to_string(&spec_path).map_err(|e| io(&spec_path, e))?;
    let files = generate(&spec_text, SPEC_PATH)?;
    let drift = drift(root, &files)?;
    if !check_only {
        for file in &files {
            let path = root.join(&file.path);
            if std::fs::read_to_string(&path).ok().as_deref() != Some(file.contents.as_str()) {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
                }
                std::fs::write(&path, &file.contents).map_err(|e| io(&path, e))?;
            }
        }
        for orphan in &drift.orphaned {
            let path = root.join(orphan);
            std::fs::remove_file(&path).map_err(|e| io(&path, e))?;
        }
    }
    Ok(drift)
}

/// One warning per member the workspace's spec marks `x-review: true`: added by
/// `doc-diff --write` from a vendor page and not checked by a person yet. A spec that does not
/// read has no notes here: generating from it says why.
pub fn review_notes(root: &Path) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(root.join(SPEC_PATH)) else {
        return Vec::new();
    };
    let Ok(api) = read_api(&text, SPEC_PATH) else {
        return Vec::new();
    };
    api.reviewed_members()
        .into_iter()
        .map(|pointer| {
            format!("{SPEC_PATH}#{pointer} awaits review (`x-review`: added from a vendor doc page; remove the mark once checked)")
        })
        .collect()
}

fn drift(root: &Path, files: &[File]) -> Result<Drift, Error> {
    let mut drift = Drift::default();
    for file in files {
        match std::fs::read_to_string(root.join(&file.path)) {
            Ok(text) if text == file.contents => {}
            Ok(_) => drift.stale.push(file.path.clone()),
            Err(_) => drift.missing.push(file.path.clone()),
        }
    }
    for dir in ["generated/src", "generated/schema"] {
        for path in generated_files_in(&root.join(dir))? {
            let relative = format!("{dir}/{}", path.file_name().unwrap_or_default().to_string_lossy());
            if !files.iter().any(|f| f.path == relative) {
                drift.orphaned.push(relative);
            }
        }
    }
    Ok(drift)
}

/// Files directly in `dir` whose first line carries the generated mark.
fn generated_files_in(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| io(dir, e))?.path();
        if path.is_file() {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            if text.lines().take(3).any(|l| l.contains(emit::MARK)) {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn io(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        path: path.display().to_string(),
        source,
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
