//! `changeos.toml`: turn a rule off or change its severity, everywhere or for path globs, and
//! say which operation's body the files under some globs are.
//!
//! ```toml
//! [rules]
//! keyname-without-userid = "error"      # error | warning | off
//!
//! [[overrides]]
//! files = ["legacy/**/*.json"]          # relative to the directory of changeos.toml
//! rules = { adminpass-doubtful-chars = "off" }
//!
//! [[files]]
//! files = ["payloads/v1/**/*.json"]
//! op = "nocloudinit"                    # an `--op` name
//! ```
//!
//! Anything unknown (a key, a rule id, a level) is an error that names it: a config that
//! silently does nothing is worse than none.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use changeos_models::{Rule, Severity};
use changeos_runtime::escape::escape_controls;
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Deserialize;

use crate::source::{ReadError, read_regular_file};
use crate::{FileReport, Operation, rules};

/// The file name looked for upward from the current directory.
pub const FILE_NAME: &str = "changeos.toml";

/// A larger config is refused unread: a real one is a few hundred bytes.
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// What a config can set a rule to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Off,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    rules: BTreeMap<String, Level>,
    #[serde(default)]
    overrides: Vec<RawOverride>,
    #[serde(default)]
    files: Vec<RawFiles>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverride {
    files: Vec<String>,
    #[serde(default)]
    rules: BTreeMap<String, Level>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFiles {
    files: Vec<String>,
    op: String,
}

/// A loaded config; the default one changes nothing.
#[derive(Debug, Default)]
pub struct Config {
    /// The file it came from, if any.
    pub path: Option<PathBuf>,
    dir: PathBuf,
    rules: BTreeMap<Rule, Level>,
    overrides: Vec<Override>,
    files: Vec<Files>,
}

#[derive(Debug)]
struct Override {
    globs: GlobSet,
    rules: BTreeMap<Rule, Level>,
}

/// A `[[files]]` section: the files its globs match are bodies of `operation`.
#[derive(Debug)]
struct Files {
    globs: GlobSet,
    operation: Operation,
}

/// Why a config cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {message}")]
    Read { path: String, message: String },
    #[error("{path}: {message}")]
    Syntax { path: String, message: String },
    #[error("{path}: unknown rule `{id}` in {section}{}", .help.as_deref().map(|h| format!(" ({h})")).unwrap_or_default())]
    UnknownRule {
        path: String,
        id: String,
        section: String,
        help: Option<String>,
    },
    #[error("{path}: unknown op `{op}` in {section} (the ops are {})", .choices.join(", "))]
    UnknownOperation {
        path: String,
        op: String,
        section: String,
        choices: Vec<&'static str>,
    },
    #[error("{path}: {section} has no glob in `files`, so it would apply to nothing")]
    NoGlob { path: String, section: String },
    #[error("{path}: invalid glob `{glob}`: {message}")]
    Glob {
        path: String,
        glob: String,
        message: String,
    },
}

impl Config {
    /// The nearest `changeos.toml` in `start` or a directory above it: whatever it is, so that
    /// one that is not a regular file is refused by [`Config::load`] rather than passed over.
    fn discover(start: &Path) -> Option<PathBuf> {
        start
            .ancestors()
            .map(|dir| dir.join(FILE_NAME))
            .find(|p| std::fs::metadata(p).is_ok())
    }

    /// The config a command uses: none with `no_config`, else `explicit`, else the nearest
    /// `changeos.toml` above the current directory, else the default.
    pub fn resolve(explicit: Option<&Path>, no_config: bool) -> Result<Config, ConfigError> {
        if no_config {
            return Ok(Config::default());
        }
        match (explicit, std::env::current_dir()) {
            (Some(path), _) => Config::load(path),
            (None, Ok(dir)) => Config::nearest(&dir),
            (None, Err(_)) => Ok(Config::default()),
        }
    }

    /// The config of the nearest `changeos.toml` in `dir` or above it, else the default.
    pub fn nearest(dir: &Path) -> Result<Config, ConfigError> {
        match Config::discover(dir) {
            Some(path) => Config::load(&path),
            None => Ok(Config::default()),
        }
    }

    /// Reads and checks the config at `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        // Escaped here, not where messages are printed: a TOML error has line breaks of its own,
        // which the printer keeps, so only here is a line feed in the name known to be one.
        let shown = escape_controls(&path.display().to_string()).into_owned();
        let read_error = |message: String| ConfigError::Read {
            path: shown.clone(),
            message,
        };
        let bytes = read_regular_file(path, MAX_CONFIG_BYTES).map_err(|e| {
            read_error(match e {
                ReadError::Unreadable(why) => why,
                ReadError::Directory => "it is a directory".to_owned(),
                ReadError::TooLarge(Some(size)) => {
                    format!("it has {size} bytes, more than the {MAX_CONFIG_BYTES} a config file may have")
                }
                ReadError::TooLarge(None) => {
                    format!("it has more than the {MAX_CONFIG_BYTES} bytes a config file may have")
                }
            })
        })?;
        let text = String::from_utf8(bytes).map_err(|_| read_error("it is not UTF-8 text".to_owned()))?;
        let dir = normalized(path).parent().map(Path::to_path_buf).unwrap_or_default();
        Self::parse(&text, &shown, dir).map(|config| Config {
            path: Some(path.to_path_buf()),
            ..config
        })
    }

    /// Checks the text of a config; globs are relative to `dir`.
    pub fn parse(text: &str, shown: &str, dir: PathBuf) -> Result<Config, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| ConfigError::Syntax {
            path: shown.to_owned(),
            message: e.to_string().trim().to_owned(),
        })?;
        let rules = rule_levels(raw.rules, shown, "[rules]")?;
        let mut overrides = Vec::new();
        for (i, o) in raw.overrides.into_iter().enumerate() {
            let section = format!("[[overrides]] #{}", i + 1);
            let rules = rule_levels(o.rules, shown, &section)?;
            let globs = glob_set(&o.files, shown, &section)?;
            overrides.push(Override { globs, rules });
        }
        let mut files = Vec::new();
        for (i, f) in raw.files.into_iter().enumerate() {
            let section = format!("[[files]] #{}", i + 1);
            let operation = Operation::from_cli_name(&f.op).ok_or_else(|| ConfigError::UnknownOperation {
                path: shown.to_owned(),
                op: f.op.clone(),
                section: section.clone(),
                choices: Operation::ALL.iter().map(|op| op.cli_name()).collect(),
            })?;
            let globs = glob_set(&f.files, shown, &section)?;
            files.push(Files { globs, operation });
        }
        Ok(Config {
            path: None,
            dir,
            rules,
            overrides,
            files,
        })
    }

    /// Which operation's body `file` (the path as given; `None` for standard input) is:
    /// `given` (`--op`) when there is one, else the last `[[files]]` section whose globs match
    /// it (a later, narrower section wins, as for `[[overrides]]`), else the default operation.
    pub fn operation(&self, given: Option<Operation>, file: Option<&Path>) -> Operation {
        given
            .or_else(|| self.mapped_operation(file))
            .unwrap_or(Operation::DEFAULT)
    }

    /// The operation a `[[files]]` section maps `file` to, if one does.
    pub fn mapped_operation(&self, file: Option<&Path>) -> Option<Operation> {
        if self.files.is_empty() {
            return None;
        }
        let relative = self.relative(file?);
        self.files
            .iter()
            .rev()
            .find(|f| f.globs.is_match(&relative))
            .map(|f| f.operation)
    }

    /// Applies the levels to a file's report: `file` is the path as given (None for stdin).
    pub fn apply(&self, file: Option<&Path>, report: &mut FileReport) {
        if self.rules.is_empty() && self.overrides.is_empty() {
            return;
        }
        let relative = file.map(|f| self.relative(f));
        let matching: Vec<&Override> = self
            .overrides
            .iter()
            .filter(|o| relative.as_ref().is_some_and(|r| o.globs.is_match(r)))
            .collect();
        report.diagnostics.retain_mut(|d| {
            let level = matching
                .iter()
                .rev()
                .find_map(|o| o.rules.get(&d.rule))
                .or_else(|| self.rules.get(&d.rule));
            match level {
                Some(Level::Off) => false,
                Some(Level::Error) => {
                    d.severity = Severity::Error;
                    true
                }
                Some(Level::Warning) => {
                    d.severity = Severity::Warning;
                    true
                }
                None => true,
            }
        });
    }

    fn relative(&self, file: &Path) -> PathBuf {
        let absolute = normalized(file);
        absolute
            .strip_prefix(&self.dir)
            .map(Path::to_path_buf)
            .unwrap_or(absolute)
    }
}

/// `path` made absolute with `.` and `..` resolved as written (not through symlinks):
/// `../legacy/a.json` given in `new/` is `legacy/a.json` to the globs.
fn normalized(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The globs of one section, relative to the config's directory; a section without any is
/// refused, as it could only be a mistake.
fn glob_set(globs: &[String], path: &str, section: &str) -> Result<GlobSet, ConfigError> {
    if globs.is_empty() {
        return Err(ConfigError::NoGlob {
            path: path.to_owned(),
            section: section.to_owned(),
        });
    }
    let mut builder = GlobSetBuilder::new();
    for glob in globs {
        let compiled = GlobBuilder::new(glob)
            .literal_separator(true)
            .build()
            .map_err(|e| ConfigError::Glob {
                path: path.to_owned(),
                glob: glob.clone(),
                message: e.kind().to_string(),
            })?;
        builder.add(compiled);
    }
    builder.build().map_err(|e| ConfigError::Glob {
        path: path.to_owned(),
        glob: String::new(),
        message: e.to_string(),
    })
}

/// The levels of one table, its ids parsed into rules; the first unknown id (in id order) is
/// the error.
fn rule_levels(
    levels: BTreeMap<String, Level>,
    path: &str,
    section: &str,
) -> Result<BTreeMap<Rule, Level>, ConfigError> {
    levels
        .into_iter()
        .map(|(id, level)| match rules::parse(&id) {
            Ok(rule) => Ok((rule, level)),
            Err(unknown) => Err(ConfigError::UnknownRule {
                path: path.to_owned(),
                id,
                section: section.to_owned(),
                help: unknown
                    .nearest
                    .map(|near| format!("did you mean `{near}`? rule ids are listed by `changeos rules`")),
            }),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check_source;

    fn config(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, "changeos.toml", PathBuf::from("/project"))
    }

    fn report() -> FileReport {
        // keyname without userid (warning) and a bad mode (error).
        check_source(
            Operation::ChangeServerOsWithCloudInit,
            br#"{"os-change": {"keyname": "k", "mode": "x", "imageid": "e215580f-73ad-429d-b6f2-5433947433b0"}}"#,
        )
    }

    fn levels(report: &FileReport) -> Vec<(&str, Severity)> {
        report.diagnostics.iter().map(|d| (d.rule.id(), d.severity)).collect()
    }

    #[test]
    fn global_levels() {
        let c = config("[rules]\nkeyname-without-userid = \"error\"\nmode-value = \"off\"\n").expect("valid");
        let mut r = report();
        c.apply(Some(Path::new("/project/a.json")), &mut r);
        assert_eq!(levels(&r), [("keyname-without-userid", Severity::Error)]);
    }

    #[test]
    fn overrides_by_glob_relative_to_the_config() {
        let c = config("[[overrides]]\nfiles = [\"legacy/**/*.json\"]\nrules = { mode-value = \"warning\" }\n")
            .expect("valid");
        let mut inside = report();
        c.apply(Some(Path::new("/project/legacy/x/a.json")), &mut inside);
        assert!(levels(&inside).contains(&("mode-value", Severity::Warning)));
        let mut outside = report();
        c.apply(Some(Path::new("/project/new/a.json")), &mut outside);
        assert!(levels(&outside).contains(&("mode-value", Severity::Error)));
        let mut dotted = report();
        c.apply(Some(Path::new("/project/new/../legacy/./x/a.json")), &mut dotted);
        assert!(levels(&dotted).contains(&("mode-value", Severity::Warning)));
        let mut stdin = report();
        c.apply(None, &mut stdin);
        assert!(levels(&stdin).contains(&("mode-value", Severity::Error)));
    }

    #[test]
    fn ids_of_both_catalogs_are_known() {
        let c = config("[rules]\nduplicate-key = \"warning\"\nmode-value = \"off\"\n").expect("valid");
        let mut r = check_source(
            Operation::ChangeServerOsWithCloudInit,
            br#"{"os-change": {"mode": "x", "mode": "y", "imageid": "e215580f-73ad-429d-b6f2-5433947433b0"}}"#,
        );
        c.apply(None, &mut r);
        assert_eq!(
            levels(&r),
            [
                ("login-method-required", Severity::Warning),
                ("duplicate-key", Severity::Warning)
            ]
        );
        let e = config("[rules]\nduplicate-keys = \"off\"\n").unwrap_err().to_string();
        assert!(e.contains("(did you mean `duplicate-key`?"), "{e}");
    }

    #[test]
    fn unknown_things_are_named() {
        let e = config("[rules]\nmode-valu = \"off\"\n").unwrap_err().to_string();
        assert_eq!(
            e,
            "changeos.toml: unknown rule `mode-valu` in [rules] (did you mean `mode-value`? rule ids are listed by `changeos rules`)"
        );
        let e = config("[rulez]\n").unwrap_err().to_string();
        assert!(e.contains("unknown field `rulez`"), "{e}");
        let e = config("[rules]\nmode-value = \"loud\"\n").unwrap_err().to_string();
        assert!(e.contains("unknown variant `loud`"), "{e}");
        let e = config("[[overrides]]\nfiles = [\"[\"]\n").unwrap_err().to_string();
        assert!(e.contains("invalid glob `[`"), "{e}");
        let e = config("[[overrides]]\nfiles = [\"a\"]\nrules = { nope = \"off\" }\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown rule `nope` in [[overrides]] #1"), "{e}");
    }

    #[test]
    fn files_sections_map_globs_to_operations_the_last_match_winning() {
        let c = config(
            "[[files]]\nfiles = [\"payloads/**/*.json\"]\nop = \"cloudinit\"\n\n\
             [[files]]\nfiles = [\"payloads/v1/**/*.json\", \"old/*.json\"]\nop = \"nocloudinit\"\n",
        )
        .expect("valid");
        let v1 = Operation::ChangeServerOsWithoutCloudInit;
        let v2 = Operation::ChangeServerOsWithCloudInit;
        let of = |file: &str| c.mapped_operation(Some(Path::new(file)));
        assert_eq!(of("/project/payloads/v1/a/b.json"), Some(v1));
        assert_eq!(of("/project/payloads/web.json"), Some(v2));
        assert_eq!(of("/project/old/a.json"), Some(v1));
        assert_eq!(of("/project/payloads/v2/../v1/a.json"), Some(v1));
        // A glob's `*` stops at a separator, and the globs are the config directory's.
        assert_eq!(of("/project/old/deeper/a.json"), None);
        assert_eq!(of("/elsewhere/payloads/v1/a.json"), None);
        assert_eq!(c.mapped_operation(None), None);
        // --op wins; an unmapped file (and standard input) is the default operation's body.
        assert_eq!(c.operation(Some(v2), Some(Path::new("/project/old/a.json"))), v2);
        assert_eq!(c.operation(None, Some(Path::new("/project/old/a.json"))), v1);
        assert_eq!(
            c.operation(None, Some(Path::new("/project/a.json"))),
            Operation::DEFAULT
        );
        assert_eq!(c.operation(None, None), Operation::DEFAULT);
        assert_eq!(
            Config::default().operation(None, Some(Path::new("/project/old/a.json"))),
            Operation::DEFAULT
        );
    }

    #[test]
    fn broken_files_sections_are_named() {
        let e = config("[[files]]\nfiles = [\"a/*.json\"]\nop = \"cloud-init\"\n")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "changeos.toml: unknown op `cloud-init` in [[files]] #1 (the ops are cloudinit, nocloudinit)"
        );
        let e = config("[[files]]\nfiles = []\nop = \"cloudinit\"\n")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "changeos.toml: [[files]] #1 has no glob in `files`, so it would apply to nothing"
        );
        let e = config("[[overrides]]\nfiles = []\n").unwrap_err().to_string();
        assert!(e.contains("[[overrides]] #1 has no glob"), "{e}");
        let e = config("[[files]]\nfiles = [\"a\"]\n").unwrap_err().to_string();
        assert!(e.contains("missing field `op`"), "{e}");
        let e = config("[[files]]\nfiles = [\"a\"]\nop = \"cloudinit\"\nrules = {}\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown field `rules`"), "{e}");
        let e =
            config("[[files]]\nfiles = [\"a\"]\nop = \"cloudinit\"\n[[files]]\nfiles = [\"[\"]\nop = \"cloudinit\"\n")
                .unwrap_err()
                .to_string();
        assert!(e.contains("invalid glob `[`"), "{e}");
    }
}
