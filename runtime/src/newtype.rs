//! The impls of the generated models' constrained strings (`ImageId`, `AdminPassword`, ...),
//! written once: the generated code declares each type with its docs and names its check,
//! `text_newtype!` or `secret_newtype!` gives it the rest. A type refuses a value that breaks
//! a rule of error severity of its schema, through the linter's own check of the text: `$check`
//! names a function of the generated crate's `lint` module (`crate::` in a macro is the crate
//! that uses it).

/// Parsing (`new`, `TryFrom<String>`, `TryFrom<&str>`, `FromStr`) and `Serialize` of a
/// newtype whose field is made from the text by `$wrap`.
#[doc(hidden)]
#[macro_export]
// `crate::lint` is meant: the generated crate's linter, where the macro is used.
#[allow(clippy::crate_in_macro_def)]
macro_rules! __newtype_parse {
    ($name:ident, $check:ident, $wrap:expr) => {
        impl $name {
            /// The value, or why the spec refuses it: the first rule of error severity it
            /// breaks (warnings do not refuse a value; `lint()` reports them).
            pub fn new(value: impl Into<String>) -> Result<Self, $crate::invalid::InvalidValue> {
                let value: String = value.into();
                $crate::invalid::InvalidValue::check(&value, stringify!($name), crate::lint::$check)?;
                Ok(Self($wrap(value)))
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::invalid::InvalidValue;

            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::new(value)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = $crate::invalid::InvalidValue;

            fn try_from(value: &str) -> Result<Self, Self::Error> {
                Self::new(value)
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::invalid::InvalidValue;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Self::new(value)
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.text())
            }
        }
    };
}

/// A constrained string that is not secret: `struct $name(String)`, read as a `str`.
#[macro_export]
macro_rules! text_newtype {
    ($name:ident, $check:ident) => {
        $crate::__newtype_parse!($name, $check, ::std::convert::identity);

        impl $name {
            /// The value.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The text the checks run on.
            fn text(&self) -> &str {
                &self.0
            }
        }

        impl ::std::ops::Deref for $name {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }
    };
}

/// A secret constrained string: `struct $name(SecretString)`. It never shows its value (Debug
/// and Display print `[redacted]`) and gives it only through `expose`; it has no `AsRef<str>`,
/// as generic code that takes one would print the secret without a word.
#[macro_export]
macro_rules! secret_newtype {
    ($name:ident, $check:ident) => {
        $crate::__newtype_parse!($name, $check, $crate::secret::SecretString::from);

        impl $name {
            /// The clear value, for the one place that needs it (the request sent).
            pub fn expose(&self) -> &str {
                self.0.expose()
            }

            /// The value as a [`SecretString`]($crate::secret::SecretString).
            pub fn as_secret(&self) -> &$crate::secret::SecretString {
                &self.0
            }

            /// The text the checks run on.
            fn text(&self) -> &str {
                self.0.expose()
            }
        }

        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, "{}({})", stringify!($name), $crate::secret::REDACTED)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str($crate::secret::REDACTED)
            }
        }

        impl From<$name> for $crate::secret::SecretString {
            fn from(value: $name) -> $crate::secret::SecretString {
                value.0
            }
        }
    };
}

/// `Display` (the wire value), `TryFrom<&str>` and `Deserialize` of a closed value set of the
/// generated models, through its `as_str` and `FromStr`: a value outside the set is refused
/// with the set's rule.
#[macro_export]
macro_rules! closed_set {
    ($name:ident) => {
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl TryFrom<&str> for $name {
            type Error = $crate::invalid::InvalidValue;

            fn try_from(value: &str) -> Result<Self, Self::Error> {
                value.parse()
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <String as ::serde::Deserialize>::deserialize(deserializer)?;
                value
                    .parse()
                    .map_err(|e| ::serde::de::Error::custom(format_args!("unknown variant `{value}`, {e}")))
            }
        }
    };
}
