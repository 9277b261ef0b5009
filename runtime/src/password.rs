//! The password rules that JSON Schema cannot say. Each answers yes or no, or names the
//! rule's own parameter, so that nothing of the password itself reaches a message.

/// How many of the four classes (upper-case, lower-case, digit, special) `s` uses. A special
/// character is anything that is not an ASCII letter or digit; the allowed set is a separate
/// `pattern`.
pub fn class_count(s: &str) -> usize {
    let mut classes = [false; 4];
    for c in s.chars() {
        let class = if c.is_ascii_uppercase() {
            0
        } else if c.is_ascii_lowercase() {
            1
        } else if c.is_ascii_digit() {
            2
        } else {
            3
        };
        classes[class] = true;
    }
    classes.iter().filter(|present| **present).count()
}

/// Whether `s` contains any character of `chars`.
pub fn contains_any(s: &str, chars: &str) -> bool {
    s.chars().any(|c| chars.contains(c))
}

/// The first of `names` that `s` contains, forwards or reversed, ignoring case.
pub fn contained_name<'n>(s: &str, names: &[&'n str]) -> Option<&'n str> {
    let lower = s.to_lowercase();
    names.iter().copied().find(|name| {
        let name = name.to_lowercase();
        let reversed: String = name.chars().rev().collect();
        lower.contains(&name) || lower.contains(&reversed)
    })
}

/// Whether `s` contains more than `max` consecutive characters of `name` (ignoring case).
pub fn has_run_of(s: &str, name: &str, max: usize) -> bool {
    let lower = s.to_lowercase();
    let name = name.to_lowercase();
    // The byte offset of every character of `name` and its end: a run of `max + 1` characters
    // is the text between two offsets `max + 1` apart.
    let bounds: Vec<usize> = name.char_indices().map(|(at, _)| at).chain([name.len()]).collect();
    bounds
        .windows(max + 2)
        .any(|run| contains(&lower, &name[run[0]..run[max + 1]]))
}

/// `haystack.contains(needle)` for the short strings of passwords, where comparing at every
/// offset beats building a substring searcher.
fn contains(haystack: &str, needle: &str) -> bool {
    needle.is_empty()
        || haystack
            .as_bytes()
            .windows(needle.len())
            .any(|at| at == needle.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert_eq!(class_count(""), 0);
        assert_eq!(class_count("abcdefgh"), 1);
        assert_eq!(class_count("abcDEF12"), 3);
        assert_eq!(class_count("aB1!"), 4);
        assert_eq!(class_count("ab é"), 2);
    }

    #[test]
    fn doubtful_characters() {
        assert!(contains_any("Pass~word1", "~#*"));
        assert!(!contains_any("Pass-word1", "~#*"));
    }

    #[test]
    fn usernames() {
        let names = ["root", "Administrator"];
        assert_eq!(contained_name("MyRoot#2024", &names), Some("root"));
        assert_eq!(contained_name("xTOORx12", &names), Some("root"));
        assert_eq!(contained_name("aDMINISTRATOR1!", &names), Some("Administrator"));
        assert_eq!(contained_name("Cloud.Pass-2024", &names), None);
    }

    #[test]
    fn runs() {
        assert!(has_run_of("xxADMxx", "Administrator", 2));
        assert!(has_run_of("tor!2024", "Administrator", 2));
        assert!(!has_run_of("Ad!mi-ni", "Administrator", 2));
        assert!(!has_run_of("", "Administrator", 2));
    }
}
