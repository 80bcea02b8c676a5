//! The values of a secret: its SecretString read as a JSON object of strings.

use crate::redact::REDACTED;
use serde_json::Value;
use serde_json::error::Category;
use std::collections::BTreeMap;
use std::fmt;

/// Key to value, sorted by key. `Debug` shows the keys only.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SecretValues(BTreeMap<String, String>);

impl SecretValues {
    /// Parses a SecretString. The error says where the text goes wrong (line and column, the
    /// key, the JSON type found), never what it holds.
    pub fn parse(secret_string: &str) -> Result<Self, String> {
        let value: Value = serde_json::from_str(secret_string).map_err(|error| {
            let what = match error.classify() {
                Category::Eof => "the JSON ends early",
                Category::Syntax | Category::Data => "invalid JSON",
                Category::Io => "unreadable JSON",
            };
            format!("{what} at line {} column {}", error.line(), error.column())
        })?;
        let Value::Object(object) = value else {
            return Err(format!("found {} instead of an object", kind(&value)));
        };
        let mut values = BTreeMap::new();
        for (key, value) in object {
            match value {
                Value::String(text) => {
                    values.insert(key, text);
                }
                other => {
                    return Err(format!("key {key:?} holds {}, not a string", kind(&other)));
                }
            }
        }
        Ok(Self(values))
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The plain map, for callers that keep values in their own redacting types.
    pub fn into_map(self) -> BTreeMap<String, String> {
        self.0
    }
}

impl fmt::Debug for SecretValues {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.keys().map(|key| (key, REDACTED)))
            .finish()
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_object_of_strings_is_read() {
        let values = SecretValues::parse(
            r#"{"main-database-url":"postgres://u:p@h/db","password":" pw ","empty":""}"#,
        )
        .unwrap();
        assert_eq!(values.get("main-database-url"), Some("postgres://u:p@h/db"));
        assert_eq!(values.get("password"), Some(" pw "));
        assert_eq!(values.get("empty"), Some(""));
        assert_eq!(values.get("missing"), None);
        assert_eq!(
            values.keys().collect::<Vec<_>>(),
            ["empty", "main-database-url", "password"]
        );
    }

    #[test]
    fn errors_say_where_not_what() {
        let cases = [
            (
                r#"{"password": 12345678}"#,
                r#"key "password" holds a number, not a string"#,
            ),
            (
                r#"{"password": ["hunter2"]}"#,
                r#"key "password" holds an array, not a string"#,
            ),
            (
                r#"{"password": null}"#,
                r#"key "password" holds null, not a string"#,
            ),
            (r#""hunter2""#, "found a string instead of an object"),
            (r#"["hunter2"]"#, "found an array instead of an object"),
            ("hunter2", "invalid JSON at line 1 column 1"),
            (
                r#"{"password": "hunter2""#,
                "the JSON ends early at line 1 column 22",
            ),
            ("", "the JSON ends early at line 1 column 0"),
        ];
        for (text, expected) in cases {
            let error = SecretValues::parse(text).unwrap_err();
            assert_eq!(error, expected, "{text}");
            assert!(!error.contains("hunter2") && !error.contains("12345678"));
        }
    }

    #[test]
    fn debug_shows_keys_only() {
        let values = SecretValues::parse(r#"{"password":"hunter2"}"#).unwrap();
        assert_eq!(format!("{values:?}"), r#"{"password": "** redacted **"}"#);
    }
}
