//! Every example in README.md and docs/*.md is run or checked here, so that the docs cannot
//! drift from the tool.
//!
//! A fenced block's info string says what it is, and so what this test does with it:
//!
//! - `console`: `$ command` lines, each followed by what it prints (standard output and error
//!   together, as a terminal shows them). The commands of one block run in one `sh`, in a
//!   scratch directory of the document's own, with the binary under test first on `PATH`;
//!   the printed text must equal what follows the command. A line `...` stands for any number
//!   of lines. A `\` at the end of a line continues the command.
//! - `json`, `toml`, `yaml`: parsed. `file=NAME` also writes the block into the scratch
//!   directory, for the commands after it; `file=changeos.toml` is loaded by `changeos check
//!   --config`, and `file=regions.yaml` by `changeos send --dry-run` as the regions file.
//! - `rust from=PATH`: the block is a piece of PATH, a module of this test binary, so it
//!   compiles and runs with it (lines compared without their indentation). A data block with
//!   `from=PATH` is a piece of that file too (a snapshot the tests compare).
//! - `console in=PACKAGE`: run by the tests of PACKAGE, which has the binary its commands
//!   name (`cargo run -q -p changeos-docdiff -- ...`: see
//!   docdiff/tests/it/docs_examples.rs).
//! - `text`: a drawing, not an example.
//! - `KIND no-run (WHY)`: shown, not run, and the fence says why (a real send to the cloud,
//!   for one). Any other block fails the test: an example is run or says why not.
//!
//! The scratch directory starts with copies of `examples/` and `tests/data/valid/`, and `HOME`
//! is its `home/me`; its path is removed from what the commands print, so a message about
//! `$HOME/.huaweicloud` reads `/home/me/.huaweicloud`. The environment is emptied but for
//! `PATH`, so no credential or proxy of the machine running the tests leaks in. Variables a
//! block exports stay set for the blocks after it in the same document, as in a reader's shell.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::cli::{TempDir, run_with_limit};
use crate::common::doc_blocks::{self, Block, DOCUMENTS, block, blocks, commands};
use crate::common::workspace_path;

/// The packages whose tests run the `console in=PACKAGE` blocks, with their binaries: cargo
/// cannot run inside `cargo test`, and this binary has no other package's binary.
const DELEGATED: [&str; 1] = ["changeos-docdiff"];

/// The README is the front door: what it is, how to start, where to read on.
const README_MAX_LINES: usize = 200;

/// The scratch directory of one document: copies of the example payloads, and a home.
fn scratch(document: &str) -> TempDir {
    let dir = TempDir::new(&format!("docs-{}", document.replace(['/', '.'], "-")));
    for from in ["examples", "tests/data/valid"] {
        for entry in std::fs::read_dir(workspace_path(from)).expect("the examples") {
            let path = entry.expect("an entry").path();
            let name = path.file_name().and_then(|n| n.to_str()).expect("a name");
            dir.write(&format!("{from}/{name}"), std::fs::read(&path).expect("readable"));
        }
    }
    dir.mkdir("home/me");
    dir
}

/// The directory of the binary under test, first on `PATH`.
fn search_path() -> String {
    let binary = Path::new(env!("CARGO_BIN_EXE_changeos"));
    let dir = binary.parent().expect("the binary's directory");
    let rest = std::env::var("PATH").unwrap_or_default();
    format!("{}:{rest}", dir.display())
}

/// Runs the commands in one `sh` in `dir`; what each printed, in order.
fn run_console(dir: &TempDir, session: &Session, commands: &[(String, String)]) -> Result<Vec<String>, String> {
    let mut sh = Command::new("sh");
    sh.arg("-c")
        .arg(doc_blocks::script(&session.exports, commands))
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", search_path())
        .env("HOME", dir.join("home/me"));
    let ran = run_with_limit(sh, Vec::new());
    let printed = ran
        .stdout
        .replace(&format!("{}/", dir.path().display()), "/")
        .replace(&dir.path().display().to_string(), "");
    doc_blocks::outputs(&printed, commands.len())
}

fn check_console(dir: &TempDir, session: &mut Session, block: &Block) -> Result<(), String> {
    let commands = commands(&block.body)?;
    let outputs = run_console(dir, session, &commands)?;
    session.exports.extend(
        commands
            .iter()
            .filter(|(command, _)| command.starts_with("export "))
            .map(|(command, _)| command.clone()),
    );
    doc_blocks::compare(&commands, &outputs)
}

/// Runs `changeos` in `dir` with `args` and `env`; an error unless it exits 0.
fn changeos_accepts(dir: &TempDir, args: &[&str], env: &[(&str, String)]) -> Result<(), String> {
    let mut command = Command::new(env!("CARGO_BIN_EXE_changeos"));
    command
        .args(args)
        .current_dir(dir.path())
        .env_clear()
        .env("HOME", dir.join("home/me"));
    for (key, value) in env {
        command.env(key, value);
    }
    let ran = run_with_limit(command, Vec::new());
    match ran.code {
        Some(0) => Ok(()),
        code => Err(format!("changeos {args:?} exited {code:?}:\n{}", ran.all())),
    }
}

/// The binary loads the config and the regions file examples (written at the top of the
/// scratch directory; a file elsewhere, such as a broken one the docs show, is only written).
fn load_file(dir: &TempDir, name: &str) -> Result<(), String> {
    let path = dir.arg(name);
    match name {
        "changeos.toml" => changeos_accepts(
            dir,
            &["check", "--config", &path, "examples/cloudinit-password.json"],
            &[],
        ),
        "regions.yaml" => changeos_accepts(
            dir,
            &[
                "send",
                "--dry-run",
                "--region",
                "my-region-1",
                "--project-id",
                "p",
                "--server-id",
                "s",
                "examples/cloudinit-password.json",
            ],
            &[
                ("HUAWEICLOUD_SDK_REGIONS_FILE", path.clone()),
                ("HUAWEICLOUD_SDK_AK", "AKEXAMPLE".to_owned()),
                ("HUAWEICLOUD_SDK_SK", "SKEXAMPLE".to_owned()),
                ("ADMIN_PASS", "Ch4nge-0s-Example".to_owned()),
            ],
        ),
        _ => Ok(()),
    }
}

fn parse(block: &Block) -> Result<(), String> {
    match block.kind.as_str() {
        "json" => serde_json::from_str::<serde_json::Value>(&block.body)
            .map(drop)
            .map_err(|e| format!("not JSON: {e}")),
        "toml" => toml::from_str::<toml::Table>(&block.body)
            .map(drop)
            .map_err(|e| format!("not TOML: {e}")),
        "yaml" => {
            use saphyr::LoadableYamlNode;
            saphyr::Yaml::load_from_str(&block.body)
                .map(drop)
                .map_err(|e| format!("not YAML: {e}"))
        }
        _ => unreachable!("only data blocks are parsed"),
    }
}

/// The lines of `path` (in this workspace) hold the block's lines, in a row.
fn is_piece_of(block: &Block, path: &str) -> Result<(), String> {
    // A module of this test binary, or the script the Neovim test runs (tests/it/neovim.rs).
    if !path.starts_with("tests/it/") && path != "tests/neovim/client.lua" {
        return Err(format!("{path} is not a module of the tests/it binary, which runs it"));
    }
    let text = std::fs::read_to_string(workspace_path(path)).map_err(|e| format!("{path}: {e}"))?;
    let source: Vec<&str> = text.lines().map(str::trim).collect();
    let piece: Vec<&str> = block.body.lines().map(str::trim).collect();
    if piece.is_empty() {
        return Err("an empty block".to_owned());
    }
    if source.windows(piece.len()).any(|window| window == piece) {
        Ok(())
    } else {
        Err(format!("its lines are not in {path}, in a row"))
    }
}

/// What a reader's shell keeps from one block of a document to the next: the variables
/// exported (credentials set once for a page).
#[derive(Default)]
struct Session {
    exports: Vec<String>,
}

/// What to do with one block; how it went.
fn try_block(dir: &TempDir, session: &mut Session, block: &Block) -> Result<Outcome, String> {
    if let Some(why) = &block.no_run {
        return if why.is_empty() {
            Err("`no-run` without its reason: write `no-run (WHY)`".to_owned())
        } else {
            Ok(Outcome::NotRun)
        };
    }
    if let Some(package) = &block.delegated_to {
        return if block.kind == "console" && DELEGATED.contains(&package.as_str()) {
            Ok(Outcome::Delegated)
        } else {
            Err(format!(
                "`in={package}`: only a `console` block, and for one of {DELEGATED:?}"
            ))
        };
    }
    match (block.kind.as_str(), &block.from) {
        ("console", _) => check_console(dir, session, block).map(|()| Outcome::Console),
        ("json" | "toml" | "yaml", from) => {
            parse(block)?;
            if let Some(path) = from {
                is_piece_of(block, path)?;
            }
            if let Some(name) = &block.file {
                dir.write(name, &block.body);
                load_file(dir, name)?;
            }
            Ok(Outcome::Parsed)
        }
        ("rust" | "lua", Some(path)) => is_piece_of(block, path).map(|()| Outcome::Compiled),
        ("text", _) => Ok(Outcome::Drawing),
        (kind, _) => Err(format!(
            "a `{kind}` block that this test neither runs nor checks: run it, or mark it `{kind} no-run (WHY)`"
        )),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    Console,
    Parsed,
    Compiled,
    Drawing,
    /// Run by the tests of another package (`in=PACKAGE`).
    Delegated,
    NotRun,
}

/// Runs or checks every block of `document`; panics listing every failure.
fn examples_of(document: &str) -> Vec<Outcome> {
    let text = std::fs::read_to_string(workspace_path(document)).expect("the document");
    let dir = scratch(document);
    let mut failures = Vec::new();
    let mut done = Vec::new();
    let mut session = Session::default();
    for block in blocks(&text) {
        match try_block(&dir, &mut session, &block) {
            Ok(ran) => done.push(ran),
            Err(why) => failures.push(format!("{document}:{} (```{}): {why}", block.line, block.kind)),
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
    done
}

#[test]
fn readme() {
    let ran = examples_of("README.md");
    assert!(ran.contains(&Outcome::Console), "the README's quick tour runs");
}

#[test]
fn architecture() {
    examples_of("docs/ARCHITECTURE.md");
}

#[test]
fn changes() {
    examples_of("docs/changes.md");
}

#[test]
fn check() {
    examples_of("docs/check.md");
}

#[test]
fn dependencies() {
    examples_of("docs/dependencies.md");
}

#[test]
fn fmt() {
    examples_of("docs/fmt.md");
}

#[test]
fn lsp() {
    examples_of("docs/lsp.md");
}

#[test]
fn models() {
    examples_of("docs/models.md");
}

#[test]
fn regenerating() {
    examples_of("docs/regenerating.md");
}

#[test]
fn send() {
    examples_of("docs/send.md");
}

#[test]
fn snapshots() {
    examples_of("docs/snapshots.md");
}

/// A new page in docs/ gets its examples tested: it must be added to `DOCUMENTS`.
#[test]
fn every_document_is_listed() {
    let mut found = vec!["README.md".to_owned()];
    for entry in std::fs::read_dir(workspace_path("docs")).expect("docs/") {
        let path: PathBuf = entry.expect("an entry").path();
        if path.extension().is_some_and(|e| e == "md") {
            let name = path.file_name().and_then(|n| n.to_str()).expect("a name");
            found.push(format!("docs/{name}"));
        }
    }
    found.sort();
    let mut listed: Vec<String> = DOCUMENTS.iter().map(|d| (*d).to_owned()).collect();
    listed.sort();
    assert_eq!(
        found, listed,
        "DOCUMENTS lists every Markdown file of docs/ and the README"
    );
}

#[test]
fn the_readme_stays_short() {
    let text = std::fs::read_to_string(workspace_path("README.md")).expect("README");
    let lines = text.lines().count();
    assert!(
        lines < README_MAX_LINES,
        "README.md has {lines} lines: keep it under {README_MAX_LINES}, and move reference into docs/"
    );
}

/// `.ci/run` runs what the README calls the test command.
#[test]
fn ci_runs_the_readmes_test_command() {
    let readme = std::fs::read_to_string(workspace_path("README.md")).expect("README");
    let ci = std::fs::read_to_string(workspace_path(".ci/run")).expect(".ci/run");
    let command = "cargo test --workspace";
    assert!(
        readme.lines().any(|l| l.trim_start().starts_with(command)),
        "the README gives `{command}` as the test command"
    );
    assert!(
        ci.lines().any(|l| l.replace(" --locked", "") == command),
        ".ci/run runs the README's test command"
    );
}

// The test's own parts: what it would let slip.

#[test]
fn a_block_without_a_reason_not_to_run_fails() {
    let dir = TempDir::new("docs-self");
    let unmarked = block(1, "sh", "cargo test\n".to_owned());
    assert!(try_block(&dir, &mut Session::default(), &unmarked).is_err());
    let no_reason = block(1, "console no-run", "$ changeos send x\n".to_owned());
    assert!(try_block(&dir, &mut Session::default(), &no_reason).is_err());
    let marked = block(1, "console no-run (a real send)", "$ changeos send x\n".to_owned());
    assert_eq!(try_block(&dir, &mut Session::default(), &marked), Ok(Outcome::NotRun));
    let rust = block(1, "rust", "let x = 1;\n".to_owned());
    assert!(
        try_block(&dir, &mut Session::default(), &rust).is_err(),
        "a Rust block must say where it runs"
    );
}

#[test]
fn a_console_block_is_compared_line_by_line() {
    let dir = TempDir::new("docs-self");
    let good = block(1, "console", "$ echo a; echo b\na\nb\n$ echo c\nc\n".to_owned());
    assert_eq!(try_block(&dir, &mut Session::default(), &good), Ok(Outcome::Console));
    let wrong = block(1, "console", "$ echo a\nb\n".to_owned());
    assert!(try_block(&dir, &mut Session::default(), &wrong).is_err());
    let elided = block(1, "console", "$ printf 'a\\nb\\nc\\n'\na\n...\n".to_owned());
    assert_eq!(try_block(&dir, &mut Session::default(), &elided), Ok(Outcome::Console));
    let continued = block(1, "console", "$ echo one \\\n    two\none two\n".to_owned());
    assert_eq!(
        try_block(&dir, &mut Session::default(), &continued),
        Ok(Outcome::Console)
    );
    let dangling = block(1, "console", "output without a command\n".to_owned());
    assert!(try_block(&dir, &mut Session::default(), &dangling).is_err());
}

#[test]
fn data_blocks_are_parsed_and_configs_loaded() {
    let dir = scratch("self");
    assert!(
        try_block(
            &dir,
            &mut Session::default(),
            &block(1, "json", "{\"a\": }\n".to_owned())
        )
        .is_err()
    );
    assert!(try_block(&dir, &mut Session::default(), &block(1, "toml", "a = \n".to_owned())).is_err());
    assert!(try_block(&dir, &mut Session::default(), &block(1, "yaml", "a: [\n".to_owned())).is_err());
    let unknown_rule = block(
        1,
        "toml file=changeos.toml",
        "[rules]\nno-such-rule = \"off\"\n".to_owned(),
    );
    assert!(
        try_block(&dir, &mut Session::default(), &unknown_rule).is_err(),
        "the binary refuses the config"
    );
    let bad_regions = block(
        1,
        "yaml file=regions.yaml",
        "ECS:\n  - endpoint: https://x\n".to_owned(),
    );
    assert!(
        try_block(&dir, &mut Session::default(), &bad_regions).is_err(),
        "the binary refuses the regions file"
    );
}

/// The commands whose flags the docs must show, as `changeos` arguments before `--help`.
const COMMANDS: [&[&str]; 11] = [
    &["check"],
    &["fmt"],
    &["render"],
    &["rules"],
    &["explain"],
    &["schema"],
    &["completions"],
    &["send"],
    &["job", "show"],
    &["job", "wait"],
    &["lsp"],
];

/// A new command gets its flags checked: it must be in `COMMANDS` (as itself, or through its
/// subcommands).
#[test]
fn every_command_is_listed() {
    let ran = crate::common::cli::changeos(["--help"]).run();
    ran.expect_code(0);
    let commands: Vec<&str> = ran
        .stdout
        .split("Commands:")
        .nth(1)
        .unwrap_or_default()
        .lines()
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert!(commands.contains(&"check"), "{}", ran.stdout);
    for command in commands {
        assert!(
            COMMANDS.iter().any(|c| c[0] == command),
            "`{command}` is not in COMMANDS"
        );
    }
}

/// The long flags that `--help` lists, but `--help` and `--version`.
fn flags_in_help(command: &[&str]) -> Vec<String> {
    let mut args: Vec<&str> = command.to_vec();
    args.push("--help");
    let ran = crate::common::cli::changeos(&args).run();
    ran.expect_code(0);
    let mut flags: Vec<String> = ran
        .stdout
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|word| word.starts_with("--") && word.len() > 2)
        .filter(|word| *word != "--help" && *word != "--version")
        .map(str::to_owned)
        .collect();
    flags.sort();
    flags.dedup();
    flags
}

/// Every flag of every command is shown in use: a line of the README or docs/ that runs the
/// command (`changeos job wait`, say) with the flag on it; a flag of every command (`--color`)
/// with any command.
#[test]
fn every_flag_has_an_example() {
    let mut lines = Vec::new();
    for document in DOCUMENTS {
        let text = std::fs::read_to_string(workspace_path(document)).expect("the document");
        // A command continued with `\` is one line.
        lines.extend(text.replace("\\\n", " ").lines().map(str::to_owned));
    }
    let mut missing = Vec::new();
    let global = flags_in_help(&[]);
    for flag in &global {
        let shown = lines.iter().any(|line| {
            line.contains("changeos ")
                && line
                    .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                    .any(|w| w == flag)
        });
        if !shown {
            missing.push(format!("changeos {flag}"));
        }
    }
    for command in COMMANDS {
        let flags: Vec<String> = flags_in_help(command)
            .into_iter()
            .filter(|flag| !global.contains(flag))
            .collect();
        let words = command.join(" ");
        for flag in flags {
            let shown = lines.iter().any(|line| {
                line.contains("changeos ")
                    && line.contains(&format!(" {words}"))
                    && line
                        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                        .any(|w| w == flag)
            });
            if !shown {
                missing.push(format!("changeos {words} {flag}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "no example in README.md or docs/ of:\n{}",
        missing.join("\n")
    );
}

#[test]
fn a_piece_of_code_must_be_in_its_file_in_a_row() {
    let dir = TempDir::new("docs-self");
    let piece = "use changeos_models::runtime::pointer::Pointer;\n\nfor finding in &findings {\n";
    let there = block(1, "rust from=tests/it/models_guide.rs", piece.to_owned());
    assert_eq!(try_block(&dir, &mut Session::default(), &there), Ok(Outcome::Compiled));
    let changed = block(
        1,
        "rust from=tests/it/models_guide.rs",
        piece.replace("&findings", "findings"),
    );
    assert!(try_block(&dir, &mut Session::default(), &changed).is_err());
    let elsewhere = block(1, "rust from=src/main.rs", "fn main() {\n".to_owned());
    assert!(
        try_block(&dir, &mut Session::default(), &elsewhere).is_err(),
        "a file outside tests/it/ does not run with the tests"
    );
}
