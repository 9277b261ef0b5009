//! The literal passwords that the repository's own tests and fixtures write, found in their
//! text, so that tests can prove none of them reaches an output or a committed snapshot.
//!
//! The secret members come from the spec (every `x-secret` member of every request body, as the
//! generated shapes list them), so a new secret member is looked for without a change here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use changeos_models::lint::Operation;
use changeos_runtime::canonical::looks_secret;
use changeos_runtime::placeholder::is_placeholder;

/// Shorter values ("short", "weak") are too common as words to be told apart from other text,
/// and no password the API takes is that short (it wants 8 characters or more).
pub const MIN_LEN: usize = 6;

/// The normalised names of the secret members of every request body.
pub fn secret_names() -> Vec<String> {
    let names: BTreeSet<String> = Operation::ALL.iter().flat_map(|op| op.shape().secret_names()).collect();
    names.into_iter().collect()
}

/// Literal passwords written in a set of files: in JSON (`"adminpass": "..."`, also spelt
/// `adminPass`, `admin_pass`, `adminpas`..., every string of an array or object there too), in
/// Rust source that holds JSON (escaped quotes too), calls a
/// builder (`.adminpass("...")`) or a helper whose first parameter is a secret member
/// (`fn password(adminpass: Value)` called as `password(json!("..."))`), and through a string
/// constant named there (`.adminpass(SECRET)`, `"{PASSWORD}"` in a `format!`), wherever in the
/// files the constant is defined.
pub fn literal_passwords(files: &[(PathBuf, String)]) -> BTreeSet<String> {
    let names = secret_names();
    // A name may be given to different values in different places: each counts.
    let mut constants: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, value) in files.iter().flat_map(|(_, text)| constants_in(text)) {
        constants.entry(name).or_default().push(value);
    }
    let functions: Vec<String> = files
        .iter()
        .flat_map(|(_, text)| secret_functions(text, &names))
        .collect();
    let mut found = BTreeSet::new();
    for (_, text) in files {
        for text in [text.clone(), text.replace("\\\"", "\"")] {
            for value in values_after_secret_keys(&text, &names, &functions) {
                let values = match value {
                    Found::Literal(value) => resolve_format_arg(value, &constants),
                    Found::Name(name) => constants.get(&name).cloned().unwrap_or_default(),
                };
                found.extend(values.into_iter().filter(|v| counts(v)));
            }
        }
    }
    found
}

/// A value after a secret key: a string literal, or the name of a constant.
enum Found {
    Literal(String),
    Name(String),
}

/// `"{NAME}"` (a `format!` argument) stands for the constant NAME.
fn resolve_format_arg(value: String, constants: &BTreeMap<String, Vec<String>>) -> Vec<String> {
    match value.strip_prefix('{').and_then(|v| v.strip_suffix('}')) {
        Some(name) if is_ident(name) => constants.get(name).cloned().unwrap_or_default(),
        _ => vec![value],
    }
}

/// Whether `password` is in `line` other than as a part of a placeholder (the word or JSON
/// string around it): a test that writes `"${ADMIN_PASS"` (a malformed placeholder, so a
/// literal) must not make every `"${ADMIN_PASS}"` a leak.
pub fn leaks_in(line: &str, password: &str) -> bool {
    let delimiter = |c: char| c == '"' || c.is_whitespace();
    line.match_indices(password).any(|(at, _)| {
        let open = line[..at].rfind(delimiter).map_or(0, |i| i + 1);
        let end = at + password.len();
        let close = line[end..].find(delimiter).map_or(line.len(), |i| end + i);
        !is_placeholder(&line[open..close])
    })
}

/// Whether a value is a password worth looking for.
fn counts(value: &str) -> bool {
    value.chars().count() >= MIN_LEN
        && !is_placeholder(value)
        && value != changeos_runtime::secret::REDACTED
        && !value.chars().all(|c| c == '*')
}

fn values_after_secret_keys(text: &str, names: &[String], functions: &[String]) -> Vec<Found> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        // A quoted key followed by `:`, or a call `adminpass(` / `password(` (see above).
        let next = match bytes[at] {
            b'"' => {
                let Some((key, after)) = string_literal(text, at) else {
                    at += 1;
                    continue;
                };
                let colon = skip_ws(bytes, after);
                if looks_secret(&key, names) && bytes.get(colon) == Some(&b':') {
                    Some(skip_ws(bytes, colon + 1))
                } else {
                    // Not a key: go on inside the string, where an escaped document may be.
                    at += 1;
                    continue;
                }
            }
            b if is_ident_start(b) && (at == 0 || !is_ident_byte(bytes[at - 1])) => {
                let end = at + bytes[at..].iter().take_while(|b| is_ident_byte(**b)).count();
                let name = &text[at..end];
                let secret_call = looks_secret(name, names) || functions.iter().any(|f| f == name);
                if bytes.get(end) == Some(&b'(') && secret_call {
                    let inner = skip_ws(bytes, end + 1);
                    // `password(json!("..."))`: the literal inside the macro.
                    let inner = match text[inner..].strip_prefix("json!(") {
                        Some(_) => skip_ws(bytes, inner + "json!(".len()),
                        None => inner,
                    };
                    Some(inner)
                } else {
                    at = end;
                    continue;
                }
            }
            _ => None,
        };
        let Some(value_at) = next else {
            at += 1;
            continue;
        };
        if let Some((value, _)) = string_literal(text, value_at) {
            out.push(Found::Literal(value));
        } else if matches!(bytes.get(value_at), Some(b'[' | b'{')) {
            out.extend(strings_inside(text, value_at).into_iter().map(Found::Literal));
        } else {
            let name: String = text[value_at..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if is_ident(&name) {
                out.push(Found::Name(name));
            }
        }
        at += 1;
    }
    out
}

/// Every string value (not a key) of the array or object opened at `start`, at any depth;
/// none when it is the schema of a secret member (the spec's `"adminpass": {"type": ...}`).
fn strings_inside(text: &str, start: usize) -> Vec<String> {
    const SCHEMA_KEYWORDS: [&str; 4] = ["type", "$ref", "description", "x-secret"];
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut at = start;
    while let Some(&b) = bytes.get(at) {
        match b {
            b'"' => match string_literal(text, at) {
                Some((value, after)) => {
                    if bytes.get(skip_ws(bytes, after)) != Some(&b':') {
                        out.push(value);
                    } else if SCHEMA_KEYWORDS.contains(&value.as_str()) {
                        return Vec::new();
                    }
                    at = after;
                    continue;
                }
                None => return out,
            },
            b'[' | b'{' => depth += 1,
            b']' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    return out;
                }
            }
            _ => {}
        }
        at += 1;
    }
    out
}

/// A run of `*` that stands for a value (`"***"`, `: ***,`) and is not the fixed mask: a mask
/// as long as the value it hides tells its length.
pub fn length_telling_masks(line: &str) -> Vec<String> {
    let bytes = line.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(start) = line[at..].find('*').map(|i| at + i) {
        let end = start + bytes[start..].iter().take_while(|b| **b == b'*').count();
        let before = line[..start].trim_end_matches(' ');
        let quoted = before.ends_with('"') && bytes.get(end) == Some(&b'"');
        let bare = before.ends_with(':') && matches!(bytes.get(end), None | Some(b',' | b'}' | b']' | b' '));
        if (quoted || bare) && end - start != MASK.len() {
            out.push(line[start..end].to_owned());
        }
        at = end;
    }
    out
}

/// The mask of a secret value in quoted source lines (`changeos_validator::mask::MASK`).
pub const MASK: &str = "****";

/// The string literal starting at the `"` at `start` (decoded when it is valid JSON) and the
/// offset after it; `None` when there is no `"` there or it is not closed on its line.
fn string_literal(text: &str, start: usize) -> Option<(String, usize)> {
    let bytes = text.as_bytes();
    if bytes.get(start) != Some(&b'"') {
        return None;
    }
    let mut i = start + 1;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => {
                let raw = &text[start..=i];
                let value = serde_json::from_str::<String>(raw).unwrap_or_else(|_| raw[1..raw.len() - 1].to_owned());
                return Some((value, i + 1));
            }
            b'\n' => return None,
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
    None
}

/// `NAME: &str = "value"` and `let NAME = "value"` in Rust source.
fn constants_in(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim_start();
        let line = line.strip_prefix("pub ").unwrap_or(line);
        let rest = line
            .strip_prefix("const ")
            .or_else(|| line.strip_prefix("static "))
            .or_else(|| line.strip_prefix("let "));
        let Some(rest) = rest else { continue };
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        let Some(quote) = rest.find('"') else { continue };
        let between = &rest[name.len()..quote];
        if !is_ident(&name) || !(between.trim() == "=" || between.replace(' ', "") == ":&str=") {
            continue;
        }
        if let Some((value, _)) = string_literal(rest, quote) {
            out.push((name, value));
        }
    }
    out
}

/// Functions whose first parameter is named like a secret member: `fn password(adminpass: Value)`.
fn secret_functions(text: &str, names: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices("fn ") {
        let rest = &text[at + 3..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        let Some(params) = rest[name.len()..].strip_prefix('(') else {
            continue;
        };
        let Some(close) = params.find(')') else { continue };
        // The first parameter: the scan reads the first argument of a call.
        let secret_param = params[..close].split(',').next().is_some_and(|param| {
            param
                .split_once(':')
                .is_some_and(|(param, _)| looks_secret(param.trim().trim_start_matches("mut "), names))
        });
        if is_ident(&name) && secret_param {
            out.push(name);
        }
    }
    out
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn is_ident(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn skip_ws(bytes: &[u8], mut at: usize) -> usize {
    while matches!(bytes.get(at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        at += 1;
    }
    at
}

/// Every file under `root` whose name passes `keep`, skipping build output, version control
/// and hidden directories.
pub fn files_under(root: &Path, keep: &dyn Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(root) else {
        return out;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if name.starts_with('.') || name == "target" {
            continue;
        }
        if path.is_dir() {
            out.extend(files_under(&path, keep));
        } else if keep(&path) {
            out.push(path);
        }
    }
    out
}

/// The texts of `paths` (files that are not UTF-8 are read lossily).
pub fn read_all(paths: &[PathBuf]) -> Vec<(PathBuf, String)> {
    paths
        .iter()
        .map(|p| {
            let bytes = std::fs::read(p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()));
            (p.clone(), String::from_utf8_lossy(&bytes).into_owned())
        })
        .collect()
}
