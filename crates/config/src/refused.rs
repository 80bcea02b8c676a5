//! Values a line-based configuration format cannot carry.
//!
//! The key=value, DCF, one-per-line and supervisord formats have no quoting: a value is the
//! rest of its line, read back with the surrounding white space trimmed. A value that would
//! not read back exactly is refused, with an error naming the key, instead of being written
//! wrongly: it could otherwise end its line early and start another key or section.

use crate::gcfg::EscapedChar;
use std::fmt;

/// A value (or a section, key or item name) that a file cannot carry.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{key}: {reason}")]
pub struct Refused {
    /// Where in the file: `admin-group`, `[server] address`, `Environment PATH`, `[2]`.
    pub key: String,
    pub reason: Reason,
}

/// Why a value was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// A line break (including Unicode line and paragraph separators) or another control
    /// character.
    ControlCharacter(EscapedChar),
    /// A character that starts a comment where the value is read.
    CommentMarker(char),
    /// Leading or trailing white space, which the reader trims.
    EdgeWhitespace,
    /// A character with a meaning in this position (a list separator, a name delimiter).
    Reserved {
        character: char,
        meaning: &'static str,
    },
    /// An empty name or list item.
    Empty,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::ControlCharacter(c) if is_line_break(c.0) => write!(
                f,
                "contains a line break ({c}), which the file cannot carry: it would end the line and start another setting"
            ),
            Reason::ControlCharacter(c) => write!(
                f,
                "contains the control character {c}, which the file cannot carry"
            ),
            Reason::CommentMarker(c) => write!(
                f,
                "contains {c:?}, which starts a comment in this file: the rest of the value would be lost"
            ),
            Reason::EdgeWhitespace => write!(
                f,
                "starts or ends with white space, which the file cannot carry (it is trimmed when read)"
            ),
            Reason::Reserved { character, meaning } => {
                write!(f, "contains {character:?}, which {meaning}")
            }
            Reason::Empty => write!(f, "is empty"),
        }
    }
}

/// Characters some reader ends a line at (Python splits lines at all of them).
fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{1c}'..='\u{1e}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// Which white space a reader trims from the ends of a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Trims {
    /// ASCII blanks only (C++ readers: Boost's config-file parser).
    Ascii,
    /// Any Unicode white space (Python readers: configparser, python-debian).
    Unicode,
}

impl Trims {
    fn trims(self, c: char) -> bool {
        match self {
            Trims::Ascii => c.is_ascii_whitespace(),
            Trims::Unicode => c.is_whitespace(),
        }
    }
}

/// Checks a value against the rules shared by every unquoted line format: no control
/// character, no leading or trailing white space of the kind the reader trims.
pub(crate) fn plain(value: &str, trims: Trims) -> Result<(), Reason> {
    if let Some(c) = value.chars().find(|c| c.is_control() || is_line_break(*c)) {
        return Err(Reason::ControlCharacter(EscapedChar(c)));
    }
    if value.starts_with(|c| trims.trims(c)) || value.ends_with(|c| trims.trims(c)) {
        return Err(Reason::EdgeWhitespace);
    }
    Ok(())
}

/// [`plain`], and not empty.
pub(crate) fn name(value: &str, trims: Trims) -> Result<(), Reason> {
    if value.is_empty() {
        return Err(Reason::Empty);
    }
    plain(value, trims)
}

/// Records the first refusal of a writer, so a run of settings reads as a list of calls.
#[derive(Debug, Default)]
pub(crate) struct FirstRefusal(Option<Refused>);

impl FirstRefusal {
    pub(crate) fn record(&mut self, key: impl Into<String>, reason: Reason) {
        if self.0.is_none() {
            self.0 = Some(Refused {
                key: key.into(),
                reason,
            });
        }
    }

    pub(crate) fn check(
        &mut self,
        key: impl FnOnce() -> String,
        result: Result<(), Reason>,
    ) -> bool {
        match result {
            Ok(()) => true,
            Err(reason) => {
                self.record(key(), reason);
                false
            }
        }
    }

    /// The text (a single newline when nothing was written: every file ends with one), or
    /// the first refusal.
    pub(crate) fn finish(self, text: String) -> Result<String, Refused> {
        match self.0 {
            Some(refused) => Err(refused),
            None if text.is_empty() => Ok("\n".to_string()),
            None => Ok(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_say_what_is_wrong() {
        let refused = Refused {
            key: "admin-group".into(),
            reason: Reason::ControlCharacter(EscapedChar('\n')),
        };
        assert_eq!(
            refused.to_string(),
            "admin-group: contains a line break (U+000A), which the file cannot carry: it would end the line and start another setting"
        );
        assert_eq!(
            Reason::Reserved {
                character: ',',
                meaning: "separates the items of this list"
            }
            .to_string(),
            "contains ',', which separates the items of this list"
        );
    }

    #[test]
    fn plain_values() {
        assert_eq!(plain("a b=c", Trims::Unicode), Ok(()));
        assert_eq!(plain("", Trims::Unicode), Ok(()));
        assert_eq!(name("", Trims::Ascii), Err(Reason::Empty));
        assert_eq!(plain(" a", Trims::Ascii), Err(Reason::EdgeWhitespace));
        assert_eq!(
            plain("a\u{a0}", Trims::Unicode),
            Err(Reason::EdgeWhitespace)
        );
        assert_eq!(plain("a\u{a0}", Trims::Ascii), Ok(()));
        assert_eq!(
            plain("a\tb", Trims::Ascii),
            Err(Reason::ControlCharacter(EscapedChar('\t')))
        );
    }
}
