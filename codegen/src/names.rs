//! Rust names for wire names: fields and functions in snake_case, constants in
//! SCREAMING_SNAKE_CASE, types in PascalCase; raw identifiers where Rust reserves the word.

use proc_macro2::{Ident, Span};

/// `isAwake` → `is_awake`, `__private__flag` → `private_flag`, `cup-size` → `cup_size`,
/// `NASA` → `nasa`, `ThingOwner` → `thing_owner`.
pub fn snake(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            continue;
        }
        if c.is_ascii_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if (prev.is_ascii_lowercase() || prev.is_ascii_digit() || (prev.is_ascii_uppercase() && next_lower))
                && !out.ends_with('_')
                && !out.is_empty()
            {
                out.push('_');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    while out.ends_with('_') {
        out.pop();
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// `fruit_basket` → `FruitBasket`.
pub fn pascal(name: &str) -> String {
    snake(name)
        .split('_')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// `fruit-too-ripe` → `FRUIT_TOO_RIPE`.
pub fn screaming(name: &str) -> String {
    snake(name).to_ascii_uppercase()
}

/// An identifier, raw when the word is reserved.
pub fn ident(name: &str) -> Ident {
    const RESERVED: [&str; 39] = [
        "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn",
        "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static",
        "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract", "gen", "try",
    ];
    if matches!(name, "self" | "Self" | "crate" | "super") {
        Ident::new(&format!("{name}_"), Span::call_site())
    } else if RESERVED.contains(&name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case() {
        assert_eq!(snake("isAwakeNow"), "is_awake_now");
        assert_eq!(snake("__private__flag"), "private_flag");
        assert_eq!(snake("cup-size"), "cup_size");
        assert_eq!(snake("NASA"), "nasa");
        assert_eq!(snake("fruit_basket"), "fruit_basket");
        assert_eq!(snake("PaintThingWithBrush"), "paint_thing_with_brush");
        assert_eq!(snake("HTTPServer2"), "http_server2");
        assert_eq!(snake("2fa"), "_2fa");
    }

    #[test]
    fn other_cases() {
        assert_eq!(pascal("fruit_basket"), "FruitBasket");
        assert_eq!(pascal("cup-size"), "CupSize");
        assert_eq!(screaming("fruit-too-ripe"), "FRUIT_TOO_RIPE");
        assert_eq!(ident("type").to_string(), "r#type");
        assert_eq!(ident("self").to_string(), "self_");
    }
}
