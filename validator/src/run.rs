//! Checking (or fixing, or formatting) many inputs on every core while handing results back in
//! input order as they are due, holding only the results that arrived early (files themselves
//! are read, checked and dropped by the workers).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::mpsc;

use rayon::iter::{ParallelBridge, ParallelIterator};

use crate::config::Config;
use crate::files::{self, Input};
use crate::fix::{fix_source, unified_diff};
use crate::source::{ReadError, Reader};
use crate::write;
use crate::{FileReport, Operation, check_source, read_error_report};

/// What checking one input gave.
enum Checked<'a> {
    Report(FileReport),
    /// A path given as an argument turned out to be a directory: its files come in its place.
    Directory(&'a Path),
}

/// What became of one argument of [`check_all`].
enum Argument {
    Checked(FileReport),
    /// A directory's files, walked by the worker that opened it (see [`files::walk`]).
    Walked(Vec<Input>),
}

/// Checks one input and applies the config. A directory is checked as a file, which fails; use
/// [`check_all`] to have directories walked. `op` is `--op`: `None` leaves the choice of
/// operation to the config ([`Config::operation`]).
pub fn check_input(input: &Input, op: Option<Operation>, config: &Config) -> FileReport {
    check_found(&mut Reader::default(), input, op, config)
}

fn check_one<'a>(reader: &mut Reader, input: &'a Input, op: Option<Operation>, config: &Config) -> Checked<'a> {
    let operation = config.operation(op, input.path());
    let mut report = match (reader.input(input), input) {
        (Ok(bytes), _) => check_source(operation, bytes),
        (Err(ReadError::Directory), Input::File(path)) => return Checked::Directory(path),
        (Err(e), _) => read_error_report(&e),
    };
    config.apply(input.path(), &mut report);
    report.operation = Some(operation);
    Checked::Report(report)
}

/// What becomes of a file's fixed text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixMode {
    /// Written over the file (`--fix`); standard input is never written.
    Write,
    /// Only diffed (`--diff`).
    Diff,
}

/// One input after its fixes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixOutcome {
    /// What is left in the fixed text, with the applied fixes in `fixed` (see [`FileReport`]);
    /// when the file could not be written, the report of the file as it is, with none fixed.
    pub report: FileReport,
    /// The unified diff of the fixes ([`FixMode::Diff`]); empty when nothing would change.
    pub diff: String,
    /// Why the fixed text could not be written ([`FixMode::Write`]); the file is as it was.
    pub write_error: Option<String>,
}

/// Fixes one input as the config allows (a rule that is off gets no fix), then writes the
/// result over the file or diffs it. `op` as for [`check_input`].
pub fn fix_input(
    reader: &mut Reader,
    input: &Input,
    op: Option<Operation>,
    config: &Config,
    mode: FixMode,
) -> FixOutcome {
    let operation = config.operation(op, input.path());
    let adjust = |report: &mut FileReport| {
        config.apply(input.path(), report);
        report.operation = Some(operation);
    };
    let bytes = match reader.input(input) {
        Ok(bytes) => bytes,
        Err(e) => {
            let mut report = read_error_report(&e);
            adjust(&mut report);
            report.fixed = Some(Vec::new());
            return FixOutcome {
                report,
                diff: String::new(),
                write_error: None,
            };
        }
    };
    let fixed = fix_source(operation, bytes, adjust);
    let mut outcome = FixOutcome {
        diff: String::new(),
        write_error: None,
        report: fixed.report.clone(),
    };
    if !fixed.changed() {
        return outcome;
    }
    match (mode, input) {
        (FixMode::Diff, _) => outcome.diff = unified_diff(operation, &input.name(), bytes, &fixed.bytes),
        (FixMode::Write, Input::File(path) | Input::Walked(path)) => {
            if let Err(e) = write::replace(path, bytes, &fixed.bytes) {
                outcome.write_error = Some(e.to_string());
                let mut report = check_source(operation, bytes);
                adjust(&mut report);
                report.fixed = Some(Vec::new());
                outcome.report = report;
            }
        }
        (FixMode::Write, _) => {}
    }
    outcome
}

/// Fixes every input (see [`fix_input`]), calling `emit` with each outcome in input order.
pub fn fix_all(
    inputs: &[Input],
    op: Option<Operation>,
    config: &Config,
    mode: FixMode,
    emit: impl FnMut(&Input, FixOutcome),
) {
    in_order(inputs, |reader, input| fix_input(reader, input, op, config, mode), emit);
}

/// Checks every input, calling `emit` with each report in input order. A path given as an
/// argument that turns out to be a directory is walked (see [`files::walk`]) and its files are
/// reported in its place: finding that out when the path is opened spares a `stat` per argument.
/// `op` as for [`check_input`].
pub fn check_all(inputs: &[Input], op: Option<Operation>, config: &Config, mut emit: impl FnMut(&Input, FileReport)) {
    check_ordered(inputs, op, config, &mut emit);
}

fn check_ordered(inputs: &[Input], op: Option<Operation>, config: &Config, emit: &mut dyn FnMut(&Input, FileReport)) {
    in_order(
        inputs,
        |reader, input| match check_one(reader, input, op, config) {
            Checked::Report(report) => Argument::Checked(report),
            Checked::Directory(dir) => Argument::Walked(files::walk(dir)),
        },
        |input, argument| match argument {
            Argument::Checked(report) => emit(input, report),
            Argument::Walked(files) => in_order(
                &files,
                |reader, file| check_found(reader, file, op, config),
                |file, report| emit(file, report),
            ),
        },
    );
}

/// Checks a file, a directory being a finding: a walk follows no symbolic link to a directory,
/// so one here has replaced a file since the walk.
fn check_found(reader: &mut Reader, input: &Input, op: Option<Operation>, config: &Config) -> FileReport {
    match check_one(reader, input, op, config) {
        Checked::Report(report) => report,
        Checked::Directory(_) => {
            let mut report = read_error_report(&ReadError::Directory);
            config.apply(input.path(), &mut report);
            report.operation = Some(config.operation(op, input.path()));
            report
        }
    }
}

/// Inputs a worker takes at a time: one hand-over per chunk, not per file, keeps the threads
/// from spending more time taking turns than checking. No more inputs than this are checked on
/// the calling thread alone, as starting the threads would cost more than they save.
const CHUNK: usize = 32;

/// Runs `work` on every input, on every core, calling `emit` with each result in input order.
///
/// The workers (rayon's pool) take chunks of inputs in input order from one shared iterator
/// (`par_bridge`), each reading its files with a [`Reader`] of its own, and send each chunk's
/// results to the calling thread, which emits them as soon as every earlier chunk has been
/// emitted. So the first reports go out while later files are still being checked, and only the
/// results that arrived ahead of their turn are held, never the files. `emit` runs on the
/// calling thread, and may itself call `in_order` (a directory's files in its place).
pub fn in_order<I: Sync, T: Send>(
    inputs: &[I],
    work: impl Fn(&mut Reader, &I) -> T + Sync,
    mut emit: impl FnMut(&I, T),
) {
    if inputs.len() <= CHUNK {
        let mut reader = Reader::default();
        for input in inputs {
            emit(input, work(&mut reader, input));
        }
        return;
    }
    // Unbounded: a worker never waits for the calling thread, which may be busy emitting a
    // directory's files through the same pool; what waits is results, not files.
    let (sender, receiver) = mpsc::channel::<(usize, Vec<T>)>();
    rayon::in_place_scope(|scope| {
        let work = &work;
        scope.spawn(move |_| {
            inputs
                .chunks(CHUNK)
                .enumerate()
                .par_bridge()
                .for_each_init(Reader::default, |reader, (number, chunk)| {
                    let results = chunk.iter().map(|input| work(reader, input)).collect();
                    // The calling thread only goes away by a panic, which the scope passes on.
                    let _ = sender.send((number, results));
                });
        });
        emit_in_order(inputs, &receiver, &mut emit);
    });
}

/// The calling thread's part of [`in_order`]: emits each chunk's results once every earlier
/// chunk's are out, until the workers are done (their sender dropped).
fn emit_in_order<I, T>(inputs: &[I], receiver: &mpsc::Receiver<(usize, Vec<T>)>, emit: &mut impl FnMut(&I, T)) {
    let mut ahead: BTreeMap<usize, Vec<T>> = BTreeMap::new();
    let mut due = 0;
    for (number, results) in receiver {
        ahead.insert(number, results);
        while let Some(results) = ahead.remove(&due) {
            for (input, result) in inputs[due * CHUNK..].iter().zip(results) {
                emit(input, result);
            }
            due += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Condvar, Mutex};
    use std::time::Duration;

    /// Every item is emitted once, in input order, however long each one takes and whether
    /// there are fewer items than a chunk (the calling thread alone) or many.
    #[test]
    fn in_order_emits_every_result_once_in_input_order() {
        for count in [0, 1, CHUNK, CHUNK + 1, 20 * CHUNK + 7] {
            let items: Vec<usize> = (0..count).collect();
            let mut seen = Vec::new();
            in_order(
                &items,
                |_, &i| {
                    // Uneven work, so that chunks finish out of order.
                    if i % (CHUNK + 3) == 0 {
                        std::thread::sleep(std::time::Duration::from_millis(2));
                    }
                    i * 2
                },
                |&i, doubled| seen.push((i, doubled)),
            );
            let expected: Vec<(usize, usize)> = items.iter().map(|&i| (i, i * 2)).collect();
            assert_eq!(seen, expected, "{count} items");
        }
    }

    /// The first result goes out while later items are still being worked on: the last item's
    /// work waits until the first has been emitted, which would never happen (until the
    /// timeout) if `in_order` emitted only at the end.
    #[test]
    fn in_order_emits_the_first_results_before_the_last_are_done() {
        let items: Vec<usize> = (0..10 * CHUNK).collect();
        let first_emitted = (Mutex::new(false), Condvar::new());
        let last = items.len() - 1;
        let mut count = 0;
        let emitted_in_time = AtomicBool::new(true);
        in_order(
            &items,
            |_, &i| {
                if i == last {
                    let (flag, changed) = &first_emitted;
                    let guard = flag.lock().expect("lock");
                    let (guard, _) = changed
                        .wait_timeout_while(guard, Duration::from_secs(20), |emitted| !*emitted)
                        .expect("lock");
                    emitted_in_time.store(*guard, Ordering::SeqCst);
                }
                i
            },
            |&i, _| {
                if i == 0 {
                    let (flag, changed) = &first_emitted;
                    *flag.lock().expect("lock") = true;
                    changed.notify_all();
                }
                count += 1;
            },
        );
        assert_eq!(count, items.len());
        assert!(
            emitted_in_time.load(Ordering::SeqCst),
            "the first result was emitted only after the last was done"
        );
    }

    /// A panic in a worker reaches the caller; it does not leave the calling thread waiting.
    #[test]
    fn a_panic_in_a_worker_reaches_the_caller() {
        let items: Vec<usize> = (0..4 * CHUNK).collect();
        let outcome = std::panic::catch_unwind(|| {
            in_order(
                &items,
                |_, &i| {
                    assert_ne!(i, 3 * CHUNK, "a worker panics");
                    i
                },
                |_, _| {},
            );
        });
        assert!(outcome.is_err());
    }

    /// What `check_all` reports for each input, in order: its name and the rules of its findings.
    fn reported(inputs: &[Input]) -> Vec<(String, Vec<&'static str>)> {
        let mut seen = Vec::new();
        check_all(inputs, None, &Config::default(), |input, report| {
            seen.push((
                input.name().into_owned(),
                report.diagnostics.iter().map(|d| d.rule.id()).collect(),
            ));
        });
        seen
    }

    #[test]
    fn reports_come_back_in_input_order() {
        let dir = std::env::temp_dir().join(format!("changeos-run-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let mut inputs = Vec::new();
        for i in 0..200 {
            let path = dir.join(format!("{i}.json"));
            // Every third file is broken so that reports differ.
            std::fs::write(&path, if i % 3 == 0 { "{" } else { "{}" }).expect("write");
            inputs.push(if i % 2 == 0 {
                Input::File(path)
            } else {
                Input::Walked(path)
            });
        }
        inputs.push(Input::File(PathBuf::from("/no/such.json")));
        let seen = reported(&inputs);
        assert_eq!(seen.len(), 201);
        for (i, (name, rules)) in seen.iter().enumerate().take(200) {
            assert_eq!(name, &dir.join(format!("{i}.json")).display().to_string());
            assert_eq!(rules[0], if i % 3 == 0 { "invalid-json" } else { "missing-member" });
        }
        assert_eq!(seen[200].1[0], "unreadable-file");
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A directory large enough to be checked on every core: every file is reported once, in
    /// the order of `files::walk`, with the report it gets on its own.
    /// Symbolic links to directories are not followed (one leads back up).
    #[test]
    fn large_directories_are_checked_on_every_core_and_reported_in_walk_order() {
        let dir = std::env::temp_dir().join(format!("changeos-run-walked-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("sub/deeper")).expect("dirs");
        let payload = |i: usize| match i % 4 {
            0 => "{".to_owned(),
            1 => "{}".to_owned(),
            2 => format!(r#"{{"os-change": {{"imageid": "{i}"}}}}"#),
            _ => r#"{"os-change": {"imageid": "e215580f-73ad-429d-b6f2-5433947433b0", "keyname": "k"}}"#.to_owned(),
        };
        for i in 0..700 {
            let folder = ["", "sub/", "sub/deeper/"][i % 3];
            std::fs::write(dir.join(format!("{folder}p{i:04}.json")), payload(i)).expect("write");
        }
        std::fs::write(dir.join("ignored.json"), "{").expect("write");
        std::fs::write(dir.join(".gitignore"), "ignored.json\n").expect("write");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.join("sub/deeper"), dir.join("sub/link.json")).expect("symlink");
            std::os::unix::fs::symlink(&dir, dir.join("sub/deeper/loop.json")).expect("symlink");
            std::os::unix::fs::symlink(dir.join("p0001.json"), dir.join("sub/file-link.json")).expect("symlink");
        }
        let expected: Vec<(String, Vec<&str>)> = files::walk(&dir)
            .iter()
            .map(|input| {
                let report = check_input(input, None, &Config::default());
                (
                    input.name().into_owned(),
                    report.diagnostics.iter().map(|d| d.rule.id()).collect(),
                )
            })
            .collect();
        let seen = reported(&[Input::File(dir.clone())]);
        #[cfg(unix)]
        let through_link = reported(&[Input::File(dir.join("sub/link.json"))]);
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(seen.len(), if cfg!(unix) { 701 } else { 700 });
        assert_eq!(seen, expected);
        assert!(
            seen.iter()
                .all(|(name, _)| !name.ends_with("ignored.json") && !name.contains("link.json/"))
        );
        assert!(seen.iter().any(|(name, _)| name.ends_with("sub/file-link.json")) || cfg!(not(unix)));
        // A link given by hand is followed: it is the directory it names.
        #[cfg(unix)]
        assert_eq!(through_link.len(), 233);
    }

    #[test]
    fn directories_given_as_arguments_are_walked_in_their_place() {
        let dir = std::env::temp_dir().join(format!("changeos-run-dirs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("d/e")).expect("dirs");
        std::fs::create_dir_all(dir.join("empty")).expect("dirs");
        for f in ["a.json", "d/b.json", "d/e/c.json", "z.json"] {
            std::fs::write(dir.join(f), "{}").expect("write");
        }
        // Enough arguments for every thread to take part, with directories among them.
        let mut args: Vec<PathBuf> = (0..100).map(|_| dir.join("a.json")).collect();
        args.insert(40, dir.join("d"));
        args.insert(70, dir.join("empty"));
        args.push(dir.join("z.json"));
        let shown = dir.display().to_string();
        let seen: Vec<(String, &str)> = reported(&files::arguments(&args))
            .into_iter()
            .map(|(name, rules)| (name.replace(&shown, "D"), rules[0]))
            .collect();
        assert_eq!(seen.len(), 104);
        assert_eq!(seen[40], ("D/d/b.json".to_owned(), "missing-member"));
        assert_eq!(seen[41], ("D/d/e/c.json".to_owned(), "missing-member"));
        assert_eq!(seen[42].0, "D/a.json");
        assert_eq!(seen[71], ("D/empty".to_owned(), "unreadable-file"));
        assert_eq!(seen[103].0, "D/z.json");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
