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

/// The bytes of the file at `path`.
pub fn read_path(path: &Path) -> Result<Vec<u8>, ReadError> {
    let metadata = std::fs::metadata(path).map_err(|e| ReadError::Unreadable(describe(&e)))?;
    if metadata.is_dir() {
        return Err(ReadError::Unreadable("it is a directory".to_owned()));
    }
    if !metadata.is_file() {
        // Opening a FIFO or a device would block or never end.
        return Err(ReadError::Unreadable(
            "it is not a regular file (a FIFO, socket or device)".to_owned(),
        ));
    }
    if metadata.len() > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge(Some(metadata.len())));
    }
    let file = std::fs::File::open(path).map_err(|e| ReadError::Unreadable(describe(&e)))?;
    // Sized from the metadata, the read takes one call plus the one that sees the end.
    read_into(file, Vec::with_capacity(metadata.len() as usize + 1))
}

/// At most [`MAX_FILE_BYTES`] from `reader` (standard input).
pub fn read_limited(reader: impl Read) -> Result<Vec<u8>, ReadError> {
    read_into(reader, Vec::new())
}

fn read_into(reader: impl Read, mut bytes: Vec<u8>) -> Result<Vec<u8>, ReadError> {
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
