//! Running the `changeos` binary from tests: a time limit (a hang fails the test instead of
//! freezing CI), standard input, environment, current directory; and per-test temporary
//! directories that are removed at the end and redacted from snapshots.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How long one run of the binary may take before the test fails.
pub const TIME_LIMIT: Duration = Duration::from_secs(20);

/// What a run of the binary gave.
#[derive(Debug)]
pub struct Ran {
    /// The exit code (None: killed by a signal, which is a crash).
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Ran {
    /// Asserts the exit code, showing both streams when it differs.
    #[track_caller]
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code,
            Some(code),
            "exit code\n--- stdout:\n{}\n--- stderr:\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// Everything printed.
    pub fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }

    /// Asserts that `needle` was printed (on either stream).
    #[track_caller]
    pub fn says(&self, needle: &str) -> &Self {
        assert!(
            self.all().contains(needle),
            "{needle:?} not printed\n--- stdout:\n{}\n--- stderr:\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// The JSON lines of stdout.
    #[track_caller]
    pub fn events(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .filter(|l| !l.is_empty())
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}\n{}", self.stdout)))
            .collect()
    }

    /// The `--format json` document of the run.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}):\n{}", self.stdout))
    }
}

/// A run of the binary being set up.
pub struct Changeos {
    command: Command,
    stdin: Vec<u8>,
}

/// `changeos ARGS`, run in the workspace root unless [`Changeos::current_dir`] says otherwise.
pub fn changeos<S: AsRef<std::ffi::OsStr>>(args: impl IntoIterator<Item = S>) -> Changeos {
    let mut command = Command::new(env!("CARGO_BIN_EXE_changeos"));
    command
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR");
    Changeos {
        command,
        stdin: Vec::new(),
    }
}

impl Changeos {
    pub fn current_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.command.current_dir(dir);
        self
    }

    pub fn args<S: AsRef<std::ffi::OsStr>>(mut self, args: impl IntoIterator<Item = S>) -> Self {
        self.command.args(args);
        self
    }

    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.command.env(key, value);
        self
    }

    pub fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.stdin = bytes.into();
        self
    }

    /// Runs it, killing it and failing the test after [`TIME_LIMIT`].
    #[track_caller]
    pub fn run(self) -> Ran {
        run_with_limit(self.command, self.stdin)
    }
}

/// Runs `command` with `stdin` fed to it and both outputs read concurrently (a full pipe must
/// not deadlock the test); kills it and panics when it outlives [`TIME_LIMIT`].
#[track_caller]
pub fn run_with_limit(command: Command, stdin: Vec<u8>) -> Ran {
    run_within(command, stdin, TIME_LIMIT)
}

/// [`run_with_limit`] with another limit.
#[track_caller]
pub fn run_within(mut command: Command, stdin: Vec<u8>, limit: Duration) -> Ran {
    let shown = format!("{command:?}");
    let start = Instant::now();
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {shown}: {e}"));
    let mut input = child.stdin.take().expect("piped stdin");
    // A program that does not read its input must not block the test: ignore broken pipes.
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let mut out = child.stdout.take().expect("piped stdout");
    let mut err = child.stderr.take().expect("piped stderr");
    let out_reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = out.read_to_end(&mut bytes);
        bytes
    });
    let err_reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = err.read_to_end(&mut bytes);
        bytes
    });
    let status = loop {
        match child.try_wait().expect("wait for the child") {
            Some(status) => break status,
            None if start.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("{shown} did not finish within {limit:?}: killed");
            }
            None => std::thread::sleep(Duration::from_millis(10)),
        }
    };
    let elapsed = start.elapsed();
    let _ = writer.join();
    let stdout = out_reader.join().expect("stdout reader");
    let stderr = err_reader.join().expect("stderr reader");
    Ran {
        code: status.code(),
        stdout: String::from_utf8(stdout).unwrap_or_else(|e| panic!("{shown}: stdout is not UTF-8: {e}")),
        stderr: String::from_utf8(stderr).unwrap_or_else(|e| panic!("{shown}: stderr is not UTF-8: {e}")),
        elapsed,
    }
}

/// A directory of its own for one test, removed when dropped.
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    /// `<temp>/changeos-<tag>-<pid>-<n>`, new and empty.
    pub fn new(tag: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("changeos-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
        TempDir { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `<dir>/<relative>`.
    pub fn join(&self, relative: &str) -> PathBuf {
        self.path.join(relative)
    }

    /// The path of `<dir>/<relative>` as a string (for arguments).
    pub fn arg(&self, relative: &str) -> String {
        self.join(relative)
            .to_str()
            .expect("temporary paths are UTF-8")
            .to_owned()
    }

    /// Writes `<dir>/<relative>`, creating its parent directories.
    pub fn write(&self, relative: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("cannot create {}: {e}", parent.display()));
        }
        std::fs::write(&path, contents).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        path
    }

    /// Creates the directory `<dir>/<relative>`.
    pub fn mkdir(&self, relative: &str) -> PathBuf {
        let path = self.join(relative);
        std::fs::create_dir_all(&path).unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
        path
    }

    /// `text` with this directory's path written as `[TMP]` (for snapshots).
    pub fn redact(&self, text: &str) -> String {
        text.replace(&self.path.display().to_string(), "[TMP]")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// The `--format json` contract's diagnostics of the file at `index`, as (rule, severity).
pub fn rules_of(report: &serde_json::Value, index: usize) -> Vec<(String, String)> {
    report["files"][index]["diagnostics"]
        .as_array()
        .unwrap_or_else(|| panic!("files[{index}] has no diagnostics array: {report}"))
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().expect("rule").to_owned(),
                d["severity"].as_str().expect("severity").to_owned(),
            )
        })
        .collect()
}

/// The `file` names of a `--format json` report, in order.
pub fn file_names(report: &serde_json::Value) -> Vec<String> {
    report["files"]
        .as_array()
        .unwrap_or_else(|| panic!("no files array: {report}"))
        .iter()
        .map(|f| f["file"].as_str().expect("file").to_owned())
        .collect()
}

/// The `summary` of a `--format json` report as (files, errors, warnings).
pub fn summary(report: &serde_json::Value) -> (u64, u64, u64) {
    let s = &report["summary"];
    (
        s["files"].as_u64().expect("summary.files"),
        s["errors"].as_u64().expect("summary.errors"),
        s["warnings"].as_u64().expect("summary.warnings"),
    )
}

/// True when the process runs as root (where file permissions do not stop reads).
pub fn can_read_despite_mode_000(path: &Path) -> bool {
    std::fs::File::open(path).is_ok()
}

/// Makes a FIFO at `path` with the system's `mkfifo`; false where there is none (the caller
/// skips that case).
pub fn mkfifo(path: &Path) -> bool {
    Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|status| status.success())
}
