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

    /// Asserts that nothing printed would act on a terminal or a CI log: no control character
    /// but the line feed (no ESC, no carriage return, no BEL), no line or paragraph separator,
    /// no bidirectional control, and no line that is a GitHub Actions workflow command.
    #[track_caller]
    pub fn prints_no_control_characters(&self) -> &Self {
        let acts = |c: char| {
            (c.is_control() && c != '\n')
                || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}')
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        };
        for (stream, text) in [("stdout", &self.stdout), ("stderr", &self.stderr)] {
            if let Some(c) = text.chars().find(|&c| acts(c)) {
                panic!("{stream} holds {c:?}:\n{text}");
            }
            if let Some(line) = text.lines().find(|l| l.trim_start().starts_with("::")) {
                panic!("{stream} has a workflow command line {line:?}:\n{text}");
            }
        }
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

    /// This run under a limit on the size of the files it writes (`ulimit -f`, in the shell's
    /// blocks: 512 bytes for dash, 1024 for bash), which the kernel enforces mid-write as
    /// deterministically as a full disk: a write past it fails with EFBIG when `killed` is
    /// false, and ends the process by SIGXFSZ (no clean-up runs, as with SIGKILL) when true.
    #[cfg(unix)]
    pub fn file_size_limit(self, blocks: u32, killed: bool) -> Self {
        let trap = if killed { "" } else { "trap '' XFSZ; " };
        let script = format!("ulimit -c 0; ulimit -f {blocks}; {trap}exec \"$0\" \"$@\"");
        self.wrapped("sh", &["-c".as_ref(), script.as_ref()])
    }

    /// This run as user and group 65534 (`nobody`), without other groups, through `setpriv`:
    /// root may write any file, so a test of permissions run by root (as CI is) runs the
    /// binary as someone they stop. None when `setpriv` is missing.
    #[cfg(unix)]
    pub fn by_nobody(self) -> Option<Self> {
        let found = Command::new("setpriv")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        found.then(|| {
            self.wrapped(
                "setpriv",
                &[
                    "--reuid=65534".as_ref(),
                    "--regid=65534".as_ref(),
                    "--clear-groups".as_ref(),
                    "--".as_ref(),
                ],
            )
        })
    }

    /// Runs it where file modes apply: as it is, unless this user may write `probe` anyway
    /// (root), then [`Changeos::by_nobody`]. `None`, with the reason on stderr, where neither
    /// can be done: the test then skips.
    #[cfg(unix)]
    pub fn run_where_modes_apply(self, probe: &std::path::Path) -> Option<Ran> {
        let run = if std::fs::OpenOptions::new().write(true).open(probe).is_ok() {
            let Some(nobody) = self.by_nobody() else {
                eprintln!("skipped: root, and no setpriv to run as another user");
                return None;
            };
            nobody
        } else {
            self
        };
        let ran = run.run();
        if ran.stderr.contains("setpriv: ") {
            eprintln!("skipped: user 65534 cannot run the binary here: {}", ran.stderr);
            return None;
        }
        Some(ran)
    }

    /// The same run as the last arguments of `program ARGS`, in the same directory with the
    /// same environment.
    fn wrapped(self, program: &str, args: &[&std::ffi::OsStr]) -> Self {
        let mut command = Command::new(program);
        command
            .args(args)
            .arg(self.command.get_program())
            .args(self.command.get_args());
        if let Some(dir) = self.command.get_current_dir() {
            command.current_dir(dir);
        }
        for (key, value) in self.command.get_envs() {
            match value {
                Some(value) => command.env(key, value),
                None => command.env_remove(key),
            };
        }
        Changeos {
            command,
            stdin: self.stdin,
        }
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
pub fn run_within(command: Command, stdin: Vec<u8>, limit: Duration) -> Ran {
    run_observed(command, stdin, limit, Stdio::piped(), |_| {})
}

/// [`run_within`] with standard output going to `stdout` (read into [`Ran::stdout`] only when
/// piped), and `watch` called with the child's process id every few milliseconds while it runs
/// (to signal it at the right moment).
#[track_caller]
pub fn run_observed(
    mut command: Command,
    stdin: Vec<u8>,
    limit: Duration,
    stdout: Stdio,
    mut watch: impl FnMut(u32),
) -> Ran {
    let shown = format!("{command:?}");
    let start = Instant::now();
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {shown}: {e}"));
    let mut input = child.stdin.take().expect("piped stdin");
    // A program that does not read its input must not block the test: ignore broken pipes.
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let out = child.stdout.take();
    let mut err = child.stderr.take().expect("piped stderr");
    let out_reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut out) = out {
            let _ = out.read_to_end(&mut bytes);
        }
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
            None => {
                watch(child.id());
                std::thread::sleep(Duration::from_millis(10));
            }
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
