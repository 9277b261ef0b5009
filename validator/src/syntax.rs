//! A source-preserving view of a JSON document, for tools that rewrite payload files without
//! changing what they say: strings and numbers are kept as the raw text of the file (escapes,
//! exponents and all), members with their key as written, in source order, duplicates
//! included.
//!
//! It is separate from [`crate::parse`], which builds the linter's decoded tree with serde_json.
//! The grammar is RFC 8259's (a lone surrogate in a `\u` escape is refused, as serde_json
//! refuses it); a number's range is not checked. Nesting is limited as serde_json limits it,
//! so that a hostile file is an error, not a stack overflow.

use std::borrow::Cow;
use std::fmt;

/// How deep arrays and objects may nest: the limit of serde_json, so that whatever
/// [`crate::parse`] accepts is accepted here too.
pub const MAX_DEPTH: usize = 127;

/// One JSON value, borrowing its text from the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value<'a> {
    /// The members in source order.
    Object(Vec<Member<'a>>),
    Array(Vec<Value<'a>>),
    /// A string exactly as written, quotes and escapes included.
    String(&'a str),
    /// A number exactly as written.
    Number(&'a str),
    /// `true`, `false` or `null`.
    Literal(&'a str),
}

/// A member of an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member<'a> {
    /// The key exactly as written, quotes and escapes included.
    pub raw_key: &'a str,
    /// The key with its escapes decoded.
    pub key: Cow<'a, str>,
    /// Byte offset of the key's opening quote.
    pub offset: usize,
    pub value: Value<'a>,
}

/// A parsed document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document<'a> {
    pub value: Value<'a>,
    /// Byte offset of content after the document (other than whitespace), if any.
    pub trailing: Option<usize>,
}

/// Why the text is not JSON, at a byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub offset: usize,
    pub message: &'static str,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at byte {})", self.message, self.offset)
    }
}

impl std::error::Error for SyntaxError {}

/// Parses `text` (without a byte-order mark): one JSON value, surrounded by whitespace.
pub fn parse(text: &str) -> Result<Document<'_>, SyntaxError> {
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        depth: 0,
    };
    parser.skip_ws();
    if parser.pos == parser.bytes.len() {
        return Err(parser.error("the document is empty"));
    }
    let value = parser.value()?;
    parser.skip_ws();
    let trailing = (parser.pos < parser.bytes.len()).then_some(parser.pos);
    Ok(Document { value, trailing })
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn value(&mut self) -> Result<Value<'a>, SyntaxError> {
        match self.peek() {
            Some(b'{') => self.nested(Self::object),
            Some(b'[') => self.nested(Self::array),
            Some(b'"') => self.string().map(Value::String),
            Some(b'-' | b'0'..=b'9') => self.number().map(Value::Number),
            Some(b't') => self.literal("true"),
            Some(b'f') => self.literal("false"),
            Some(b'n') => self.literal("null"),
            Some(_) => Err(self.error("expected a value")),
            None => Err(self.error("the document ends too early: expected a value")),
        }
    }

    /// Runs `inner` one level deeper, refusing to go past [`MAX_DEPTH`].
    fn nested(&mut self, inner: fn(&mut Self) -> Result<Value<'a>, SyntaxError>) -> Result<Value<'a>, SyntaxError> {
        if self.depth == MAX_DEPTH {
            return Err(self.error("recursion limit exceeded: arrays and objects nest too deep"));
        }
        self.depth += 1;
        let value = inner(self);
        self.depth -= 1;
        value
    }

    fn object(&mut self) -> Result<Value<'a>, SyntaxError> {
        self.pos += 1;
        let mut members = Vec::new();
        self.skip_ws();
        if self.eat(b'}') {
            return Ok(Value::Object(members));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.expected("expected a member name in double quotes"));
            }
            let offset = self.pos;
            let raw_key = self.string()?;
            self.skip_ws();
            if !self.eat(b':') {
                return Err(self.expected("expected `:` after the member name"));
            }
            self.skip_ws();
            let value = self.value()?;
            members.push(Member {
                raw_key,
                key: decode(raw_key),
                offset,
                value,
            });
            self.skip_ws();
            if self.eat(b',') {
                continue;
            }
            if self.eat(b'}') {
                return Ok(Value::Object(members));
            }
            return Err(self.expected("expected `,` or `}` after a member"));
        }
    }

    fn array(&mut self) -> Result<Value<'a>, SyntaxError> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.eat(b']') {
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value()?);
            self.skip_ws();
            if self.eat(b',') {
                continue;
            }
            if self.eat(b']') {
                return Ok(Value::Array(items));
            }
            return Err(self.expected("expected `,` or `]` after an element"));
        }
    }

    /// A string starting at the current `"`; returns it with its quotes.
    fn string(&mut self) -> Result<&'a str, SyntaxError> {
        let start = self.pos;
        self.pos += 1;
        loop {
            match self.peek() {
                None => return Err(self.error("the document ends too early: the string is not closed")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(&self.text[start..self.pos]);
                }
                Some(b'\\') => self.escape()?,
                Some(0x00..=0x1f) => return Err(self.error("control character in a string: escape it")),
                Some(_) => self.pos += 1,
            }
        }
    }

    /// One escape sequence at the current `\`.
    fn escape(&mut self) -> Result<(), SyntaxError> {
        self.pos += 1;
        match self.peek() {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                self.pos += 1;
                Ok(())
            }
            Some(b'u') => {
                let first = self.hex4()?;
                match first {
                    0xDC00..=0xDFFF => Err(self.error("lone trailing surrogate in a \\u escape")),
                    0xD800..=0xDBFF => {
                        if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
                            return Err(self.error("lone leading surrogate in a \\u escape"));
                        }
                        self.pos += 1;
                        match self.hex4()? {
                            0xDC00..=0xDFFF => Ok(()),
                            _ => Err(self.error("lone leading surrogate in a \\u escape")),
                        }
                    }
                    _ => Ok(()),
                }
            }
            None => Err(self.error("the document ends too early: the string is not closed")),
            Some(_) => Err(self.error("invalid escape")),
        }
    }

    /// The four hex digits after the `u` at the current position.
    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        self.pos += 1;
        let mut n = 0;
        for _ in 0..4 {
            let digit = self
                .peek()
                .and_then(|b| char::from(b).to_digit(16))
                .ok_or_else(|| self.error("invalid \\u escape: expected four hex digits"))?;
            n = n * 16 + digit;
            self.pos += 1;
        }
        Ok(n)
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, returned as written.
    fn number(&mut self) -> Result<&'a str, SyntaxError> {
        let start = self.pos;
        self.eat(b'-');
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error("invalid number: expected a digit")),
        }
        if self.eat(b'.') {
            if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
                return Err(self.error("invalid number: expected a digit after `.`"));
            }
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
                return Err(self.error("invalid number: expected a digit in the exponent"));
            }
            self.digits();
        }
        Ok(&self.text[start..self.pos])
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
    }

    fn literal(&mut self, word: &'static str) -> Result<Value<'a>, SyntaxError> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(Value::Literal(word))
        } else {
            Err(self.error("expected a value"))
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        if found {
            self.pos += 1;
        }
        found
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn error(&self, message: &'static str) -> SyntaxError {
        SyntaxError {
            offset: self.pos,
            message,
        }
    }

    /// `message` where something else was expected; at the end of the text, that it ended.
    fn expected(&self, message: &'static str) -> SyntaxError {
        if self.pos == self.bytes.len() {
            self.error("the document ends too early")
        } else {
            self.error(message)
        }
    }
}

/// The key of a raw string: borrowed when it has no escape to decode.
fn decode(raw: &str) -> Cow<'_, str> {
    let inner = &raw[1..raw.len() - 1];
    if inner.contains('\\') {
        // The parser checked the escapes, so serde_json decodes them; the fallback is for
        // safety only.
        Cow::Owned(serde_json::from_str(raw).unwrap_or_else(|_| inner.to_owned()))
    } else {
        Cow::Borrowed(inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str) -> Value<'_> {
        parse(text).unwrap_or_else(|e| panic!("{text}: {e}")).value
    }

    #[test]
    fn raw_text_is_kept() {
        let v = value(" {\"\\u0061\": [1.50, -0, 1E+2, \"\\u00e9\", \"é\", true, null, {}]}\r\n");
        let Value::Object(members) = &v else { panic!("{v:?}") };
        assert_eq!(members[0].raw_key, "\"\\u0061\"");
        assert_eq!(members[0].key, "a");
        assert_eq!(members[0].offset, 2);
        assert_eq!(
            members[0].value,
            Value::Array(vec![
                Value::Number("1.50"),
                Value::Number("-0"),
                Value::Number("1E+2"),
                Value::String("\"\\u00e9\""),
                Value::String("\"é\""),
                Value::Literal("true"),
                Value::Literal("null"),
                Value::Object(vec![]),
            ])
        );
    }

    #[test]
    fn duplicates_and_trailing_content_are_kept_for_the_caller() {
        let doc = parse("{\"a\": 1, \"a\": 2} x").expect("parses");
        let Value::Object(members) = &doc.value else { panic!() };
        assert_eq!(members.len(), 2);
        assert_eq!(doc.trailing, Some(17));
    }

    #[test]
    fn what_rfc_8259_forbids_is_refused_with_its_offset() {
        for (text, offset) in [
            ("", 0),
            ("  ", 2),
            ("{", 1),
            ("{\"a\" 1}", 5),
            ("{\"a\": 1,}", 8),
            ("[1,]", 3),
            ("[1 2]", 3),
            ("{a: 1}", 1),
            ("01", 1),
            ("-", 1),
            ("1.", 2),
            ("1e", 2),
            ("tru", 0),
            ("\"a\tb\"", 2),
            ("\"\\x\"", 2),
            ("\"\\u12g4\"", 5),
            ("\"\\ud800\"", 7),
            ("\"\\ud800\\u0041\"", 13),
            ("\"\\udc00\"", 7),
            ("\"abc", 4),
            ("NaN", 0),
        ] {
            let Err(e) = parse(text) else {
                // `01` is `0` followed by trailing content; the caller refuses it as such.
                assert_eq!(parse(text).expect("parsed").trailing, Some(offset), "{text}");
                continue;
            };
            assert_eq!(e.offset, offset, "{text}: {e}");
        }
        assert!(parse("\"\\ud83d\\ude00\"").is_ok());
    }

    #[test]
    fn nesting_is_limited_like_serde_json() {
        let nested = |n: usize| "[".repeat(n) + &"]".repeat(n);
        assert!(parse(&nested(MAX_DEPTH)).is_ok());
        assert!(serde_json::from_str::<serde_json::Value>(&nested(MAX_DEPTH)).is_ok());
        assert!(serde_json::from_str::<serde_json::Value>(&nested(MAX_DEPTH + 1)).is_err());
        let e = parse(&nested(MAX_DEPTH + 1)).unwrap_err();
        assert!(e.message.contains("recursion limit"), "{e}");
        let e = parse(&nested(1_000_000)).unwrap_err();
        assert_eq!(e.offset, MAX_DEPTH);
    }
}
