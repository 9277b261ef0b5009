//! From RFC 6901 pointers back to the text: the span of a member's key (or of the value, for
//! array elements and the root), and the byte ranges of its key and its value, which fixes
//! edit. It runs only for files that have findings, in one pass over text that serde_json
//! already parsed, so the scanner can stay small and trust the syntax.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

use changeos_runtime::pointer::Pointer;

/// Start and end (inclusive) as 1-based (line, column), columns in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: (usize, usize),
    pub end: (usize, usize),
}

/// A place to find: a member's pointer and which appearance of its key (0 = the first).
pub type Wanted = (Pointer, usize);

/// The appearance of a key whose value a parse keeps: the last one in the text (also under a
/// parent key that appears more than once).
pub const LAST: usize = usize::MAX;

/// Where a member sits in the text, as byte ranges: its key, quotes included, and its value.
/// For an array element and for the root, both are the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub key: Range<usize>,
    pub value: Range<usize>,
}

/// The spans of the `wanted` places; a place not in the text gets the root's span.
pub fn spans(text: &str, wanted: &[Wanted]) -> Vec<Span> {
    let found = find(text, wanted);
    let lines = LineIndex::new(text);
    let root = root_start(text);
    found
        .iter()
        .map(|f| {
            let key = match f {
                Some(f) if !f.key.is_empty() => f.key.clone(),
                _ => root..root + 1,
            };
            lines.span(text, &key)
        })
        .collect()
}

/// Where each of the `wanted` places is (see [`Found`]), in one pass; `None` for a place that
/// is not in the text. The root (`""`) has for key the first byte of its value, as its span.
pub fn find(text: &str, wanted: &[Wanted]) -> Vec<Option<Found>> {
    let mut slots: HashMap<&str, Slot> = HashMap::new();
    for (pointer, occurrence) in wanted {
        let slot = slots.entry(pointer.as_str()).or_default();
        if *occurrence == LAST {
            slot.last = true;
        } else {
            slot.occurrences.push(*occurrence);
        }
    }
    for slot in slots.values_mut() {
        slot.occurrences.sort_unstable();
        slot.occurrences.dedup();
    }
    let counts_appearances = slots.values().any(|slot| !slot.occurrences.is_empty());
    let mut scanner = Scanner {
        bytes: text.as_bytes(),
        pos: 0,
        slots: &mut slots,
        counts_appearances,
    };
    scanner.skip_ws();
    let root_start = scanner.pos;
    let mut path = Pointer::root();
    scanner.value(&mut path);
    let root = Found {
        key: root_start..root_start + 1,
        value: root_start..scanner.pos,
    };
    wanted
        .iter()
        .map(|(pointer, occurrence)| {
            if pointer.is_root() {
                return Some(root.clone());
            }
            let slot = slots.get(pointer.as_str())?;
            if *occurrence == LAST {
                slot.last_found.clone()
            } else {
                slot.found.get(occurrence).cloned()
            }
        })
        .collect()
}

/// What is wanted of one pointer, and what was found. A pointer can be wanted at many
/// appearances (every repetition of a key that appears 100,000 times): they are looked up,
/// not scanned, at each appearance.
#[derive(Default)]
struct Slot {
    /// The appearances wanted, sorted.
    occurrences: Vec<usize>,
    /// Whether the last appearance is wanted.
    last: bool,
    found: HashMap<usize, Found>,
    last_found: Option<Found>,
}

/// The offset of the first byte of the document's value.
fn root_start(text: &str) -> usize {
    text.len() - text.trim_start_matches([' ', '\t', '\n', '\r']).len()
}

/// The span of one place (see [`spans`]).
pub fn span(text: &str, pointer: &Pointer) -> Span {
    spans(text, &[(pointer.clone(), 0)])[0]
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
    pub fn span(&self, text: &str, range: &Range<usize>) -> Span {
        Span {
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

struct Scanner<'a, 'w> {
    bytes: &'a [u8],
    pos: usize,
    slots: &'a mut HashMap<&'w str, Slot>,
    /// Whether any slot wants an appearance other than the last.
    counts_appearances: bool,
}

impl<'a> Scanner<'a, '_> {
    /// Walks one value whose pointer is `path`, noting the wanted members inside it.
    fn value(&mut self, path: &mut Pointer) {
        self.skip_ws();
        match self.peek() {
            Some(b'{') => self.object(path),
            Some(b'[') => self.array(path),
            Some(b'"') => self.skip_string(),
            Some(_) => self.skip_scalar(),
            None => {}
        }
    }

    fn object(&mut self, path: &mut Pointer) {
        self.pos += 1;
        let mut seen = Seen::default();
        loop {
            self.skip_ws();
            match self.peek() {
                Some(b'"') => {}
                Some(b'}') | None => {
                    self.pos += 1;
                    return;
                }
                Some(_) => {
                    self.pos += 1;
                    continue;
                }
            }
            let key_start = self.pos;
            self.skip_string();
            let key_end = self.pos;
            let key = self.key(key_start, key_end);
            // Appearances are counted only when some are wanted (the file repeats a key): the
            // count is a hash map per large object.
            let occurrence = if self.counts_appearances {
                seen.next(key.clone())
            } else {
                0
            };
            path.push(&key);
            self.skip_ws();
            if self.peek() == Some(b':') {
                self.pos += 1;
            }
            self.skip_ws();
            let value_start = self.pos;
            self.value(path);
            let found = Found {
                key: key_start..key_end,
                value: value_start..self.pos,
            };
            self.note(path, occurrence, found);
            path.pop();
            self.skip_ws();
            if self.peek() == Some(b',') {
                self.pos += 1;
            }
        }
    }

    fn array(&mut self, path: &mut Pointer) {
        self.pos += 1;
        let mut index = 0usize;
        loop {
            self.skip_ws();
            match self.peek() {
                Some(b']') | None => {
                    self.pos += 1;
                    return;
                }
                Some(b',') => {
                    self.pos += 1;
                    continue;
                }
                Some(_) => {}
            }
            path.push_index(index);
            let start = self.pos;
            self.value(path);
            self.note(
                path,
                0,
                Found {
                    key: start..self.pos,
                    value: start..self.pos,
                },
            );
            path.pop();
            index += 1;
        }
    }

    fn note(&mut self, path: &Pointer, occurrence: usize, found: Found) {
        let Some(slot) = self.slots.get_mut(path.as_str()) else {
            return;
        };
        if slot.occurrences.binary_search(&occurrence).is_ok() {
            slot.found.insert(occurrence, found.clone());
        }
        if slot.last {
            // A later appearance overwrites an earlier one: it ends at the last.
            slot.last_found = Some(found);
        }
    }

    /// The member name between `start` and `end` (quotes included): borrowed from the text
    /// unless it has escapes to decode.
    fn key(&self, start: usize, end: usize) -> Cow<'a, str> {
        let raw = &self.bytes[start..end];
        let inner = raw.get(1..raw.len().saturating_sub(1)).unwrap_or_default();
        if inner.contains(&b'\\') {
            Cow::Owned(serde_json::from_slice(raw).unwrap_or_default())
        } else {
            Cow::Borrowed(std::str::from_utf8(inner).unwrap_or_default())
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn skip_string(&mut self) {
        self.pos += 1;
        // Strings are most of a payload's bytes (user data is base64): jump from one quote or
        // backslash to the next rather than stepping through every byte.
        while let Some(at) = memchr::memchr2(b'"', b'\\', &self.bytes[self.pos.min(self.bytes.len())..]) {
            let b = self.bytes[self.pos + at];
            self.pos += at + if b == b'\\' { 2 } else { 1 };
            if b == b'"' {
                return;
            }
        }
        self.pos = self.bytes.len();
    }

    fn skip_scalar(&mut self) {
        while matches!(self.peek(), Some(b) if !matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }
}

/// How often each name has appeared in one object so far: a short list for the few members
/// of a payload object, a hash map once an object is large.
#[derive(Default)]
struct Seen<'a> {
    few: Vec<(Cow<'a, str>, usize)>,
    many: Option<HashMap<Cow<'a, str>, usize>>,
}

impl<'a> Seen<'a> {
    /// The number of earlier appearances of `key`, counting this one for next time.
    fn next(&mut self, key: Cow<'a, str>) -> usize {
        if let Some(many) = &mut self.many {
            let count = many.entry(key).or_insert(0);
            *count += 1;
            return *count - 1;
        }
        if let Some((_, count)) = self.few.iter_mut().find(|(k, _)| *k == key) {
            *count += 1;
            return *count - 1;
        }
        self.few.push((key, 1));
        if self.few.len() > 16 {
            self.many = Some(self.few.drain(..).collect());
        }
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Pointer {
        Pointer::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    const DOC: &str = "{\n  \"a\": {\"b~/c\": [1, {\"d\": \"x\\\"y\"}]},\n  \"é\": true\n}";

    #[test]
    fn keys_and_elements() {
        assert_eq!(span(DOC, &p("/a")).start, (2, 3));
        assert_eq!(span(DOC, &p("/a")).end, (2, 5));
        assert_eq!(span(DOC, &p("/a/b~0~1c")).start, (2, 9));
        assert_eq!(span(DOC, &p("/a/b~0~1c/1")).start, (2, 21));
        assert_eq!(span(DOC, &p("/a/b~0~1c/1/d")).start, (2, 22));
        assert_eq!(span(DOC, &p("/é")).start, (3, 3));
        assert_eq!(span(DOC, &p("/é")).end, (3, 5));
        assert_eq!(span(DOC, &p("")).start, (1, 1));
    }

    #[test]
    fn later_appearances_of_a_key() {
        let text = "{\"k\": 1,\n \"k\": 2,\n \"k\": 3}";
        let found = spans(text, &[(p("/k"), 0), (p("/k"), 2), (p("/k"), 1)]);
        assert_eq!(
            found.iter().map(|s| s.start).collect::<Vec<_>>(),
            [(1, 2), (3, 2), (2, 2)]
        );
    }

    #[test]
    fn the_last_appearance_is_the_one_a_parse_keeps() {
        let text = "{\"m\": {\"k\": 1, \"k\": 2},\n \"m\": {\"k\": 3}}";
        let found = spans(text, &[(p("/m"), LAST), (p("/m/k"), LAST)]);
        assert_eq!(found.iter().map(|s| s.start).collect::<Vec<_>>(), [(2, 2), (2, 8)]);
    }

    #[test]
    fn later_appearances_in_large_objects_and_escaped_names() {
        let members: Vec<String> = (0..40).map(|i| format!("\"k{i}\": {i}")).collect();
        let text = format!("{{{},\n\"k7\": 1, \"\\u0061\": 2}}", members.join(", "));
        let found = spans(&text, &[(p("/k7"), 1), (p("/a"), 0)]);
        assert_eq!(found[0].start, (2, 1));
        assert_eq!(found[1].start, (2, 10));
    }

    #[test]
    fn key_and_value_ranges() {
        let text = "{\"a\" :\r\n [1, {\"b\": true }], \"c\":-1.5e3,\"d\":\"x\\\"y\"}";
        let wanted: Vec<Wanted> = ["/a", "/a/1/b", "/c", "/d", "/a/0", "/zz"]
            .iter()
            .map(|text| (p(text), LAST))
            .collect();
        let found = find(text, &wanted);
        let slices: Vec<Option<(&str, &str)>> = found
            .iter()
            .map(|f| f.as_ref().map(|f| (&text[f.key.clone()], &text[f.value.clone()])))
            .collect();
        assert_eq!(
            slices,
            [
                Some(("\"a\"", "[1, {\"b\": true }]")),
                Some(("\"b\"", "true")),
                Some(("\"c\"", "-1.5e3")),
                Some(("\"d\"", "\"x\\\"y\"")),
                Some(("1", "1")),
                None
            ]
        );
    }

    #[test]
    fn missing_members_fall_back_to_the_root() {
        assert_eq!(span(DOC, &p("/nope")).start, (1, 1));
        assert_eq!(span("  [1]", &p("/5")).start, (1, 3));
    }

    #[test]
    fn many_appearances_of_one_key_are_each_found() {
        // 2,000 appearances of one key, each wanted: every one at its own line.
        let members: Vec<String> = (0..2000).map(|i| format!("\n\"k\": {i}")).collect();
        let text = format!("{{{}}}", members.join(","));
        let mut wanted: Vec<Wanted> = (0..2000).rev().map(|i| (p("/k"), i)).collect();
        wanted.push((p("/k"), LAST));
        wanted.push((p("/k"), 2000));
        let found = spans(&text, &wanted);
        let lines: Vec<usize> = found.iter().map(|s| s.start.0).collect();
        let mut expected: Vec<usize> = (0..2000).rev().map(|i| i + 2).collect();
        expected.extend([2001, 1]); // the last; one past the last is not there: the root
        assert_eq!(lines, expected);
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
