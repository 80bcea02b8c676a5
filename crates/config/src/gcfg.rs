//! gcfg, the git-config-like format of Connect (`rstudio-connect.gcfg`), Package Manager
//! (`rstudio-pm.gcfg`) and Chronicle (`posit-chronicle.gcfg`).
//!
//! Layout, as the products have always received it from the operator: every section starts
//! with an empty line and `[Name]` (or `[Name "subsection"]`), then one `Key = value` line per
//! setting in the order the caller writes them. Strings are written only when non-empty,
//! integers and booleans always, lists as the key repeated once per item.
//!
//! Escaping: a value is written bare when that reads back unchanged; otherwise it is quoted,
//! with `\\`, `\"`, `\n` and `\t` escapes. Quoting is needed for the empty string, leading or
//! trailing blanks, `"`, `\`, `;` and `#` (comment starts), tabs and newlines. Inside quotes a
//! newline is the two characters `\n`, so no value can ever end its line early and start a
//! key or a section. Other control characters (NUL, CR, ...) cannot be carried reliably by
//! every gcfg reader and are refused. Subsection names are quoted and escaped the same way;
//! they cannot contain a newline at all.

use std::fmt;

/// Why a gcfg file could not be written.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GcfgError {
    /// A value contains a control character gcfg cannot carry.
    #[error(
        "[{section}] {key}: the value contains the control character {character}, which the configuration file cannot carry"
    )]
    ControlCharacter {
        section: String,
        key: String,
        character: EscapedChar,
    },
    /// A subsection name contains a newline or another control character.
    #[error(
        "[{section} {subsection:?}]: a section name cannot contain the control character {character}"
    )]
    SubsectionName {
        section: String,
        subsection: String,
        character: EscapedChar,
    },
    /// A section or key name is not an identifier (a bug in the caller, never user input).
    #[error("{name:?} is not a valid gcfg section or key name")]
    InvalidName { name: String },
}

/// A character shown in an error message as a Unicode code point (`U+000D`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EscapedChar(pub char);

impl fmt::Display for EscapedChar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "U+{:04X}", u32::from(self.0))
    }
}

/// Writes one gcfg file. Errors are recorded and returned by [`Gcfg::finish`], so a long run
/// of settings reads as a plain list of calls.
#[derive(Debug, Default)]
pub struct Gcfg {
    text: String,
    section: String,
    error: Option<GcfgError>,
}

impl Gcfg {
    /// An empty file.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts `[name]`.
    pub fn section(&mut self, name: &str) -> &mut Self {
        self.check_name(name);
        self.section = name.to_string();
        self.text.push_str("\n[");
        self.text.push_str(name);
        self.text.push_str("]\n");
        self
    }

    /// Starts `[name "subsection"]`; the subsection name is escaped.
    pub fn subsection(&mut self, name: &str, subsection: &str) -> &mut Self {
        self.check_name(name);
        self.section = format!("{name} {subsection:?}");
        if let Some(character) = subsection.chars().find(|c| c.is_control()) {
            self.fail(GcfgError::SubsectionName {
                section: name.to_string(),
                subsection: subsection.to_string(),
                character: EscapedChar(character),
            });
        }
        self.text.push_str("\n[");
        self.text.push_str(name);
        self.text.push_str(" \"");
        for c in subsection.chars() {
            if c == '"' || c == '\\' {
                self.text.push('\\');
            }
            self.text.push(c);
        }
        self.text.push_str("\"]\n");
        self
    }

    /// `key = value`, only when the value is non-empty.
    pub fn string(&mut self, key: &str, value: &str) -> &mut Self {
        if !value.is_empty() {
            self.line(key, value);
        }
        self
    }

    /// `key = value`, even when the value is empty (written `""`).
    pub fn string_always(&mut self, key: &str, value: &str) -> &mut Self {
        self.line(key, value);
        self
    }

    /// `key = true|false`, always.
    pub fn bool(&mut self, key: &str, value: bool) -> &mut Self {
        self.line(key, if value { "true" } else { "false" });
        self
    }

    /// `key = <integer>`, always.
    pub fn int(&mut self, key: &str, value: i64) -> &mut Self {
        self.line(key, &value.to_string());
        self
    }

    /// One `key = item` line per non-empty item.
    pub fn strings(&mut self, key: &str, values: &[String]) -> &mut Self {
        for value in values.iter().filter(|v| !v.is_empty()) {
            self.line(key, value);
        }
        self
    }

    /// The file text, or the first problem met.
    pub fn finish(self) -> Result<String, GcfgError> {
        match self.error {
            Some(error) => Err(error),
            None => Ok(self.text),
        }
    }

    fn line(&mut self, key: &str, value: &str) {
        self.check_name(key);
        if let Some(character) = value.chars().find(|c| is_refused(*c)) {
            self.fail(GcfgError::ControlCharacter {
                section: self.section.clone(),
                key: key.to_string(),
                character: EscapedChar(character),
            });
            return;
        }
        self.text.push_str(key);
        self.text.push_str(" = ");
        push_value(&mut self.text, value);
        self.text.push('\n');
    }

    fn check_name(&mut self, name: &str) {
        let valid = name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !valid {
            self.fail(GcfgError::InvalidName {
                name: name.to_string(),
            });
        }
    }

    fn fail(&mut self, error: GcfgError) {
        self.error.get_or_insert(error);
    }
}

/// Control characters other than tab and newline, which have escapes.
fn is_refused(c: char) -> bool {
    c.is_control() && c != '\t' && c != '\n'
}

fn needs_quotes(value: &str) -> bool {
    value.is_empty()
        || value.starts_with([' ', '\t'])
        || value.ends_with([' ', '\t'])
        || value.contains(['"', '\\', ';', '#', '\n', '\t'])
}

fn push_value(out: &mut String, value: &str) {
    if !needs_quotes(value) {
        out.push_str(value);
        return;
    }
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            other => out.push(other),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(value: &str) -> String {
        let mut file = Gcfg::new();
        file.section("Server").string_always("Value", value);
        file.finish().unwrap()
    }

    #[test]
    fn layout_matches_the_products_expectations() {
        let mut file = Gcfg::new();
        file.section("Server")
            .string("Address", "https://connect.example.com")
            .string("DataDir", "")
            .bool("ProxyHeaderLogging", false)
            .int("Limit", 0)
            .strings("Item", &["a".into(), String::new(), "b".into()]);
        file.subsection("RPackageRepository", "CRAN")
            .string("Url", "https://p/cran");
        assert_eq!(
            file.finish().unwrap(),
            "\n[Server]\nAddress = https://connect.example.com\nProxyHeaderLogging = false\nLimit = 0\nItem = a\nItem = b\n\n[RPackageRepository \"CRAN\"]\nUrl = https://p/cran\n"
        );
    }

    #[test]
    fn plain_values_stay_bare() {
        assert_eq!(
            one("postgres://a@db:5432/a?options=-csearch_path=x&sslmode=require"),
            "\n[Server]\nValue = postgres://a@db:5432/a?options=-csearch_path=x&sslmode=require\n"
        );
        assert_eq!(one("Grüße, 東京"), "\n[Server]\nValue = Grüße, 東京\n");
    }

    #[test]
    fn hostile_values_are_quoted_and_escaped() {
        assert_eq!(one(""), "\n[Server]\nValue = \"\"\n");
        assert_eq!(one(" x"), "\n[Server]\nValue = \" x\"\n");
        assert_eq!(one("a;b#c"), "\n[Server]\nValue = \"a;b#c\"\n");
        assert_eq!(
            one("x\n[Database]\nProvider = sqlite"),
            "\n[Server]\nValue = \"x\\n[Database]\\nProvider = sqlite\"\n"
        );
        assert_eq!(one("q\"\\\t"), "\n[Server]\nValue = \"q\\\"\\\\\\t\"\n");
    }

    #[test]
    fn control_characters_are_refused_with_the_key() {
        let mut file = Gcfg::new();
        file.section("Server").string("Warning", "a\rb");
        let error = file.finish().unwrap_err();
        assert_eq!(
            error.to_string(),
            "[Server] Warning: the value contains the control character U+000D, which the configuration file cannot carry"
        );
    }

    #[test]
    fn subsection_names_are_escaped_or_refused() {
        let mut file = Gcfg::new();
        file.subsection("RPackageRepository", "my \"repo\"\\x");
        assert_eq!(
            file.finish().unwrap(),
            "\n[RPackageRepository \"my \\\"repo\\\"\\\\x\"]\n"
        );
        let mut file = Gcfg::new();
        file.subsection("RPackageRepository", "a\n[Database]");
        assert!(matches!(
            file.finish(),
            Err(GcfgError::SubsectionName { .. })
        ));
    }

    #[test]
    fn invalid_key_names_are_caller_bugs_reported_as_errors() {
        let mut file = Gcfg::new();
        file.section("Server").string("Bad Key", "x");
        assert!(matches!(file.finish(), Err(GcfgError::InvalidName { .. })));
    }
}
