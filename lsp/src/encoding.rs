//! Positions in the client's terms. The linter places a finding by line and column in
//! characters; LSP counts columns in the encoding the client and server agree on (LSP 3.17):
//! UTF-8 when the client offers it, else UTF-16, which every client supports.

use std::cell::OnceCell;

use lsp_types::{Position, PositionEncodingKind, Range};

/// The column unit both sides agreed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    /// UTF-8 if the client lists it (it is the linter's own unit, so nothing is converted
    /// twice), else UTF-16, the protocol's default.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        match offered {
            Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
            _ => Encoding::Utf16,
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }
    }

    fn width(self, c: char) -> u32 {
        match self {
            Encoding::Utf8 => c.len_utf8() as u32,
            Encoding::Utf16 => c.len_utf16() as u32,
        }
    }
}

/// Characters between two anchors: a conversion scans at most this many.
const STRIDE: usize = 64;

/// A document's text, indexed to turn the linter's places (lines and columns in characters)
/// and fixes' byte offsets into LSP positions and back. A finding per member of a one-line
/// document (thousands of them) would rescan the line for each one; with an anchor every
/// [`STRIDE`] characters, each conversion is a binary search and a short scan.
pub struct Lines<'a> {
    text: &'a str,
    encoding: Encoding,
    /// The text starts with a byte-order mark, which the linter does not count and the
    /// client's columns do.
    bom: bool,
    /// The byte offset where each line starts.
    starts: Vec<usize>,
    /// A place every [`STRIDE`] characters of a line, in text order.
    anchors: OnceCell<Vec<Anchor>>,
}

/// A place in the text: its byte offset, and its line and column both in characters and in
/// the client's units.
#[derive(Debug, Clone, Copy)]
struct Anchor {
    byte: usize,
    line: usize,
    chars: usize,
    units: u32,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str, encoding: Encoding) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(byte, _)| byte + 1))
            .collect();
        Lines {
            text,
            encoding,
            bom: text.starts_with('\u{feff}'),
            starts,
            anchors: OnceCell::new(),
        }
    }

    /// The anchors, placed at the first conversion: a text with no finding needs none.
    fn anchors(&self) -> &[Anchor] {
        self.anchors.get_or_init(|| {
            let mut anchors = Vec::new();
            let (mut line, mut chars, mut units) = (0, 0, 0);
            for (byte, c) in self.text.char_indices() {
                if chars > 0 && chars % STRIDE == 0 {
                    anchors.push(Anchor {
                        byte,
                        line,
                        chars,
                        units,
                    });
                }
                if c == '\n' {
                    (line, chars, units) = (line + 1, 0, 0);
                } else {
                    chars += 1;
                    units += self.encoding.width(c);
                }
            }
            anchors
        })
    }

    /// The position before the `column`th character (1-based) of line `line` (1-based);
    /// a column past the end of the line is the line's end.
    pub fn position(&self, line: usize, column: usize) -> Position {
        let line = line.saturating_sub(1).min(self.starts.len() - 1);
        // The linter does not count the mark; in the text it is the first character.
        let chars = column.saturating_sub(1) + usize::from(self.bom && line == 0);
        let from = self.anchor_before(line, |a| (a.line, a.chars) <= (line, chars));
        self.walk(from, |a| a.chars >= chars).position()
    }

    /// The position of a byte offset of the whole text (a byte-order mark counts, as in a
    /// fix's offsets); an offset inside a character is that character's start.
    pub fn position_of_byte(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&start| start <= offset) - 1;
        let from = self.anchor_before(line, |a| a.byte <= offset);
        self.walk(from, |a| a.byte >= offset).position()
    }

    /// The byte offset of a position in the whole text (the inverse of
    /// [`Lines::position_of_byte`]); a position past a line's end is that line's end.
    pub fn byte_of(&self, position: Position) -> usize {
        let line = position.line as usize;
        if line >= self.starts.len() {
            return self.text.len();
        }
        let target = position.character;
        let from = self.anchor_before(line, |a| (a.line, a.units) <= (line, target));
        self.walk(from, |a| a.units >= target).byte
    }

    /// The byte offset of `position` in the text as parsed, which leaves a byte-order mark out
    /// (the tree's spans are offsets of it); `None` for a position before the mark's end.
    pub fn parsed_offset(&self, position: Position) -> Option<usize> {
        self.byte_of(position).checked_sub(self.bom_len())
    }

    /// The position of a byte offset of the text as parsed (the inverse of
    /// [`Lines::parsed_offset`]).
    pub fn position_of_parsed(&self, offset: usize) -> Position {
        self.position_of_byte(offset + self.bom_len())
    }

    fn bom_len(&self) -> usize {
        if self.bom { '\u{feff}'.len_utf8() } else { 0 }
    }

    /// The position after the whole text.
    pub fn end(&self) -> Position {
        self.position_of_byte(self.text.len())
    }

    /// The range of the characters `start..=end` (the linter's ends are inclusive).
    pub fn range(&self, start: (usize, usize), end: (usize, usize)) -> Range {
        Range::new(self.position(start.0, start.1), self.position(end.0, end.1 + 1))
    }

    /// The last anchor of `line` that `at_or_before` holds for (which holds for every anchor
    /// up to some place), else the line's start.
    fn anchor_before(&self, line: usize, at_or_before: impl Fn(&Anchor) -> bool) -> Anchor {
        let anchors = self.anchors();
        let count = anchors.partition_point(at_or_before);
        match count.checked_sub(1).map(|i| anchors[i]) {
            Some(anchor) if anchor.line == line => anchor,
            _ => Anchor {
                byte: self.starts[line],
                line,
                chars: 0,
                units: 0,
            },
        }
    }

    /// From `from`, the first place where `reached` holds, or the end of the line.
    fn walk(&self, mut at: Anchor, reached: impl Fn(&Anchor) -> bool) -> Anchor {
        for c in self.text[at.byte..].chars() {
            if reached(&at) || c == '\n' {
                break;
            }
            at.byte += c.len_utf8();
            at.chars += 1;
            at.units += self.encoding.width(c);
        }
        at
    }
}

impl Anchor {
    fn position(self) -> Position {
        Position::new(self.line as u32, self.units)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_chosen_only_when_offered() {
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
        assert_eq!(
            Encoding::negotiate(Some(&[PositionEncodingKind::UTF16])),
            Encoding::Utf16
        );
        let both = [PositionEncodingKind::UTF16, PositionEncodingKind::UTF8];
        assert_eq!(Encoding::negotiate(Some(&both)), Encoding::Utf8);
    }

    #[test]
    fn columns_outside_the_basic_plane_count_two_in_utf16_and_four_in_utf8() {
        let text = "{\"𝒜\": \"é\", \"x\": 1}";
        // `"x"` starts at the 13th character: `{`, `"`, 𝒜, `"`, `:`, ` `, `"`, é, `"`, `,`, ` `, `"`.
        let utf16 = Lines::new(text, Encoding::Utf16);
        assert_eq!(utf16.position(1, 13), Position::new(0, 13));
        let utf8 = Lines::new(text, Encoding::Utf8);
        assert_eq!(utf8.position(1, 13), Position::new(0, 16));
        assert_eq!(
            utf16.range((1, 12), (1, 14)),
            Range::new(Position::new(0, 12), Position::new(0, 15))
        );
    }

    #[test]
    fn crlf_lines_and_a_byte_order_mark() {
        let text = "\u{feff}{\r\n  \"a\": 1\r\n}";
        let lines = Lines::new(text, Encoding::Utf16);
        assert_eq!(lines.position(1, 1), Position::new(0, 1), "the mark is one UTF-16 unit");
        assert_eq!(lines.position(2, 3), Position::new(1, 2));
        let utf8 = Lines::new(text, Encoding::Utf8);
        assert_eq!(utf8.position(1, 1), Position::new(0, 3), "and three UTF-8 bytes");
        assert_eq!(
            lines.position(9, 1),
            Position::new(2, 0),
            "a line past the end is the last"
        );
    }

    #[test]
    fn byte_offsets_become_positions() {
        let text = "\u{feff}{\r\n  \"𝒜\": 1\r\n}";
        let lines = Lines::new(text, Encoding::Utf16);
        assert_eq!(lines.position_of_byte(0), Position::new(0, 0));
        assert_eq!(lines.position_of_byte(3), Position::new(0, 1), "after the mark");
        let value = text.find(": 1").expect("value") + 2;
        // Two spaces, a quote, 𝒜 (two units), a quote, the colon and a space.
        assert_eq!(lines.position_of_byte(value), Position::new(1, 8));
        assert_eq!(lines.position_of_byte(value + 1000), lines.end());
        assert_eq!(lines.end(), Position::new(2, 1));
        let utf8 = Lines::new(text, Encoding::Utf8);
        assert_eq!(utf8.position_of_byte(value), Position::new(1, 10));
        let inside = text.find('𝒜').expect("the letter") + 1;
        assert_eq!(
            utf8.position_of_byte(inside),
            Position::new(1, 3),
            "inside a character: its start"
        );
    }

    /// The conversions by the obvious scan from the start of the text, which the index must
    /// agree with everywhere.
    mod scan {
        use super::*;

        fn lines(text: &str) -> Vec<&str> {
            text.split('\n').collect()
        }

        pub fn position(text: &str, encoding: Encoding, line: usize, column: usize) -> Position {
            let bom = text.starts_with('\u{feff}');
            let stripped = text.strip_prefix('\u{feff}').unwrap_or(text);
            let all = lines(stripped);
            let index = line.saturating_sub(1).min(all.len() - 1);
            let mut offset: u32 = all[index]
                .chars()
                .take(column.saturating_sub(1))
                .map(|c| encoding.width(c))
                .sum();
            if bom && index == 0 {
                offset += encoding.width('\u{feff}');
            }
            Position::new(index as u32, offset)
        }

        pub fn position_of_byte(text: &str, encoding: Encoding, offset: usize) -> Position {
            let mut offset = offset.min(text.len());
            while !text.is_char_boundary(offset) {
                offset -= 1;
            }
            let before = &text[..offset];
            let line = before.matches('\n').count();
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            let column = before[line_start..].chars().map(|c| encoding.width(c)).sum();
            Position::new(line as u32, column)
        }

        pub fn byte_of(text: &str, encoding: Encoding, position: Position) -> usize {
            if position.line as usize >= lines(text).len() {
                return text.len();
            }
            let line_start: usize = text
                .split_inclusive('\n')
                .take(position.line as usize)
                .map(str::len)
                .sum();
            let mut units = 0;
            for (i, c) in text[line_start..].char_indices() {
                if units >= position.character || c == '\n' {
                    return line_start + i;
                }
                units += encoding.width(c);
            }
            text.len()
        }
    }

    /// Texts with lines many strides long, characters of one to four bytes (two UTF-16 units
    /// outside the Basic Multilingual Plane), CRLF and LF, empty lines and a byte-order mark.
    fn texts() -> Vec<String> {
        let pieces = ["a", "é", "中", "𝒜", "\r\n", "\n", " ", "\"", "\r"];
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut texts = vec![String::new(), "\u{feff}".to_owned(), "\n\n".to_owned()];
        for length in [10, 200, 1000] {
            for bom in [false, true] {
                let mut text = if bom { "\u{feff}".to_owned() } else { String::new() };
                for _ in 0..length {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    // Mostly one line: newlines are rare, so that lines outgrow a stride.
                    let pick = (state % 100) as usize;
                    text.push_str(pieces[if pick < 97 { pick % 4 } else { 4 + pick % 5 }]);
                }
                texts.push(text);
            }
        }
        texts
    }

    #[test]
    fn the_index_agrees_with_a_scan_from_the_start_everywhere() {
        for text in texts() {
            for encoding in [Encoding::Utf8, Encoding::Utf16] {
                let lines = Lines::new(&text, encoding);
                let count = text.split('\n').count();
                for line in 1..=count + 1 {
                    let longest = text.split('\n').nth(line - 1).map_or(0, |l| l.chars().count());
                    for column in 0..=longest + 2 {
                        assert_eq!(
                            lines.position(line, column),
                            scan::position(&text, encoding, line, column),
                            "{encoding:?} line {line} column {column} of {text:?}"
                        );
                    }
                }
                for offset in 0..=text.len() + 1 {
                    let position = lines.position_of_byte(offset);
                    assert_eq!(
                        position,
                        scan::position_of_byte(&text, encoding, offset),
                        "{encoding:?} byte {offset}"
                    );
                    assert_eq!(lines.byte_of(position), scan::byte_of(&text, encoding, position));
                }
                for line in 0..=count as u32 {
                    for character in 0..200 {
                        let position = Position::new(line, character);
                        assert_eq!(
                            lines.byte_of(position),
                            scan::byte_of(&text, encoding, position),
                            "{encoding:?} {position:?}"
                        );
                    }
                }
            }
        }
    }
}
