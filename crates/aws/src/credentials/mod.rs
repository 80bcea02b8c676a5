//! AWS credentials and where they come from.
//!
//! [`DefaultChain`] looks, in the order the AWS SDKs use for pods: at the environment
//! (`AWS_ACCESS_KEY_ID`, ...), at a web identity token (IRSA: `AWS_WEB_IDENTITY_TOKEN_FILE`
//! with `AWS_ROLE_ARN`, exchanged through STS `AssumeRoleWithWebIdentity`), then at the
//! container credentials endpoint (EKS Pod Identity: `AWS_CONTAINER_CREDENTIALS_FULL_URI`
//! with `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`). [`CachedCredentials`] keeps temporary
//! credentials until shortly before they expire.

mod cache;
mod chain;
mod container;
mod web_identity;

pub use cache::{CachedCredentials, DEFAULT_REFRESH_BEFORE};
pub use chain::DefaultChain;
pub use container::{AuthorizationToken, ContainerProvider};
pub use web_identity::WebIdentityProvider;

use crate::error::CredentialsError;
use crate::redact::Sensitive;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::SystemTime;

/// An access key, its secret and, for temporary credentials, a session token and an expiry.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: String,
    secret_access_key: Sensitive,
    session_token: Option<Sensitive>,
    expires_at: Option<SystemTime>,
}

impl Credentials {
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
        expires_at: Option<SystemTime>,
    ) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            secret_access_key: Sensitive::new(secret_access_key),
            session_token: session_token.map(Sensitive::new),
            expires_at,
        }
    }

    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    pub fn secret_access_key(&self) -> &str {
        self.secret_access_key.expose()
    }

    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_ref().map(Sensitive::expose)
    }

    /// `None` for long-term credentials.
    pub fn expires_at(&self) -> Option<SystemTime> {
        self.expires_at
    }

    /// The strings that must never appear in a message.
    pub(crate) fn secrets(&self) -> Vec<&str> {
        let mut secrets = vec![self.secret_access_key()];
        secrets.extend(self.session_token());
        secrets
    }
}

/// The access key id is shown (AWS treats it as an identifier); the secret and the session
/// token are not.
impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &self.secret_access_key)
            .field("session_token", &self.session_token)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// What [`ProvideCredentials::provide_credentials`] returns.
pub type CredentialsFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Credentials, CredentialsError>> + Send + 'a>>;

/// A source of credentials. Implement it to inject credentials in tests; a [`Credentials`]
/// value is itself a provider of fixed credentials.
pub trait ProvideCredentials: Send + Sync {
    fn provide_credentials(&self) -> CredentialsFuture<'_>;

    /// AWS refused the last credentials as expired: a cache should fetch new ones.
    fn invalidate(&self) {}
}

impl ProvideCredentials for Credentials {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        let credentials = self.clone();
        Box::pin(async move { Ok(credentials) })
    }
}

/// Parses an RFC 3339 expiry (`2015-08-30T13:36:00Z`) as STS and the container endpoint
/// send it.
pub(crate) fn parse_expiration(
    text: &str,
    provider: &'static str,
) -> Result<SystemTime, CredentialsError> {
    text.trim()
        .parse::<jiff::Timestamp>()
        .map(SystemTime::from)
        .map_err(|_| CredentialsError::Invalid {
            provider,
            message: format!("the credentials' Expiration {text:?} is not an RFC 3339 time"),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn debug_hides_the_secret_and_the_token() {
        let credentials = Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            Some("session-token-value".to_string()),
            None,
        );
        let shown = format!("{credentials:?}");
        assert!(shown.contains("AKIDEXAMPLE"), "{shown}");
        assert!(!shown.contains("wJalrXUtnFEMI"), "{shown}");
        assert!(!shown.contains("session-token-value"), "{shown}");
    }

    #[test]
    fn expirations_are_rfc_3339() {
        let at = parse_expiration("2015-08-30T13:36:00Z", "test").unwrap();
        assert_eq!(
            at,
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_440_941_760)
        );
        let with_fraction = parse_expiration("2015-08-30T13:36:00.500+00:00", "test").unwrap();
        assert_eq!(with_fraction, at + Duration::from_millis(500));
        let error = parse_expiration("tomorrow", "test").unwrap_err();
        assert!(
            error
                .to_string()
                .contains("\"tomorrow\" is not an RFC 3339 time")
        );
    }
}
