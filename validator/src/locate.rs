//! From an RFC 6901 pointer back to the text: the span of the member's key (or of the value,
//! for array elements and the root). Only run for files that have findings, on text that
//! serde_json already parsed, so the scanner can stay small.

/// Start and end (inclusive) as 1-based (line, column), columns in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: (usize, usize),
    pub end: (usize, usize),
}

/// The span of the member `pointer` names; the root's when the pointer leads nowhere.
pub fn span(text: &str, pointer: &str) -> Span {
    let tokens: Vec<String> = if pointer.is_empty() {
        Vec::new()
    } else {
        pointer
            .split('/')
            .skip(1)
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect()
    };
    let mut scanner = Scanner {
        bytes: text.as_bytes(),
        pos: 0,
    };
    let (start, end) = scanner.find(&tokens).unwrap_or_else(|| {
        let start = scanner_start(text);
        (start, start + 1)
    });
    Span {
        start: line_column(text, start),
        end: line_column(text, end.saturating_sub(1).max(start)),
    }
}

fn scanner_start(text: &str) -> usize {
    text.len() - text.trim_start().len()
}

/// The 1-based line and column (in characters) of byte offset `offset`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Scanner<'_> {
    /// Byte range of the key (or value) that `tokens` lead to.
    fn find(&mut self, tokens: &[String]) -> Option<(usize, usize)> {
        self.skip_ws();
        let Some((token, rest)) = tokens.split_first() else {
            let start = self.pos;
            self.skip_value()?;
            return Some((start, self.pos));
        };
        match self.peek()? {
            b'{' => {
                self.pos += 1;
                loop {
                    self.skip_ws();
                    if self.peek()? == b'}' {
                        return None;
                    }
                    let key_start = self.pos;
                    let key = self.string()?;
                    let key_end = self.pos;
                    self.skip_ws();
                    self.expect(b':')?;
                    if &key == token {
                        if rest.is_empty() {
                            return Some((key_start, key_end));
                        }
                        return self.find(rest);
                    }
                    self.skip_ws();
                    self.skip_value()?;
                    self.skip_ws();
                    if self.peek()? == b',' {
                        self.pos += 1;
                    }
                }
            }
            b'[' => {
                let index: usize = token.parse().ok()?;
                self.pos += 1;
                for _ in 0..index {
                    self.skip_ws();
                    self.skip_value()?;
                    self.skip_ws();
                    self.expect(b',')?;
                }
                self.find(rest)
            }
            _ => None,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.pos += 1)
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// A JSON string, decoded.
    fn string(&mut self) -> Option<String> {
        let start = self.pos;
        self.skip_string()?;
        serde_json::from_slice(&self.bytes[start..self.pos]).ok()
    }

    fn skip_string(&mut self) -> Option<()> {
        self.expect(b'"')?;
        loop {
            match self.peek()? {
                b'"' => {
                    self.pos += 1;
                    return Some(());
                }
                b'\\' => self.pos += 2,
                _ => self.pos += 1,
            }
        }
    }

    /// Skips one value; iterative over brackets so deep nesting costs no stack.
    fn skip_value(&mut self) -> Option<()> {
        let mut depth = 0usize;
        loop {
            self.skip_ws();
            match self.peek()? {
                b'"' => self.skip_string()?,
                b'{' | b'[' => {
                    depth += 1;
                    self.pos += 1;
                    continue;
                }
                b'}' | b']' => {
                    depth = depth.checked_sub(1)?;
                    self.pos += 1;
                }
                b',' | b':' if depth > 0 => {
                    self.pos += 1;
                    continue;
                }
                _ => {
                    while matches!(self.peek(), Some(b) if !matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
                    {
                        self.pos += 1;
                    }
                }
            }
            if depth == 0 {
                return Some(());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "{\n  \"a\": {\"b~/c\": [1, {\"d\": \"x\\\"y\"}]},\n  \"é\": true\n}";

    #[test]
    fn keys_and_elements() {
        assert_eq!(span(DOC, "/a").start, (2, 3));
        assert_eq!(span(DOC, "/a").end, (2, 5));
        assert_eq!(span(DOC, "/a/b~0~1c").start, (2, 9));
        assert_eq!(span(DOC, "/a/b~0~1c/1").start, (2, 21));
        assert_eq!(span(DOC, "/a/b~0~1c/1/d").start, (2, 22));
        assert_eq!(span(DOC, "/é").start, (3, 3));
        assert_eq!(span(DOC, "").start, (1, 1));
        assert_eq!(span(DOC, "").end, (4, 1));
    }

    #[test]
    fn missing_members_fall_back_to_the_root() {
        assert_eq!(span(DOC, "/nope").start, (1, 1));
        assert_eq!(span("  [1]", "/5").start, (1, 3));
    }

    #[test]
    fn columns_count_characters() {
        assert_eq!(line_column("é\"x", 2), (1, 2));
        assert_eq!(line_column("a\nbc", 3), (2, 2));
    }
}
