//! IRSA: a projected service account token exchanged for role credentials through STS.

use super::{CredentialsFuture, ProvideCredentials};
use crate::endpoint::Endpoint;
use crate::error::CredentialsError;
use crate::http::HttpClient;
use crate::retry::RetryPolicy;
use crate::sts::{AssumeRoleRequest, assume_role_with_web_identity};
use std::fmt;
use std::path::PathBuf;

const PROVIDER: &str = "web identity";

/// Reads the token file on every fetch (the kubelet rotates it) and calls STS
/// `AssumeRoleWithWebIdentity` at the regional endpoint.
#[derive(Clone)]
pub struct WebIdentityProvider {
    token_file: PathBuf,
    role_arn: String,
    session_name: String,
    endpoint: Endpoint,
    http: HttpClient,
    retry: RetryPolicy,
}

impl WebIdentityProvider {
    /// Checks the role ARN and the session name (2 to 64 of `A-Z a-z 0-9 + = , . @ _ -`).
    pub fn new(
        token_file: impl Into<PathBuf>,
        role_arn: &str,
        session_name: &str,
        endpoint: Endpoint,
        http: HttpClient,
    ) -> Result<Self, CredentialsError> {
        let invalid = |message: String| CredentialsError::Invalid {
            provider: PROVIDER,
            message,
        };
        if !role_arn.starts_with("arn:") || role_arn.chars().any(char::is_whitespace) {
            return Err(invalid(format!(
                "AWS_ROLE_ARN {role_arn:?} is not a role ARN (arn:aws:iam::<account>:role/<name>)"
            )));
        }
        let valid_session = (2..=64).contains(&session_name.len())
            && session_name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b));
        if !valid_session {
            return Err(invalid(format!(
                "AWS_ROLE_SESSION_NAME {session_name:?} must be 2 to 64 characters of \
                 A-Z a-z 0-9 + = , . @ _ -"
            )));
        }
        Ok(Self {
            token_file: token_file.into(),
            role_arn: role_arn.to_string(),
            session_name: session_name.to_string(),
            endpoint,
            http,
            retry: RetryPolicy::default(),
        })
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    fn read_token(&self) -> Result<String, CredentialsError> {
        let path = self.token_file.display();
        let token = std::fs::read_to_string(&self.token_file).map_err(|error| {
            CredentialsError::Invalid {
                provider: PROVIDER,
                message: format!(
                    "cannot read the token file {path} (AWS_WEB_IDENTITY_TOKEN_FILE): {error}"
                ),
            }
        })?;
        let token = token.trim();
        if token.is_empty() {
            return Err(CredentialsError::Invalid {
                provider: PROVIDER,
                message: format!("the token file {path} (AWS_WEB_IDENTITY_TOKEN_FILE) is empty"),
            });
        }
        Ok(token.to_string())
    }
}

impl ProvideCredentials for WebIdentityProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(async move {
            let token = self.read_token()?;
            let request = AssumeRoleRequest {
                role_arn: &self.role_arn,
                session_name: &self.session_name,
                token: &token,
            };
            let credentials =
                assume_role_with_web_identity(&self.http, &self.endpoint, request, &self.retry)
                    .await?;
            tracing::debug!(role_arn = %self.role_arn, "assumed role with web identity");
            Ok(credentials)
        })
    }
}

impl fmt::Debug for WebIdentityProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebIdentityProvider")
            .field("token_file", &self.token_file)
            .field("role_arn", &self.role_arn)
            .field("session_name", &self.session_name)
            .field("endpoint", &self.endpoint.url())
            .finish()
    }
}
