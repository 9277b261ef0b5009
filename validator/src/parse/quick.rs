//! The quick parse of a well-formed payload: one pass over the text, long strings searched
//! with `memchr`, values built in place. It handles what payloads are made of and gives up
//! (`None`) on everything else: any syntax error, a repeated member name, content after the
//! document, floats and long integers, deep nesting, large objects. [`super::parse`] then
//! parses the text again with serde_json, which reports errors, positions and repetitions. So
//! the quick parse never decides what is an error: it only has to build, for what it accepts,
//! exactly the value serde_json's path builds (the tests compare the two on generated and
//! mutated documents).

use std::borrow::Cow;

use changeos_runtime::json::{Json, Object};

/// Strings up to this many bytes are scanned byte by byte, longer ones with `memchr`.
const SHORT: usize = 32;

/// Deeper documents take the slow path (serde_json stops at 128 levels).
const MAX_DEPTH: usize = 64;

/// Objects with more members take the slow path, which indexes their names: here each new
/// name is compared with every earlier one.
const MAX_MEMBERS: usize = super::LINEAR_SCAN_LIMIT;

/// The value of `text`, if it is a document the quick parse handles.
pub(super) fn parse(text: &str) -> Option<Json<'_>> {
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        at: 0,
    };
    let mut value = Json::Null;
    parser.value(0, &mut value)?;
    parser.skip_whitespace();
    (parser.at == parser.bytes.len()).then_some(value)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    /// The next byte to read.
    at: usize,
}

impl<'a> Parser<'a> {
    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    /// The next byte that is not whitespace, left unread.
    fn peek(&mut self) -> Option<u8> {
        self.skip_whitespace();
        self.bytes.get(self.at).copied()
    }

    /// Parses the next value into `slot`. Values are written where they stay rather than
    /// returned: moving them up through every level costs more than parsing them.
    fn value(&mut self, depth: usize, slot: &mut Json<'a>) -> Option<()> {
        match self.peek()? {
            b'{' => self.object(depth + 1, slot),
            b'[' => self.array(depth + 1, slot),
            b'"' => {
                *slot = Json::String(self.string()?);
                Some(())
            }
            b't' => self.literal("true", Json::Bool(true), slot),
            b'f' => self.literal("false", Json::Bool(false), slot),
            b'n' => self.literal("null", Json::Null, slot),
            _ => self.integer(slot),
        }
    }

    fn literal(&mut self, word: &str, value: Json<'a>, slot: &mut Json<'a>) -> Option<()> {
        if !self.bytes[self.at..].starts_with(word.as_bytes()) {
            return None;
        }
        self.at += word.len();
        *slot = value;
        Some(())
    }

    /// An integer of 1 to 18 digits, which fits both `u64` and `i64` as serde_json reads it
    /// (non-negative as `u64`, negative as `i64`). Fractions, exponents, longer numbers, `-0`
    /// and leading zeros are left to serde_json.
    fn integer(&mut self, slot: &mut Json<'a>) -> Option<()> {
        let negative = self.bytes[self.at] == b'-';
        let start = self.at + usize::from(negative);
        let digits = self.bytes[start..].iter().take_while(|b| b.is_ascii_digit()).count();
        let end = start + digits;
        let leading_zero = self.bytes.get(start) == Some(&b'0') && (digits > 1 || negative);
        let fraction = matches!(self.bytes.get(end), Some(b'.' | b'e' | b'E'));
        if digits == 0 || digits > 18 || leading_zero || fraction {
            return None;
        }
        let magnitude: i64 = self.text[start..end].parse().ok()?;
        self.at = end;
        *slot = Json::Number(if negative {
            (-magnitude).into()
        } else {
            magnitude.unsigned_abs().into()
        });
        Some(())
    }

    /// The string whose opening quote is at `self.at`: borrowed from the text when it has no
    /// escapes, decoded by serde_json when it has. Inlined: returned through memory, the
    /// string would be stored and read back in pieces that the processor cannot forward.
    #[inline(always)]
    fn string(&mut self) -> Option<Cow<'a, str>> {
        let start = self.at + 1;
        // Member names and most values are short: a plain loop finds their end sooner than a
        // vector search gets going.
        let mut end = start;
        let short = self.bytes.len().min(start + SHORT);
        while end < short {
            match self.bytes[end] {
                b'"' => {
                    self.at = end + 1;
                    return Some(Cow::Borrowed(&self.text[start..end]));
                }
                b'\\' => break,
                byte if byte < 0x20 => return None,
                _ => end += 1,
            }
        }
        let checked = end;
        let mut escaped = false;
        loop {
            end += memchr::memchr2(b'"', b'\\', self.bytes.get(end..)?)?;
            if self.bytes[end] == b'"' {
                break;
            }
            escaped = true;
            // The backslash and the character it escapes (a `"` or `\` that ends no string).
            end += 2;
        }
        if has_control(&self.bytes[checked..end]) {
            return None;
        }
        self.at = end + 1;
        if escaped {
            serde_json::from_str::<String>(&self.text[start - 1..=end])
                .ok()
                .map(Cow::Owned)
        } else {
            Some(Cow::Borrowed(&self.text[start..end]))
        }
    }

    fn object(&mut self, depth: usize, slot: &mut Json<'a>) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.at += 1; // `{`
        *slot = Json::Object(Object::new());
        let Json::Object(object) = slot else {
            return None;
        };
        if self.eat(b'}')? {
            return Some(());
        }
        loop {
            if self.peek()? != b'"' {
                return None;
            }
            let name = self.string()?;
            if object.len() == MAX_MEMBERS || object.contains_key(&name) || self.peek()? != b':' {
                return None;
            }
            self.at += 1;
            object.push_member(name, Json::Null);
            self.value(depth, object.last_value_mut()?)?;
            if self.ends(b'}')? {
                return Some(());
            }
        }
    }

    fn array(&mut self, depth: usize, slot: &mut Json<'a>) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.at += 1; // `[`
        *slot = Json::Array(Vec::new());
        let Json::Array(items) = slot else {
            return None;
        };
        if self.eat(b']')? {
            return Some(());
        }
        loop {
            items.push(Json::Null);
            self.value(depth, items.last_mut()?)?;
            if self.ends(b']')? {
                return Some(());
            }
        }
    }

    /// Reads `byte` if it comes next: whether it did (`None` at the end of the text).
    fn eat(&mut self, byte: u8) -> Option<bool> {
        let next = self.peek()? == byte;
        self.at += usize::from(next);
        Some(next)
    }

    /// After an element: `,` (more follow) or `close` (the end of the container), read; whether
    /// it was the end. Anything else is not a document the quick parse takes.
    fn ends(&mut self, close: u8) -> Option<bool> {
        if self.eat(b',')? {
            return Some(false);
        }
        self.eat(close)?.then_some(true)
    }
}

/// Whether `bytes` holds a control character (U+0000 to U+001F), which a JSON string must
/// escape. One pass without an early exit, which the compiler turns into vector compares:
/// a payload's user data is tens of KiB of one string.
fn has_control(bytes: &[u8]) -> bool {
    bytes.iter().fold(false, |seen, &b| seen | (b < 0x20))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_values() {
        let text = r#" {"a": [0, 7, -3, 123456789012345678, -123456789012345678, "x\n\u00e9", true, false, null, {}, []], "b": {"c": ""}} "#;
        let expected: serde_json::Value = serde_json::from_str(text).expect("valid");
        assert_eq!(parse(text), Some(Json::from(&expected)));
        assert_eq!(parse(r#""a\"b\\""#), Some(Json::String(Cow::Owned("a\"b\\".into()))));
        assert!(matches!(
            parse(r#""plain""#),
            Some(Json::String(Cow::Borrowed("plain")))
        ));
        let long = format!("\"{}\\\"{}\"", "x".repeat(40), "y".repeat(40));
        let decoded = format!("{}\"{}", "x".repeat(40), "y".repeat(40));
        assert_eq!(parse(&long), Some(Json::String(Cow::Owned(decoded))));
    }

    #[test]
    fn leaves_the_rest_to_serde_json() {
        for text in [
            "",
            " ",
            "{",
            "[1,]",
            r#"{"a":1,}"#,
            r#"{"a" 1}"#,
            r#"{"a":1,"a":2}"#,
            "{} {}",
            "1.5",
            "1e3",
            "-0",
            "-",
            "01",
            "1234567890123456789",
            "tru",
            "\"a\u{1}b\"",
            &format!("\"{}\u{1}\"", "a".repeat(100)),
            r#""\x""#,
            r#""\ud800""#,
            "\"unterminated",
            &format!("\"{}", "a".repeat(100)),
            "\"ends in a backslash\\",
            "NaN",
        ] {
            assert_eq!(parse(text), None, "{text:?}");
        }
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert_eq!(parse(&deep), None);
        let shallow = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(&shallow).is_some());
        let members: Vec<String> = (0..=MAX_MEMBERS).map(|i| format!("\"k{i}\": {i}")).collect();
        assert_eq!(parse(&format!("{{{}}}", members.join(","))), None);
    }

    #[test]
    fn control_characters_are_found_in_every_position() {
        for len in [1, 31, 32, 33, 64, 100] {
            for at in 0..len {
                let mut bytes = vec![b'a'; len];
                bytes[at] = 0x1f;
                assert!(has_control(&bytes), "{len} {at}");
            }
            assert!(!has_control(&vec![b' '; len]));
        }
    }
}
