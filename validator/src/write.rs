//! Replacing a file's content so that it holds either its old bytes or the new ones, never a
//! mix (`changeos fmt`, `changeos check --fix`).
//!
//! The new bytes go to a temporary file in the same directory, which is flushed to disk and
//! then renamed over the file: a rename within one file system is atomic, so a full disk, a
//! killed process or a reader running at the same time sees one whole version. What users
//! expect of an edit in place is kept: the mode and (where permitted) the owner, a symbolic
//! link stays a link and its target is replaced, and a file that may not be written is not
//! replaced. A file that changed or vanished since it was read is left alone (and a vanished
//! one is not re-created). A file with several hard links is a new file under the path given;
//! its other names keep the old content.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{self, Read, Write};
use std::path::Path;

/// Why a file was left as it was. Every variant's message ends in "the file was left
/// unchanged", which is true of every one of them.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("it was removed since it was read; the file was left unchanged (not re-created)")]
    Vanished,
    #[error("it changed since it was read; the file was left unchanged")]
    Changed,
    #[error("{step}: {source}; the file was left unchanged")]
    Io {
        /// What was being done, as the start of a sentence.
        step: &'static str,
        #[source]
        source: io::Error,
    },
}

impl WriteError {
    fn io(step: &'static str) -> impl FnOnce(io::Error) -> WriteError {
        move |source| match source.kind() {
            io::ErrorKind::NotFound => WriteError::Vanished,
            _ => WriteError::Io { step, source },
        }
    }
}

/// Replaces the content of the file at `path`, which was read as `read`, with `new` (see the
/// module's documentation). When the file already holds `new` (another run wrote it), that is
/// success and nothing is written.
pub fn replace(path: &Path, read: &[u8], new: &[u8]) -> Result<(), WriteError> {
    replace_via(path, read, new, |file, bytes| file.write_all(bytes))
}

/// [`replace`], with `fill` writing the bytes into the temporary file: the tests give it one
/// that fails halfway, as a full disk does, or that changes the file while it writes.
fn replace_via(
    path: &Path,
    read: &[u8],
    new: &[u8],
    fill: impl FnOnce(&mut File, &[u8]) -> io::Result<()>,
) -> Result<(), WriteError> {
    // A symbolic link stays a link: the file it leads to is the one replaced, in its own
    // directory (a rename cannot cross file systems).
    let target = std::fs::canonicalize(path).map_err(WriteError::io("cannot resolve its path"))?;
    let original = std::fs::metadata(&target).map_err(WriteError::io("cannot read its metadata"))?;
    if !original.is_file() {
        return Err(WriteError::Changed);
    }
    // A rename would replace a file that its mode forbids writing (a directory's permission is
    // what a rename needs); the edit in place that came before refused it, and so does this.
    OpenOptions::new()
        .write(true)
        .open(&target)
        .map_err(WriteError::io("cannot open it for writing"))?;
    let dir = target.parent().unwrap_or(Path::new("/"));
    let mut temp = temporary_beside(&target, dir)?;
    fill(temp.as_file_mut(), new).map_err(WriteError::io("cannot write the new content to a temporary file"))?;
    keep_owner_and_mode(temp.as_file(), &original).map_err(WriteError::io("cannot give the new file its mode"))?;
    temp.as_file()
        .sync_all()
        .map_err(WriteError::io("cannot flush the new content to disk"))?;
    // Checked as late as possible; a program that writes the file between this check and the
    // rename still loses its write, as it would with any editor: only a lock all writers
    // honour could prevent that, and payload files have none.
    match current_content(&target, read.len().max(new.len()))? {
        current if current == read => {}
        current if current == new => return Ok(()),
        _ => return Err(WriteError::Changed),
    }
    temp.persist(&target)
        .map_err(|e| WriteError::io("cannot rename the new file over it")(e.error))?;
    // The rename is done: the file is whole whatever happens now. Syncing the directory makes
    // the rename itself survive a power cut; if it fails, the new content is still in place.
    let _ = File::open(dir).and_then(|d| d.sync_all());
    Ok(())
}

/// A new, empty file in `dir`, hidden and named after `target` so that one left behind by a
/// killed run says where it came from: `.a.json.XXXXXX.changeos-tmp`.
fn temporary_beside(target: &Path, dir: &Path) -> Result<tempfile::NamedTempFile, WriteError> {
    let mut prefix = std::ffi::OsString::from(".");
    prefix.push(target.file_name().unwrap_or_default());
    prefix.push(".");
    tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(".changeos-tmp")
        .tempfile_in(dir)
        .map_err(|e| WriteError::Io {
            step: "cannot create a temporary file beside it",
            source: without_random_name(e),
        })
}

/// The error without the random name tempfile adds to it: a name that never existed says
/// nothing to the user, while the kind of error ("permission denied") says what to do.
fn without_random_name(e: io::Error) -> io::Error {
    if e.raw_os_error().is_none() && e.kind() != io::ErrorKind::Other {
        io::Error::from(e.kind())
    } else {
        e
    }
}

/// Gives `file` the owner, group and mode of `original`. The owner is kept where permitted:
/// only root may give a file away; anyone may keep a group they belong to. The mode is set
/// last, as a change of owner clears the set-user-ID and set-group-ID bits.
#[cfg(unix)]
fn keep_owner_and_mode(file: &File, original: &Metadata) -> io::Result<()> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt, fchown};
    let made = file.metadata()?;
    if (made.uid(), made.gid()) != (original.uid(), original.gid())
        && fchown(file, Some(original.uid()), Some(original.gid())).is_err()
    {
        let _ = fchown(file, None, Some(original.gid()));
    }
    file.set_permissions(std::fs::Permissions::from_mode(original.mode() & 0o7777))
}

#[cfg(not(unix))]
fn keep_owner_and_mode(file: &File, original: &Metadata) -> io::Result<()> {
    file.set_permissions(original.permissions())
}

/// The file's content now, up to one byte more than `longest` (enough to tell it from the
/// bytes it is compared with, without reading a file that grew without bound).
fn current_content(target: &Path, longest: usize) -> Result<Vec<u8>, WriteError> {
    let file = File::open(target).map_err(WriteError::io("cannot read it again"))?;
    let mut bytes = Vec::with_capacity(longest + 1);
    file.take(longest as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(WriteError::io("cannot read it again"))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    const OLD: &[u8] = b"{\"os-change\":{\"imageid\":\"e215580f-73ad-429d-b6f2-5433947433b0\"}}";
    const NEW: &[u8] = b"{\n  \"os-change\": {\n    \"imageid\": \"e215580f-73ad-429d-b6f2-5433947433b0\"\n  }\n}\n";

    /// A directory of its own for one test, removed at the end.
    struct Dir(PathBuf);

    impl Dir {
        fn new(tag: &str) -> Dir {
            let path = std::env::temp_dir().join(format!("changeos-write-{tag}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&path);
            std::fs::create_dir_all(&path).expect("create the test directory");
            Dir(path)
        }

        fn file(&self, name: &str, content: &[u8]) -> PathBuf {
            let path = self.0.join(name);
            std::fs::write(&path, content).expect("write");
            path
        }

        /// The names in the directory, sorted: a temporary file left behind shows here.
        fn names(&self) -> Vec<String> {
            let mut names: Vec<String> = std::fs::read_dir(&self.0)
                .expect("read the directory")
                .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// Writes the first half, then fails as a full disk does.
    fn full_disk(file: &mut File, bytes: &[u8]) -> io::Result<()> {
        file.write_all(&bytes[..bytes.len() / 2])?;
        Err(io::Error::from_raw_os_error(28)) // ENOSPC
    }

    #[test]
    fn the_new_content_replaces_the_old() {
        let dir = Dir::new("replace");
        let path = dir.file("a.json", OLD);
        replace(&path, OLD, NEW).expect("replaced");
        assert_eq!(std::fs::read(&path).expect("read"), NEW);
        assert_eq!(dir.names(), ["a.json"], "no temporary file is left");
    }

    #[test]
    fn a_write_that_fails_halfway_leaves_the_file_byte_for_byte() {
        let dir = Dir::new("full");
        let path = dir.file("a.json", OLD);
        let e = replace_via(&path, OLD, NEW, full_disk).expect_err("the disk is full");
        assert!(
            matches!(&e, WriteError::Io { source, .. } if source.raw_os_error() == Some(28)),
            "{e:?}"
        );
        let message = e.to_string();
        assert!(
            message.starts_with("cannot write the new content to a temporary file: "),
            "{message}"
        );
        assert!(message.ends_with("; the file was left unchanged"), "{message}");
        assert_eq!(std::fs::read(&path).expect("read"), OLD);
        assert_eq!(dir.names(), ["a.json"], "the half-written temporary file is removed");
    }

    #[test]
    fn a_file_changed_since_it_was_read_is_left_as_it_now_is() {
        let dir = Dir::new("changed");
        // Changed before the write began...
        let path = dir.file("a.json", b"{\"edited\": true}");
        let e = replace(&path, OLD, NEW).expect_err("changed");
        assert_eq!(
            e.to_string(),
            "it changed since it was read; the file was left unchanged"
        );
        assert_eq!(std::fs::read(&path).expect("read"), b"{\"edited\": true}");
        // ... and while it was written (another program saved it meanwhile).
        std::fs::write(&path, OLD).expect("write");
        let e = replace_via(&path, OLD, NEW, |file, bytes| {
            std::fs::write(&path, b"{\"edited\": 2}")?;
            file.write_all(bytes)
        })
        .expect_err("changed meanwhile");
        assert!(matches!(e, WriteError::Changed), "{e:?}");
        assert_eq!(std::fs::read(&path).expect("read"), b"{\"edited\": 2}");
        assert_eq!(dir.names(), ["a.json"]);
    }

    #[test]
    fn a_file_removed_since_it_was_read_is_not_re_created() {
        let dir = Dir::new("vanished");
        let path = dir.0.join("a.json");
        let e = replace(&path, OLD, NEW).expect_err("vanished");
        assert!(matches!(e, WriteError::Vanished), "{e:?}");
        assert_eq!(
            e.to_string(),
            "it was removed since it was read; the file was left unchanged (not re-created)"
        );
        // Removed while the new content was being written.
        let path = dir.file("b.json", OLD);
        let e = replace_via(&path, OLD, NEW, |file, bytes| {
            std::fs::remove_file(&path)?;
            file.write_all(bytes)
        })
        .expect_err("vanished meanwhile");
        assert!(matches!(e, WriteError::Vanished), "{e:?}");
        assert_eq!(
            dir.names(),
            Vec::<String>::new(),
            "neither re-created nor a temporary file left"
        );
    }

    #[test]
    fn a_file_that_already_holds_the_new_content_is_success() {
        // Two runs at once: the second finds what it would write.
        let dir = Dir::new("already");
        let path = dir.file("a.json", NEW);
        replace(&path, OLD, NEW).expect("already written");
        assert_eq!(std::fs::read(&path).expect("read"), NEW);
        assert_eq!(dir.names(), ["a.json"]);
    }

    #[cfg(unix)]
    #[test]
    fn mode_and_symbolic_links_are_kept_and_hard_links_part() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let dir = Dir::new("kept");
        let path = dir.file("a.json", OLD);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).expect("chmod");
        let link = dir.0.join("link.json");
        std::os::unix::fs::symlink("a.json", &link).expect("symlink");
        let hard = dir.0.join("hard.json");
        std::fs::hard_link(&path, &hard).expect("hard link");
        replace(&link, OLD, NEW).expect("replaced");
        assert!(
            std::fs::symlink_metadata(&link)
                .expect("lstat")
                .file_type()
                .is_symlink(),
            "still a link"
        );
        assert_eq!(std::fs::read(&path).expect("read"), NEW, "its target is rewritten");
        let metadata = std::fs::metadata(&path).expect("stat");
        assert_eq!(metadata.mode() & 0o7777, 0o640);
        assert_eq!(metadata.nlink(), 1, "a new file");
        assert_eq!(
            std::fs::read(&hard).expect("read"),
            OLD,
            "the other name keeps the old content"
        );
        assert_eq!(dir.names(), ["a.json", "hard.json", "link.json"]);
    }
}
