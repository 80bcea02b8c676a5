//! DCF (`Key: value` records), Workbench's format for `launcher-env`: which environment
//! the launcher gives to jobs.
//!
//! Layout: a record starts with an empty line; each field is `Key: value`; a multi-line
//! field puts its first line after the key and every further line on a continuation line
//! indented by two spaces. Workbench's reader strips the white space after the colon and
//! treats a line starting with white space as a continuation, so a value (or line) cannot
//! contain a control character or start or end with white space; such values are refused
//! with an error naming the field.

use crate::refused::{self, FirstRefusal, Reason, Refused, Trims};

/// Writes one DCF file.
#[derive(Debug, Default)]
pub struct Dcf {
    text: String,
    refusal: FirstRefusal,
}

impl Dcf {
    /// An empty file.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts a record (an empty line).
    pub fn record(&mut self) -> &mut Self {
        self.text.push('\n');
        self
    }

    /// `Key: value`, also when the value is empty (`Key:`).
    pub fn field(&mut self, key: &str, value: &str) -> &mut Self {
        self.check_key(key);
        if self
            .refusal
            .check(|| key.to_string(), refused::plain(value, Trims::Unicode))
        {
            self.text.push_str(key);
            self.text.push(':');
            if !value.is_empty() {
                self.text.push(' ');
                self.text.push_str(value);
            }
            self.text.push('\n');
        }
        self
    }

    /// A field of several lines; nothing when there are none.
    pub fn lines(&mut self, key: &str, lines: &[String]) -> &mut Self {
        self.check_key(key);
        for (index, line) in lines.iter().enumerate() {
            if !self.refusal.check(
                || format!("{key}[{index}]"),
                refused::name(line, Trims::Unicode),
            ) {
                return self;
            }
        }
        for (index, line) in lines.iter().enumerate() {
            if index == 0 {
                self.text.push_str(key);
                self.text.push_str(": ");
            } else {
                self.text.push_str("  ");
            }
            self.text.push_str(line);
            self.text.push('\n');
        }
        self
    }

    /// A field of `NAME=value` lines (an environment), in the order given.
    pub fn environment<'a>(
        &mut self,
        key: &str,
        variables: impl IntoIterator<Item = (&'a String, &'a String)>,
    ) -> &mut Self {
        let mut lines = Vec::new();
        for (name, value) in variables {
            let valid_name = refused::name(name, Trims::Unicode).and_then(|()| {
                match name.chars().find(|c| *c == '=' || c.is_whitespace()) {
                    Some(character) => Err(Reason::Reserved {
                        character,
                        meaning: "cannot appear in an environment variable name",
                    }),
                    None => Ok(()),
                }
            });
            // The value sits mid-line after `=`: only its end meets the line's edge.
            let line = format!("{name}={value}");
            let valid = valid_name.and_then(|()| refused::plain(&line, Trims::Unicode));
            if !self.refusal.check(|| format!("{key} {name}"), valid) {
                return self;
            }
            lines.push(line);
        }
        self.lines(key, &lines)
    }

    /// The file text (a single newline when nothing was written), or the first refusal.
    pub fn finish(self) -> Result<String, Refused> {
        self.refusal.finish(self.text)
    }

    fn check_key(&mut self, key: &str) {
        let valid = key.starts_with(|c: char| c.is_ascii_alphabetic())
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid {
            self.refusal.record(
                key,
                Reason::Reserved {
                    character: key
                        .chars()
                        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
                        .unwrap_or(':'),
                    meaning: "cannot appear in a field name",
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn launcher_env_layout() {
        let environment = BTreeMap::from([
            ("PATH".to_string(), "/opt/bin:/usr/bin".to_string()),
            ("A".to_string(), "1 2".to_string()),
        ]);
        let mut file = Dcf::new();
        file.record()
            .field("JobType", "session")
            .environment("Environment", &environment);
        assert_eq!(
            file.finish().unwrap(),
            "\nJobType: session\nEnvironment: A=1 2\n  PATH=/opt/bin:/usr/bin\n"
        );
    }

    #[test]
    fn empty_values_and_files() {
        let mut file = Dcf::new();
        file.record()
            .field("JobType", "")
            .environment("Environment", &BTreeMap::new());
        assert_eq!(file.finish().unwrap(), "\nJobType:\n");
        assert_eq!(Dcf::new().finish().unwrap(), "\n");
    }

    #[test]
    fn values_that_would_start_a_field_are_refused() {
        let environment = BTreeMap::from([("PATH".to_string(), "/bin\nJobType: any".to_string())]);
        let mut file = Dcf::new();
        file.environment("Environment", &environment);
        let refused = file.finish().unwrap_err();
        assert_eq!(refused.key, "Environment PATH");

        for name in ["A=B", "A B", ""] {
            let environment = BTreeMap::from([(name.to_string(), "x".to_string())]);
            let mut file = Dcf::new();
            file.environment("Environment", &environment);
            assert!(file.finish().is_err(), "{name:?}");
        }
        let mut file = Dcf::new();
        file.field("JobType", " session");
        assert_eq!(file.finish().unwrap_err().reason, Reason::EdgeWhitespace);
    }
}
