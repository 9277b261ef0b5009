//! Which payloads to check: paths as given, `-` for standard input, and directories walked for
//! `*.json` files (honouring .gitignore and skipping hidden files, as git would).

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The ignore files a walk reads in each directory it enters (and in the ancestors of the one
/// it starts from).
const IGNORE_FILES: [&str; 3] = [".gitignore", ".ignore", ".git/info/exclude"];

/// A larger ignore file is refused unread, as is one that is not a regular file.
pub const MAX_IGNORE_FILE_BYTES: u64 = 1024 * 1024;

/// One thing to check, in the order the user gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Stdin,
    /// A path as given: a file, or (for [`arguments`]) perhaps a directory to walk.
    File(PathBuf),
    /// A regular file that a directory walk found: it needs no `stat` before it is read.
    Walked(PathBuf),
    /// A path that could not be expanded (a directory without JSON files, a walk error).
    Broken(PathBuf, String),
}

impl Input {
    /// One path given on the command line: `-` is standard input, any other path a file
    /// (or a directory, found out when it is opened).
    pub fn argument(path: &Path) -> Input {
        if path.as_os_str() == "-" {
            Input::Stdin
        } else {
            Input::File(path.to_path_buf())
        }
    }

    /// How reports name it: borrowed from the path, which is UTF-8 but for odd cases.
    pub fn name(&self) -> Cow<'_, str> {
        match self {
            Input::Stdin => Cow::Borrowed("-"),
            Input::File(p) | Input::Walked(p) | Input::Broken(p, _) => p.to_string_lossy(),
        }
    }

    /// The path configs match globs against.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Input::Stdin => None,
            Input::File(p) | Input::Walked(p) | Input::Broken(p, _) => Some(p),
        }
    }
}

/// The inputs of the arguments, without touching the file system: no argument means standard
/// input, `-` is standard input, and every other path is an [`Input::File`], which may turn out
/// to be a directory ([`crate::run::check_all`] walks it then). With 10,000 paths from a shell
/// glob, a `stat` of each before checking would be a tenth of the run.
pub fn arguments(args: &[PathBuf]) -> Vec<Input> {
    if args.is_empty() {
        return vec![Input::Stdin];
    }
    args.iter().map(|arg| Input::argument(arg)).collect()
}

/// The inputs of the arguments with every directory walked now (see [`walk`]).
pub fn expand(args: &[PathBuf]) -> Vec<Input> {
    let mut out = Vec::new();
    for input in arguments(args) {
        match input {
            Input::File(path) if path.is_dir() => out.extend(walk(&path)),
            input => out.push(input),
        }
    }
    out
}

/// The `*.json` files under `dir`, sorted by the bytes of their paths, honouring .gitignore and
/// skipping hidden files; a directory without any is one [`Input::Broken`].
pub fn walk(dir: &Path) -> Vec<Input> {
    let mut found = Vec::new();
    walk_each(dir, |input| found.push((found.len(), input)));
    sort_walked(dir, found).into_iter().map(|(_, input)| input).collect()
}

/// Gives each `*.json` file under `dir` to `found` as the walk finds it, in no particular order
/// (see [`sort_walked`]), and each error of the walk as an [`Input::Broken`].
pub fn walk_each(dir: &Path, mut found: impl FnMut(Input)) {
    // The walk reads ignore files itself, unbounded, and a FIFO would block it: a directory
    // whose ignore file is not a regular file or is too large is not entered, and is reported.
    if let Some(why) = dir.ancestors().find_map(unusable_ignore_file) {
        found(Input::Broken(dir.to_path_buf(), why));
        return;
    }
    let refused: Arc<Mutex<Vec<(PathBuf, String)>>> = Arc::default();
    let noted = Arc::clone(&refused);
    let mut builder = ignore::WalkBuilder::new(dir);
    builder.require_git(false).filter_entry(move |entry| {
        if entry.depth() == 0 || !entry.file_type().is_some_and(|t| t.is_dir()) {
            return true;
        }
        let Some(why) = unusable_ignore_file(entry.path()) else {
            return true;
        };
        if let Ok(mut refused) = noted.lock() {
            refused.push((entry.path().to_path_buf(), why));
        }
        false
    });
    for entry in builder.build() {
        match entry {
            // The directory itself (even when `dir` is a symbolic link to one).
            Ok(entry) if entry.depth() == 0 => {}
            Ok(entry) => {
                // The bytes of the path: `file_name()` would parse it into components, a tenth
                // of the walk of a directory of 10,000 payloads.
                let is_json = entry.path().as_os_str().as_encoded_bytes().ends_with(b".json");
                match entry.file_type() {
                    Some(t) if is_json && t.is_file() => found(Input::Walked(entry.into_path())),
                    // Like the walk, a symbolic link to a directory is not followed: it could
                    // lead back up, round and round.
                    Some(t) if is_json && t.is_symlink() && entry.path().is_dir() => {}
                    // Symbolic links, FIFOs...: opened with every check a path given by hand gets.
                    Some(t) if is_json && !t.is_dir() => found(Input::File(entry.into_path())),
                    _ => {}
                }
            }
            Err(e) => found(Input::Broken(dir.to_path_buf(), e.to_string())),
        }
    }
    let mut refused = refused
        .lock()
        .map(|mut refused| std::mem::take(&mut *refused))
        .unwrap_or_default();
    refused.sort_unstable_by(|(a, _), (b, _)| a.as_os_str().as_encoded_bytes().cmp(b.as_os_str().as_encoded_bytes()));
    for (path, why) in refused {
        found(Input::Broken(path, why));
    }
}

/// Why the walk must not read an ignore file of `dir`, if one is there and is not a regular
/// file (a FIFO would block the walk, `/dev/zero` never end) or is over
/// [`MAX_IGNORE_FILE_BYTES`].
fn unusable_ignore_file(dir: &Path) -> Option<String> {
    IGNORE_FILES.iter().find_map(|name| {
        let path = dir.join(name);
        let metadata = std::fs::metadata(&path).ok()?;
        if !metadata.is_file() {
            Some(format!(
                "its ignore file {} is not a regular file (a FIFO, socket or device): the directory is not walked",
                path.display()
            ))
        } else if metadata.len() > MAX_IGNORE_FILE_BYTES {
            Some(format!(
                "its ignore file {} has {} bytes, more than the {MAX_IGNORE_FILE_BYTES} an ignore file may have: the directory is not walked",
                path.display(),
                metadata.len()
            ))
        } else {
            None
        }
    })
}

/// Puts what [`walk_each`] gave for `dir`, each input with its rank in the walk, in the order of
/// [`walk`]: files by the bytes of their paths, a stable order (git's) that costs one comparison
/// of bytes, where sorting by components would re-parse both paths at every step; then the
/// errors of the walk, as met. A directory without any file gives one [`Input::Broken`].
pub fn sort_walked(dir: &Path, mut found: Vec<(usize, Input)>) -> Vec<(usize, Input)> {
    if found.is_empty() {
        let why = "the directory holds no *.json file to check".to_owned();
        return vec![(0, Input::Broken(dir.to_path_buf(), why))];
    }
    found.sort_unstable_by(|(a_rank, a), (b_rank, b)| match (a, b) {
        (Input::Broken(..), Input::Broken(..)) => a_rank.cmp(b_rank),
        (Input::Broken(..), _) => std::cmp::Ordering::Greater,
        (_, Input::Broken(..)) => std::cmp::Ordering::Less,
        _ => path_bytes(a).cmp(path_bytes(b)),
    });
    found
}

fn path_bytes(input: &Input) -> &[u8] {
    input.path().map_or(&[], |p| p.as_os_str().as_encoded_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directories_are_walked_in_order_and_gitignore_is_honoured() {
        let dir = std::env::temp_dir().join(format!("changeos-files-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("sub")).expect("dirs");
        std::fs::create_dir_all(dir.join("empty")).expect("dirs");
        for f in [
            "b.json",
            "a.json",
            "sub/c.json",
            "sub.json",
            "notes.txt",
            "ignored.json",
            ".hidden.json",
        ] {
            std::fs::write(dir.join(f), "{}").expect("write");
        }
        std::fs::write(dir.join(".gitignore"), "ignored.json\n").expect("write");
        let inputs = expand(&[dir.clone(), PathBuf::from("-"), dir.join("x.json")]);
        let names: Vec<String> = inputs
            .iter()
            .map(|i| i.name().replace(&dir.display().to_string(), "D"))
            .collect();
        // By the bytes of the paths: `.` sorts before `/`.
        assert_eq!(
            names,
            ["D/a.json", "D/b.json", "D/sub.json", "D/sub/c.json", "-", "D/x.json"]
        );
        let empty = expand(&[dir.join("empty")]);
        assert!(
            matches!(&empty[..], [Input::Broken(_, why)] if why.contains("no *.json")),
            "{empty:?}"
        );
        assert_eq!(expand(&[]), [Input::Stdin]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
