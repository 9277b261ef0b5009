//! Checking (or fixing, or formatting) many inputs on every core while handing results back in
//! input order, holding only the results that arrived early (files themselves are read, checked and
//! dropped by workers).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, OnceLock, PoisonError, mpsc};

use crate::config::Config;
use crate::files::{self, Input};
use crate::fix::{fix_source, unified_diff};
use crate::source::{ReadError, Reader};
use crate::write;
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
    check_found(&mut Reader::default(), input, operation, config)
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
    /// Why the fixed text could not be written ([`FixMode::Write`]); the file is as it was.
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
                check_walked(&path, operation, config, emit);
            }
        },
    );
}

/// Checks a file, a directory being a finding: a walk follows no symbolic link to a directory,
/// so one here has replaced a file since the walk.
fn check_found(reader: &mut Reader, input: &Input, operation: Operation, config: &Config) -> FileReport {
    match check_one(reader, input, operation, config) {
        Checked::Report(report) => report,
        Checked::Directory => {
            let mut report = read_error_report(&ReadError::Directory);
            config.apply(input.path(), &mut report);
            report
        }
    }
}

/// Files a directory walk hands over at a time.
const WALK_BATCH: usize = 32;

/// Checks the files of a directory on every core, reporting them in the order of
/// [`files::walk`]. The walk is about a sixth of the work and runs on one thread, so the other
/// threads do not wait for it: while the calling thread walks, they check the files in the order
/// the walk finds them. Then the calling thread sorts the files, and every thread checks the
/// rest as [`in_order`] does, reports going out as they are due. Only the reports of the files
/// checked during the walk are held for their turn.
fn check_walked(dir: &Path, operation: Operation, config: &Config, emit: &mut dyn FnMut(&Input, FileReport)) {
    let board = Board::default();
    let sorted: OnceLock<Vec<(usize, Input)>> = OnceLock::new();
    let chunks: OnceLock<Chunks<'_, (usize, Input)>> = OnceLock::new();
    // A file is `(rank in the walk, input)`; those ranked below the cut were checked early.
    let work = |reader: &mut Reader, (rank, input): &(usize, Input)| {
        (*rank >= board.cut()).then(|| check_found(reader, input, operation, config))
    };
    let (sender, receiver) = mpsc::channel();
    std::thread::scope(|scope| {
        // Whatever happens to this thread, the helpers get to the end.
        let _finish = Finish(&board);
        let helper = |sender: mpsc::Sender<Done<Option<FileReport>>>| {
            private_descriptor_table();
            let mut reader = Reader::default();
            if board.join_early() {
                let mut early = EarlyResults {
                    board: &board,
                    results: Vec::new(),
                };
                while let Some(batch) = board.next_batch() {
                    for (rank, input) in batch {
                        let report = check_found(&mut reader, &input, operation, config);
                        early.results.push((rank, report));
                    }
                }
            }
            if let Some(chunks) = board.wait_for(&chunks) {
                help(chunks, &work, &mut reader, &sender);
            }
        };
        let mut rank = 0;
        let mut found = Vec::with_capacity(WALK_BATCH);
        files::walk_each(dir, |input| {
            found.push((rank, input));
            rank += 1;
            if found.len() == WALK_BATCH {
                board.found(&mut found);
            }
            // Helpers start once there is more to check than one chunk: a directory of a few
            // files is done before a thread would start.
            if rank == 2 * WALK_BATCH {
                for _ in 1..threads() {
                    let sender = sender.clone();
                    scope.spawn(move || helper(sender));
                }
            }
        });
        drop(sender);
        board.found(&mut found);
        let found = board.close_walk();
        let files = sorted.get_or_init(|| files::sort_walked(dir, found));
        let chunks = chunks.get_or_init(|| Chunks::new(files));
        board.sorted_ready();
        let mut early = board.collect_early();
        lead(
            chunks,
            &work,
            &mut Reader::default(),
            &receiver,
            |(rank, input), result| {
                // `None` is a file checked early; missing from the early results only if its
                // helper panicked, which the scope then passes on.
                if let Some(report) = result.or_else(|| early.remove(rank)) {
                    emit(input, report);
                }
            },
        );
    });
}

/// What the threads of [`check_walked`] share: the files found so far, how far the early checks
/// went, and the early results handed in.
#[derive(Default)]
struct Board {
    state: Mutex<BoardState>,
    changed: Condvar,
    cut: AtomicUsize,
}

#[derive(Default)]
struct BoardState {
    /// The files found, in walk order, each with its rank; taken out when the walk ends.
    found: Vec<(usize, Input)>,
    /// How many of them helpers have taken to check early.
    taken: usize,
    walked: bool,
    sorted: bool,
    /// Helpers that started while the walk went on, and those of them done with it.
    early_helpers: usize,
    handed_in: usize,
    early: Vec<(usize, FileReport)>,
}

impl Board {
    fn lock(&self) -> MutexGuard<'_, BoardState> {
        // A thread that panicked holding the lock leaves it poisoned; the panic reaches the
        // caller when the scope ends, and the state serves as it is meanwhile.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn wait<'g>(&self, guard: MutexGuard<'g, BoardState>) -> MutexGuard<'g, BoardState> {
        self.changed.wait(guard).unwrap_or_else(PoisonError::into_inner)
    }

    /// Files ranked below this were checked early (none until the walk ends).
    fn cut(&self) -> usize {
        self.cut.load(Ordering::Acquire)
    }

    /// Adds the files of `batch`, leaving it empty.
    fn found(&self, batch: &mut Vec<(usize, Input)>) {
        let mut state = self.lock();
        state.found.append(batch);
        if state.found.len() - state.taken >= WALK_BATCH {
            self.changed.notify_one();
        }
    }

    /// Enrols a helper in the early checks, unless the walk has ended already.
    fn join_early(&self) -> bool {
        let mut state = self.lock();
        state.early_helpers += usize::from(!state.walked);
        !state.walked
    }

    /// A batch of files to check early, waiting for the walk to find them; `None` once it ended.
    fn next_batch(&self) -> Option<Vec<(usize, Input)>> {
        let mut state = self.lock();
        loop {
            if state.walked {
                return None;
            }
            if state.found.len() - state.taken >= WALK_BATCH {
                let start = state.taken;
                state.taken += WALK_BATCH;
                return Some(state.found[start..start + WALK_BATCH].to_vec());
            }
            state = self.wait(state);
        }
    }

    /// Ends the walk, and with it the early checks; gives back every file found.
    fn close_walk(&self) -> Vec<(usize, Input)> {
        let mut state = self.lock();
        state.walked = true;
        self.cut.store(state.taken, Ordering::Release);
        self.changed.notify_all();
        std::mem::take(&mut state.found)
    }

    fn hand_in(&self, early: Vec<(usize, FileReport)>) {
        let mut state = self.lock();
        state.early.extend(early);
        state.handed_in += 1;
        self.changed.notify_all();
    }

    fn sorted_ready(&self) {
        self.lock().sorted = true;
        self.changed.notify_all();
    }

    /// `sorted` once the calling thread has set it (`None` if it failed to).
    fn wait_for<'s, T>(&self, sorted: &'s OnceLock<T>) -> Option<&'s T> {
        let mut state = self.lock();
        while !state.sorted {
            state = self.wait(state);
        }
        sorted.get()
    }

    /// The early results by rank, once every helper that checked early has handed its in.
    fn collect_early(&self) -> HashMap<usize, FileReport> {
        let mut state = self.lock();
        while state.handed_in < state.early_helpers {
            state = self.wait(state);
        }
        std::mem::take(&mut state.early).into_iter().collect()
    }
}

/// A helper's early results, handed in when it leaves the early checks, by a panic too: the
/// calling thread waits for them.
struct EarlyResults<'b> {
    board: &'b Board,
    results: Vec<(usize, FileReport)>,
}

impl Drop for EarlyResults<'_> {
    fn drop(&mut self) {
        self.board.hand_in(std::mem::take(&mut self.results));
    }
}

/// Ends the walk and the sorting for the helpers when the calling thread leaves
/// [`check_walked`], by a panic too, so that no helper waits for them for ever.
struct Finish<'b>(&'b Board);

impl Drop for Finish<'_> {
    fn drop(&mut self) {
        self.0.close_walk();
        self.0.sorted_ready();
    }
}

/// Runs `work` on every input, on every core, calling `emit` with each result in input order.
/// Each thread reads its inputs with a [`Reader`] of its own, kept from input to input. The
/// calling thread works too, so that every core works and no thread only waits.
pub fn in_order<I: Sync, T: Send>(inputs: &[I], work: impl Fn(&mut Reader, &I) -> T + Sync, emit: impl FnMut(&I, T)) {
    let threads = threads().min(inputs.len().div_ceil(CHUNK));
    let chunks = Chunks::new(inputs);
    let (sender, receiver) = mpsc::channel();
    std::thread::scope(|scope| {
        for _ in 1..threads {
            let sender = sender.clone();
            let (chunks, work) = (&chunks, &work);
            scope.spawn(move || {
                private_descriptor_table();
                help(chunks, work, &mut Reader::default(), &sender);
            });
        }
        drop(sender);
        lead(&chunks, &work, &mut Reader::default(), &receiver, emit);
    });
}

/// How many threads check: one per core.
fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Items cut into chunks that threads take in turn: one hand-over per chunk, not per item, keeps
/// the threads from spending more time waking each other than working.
struct Chunks<'a, I> {
    items: &'a [I],
    next: AtomicUsize,
}

/// The results of one chunk: its number and one result per item.
type Done<T> = (usize, Vec<T>);

impl<'a, I> Chunks<'a, I> {
    fn new(items: &'a [I]) -> Self {
        Chunks {
            items,
            next: AtomicUsize::new(0),
        }
    }

    /// The next chunk no thread has taken, and its number.
    fn take(&self) -> Option<(usize, &'a [I])> {
        let chunk = self.next.fetch_add(1, Ordering::Relaxed);
        let start = chunk.checked_mul(CHUNK)?;
        let slice = self.items.get(start..(start + CHUNK).min(self.items.len()))?;
        (!slice.is_empty()).then_some((chunk, slice))
    }
}

/// A helper's part of [`in_order`]: takes chunks and sends their results until none is left.
fn help<I, T>(
    chunks: &Chunks<I>,
    work: &impl Fn(&mut Reader, &I) -> T,
    reader: &mut Reader,
    sender: &mpsc::Sender<Done<T>>,
) {
    while let Some((chunk, slice)) = chunks.take() {
        let results = slice.iter().map(|item| work(reader, item)).collect();
        if sender.send((chunk, results)).is_err() {
            break;
        }
    }
}

/// The calling thread's part of [`in_order`]: takes chunks too, and emits every result in item
/// order, holding only those that came early.
fn lead<I, T>(
    chunks: &Chunks<I>,
    work: &impl Fn(&mut Reader, &I) -> T,
    reader: &mut Reader,
    receiver: &mpsc::Receiver<Done<T>>,
    mut emit: impl FnMut(&I, T),
) {
    let mut early: BTreeMap<usize, Vec<T>> = BTreeMap::new();
    let mut due = 0;
    let mut flush = |early: &mut BTreeMap<usize, Vec<T>>| {
        while let Some(results) = early.remove(&due) {
            for (offset, result) in results.into_iter().enumerate() {
                emit(&chunks.items[due * CHUNK + offset], result);
            }
            due += 1;
        }
    };
    while let Some((chunk, slice)) = chunks.take() {
        early.insert(chunk, slice.iter().map(|item| work(reader, item)).collect());
        early.extend(receiver.try_iter());
        flush(&mut early);
    }
    for (chunk, results) in receiver {
        early.insert(chunk, results);
        flush(&mut early);
    }
    flush(&mut early);
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

    /// What `check_all` reports for each input, in order: its name and the rules of its findings.
    fn reported(inputs: &[Input]) -> Vec<(String, Vec<&'static str>)> {
        let mut seen = Vec::new();
        check_all(
            inputs,
            Operation::ChangeServerOsWithCloudInit,
            &Config::default(),
            |input, report| {
                seen.push((
                    input.name().into_owned(),
                    report.diagnostics.iter().map(|d| d.rule).collect(),
                ));
            },
        );
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
                Input::Found(path)
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

    /// A directory large enough for helpers to check files during the walk: every file is
    /// reported once, in the order of `files::walk`, with the report it gets on its own.
    /// Symbolic links to directories are not followed (one leads back up).
    #[test]
    fn large_directories_are_checked_while_walked_and_reported_in_order() {
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
                let report = check_input(input, Operation::ChangeServerOsWithCloudInit, &Config::default());
                (
                    input.name().into_owned(),
                    report.diagnostics.iter().map(|d| d.rule).collect(),
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
