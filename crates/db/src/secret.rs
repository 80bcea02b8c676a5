//! Passwords: never printed, sent to PostgreSQL only as SCRAM-SHA-256 verifiers.

use rand::distr::{Alphanumeric, SampleString};
use std::fmt;

/// Length of generated passwords: 32 alphanumeric characters, about 190 bits.
pub const GENERATED_PASSWORD_LENGTH: usize = 32;

/// A password. `Debug` shows `***`; there is no `Display`, so it cannot end up in a message
/// by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// A fresh random password from the operating system's CSPRNG. Alphanumeric only, so it
    /// survives any config format, environment variable or URL unescaped.
    pub fn generate() -> Self {
        Self(Alphanumeric.sample_string(&mut rand::rng(), GENERATED_PASSWORD_LENGTH))
    }

    /// The cleartext, for a connection's authentication or a Secret's data.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The SCRAM-SHA-256 verifier PostgreSQL stores, computed here with a fresh random salt.
    /// Sending this in `PASSWORD '...'` keeps the cleartext out of SQL text and server logs.
    pub fn scram_verifier(&self) -> Verifier {
        Verifier(postgres_protocol::password::scram_sha_256(
            self.0.as_bytes(),
        ))
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// A SCRAM-SHA-256 verifier (`SCRAM-SHA-256$<iterations>:<salt>$<stored key>:<server key>`).
/// Not the password, but still credential material: `Debug` and `Display` hide it.
#[derive(Clone, PartialEq, Eq)]
pub struct Verifier(String);

impl Verifier {
    /// A verifier given as text, for tests that need a stable rendering.
    pub fn from_text(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Verifier(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_passwords_are_long_random_and_alphanumeric() {
        let a = Password::generate();
        let b = Password::generate();
        assert_ne!(a, b);
        assert_eq!(a.expose().len(), GENERATED_PASSWORD_LENGTH);
        assert!(a.expose().chars().all(|c| c.is_ascii_alphanumeric()));
    }

    #[test]
    fn verifier_is_scram_and_hides_the_password() {
        let password = Password::new("correct horse battery staple");
        let verifier = password.scram_verifier();
        assert!(verifier.expose().starts_with("SCRAM-SHA-256$4096:"));
        assert!(!verifier.expose().contains("correct horse"));
        // A fresh salt every time.
        assert_ne!(verifier, password.scram_verifier());
        assert_eq!(
            format!("{password:?} {verifier:?}"),
            "Password(***) Verifier(***)"
        );
    }
}
