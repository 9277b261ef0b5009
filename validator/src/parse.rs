//! The one reader of payload text: a pass that builds the tree every consumer uses
//! ([`changeos_runtime::json`]: values and member names with their byte spans), notes
//! repeated names and content after the document, and reports the first syntax error with
//! its exact position and what was expected.
//!
//! Ours rather than a crate's: serde_json keeps no spans and drops repeated names, and
//! `jsonc-parser` (measured in bench/RESULTS.md) builds a token list and an AST of its own that
//! would still have to be turned into the linter's values; neither reads on after an error.
//! The grammar is RFC 8259's, and errors are serde_json's, word for word and at the same
//! place (a property test holds the two together), so that `check` says what it always said.
//!
//! After the first error the parse goes on, leniently, to the end of the text: every member
//! that can still be made out (single-quoted or unclosed strings, bare words, missing commas)
//! goes into the tree, so that secrets are masked in a broken file too and an editor can
//! place what it can. The error is reported; the rest of the tree is only for that.

use std::borrow::Cow;

use changeos_runtime::json::{Json, Member, Node, Object, Span};
use serde_json::Number;

/// A parsed text (without a byte-order mark).
#[derive(Debug)]
pub struct Parsed<'a> {
    /// The document's value; `None` when the text holds none. With an error it is what could
    /// be made out, not the document.
    pub root: Option<Node<'a>>,
    /// Values after the document's: trailing content, read the same way.
    pub after: Vec<Node<'a>>,
    /// Text that was not read into any value (nested deeper than the limit).
    pub unread: Option<Span>,
    /// The first error.
    pub error: Option<ParseError>,
    /// Byte offset of content after the document, in a text that has no error.
    pub trailing: Option<usize>,
    /// Whether some object has a name more than once.
    pub repeats: bool,
}

impl<'a> Parsed<'a> {
    /// The document's value when the text is exactly one JSON document, maybe with trailing
    /// content after it.
    pub fn document(&self) -> Option<&Node<'a>> {
        self.root.as_ref().filter(|_| self.error.is_none())
    }

    /// Every value read: the document's and those after it.
    pub fn values(&self) -> impl Iterator<Item = &Node<'a>> {
        self.root.iter().chain(&self.after)
    }
}

/// Why the text is not JSON, and where (1-based; column in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// Whether the text breaks the JSON grammar. When not, it is JSON that holds a value no
    /// parser can read as it is meant: a number beyond the range of a 64-bit float (`1e400`),
    /// half of a UTF-16 pair (`"\ud800"`).
    pub syntax: bool,
}

/// How deep arrays and objects may nest: serde_json refuses the 128th level, and a tree
/// deeper than that would be dropped by recursion.
pub const MAX_DEPTH: usize = 127;

/// Parses `text` (without a byte-order mark).
pub fn parse(text: &str) -> Parsed<'_> {
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        depth: 0,
        error: None,
        recording: true,
        members: Vec::new(),
        repeats: false,
        unread: None,
    };
    parser.skip_ws();
    let root = if parser.at_end() {
        parser.fail_peek(EOF_VALUE);
        None
    } else {
        Some(parser.value())
    };
    parser.skip_ws();
    let trailing = (!parser.at_end() && parser.error.is_none()).then_some(parser.pos);
    // Whatever follows is read for masking only: it never makes an error of its own.
    parser.recording = false;
    let mut after = Vec::new();
    while !parser.at_end() {
        let before = parser.pos;
        after.push(parser.value());
        if parser.pos == before {
            parser.bare_word(); // a closing bracket or a comma with nothing open
        }
        parser.skip_ws();
    }
    Parsed {
        root,
        after,
        unread: parser.unread,
        error: parser.error,
        trailing,
        repeats: parser.repeats,
    }
}

// serde_json's messages.
const EOF_LIST: &str = "EOF while parsing a list";
const EOF_OBJECT: &str = "EOF while parsing an object";
const EOF_STRING: &str = "EOF while parsing a string";
const EOF_VALUE: &str = "EOF while parsing a value";
const EXPECTED_COLON: &str = "expected `:`";
const EXPECTED_LIST_COMMA_OR_END: &str = "expected `,` or `]`";
const EXPECTED_OBJECT_COMMA_OR_END: &str = "expected `,` or `}`";
const EXPECTED_IDENT: &str = "expected ident";
const EXPECTED_VALUE: &str = "expected value";
const INVALID_ESCAPE: &str = "invalid escape";
const INVALID_NUMBER: &str = "invalid number";
const CONTROL_CHARACTER: &str = "control character (\\u0000-\\u001F) found while parsing a string";
const KEY_MUST_BE_A_STRING: &str = "key must be a string";
const TRAILING_COMMA: &str = "trailing comma";
const RECURSION_LIMIT: &str = "recursion limit exceeded";

const NUMBER_OUT_OF_RANGE: &str = "number out of range: the number here is valid JSON, but larger in magnitude than \
     the largest 64-bit floating-point number (about 1.8e308), the most that changeos, like most JSON parsers, can read";
const LONE_SURROGATE: &str = "lone surrogate: this `\\u` escape is one half of a UTF-16 pair (`\\ud800` to `\\udfff`; \
     `\\ud83d\\ude00` is one character) without its other half, so the string is no Unicode text";

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// Open arrays and objects.
    depth: usize,
    error: Option<ParseError>,
    /// Whether errors are recorded: not in what follows the document.
    recording: bool,
    /// Members of the objects being read, innermost last: each object takes its own off the
    /// end, in a vector of exactly their number.
    members: Vec<Member<'a>>,
    repeats: bool,
    unread: Option<Span>,
}

impl<'a> Parser<'a> {
    fn value(&mut self) -> Node<'a> {
        self.skip_ws();
        let start = self.pos;
        let value = match self.peek() {
            None => {
                self.fail_peek(EOF_VALUE);
                Json::Null
            }
            Some(b'{') => return self.container(Self::object),
            Some(b'[') => return self.container(Self::array),
            Some(b'"') => self.string(),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b'n') => self.literal(b"null", Json::Null),
            Some(b't') => self.literal(b"true", Json::Bool(true)),
            Some(b'f') => self.literal(b"false", Json::Bool(false)),
            Some(b',' | b'}' | b']') => {
                // Left for the array or object around it, which knows what to do with it.
                self.fail_peek(EXPECTED_VALUE);
                Json::Null
            }
            Some(b'\'') => {
                self.fail_peek(EXPECTED_VALUE);
                self.single_quoted();
                Json::Null
            }
            Some(_) => {
                self.fail_peek(EXPECTED_VALUE);
                self.bare_word();
                Json::Null
            }
        };
        Node {
            span: Span::new(start, self.pos),
            value,
        }
    }

    /// An array or object at the current bracket, one level deeper. Past the limit the rest of
    /// the text is left unread: a tree that deep could not even be dropped safely.
    fn container(&mut self, read: fn(&mut Self) -> Json<'a>) -> Node<'a> {
        let start = self.pos;
        if self.depth == MAX_DEPTH {
            self.fail_peek(RECURSION_LIMIT);
            self.unread = Some(Span::new(start, self.bytes.len()));
            self.pos = self.bytes.len();
            return Node {
                span: Span::new(start, start),
                value: Json::Null,
            };
        }
        self.depth += 1;
        self.pos += 1;
        let value = read(self);
        self.depth -= 1;
        Node {
            span: Span::new(start, self.pos),
            value,
        }
    }

    fn object(&mut self) -> Json<'a> {
        let first_member = self.members.len();
        let mut after_comma = false;
        loop {
            // Where a member name is expected.
            self.skip_ws();
            let key_start = self.pos;
            let name = match self.peek() {
                None => {
                    self.fail_peek(if after_comma { EOF_VALUE } else { EOF_OBJECT });
                    break;
                }
                Some(b'}') => {
                    if after_comma {
                        self.fail_peek(TRAILING_COMMA);
                    }
                    self.pos += 1;
                    break;
                }
                Some(b'"') => match self.string() {
                    Json::String(name) => name,
                    _ => Cow::Borrowed(""),
                },
                Some(byte) => {
                    self.fail_peek(KEY_MUST_BE_A_STRING);
                    match byte {
                        b']' => {
                            self.pos += 1;
                            break;
                        }
                        b',' => {
                            self.pos += 1;
                            after_comma = true;
                            continue;
                        }
                        b'\'' => {
                            self.single_quoted();
                            Cow::Borrowed(self.text[key_start + 1..self.pos].trim_end_matches('\''))
                        }
                        _ if is_delimiter(byte) => {
                            self.value(); // a value where a name should be: read, and dropped
                            after_comma = false;
                            continue;
                        }
                        _ => {
                            // A name without quotes, as JavaScript writes them.
                            self.bare_word();
                            Cow::Borrowed(&self.text[key_start..self.pos])
                        }
                    }
                }
            };
            let key = Span::new(key_start, self.pos);
            self.skip_ws();
            let node = match self.peek() {
                Some(b':') => {
                    self.pos += 1;
                    self.value()
                }
                None => {
                    self.fail_peek(EOF_OBJECT);
                    self.members.push(Member::new(name, key, missing(self.pos)));
                    break;
                }
                Some(b',' | b'}') => {
                    self.fail_peek(EXPECTED_COLON);
                    missing(self.pos)
                }
                Some(_) => {
                    self.fail_peek(EXPECTED_COLON);
                    self.value()
                }
            };
            self.members.push(Member::new(name, key, node));
            // After a member.
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    after_comma = true;
                }
                Some(b'}') => {
                    self.pos += 1;
                    break;
                }
                None => {
                    self.fail_peek(EOF_OBJECT);
                    break;
                }
                Some(b']') => {
                    self.fail_peek(EXPECTED_OBJECT_COMMA_OR_END);
                    self.pos += 1;
                    break;
                }
                Some(_) => {
                    // A missing comma: the next member starts here.
                    self.fail_peek(EXPECTED_OBJECT_COMMA_OR_END);
                    after_comma = true;
                }
            }
        }
        let members: Vec<Member<'a>> = self.members.drain(first_member..).collect();
        let (object, repeats) = Object::from_members(members);
        self.repeats |= repeats;
        Json::Object(object)
    }

    fn array(&mut self) -> Json<'a> {
        let mut items = Vec::new();
        let mut after_comma = false;
        loop {
            // Where an element is expected.
            self.skip_ws();
            match self.peek() {
                None => {
                    self.fail_peek(if after_comma { EOF_VALUE } else { EOF_LIST });
                    break;
                }
                Some(b']') => {
                    if after_comma {
                        self.fail_peek(TRAILING_COMMA);
                    }
                    self.pos += 1;
                    break;
                }
                Some(_) => items.push(self.value()),
            }
            // After an element.
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    after_comma = true;
                }
                Some(b']') => {
                    self.pos += 1;
                    break;
                }
                None => {
                    self.fail_peek(EOF_LIST);
                    break;
                }
                Some(b'}') => {
                    self.fail_peek(EXPECTED_LIST_COMMA_OR_END);
                    self.pos += 1;
                    break;
                }
                Some(_) => {
                    // A missing comma: the next element starts here.
                    self.fail_peek(EXPECTED_LIST_COMMA_OR_END);
                    after_comma = false;
                }
            }
        }
        // Room a large array does not use is given back: a 12 MiB text of tiny values must not
        // keep up to twice their room.
        items.shrink_to_fit();
        Json::Array(items)
    }

    /// The string at the current `"`. One that is not closed on its line ends there.
    fn string(&mut self) -> Json<'a> {
        self.pos += 1;
        let mut decoded: Option<String> = None;
        let mut copied = self.pos;
        loop {
            let rest = &self.bytes[self.pos..];
            // Strings are most of a payload's bytes (user data is base64): jump to the next
            // quote or backslash, then look for control characters in what was jumped over.
            let stop = memchr::memchr2(b'"', b'\\', rest).unwrap_or(rest.len());
            if let Some(control) = first_control(&rest[..stop]) {
                self.pos += control;
                self.fail_at(self.pos + 1, CONTROL_CHARACTER);
                if self.bytes[self.pos] == b'\n' {
                    break self.end_string(copied, decoded);
                }
                self.pos += 1;
                continue;
            }
            self.pos += stop;
            match self.peek() {
                None => {
                    self.fail_at(self.bytes.len(), EOF_STRING);
                    break self.end_string(copied, decoded);
                }
                Some(b'"') => {
                    let string = self.end_string(copied, decoded);
                    self.pos += 1;
                    break string;
                }
                Some(_) => {
                    let into = decoded.get_or_insert_with(String::new);
                    into.push_str(&self.text[copied..self.pos]);
                    self.escape(into);
                    copied = self.pos;
                }
            }
        }
    }

    fn end_string(&self, copied: usize, decoded: Option<String>) -> Json<'a> {
        let tail = &self.text[copied..self.pos];
        let value = match decoded {
            None => Cow::Borrowed(tail),
            Some(mut decoded) => {
                decoded.push_str(tail);
                Cow::Owned(decoded)
            }
        };
        Json::String(value)
    }

    /// One escape at the current `\`, decoded into `into`.
    fn escape(&mut self, into: &mut String) {
        let backslash = self.pos;
        self.pos += 1;
        let Some(byte) = self.peek() else {
            self.fail_at(self.bytes.len(), EOF_STRING);
            return;
        };
        self.pos += 1;
        let simple = match byte {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => return self.unicode_escape(backslash, into),
            b'\n' => {
                // Not an escape, and the line, with the string, ends here.
                self.pos -= 1;
                self.fail_at(self.pos + 1, INVALID_ESCAPE);
                return;
            }
            _ => {
                self.fail_at(self.pos, INVALID_ESCAPE);
                // Step over the rest of a character that is more than one byte.
                while self.peek().is_some_and(|b| b & 0xC0 == 0x80) {
                    self.pos += 1;
                }
                return;
            }
        };
        into.push(simple);
    }

    /// A `\u` escape whose `\` is at `backslash` (the `u` read): one character, or a pair of
    /// escapes for one character beyond the Basic Multilingual Plane.
    fn unicode_escape(&mut self, backslash: usize, into: &mut String) {
        let Some(first) = self.hex4() else { return };
        if (0xDC00..=0xDFFF).contains(&first) {
            self.fail_exact(backslash, LONE_SURROGATE);
            return;
        }
        if !(0xD800..=0xDBFF).contains(&first) {
            into.push(char::from_u32(u32::from(first)).unwrap_or(char::REPLACEMENT_CHARACTER));
            return;
        }
        // A leading surrogate: its trailing half must follow as an escape.
        match (self.peek(), self.bytes.get(self.pos + 1)) {
            (None, _) | (Some(b'\\'), None) => {
                self.fail_at(self.bytes.len(), EOF_STRING);
                return;
            }
            (Some(b'\\'), Some(b'u')) => self.pos += 2,
            _ => {
                self.fail_exact(backslash, LONE_SURROGATE);
                return;
            }
        }
        let Some(second) = self.hex4() else { return };
        if !(0xDC00..=0xDFFF).contains(&second) {
            self.fail_exact(backslash, LONE_SURROGATE);
            return;
        }
        let code = 0x10000 + ((u32::from(first) - 0xD800) << 10) + (u32::from(second) - 0xDC00);
        into.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
    }

    /// The four hex digits after a `\u`. serde_json takes four bytes whatever they are and
    /// reports a bad one after the fourth; the parse goes on after the digits only, so that a
    /// quote among the four still ends the string.
    fn hex4(&mut self) -> Option<u16> {
        let Some(digits) = self.bytes.get(self.pos..self.pos + 4) else {
            self.fail_at(self.bytes.len(), EOF_STRING);
            self.skip_hex_digits();
            return None;
        };
        let parsed = std::str::from_utf8(digits)
            .ok()
            .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|d| u16::from_str_radix(d, 16).ok());
        match parsed {
            Some(value) => {
                self.pos += 4;
                Some(value)
            }
            None => {
                self.fail_at(self.pos + 4, INVALID_ESCAPE);
                self.skip_hex_digits();
                None
            }
        }
    }

    fn skip_hex_digits(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_hexdigit()) {
            self.pos += 1;
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, with serde_json's errors; a bad one is
    /// read on to its end, as a word.
    fn number(&mut self) -> Json<'a> {
        let start = self.pos;
        match self.number_end() {
            Ok(()) => {}
            Err((at, message)) => {
                self.fail_at(at, message);
                self.skip_word();
                return Json::Null;
            }
        }
        let text = &self.text[start..self.pos];
        match number_value(text) {
            Some(number) => Json::Number(number),
            None => {
                self.fail_exact(start, NUMBER_OUT_OF_RANGE);
                Json::Null
            }
        }
    }

    /// Moves past a number; on an error, where serde_json places it and what it says.
    fn number_end(&mut self) -> Result<(), (usize, &'static str)> {
        let end = self.bytes.len();
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            None => return Err((end, EOF_VALUE)),
            Some(b'0') => {
                self.pos += 1;
                if self.peek().is_some_and(|b| b.is_ascii_digit()) {
                    return Err((self.pos + 1, INVALID_NUMBER));
                }
            }
            Some(b'1'..=b'9') => self.digits(),
            Some(_) => return Err((self.pos + 1, INVALID_NUMBER)),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            match self.peek() {
                None => return Err((end, EOF_VALUE)),
                Some(b'0'..=b'9') => self.digits(),
                Some(_) => return Err((self.pos + 1, INVALID_NUMBER)),
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            match self.peek() {
                None => return Err((end, EOF_VALUE)),
                Some(b'0'..=b'9') => self.digits(),
                Some(_) => return Err((self.pos + 1, INVALID_NUMBER)),
            }
        }
        Ok(())
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
    }

    /// `null`, `true` or `false` at the current position; another word is an error there.
    fn literal(&mut self, word: &[u8], value: Json<'a>) -> Json<'a> {
        for expected in word {
            match self.peek() {
                None => {
                    self.fail_at(self.bytes.len(), EOF_VALUE);
                    return Json::Null;
                }
                Some(b) if b == *expected => self.pos += 1,
                Some(_) => {
                    self.fail_at(self.pos + 1, EXPECTED_IDENT);
                    self.skip_word();
                    return Json::Null;
                }
            }
        }
        value
    }

    /// Moves past a word that is no JSON value (`NaN`, `undefined`, a name without quotes),
    /// at least one character of it.
    fn bare_word(&mut self) {
        if !self.skip_word() {
            self.pos += self.text[self.pos..].chars().next().map_or(0, char::len_utf8);
        }
    }

    /// Moves past the rest of a word; whether there was any.
    fn skip_word(&mut self) -> bool {
        let rest = &self.text[self.pos..];
        let length = rest
            .find(|c: char| c.is_ascii() && is_delimiter(c as u8))
            .unwrap_or(rest.len());
        self.pos += length;
        length > 0
    }

    /// Moves past a string in single quotes (not JSON, but a value all the same): to the
    /// closing quote on its line, or the end of the line.
    fn single_quoted(&mut self) {
        let rest = &self.bytes[self.pos + 1..];
        self.pos += 1 + match memchr::memchr2(b'\'', b'\n', rest) {
            Some(at) if rest[at] == b'\'' => at + 1,
            Some(at) => at,
            None => rest.len(),
        };
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// An error about the byte at the current position, which is not read yet.
    fn fail_peek(&mut self, message: &str) {
        self.fail_at((self.pos + 1).min(self.bytes.len()), message);
    }

    /// An error where serde_json places it: after byte `index - 1`, which it has just read.
    fn fail_at(&mut self, index: usize, message: &str) {
        if self.error.is_some() || !self.recording {
            return;
        }
        let (line, column) = serde_position(self.text, index);
        let message = if self.text.trim().is_empty() {
            "the file is empty: expected a JSON object".to_owned()
        } else if message.starts_with("EOF while") {
            format!("the document ends too early: {message}")
        } else {
            message.to_owned()
        };
        self.error = Some(ParseError {
            line,
            column,
            message,
            syntax: true,
        });
    }

    /// An error about valid JSON that cannot be read as meant, placed at byte `offset`: it
    /// may be in a password, so it is said without quoting it.
    fn fail_exact(&mut self, offset: usize, message: &str) {
        if self.error.is_some() || !self.recording {
            return;
        }
        let (line, column) = crate::locate::line_column(self.text, offset);
        self.error = Some(ParseError {
            line,
            column,
            message: message.to_owned(),
            syntax: false,
        });
    }
}

/// The offset of the first control character (below U+0020) in `bytes`, which no JSON string
/// may hold raw. Blocks without one are passed over with a test the compiler turns into
/// vector instructions: on 40 KB of user data, a fifth of the instructions of a byte-by-byte
/// search (callgrind), and fewer than serde_json's whole parse of it.
fn first_control(bytes: &[u8]) -> Option<usize> {
    const BLOCK: usize = 32;
    let mut start = 0;
    for block in bytes.chunks(BLOCK) {
        if block.iter().fold(false, |any, b| any | (*b < 0x20)) {
            return block.iter().position(|b| *b < 0x20).map(|at| start + at);
        }
        start += block.len();
    }
    None
}

/// A member value that is not there.
fn missing(at: usize) -> Node<'static> {
    Node {
        span: Span::new(at, at),
        value: Json::Null,
    }
}

/// Bytes that end a word: JSON's punctuation, quotes and whitespace.
fn is_delimiter(byte: u8) -> bool {
    matches!(
        byte,
        b',' | b':' | b'{' | b'}' | b'[' | b']' | b'"' | b'\'' | b' ' | b'\t' | b'\n' | b'\r'
    )
}

/// The value of a well-formed number; `None` beyond the range of `f64`. Integers as serde_json
/// reads them (`u64`, `i64`, `-0` as a float); other numbers through serde_json itself, whose
/// float reading is not quite `str::parse`'s and must not differ from what a server's
/// serde_json reads.
fn number_value(text: &str) -> Option<Number> {
    let integer = !text.contains(['.', 'e', 'E']);
    if integer {
        if let Some(digits) = text.strip_prefix('-') {
            if digits.bytes().all(|b| b == b'0') {
                return Number::from_f64(-0.0);
            }
            if let Ok(value) = text.parse::<i64>() {
                return Some(value.into());
            }
        } else if let Ok(value) = text.parse::<u64>() {
            return Some(value.into());
        }
    }
    serde_json::from_str::<Number>(text).ok()
}

/// The 1-based line and column (in characters) at which serde_json reports an error it finds
/// with `index` bytes read: the byte before `index`, or the start of the line that `index`
/// starts.
fn serde_position(text: &str, index: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    let index = index.min(bytes.len());
    let line_start = memchr::memrchr(b'\n', &bytes[..index]).map_or(0, |at| at + 1);
    let line = 1 + memchr::memchr_iter(b'\n', &bytes[..line_start]).count();
    let line_text = text[line_start..].lines().next().unwrap_or("");
    let mut at = (index - line_start).saturating_sub(1).min(line_text.len());
    while !line_text.is_char_boundary(at) {
        at -= 1;
    }
    (line, line_text[..at].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use changeos_runtime::pointer::Pointer;

    fn at(text: &str) -> Pointer {
        Pointer::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn value<'a>(parsed: &'a Parsed<'_>) -> &'a Json<'a> {
        &parsed.document().expect("a document").value
    }

    fn error(text: &str) -> ParseError {
        parse(text).error.unwrap_or_else(|| panic!("no error in {text:?}"))
    }

    #[test]
    fn values_match_serde_json() {
        let text =
            r#"{"a": [1, -2, 3.5, "x\u00e9\n", true, null, {"b": {}}], "c": 18446744073709551615, "d": -0, "e": 1E2}"#;
        let parsed = parse(text);
        let expected: serde_json::Value = serde_json::from_str(text).expect("valid");
        assert_eq!(value(&parsed).to_value(), expected);
        assert!(!parsed.repeats);
        assert_eq!(parsed.trailing, None);
    }

    #[test]
    fn spans_are_those_of_the_text() {
        let text = " {\"k\\u0065y\": [1, \"two\"], \"n\" :null}\n";
        let parsed = parse(text);
        let root = parsed.document().expect("parsed");
        assert_eq!(&text[root.span.range()], &text[1..text.len() - 1]);
        let object = root.value.as_object().expect("object");
        let member = object.member("key").expect("decoded name");
        assert_eq!(&text[member.key.range()], "\"k\\u0065y\"");
        assert_eq!(&text[member.node.span.range()], "[1, \"two\"]");
        let items = member.node.value.as_array().expect("array");
        assert_eq!(&text[items[1].span.range()], "\"two\"");
        assert_eq!(&text[object.member("n").expect("n").node.span.range()], "null");
    }

    #[test]
    fn repeated_names_anywhere_and_the_last_value_kept() {
        let text = r#"{"a": 1, "b": [{"x": 1, "x": 2, "x": 3}], "a": 2}"#;
        let parsed = parse(text);
        assert!(parsed.repeats);
        let root = value(&parsed);
        assert_eq!(root.pointer(&at("/a")), Some(&Json::Number(2.into())));
        assert_eq!(root.pointer(&at("/b/0/x")), Some(&Json::Number(3.into())));
    }

    #[test]
    fn trailing_content_is_noted_not_fatal() {
        let parsed = parse("{\"a\": 1}\n  {\"b\": 2}");
        assert_eq!(parsed.trailing, Some(11));
        assert_eq!(parsed.after.len(), 1);
        assert!(parsed.error.is_none());
        assert_eq!(value(&parsed).pointer(&at("/a")), Some(&Json::Number(1.into())));
    }

    #[test]
    fn errors_are_serde_jsons_at_its_positions_in_characters() {
        let e = error("{\"é\": tru}");
        assert_eq!((e.line, e.column, e.message.as_str()), (1, 10, "expected ident"));
        assert_eq!(error("").message, "the file is empty: expected a JSON object");
        assert_eq!(error(" \u{3000} ").message, "the file is empty: expected a JSON object");
        assert!(error("{\"a\": [1,").message.starts_with("the document ends too early"));
        assert_eq!(error("[1,]").message, "trailing comma");
        assert_eq!(error("{\"a\": 1,}").message, "trailing comma");
        assert_eq!(error("NaN").message, "expected value");
        assert_eq!(error("01").message, "invalid number");
        assert_eq!(error("{\"a\" 1}").message, "expected `:`");
        assert_eq!(error("{1: 1}").message, "key must be a string");
        assert_eq!(error("[1 2]").message, "expected `,` or `]`");
        assert_eq!(error("{\"a\": 1 \"b\": 2}").message, "expected `,` or `}`");
        assert_eq!(error("\"a\tb\"").message, CONTROL_CHARACTER);
        assert_eq!(error("\"\\x\"").message, "invalid escape");
        let e = error("{\n  \"a\": \"b\n\"}");
        assert_eq!((e.line, e.column), (3, 1), "after the line break serde_json read");
    }

    #[test]
    fn numbers_out_of_range_are_valid_json_said_so_at_their_start() {
        for (text, column) in [("[1e400]", 2), ("-1e400", 1), ("{\"é\": 1.5E+99999}", 7)] {
            let e = error(text);
            assert!(e.message.starts_with("number out of range: "), "{text}: {}", e.message);
            assert_eq!((e.line, e.column, e.syntax), (1, column, false), "{text}");
        }
        assert!(parse("[1e308, 1e-400]").error.is_none());
        assert!(error("{,}").syntax);
    }

    #[test]
    fn lone_surrogates_are_named_at_their_escape() {
        for (text, column) in [
            (r#""\ud800""#, 2),
            (r#""\ud800x""#, 2),
            (r#""\ud800\u0041""#, 2),
            (r#""\ud800\ud800""#, 2),
            (r#""ab\udc00cd""#, 4),
            (r#""\ud800\udc00\udc00""#, 14),
            (r#"{"\"\\": "\uDBFF"}"#, 11),
            (r#"["\\ud800", "é\ud800"]"#, 15),
        ] {
            let e = error(text);
            assert!(e.message.starts_with("lone surrogate: "), "{text}: {}", e.message);
            assert_eq!((e.column, e.syntax), (column, false), "{text}");
        }
        assert_eq!(
            parse(r#""\ud83d\ude00""#).document().map(|n| n.value.clone()),
            Some(Json::String("😀".into()))
        );
        assert!(error(r#""\ud800"#).message.starts_with("the document ends too early"));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let nested = |n: usize| "[".repeat(n) + &"]".repeat(n);
        assert!(parse(&nested(MAX_DEPTH)).error.is_none());
        assert!(serde_json::from_str::<serde_json::Value>(&nested(MAX_DEPTH)).is_ok());
        assert!(serde_json::from_str::<serde_json::Value>(&nested(MAX_DEPTH + 1)).is_err());
        let deep = nested(1_000_000);
        let parsed = parse(&deep);
        assert_eq!(
            parsed.error.map(|e| e.message),
            Some("recursion limit exceeded".to_owned())
        );
        assert_eq!(parsed.unread.map(|s| s.start), Some(MAX_DEPTH as u32));
    }

    #[test]
    fn after_an_error_members_are_still_made_out() {
        // Each holds `"adminpass"` with the value `x` somewhere past its first error.
        for text in [
            r#"{"a": 1,, "adminpass": "x"}"#,
            r#"{"a": tru, "adminpass": "x"}"#,
            r#"{"a" 1 "adminpass": "x"}"#,
            r#"{"a": 'q', "adminpass": "x"}"#,
            r#"{"a": "\u12", "adminpass": "x"}"#,
            "{\"a\": \"open\n, \"adminpass\": \"x\"}",
            r#"{"a": [1 2}, "adminpass": "x"}"#,
            r#"{adminpass: "x"}"#,
        ] {
            let parsed = parse(text);
            assert!(parsed.error.is_some(), "{text}");
            let root = parsed.root.as_ref().expect("a tree");
            let found = root.value.as_object().and_then(|o| o.member("adminpass"));
            let member = found.unwrap_or_else(|| panic!("no adminpass in {text}: {root:?}"));
            assert_eq!(&text[member.node.span.range()], "\"x\"", "{text}");
        }
    }

    #[test]
    fn control_characters_are_found_in_any_block() {
        for length in [0, 1, 31, 32, 33, 100] {
            let mut bytes = vec![b'a'; length];
            assert_eq!(first_control(&bytes), None);
            for at in 0..length {
                bytes[at] = b'\t';
                assert_eq!(first_control(&bytes), Some(at), "{length} {at}");
                bytes[at] = 0x7f; // DEL is no control character for JSON
                assert_eq!(first_control(&bytes), None);
                bytes[at] = b'a';
            }
        }
    }

    #[test]
    fn every_text_ends_the_parse() {
        // Whatever the bytes, the parse reads to the end and places its error in the text.
        for text in [
            "}",
            "]",
            ",",
            ":",
            "{]",
            "[}",
            "{\"a\":}",
            "[,",
            "{:",
            "'",
            "\"\\",
            "\"\\u",
            "-",
            "1.",
            "1e+",
            "{{{",
            "[\"a\" :",
            "{\"a\" \"b\"}",
        ] {
            let parsed = parse(text);
            let e = parsed.error.unwrap_or_else(|| panic!("no error in {text:?}"));
            assert!(e.line >= 1 && e.column >= 1, "{text:?}");
        }
    }
}
