//! Getting a payload's bytes: from a path (refusing what is not a regular file or is too large
//! before reading it) or from standard input.

use std::io::Read;
use std::path::Path;

use crate::files::Input;

/// Larger files are refused unread: the API gateway takes at most 12 MiB in a signed body.
pub const MAX_FILE_BYTES: u64 = 12 * 1024 * 1024;

/// Why a payload could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// Missing, unreadable, not a regular file...: the message says which.
    Unreadable(String),
    /// A directory, where a file was expected.
    Directory,
    /// Over [`MAX_FILE_BYTES`]; the size if known.
    TooLarge(Option<u64>),
}

/// The first buffer of a [`Reader`]: payload files are a few KiB, and one read of a file that
/// fits returns all of it.
const FIRST_BUFFER: usize = 16 * 1024;

/// Reads payload files into one buffer kept from file to file, so that checking many files
/// allocates and zeroes a buffer only when a larger file comes. With 10,000 files per run the
/// system calls are most of the cost, so there are no more than needed: open, `fstat` (none for
/// a file a directory walk found to be regular), usually one `read`, close.
#[derive(Debug, Default)]
pub struct Reader {
    buffer: Vec<u8>,
}

impl Reader {
    /// The bytes of the file at `path`, refusing what is not a regular file or is too large
    /// before reading it.
    pub fn path(&mut self, path: &Path) -> Result<&[u8], ReadError> {
        let mut file = open(path).map_err(|e| ReadError::Unreadable(describe(&e)))?;
        let metadata = file.metadata().map_err(|e| ReadError::Unreadable(describe(&e)))?;
        if metadata.is_dir() {
            return Err(ReadError::Directory);
        }
        if !metadata.is_file() {
            return Err(ReadError::Unreadable(
                "it is not a regular file (a FIFO, socket or device)".to_owned(),
            ));
        }
        if metadata.len() > MAX_FILE_BYTES {
            return Err(ReadError::TooLarge(Some(metadata.len())));
        }
        self.fill(&mut file, metadata.len() as usize)
    }

    /// The bytes of one input: standard input, a path as given (see [`Reader::path`]), a file a
    /// walk found (see [`Reader::found`]), or the reason a path could not be expanded.
    pub fn input(&mut self, input: &Input) -> Result<&[u8], ReadError> {
        match input {
            Input::Stdin => {
                self.buffer = read_limited(std::io::stdin().lock())?;
                Ok(&self.buffer)
            }
            Input::File(path) => self.path(path),
            Input::Walked(path) => self.walked(path),
            Input::Broken(_, why) => Err(ReadError::Unreadable(why.clone())),
        }
    }

    /// The bytes of a file that a directory walk found to be a regular file: read to its end
    /// without a `stat`, up to the limit.
    pub fn walked(&mut self, path: &Path) -> Result<&[u8], ReadError> {
        let mut file = open(path).map_err(|e| ReadError::Unreadable(describe(&e)))?;
        self.fill(&mut file, 0)
    }

    /// Reads a regular file of at least `expected` bytes. A read that fills less than the buffer
    /// after reaching the expected size is the end of a regular file; a file that grew meanwhile
    /// is read on, up to the limit.
    fn fill(&mut self, file: &mut std::fs::File, expected: usize) -> Result<&[u8], ReadError> {
        let wanted = (expected + 1).max(FIRST_BUFFER);
        if self.buffer.len() < wanted {
            self.buffer.resize(wanted, 0);
        }
        let mut filled = 0;
        loop {
            let n = match file.read(&mut self.buffer[filled..]) {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) if e.raw_os_error() == Some(EISDIR) => return Err(ReadError::Directory),
                Err(e) => return Err(ReadError::Unreadable(describe(&e))),
            };
            filled += n;
            if n == 0 || (filled >= expected && filled < self.buffer.len()) {
                break;
            }
            if filled == self.buffer.len() {
                if filled as u64 > MAX_FILE_BYTES {
                    return Err(ReadError::TooLarge(None));
                }
                let grown = (self.buffer.len() * 2).min(MAX_FILE_BYTES as usize + 1);
                self.buffer.resize(grown, 0);
            }
        }
        Ok(&self.buffer[..filled])
    }
}

#[cfg(unix)]
const EISDIR: i32 = libc::EISDIR;
#[cfg(not(unix))]
const EISDIR: i32 = -1;

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

/// The bytes of a small file the tool reads besides payloads (`changeos.toml`), refused
/// unread when it is not a regular file or has more than `limit` bytes: a FIFO would block the
/// open, `/dev/zero` would never end. Its type is checked before it is opened, and again on
/// the file opened (it may have been replaced in between), and no more than `limit` bytes are
/// read even if it grows.
pub fn read_regular_file(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let check = |metadata: &std::fs::Metadata| {
        if metadata.is_dir() {
            Err(ReadError::Directory)
        } else if !metadata.is_file() {
            Err(ReadError::Unreadable(
                "it is not a regular file (a FIFO, socket or device)".to_owned(),
            ))
        } else if metadata.len() > limit {
            Err(ReadError::TooLarge(Some(metadata.len())))
        } else {
            Ok(())
        }
    };
    check(&std::fs::metadata(path).map_err(|e| ReadError::Unreadable(describe(&e)))?)?;
    let file = open(path).map_err(|e| ReadError::Unreadable(describe(&e)))?;
    check(&file.metadata().map_err(|e| ReadError::Unreadable(describe(&e)))?)?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError::Unreadable(describe(&e)))?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge(None));
    }
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
            Reader::default().path(Path::new("/no/such/file")),
            Err(ReadError::Unreadable("no such file".to_owned()))
        );
        assert_eq!(Reader::default().path(Path::new("/")), Err(ReadError::Directory));
        assert_eq!(Reader::default().walked(Path::new("/")), Err(ReadError::Directory));
    }

    #[test]
    fn small_files_are_bounded_and_regular() {
        let dir = std::env::temp_dir().join(format!("changeos-small-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let file = dir.join("changeos.toml");
        std::fs::write(&file, "0123456789").expect("write");
        assert_eq!(read_regular_file(&file, 10), Ok(b"0123456789".to_vec()));
        assert_eq!(read_regular_file(&file, 9), Err(ReadError::TooLarge(Some(10))));
        assert_eq!(read_regular_file(&dir, 10), Err(ReadError::Directory));
        assert_eq!(
            read_regular_file(&dir.join("missing"), 10),
            Err(ReadError::Unreadable("no such file".to_owned()))
        );
        #[cfg(unix)]
        assert_eq!(
            read_regular_file(Path::new("/dev/zero"), 10),
            Err(ReadError::Unreadable(
                "it is not a regular file (a FIFO, socket or device)".to_owned()
            ))
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_buffer_is_kept_and_grows_for_larger_files() {
        let dir = std::env::temp_dir().join(format!("changeos-source-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let small = dir.join("small.json");
        let large = dir.join("large.json");
        std::fs::write(&small, "{}").expect("write");
        let big: Vec<u8> = (0..FIRST_BUFFER * 3 + 5).map(|i| b'a' + (i % 26) as u8).collect();
        std::fs::write(&large, &big).expect("write");
        let mut reader = Reader::default();
        assert_eq!(reader.walked(&small), Ok(&b"{}"[..]));
        assert_eq!(reader.walked(&large), Ok(&big[..]));
        assert_eq!(reader.path(&large), Ok(&big[..]));
        assert_eq!(reader.path(&small), Ok(&b"{}"[..]));
        assert_eq!(
            reader.walked(&dir.join("missing.json")),
            Err(ReadError::Unreadable("no such file".to_owned()))
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
