//! PostgreSQL identifiers: validated once, then always quoted when they reach SQL text.
//!
//! Any name PostgreSQL can store is accepted and created exactly as written (quotes, spaces,
//! semicolons and unicode included); names it cannot store, or that it reserves, are refused
//! here with a message naming the field, before any statement runs.

use postgres_protocol::escape::escape_identifier;
use std::fmt;

/// Longest identifier PostgreSQL keeps (NAMEDATALEN - 1); longer names are silently truncated
/// by the server, so they are refused instead.
pub const MAX_IDENTIFIER_BYTES: usize = 63;

/// What an identifier names; decides the reserved-name rules and the wording of errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NameKind {
    Role,
    Database,
    Schema,
    Extension,
}

impl fmt::Display for NameKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NameKind::Role => "role",
            NameKind::Database => "database",
            NameKind::Schema => "schema",
            NameKind::Extension => "extension",
        })
    }
}

/// Why a name cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("{kind} name is empty")]
    Empty { kind: NameKind },
    #[error("{kind} name {name:?} is {bytes} bytes long; PostgreSQL keeps at most 63")]
    TooLong {
        kind: NameKind,
        name: String,
        bytes: usize,
    },
    #[error("{kind} name {name:?} contains a control character (NUL, newline, ...)")]
    ControlCharacter { kind: NameKind, name: String },
    #[error("{kind} name {name:?} is reserved by PostgreSQL ({why})")]
    Reserved {
        kind: NameKind,
        name: String,
        why: &'static str,
    },
}

/// A name PostgreSQL will store exactly as given.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Identifier {
    kind: NameKind,
    name: String,
}

impl Identifier {
    /// Validates `name` as a `kind` name.
    pub fn new(kind: NameKind, name: &str) -> Result<Self, NameError> {
        if name.is_empty() {
            return Err(NameError::Empty { kind });
        }
        if name.len() > MAX_IDENTIFIER_BYTES {
            return Err(NameError::TooLong {
                kind,
                name: name.to_string(),
                bytes: name.len(),
            });
        }
        // NUL cannot be stored at all; other control characters would be stored but break
        // logs, psql output and pg_hba.conf entries that name the object.
        if name.chars().any(char::is_control) {
            return Err(NameError::ControlCharacter {
                kind,
                name: name.to_string(),
            });
        }
        if let Some(why) = reserved(kind, name) {
            return Err(NameError::Reserved {
                kind,
                name: name.to_string(),
                why,
            });
        }
        Ok(Self {
            kind,
            name: name.to_string(),
        })
    }

    /// The name as stored by PostgreSQL (and as used in catalog lookups).
    pub fn as_str(&self) -> &str {
        &self.name
    }

    /// What the identifier names.
    pub fn kind(&self) -> NameKind {
        self.kind
    }

    /// The name as a quoted SQL identifier (`"a""b"` for `a"b`).
    pub fn quoted(&self) -> String {
        escape_identifier(&self.name)
    }
}

impl fmt::Display for Identifier {
    /// Writes the quoted form, which is unambiguous in messages too.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.quoted())
    }
}

fn reserved(kind: NameKind, name: &str) -> Option<&'static str> {
    match kind {
        NameKind::Role if name.starts_with("pg_") => Some("role names starting with pg_"),
        NameKind::Role if name == "public" || name == "none" => {
            Some("\"public\" and \"none\" are not role names")
        }
        NameKind::Schema if name.starts_with("pg_") => Some("schema names starting with pg_"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_are_kept_exactly_and_quoted() {
        let cases = [
            ("plain", "\"plain\""),
            ("Mixed Case", "\"Mixed Case\""),
            ("a\"b", "\"a\"\"b\""),
            ("x\"; DROP ROLE admin; --", "\"x\"\"; DROP ROLE admin; --\""),
            ("semi;colon", "\"semi;colon\""),
            ("ünïcødé-名前", "\"ünïcødé-名前\""),
            ("back\\slash", "\"back\\slash\""),
            ("'single'", "\"'single'\""),
        ];
        for (name, quoted) in cases {
            let id = Identifier::new(NameKind::Schema, name).unwrap();
            assert_eq!(id.as_str(), name);
            assert_eq!(id.quoted(), quoted);
        }
    }

    #[test]
    fn length_is_counted_in_bytes() {
        let ok = "a".repeat(63);
        assert!(Identifier::new(NameKind::Database, &ok).is_ok());
        let too_long = "a".repeat(64);
        let err = Identifier::new(NameKind::Database, &too_long).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("database name \"{too_long}\" is 64 bytes long; PostgreSQL keeps at most 63")
        );
        // 21 three-byte characters: 21 characters but 63 bytes, then one more is too many.
        let wide = "名".repeat(21);
        assert!(Identifier::new(NameKind::Role, &wide).is_ok());
        assert!(matches!(
            Identifier::new(NameKind::Role, &format!("{wide}x")),
            Err(NameError::TooLong { bytes: 64, .. })
        ));
    }

    #[test]
    fn unusable_names_are_refused() {
        assert_eq!(
            Identifier::new(NameKind::Role, ""),
            Err(NameError::Empty {
                kind: NameKind::Role
            })
        );
        for bad in ["nul\0byte", "new\nline", "tab\there"] {
            assert!(matches!(
                Identifier::new(NameKind::Schema, bad),
                Err(NameError::ControlCharacter { .. })
            ));
        }
        for reserved in ["pg_monitor", "public", "none"] {
            assert!(matches!(
                Identifier::new(NameKind::Role, reserved),
                Err(NameError::Reserved { .. })
            ));
        }
        assert!(Identifier::new(NameKind::Schema, "pg_temp").is_err());
        // Reserved for roles only.
        assert!(Identifier::new(NameKind::Schema, "public").is_ok());
        assert!(Identifier::new(NameKind::Database, "pg_data").is_ok());
        // Matching is exact, as in PostgreSQL: "PUBLIC" is an ordinary quoted name.
        assert!(Identifier::new(NameKind::Role, "PUBLIC").is_ok());
    }
}
