//! Checking (or fixing) many inputs on every core while handing results back in input order,
//! holding only the results that arrived early (files themselves are read, checked and dropped
//! by workers).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use crate::config::Config;
use crate::files::Input;
use crate::fix::{fix_source, unified_diff};
use crate::source::{ReadError, read_limited, read_path};
use crate::{FileReport, Operation, check_source, read_error_report};

/// Checks one input and applies the config.
pub fn check_input(input: &Input, operation: Operation, config: &Config) -> FileReport {
    let mut report = match read_input(input) {
        Ok(bytes) => check_source(operation, &bytes),
        Err(e) => read_error_report(&e),
    };
    config.apply(input.path(), &mut report);
    report
}

fn read_input(input: &Input) -> Result<Vec<u8>, ReadError> {
    match input {
        Input::Stdin => read_limited(std::io::stdin().lock()),
        Input::File(path) => read_path(path),
        Input::Broken(_, why) => Err(ReadError::Unreadable(why.clone())),
    }
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
pub fn fix_input(input: &Input, operation: Operation, config: &Config, mode: FixMode) -> FixOutcome {
    let adjust = |report: &mut FileReport| config.apply(input.path(), report);
    let bytes = match read_input(input) {
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
    let fixed = fix_source(operation, &bytes, adjust);
    let mut outcome = FixOutcome {
        diff: String::new(),
        write_error: None,
        report: fixed.report.clone(),
    };
    if !fixed.changed() {
        return outcome;
    }
    match (mode, input) {
        (FixMode::Diff, _) => outcome.diff = unified_diff(operation, &input.name(), &bytes, &fixed.bytes),
        (FixMode::Write, Input::File(path)) => {
            if let Err(e) = std::fs::write(path, &fixed.bytes) {
                outcome.write_error = Some(e.to_string());
                let mut report = check_source(operation, &bytes);
                adjust(&mut report);
                report.fixed = Some(Vec::new());
                outcome.report = report;
            }
        }
        (FixMode::Write, _) => {}
    }
    outcome
}

/// Inputs a worker takes at a time: one hand-over per chunk, not per file, keeps the threads
/// from spending more time waking each other than checking.
const CHUNK: usize = 32;

/// Checks every input, calling `emit` with each report in input order.
pub fn check_all(inputs: &[Input], operation: Operation, config: &Config, emit: impl FnMut(&Input, FileReport)) {
    for_each(inputs, |input| check_input(input, operation, config), emit);
}

/// Fixes every input (see [`fix_input`]), calling `emit` with each outcome in input order.
pub fn fix_all(
    inputs: &[Input],
    operation: Operation,
    config: &Config,
    mode: FixMode,
    emit: impl FnMut(&Input, FixOutcome),
) {
    for_each(inputs, |input| fix_input(input, operation, config, mode), emit);
}

/// Runs `work` on every input on every core, calling `emit` with each result in input order.
fn for_each<T: Send>(inputs: &[Input], work: impl Fn(&Input) -> T + Sync, mut emit: impl FnMut(&Input, T)) {
    let chunks = inputs.len().div_ceil(CHUNK);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(chunks);
    if workers <= 1 {
        for input in inputs {
            emit(input, work(input));
        }
        return;
    }
    let next = AtomicUsize::new(0);
    let work = &work;
    let (sender, receiver) = mpsc::channel::<(usize, Vec<T>)>();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let sender = sender.clone();
            let next = &next;
            scope.spawn(move || {
                loop {
                    let chunk = next.fetch_add(1, Ordering::Relaxed);
                    let start = chunk * CHUNK;
                    let Some(slice) = inputs.get(start..(start + CHUNK).min(inputs.len())) else {
                        break;
                    };
                    let reports = slice.iter().map(work).collect();
                    if slice.is_empty() || sender.send((chunk, reports)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        let mut early: BTreeMap<usize, Vec<T>> = BTreeMap::new();
        let mut due = 0;
        for (chunk, reports) in receiver {
            early.insert(chunk, reports);
            while let Some(reports) = early.remove(&due) {
                for (offset, report) in reports.into_iter().enumerate() {
                    emit(&inputs[due * CHUNK + offset], report);
                }
                due += 1;
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn reports_come_back_in_input_order() {
        let dir = std::env::temp_dir().join(format!("changeos-run-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let mut inputs = Vec::new();
        for i in 0..200 {
            let path = dir.join(format!("{i}.json"));
            // Every third file is broken so that reports differ.
            std::fs::write(&path, if i % 3 == 0 { "{" } else { "{}" }).expect("write");
            inputs.push(Input::File(path));
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
}
