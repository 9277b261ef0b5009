//! Which payloads to check: paths as given, `-` for standard input, and directories walked for
//! `*.json` files (honouring .gitignore and skipping hidden files, as git would).

use std::path::{Path, PathBuf};

/// One thing to check, in the order the user gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Stdin,
    File(PathBuf),
    /// A path that could not be expanded (a directory without JSON files, a walk error).
    Broken(PathBuf, String),
}

impl Input {
    /// How reports name it.
    pub fn name(&self) -> String {
        match self {
            Input::Stdin => "-".to_owned(),
            Input::File(p) | Input::Broken(p, _) => p.display().to_string(),
        }
    }

    /// The path configs match globs against.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Input::Stdin => None,
            Input::File(p) | Input::Broken(p, _) => Some(p),
        }
    }
}

/// The inputs of the arguments; no argument means standard input.
pub fn expand(args: &[PathBuf]) -> Vec<Input> {
    if args.is_empty() {
        return vec![Input::Stdin];
    }
    let mut out = Vec::new();
    for arg in args {
        if arg.as_os_str() == "-" {
            out.push(Input::Stdin);
        } else if arg.is_dir() {
            out.extend(walk(arg));
        } else {
            out.push(Input::File(arg.clone()));
        }
    }
    out
}

fn walk(dir: &Path) -> Vec<Input> {
    let mut files: Vec<PathBuf> = Vec::new();
    let mut broken = Vec::new();
    for entry in ignore::WalkBuilder::new(dir).require_git(false).build() {
        match entry {
            Ok(entry) => {
                let is_json = entry.file_name().as_encoded_bytes().ends_with(b".json");
                if is_json && entry.file_type().is_some_and(|t| !t.is_dir()) {
                    files.push(entry.into_path());
                }
            }
            Err(e) => broken.push(Input::Broken(dir.to_path_buf(), e.to_string())),
        }
    }
    // Sorted by the bytes of the whole path: a stable order that costs one comparison of
    // bytes, where sorting by components re-parses both paths at every step.
    files.sort_unstable_by(|a, b| a.as_os_str().as_encoded_bytes().cmp(b.as_os_str().as_encoded_bytes()));
    let mut found: Vec<Input> = files.into_iter().map(Input::File).collect();
    found.extend(broken);
    if found.is_empty() {
        found.push(Input::Broken(
            dir.to_path_buf(),
            "the directory holds no *.json file to check".to_owned(),
        ));
    }
    found
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
        assert_eq!(names, ["D/a.json", "D/b.json", "D/sub/c.json", "-", "D/x.json"]);
        let empty = expand(&[dir.join("empty")]);
        assert!(
            matches!(&empty[..], [Input::Broken(_, why)] if why.contains("no *.json")),
            "{empty:?}"
        );
        assert_eq!(expand(&[]), [Input::Stdin]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
