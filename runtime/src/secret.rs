//! A string that must never be shown: `Debug` and `Display` print a marker, only
//! [`SecretString::expose`] (and serialisation, to send it) give the value.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What is printed in place of a secret.
pub const REDACTED: &str = "[redacted]";

/// A secret value such as a password.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct SecretString(String);

impl SecretString {
    pub fn new(value: impl Into<String>) -> Self {
        SecretString(value.into())
    }

    /// The clear value, for the one place that needs it (the request sent).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretString({REDACTED})")
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl From<String> for SecretString {
    fn from(value: String) -> Self {
        SecretString(value)
    }
}

impl From<&str> for SecretString {
    fn from(value: &str) -> Self {
        SecretString(value.to_owned())
    }
}

impl Serialize for SecretString {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for SecretString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(SecretString)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_shown() {
        let s = SecretString::from("Hunter2!xyz");
        assert_eq!(format!("{s}"), "[redacted]");
        assert_eq!(format!("{s:?}"), "SecretString([redacted])");
        assert_eq!(format!("{s:#?}"), "SecretString([redacted])");
        assert_eq!(s.expose(), "Hunter2!xyz");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"Hunter2!xyz\"");
        let back: SecretString = serde_json::from_str("\"Hunter2!xyz\"").unwrap();
        assert_eq!(back, s);
    }
}
