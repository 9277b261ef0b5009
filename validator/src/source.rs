//! Getting a payload's bytes: from a path (refusing what is not a regular file or is too large
//! before reading it) or from standard input.

use std::io::Read;
use std::path::Path;

/// Larger files are refused unread: the API gateway takes at most 12 MiB in a signed body.
pub const MAX_FILE_BYTES: u64 = 12 * 1024 * 1024;

/// Why a payload could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// Missing, unreadable, not a regular file...: the message says which.
    Unreadable(String),
    /// Over [`MAX_FILE_BYTES`]; the size if known.
    TooLarge(Option<u64>),
}

/// The bytes of the file at `path`: open, one `fstat`, usually one `read`, close. With 10,000
/// files per run the system calls are most of the cost, so there are no more than needed.
pub fn read_path(path: &Path) -> Result<Vec<u8>, ReadError> {
    let mut file = open(path).map_err(|e| ReadError::Unreadable(describe(&e)))?;
    let metadata = file.metadata().map_err(|e| ReadError::Unreadable(describe(&e)))?;
    if metadata.is_dir() {
        return Err(ReadError::Unreadable("it is a directory".to_owned()));
    }
    if !metadata.is_file() {
        return Err(ReadError::Unreadable(
            "it is not a regular file (a FIFO, socket or device)".to_owned(),
        ));
    }
    if metadata.len() > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge(Some(metadata.len())));
    }
    read_sized(&mut file, metadata.len() as usize)
}

/// Opens for reading without blocking: opening a FIFO that nobody writes to would otherwise
/// wait forever. Reads of regular files ignore the flag.
#[cfg(unix)]
fn open(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open(path: &Path) -> std::io::Result<std::fs::File> {
    let metadata = std::fs::metadata(path)?;
    if !metadata.is_file() && !metadata.is_dir() {
        return Err(std::io::Error::other("it is not a regular file"));
    }
    std::fs::File::open(path)
}

/// Reads a regular file whose size was `expected` a moment ago. A read that fills less than
/// the buffer after reaching the expected size is the end of a regular file; a file that grew
/// meanwhile is read on, up to the limit.
fn read_sized(file: &mut std::fs::File, expected: usize) -> Result<Vec<u8>, ReadError> {
    let mut bytes = vec![0u8; expected + 1];
    let mut filled = 0;
    loop {
        let n = match file.read(&mut bytes[filled..]) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(ReadError::Unreadable(describe(&e))),
        };
        filled += n;
        if n == 0 || (filled >= expected && filled < bytes.len()) {
            break;
        }
        if filled == bytes.len() {
            if filled as u64 > MAX_FILE_BYTES {
                return Err(ReadError::TooLarge(None));
            }
            let grown = (bytes.len() * 2).min(MAX_FILE_BYTES as usize + 1);
            bytes.resize(grown, 0);
        }
    }
    bytes.truncate(filled);
    Ok(bytes)
}

/// At most [`MAX_FILE_BYTES`] from `reader` (standard input).
pub fn read_limited(reader: impl Read) -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError::Unreadable(describe(&e)))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge(None));
    }
    Ok(bytes)
}

fn describe(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits() {
        assert_eq!(read_limited(&b"{}"[..]), Ok(b"{}".to_vec()));
        let big = vec![b' '; (MAX_FILE_BYTES + 1) as usize];
        assert_eq!(read_limited(&big[..]), Err(ReadError::TooLarge(None)));
        assert_eq!(
            read_path(Path::new("/no/such/file")),
            Err(ReadError::Unreadable("no such file".to_owned()))
        );
        assert_eq!(
            read_path(Path::new("/")),
            Err(ReadError::Unreadable("it is a directory".to_owned()))
        );
    }
}
