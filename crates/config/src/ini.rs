//! key=value files with optional `[section]` headers: Workbench's `rserver.conf`,
//! `launcher.conf`, `logging.conf`, `launcher.kubernetes.profiles.conf`, `repos.conf`, ...
//!
//! Layout: flat settings as `key=value` lines; a section starts with an empty line and
//! `[name]`. Settings are written in the order the caller gives them. Strings only when
//! non-empty (unless asked otherwise), integers always, lists joined with their separator.
//!
//! Workbench reads these files with Boost.Program_options' config-file parser: every line is
//! trimmed, `#` starts a comment anywhere on the line, and there is no quoting or escaping.
//! So a value (or list item, or section name) can carry any text except a control character
//! (a line break would start another setting), `#`, and leading or trailing white space;
//! those are refused with an error naming the key. A list item cannot contain the list's
//! separator or be empty. An empty file is written as a single newline.

use crate::refused::{self, FirstRefusal, Reason, Refused, Trims};

/// Writes one key=value file.
#[derive(Debug, Default)]
pub struct Ini {
    text: String,
    section: Option<String>,
    refusal: FirstRefusal,
}

impl Ini {
    /// An empty file.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts `[name]`; the settings that follow belong to it.
    pub fn section(&mut self, name: &str) -> &mut Self {
        let ok = self.refusal.check(
            || format!("[{name}]"),
            refused::name(name, Trims::Ascii).and_then(|()| no_comment(name)),
        );
        self.section = Some(name.to_string());
        if ok {
            self.text.push_str("\n[");
            self.text.push_str(name);
            self.text.push_str("]\n");
        }
        self
    }

    /// `key=value`, only when the value is non-empty.
    pub fn string(&mut self, key: &str, value: &str) -> &mut Self {
        if !value.is_empty() {
            self.string_always(key, value);
        }
        self
    }

    /// `key=value`, also when the value is empty (`key=`).
    pub fn string_always(&mut self, key: &str, value: &str) -> &mut Self {
        let checked = refused::plain(value, Trims::Ascii).and_then(|()| no_comment(value));
        let section = &self.section;
        if self.refusal.check(|| location(section, key), checked) {
            self.line(key, value);
        }
        self
    }

    /// `key=<integer>`, always.
    pub fn int(&mut self, key: &str, value: i64) -> &mut Self {
        self.line(key, &value.to_string());
        self
    }

    /// `key=a<sep>b<sep>c`, only when there are items.
    pub fn list(&mut self, key: &str, items: &[String], separator: char) -> &mut Self {
        if !items.is_empty() {
            self.list_always(key, items, separator);
        }
        self
    }

    /// `key=a<sep>b`, also when there are no items (`key=`).
    pub fn list_always(&mut self, key: &str, items: &[String], separator: char) -> &mut Self {
        for (index, item) in items.iter().enumerate() {
            let checked = refused::name(item, Trims::Ascii)
                .and_then(|()| no_comment(item))
                .and_then(|()| without(item, separator, "separates the items of this list"));
            let section = &self.section;
            if !self
                .refusal
                .check(|| format!("{}[{index}]", location(section, key)), checked)
            {
                return self;
            }
        }
        self.line(key, &items.join(&separator.to_string()));
        self
    }

    /// The file text (a single newline when nothing was written), or the first refusal.
    pub fn finish(self) -> Result<String, Refused> {
        self.refusal.finish(self.text)
    }

    fn line(&mut self, key: &str, value: &str) {
        let valid_key = !key.is_empty()
            && !key.starts_with('[')
            && !key
                .chars()
                .any(|c| c == '=' || c == '#' || c.is_whitespace() || c.is_control());
        if !valid_key {
            // Keys are the operator's own names; a bad one is a bug, reported like a value.
            self.refusal.record(
                location(&self.section, key),
                Reason::Reserved {
                    character: key
                        .chars()
                        .find(|c| matches!(c, '=' | '#' | '[') || c.is_whitespace())
                        .unwrap_or('='),
                    meaning: "cannot appear in a key name",
                },
            );
            return;
        }
        self.text.push_str(key);
        self.text.push('=');
        self.text.push_str(value);
        self.text.push('\n');
    }
}

/// Where a key is, for messages: `key` or `[section] key`.
fn location(section: &Option<String>, key: &str) -> String {
    match section {
        Some(section) => format!("[{section}] {key}"),
        None => key.to_string(),
    }
}

fn no_comment(value: &str) -> Result<(), Reason> {
    if value.contains('#') {
        Err(Reason::CommentMarker('#'))
    } else {
        Ok(())
    }
}

fn without(value: &str, character: char, meaning: &'static str) -> Result<(), Reason> {
    if value.contains(character) {
        Err(Reason::Reserved { character, meaning })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gcfg::EscapedChar;

    #[test]
    fn flat_and_sectioned_layout() {
        let mut file = Ini::new();
        file.string("address", "127.0.0.1")
            .string("empty", "")
            .int("zero", 0)
            .list("scopes", &["openid".into(), "email".into()], ' ');
        file.section("*")
            .string_always("images", "")
            .list_always("none", &[], ',');
        assert_eq!(
            file.finish().unwrap(),
            "address=127.0.0.1\nzero=0\nscopes=openid email\n\n[*]\nimages=\nnone=\n"
        );
        assert_eq!(Ini::new().finish().unwrap(), "\n");
    }

    #[test]
    fn a_line_break_is_refused_with_the_key() {
        let mut file = Ini::new();
        file.section("server")
            .string("admin-group", "admins\nauth-none=1");
        let refused = file.finish().unwrap_err();
        assert_eq!(refused.key, "[server] admin-group");
        assert_eq!(refused.reason, Reason::ControlCharacter(EscapedChar('\n')));
    }

    #[test]
    fn comment_markers_and_edge_blanks_are_refused() {
        for value in ["a#b", " a", "a ", "\ta"] {
            let mut file = Ini::new();
            file.string("k", value);
            assert!(file.finish().is_err(), "{value:?}");
        }
    }

    #[test]
    fn list_items_cannot_hide_another_item() {
        let mut file = Ini::new();
        file.list("container-images", &["a".into(), "b,c".into()], ',');
        let refused = file.finish().unwrap_err();
        assert_eq!(refused.key, "container-images[1]");
        let mut file = Ini::new();
        file.list("container-images", &["a".into(), String::new()], ',');
        assert_eq!(file.finish().unwrap_err().reason, Reason::Empty);
    }

    #[test]
    fn section_names_are_checked() {
        for name in ["", "a\n[b]", "a#b", " a"] {
            let mut file = Ini::new();
            file.section(name).int("x", 1);
            assert!(file.finish().is_err(), "{name:?}");
        }
        let mut file = Ini::new();
        file.section("@admins").int("x", 1);
        assert_eq!(file.finish().unwrap(), "\n[@admins]\nx=1\n");
    }

    #[test]
    fn only_the_first_refusal_is_reported() {
        let mut file = Ini::new();
        file.string("first", "a\nb").string("second", "c#d");
        assert_eq!(file.finish().unwrap_err().key, "first");
    }
}
