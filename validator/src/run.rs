//! Checking (or formatting) many inputs on every core while handing results back in input
//! order, holding only the results that arrived early (files themselves are read, checked and
//! dropped by workers).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use crate::config::Config;
use crate::files::Input;
use crate::source::{ReadError, read_limited, read_path};
use crate::{FileReport, Operation, check_source, read_error_report};

/// Checks one input and applies the config.
pub fn check_input(input: &Input, operation: Operation, config: &Config) -> FileReport {
    let bytes = match input {
        Input::Stdin => read_limited(std::io::stdin().lock()),
        Input::File(path) => read_path(path),
        Input::Broken(_, why) => Err(ReadError::Unreadable(why.clone())),
    };
    let mut report = match bytes {
        Ok(bytes) => check_source(operation, &bytes),
        Err(e) => read_error_report(&e),
    };
    config.apply(input.path(), &mut report);
    report
}

/// Inputs a worker takes at a time: one hand-over per chunk, not per file, keeps the threads
/// from spending more time waking each other than checking.
const CHUNK: usize = 32;

/// Checks every input, calling `emit` with each report in input order.
pub fn check_all(inputs: &[Input], operation: Operation, config: &Config, emit: impl FnMut(&Input, FileReport)) {
    in_order(inputs, |input| check_input(input, operation, config), emit);
}

/// Runs `work` on every input, on every core, calling `emit` with each result in input order.
pub fn in_order<T: Send>(inputs: &[Input], work: impl Fn(&Input) -> T + Sync, mut emit: impl FnMut(&Input, T)) {
    let chunks = inputs.len().div_ceil(CHUNK);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(chunks);
    if workers <= 1 {
        for input in inputs {
            emit(input, work(input));
        }
        return;
    }
    let next = AtomicUsize::new(0);
    let (sender, receiver) = mpsc::channel::<(usize, Vec<T>)>();
    let work = &work;
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
                    let results = slice.iter().map(work).collect();
                    if slice.is_empty() || sender.send((chunk, results)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        let mut early: BTreeMap<usize, Vec<T>> = BTreeMap::new();
        let mut due = 0;
        for (chunk, results) in receiver {
            early.insert(chunk, results);
            while let Some(results) = early.remove(&due) {
                for (offset, result) in results.into_iter().enumerate() {
                    emit(&inputs[due * CHUNK + offset], result);
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
