//! `changeos.toml` in the editor: the nearest one above a document sets its findings' levels,
//! as for `changeos check`. It is read again for every lint, so an edit is picked up without a
//! restart; saving it (or the client's file watcher) re-lints the open documents.

use std::path::PathBuf;

use changeos_validator::config::{Config, FILE_NAME};
use lsp_types::Uri;

/// The local path of a `file:` URI (percent escapes decoded by the URI crate), if it is one.
pub fn path_of(uri: &Uri) -> Option<PathBuf> {
    if uri.scheme().map(|s| s.as_str()) != Some("file") {
        return None;
    }
    let decoded = uri.path().as_estr().decode().into_string().ok()?;
    Some(PathBuf::from(decoded.into_owned()))
}

/// The config of a document: its nearest `changeos.toml`, or the defaults (for a document
/// that is no file, or with no config above it). A broken config is the error to show.
pub fn for_document(uri: &Uri) -> Result<Config, String> {
    let Some(dir) = path_of(uri).and_then(|p| p.parent().map(PathBuf::from)) else {
        return Ok(Config::default());
    };
    Config::nearest(&dir).map_err(|e| e.to_string())
}

/// Whether a URI names a config file.
pub fn is_config(uri: &Uri) -> bool {
    uri.path().as_str().rsplit('/').next() == Some(FILE_NAME)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris_become_paths() {
        let uri: Uri = "file:///work/my%20payloads/p%C3%A9.json".parse().expect("a URI");
        assert_eq!(path_of(&uri), Some(PathBuf::from("/work/my payloads/pé.json")));
        let untitled: Uri = "untitled:Untitled-1".parse().expect("a URI");
        assert_eq!(path_of(&untitled), None);
        assert!(is_config(&"file:///w/changeos.toml".parse().expect("a URI")));
        assert!(!is_config(&"file:///w/changeos.toml.json".parse().expect("a URI")));
    }
}
