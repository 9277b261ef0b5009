//! From RFC 6901 pointers to the text, through the parsed tree: the byte ranges of a
//! member's key and value (which fixes edit), and the line and column of any byte.

use std::collections::HashMap;
use std::ops::Range;

use changeos_runtime::json::{Json, Member, Node, Object};
use changeos_runtime::pointer::Pointer;

/// Start and end (inclusive) as 1-based (line, column), columns in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineSpan {
    pub start: (usize, usize),
    pub end: (usize, usize),
}

/// Where a member sits in the text, as byte ranges: its key, quotes included, and its value.
/// For an array element and for the root, both are the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub key: Range<usize>,
    pub value: Range<usize>,
    /// Whether the member, or one it lies inside, has a name that its object repeats.
    pub in_repeated: bool,
}

/// The span of a found member's key; of the first character of the document's value when the
/// member is not in the text (a finding about something missing).
pub fn key_span(text: &str, lines: &LineIndex, found: Option<&Found>) -> LineSpan {
    match found {
        Some(found) if !found.key.is_empty() => lines.span(text, &found.key),
        _ => {
            let root = text.len() - text.trim_start_matches([' ', '\t', '\n', '\r']).len();
            lines.span(text, &(root..root + 1))
        }
    }
}

/// Finds members in one tree. Names are looked up by a scan in objects of a few members and
/// through an index, built on first use, in large ones: a million findings in a
/// million-member object cost a million look-ups, not a million scans.
pub struct Locator<'t, 'a> {
    root: &'t Node<'a>,
    indexes: HashMap<*const Object<'a>, HashMap<&'t str, usize>>,
}

/// Objects with more members than this are looked up through an index.
const SCAN_LIMIT: usize = 16;

impl<'t, 'a> Locator<'t, 'a> {
    pub fn new(root: &'t Node<'a>) -> Self {
        Locator {
            root,
            indexes: HashMap::new(),
        }
    }

    /// Where the value at `pointer` is; `None` when it is not in the tree. Of a repeated name,
    /// the last appearance: the one whose value a parse keeps.
    pub fn find(&mut self, pointer: &Pointer) -> Option<Found> {
        let mut node = self.root;
        // The root has no key: its first character stands for it.
        let start = node.span.start as usize;
        let mut key = start..(start + 1).min(node.span.end as usize);
        let mut in_repeated = false;
        for token in pointer.tokens() {
            match &node.value {
                Json::Object(object) => {
                    let member = self.member(object, &token)?;
                    in_repeated |= member.is_repeated();
                    key = member.key.range();
                    node = &member.node;
                }
                Json::Array(items) => {
                    node = items.get(token.parse::<usize>().ok()?)?;
                    key = node.span.range();
                }
                _ => return None,
            }
        }
        Some(Found {
            key,
            value: node.span.range(),
            in_repeated,
        })
    }

    fn member(&mut self, object: &'t Object<'a>, name: &str) -> Option<&'t Member<'a>> {
        let members = object.members();
        if members.len() <= SCAN_LIMIT {
            return object.member(name);
        }
        let index = self.indexes.entry(std::ptr::from_ref(object)).or_insert_with(|| {
            // Later appearances overwrite earlier ones: the last is kept.
            members.iter().enumerate().map(|(i, m)| (m.name.as_ref(), i)).collect()
        });
        index.get(name).map(|i| &members[*i])
    }
}

/// The 1-based line and column (in characters) of byte offset `offset`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    LineIndex::new(text).line_column(text, offset)
}

/// Where the lines of a text start, to turn many byte offsets into lines and columns, and
/// lines and columns back into text, each in time independent of the length of the line: a
/// minified payload is one line, and 100,000 findings on it must not each count its characters
/// from its start.
pub struct LineIndex {
    starts: Vec<usize>,
    /// For a text that is not all ASCII: how many characters come before each block of
    /// [`BLOCK`] bytes (empty for ASCII, where characters are bytes).
    chars_before_block: Vec<usize>,
}

/// The bytes between two of [`LineIndex`]'s counts of characters: a column is found by
/// counting at most this many bytes.
const BLOCK: usize = 64;

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        let chars_before_block = if text.is_ascii() {
            Vec::new()
        } else {
            let mut before = 0;
            let mut counts = Vec::with_capacity(text.len() / BLOCK + 1);
            for block in text.as_bytes().chunks(BLOCK) {
                counts.push(before);
                before += char_starts(block);
            }
            counts.push(before);
            counts
        };
        LineIndex {
            starts,
            chars_before_block,
        }
    }

    /// The 1-based line and column (in characters) of byte offset `offset` of `text`.
    pub fn line_column(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|s| *s <= offset);
        let start = self.starts[line - 1];
        (line, self.chars_between(text, start, offset) + 1)
    }

    /// The span of the bytes `range` of `text`: its first and its last character (the first
    /// for an empty range).
    pub fn span(&self, text: &str, range: &Range<usize>) -> LineSpan {
        LineSpan {
            start: self.line_column(text, range.start),
            end: self.line_column(text, range.end.saturating_sub(1).max(range.start)),
        }
    }

    /// The byte range of 1-based line `line` of `text`, without its line end (`\n` or
    /// `\r\n`), as [`str::lines`] gives it; `None` past the last line.
    pub fn line(&self, text: &str, line: usize) -> Option<Range<usize>> {
        let start = *self.starts.get(line.checked_sub(1)?)?;
        if start == text.len() {
            return None; // an empty text, or after a final line end: `lines` gives no line there
        }
        let end = match self.starts.get(line) {
            Some(next) => {
                let newline = next - 1;
                if newline > start && text.as_bytes()[newline - 1] == b'\r' {
                    newline - 1
                } else {
                    newline
                }
            }
            None => text.len(),
        };
        Some(start..end)
    }

    /// How many characters the bytes `from..to` of `text` hold.
    pub fn chars_between(&self, text: &str, from: usize, to: usize) -> usize {
        if self.chars_before_block.is_empty() {
            return to - from;
        }
        self.chars_before(text, to) - self.chars_before(text, from)
    }

    /// The byte offset of the character `count` characters after byte offset `from` of `text`
    /// (the end of the text if there are fewer).
    pub fn byte_after_chars(&self, text: &str, from: usize, count: usize) -> usize {
        if self.chars_before_block.is_empty() {
            return (from + count).min(text.len());
        }
        let target = self.chars_before(text, from) + count;
        // The last block that starts at or before the target character; then at most a block.
        let block = self
            .chars_before_block
            .partition_point(|c| *c <= target)
            .saturating_sub(1);
        let bytes = text.as_bytes();
        let mut at = block * BLOCK;
        let mut before = self.chars_before_block[block];
        while at < bytes.len() {
            let starts_char = !is_continuation(bytes[at]);
            if starts_char {
                if before == target {
                    return at;
                }
                before += 1;
            }
            at += 1;
        }
        text.len()
    }

    fn chars_before(&self, text: &str, offset: usize) -> usize {
        let block = offset / BLOCK;
        self.chars_before_block[block] + char_starts(&text.as_bytes()[block * BLOCK..offset])
    }
}

/// How many characters start in `bytes` (the bytes that are not UTF-8 continuation bytes).
fn char_starts(bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| !is_continuation(**b)).count()
}

fn is_continuation(byte: u8) -> bool {
    byte & 0xC0 == 0x80
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    fn p(text: &str) -> Pointer {
        Pointer::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    /// The key and value texts of each pointer in `text`.
    fn found<'t>(text: &'t str, pointers: &[&str]) -> Vec<Option<(&'t str, &'t str, bool)>> {
        let parsed = parse(text);
        let root = parsed.root.as_ref().expect("a value");
        let mut locator = Locator::new(root);
        pointers
            .iter()
            .map(|pointer| {
                let found = locator.find(&p(pointer))?;
                Some((&text[found.key], &text[found.value], found.in_repeated))
            })
            .collect()
    }

    #[test]
    fn key_and_value_ranges() {
        let text = "{\"a\" :\r\n [1, {\"b\": true }], \"c\":-1.5e3,\"d\":\"x\\\"y\", \"b~/c\": {\"\\u00e9\": 1}}";
        assert_eq!(
            found(
                text,
                &["/a", "/a/1/b", "/c", "/d", "/a/0", "/zz", "/a/7", "/b~0~1c/é", ""]
            ),
            [
                Some(("\"a\"", "[1, {\"b\": true }]", false)),
                Some(("\"b\"", "true", false)),
                Some(("\"c\"", "-1.5e3", false)),
                Some(("\"d\"", "\"x\\\"y\"", false)),
                Some(("1", "1", false)),
                None,
                None,
                Some(("\"\\u00e9\"", "1", false)),
                Some(("{", text, false)),
            ]
        );
    }

    #[test]
    fn the_last_appearance_is_the_one_a_parse_keeps() {
        let text = "{\"m\": {\"k\": 1, \"k\": 2},\n \"m\": {\"k\": 3}, \"n\": {\"k\": 4, \"k\": 5}}";
        assert_eq!(
            found(text, &["/m", "/m/k", "/n/k", "/n"]),
            [
                Some(("\"m\"", "{\"k\": 3}", true)),
                Some(("\"k\"", "3", true)),
                Some(("\"k\"", "5", true)),
                Some(("\"n\"", "{\"k\": 4, \"k\": 5}", false)),
            ]
        );
    }

    #[test]
    fn large_objects_are_indexed() {
        let members: Vec<String> = (0..40).map(|i| format!("\"k{i}\": {i}")).collect();
        let text = format!("{{{}, \"k7\": 99}}", members.join(", "));
        assert_eq!(
            found(&text, &["/k7", "/k39", "/k40"]),
            [Some(("\"k7\"", "99", true)), Some(("\"k39\"", "39", false)), None]
        );
    }

    #[test]
    fn columns_and_lines_of_any_text_match_a_plain_count() {
        let piece = "aé€𝄞\r\n\"x\": [\"\u{7ff}\u{800}\"]\n";
        for text in [
            String::new(),
            "ascii only\nline two\r\n".to_owned(),
            piece.repeat(40),
            format!("{}{}", "é".repeat(100), "a".repeat(100)),
            format!("{}\n{}", "𝄞".repeat(70), "x".repeat(130)),
        ] {
            let index = LineIndex::new(&text);
            for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
                let before = &text[..offset];
                let line = before.matches('\n').count() + 1;
                let line_start = before.rfind('\n').map_or(0, |i| i + 1);
                let column = text[line_start..offset].chars().count() + 1;
                assert_eq!(index.line_column(&text, offset), (line, column), "{text:?} {offset}");
                for count in [0, 1, 3, 64, 65, 1000] {
                    let expected = text[offset..]
                        .char_indices()
                        .nth(count)
                        .map_or(text.len(), |(i, _)| offset + i);
                    assert_eq!(
                        index.byte_after_chars(&text, offset, count),
                        expected,
                        "{text:?} {offset} {count}"
                    );
                }
            }
            let lines: Vec<&str> = (1..)
                .map_while(|n| index.line(&text, n))
                .map(|range| &text[range])
                .collect();
            assert_eq!(lines, text.lines().collect::<Vec<_>>(), "{text:?}");
        }
    }

    #[test]
    fn columns_count_characters() {
        assert_eq!(line_column("é\"x", 2), (1, 2));
        assert_eq!(line_column("a\nbc", 3), (2, 2));
        assert_eq!(line_column("a\r\nbc", 4), (2, 2));
    }
}
