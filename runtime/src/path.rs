//! Where a value sits in the document, built without allocation while linting and turned
//! into a [`Pointer`] only when a finding needs it.

use std::fmt::Write as _;

use crate::pointer::Pointer;

/// A path from the document root, as a chain of borrowed steps.
#[derive(Debug, Clone, Copy)]
pub enum Path<'a> {
    Root,
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl<'a> Path<'a> {
    /// The member `key` of the object at `self`.
    pub fn key(&'a self, key: &'a str) -> Path<'a> {
        Path::Key(self, key)
    }

    /// The element `index` of the array at `self`.
    pub fn index(&'a self, index: usize) -> Path<'a> {
        Path::Index(self, index)
    }

    /// What messages call the place: the member name in backticks (`` `imageid` ``,
    /// `` `sub_jobs[2]` ``), or "the request body" for the root. Control characters in a
    /// name are escaped ([`crate::escape`]), so that a message never carries a terminal escape
    /// sequence.
    pub fn name(&self) -> String {
        match self {
            Path::Root => "the request body".to_owned(),
            _ => {
                let mut shown = String::with_capacity(24);
                shown.push('`');
                self.write_name(&mut shown);
                shown.push('`');
                shown
            }
        }
    }

    fn write_name(&self, out: &mut String) {
        match self {
            Path::Root => {}
            Path::Key(_, key) => out.push_str(&crate::escape::escape_controls(key)),
            Path::Index(parent, index) => {
                parent.write_name(out);
                // Writing to a `String` cannot fail.
                let _ = write!(out, "[{index}]");
            }
        }
    }

    /// The RFC 6901 pointer: `""` for the root.
    pub fn to_pointer(&self) -> Pointer {
        let mut out = Pointer::root();
        self.write_pointer(&mut out);
        out
    }

    fn write_pointer(&self, out: &mut Pointer) {
        match self {
            Path::Root => {}
            Path::Key(parent, key) => {
                parent.write_pointer(out);
                out.push(key);
            }
            Path::Index(parent, index) => {
                parent.write_pointer(out);
                out.push_index(*index);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_escape_tilde_and_slash() {
        let root = Path::Root;
        assert_eq!(root.to_pointer(), "");
        let a = root.key("os-change");
        let b = a.key("a/b~c");
        let c = b.index(3);
        assert_eq!(c.to_pointer(), "/os-change/a~1b~0c/3");
        assert_eq!(b.name(), "`a/b~c`");
        assert_eq!(c.name(), "`a/b~c[3]`");
        assert_eq!(root.name(), "the request body");
        assert_eq!(root.key("a\u{1b}[31m").name(), "`a\\u{1b}[31m`");
        assert_eq!(root.key("\u{202e}gpj.exe").name(), "`\\u{202e}gpj.exe`");
    }
}
