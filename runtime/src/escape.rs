//! Text from outside (member names, file names, what a server answers) made safe to print.
//!
//! Printed raw, such text can drive the reader's terminal (an ESC starts an escape sequence
//! that retitles the window or rewrites the screen), start a GitHub Actions workflow command on
//! a line of its own (`\n::error::...`), or reorder what is shown (the Unicode bidirectional
//! controls of "Trojan Source"). Every human-readable output of changeos escapes it with
//! [`escape_controls`]; JSON lines for a log, with [`escape_controls_in_json`].

use std::borrow::Cow;

/// Whether `c` changes how the text around it is shown rather than showing itself: the C0 and
/// C1 control characters and DEL (which include tab, line feed and carriage return), the line
/// and paragraph separators U+2028 and U+2029, and the bidirectional formatting characters.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// `text` with each character of [`is_unsafe`] written as Rust writes it in a literal: `\n`,
/// `\t`, `\u{1b}`, `\u{202e}`. Borrowed when there is nothing to escape, as is usual.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    let Some(first) = text.find(is_unsafe) else {
        return Cow::Borrowed(text);
    };
    let mut shown = String::with_capacity(text.len() + 8);
    shown.push_str(&text[..first]);
    for c in text[first..].chars() {
        if is_unsafe(c) {
            shown.extend(c.escape_default());
        } else {
            shown.push(c);
        }
    }
    Cow::Owned(shown)
}

/// [`escape_controls`] on each line of a text whose line breaks are its own (a message of
/// several lines): every other unsafe character is escaped, the line feeds are kept.
pub fn escape_controls_per_line(text: &str) -> Cow<'_, str> {
    if !text.contains(|c| c != '\n' && is_unsafe(c)) {
        return Cow::Borrowed(text);
    }
    let lines: Vec<Cow<'_, str>> = text.split('\n').map(escape_controls).collect();
    Cow::Owned(lines.join("\n"))
}

/// A JSON text with the characters of [`is_unsafe`] that JSON encoders leave raw (DEL, C1, the
/// separators and bidirectional controls; C0 they must escape) written as `\uXXXX` escapes:
/// the same JSON, which no terminal acts on. Such characters can only be in strings, where
/// the escape means what they mean.
pub fn escape_controls_in_json(json: &str) -> Cow<'_, str> {
    let raw = |c: char| c > '\u{7e}' && is_unsafe(c);
    let Some(first) = json.find(raw) else {
        return Cow::Borrowed(json);
    };
    let mut shown = String::with_capacity(json.len() + 8);
    shown.push_str(&json[..first]);
    for c in json[first..].chars() {
        if raw(c) {
            // Every one of them is in the Basic Multilingual Plane: four digits.
            shown.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            shown.push(c);
        }
    }
    Cow::Owned(shown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_separators_and_bidi_are_escaped() {
        assert!(matches!(
            escape_controls("imageid é 日本"),
            Cow::Borrowed("imageid é 日本")
        ));
        assert_eq!(
            escape_controls("x\n::error::injected\u{1b}]0;title\u{7}"),
            r"x\n::error::injected\u{1b}]0;title\u{7}"
        );
        assert_eq!(escape_controls("a\tb\rc\u{7f}d\u{9b}e"), r"a\tb\rc\u{7f}d\u{9b}e");
        assert_eq!(
            escape_controls("\u{202e}abc\u{2066}\u{2069}\u{200f}\u{061c}\u{2028}\u{2029}"),
            r"\u{202e}abc\u{2066}\u{2069}\u{200f}\u{61c}\u{2028}\u{2029}"
        );
        // A backslash is no control: only what was escaped gains one.
        assert_eq!(escape_controls(r"C:\dir\n"), r"C:\dir\n");
        // Escaped text has nothing left to escape.
        let once = escape_controls("\u{1b}[2J\n").into_owned();
        assert_eq!(escape_controls(&once), once);
    }

    #[test]
    fn json_stays_the_same_json() {
        let value = serde_json::json!({"a": "x\u{7f}\u{9b}\u{202e}\u{2028}é\n\u{1b}", "b": [1, "\u{2069}"]});
        for text in [
            value.to_string(),
            serde_json::to_string_pretty(&value).unwrap_or_default(),
        ] {
            let escaped = escape_controls_in_json(&text);
            assert!(
                !escaped.contains(|c: char| is_unsafe(c) && c != '\n' && c != '\t'),
                "{escaped}"
            );
            let back: serde_json::Value = serde_json::from_str(&escaped).unwrap_or_default();
            assert_eq!(back, value);
        }
        assert!(matches!(escape_controls_in_json(r#"{"a":"é"}"#), Cow::Borrowed(_)));
        assert_eq!(escape_controls_in_json("\"\u{202e}\""), r#""\u202e""#);
    }

    #[test]
    fn per_line_keeps_the_line_feeds() {
        assert!(matches!(escape_controls_per_line("a\nb"), Cow::Borrowed("a\nb")));
        assert_eq!(
            escape_controls_per_line("a\u{1b}]0;x\u{7}\nb\r\n"),
            "a\\u{1b}]0;x\\u{7}\nb\\r\n"
        );
    }
}
