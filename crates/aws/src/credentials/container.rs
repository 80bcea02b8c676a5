//! The container credentials endpoint: the EKS Pod Identity agent (and ECS task roles).

use super::{Credentials, CredentialsFuture, ProvideCredentials, parse_expiration};
use crate::error::{CredentialsError, ServiceError};
use crate::http::HttpClient;
use crate::redact::{Sensitive, service_message};
use crate::retry::{RetryPolicy, retrying};
use bytes::Bytes;
use http_body_util::Full;
use hyper::{Request, Uri};
use serde_json::Value;
use std::fmt;
use std::net::IpAddr;
use std::path::PathBuf;

const PROVIDER: &str = "container";

/// The ECS agent's address, to which `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` is relative.
pub const ECS_HOST: &str = "169.254.170.2";

/// Plain-HTTP hosts the SDKs accept besides loopback: the ECS agent and the EKS Pod Identity
/// agent (IPv4 and IPv6).
const TRUSTED_HTTP_HOSTS: &[&str] = &[ECS_HOST, "169.254.170.23", "fd00:ec2::23"];

/// Where the `Authorization` header value comes from.
#[derive(Clone)]
pub enum AuthorizationToken {
    None,
    /// `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
    Value(Sensitive),
    /// `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`, read on every fetch (it is rotated).
    File(PathBuf),
}

/// `GET` on the credentials URI with the authorization token, answered by a JSON object with
/// `AccessKeyId`, `SecretAccessKey`, `Token` and `Expiration`.
#[derive(Clone)]
pub struct ContainerProvider {
    uri: String,
    token: AuthorizationToken,
    http: HttpClient,
    retry: RetryPolicy,
}

impl ContainerProvider {
    /// A full URI: any `https` one, or `http` on loopback or the ECS / EKS agents' addresses,
    /// so that credentials are never fetched in clear text across a network.
    pub fn full_uri(
        uri: &str,
        token: AuthorizationToken,
        http: HttpClient,
    ) -> Result<Self, CredentialsError> {
        let invalid = |why: &str| CredentialsError::Invalid {
            provider: PROVIDER,
            message: format!("AWS_CONTAINER_CREDENTIALS_FULL_URI {uri:?} {why}"),
        };
        let parsed: Uri = uri.parse().map_err(|_| invalid("is not a URL"))?;
        let host = parsed
            .host()
            .ok_or_else(|| invalid("has no host"))?
            .trim_start_matches('[')
            .trim_end_matches(']');
        match parsed.scheme_str() {
            Some("https") => {}
            Some("http") if is_trusted_http_host(host) => {}
            Some("http") => {
                return Err(invalid(
                    "uses plain http on a host that is neither loopback nor the ECS or EKS \
                     Pod Identity agent",
                ));
            }
            _ => return Err(invalid("must be an http or https URL")),
        }
        Ok(Self::from_parts(uri.to_string(), token, http))
    }

    /// `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`, on the ECS agent.
    pub fn relative_uri(
        path: &str,
        token: AuthorizationToken,
        http: HttpClient,
    ) -> Result<Self, CredentialsError> {
        if !path.starts_with('/') || path.chars().any(|c| c.is_whitespace() || c == '@') {
            return Err(CredentialsError::Invalid {
                provider: PROVIDER,
                message: format!(
                    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI {path:?} must be a path starting with /"
                ),
            });
        }
        Ok(Self::from_parts(
            format!("http://{ECS_HOST}{path}"),
            token,
            http,
        ))
    }

    fn from_parts(uri: String, token: AuthorizationToken, http: HttpClient) -> Self {
        Self {
            uri,
            token,
            http,
            retry: RetryPolicy::default(),
        }
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    fn authorization(&self) -> Result<Option<Sensitive>, CredentialsError> {
        let token = match &self.token {
            AuthorizationToken::None => return Ok(None),
            AuthorizationToken::Value(value) => value.expose().trim().to_string(),
            AuthorizationToken::File(path) => std::fs::read_to_string(path)
                .map_err(|error| CredentialsError::Invalid {
                    provider: PROVIDER,
                    message: format!(
                        "cannot read the token file {} (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE): {error}",
                        path.display()
                    ),
                })?
                .trim()
                .to_string(),
        };
        if token.is_empty() || token.chars().any(char::is_control) {
            return Err(CredentialsError::Invalid {
                provider: PROVIDER,
                message: "the authorization token is empty or holds control characters".into(),
            });
        }
        Ok(Some(Sensitive::new(token)))
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let token = self.authorization()?;
        let mut request = Request::get(self.uri.as_str())
            .header("accept", "application/json")
            .header("user-agent", crate::USER_AGENT);
        if let Some(token) = &token {
            request = request.header("authorization", token.expose());
        }
        let request =
            request
                .body(Full::new(Bytes::new()))
                .map_err(|e| CredentialsError::Invalid {
                    provider: PROVIDER,
                    message: format!("cannot build the request to {}: {e}", self.uri),
                })?;
        let response =
            self.http
                .send(request, &self.uri)
                .await
                .map_err(|source| CredentialsError::Http {
                    provider: PROVIDER,
                    source,
                })?;
        let secrets: Vec<&str> = token.iter().map(Sensitive::expose).collect();
        let answer: Option<Value> = serde_json::from_slice(&response.body).ok();
        if response.status != 200 {
            return Err(CredentialsError::Service {
                provider: PROVIDER,
                source: service_error(answer.as_ref(), &response.body, response.status, &secrets),
            });
        }
        let answer = answer.ok_or_else(|| CredentialsError::Invalid {
            provider: PROVIDER,
            message: format!("the answer of {} is not JSON", self.uri),
        })?;
        let field = |name: &str| {
            answer
                .get(name)
                .and_then(Value::as_str)
                .filter(|value| !value.is_empty())
                .ok_or_else(|| CredentialsError::Invalid {
                    provider: PROVIDER,
                    message: format!("the answer of {} has no {name}", self.uri),
                })
        };
        let expiration = parse_expiration(field("Expiration")?, PROVIDER)?;
        Ok(Credentials::new(
            field("AccessKeyId")?,
            field("SecretAccessKey")?,
            Some(field("Token")?.to_string()),
            Some(expiration),
        ))
    }
}

impl ProvideCredentials for ContainerProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(async move {
            let credentials =
                retrying(&self.retry, CredentialsError::is_retryable, || self.fetch()).await?;
            tracing::debug!(uri = %self.uri, "fetched container credentials");
            Ok(credentials)
        })
    }
}

impl fmt::Debug for ContainerProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let token = match &self.token {
            AuthorizationToken::None => "none".to_string(),
            AuthorizationToken::Value(_) => "from AWS_CONTAINER_AUTHORIZATION_TOKEN".to_string(),
            AuthorizationToken::File(path) => format!("from {}", path.display()),
        };
        f.debug_struct("ContainerProvider")
            .field("uri", &self.uri)
            .field("token", &token)
            .finish()
    }
}

fn is_trusted_http_host(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || TRUSTED_HTTP_HOSTS.contains(&host)
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The agents answer errors as `{"code": ..., "message": ...}`, or as plain text.
fn service_error(
    answer: Option<&Value>,
    body: &[u8],
    status: u16,
    secrets: &[&str],
) -> ServiceError {
    let text = |key: &str| {
        answer
            .and_then(|answer| answer.get(key))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let code = text("code")
        .or_else(|| text("Code"))
        .unwrap_or_else(|| format!("HTTP{status}"));
    let message = text("message")
        .or_else(|| text("Message"))
        .unwrap_or_else(|| String::from_utf8_lossy(body).into_owned());
    ServiceError {
        code,
        message: service_message(&message, secrets),
        status,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_to_loopback_and_the_agents() {
        for host in [
            "localhost",
            "127.0.0.1",
            "127.9.9.9",
            "::1",
            "169.254.170.2",
            "169.254.170.23",
            "fd00:ec2::23",
        ] {
            assert!(is_trusted_http_host(host), "{host}");
        }
        for host in [
            "10.0.0.1",
            "169.254.169.254",
            "example.com",
            "localhost.evil",
        ] {
            assert!(!is_trusted_http_host(host), "{host}");
        }
    }

    #[test]
    fn agent_errors_read_code_and_message() {
        let answer: Value =
            serde_json::json!({"code": "AccessDeniedException", "message": "no association"});
        let error = service_error(Some(&answer), b"", 400, &[]);
        assert_eq!(error.code, "AccessDeniedException");
        assert_eq!(error.message, "no association");
        let plain = service_error(None, b"upstream down\nmore", 503, &[]);
        assert_eq!(plain.code, "HTTP503");
        assert_eq!(plain.message, "upstream down");
    }
}
