//! Reading the small files the client is pointed at (the credentials file, the regions file,
//! certificate files) without being led astray: a FIFO would block the open, `/dev/zero` would
//! never end, and a huge file would be read whole before anything looked at it.
//!
//! `changeos_validator::source::read_regular_file` does the same for `changeos.toml`; this
//! crate does not depend on the validator (the client sends requests and lints nothing), and
//! the models crate holds what generated code calls, not file reading: so the few lines are
//! here twice.

use std::io::Read;
use std::path::Path;

/// Why a file could not be read.
#[derive(Debug)]
pub enum FileError {
    /// Opening or reading failed (no such file, permission denied, ...).
    Io(std::io::Error),
    /// A directory.
    Directory,
    /// A FIFO, socket or device.
    NotRegular,
    /// Over the limit; the size if known.
    TooLarge { size: Option<u64>, limit: u64 },
}

impl FileError {
    /// Why, in words, for a file that is `what` ("a credentials file").
    pub fn describe(&self, what: &str) -> String {
        match self {
            FileError::Io(e) => match e.kind() {
                std::io::ErrorKind::NotFound => "no such file".to_owned(),
                std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
                _ => e.to_string(),
            },
            FileError::Directory => "it is a directory".to_owned(),
            FileError::NotRegular => "it is not a regular file (a FIFO, socket or device)".to_owned(),
            FileError::TooLarge {
                size: Some(size),
                limit,
            } => {
                format!("it has {size} bytes, more than the {limit} {what} may have")
            }
            FileError::TooLarge { size: None, limit } => {
                format!("it has more than the {limit} bytes {what} may have")
            }
        }
    }
}

/// The bytes of a regular file of at most `limit` bytes, and its metadata. Anything else is
/// refused unread: its type is checked before it is opened and again on the opened file, and
/// no more than the limit is read.
pub fn read_bounded(path: &Path, limit: u64) -> Result<(Vec<u8>, std::fs::Metadata), FileError> {
    let check = |metadata: &std::fs::Metadata| {
        if metadata.is_dir() {
            Err(FileError::Directory)
        } else if !metadata.is_file() {
            Err(FileError::NotRegular)
        } else if metadata.len() > limit {
            Err(FileError::TooLarge {
                size: Some(metadata.len()),
                limit,
            })
        } else {
            Ok(())
        }
    };
    check(&std::fs::metadata(path).map_err(FileError::Io)?)?;
    let file = open_nonblocking(path).map_err(FileError::Io)?;
    let metadata = file.metadata().map_err(FileError::Io)?;
    check(&metadata)?;
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes).map_err(FileError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(FileError::TooLarge { size: None, limit });
    }
    Ok((bytes, metadata))
}

/// Opens for reading without blocking: should the file have become a FIFO since it was looked
/// at, the open returns at once (and the type check refuses it). Reads of regular files ignore
/// the flag.
#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}
