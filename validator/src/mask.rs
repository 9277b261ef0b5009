//! What reports may quote of a file: its text with the value of every secret member masked.
//!
//! A member is secret when [`looks_secret`] says so: its name is a secret member's name, or
//! one the linter would suggest renaming to one (`adminPass`, `admin_pass`, `adminpas`), at
//! any depth, in a document that parsed or not (the parse reads on after an error, and what
//! it could not read at all is masked but for its brackets). Its whole value is masked whatever its type:
//! a string's text becomes [`MASK`] between its quotes, any other value (a number, `true`, an
//! array, an object) becomes [`MASK`] itself. The mask never depends on the value, so it tells
//! nothing of the length. A placeholder (`"$ADMIN_PASS"`) is no secret and stays as written,
//! as does `null`, which holds nothing (both as in `changeos render`).
//!
//! Line breaks inside a masked value are kept, so that every line keeps its number; columns
//! after a mask move, and [`MaskedSource::columns`] maps a file's columns to the masked line,
//! so that a caret still points at what a finding is about.

use std::ops::Range;
use std::sync::OnceLock;

use changeos_runtime::canonical::looks_secret;
use changeos_runtime::json::{Json, Node, Span};
use changeos_runtime::placeholder::is_placeholder;
use changeos_runtime::pointer::Pointer;
use changeos_runtime::shape::Step;

use crate::Operation;
use crate::parse::{Parsed, parse};

/// What stands in for a secret value in quoted text.
pub const MASK: &str = "****";

/// A file's text with every secret value masked (see the module documentation), and where
/// the masks stand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaskedSource {
    text: String,
    /// Byte offsets of the starts of the lines of `text`.
    line_starts: Vec<usize>,
    /// The masks' pieces, one per line they touch, in text order.
    masks: Vec<Piece>,
}

/// The part of one line that a mask replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Piece {
    line: usize,
    /// Columns (1-based, in characters) of the file's line: the first replaced, the first
    /// kept after it (`usize::MAX`: the rest of the line).
    start: usize,
    end: usize,
    /// How many characters stand in their place in the masked line.
    width: usize,
    /// How many characters the masks before it on its line added (removed, when negative).
    shift: isize,
}

impl Piece {
    /// The shift of what follows it on its line.
    fn shift_after(&self) -> isize {
        let replaced = self.end.saturating_sub(self.start);
        self.shift + self.width as isize - replaced as isize
    }
}

impl MaskedSource {
    /// `text` (the file after any byte-order mark) masked for `operation`'s secret members.
    pub fn new(operation: Operation, text: &str) -> MaskedSource {
        MaskedSource::parsed(operation, text, &parse(text))
    }

    /// The same, for a text already parsed into `parsed`.
    pub fn parsed(operation: Operation, text: &str, parsed: &Parsed<'_>) -> MaskedSource {
        let (text, masks) = mask(text, &secret_ranges(secret_names(operation), text, parsed));
        let line_starts = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|at| at + 1))
            .collect();
        MaskedSource {
            text,
            line_starts,
            masks,
        }
    }

    /// The whole masked text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Line `line` (1-based) of the masked text, without its line break; as [`str::lines`]
    /// counts them, so an empty text has none and a final line break starts none.
    pub fn line(&self, line: usize) -> Option<&str> {
        let start = *self.line_starts.get(line.checked_sub(1)?)?;
        if start >= self.text.len() {
            return None;
        }
        let end = self.line_starts.get(line).map_or(self.text.len(), |next| next - 1);
        let text = &self.text[start..end];
        Some(text.strip_suffix('\r').unwrap_or(text))
    }

    /// Where the file's columns `start..=end` (1-based, in characters) of `line` fall in the
    /// masked line: moved by the masks before them; a column inside a mask falls on it (its
    /// first character for `start`, its last for `end`).
    pub fn columns(&self, line: usize, start: usize, end: usize) -> (usize, usize) {
        let first = self.masks.partition_point(|p| p.line < line);
        let count = self.masks[first..].partition_point(|p| p.line == line);
        let pieces = &self.masks[first..first + count];
        let start = map_column(pieces, start, false).max(1);
        let end = map_column(pieces, end, true).max(start);
        (start, end)
    }
}

/// Where `column` of the file falls in a masked line whose masks are `pieces`: inside a mask,
/// on its first character (its last for `last`), after one moved by the masks before it.
fn map_column(pieces: &[Piece], column: usize, last: bool) -> usize {
    let before = pieces.partition_point(|p| p.start <= column);
    let Some(piece) = before.checked_sub(1).map(|i| &pieces[i]) else {
        return column;
    };
    let masked_start = piece.start.saturating_add_signed(piece.shift);
    if column < piece.end {
        if last {
            masked_start + piece.width.max(1) - 1
        } else {
            masked_start
        }
    } else {
        column.saturating_add_signed(piece.shift_after())
    }
}

/// `text` with every secret value masked (see [`MaskedSource`]): what `--diff` shows.
pub(crate) fn redact_secrets(operation: Operation, text: &str) -> String {
    MaskedSource::new(operation, text).text
}

/// Whether a member at `pointer` is secret or lies inside one: one of its names looks secret.
pub(crate) fn is_secret_pointer(operation: Operation, pointer: &Pointer) -> bool {
    let names = secret_names(operation);
    pointer.tokens().any(|token| looks_secret(&token, names))
}

/// What the shape of `operation`'s body says of its secrets, read out of it once per
/// process rather than once per file.
pub(crate) struct Secrets {
    /// The folded names (see [`looks_secret`]).
    pub names: Vec<String>,
    /// The path to each secret member.
    pub paths: Vec<Vec<Step>>,
}

pub(crate) fn secrets(operation: Operation) -> &'static Secrets {
    static SECRETS: OnceLock<Vec<(Operation, Secrets)>> = OnceLock::new();
    let all = SECRETS.get_or_init(|| {
        Operation::ALL
            .iter()
            .map(|op| {
                let secrets = Secrets {
                    names: op.shape().secret_names(),
                    paths: op.shape().secret_paths(),
                };
                (*op, secrets)
            })
            .collect()
    });
    let found = all.iter().find(|(op, _)| *op == operation);
    // Every operation is in `Operation::ALL`.
    found.map_or(&all[0].1, |(_, secrets)| secrets)
}

fn secret_names(operation: Operation) -> &'static [String] {
    &secrets(operation).names
}

/// The byte ranges to mask in `text`, in text order (see [`MaskedSource`]).
fn secret_ranges(names: &[String], text: &str, parsed: &Parsed<'_>) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    for node in parsed.values() {
        secrets_in(node, names, text, &mut ranges);
    }
    if let Some(unread) = parsed.unread {
        unread_words(text, unread, &mut ranges);
    }
    ranges
}

/// The ranges of the secret values inside `node`; a secret's value is not looked into.
fn secrets_in(node: &Node<'_>, names: &[String], text: &str, out: &mut Vec<Range<usize>>) {
    match &node.value {
        Json::Object(object) => {
            for member in object.members() {
                if looks_secret(&member.name, names) {
                    out.extend(masked_part(text, member.node.span));
                } else {
                    secrets_in(&member.node, names, text, out);
                }
            }
        }
        Json::Array(items) => items.iter().for_each(|item| secrets_in(item, names, text, out)),
        _ => {}
    }
}

/// What to mask of a secret's value written at `span`: a string's text between its quotes
/// (to the end of the value when it is not closed), any other value whole; nothing for a
/// placeholder, `null` or a value that is not there.
fn masked_part(text: &str, span: Span) -> Option<Range<usize>> {
    let written = &text[span.range()];
    if written.is_empty() || written == "null" {
        return None;
    }
    let Some(inside) = written.strip_prefix('"') else {
        return Some(span.range());
    };
    let inside = match inside.strip_suffix('"') {
        // Closed, unless that quote is escaped: a string not closed on its line ends there.
        Some(closed) if (closed.len() - closed.trim_end_matches('\\').len()) % 2 == 0 => closed,
        _ => inside,
    };
    // A placeholder names a value supplied at send time and is no secret: shown as written,
    // it tells the reader (and a --diff hunk for `patch`) what is there.
    if is_placeholder(inside) {
        return None;
    }
    let start = span.start as usize + 1;
    Some(start..start + inside.len())
}

/// Text the parse did not read: every word in it is masked, brackets and punctuation kept, as
/// nothing tells what is a secret there.
fn unread_words(text: &str, unread: Span, out: &mut Vec<Range<usize>>) {
    let bytes = text.as_bytes();
    let mut at = unread.start as usize;
    let end = (unread.end as usize).min(bytes.len());
    while at < end {
        if is_structure(bytes[at]) {
            at += 1;
            continue;
        }
        let start = at;
        while at < end && !is_structure(bytes[at]) {
            at += 1;
        }
        out.push(start..at);
    }
}

fn is_structure(byte: u8) -> bool {
    matches!(
        byte,
        b'[' | b']' | b'{' | b'}' | b',' | b':' | b' ' | b'\t' | b'\n' | b'\r'
    )
}

/// `text` with `ranges` (in text order) masked, and the pieces of its masks.
fn mask(text: &str, ranges: &[Range<usize>]) -> (String, Vec<Piece>) {
    let mut out = String::with_capacity(text.len());
    let mut pieces = Vec::new();
    let mut place = Place::default();
    let mut copied = 0;
    for range in ranges {
        out.push_str(&text[copied..range.start]);
        let (line, column) = place.advance(text, range.start);
        out.push_str(MASK);
        let replaced = &text[range.clone()];
        let breaks = memchr::memchr_iter(b'\n', replaced.as_bytes()).count();
        if breaks == 0 {
            let end = column + replaced.chars().count();
            push(&mut pieces, line, column, end, MASK.len());
        } else {
            push(&mut pieces, line, column, usize::MAX, MASK.len());
            // Each line break of the value is kept (as `\r\n` where the file has one).
            for (at, _) in replaced.match_indices('\n') {
                if replaced[..at].ends_with('\r') {
                    out.push('\r');
                }
                out.push('\n');
            }
            for offset in 1..breaks {
                push(&mut pieces, line + offset, 1, usize::MAX, 0);
            }
            let last = replaced.rsplit('\n').next().unwrap_or_default();
            push(&mut pieces, line + breaks, 1, 1 + last.chars().count(), 0);
        }
        copied = range.end;
    }
    out.push_str(&text[copied..]);
    (out, pieces)
}

/// Adds the piece of a mask on `line`, with the shift of the masks before it there.
fn push(pieces: &mut Vec<Piece>, line: usize, start: usize, end: usize, width: usize) {
    let shift = pieces.last().filter(|p| p.line == line).map_or(0, Piece::shift_after);
    pieces.push(Piece {
        line,
        start,
        end,
        width,
        shift,
    });
}

/// The line and column of offsets met in increasing order, counted from where the last one
/// was, so that finding every mask's place costs one pass over the text.
struct Place {
    offset: usize,
    line: usize,
    column: usize,
}

impl Default for Place {
    fn default() -> Self {
        Place {
            offset: 0,
            line: 1,
            column: 1,
        }
    }
}

impl Place {
    fn advance(&mut self, text: &str, offset: usize) -> (usize, usize) {
        let between = &text.as_bytes()[self.offset..offset];
        match memchr::memrchr(b'\n', between) {
            Some(last) => {
                self.line += memchr::memchr_iter(b'\n', between).count();
                self.column = 1 + text[self.offset + last + 1..offset].chars().count();
            }
            None => self.column += text[self.offset..offset].chars().count(),
        }
        self.offset = offset;
        (self.line, self.column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const V2: Operation = Operation::ChangeServerOsWithCloudInit;

    fn masked(text: &str) -> String {
        redact_secrets(V2, text)
    }

    #[test]
    fn strings_are_masked_between_their_quotes() {
        assert_eq!(masked(r#"{"adminpass": "Pa55-é!"}"#), r#"{"adminpass": "****"}"#);
        assert_eq!(
            masked("{\"adminpass\" :\n  \"a\\\"b\", \"x\": \"adminpass\"}"),
            "{\"adminpass\" :\n  \"****\", \"x\": \"adminpass\"}"
        );
        assert_eq!(masked(r#"{"admin\u0070ass": "x"}"#), r#"{"admin\u0070ass": "****"}"#);
        assert_eq!(masked(r#"{"adminpass": ""}"#), r#"{"adminpass": "****"}"#);
        // Not closed on its line: masked to the end of it.
        assert_eq!(
            masked("{\"adminpass\": \"Pa55 not closed\n}"),
            "{\"adminpass\": \"****\n}"
        );
    }

    #[test]
    fn the_mask_says_nothing_of_the_length() {
        let short = masked(r#"{"adminpass": "Ab1!", "adminPass": 1, "admin_pass": ["a"]}"#);
        let long =
            masked(r#"{"adminpass": "Abcdefgh-12345678!", "adminPass": 123456789012, "admin_pass": ["abc", "defgh"]}"#);
        assert_eq!(short, long);
        assert_eq!(short, r#"{"adminpass": "****", "adminPass": ****, "admin_pass": ****}"#);
    }

    #[test]
    fn every_type_is_masked_whole() {
        assert_eq!(masked(r#"{"adminpass": 12345678}"#), r#"{"adminpass": ****}"#);
        assert_eq!(masked(r#"{"adminpass": true }"#), r#"{"adminpass": **** }"#);
        assert_eq!(
            masked(r#"{"adminpass": {"x": "Obj.Pass-1", "y": [1, "]"]}, "adminpass": ["Arr.Pass-2"], "k": 1}"#),
            r#"{"adminpass": ****, "adminpass": ****, "k": 1}"#
        );
        assert_eq!(
            masked("{\"adminpass\": 'Single quoted', \"k\": 1}"),
            "{\"adminpass\": ****, \"k\": 1}"
        );
        // Never closed: masked to the end.
        assert_eq!(
            masked("{\"adminpass\": [\"Open.Pass-3\", \n\"x\""),
            "{\"adminpass\": ****\n"
        );
        // `null` holds nothing: shown, as `changeos render` shows it.
        assert_eq!(masked(r#"{"adminpass": null}"#), r#"{"adminpass": null}"#);
    }

    #[test]
    fn near_miss_names_are_secrets_too() {
        // Whatever the linter would suggest renaming to `adminpass`: case, `-`, `_`, a few edits.
        for name in [
            "adminPass",
            "ADMIN_PASS",
            "admin-pass",
            "adminpas",
            "admnpass",
            "adminpass1",
        ] {
            let text = format!(r#"{{"{name}": "Near.Pass-1", "admin": "x"}}"#);
            assert_eq!(masked(&text), format!(r#"{{"{name}": "****", "admin": "x"}}"#));
        }
        for name in ["admin", "password", "adminpassword"] {
            let text = format!(r#"{{"{name}": "shown"}}"#);
            assert_eq!(masked(&text), text);
        }
    }

    #[test]
    fn placeholders_are_shown_as_written() {
        assert_eq!(
            masked(r#"{"adminpass": "$ADMIN_PASS", "adminPass": "${PASS}", "admin_pass": "$x y"}"#),
            r#"{"adminpass": "$ADMIN_PASS", "adminPass": "${PASS}", "admin_pass": "****"}"#
        );
    }

    #[test]
    fn line_breaks_inside_a_value_are_kept() {
        let text = "{\r\n  \"adminpass\": [\r\n    \"Arr.Pass-1\",\r\n    \"b\"\r\n  ], \"imageid\": 5\r\n}";
        let source = MaskedSource::new(V2, text);
        assert_eq!(
            source.text(),
            "{\r\n  \"adminpass\": ****\r\n\r\n\r\n, \"imageid\": 5\r\n}"
        );
        assert_eq!(source.line(2), Some("  \"adminpass\": ****"));
        assert_eq!(source.line(3), Some(""));
        assert_eq!(source.line(5), Some(", \"imageid\": 5"));
        assert_eq!(source.line(6), Some("}"));
        assert_eq!(source.line(7), None);
        assert_eq!(source.line(0), None);
        // `"imageid"` is at columns 6 to 14 of line 5 in the file; `]` was at column 3.
        assert_eq!(source.columns(5, 6, 14), (3, 11));
        assert_eq!(source.columns(5, 3, 3), (1, 1));
        assert_eq!(source.columns(2, 3, 13), (3, 13));
        assert_eq!(source.columns(2, 16, 16), (16, 19));
    }

    #[test]
    fn columns_after_masks_move_to_what_follows_them() {
        let text = r#"{"adminpass": "Very.Long-Password-1", "adminPass": 1234567890, "imageid": 5}"#;
        let source = MaskedSource::new(V2, text);
        let line = source.line(1).unwrap();
        assert_eq!(line, r#"{"adminpass": "****", "adminPass": ****, "imageid": 5}"#);
        let column = |needle: &str| text.find(needle).unwrap() + 1;
        let shown =
            |(start, end): (usize, usize)| line.chars().skip(start - 1).take(end + 1 - start).collect::<String>();
        // What the file has at a column is what the masked line has at the column it maps to.
        for needle in ["\"imageid\"", "\"adminPass\"", "\"adminpass\"", "5}"] {
            let start = column(needle);
            let end = start + needle.chars().count() - 1;
            assert_eq!(shown(source.columns(1, start, end)), needle);
        }
        // Inside a mask: the mask.
        let inside = column("Long");
        assert_eq!(shown(source.columns(1, inside, inside + 3)), "****");
        assert_eq!(shown(source.columns(1, column("1234"), column("1234"))), "****");
        // From a key through its masked value: the key and the whole mask.
        assert_eq!(
            shown(source.columns(1, column("\"adminPass\""), column("1234") + 9)),
            "\"adminPass\": ****"
        );
    }

    #[test]
    fn lines_are_counted_as_str_lines_counts_them() {
        for text in ["", "\n", "  \n\n", "{}\n", "{}", "{\r\n}\r\n", "a\n\nb"] {
            let source = MaskedSource::new(V2, text);
            let lines: Vec<&str> = (1..=text.len() + 1).map_while(|n| source.line(n)).collect();
            assert_eq!(lines, text.lines().collect::<Vec<_>>(), "{text:?}");
        }
    }

    #[test]
    fn a_line_without_masks_keeps_its_columns() {
        let source = MaskedSource::new(V2, "{\n  \"imageid\": 5\n}");
        assert_eq!(source.columns(2, 3, 11), (3, 11));
        assert_eq!(source.text(), "{\n  \"imageid\": 5\n}");
    }

    #[test]
    fn long_files_are_masked_in_one_pass() {
        // Many masks on one line, many lines: places are counted incrementally.
        let one = r#"{"adminpass": "Pa55-é!", "x": "é"}, "#;
        let text = format!("[{}\n{}]", one.repeat(20_000), one.repeat(20_000));
        let source = MaskedSource::new(V2, &text);
        assert!(!source.text().contains("Pa55"));
        let expected = r#"{"adminpass": "****", "x": "é"}, "#;
        assert_eq!(source.line(2), Some(format!("{}]", expected.repeat(20_000)).as_str()));
        // The `"x"` of the k-th object of line 2, in the file and in the masked line.
        let x_at = |segment: &str, k: usize| {
            let before = &segment[..segment.find("\"x\"").unwrap()];
            k * segment.chars().count() + before.chars().count() + 1
        };
        for k in [0, 1, 777, 19_999] {
            let (start, end) = source.columns(2, x_at(one, k), x_at(one, k) + 2);
            assert_eq!((start, end), (x_at(expected, k), x_at(expected, k) + 2), "{k}");
        }
    }
}
