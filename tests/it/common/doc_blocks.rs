//! The fenced blocks of the README and docs/, and what a `console` block shows: shared by
//! tests/it/docs_examples.rs and the tests of the packages whose binaries some blocks run
//! (`console in=changeos-docdiff`, run by docdiff/tests/it/docs_examples.rs), which include
//! this file by its path. Each binary uses a part of it.
#![allow(dead_code)]

use std::path::Path;

/// The documents whose examples are tested; `every_document_is_listed` keeps it complete.
pub const DOCUMENTS: [&str; 11] = [
    "README.md",
    "docs/ARCHITECTURE.md",
    "docs/changes.md",
    "docs/check.md",
    "docs/dependencies.md",
    "docs/fmt.md",
    "docs/lsp.md",
    "docs/models.md",
    "docs/regenerating.md",
    "docs/send.md",
    "docs/snapshots.md",
];

/// One fenced block of a document.
#[derive(Debug)]
pub struct Block {
    /// The line of its opening fence (1-based).
    pub line: usize,
    pub kind: String,
    /// `file=NAME`.
    pub file: Option<String>,
    /// `from=PATH`.
    pub from: Option<String>,
    /// `in=PACKAGE`: a `console` block that the tests of PACKAGE run, with its binary.
    pub delegated_to: Option<String>,
    /// `no-run (WHY)`: the reason, or an empty string when the fence gives none.
    pub no_run: Option<String>,
    pub body: String,
}

/// The fenced blocks of `text`, in order.
pub fn blocks(text: &str) -> Vec<Block> {
    let mut found = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((index, line)) = lines.next() {
        let Some(info) = line.strip_prefix("```") else {
            continue;
        };
        let mut body = String::new();
        for (_, inner) in lines.by_ref() {
            if inner.starts_with("```") {
                break;
            }
            body.push_str(inner);
            body.push('\n');
        }
        found.push(block(index + 1, info, body));
    }
    found
}

pub fn block(line: usize, info: &str, body: String) -> Block {
    let (kind, rest) = info.split_once(' ').unwrap_or((info, ""));
    let no_run = rest.find("no-run").map(|at| {
        let why = rest[at + "no-run".len()..].trim();
        why.strip_prefix('(')
            .and_then(|w| w.strip_suffix(')'))
            .unwrap_or("")
            .trim()
            .to_owned()
    });
    let word = |key: &str| {
        rest.split_whitespace()
            .find_map(|w| w.strip_prefix(key))
            .map(str::to_owned)
    };
    let delegated_to = word("in=");
    Block {
        line,
        kind: kind.to_owned(),
        file: word("file="),
        from: word("from="),
        delegated_to,
        no_run,
        body,
    }
}

/// A `console` block as its commands, each with the text it should print.
pub fn commands(body: &str) -> Result<Vec<(String, String)>, String> {
    let mut found: Vec<(String, String)> = Vec::new();
    let mut continued = false;
    for line in body.lines() {
        if continued {
            let (command, _) = found.last_mut().expect("a command");
            command.push('\n');
            command.push_str(line);
            continued = line.ends_with('\\');
        } else if let Some(command) = line.strip_prefix("$ ") {
            found.push((command.to_owned(), String::new()));
            continued = command.ends_with('\\');
        } else {
            let (_, output) = found
                .last_mut()
                .ok_or_else(|| format!("output before the first `$ ` command: {line}"))?;
            output.push_str(line);
            output.push('\n');
        }
    }
    if found.is_empty() {
        return Err("no `$ ` command".to_owned());
    }
    Ok(found)
}

/// Separates the output of one command from the next (an ASCII record separator).
const MARK: char = '\u{1e}';

/// Whether `actual` is what `expected` shows, a line `...` standing for any lines.
pub fn matches(expected: &[&str], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((&"...", rest)) => (0..=actual.len()).any(|skip| matches(rest, &actual[skip..])),
        Some((line, rest)) => actual
            .split_first()
            .is_some_and(|(first, others)| first == line && matches(rest, others)),
    }
}

/// The `sh` script that runs `commands` after `prelude` (the lines a reader ran before), with
/// standard error into standard output and a [`MARK`] line before each command.
pub fn script(prelude: &[String], commands: &[(String, String)]) -> String {
    let mut script = String::from("exec 2>&1\n");
    for line in prelude {
        script.push_str(line);
        script.push('\n');
    }
    for (command, _) in commands {
        script.push_str(&format!("printf '\\036\\n'\n{command}\n"));
    }
    script
}

/// What each of `count` commands printed, from the output of their [`script`].
pub fn outputs(printed: &str, count: usize) -> Result<Vec<String>, String> {
    let mut outputs: Vec<String> = printed
        .split(MARK)
        .skip(1)
        .map(|part| part.strip_prefix('\n').unwrap_or(part).to_owned())
        .collect();
    for output in &mut outputs {
        if !output.is_empty() && !output.ends_with('\n') {
            output.push('\n');
        }
    }
    if outputs.len() == count {
        Ok(outputs)
    } else {
        Err(format!("the shell stopped early:\n{printed}"))
    }
}

/// The first command whose output is not what the block shows, with both.
pub fn compare(commands: &[(String, String)], outputs: &[String]) -> Result<(), String> {
    for ((command, expected), actual) in commands.iter().zip(outputs) {
        let shown: Vec<&str> = expected.lines().collect();
        let printed: Vec<&str> = actual.lines().collect();
        if !matches(&shown, &printed) {
            return Err(format!(
                "`{command}` printed\n{actual}--- where the docs show\n{expected}---"
            ));
        }
    }
    Ok(())
}

/// The blocks of every document, each with its document's name.
pub fn every_block(workspace: &Path) -> Vec<(&'static str, Block)> {
    let mut found = Vec::new();
    for document in DOCUMENTS {
        let text = std::fs::read_to_string(workspace.join(document)).unwrap_or_else(|e| panic!("{document}: {e}"));
        found.extend(blocks(&text).into_iter().map(|b| (document, b)));
    }
    found
}
