//! JSON text to a value, keeping what a plain parse throws away: duplicate keys (serde_json
//! keeps the last silently, and the server's reading of them is undefined) and content after
//! the document.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;

use changeos_runtime::json::{Json, Object};
use changeos_runtime::pointer::Pointer;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Number;

mod quick;

/// A parsed document (borrowing from the text) and what the parse noticed on the way.
#[derive(Debug)]
pub struct Parsed<'a> {
    pub value: Json<'a>,
    pub duplicates: Vec<Duplicate>,
    /// 1-based (line, column) of content after the document, if any.
    pub trailing: Option<(usize, usize)>,
}

/// A key that appears again in the same object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// Pointer of the member.
    pub pointer: Pointer,
    /// Which appearance this is: 1 for the second, 2 for the third...
    pub occurrence: usize,
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

/// Parses `text` (without a byte-order mark): quickly when it is a well-formed payload
/// ([`quick`]), else with serde_json, which finds errors, repeated names and trailing content.
pub fn parse(text: &str) -> Result<Parsed<'_>, ParseError> {
    match quick_value(text) {
        Some(value) => Ok(Parsed {
            value,
            duplicates: Vec::new(),
            trailing: None,
        }),
        None => parse_with_serde(text),
    }
}

/// Whether [`parse`] takes its quick path on `text` (for tests and benchmarks).
pub fn takes_quick_path(text: &str) -> bool {
    quick_value(text).is_some()
}

/// The value of `text` by the quick path, if it takes it: large texts go to serde_json's,
/// which builds them compactly (see [`COMPACT_ABOVE`]).
fn quick_value(text: &str) -> Option<Json<'_>> {
    if text.len() > COMPACT_ABOVE {
        return None;
    }
    quick::parse(text)
}

/// [`parse`] without its quick path: what the quick path must agree with (for tests and
/// benchmarks).
pub fn parse_with_serde(text: &str) -> Result<Parsed<'_>, ParseError> {
    let duplicates = RefCell::new(Vec::new());
    let path = RefCell::new(Vec::new());
    let mut de = serde_json::Deserializer::from_str(text);
    let value = ValueSeed {
        duplicates: &duplicates,
        path: &path,
        compact: text.len() > COMPACT_ABOVE,
    }
    .deserialize(&mut de)
    .map_err(|e| error(text, &e))?;
    let trailing = de.end().err().map(|e| (e.line(), e.column()));
    let duplicates = duplicates.into_inner();
    Ok(Parsed {
        value,
        duplicates,
        trailing,
    })
}

fn error(text: &str, e: &serde_json::Error) -> ParseError {
    let message = e.to_string();
    let message = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(head, _)| head);
    let line_text = text.lines().nth(e.line().saturating_sub(1)).unwrap_or("");
    // serde_json's column is that of the last byte it read, counted in bytes from 1.
    let mut at = e.column().saturating_sub(1).min(line_text.len());
    while !line_text.is_char_boundary(at) {
        at -= 1;
    }
    let mut syntax = true;
    let message = if text.trim().is_empty() {
        "the file is empty: expected a JSON object".to_owned()
    } else if e.is_eof() {
        format!("the document ends too early: {message}")
    } else if let Some(start) = (message == NUMBER_OUT_OF_RANGE)
        .then(|| number_before(line_text, at))
        .flatten()
    {
        // The number is not quoted: it may be a password's value.
        at = start;
        syntax = false;
        "number out of range: the number here is valid JSON, but larger in magnitude than the largest \
         64-bit floating-point number (about 1.8e308), the most that changeos, like most JSON parsers, \
         can read"
            .to_owned()
    } else if let Some(escape) = SURROGATE_ERRORS
        .contains(&message)
        .then(|| lone_surrogate(line_text.as_bytes(), at))
        .flatten()
    {
        // Nor is the escape: it may be part of a password.
        at = escape;
        syntax = false;
        "lone surrogate: this `\\u` escape is one half of a UTF-16 pair (`\\ud800` to `\\udfff`; \
         `\\ud83d\\ude00` is one character) without its other half, so the string is no Unicode text"
            .to_owned()
    } else {
        message.to_owned()
    };
    // Editors count columns in characters.
    let column = line_text[..at].chars().count() + 1;
    ParseError {
        line: e.line().max(1),
        column,
        message,
        syntax,
    }
}

/// serde_json's message for a number beyond the range of `f64`.
const NUMBER_OUT_OF_RANGE: &str = "number out of range";

/// serde_json's messages for a `\u` escape of half a UTF-16 pair without its other half.
const SURROGATE_ERRORS: [&str; 2] = ["unexpected end of hex escape", "lone leading surrogate in hex escape"];

/// Where the number that ends at byte `end` of `line` starts.
fn number_before(line: &str, end: usize) -> Option<usize> {
    let is_number = |b: &u8| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E');
    let head = line.as_bytes().get(..=end)?;
    let length = head.iter().rev().take_while(|b| is_number(b)).count();
    (length > 0).then(|| head.len() - length)
}

/// The byte offset, in `line`, of the first `\u` escape of a surrogate (U+D800 to U+DFFF) that
/// is not one half of a pair, looked for up to byte `end`. A JSON string holds no line break,
/// so the line starts outside any string.
fn lone_surrogate(line: &[u8], end: usize) -> Option<usize> {
    let unit = |at: usize| {
        let hex = line.get(at + 2..at + 6)?;
        let hex = std::str::from_utf8(hex).ok()?;
        (line.get(at + 1) == Some(&b'u')).then(|| u16::from_str_radix(hex, 16).ok())?
    };
    let mut in_string = false;
    let mut at = 0;
    while at <= end && at < line.len() {
        match line[at] {
            b'"' => in_string = !in_string,
            b'\\' if in_string => {
                match unit(at) {
                    Some(0xD800..=0xDBFF) => {
                        if !matches!(unit(at + 6), Some(0xDC00..=0xDFFF)) {
                            return Some(at);
                        }
                        at += 6; // the pair's high half; its low half follows
                    }
                    Some(0xDC00..=0xDFFF) => return Some(at),
                    _ => {}
                }
                at += 1; // the escaped character is skipped below
            }
            _ => {}
        }
        at += 1;
    }
    None
}

/// One step of the path from the root to the value being parsed.
enum Token<'de> {
    Key(Cow<'de, str>),
    Index(usize),
}

/// The pointer of the member `key` of the object at `path`: built when a duplicate is found,
/// from the path kept while parsing, in time proportional to its length.
fn pointer(path: &[Token<'_>], key: &str) -> Pointer {
    let mut pointer = Pointer::root();
    for token in path {
        match token {
            Token::Key(key) => pointer.push(key),
            Token::Index(index) => pointer.push_index(*index),
        }
    }
    pointer.push(key);
    pointer
}

/// Texts longer than this are parsed into compact values. A payload is a few KiB and has a
/// handful of objects, where room to grow is cheaper than giving it back; a 12 MiB text can
/// hold millions of tiny objects, each of which would otherwise keep room for eight members
/// (a gigabyte for `[{}, {"a": 1}, ...]`).
const COMPACT_ABOVE: usize = 1024 * 1024;

/// Objects with more members than this get a hash index to find repeated names.
const LINEAR_SCAN_LIMIT: usize = 16;

/// Builds a [`Json`] that borrows its strings from the text, noting duplicate keys.
#[derive(Clone, Copy)]
struct ValueSeed<'d, 'de> {
    duplicates: &'d RefCell<Vec<Duplicate>>,
    /// The path to the value being parsed, for the pointers of duplicates: kept on the way
    /// down rather than added to each duplicate on the way up, level by level.
    path: &'d RefCell<Vec<Token<'de>>>,
    /// Give back unused room in every object and array: see [`COMPACT_ABOVE`].
    compact: bool,
}

impl<'de> ValueSeed<'_, 'de> {
    /// Parses the next value with `token` as the last step of the path.
    fn under<T>(self, token: Token<'de>, parse: impl FnOnce(Self) -> T) -> T {
        self.path.borrow_mut().push(token);
        let parsed = parse(self);
        self.path.borrow_mut().pop();
        parsed
    }
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_, 'de> {
    type Value = Json<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Json<'de>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_, 'de> {
    type Value = Json<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Json<'de>, E> {
        Ok(Json::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Json<'de>, E> {
        Ok(Json::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Json<'de>, E> {
        Ok(Json::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Json<'de>, E> {
        Ok(Number::from_f64(v).map_or(Json::Null, Json::Number))
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Owned(v)))
    }

    fn visit_unit<E>(self) -> Result<Json<'de>, E> {
        Ok(Json::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json<'de>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        loop {
            match self.under(Token::Index(items.len()), |seed| seq.next_element_seed(seed))? {
                Some(item) => {
                    if self.compact && items.capacity() == 0 {
                        // Room for one first: one-element arrays would each keep room for four.
                        items.reserve_exact(1);
                    }
                    items.push(item);
                }
                None => {
                    if self.compact {
                        items.shrink_to_fit();
                    }
                    return Ok(Json::Array(items));
                }
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json<'de>, A::Error> {
        let mut object = Object::new();
        let mut index: Option<HashMap<Cow<'de, str>, usize>> = None;
        // How often each repeated name has been repeated so far in this object: counted here
        // rather than among every duplicate of the document, which is quadratic in their number.
        let mut repeats: HashMap<Cow<'de, str>, usize> = HashMap::new();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let value = self.under(Token::Key(key.clone()), |seed| map.next_value_seed(seed))?;
            let existing = match &index {
                Some(index) => index.get(&key).copied(),
                None => object.position(&key),
            };
            match existing {
                Some(position) => {
                    let occurrence = repeats.entry(key.clone()).or_insert(0);
                    *occurrence += 1;
                    let pointer = pointer(&self.path.borrow(), &key);
                    self.duplicates.borrow_mut().push(Duplicate {
                        pointer,
                        occurrence: *occurrence,
                    });
                    object.replace(position, value);
                }
                None => {
                    if let Some(index) = &mut index {
                        index.insert(key.clone(), object.len());
                    }
                    object.push_member(key, value);
                    if index.is_none() && object.len() > LINEAR_SCAN_LIMIT {
                        index = Some(
                            object
                                .keys()
                                .enumerate()
                                .map(|(i, k)| (Cow::Owned(k.to_owned()), i))
                                .collect(),
                        );
                    }
                }
            }
        }
        if self.compact {
            object.shrink_to_fit();
        }
        Ok(Json::Object(object))
    }
}

/// A member name, borrowed from the text when it has no escapes.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Cow<'de, str>, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Pointer {
        Pointer::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn values_match_serde_json() {
        let text = r#"{"a": [1, -2, 3.5, "x", true, null, {"b": {}}], "c": 18446744073709551615}"#;
        let parsed = parse(text).expect("valid");
        let expected: serde_json::Value = serde_json::from_str(text).expect("valid");
        assert_eq!(parsed.value, Json::from(&expected));
        assert!(parsed.duplicates.is_empty());
        assert_eq!(parsed.trailing, None);
    }

    #[test]
    fn duplicates_anywhere_with_their_pointer() {
        let text = r#"{"a": 1, "b": [{"x": 1, "x": 2, "x": 3}], "a": 2, "c/~": {"d": 1, "d": 1}}"#;
        let parsed = parse(text).expect("valid");
        let found: Vec<(&str, usize)> = parsed
            .duplicates
            .iter()
            .map(|d| (d.pointer.as_str(), d.occurrence))
            .collect();
        assert_eq!(found, [("/b/0/x", 1), ("/b/0/x", 2), ("/a", 1), ("/c~1~0/d", 1)]);
        // Like serde_json, the last value wins.
        assert_eq!(parsed.value.pointer(&at("/a")), Some(&Json::Number(2.into())));
    }

    #[test]
    fn duplicates_in_large_objects() {
        let members: Vec<String> = (0..40).map(|i| format!("\"k{i}\": {i}")).collect();
        let text = format!("{{{}, \"k3\": 99, \"k39\": 0}}", members.join(", "));
        let parsed = parse(&text).expect("valid");
        let found: Vec<&str> = parsed.duplicates.iter().map(|d| d.pointer.as_str()).collect();
        assert_eq!(found, ["/k3", "/k39"]);
        assert_eq!(parsed.value.pointer(&at("/k3")), Some(&Json::Number(99.into())));
        assert_eq!(parsed.value.as_object().map(|o| o.len()), Some(40));
    }

    #[test]
    fn many_repetitions_are_counted_per_name_and_object() {
        // 3,000 repetitions of one name, interleaved with another repeated name, in two objects.
        let object = |n: usize| {
            let members: Vec<String> = (0..n).map(|i| format!("\"a\": {i}, \"b~\": {i}")).collect();
            format!("{{{}}}", members.join(", "))
        };
        let text = format!("{{\"x\": [{}], \"y\": {}}}", object(3000), object(2));
        let parsed = parse(&text).expect("valid");
        let mut expected: Vec<(String, usize)> = Vec::new();
        for i in 1..3000 {
            expected.push(("/x/0/a".to_owned(), i));
            expected.push(("/x/0/b~0".to_owned(), i));
        }
        expected.extend([("/y/a".to_owned(), 1), ("/y/b~0".to_owned(), 1)]);
        let found: Vec<(String, usize)> = parsed
            .duplicates
            .into_iter()
            .map(|d| (d.pointer.to_string(), d.occurrence))
            .collect();
        assert_eq!(found, expected);
        assert_eq!(parsed.value.pointer(&at("/x/0/a")), Some(&Json::Number(2999.into())));
    }

    #[test]
    fn trailing_content_is_noted_not_fatal() {
        let parsed = parse("{\"a\": 1}\n  {\"b\": 2}").expect("the first document parses");
        assert_eq!(parsed.trailing, Some((2, 3)));
        assert_eq!(parsed.value.pointer(&at("/a")), Some(&Json::Number(1.into())));
    }

    #[test]
    fn errors_have_positions_in_characters() {
        let e = parse("{\"é\": tru}").unwrap_err();
        assert_eq!((e.line, e.column), (1, 10)); // the `}` that ends `tru`
        assert_eq!(
            parse("").unwrap_err().message,
            "the file is empty: expected a JSON object"
        );
        assert!(
            parse("{\"a\": [1,")
                .unwrap_err()
                .message
                .starts_with("the document ends too early")
        );
        assert!(parse("[1,]").is_err());
        assert!(parse("NaN").is_err());
        assert!(parse(&format!("1{}", "0".repeat(10_000))).is_err());
    }

    #[test]
    fn numbers_out_of_range_are_valid_json_said_so_at_their_start() {
        for (text, column) in [("[1e400]", 2), ("-1e400", 1), ("{\"é\": 1.5E+99999}", 7)] {
            let e = parse(text).unwrap_err();
            assert!(e.message.starts_with("number out of range: "), "{text}: {}", e.message);
            assert!(e.message.contains("valid JSON"), "{}", e.message);
            assert!(
                !e.message.contains("99999") && !e.message.contains("400"),
                "{}",
                e.message
            );
            assert_eq!((e.line, e.column, e.syntax), (1, column, false), "{text}");
        }
        assert!(parse("[1e308, 1e-400]").is_ok());
        assert!(parse("{,}").unwrap_err().syntax);
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
            ("{\n  \"k\": \"\\udfff\"}", 9),
        ] {
            let e = parse(text).unwrap_err();
            assert!(e.message.starts_with("lone surrogate: "), "{text}: {}", e.message);
            assert_eq!((e.column, e.syntax), (column, false), "{text}");
        }
        assert_eq!(parse("{\n  \"k\": \"\\udfff\"}").unwrap_err().line, 2);
        assert!(parse(r#""\ud83d\ude00""#).is_ok());
        // A high half cut off by the end of the text is a text that ends too early.
        assert!(
            parse(r#""\ud800"#)
                .unwrap_err()
                .message
                .starts_with("the document ends too early")
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(100_000) + &"]".repeat(100_000);
        let e = parse(&deep).unwrap_err();
        assert!(e.message.contains("recursion limit"), "{}", e.message);
    }
}
