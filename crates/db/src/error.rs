//! Errors with a stable reason, used as status condition reasons, event reasons and metric
//! labels. Messages name hosts, ports, users and objects, never a password.

use crate::url::Endpoint;
use std::fmt;

/// Stable category of a failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reason {
    /// The resource itself is unusable: bad URL, bad name, host mismatch, protected target.
    InvalidSpec,
    /// A referenced Secret, or a key in it, does not exist.
    SecretMissing,
    /// The secret backend (`aws`, ...) cannot be read by this operator.
    SecretBackendUnsupported,
    /// The Secret the operator would own exists but is not managed by it.
    SecretConflict,
    /// The admin connection could not be opened (network, TLS, authentication).
    AdminConnectionFailed,
    /// The admin lacks a privilege PostgreSQL requires (SQLSTATE 42501 and friends).
    InsufficientPrivilege,
    /// The product role cannot log in to its database after provisioning.
    RoleLoginFailed,
    /// The role still owns objects or holds privileges elsewhere (SQLSTATE 2BP01).
    DependentObjects,
    /// Teardown refused: the database belongs to another role.
    DatabaseOwnedByOtherRole,
    /// Any other SQL failure.
    SqlFailed,
}

impl Reason {
    /// The reason as written in conditions and events.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::InvalidSpec => "InvalidSpec",
            Reason::SecretMissing => "SecretMissing",
            Reason::SecretBackendUnsupported => "SecretBackendUnsupported",
            Reason::SecretConflict => "SecretConflict",
            Reason::AdminConnectionFailed => "AdminConnectionFailed",
            Reason::InsufficientPrivilege => "InsufficientPrivilege",
            Reason::RoleLoginFailed => "RoleLoginFailed",
            Reason::DependentObjects => "DependentObjects",
            Reason::DatabaseOwnedByOtherRole => "DatabaseOwnedByOtherRole",
            Reason::SqlFailed => "SqlFailed",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failure to provision or tear down a database.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    pub reason: Reason,
    pub message: String,
}

impl Error {
    pub fn new(reason: Reason, message: impl Into<String>) -> Self {
        Self {
            reason,
            message: message.into(),
        }
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(Reason::InvalidSpec, message)
    }

    /// A connection that could not be opened. `reason` tells whose connection it was.
    pub fn connection(
        reason: Reason,
        endpoint: &Endpoint,
        user: &str,
        database: &str,
        detail: &str,
    ) -> Self {
        Self::new(
            reason,
            format!(
                "cannot connect to PostgreSQL at {endpoint} as user {user:?} to database \
                 {database:?}: {detail}"
            ),
        )
    }

    /// A statement or query that failed; `what` says what was attempted (redacted SQL).
    pub fn sql(what: &str, error: &tokio_postgres::Error) -> Self {
        let reason = match error.code().map(|code| code.code()) {
            // insufficient_privilege, and "must be owner" / "permission denied" variants
            Some("42501") => Reason::InsufficientPrivilege,
            Some("2BP01") => Reason::DependentObjects,
            _ => Reason::SqlFailed,
        };
        Self::new(reason, format!("{what}: {}", describe(error)))
    }
}

/// A one-line description of a tokio-postgres error: the server's message with its SQLSTATE,
/// or the client-side error with its causes.
pub fn describe(error: &tokio_postgres::Error) -> String {
    if let Some(db) = error.as_db_error() {
        let mut text = format!(
            "{}: {} (SQLSTATE {})",
            db.severity(),
            db.message(),
            db.code().code()
        );
        if let Some(detail) = db.detail() {
            text.push_str(&format!("; {detail}"));
        }
        if let Some(hint) = db.hint() {
            text.push_str(&format!("; hint: {hint}"));
        }
        return text;
    }
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}
