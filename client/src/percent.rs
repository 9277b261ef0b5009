//! Percent-encoding as the SDK signer does it.
//!
//! [`encode`] keeps only the RFC 3986 unreserved characters (`A–Z a–z 0–9 - _ . ~`) and writes
//! every other UTF-8 byte as `%XX` with upper-case hex: Python's `quote(s, safe='~')`.
//! [`decode`] is Python's `urllib.parse.unquote`: a `%` not followed by two hex digits stays
//! literal, and decoded bytes that are not UTF-8 become U+FFFD. Matching the SDK here matters:
//! the canonical URI is built from `encode(decode(path))`, so any difference changes the
//! signature.

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// True for the characters that [`encode`] leaves literal.
pub fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~')
}

/// Percent-encodes every byte of the UTF-8 form of `s` except the unreserved characters.
///
/// `encode("a b/é~")` is `"a%20b%2F%C3%A9~"`.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &byte in s.as_bytes() {
        if is_unreserved(byte) {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX_UPPER[usize::from(byte >> 4)]));
            out.push(char::from(HEX_UPPER[usize::from(byte & 0x0f)]));
        }
    }
    out
}

/// Decodes `%XX` escapes (either case of hex) to bytes; anything else is copied as is.
///
/// A `%` that is not followed by two hex digits stays a literal `%`. `+` is not a space.
pub fn decode_to_bytes(s: &str) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let (Some(high), Some(low)) = (
                bytes.get(i + 1).and_then(|&b| hex_value(b)),
                bytes.get(i + 2).and_then(|&b| hex_value(b)),
            )
        {
            out.push(high << 4 | low);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

/// Decodes `%XX` escapes to text exactly like Python's `unquote(s)` (UTF-8, errors replaced).
///
/// Python decodes each maximal run of ASCII characters on its own and passes non-ASCII
/// characters through untouched, so an escaped multi-byte sequence interrupted by a literal
/// non-ASCII character yields U+FFFD for each fragment rather than being glued back together.
pub fn decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while !rest.is_empty() {
        let ascii_len = rest.find(|c: char| !c.is_ascii()).unwrap_or(rest.len());
        let (ascii, tail) = rest.split_at(ascii_len);
        out.push_str(&String::from_utf8_lossy(&decode_to_bytes(ascii)));
        let other_len = tail.find(|c: char| c.is_ascii()).unwrap_or(tail.len());
        let (other, tail) = tail.split_at(other_len);
        out.push_str(other);
        rest = tail;
    }
    out
}

fn hex_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreserved_characters_stay_literal() {
        let unreserved = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~";
        assert_eq!(encode(unreserved), unreserved);
    }

    #[test]
    fn everything_else_is_escaped_with_upper_case_hex() {
        assert_eq!(encode(" "), "%20");
        assert_eq!(encode("+&=%/?#:@!*'()"), "%2B%26%3D%25%2F%3F%23%3A%40%21%2A%27%28%29");
        assert_eq!(encode("café ☕ 东"), "caf%C3%A9%20%E2%98%95%20%E4%B8%9C");
        assert_eq!(encode("\u{0}\u{7f}"), "%00%7F");
        assert_eq!(encode(""), "");
    }

    #[test]
    fn every_ascii_byte_round_trips() {
        let all: String = (0u8..=0x7f).map(char::from).collect();
        assert_eq!(decode(&encode(&all)), all);
    }

    #[test]
    fn decode_accepts_both_hex_cases() {
        assert_eq!(decode("caf%c3%a9"), "café");
        assert_eq!(decode("caf%C3%A9"), "café");
        assert_eq!(decode("x%2Fy"), "x/y");
    }

    #[test]
    fn decode_leaves_malformed_escapes_and_plus_alone() {
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz%4"), "%zz%4");
        assert_eq!(decode("%%41"), "%A");
        assert_eq!(decode("a+b"), "a+b");
    }

    #[test]
    fn decode_replaces_invalid_utf8_like_python() {
        // Values checked against CPython 3.11 `urllib.parse.unquote`.
        assert_eq!(decode("%FF"), "\u{fffd}");
        assert_eq!(decode("%C3"), "\u{fffd}");
        assert_eq!(decode("%E2%98"), "\u{fffd}");
        assert_eq!(decode("%C3é%A9"), "\u{fffd}é\u{fffd}");
    }

    #[test]
    fn decode_passes_literal_non_ascii_through() {
        assert_eq!(decode("東%20京"), "東 京");
        assert_eq!(decode("東京"), "東京");
    }
}
