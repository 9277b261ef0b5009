//! Checking (or fixing, or formatting) many inputs on every core while handing results back in
//! input order, holding only the results that arrived early (files themselves are read, checked and
//! dropped by workers).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use crate::config::Config;
use crate::files::{self, Input};
use crate::fix::{fix_source, unified_diff};
use crate::source::{ReadError, Reader};
use crate::{FileReport, Operation, check_source, read_error_report};

/// What checking one input gave.
enum Checked {
    Report(FileReport),
    /// A path given as an argument turned out to be a directory: its files come in its place.
    Directory,
}

/// Checks one input and applies the config. A directory is checked as a file, which fails; use
/// [`check_all`] to have directories walked.
pub fn check_input(input: &Input, operation: Operation, config: &Config) -> FileReport {
    match check_one(&mut Reader::default(), input, operation, config) {
        Checked::Report(report) => report,
        Checked::Directory => {
            let mut report = read_error_report(&ReadError::Directory);
            config.apply(input.path(), &mut report);
            report
        }
    }
}

fn check_one(reader: &mut Reader, input: &Input, operation: Operation, config: &Config) -> Checked {
    let mut report = match reader.input(input) {
        Ok(bytes) => check_source(operation, bytes),
        Err(ReadError::Directory) if matches!(input, Input::File(_)) => return Checked::Directory,
        Err(e) => read_error_report(&e),
    };
    config.apply(input.path(), &mut report);
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
    /// Why the fixed text could not be written ([`FixMode::Write`]).
    pub write_error: Option<String>,
}

/// Fixes one input as the config allows (a rule that is off gets no fix), then writes the
/// result over the file or diffs it.
pub fn fix_input(
    reader: &mut Reader,
    input: &Input,
    operation: Operation,
    config: &Config,
    mode: FixMode,
) -> FixOutcome {
    let adjust = |report: &mut FileReport| config.apply(input.path(), report);
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
        (FixMode::Write, Input::File(path) | Input::Found(path)) => {
            if let Err(e) = std::fs::write(path, &fixed.bytes) {
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
    operation: Operation,
    config: &Config,
    mode: FixMode,
    emit: impl FnMut(&Input, FixOutcome),
) {
    in_order(
        inputs,
        |reader, input| fix_input(reader, input, operation, config, mode),
        emit,
    );
}

/// Inputs a thread takes at a time: one hand-over per chunk, not per file, keeps the threads
/// from spending more time waking each other than checking.
const CHUNK: usize = 32;

/// Checks every input, calling `emit` with each report in input order. A path given as an
/// argument that turns out to be a directory is walked (see [`files::walk`]) and its files are
/// reported in its place: finding that out when the path is opened spares a `stat` per argument.
pub fn check_all(inputs: &[Input], operation: Operation, config: &Config, mut emit: impl FnMut(&Input, FileReport)) {
    check_ordered(inputs, operation, config, &mut emit);
}

fn check_ordered(inputs: &[Input], operation: Operation, config: &Config, emit: &mut dyn FnMut(&Input, FileReport)) {
    in_order(
        inputs,
        |reader, input| check_one(reader, input, operation, config),
        |input, checked| match checked {
            Checked::Report(report) => emit(input, report),
            Checked::Directory => {
                let path = input.path().map(Path::to_path_buf).unwrap_or_default();
                check_ordered(&files::walk(&path), operation, config, emit);
            }
        },
    );
}

/// Runs `work` on every input, on every core, calling `emit` with each result in input order.
/// Each thread reads its inputs with a [`Reader`] of its own, kept from input to input. The
/// calling thread works too, so that every core works and no thread only waits.
pub fn in_order<T: Send>(
    inputs: &[Input],
    work: impl Fn(&mut Reader, &Input) -> T + Sync,
    mut emit: impl FnMut(&Input, T),
) {
    let chunks = inputs.len().div_ceil(CHUNK);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(chunks);
    if threads <= 1 {
        let mut reader = Reader::default();
        for input in inputs {
            emit(input, work(&mut reader, input));
        }
        return;
    }
    let next = AtomicUsize::new(0);
    let take = || {
        let chunk = next.fetch_add(1, Ordering::Relaxed);
        let start = chunk * CHUNK;
        inputs
            .get(start..(start + CHUNK).min(inputs.len()))
            .filter(|slice| !slice.is_empty())
            .map(|slice| (chunk, slice))
    };
    let work = &work;
    let run_chunk =
        |reader: &mut Reader, slice: &[Input]| -> Vec<T> { slice.iter().map(|input| work(reader, input)).collect() };
    let (sender, receiver) = mpsc::channel::<(usize, Vec<T>)>();
    std::thread::scope(|scope| {
        for _ in 1..threads {
            let sender = sender.clone();
            scope.spawn(move || {
                private_descriptor_table();
                let mut reader = Reader::default();
                while let Some((chunk, slice)) = take() {
                    if sender.send((chunk, run_chunk(&mut reader, slice))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        let mut early: BTreeMap<usize, Vec<T>> = BTreeMap::new();
        let mut due = 0;
        let mut flush = |early: &mut BTreeMap<usize, Vec<T>>, due: &mut usize| {
            while let Some(results) = early.remove(due) {
                for (offset, result) in results.into_iter().enumerate() {
                    emit(&inputs[*due * CHUNK + offset], result);
                }
                *due += 1;
            }
        };
        let mut reader = Reader::default();
        while let Some((chunk, slice)) = take() {
            early.insert(chunk, run_chunk(&mut reader, slice));
            early.extend(receiver.try_iter());
            flush(&mut early, &mut due);
        }
        for (chunk, results) in receiver {
            early.insert(chunk, results);
            flush(&mut early, &mut due);
        }
        flush(&mut early, &mut due);
    });
}

/// Gives the calling thread a descriptor table of its own (a copy of the process's). Threads
/// that share one make the kernel lock it for every open and close and count references on
/// every read; with two threads opening 10,000 files that cost each about a tenth of its time
/// (bench/RESULTS.md). A worker opens, reads and closes its files itself and hands no
/// descriptor to another thread, so a private table changes nothing else; and once the
/// workers leave it, the calling thread has the process's table to itself again.
/// Returns whether the kernel agreed: a refusal (a seccomp filter, say) only costs speed.
#[cfg(target_os = "linux")]
fn private_descriptor_table() -> bool {
    // SAFETY: unshare(2) takes no pointer and changes only which table the calling thread's
    // descriptor numbers refer to. The copy holds every descriptor the thread could use, and
    // this thread owns no descriptor that it would close in the copy only.
    unsafe { libc::unshare(libc::CLONE_FILES) == 0 }
}

#[cfg(not(target_os = "linux"))]
fn private_descriptor_table() -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[cfg(target_os = "linux")]
    #[test]
    fn a_worker_opens_files_in_a_table_of_its_own() {
        use std::os::fd::AsRawFd;
        let path = std::env::temp_dir().join(format!("changeos-run-fd-{}", std::process::id()));
        std::fs::write(&path, "{}").expect("write");
        let (sender, receiver) = mpsc::channel();
        let (done, wait) = mpsc::channel::<()>();
        let worker = std::thread::spawn({
            let path = path.clone();
            move || {
                // A seccomp filter (Docker's default one) may refuse unshare(2): then the
                // worker shares the table, which costs only speed, and there is nothing to see.
                if !private_descriptor_table() {
                    return;
                }
                let file = std::fs::File::open(&path).expect("open");
                sender.send(file.as_raw_fd()).expect("send");
                // Keep the file open until the main thread has looked.
                let _ = wait.recv();
            }
        });
        let Ok(fd) = receiver.recv() else {
            eprintln!("unshare(CLONE_FILES) was refused here: nothing to check");
            worker.join().expect("worker");
            let _ = std::fs::remove_file(&path);
            return;
        };
        // /proc/self is the process, whose table is the main thread's.
        let in_main_table = std::fs::read_link(format!("/proc/self/fd/{fd}")).ok();
        let _ = done.send(());
        worker.join().expect("worker");
        let _ = std::fs::remove_file(&path);
        assert_ne!(
            in_main_table,
            Some(path),
            "the worker's file shows in the main thread's table"
        );
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
                Input::Found(path)
            });
        }
        inputs.push(Input::File(PathBuf::from("/no/such.json")));
        let mut seen = Vec::new();
        check_all(
            &inputs,
            Operation::ChangeServerOsWithCloudInit,
            &Config::default(),
            |input, report| {
                seen.push((input.name(), report.diagnostics[0].rule));
            },
        );
        assert_eq!(seen.len(), 201);
        for (i, (name, rule)) in seen.iter().enumerate().take(200) {
            assert_eq!(name, &dir.join(format!("{i}.json")).display().to_string());
            assert_eq!(*rule, if i % 3 == 0 { "invalid-json" } else { "missing-member" });
        }
        assert_eq!(seen[200].1, "unreadable-file");
        let _ = std::fs::remove_dir_all(&dir);
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
        let inputs = files::arguments(&args);
        let mut seen = Vec::new();
        check_all(
            &inputs,
            Operation::ChangeServerOsWithCloudInit,
            &Config::default(),
            |input, report| {
                let name = input.name().replace(&dir.display().to_string(), "D");
                seen.push((name, report.diagnostics[0].rule));
            },
        );
        assert_eq!(seen.len(), 104);
        assert_eq!(seen[40], ("D/d/b.json".to_owned(), "missing-member"));
        assert_eq!(seen[41], ("D/d/e/c.json".to_owned(), "missing-member"));
        assert_eq!(seen[42].0, "D/a.json");
        assert_eq!(seen[71], ("D/empty".to_owned(), "unreadable-file"));
        assert_eq!(seen[103].0, "D/z.json");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
