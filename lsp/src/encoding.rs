//! Positions in the client's terms. The linter places a finding by line and column in
//! characters; LSP counts columns in the encoding the client and server agree on (LSP 3.17):
//! UTF-8 when the client offers it, else UTF-16, which every client supports.

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

/// A document's text, indexed by line, to turn the linter's places into LSP positions.
pub struct Lines<'a> {
    lines: Vec<&'a str>,
    /// The text starts with a byte-order mark, which the linter does not count and the
    /// client's columns do.
    bom: bool,
    encoding: Encoding,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str, encoding: Encoding) -> Self {
        let bom = text.starts_with('\u{feff}');
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        Lines {
            lines: text.split('\n').collect(),
            bom,
            encoding,
        }
    }

    /// The position before the `column`th character (1-based) of line `line` (1-based);
    /// a column past the end of the line is the line's end.
    pub fn position(&self, line: usize, column: usize) -> Position {
        let index = line.saturating_sub(1).min(self.lines.len().saturating_sub(1));
        let text = self.lines.get(index).copied().unwrap_or_default();
        let mut offset: u32 = text
            .chars()
            .take(column.saturating_sub(1))
            .map(|c| self.encoding.width(c))
            .sum();
        if self.bom && index == 0 {
            offset += self.encoding.width('\u{feff}');
        }
        Position::new(index as u32, offset)
    }

    /// The position of a byte offset of the whole text (a byte-order mark counts, as in a
    /// fix's offsets); an offset inside a character is that character's start.
    pub fn position_of_byte(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line = before.matches('\n').count();
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().map(|c| self.encoding.width(c)).sum();
        Position::new(line as u32, column)
    }

    /// The byte offset of a position in the whole text (the inverse of
    /// [`Lines::position_of_byte`]); a position past a line's end is that line's end.
    pub fn byte_of(&self, text: &str, position: Position) -> usize {
        let line_start: usize = text
            .split_inclusive('\n')
            .take(position.line as usize)
            .map(str::len)
            .sum();
        let line_start = line_start.min(text.len());
        let mut units = 0;
        for (i, c) in text[line_start..].char_indices() {
            if units >= position.character || c == '\n' {
                return line_start + i;
            }
            units += self.encoding.width(c);
        }
        text.len()
    }

    /// The position after the whole text.
    pub fn end(&self, text: &str) -> Position {
        self.position_of_byte(text, text.len())
    }

    /// The range of the characters `start..=end` (the linter's ends are inclusive).
    pub fn range(&self, start: (usize, usize), end: (usize, usize)) -> Range {
        Range::new(self.position(start.0, start.1), self.position(end.0, end.1 + 1))
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
        assert_eq!(lines.position_of_byte(text, 0), Position::new(0, 0));
        assert_eq!(lines.position_of_byte(text, 3), Position::new(0, 1), "after the mark");
        let value = text.find(": 1").expect("value") + 2;
        // Two spaces, a quote, 𝒜 (two units), a quote, the colon and a space.
        assert_eq!(lines.position_of_byte(text, value), Position::new(1, 8));
        assert_eq!(lines.position_of_byte(text, value + 1000), lines.end(text));
        assert_eq!(lines.end(text), Position::new(2, 1));
        let utf8 = Lines::new(text, Encoding::Utf8);
        assert_eq!(utf8.position_of_byte(text, value), Position::new(1, 10));
        let inside = text.find('𝒜').expect("the letter") + 1;
        assert_eq!(
            utf8.position_of_byte(text, inside),
            Position::new(1, 3),
            "inside a character: its start"
        );
    }
}
