//! Free text scrubbed of secrets in every form a server or a log may give them back.
//!
//! An error answer may quote what it was sent: the password as JSON writes it (`\"`, `\\`,
//! `\n`, `\/`), every character as `\uXXXX` (a surrogate pair beyond the BMP, hex digits in
//! either case), percent-encoded (either case, `+` for a space), or inside a JSON string that
//! is itself inside another (`\\\"`). Each character of a secret is matched in any of these
//! forms, so a text that mixes them (`Pa55%21word`, `\u0050a55!word`) is caught too. Matching
//! is by the `regex` crate: time linear in the text, whatever the secret holds.

use std::sync::OnceLock;

use regex::{NoExpand, Regex, RegexBuilder};

/// What stands in for a secret.
pub const REDACTED: &str = "[redacted]";

/// Secrets up to this many characters are found in every form; an IAM token, the longest
/// secret a request carries, has a few thousand.
const MAX_PATTERN_CHARS: usize = 32 << 10;

/// Room for the pattern of a secret of [`MAX_PATTERN_CHARS`]: the regex crate's default limit
/// is sized for hand-written patterns.
const PATTERN_SIZE_LIMIT: usize = 256 << 20;

/// The secrets registered so far, longest first (so that a secret that contains another is
/// replaced whole).
#[derive(Default)]
pub struct Scrubber {
    secrets: Vec<(usize, Forms)>,
}

/// How one secret is found.
enum Forms {
    /// Every form of every character (see the module documentation): the secret, and its
    /// pattern once a text long enough to hold it was scrubbed (a token of some kilobytes
    /// takes a moment to compile, and most texts are shorter than it).
    Any(String, OnceLock<Option<Regex>>),
    /// The secret as it is and as JSON escapes it: for a secret longer than any that a request
    /// carries (beyond [`MAX_PATTERN_CHARS`]), whose pattern would take too much memory.
    Exact(Vec<String>),
}

impl Scrubber {
    /// Registers `secret`.
    pub fn add(&mut self, secret: &str) {
        let len = secret.chars().count();
        let forms = if len <= MAX_PATTERN_CHARS {
            Forms::Any(secret.to_owned(), OnceLock::new())
        } else {
            Forms::Exact(exact_forms(secret))
        };
        let at = self.secrets.partition_point(|(other, _)| *other >= len);
        self.secrets.insert(at, (len, forms));
    }

    /// `text` with every form of every registered secret replaced by [`REDACTED`].
    pub fn scrub(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for (_, forms) in &self.secrets {
            match forms {
                // Every form takes at least a byte per character.
                Forms::Any(secret, _) if text.len() < secret.chars().count() => {}
                Forms::Any(secret, regex) => match regex.get_or_init(|| compile(secret)) {
                    Some(regex) => {
                        if regex.is_match(&text) {
                            text = regex.replace_all(&text, NoExpand(REDACTED)).into_owned();
                        }
                    }
                    None => text = replace_exact(&text, &exact_forms(secret)),
                },
                Forms::Exact(exact) => text = replace_exact(&text, exact),
            }
        }
        text
    }
}

/// The regex of every form of `secret`; `None` if it is beyond the limit (it never is below
/// [`MAX_PATTERN_CHARS`] characters).
fn compile(secret: &str) -> Option<Regex> {
    RegexBuilder::new(&pattern(secret))
        .size_limit(PATTERN_SIZE_LIMIT)
        .build()
        .ok()
}

/// The secret as it is and as JSON escapes it.
fn exact_forms(secret: &str) -> Vec<String> {
    let json = serde_json::Value::String(secret.to_owned()).to_string();
    vec![secret.to_owned(), json[1..json.len() - 1].to_owned()]
}

fn replace_exact(text: &str, forms: &[String]) -> String {
    let mut text = text.to_owned();
    for form in forms {
        if text.contains(form.as_str()) {
            text = text.replace(form.as_str(), REDACTED);
        }
    }
    text
}

/// The pattern that matches `secret` with each character in any of its forms.
fn pattern(secret: &str) -> String {
    secret.chars().map(forms).collect()
}

/// The forms of one character, as a regex group.
fn forms(c: char) -> String {
    let mut forms = vec![match c {
        // Written as it is, or escaped once or more (JSON inside JSON): any run of backslashes.
        '\\' => r"\\+".to_owned(),
        '"' | '/' => format!(r"\\*{c}"),
        c => regex::escape(c.encode_utf8(&mut [0; 4])),
    }];
    if let Some(short) = json_short_escape(c) {
        forms.push(format!(r"\\+{short}"));
    }
    // `\uXXXX`, one per UTF-16 unit: a character beyond the BMP is a surrogate pair.
    forms.push(
        c.encode_utf16(&mut [0; 2])
            .iter()
            .map(|unit| format!(r"\\+u{}", hex(&format!("{unit:04x}"))))
            .collect(),
    );
    if c.is_control() {
        // How a raw body's control characters are shown (`\u{1b}`), and C's `\x1b`.
        forms.push(format!(r"\\+u\{{0*{}\}}", hex(&format!("{:x}", u32::from(c)))));
        forms.push(format!(r"\\+x{}", hex(&format!("{:02x}", u32::from(c)))));
    }
    // Percent-encoding of its UTF-8 bytes, and a form's `+` for a space.
    forms.push(
        c.encode_utf8(&mut [0; 4])
            .bytes()
            .map(|byte| format!("%{}", hex(&format!("{byte:02x}"))))
            .collect(),
    );
    if c == ' ' {
        forms.push(r"\+".to_owned());
    }
    format!("(?:{})", forms.join("|"))
}

/// The letter of JSON's two-character escape of `c`, if it has one (`"`, `\` and `/` are
/// matched with their escapes already).
fn json_short_escape(c: char) -> Option<char> {
    match c {
        '\u{8}' => Some('b'),
        '\u{c}' => Some('f'),
        '\n' => Some('n'),
        '\r' => Some('r'),
        '\t' => Some('t'),
        _ => None,
    }
}

/// Hex digits (lower case) as a pattern that takes either case.
fn hex(digits: &str) -> String {
    digits
        .chars()
        .map(|d| {
            if d.is_ascii_alphabetic() {
                format!("[{d}{}]", d.to_ascii_uppercase())
            } else {
                d.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scrubber(secrets: &[&str]) -> Scrubber {
        let mut scrubber = Scrubber::default();
        for secret in secrets {
            scrubber.add(secret);
        }
        scrubber
    }

    /// Every character as `\uXXXX`, hex digits in the given case.
    fn u_escaped(secret: &str, upper: bool) -> String {
        secret
            .encode_utf16()
            .map(|unit| {
                let hex = format!("{unit:04x}");
                format!(r"\u{}", if upper { hex.to_uppercase() } else { hex })
            })
            .collect()
    }

    /// Every byte percent-encoded, hex digits in the given case.
    fn percent_all(secret: &str, upper: bool) -> String {
        secret
            .bytes()
            .map(|b| {
                if upper {
                    format!("%{b:02X}")
                } else {
                    format!("%{b:02x}")
                }
            })
            .collect()
    }

    #[test]
    fn every_form_of_a_secret_is_scrubbed() {
        let secret = "Pa\"s\\s/w ö+rd\t😀1";
        let json = serde_json::to_string(secret).unwrap();
        let json = &json[1..json.len() - 1];
        let form = |s: &str| format!("before {s} after");
        let forms = [
            secret.to_owned(),
            json.to_owned(),
            // JSON inside a JSON string.
            serde_json::to_string(json).unwrap().trim_matches('"').to_owned(),
            json.replace('/', r"\/"),
            u_escaped(secret, false),
            u_escaped(secret, true),
            percent_all(secret, false),
            percent_all(secret, true),
            // What a URL encoder writes: reserved characters only, a space as `+` or `%20`.
            "Pa%22s%5Cs%2Fw+%C3%B6%2Brd%09%F0%9F%98%801".to_owned(),
            "Pa%22s%5cs%2fw%20%c3%b6%2brd%09%f0%9f%98%801".to_owned(),
            // Forms mixed, as some encoders write them (non-ASCII as `\u`, the rest as it is).
            r#"Pa\"s\\s/w \u00f6+rd\t\ud83d\ude001"#.to_owned(),
            // A raw body's control characters as the client shows them.
            "Pa\"s\\s/w ö+rd\\u{9}😀1".to_owned(),
        ];
        let scrubber = scrubber(&[secret]);
        for shown in forms {
            assert_eq!(scrubber.scrub(&form(&shown)), form(REDACTED), "{shown}");
        }
    }

    #[test]
    fn other_text_is_kept() {
        let password = scrubber(&["Cloud.Pass-2024!x"]);
        for text in [
            "HTTP 400 Ecs.0011: The password does not meet the complexity requirements.",
            "Cloud.Pass-2024!",
            r"Cloud.Pass-2024\u0021",
            "%43loud.Pass-2024%2",
        ] {
            assert_eq!(password.scrub(text), text);
        }
        // The regex syntax of a secret's characters is taken literally.
        let special = scrubber(&["a.b*c(d"]);
        assert_eq!(special.scrub("axb*c(d a.bbc(d a.b*c(d"), "axb*c(d a.bbc(d [redacted]");
    }

    #[test]
    fn the_longest_secret_is_replaced_first() {
        let scrubber = scrubber(&["Pa55word!", "Pa55word!Long"]);
        assert_eq!(
            scrubber.scrub("x Pa55word!Long y Pa55word%21 z"),
            "x [redacted] y [redacted] z"
        );
    }

    #[test]
    fn tokens_of_many_kilobytes_are_scrubbed() {
        // An IAM token is a few kilobytes of base64 and `-`.
        let token: String = (0..8_000)
            .map(|i| char::from(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-="[i % 66]))
            .collect();
        let scrubber = scrubber(&[&token]);
        // Shorter texts cannot hold it: its pattern is not even compiled for them.
        assert_eq!(scrubber.scrub("short"), "short");
        assert!(matches!(&scrubber.secrets[0].1, Forms::Any(_, regex) if regex.get().is_none()));
        let text = format!("token {token} or {} end", percent_all(&token, true));
        assert_eq!(scrubber.scrub(&text), "token [redacted] or [redacted] end");
        assert!(matches!(&scrubber.secrets[0].1, Forms::Any(_, regex) if regex.get().is_some_and(Option::is_some)));
    }

    #[test]
    fn a_secret_beyond_any_pattern_is_still_scrubbed_as_it_is() {
        let huge = "x\"".repeat(MAX_PATTERN_CHARS / 2 + 1);
        let scrubber = scrubber(&[&huge]);
        assert!(matches!(scrubber.secrets[0].1, Forms::Exact(_)));
        let json = serde_json::Value::String(huge.clone()).to_string();
        assert_eq!(
            scrubber.scrub(&format!("a {huge} b {json}")),
            "a [redacted] b \"[redacted]\""
        );
    }
}
