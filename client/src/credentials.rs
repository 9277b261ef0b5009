//! Finding credentials, in the order the issue fixes and the official SDKs use:
//!
//! 1. `HUAWEICLOUD_SDK_AK` and `HUAWEICLOUD_SDK_SK` from the environment, with
//!    `HUAWEICLOUD_SDK_SECURITY_TOKEN` for temporary credentials (sent as `X-Security-Token`);
//! 2. the SDK's credentials file: `HUAWEICLOUD_SDK_CREDENTIALS_FILE`, or
//!    `~/.huaweicloud/credentials`, an INI file whose `[basic]` section holds `ak`, `sk` and
//!    optionally `project_id`, `security_token` and `iam_endpoint` (where the project id is
//!    looked up when none is given). The SDK's default chain reads the section
//!    `[basiccredentials]` instead (the lower-cased class name, reference §5.5), so that name is
//!    accepted too; `[basic]` wins when both exist;
//! 3. an IAM token from `HUAWEICLOUD_SDK_AUTH_TOKEN`, sent as `X-Auth-Token`.
//!
//! Credentials never come from the command line (they would land in shell history and `ps`).
//! The environment is read through a function passed in, so that tests need no global state.
//! Secret values live in types whose `Debug` never shows them, and no error message here ever
//! repeats a value read from the environment or the file.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use changeos_models::SecretString;

use crate::files::{self, FileError};
use crate::signer::{Credentials, SignError};

/// AK of permanent or temporary credentials.
pub const ENV_AK: &str = "HUAWEICLOUD_SDK_AK";
/// SK that goes with [`ENV_AK`].
pub const ENV_SK: &str = "HUAWEICLOUD_SDK_SK";
/// Security token of temporary credentials.
pub const ENV_SECURITY_TOKEN: &str = "HUAWEICLOUD_SDK_SECURITY_TOKEN";
/// Where the credentials file is, instead of `~/.huaweicloud/credentials`.
pub const ENV_CREDENTIALS_FILE: &str = "HUAWEICLOUD_SDK_CREDENTIALS_FILE";
/// An IAM token, the last resort.
pub const ENV_AUTH_TOKEN: &str = "HUAWEICLOUD_SDK_AUTH_TOKEN";
/// The project id (read by the command line, listed here with its siblings).
pub const ENV_PROJECT_ID: &str = "HUAWEICLOUD_SDK_PROJECT_ID";
/// The region id (read by the command line, listed here with its siblings).
pub const ENV_REGION: &str = "HUAWEICLOUD_SDK_REGION";

/// The sections of the credentials file that hold AK/SK credentials, in order of preference.
pub const FILE_SECTIONS: [&str; 2] = ["basic", "basiccredentials"];

/// A larger credentials file is refused unread: a real one is a few hundred bytes.
pub const MAX_CREDENTIALS_FILE_BYTES: u64 = 1024 * 1024;

/// How requests are authenticated.
#[derive(Debug, Clone)]
pub enum Auth {
    /// Signed with `SDK-HMAC-SHA256`.
    AkSk {
        /// AK and SK for the signer.
        credentials: Credentials,
        /// The SK once more, kept only so that output can be scrubbed of it (the signer never
        /// hands its copy back).
        sk: SecretString,
        /// Temporary credentials' token, sent (and signed) as `X-Security-Token`.
        security_token: Option<SecretString>,
    },
    /// An IAM token sent as `X-Auth-Token`; nothing is signed.
    Token(SecretString),
}

impl Auth {
    /// AK/SK credentials from their parts.
    pub fn ak_sk(ak: &str, sk: &str, security_token: Option<&str>) -> Result<Auth, SignError> {
        Ok(Auth::AkSk {
            credentials: Credentials::new(ak, sk)?,
            sk: SecretString::new(sk),
            security_token: security_token.map(SecretString::new),
        })
    }

    /// Every secret value this holds, for scrubbing output (never for printing).
    pub fn secrets(&self) -> Vec<&SecretString> {
        match self {
            Auth::AkSk { sk, security_token, .. } => std::iter::once(sk).chain(security_token.as_ref()).collect(),
            Auth::Token(token) => vec![token],
        }
    }

    /// A short description for messages: the kind, and the AK (which is not secret).
    pub fn describe(&self) -> String {
        match self {
            Auth::AkSk {
                credentials,
                security_token,
                ..
            } => format!(
                "AK/SK (AK {}{})",
                credentials.access_key().as_str(),
                if security_token.is_some() {
                    ", with a security token"
                } else {
                    ""
                }
            ),
            Auth::Token(_) => "an IAM token (X-Auth-Token)".to_owned(),
        }
    }
}

/// Where the credentials were found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `HUAWEICLOUD_SDK_AK`/`HUAWEICLOUD_SDK_SK`.
    Environment,
    /// A section of the credentials file.
    File {
        /// The file.
        path: PathBuf,
        /// `basic` or `basiccredentials`.
        section: String,
    },
    /// `HUAWEICLOUD_SDK_AUTH_TOKEN`.
    Token,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Environment => write!(f, "the environment ({ENV_AK}, {ENV_SK})"),
            Source::File { path, section } => write!(f, "[{section}] of {}", path.display()),
            Source::Token => write!(f, "the environment ({ENV_AUTH_TOKEN})"),
        }
    }
}

/// Credentials found, with the project id that came with them (from the file), if any.
#[derive(Debug, Clone)]
pub struct Found {
    /// How to authenticate.
    pub auth: Auth,
    /// `project_id` of the file's section.
    pub project_id: Option<String>,
    /// `iam_endpoint` of the file's section, as written (checked where it is used).
    pub iam_endpoint: Option<String>,
    /// Where they came from.
    pub source: Source,
    /// Things worth telling the user (a section shadowed by another, ...).
    pub notes: Vec<String>,
    /// Things the user should fix (a credentials file that other users can read).
    pub warnings: Vec<String>,
}

/// Why no usable credentials were found. Messages name variables, files, sections, keys and
/// line numbers, never values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialsError {
    /// Nothing anywhere.
    #[error(
        "no credentials: set {ENV_AK} and {ENV_SK} (plus {ENV_SECURITY_TOKEN} for temporary credentials), \
         or write them to the credentials file ({}) under [basic] as `ak = ...` and `sk = ...`, \
         or set {ENV_AUTH_TOKEN} to an IAM token; credentials are never taken from the command line{}",
        .file.display(),
        .note.as_deref().map(|n| format!(" ({n})")).unwrap_or_default()
    )]
    Missing {
        /// The credentials file looked for.
        file: PathBuf,
        /// Why the file, if it exists, did not count.
        note: Option<String>,
    },
    /// One of a pair of variables without the other, or a token without its keys.
    #[error("{0}")]
    Incomplete(String),
    /// The credentials file cannot be read or used.
    #[error("credentials file {}: {reason}", .path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// What is wrong, with a line number when it helps.
        reason: String,
    },
    /// The keys are present but cannot sign (an AK with a space, ...).
    #[error("{source_name}: {error}")]
    Invalid {
        /// Where the keys came from.
        source_name: String,
        /// The signer's complaint.
        error: SignError,
    },
}

/// Looks for credentials in the order of the module documentation. `env` reads one
/// environment variable (`|name| std::env::var(name).ok()` in the binary); an empty value
/// counts as unset.
pub fn discover(env: &dyn Fn(&str) -> Option<String>) -> Result<Found, CredentialsError> {
    let var = |name: &str| env(name).filter(|v| !v.is_empty());
    let (ak, sk, token) = (var(ENV_AK), var(ENV_SK), var(ENV_SECURITY_TOKEN));
    match (&ak, &sk) {
        (Some(ak), Some(sk)) => {
            let auth = Auth::ak_sk(ak, sk, token.as_deref()).map_err(|error| CredentialsError::Invalid {
                source_name: Source::Environment.to_string(),
                error,
            })?;
            return Ok(Found {
                auth,
                project_id: None,
                iam_endpoint: None,
                source: Source::Environment,
                notes: Vec::new(),
                warnings: Vec::new(),
            });
        }
        (Some(_), None) => {
            return Err(CredentialsError::Incomplete(format!(
                "{ENV_AK} is set but {ENV_SK} is not"
            )));
        }
        (None, Some(_)) => {
            return Err(CredentialsError::Incomplete(format!(
                "{ENV_SK} is set but {ENV_AK} is not"
            )));
        }
        (None, None) if token.is_some() => {
            return Err(CredentialsError::Incomplete(format!(
                "{ENV_SECURITY_TOKEN} is set but {ENV_AK} and {ENV_SK} are not; \
                 a security token goes with the temporary AK/SK it was issued with"
            )));
        }
        (None, None) => {}
    }

    let explicit = var(ENV_CREDENTIALS_FILE).map(PathBuf::from);
    let file = explicit.clone().unwrap_or_else(|| default_credentials_file(&var));
    let mut note = None;
    match files::read_bounded(&file, MAX_CREDENTIALS_FILE_BYTES) {
        Ok((bytes, metadata)) => match from_file(&file, &bytes)? {
            FileOutcome::Found(mut found) => {
                found
                    .warnings
                    .extend(permission_bits(&metadata).and_then(|mode| mode_warning(&file, mode)));
                return Ok(*found);
            }
            FileOutcome::NoSection(why) => note = Some(why),
        },
        Err(FileError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound && explicit.is_none() => {}
        Err(FileError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(CredentialsError::File {
                path: file,
                reason: format!("no such file (named by {ENV_CREDENTIALS_FILE})"),
            });
        }
        Err(e) => {
            let reason = e.describe("a credentials file");
            return Err(CredentialsError::File { path: file, reason });
        }
    }

    if let Some(token) = var(ENV_AUTH_TOKEN) {
        return Ok(Found {
            auth: Auth::Token(SecretString::new(token)),
            project_id: None,
            iam_endpoint: None,
            source: Source::Token,
            notes: note.into_iter().collect(),
            warnings: Vec::new(),
        });
    }
    Err(CredentialsError::Missing { file, note })
}

/// `$HOME/.huaweicloud/credentials` (`%USERPROFILE%` where there is no `HOME`), as the SDK
/// expands `~`.
pub fn default_credentials_file(var: &dyn Fn(&str) -> Option<String>) -> PathBuf {
    let home = var("HOME")
        .or_else(|| var("USERPROFILE"))
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("~"));
    home.join(".huaweicloud").join("credentials")
}

enum FileOutcome {
    Found(Box<Found>),
    NoSection(String),
}

fn from_file(path: &Path, bytes: &[u8]) -> Result<FileOutcome, CredentialsError> {
    let file_error = |reason: String| CredentialsError::File {
        path: path.to_path_buf(),
        reason,
    };
    let text = std::str::from_utf8(bytes).map_err(|_| file_error("not UTF-8 text".to_owned()))?;
    let ini = Ini::parse(text).map_err(|e| file_error(e.to_string()))?;
    let present: Vec<&str> = FILE_SECTIONS
        .iter()
        .copied()
        .filter(|s| ini.section(s).is_some())
        .collect();
    let Some(&section_name) = present.first() else {
        let found: Vec<String> = ini.section_names().map(|s| format!("[{s}]")).collect();
        let why = if found.is_empty() {
            format!("{} has no [basic] section", path.display())
        } else {
            format!(
                "{} has {} but no [basic] section{}",
                path.display(),
                found.join(", "),
                if found.iter().any(|s| s == "[global]") {
                    "; [global] is for global services, ECS needs project credentials"
                } else {
                    ""
                }
            )
        };
        return Ok(FileOutcome::NoSection(why));
    };
    let mut notes = Vec::new();
    if present.len() > 1 {
        notes.push(format!(
            "{} has both [basic] and [basiccredentials]; [basic] is used",
            path.display()
        ));
    }
    let section = ini.section(section_name).unwrap_or_default();
    let get = |key: &str| section.get(key).map(String::as_str).filter(|v| !v.is_empty());
    let source = Source::File {
        path: path.to_path_buf(),
        section: section_name.to_owned(),
    };
    let (ak, sk) = match (get("ak"), get("sk")) {
        (Some(ak), Some(sk)) => (ak, sk),
        (ak, sk) => {
            let missing: Vec<&str> = [("ak", ak), ("sk", sk)]
                .iter()
                .filter(|(_, v)| v.is_none())
                .map(|(k, _)| *k)
                .collect();
            let federated = get("idp_id").is_some() || get("id_token_file").is_some();
            return Err(file_error(format!(
                "[{section_name}] has no `{}`{}",
                missing.join("` or `"),
                if federated {
                    " (federated credentials through idp_id/id_token_file are not supported: use AK/SK)"
                } else {
                    ""
                }
            )));
        }
    };
    let auth = Auth::ak_sk(ak, sk, get("security_token")).map_err(|error| CredentialsError::Invalid {
        source_name: source.to_string(),
        error,
    })?;
    Ok(FileOutcome::Found(Box::new(Found {
        auth,
        project_id: get("project_id").map(str::to_owned),
        iam_endpoint: get("iam_endpoint").map(str::to_owned),
        source,
        notes,
        warnings: Vec::new(),
    })))
}

#[cfg(unix)]
fn permission_bits(metadata: &std::fs::Metadata) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    Some(metadata.permissions().mode() & 0o7777)
}

#[cfg(not(unix))]
fn permission_bits(_: &std::fs::Metadata) -> Option<u32> {
    None
}

/// The warning for a credentials file that other users may read or change (any group or other
/// bit), as ssh gives for a private key: the file is still used.
fn mode_warning(path: &Path, mode: u32) -> Option<String> {
    let others = mode & 0o077;
    if others == 0 {
        return None;
    }
    let what = if others & 0o044 != 0 {
        "readable by"
    } else if others & 0o022 != 0 {
        "writable by"
    } else {
        "accessible to"
    };
    Some(format!(
        "credentials file {} is {what} other users (mode {mode:04o}); it holds your secret key: run `chmod 600 {}`",
        path.display(),
        path.display()
    ))
}

/// An INI file as Python's `configparser` (which the SDK uses) reads it: `[section]` headers
/// (case-sensitive), `key = value` or `key: value` lines (keys lower-cased, both sides
/// trimmed), whole-line comments starting with `#` or `;`, indented continuation lines,
/// `[DEFAULT]` values inherited by every section, and a duplicate section or key is an error.
#[derive(Default)]
pub struct Ini {
    sections: Vec<(String, BTreeMap<String, String>)>,
    defaults: BTreeMap<String, String>,
}

/// Why a credentials file is not INI. Never quotes the line: it may hold a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct IniError {
    /// 1-based.
    pub line: usize,
    /// What is wrong.
    pub reason: &'static str,
}

impl fmt::Debug for Ini {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Values may be secrets: show the shape only.
        f.debug_map()
            .entries(
                self.sections
                    .iter()
                    .map(|(name, keys)| (name, keys.keys().collect::<Vec<_>>())),
            )
            .finish()
    }
}

impl Ini {
    /// Parses the text of an INI file.
    pub fn parse(text: &str) -> Result<Ini, IniError> {
        let mut ini = Ini::default();
        // (section index or None for DEFAULT, key) of the last key, for continuation lines.
        let mut current: Option<Option<usize>> = None;
        let mut last_key: Option<String> = None;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for (index, raw) in text.lines().enumerate() {
            let line = index + 1;
            let error = |reason| IniError { line, reason };
            let trimmed = raw.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
                // configparser ends a multi-line value at an empty line.
                if trimmed.is_empty() {
                    last_key = None;
                }
                continue;
            }
            let indented = raw.starts_with([' ', '\t']);
            if indented && let (Some(section), Some(key)) = (current, &last_key) {
                let map = ini.map_mut(section);
                if let Some(value) = map.get_mut(key) {
                    value.push('\n');
                    value.push_str(trimmed);
                }
                continue;
            }
            if let Some(rest) = trimmed.strip_prefix('[') {
                let name = rest
                    .strip_suffix(']')
                    .ok_or_else(|| error("a section header must end with `]`"))?;
                if name == "DEFAULT" {
                    current = Some(None);
                } else {
                    if ini.sections.iter().any(|(n, _)| n == name) {
                        return Err(error("this section appears twice"));
                    }
                    ini.sections.push((name.to_owned(), BTreeMap::new()));
                    current = Some(Some(ini.sections.len() - 1));
                }
                last_key = None;
                continue;
            }
            let section = current.ok_or_else(|| error("a key before any [section] header"))?;
            let at = trimmed
                .find(['=', ':'])
                .ok_or_else(|| error("expected `key = value` or a [section] header"))?;
            let key = trimmed[..at].trim().to_lowercase();
            if key.is_empty() {
                return Err(error("a value without a key"));
            }
            let value = trimmed[at + 1..].trim().to_owned();
            let map = ini.map_mut(section);
            if map.contains_key(&key) {
                return Err(error("this key appears twice in its section"));
            }
            map.insert(key.clone(), value);
            last_key = Some(key);
        }
        Ok(ini)
    }

    fn map_mut(&mut self, section: Option<usize>) -> &mut BTreeMap<String, String> {
        match section {
            Some(i) => &mut self.sections[i].1,
            None => &mut self.defaults,
        }
    }

    /// The keys of a section (with `[DEFAULT]`'s underneath), or None if there is no such
    /// section.
    pub fn section(&self, name: &str) -> Option<BTreeMap<String, String>> {
        let (_, keys) = self.sections.iter().find(|(n, _)| n == name)?;
        let mut merged = self.defaults.clone();
        merged.extend(keys.iter().map(|(k, v)| (k.clone(), v.clone())));
        Some(merged)
    }

    /// The section names, in file order (`DEFAULT` excluded).
    pub fn section_names(&self) -> impl Iterator<Item = &str> {
        self.sections.iter().map(|(n, _)| n.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct Dir(PathBuf);

    impl Dir {
        fn new(tag: &str) -> Dir {
            use std::sync::atomic::{AtomicUsize, Ordering};
            static N: AtomicUsize = AtomicUsize::new(0);
            let path = std::env::temp_dir().join(format!(
                "changeos-credentials-{tag}-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            ));
            let _ = std::fs::remove_dir_all(&path);
            std::fs::create_dir_all(path.join(".huaweicloud")).unwrap();
            Dir(path)
        }

        fn home(&self) -> String {
            self.0.to_str().unwrap().to_owned()
        }

        fn write_default(&self, text: &str) -> PathBuf {
            let path = self.0.join(".huaweicloud/credentials");
            std::fs::write(&path, text).unwrap();
            path
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        move |name| map.get(name).cloned()
    }

    fn ak_of(found: &Found) -> &str {
        match &found.auth {
            Auth::AkSk { credentials, .. } => credentials.access_key().as_str(),
            Auth::Token(_) => "<token>",
        }
    }

    #[test]
    fn a_file_others_may_use_is_named_with_its_mode() {
        let path = Path::new("/home/u/.huaweicloud/credentials");
        assert_eq!(mode_warning(path, 0o600), None);
        assert_eq!(mode_warning(path, 0o400), None);
        assert_eq!(
            mode_warning(path, 0o604).as_deref(),
            Some(
                "credentials file /home/u/.huaweicloud/credentials is readable by other users (mode 0604); \
                 it holds your secret key: run `chmod 600 /home/u/.huaweicloud/credentials`"
            )
        );
        assert!(mode_warning(path, 0o602).is_some_and(|w| w.contains("writable by other users (mode 0602)")));
        assert!(mode_warning(path, 0o710).is_some_and(|w| w.contains("accessible to other users (mode 0710)")));
    }

    #[test]
    fn environment_first() {
        let dir = Dir::new("env");
        dir.write_default("[basic]\nak = FILEAK\nsk = FILESK\n");
        let found = discover(&env(&[
            ("HOME", &dir.home()),
            (ENV_AK, "ENVAK"),
            (ENV_SK, "EnvSecret"),
            (ENV_SECURITY_TOKEN, "EnvToken"),
            (ENV_AUTH_TOKEN, "IamToken"),
        ]))
        .unwrap();
        assert_eq!(found.source, Source::Environment);
        assert_eq!(ak_of(&found), "ENVAK");
        let secrets: Vec<&str> = found.auth.secrets().iter().map(|s| s.expose()).collect();
        assert_eq!(secrets, ["EnvSecret", "EnvToken"]);
        let debug = format!("{found:?}");
        for secret in ["EnvSecret", "EnvToken"] {
            assert!(!debug.contains(secret), "{debug}");
        }
    }

    #[test]
    fn half_a_pair_is_an_error_not_a_fall_through() {
        for (pairs, wanted) in [
            (
                vec![(ENV_AK, "A")],
                "HUAWEICLOUD_SDK_AK is set but HUAWEICLOUD_SDK_SK is not",
            ),
            (
                vec![(ENV_SK, "S")],
                "HUAWEICLOUD_SDK_SK is set but HUAWEICLOUD_SDK_AK is not",
            ),
            (
                vec![(ENV_SECURITY_TOKEN, "T")],
                "HUAWEICLOUD_SDK_SECURITY_TOKEN is set but",
            ),
        ] {
            let err = discover(&env(&pairs)).unwrap_err().to_string();
            assert!(err.starts_with(wanted), "{err}");
        }
        // Empty values count as unset.
        let dir = Dir::new("empty");
        let err = discover(&env(&[("HOME", &dir.home()), (ENV_AK, ""), (ENV_SK, "")])).unwrap_err();
        assert!(matches!(err, CredentialsError::Missing { .. }), "{err}");
    }

    #[test]
    fn the_file_after_the_environment_with_its_project_id() {
        let dir = Dir::new("file");
        let path = dir.write_default(
            "# comment\n; another\n[global]\nak = GLOBALAK\nsk = g\n\n[basic]\nAK = FILEAK\nsk: FileSecret\nproject_id = proj-1\nsecurity_token = FileToken\niam_endpoint = https://iam.example.test\n",
        );
        let found = discover(&env(&[("HOME", &dir.home()), (ENV_AUTH_TOKEN, "IamToken")])).unwrap();
        assert_eq!(
            found.source,
            Source::File {
                path,
                section: "basic".into()
            }
        );
        assert_eq!(ak_of(&found), "FILEAK");
        assert_eq!(found.project_id.as_deref(), Some("proj-1"));
        assert_eq!(found.iam_endpoint.as_deref(), Some("https://iam.example.test"));
        let secrets: Vec<&str> = found.auth.secrets().iter().map(|s| s.expose()).collect();
        assert_eq!(secrets, ["FileSecret", "FileToken"]);
    }

    #[test]
    fn basiccredentials_is_read_and_basic_wins() {
        let dir = Dir::new("quirk");
        dir.write_default("[basiccredentials]\nak = QUIRKAK\nsk = s\n");
        let found = discover(&env(&[("HOME", &dir.home())])).unwrap();
        assert_eq!(ak_of(&found), "QUIRKAK");
        assert!(matches!(&found.source, Source::File { section, .. } if section == "basiccredentials"));
        dir.write_default("[basiccredentials]\nak = QUIRKAK\nsk = s\n[basic]\nak = BASICAK\nsk = s\n");
        let found = discover(&env(&[("HOME", &dir.home())])).unwrap();
        assert_eq!(ak_of(&found), "BASICAK");
        assert!(found.notes[0].contains("[basic] is used"), "{:?}", found.notes);
    }

    #[test]
    fn explicit_file_must_exist_the_default_may_not() {
        let dir = Dir::new("explicit");
        let missing = dir.0.join("nope");
        let err = discover(&env(&[(ENV_CREDENTIALS_FILE, missing.to_str().unwrap())])).unwrap_err();
        assert!(err.to_string().contains("no such file"), "{err}");
        let other = dir.0.join("other.ini");
        std::fs::write(&other, "[basic]\nak = OTHER\nsk = s\n").unwrap();
        dir.write_default("[basic]\nak = DEFAULT\nsk = s\n");
        let found = discover(&env(&[
            ("HOME", &dir.home()),
            (ENV_CREDENTIALS_FILE, other.to_str().unwrap()),
        ]))
        .unwrap();
        assert_eq!(ak_of(&found), "OTHER");
        let err = discover(&env(&[("HOME", "/nonexistent-home")])).unwrap_err();
        assert!(matches!(err, CredentialsError::Missing { .. }));
        assert!(
            err.to_string().contains("/nonexistent-home/.huaweicloud/credentials"),
            "{err}"
        );
    }

    #[test]
    fn token_last() {
        let dir = Dir::new("token");
        dir.write_default("[global]\nak = G\nsk = g\n");
        let found = discover(&env(&[("HOME", &dir.home()), (ENV_AUTH_TOKEN, "IamToken")])).unwrap();
        assert_eq!(found.source, Source::Token);
        assert!(matches!(&found.auth, Auth::Token(t) if t.expose() == "IamToken"));
        assert!(
            found.notes[0].contains("[global] is for global services"),
            "{:?}",
            found.notes
        );
        assert!(!format!("{found:?}").contains("IamToken"));
        let err = discover(&env(&[("HOME", &dir.home())])).unwrap_err().to_string();
        assert!(err.contains("has [global] but no [basic] section"), "{err}");
    }

    #[test]
    fn broken_files_name_the_line_never_the_value() {
        let dir = Dir::new("broken");
        for (text, wanted) in [
            (
                "[basic]\nak = A\nsk = s\nSuperSecretLine\n",
                "line 4: expected `key = value`",
            ),
            ("ak = A\n", "line 1: a key before any [section] header"),
            ("[basic\n", "line 1: a section header must end with `]`"),
            ("[basic]\nak = A\n[basic]\n", "line 3: this section appears twice"),
            (
                "[basic]\nsk = SuperSecret1\nSK = SuperSecret2\n",
                "line 3: this key appears twice",
            ),
            ("[basic]\nak = A\n", "[basic] has no `sk`"),
            ("[basic]\nidp_id = x\nid_token_file = /t\n", "federated credentials"),
            ("[basic]\nak = A B\nsk = SuperSecret\n", "ak must be printable ASCII"),
        ] {
            dir.write_default(text);
            let err = discover(&env(&[("HOME", &dir.home())])).unwrap_err().to_string();
            assert!(err.contains(wanted), "{text:?}: {err}");
            assert!(!err.contains("SuperSecret"), "{err}");
        }
    }

    #[test]
    fn ini_details() {
        let ini = Ini::parse(
            "\u{feff}[DEFAULT]\nproject_id = shared\n[basic]\nak = A\nsk = line one\n  line two\n[x]\nk=v\n",
        )
        .unwrap();
        let basic = ini.section("basic").unwrap();
        assert_eq!(basic["sk"], "line one\nline two");
        assert_eq!(basic["project_id"], "shared");
        assert_eq!(ini.section_names().collect::<Vec<_>>(), ["basic", "x"]);
        assert!(ini.section("DEFAULT").is_none());
        assert!(!format!("{ini:?}").contains("line one"));
    }
}
