//! The Secrets Manager client: `GetSecretValue` at version stage `AWSCURRENT`, JSON 1.1
//! protocol, SigV4-signed.

use crate::clock::{Clock, SystemClock};
use crate::credentials::{CachedCredentials, Credentials, DefaultChain, ProvideCredentials};
use crate::endpoint::{Endpoint, Region, Service};
use crate::environment::Environment;
use crate::error::{AwsError, ConfigError, ErrorKind, ServiceError};
use crate::http::{HttpClient, HttpResponse};
use crate::redact::service_message;
use crate::retry::RetryPolicy;
use crate::secret::SecretValues;
use crate::sigv4::{self, Scope, SignableRequest};
use bytes::Bytes;
use http_body_util::Full;
use hyper::Request;
use serde_json::Value;
use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

/// The version stage read: the current version of the secret.
pub const VERSION_STAGE: &str = "AWSCURRENT";
/// `X-Amz-Target` of the operation.
pub const GET_SECRET_VALUE_TARGET: &str = "secretsmanager.GetSecretValue";
/// Content type of the JSON 1.1 protocol.
pub const CONTENT_TYPE: &str = "application/x-amz-json-1.1";
/// Longest secret id (name or ARN) Secrets Manager accepts.
pub const MAX_SECRET_ID_CHARS: usize = 2048;

/// Reads secrets from one region. Cheap to share behind an `Arc`; requests run concurrently.
pub struct SecretsManager {
    region: Region,
    endpoint: Endpoint,
    http: HttpClient,
    credentials: Arc<dyn ProvideCredentials>,
    clock: Arc<dyn Clock>,
    retry: RetryPolicy,
}

/// Options of a [`SecretsManager`]; see [`SecretsManager::builder`].
pub struct Builder {
    region: Region,
    http: HttpClient,
    environment: Option<Environment>,
    credentials: Option<Arc<dyn ProvideCredentials>>,
    clock: Arc<dyn Clock>,
    retry: RetryPolicy,
    endpoint: Option<Endpoint>,
}

impl Builder {
    /// The variables credentials and endpoint overrides are read from; the process's `AWS_*`
    /// variables by default.
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = Some(environment);
        self
    }

    /// Fixed credentials or a provider of the caller's, instead of the default chain. It is
    /// used as given: wrap it in [`CachedCredentials`] if it is slow.
    pub fn credentials(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials = Some(Arc::new(provider));
        self
    }

    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// An endpoint instead of the regional one (or of `AWS_ENDPOINT_URL*`).
    pub fn endpoint(mut self, endpoint: Endpoint) -> Self {
        self.endpoint = Some(endpoint);
        self
    }

    pub fn build(self) -> Result<SecretsManager, ConfigError> {
        let environment = self.environment.unwrap_or_else(Environment::from_process);
        let endpoint = match self.endpoint {
            Some(endpoint) => endpoint,
            None => Endpoint::resolve(Service::SecretsManager, &self.region, &environment)?,
        };
        let credentials = match self.credentials {
            Some(provider) => provider,
            None => Arc::new(CachedCredentials::new(
                DefaultChain::from_environment(&environment, &self.region, &self.http, self.retry),
                self.clock.clone(),
            )),
        };
        Ok(SecretsManager {
            region: self.region,
            endpoint,
            http: self.http,
            credentials,
            clock: self.clock,
            retry: self.retry,
        })
    }
}

impl SecretsManager {
    /// A client for `region` with the process's environment: the default credential chain
    /// (cached), endpoint overrides, the system clock and the default retry policy.
    pub fn new(region: Region, http: HttpClient) -> Result<Self, ConfigError> {
        Self::builder(region, http).build()
    }

    pub fn builder(region: Region, http: HttpClient) -> Builder {
        Builder {
            region,
            http,
            environment: None,
            credentials: None,
            clock: Arc::new(SystemClock),
            retry: RetryPolicy::default(),
            endpoint: None,
        }
    }

    pub fn region(&self) -> &Region {
        &self.region
    }

    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The current version of secret `secret_id` (a name or an ARN), whose SecretString must
    /// be a JSON object of strings.
    pub async fn get_secret(&self, secret_id: &str) -> Result<SecretValues, AwsError> {
        let fail = |kind| AwsError::new(secret_id, self.region.as_str(), kind);
        check_secret_id(secret_id).map_err(|why| fail(ErrorKind::InvalidSecretId(why)))?;
        let mut attempt = 1;
        let mut refreshed = false;
        loop {
            match self.attempt(secret_id).await {
                Ok(values) => return Ok(values),
                Err(ErrorKind::Service(error)) if error.is_expired_credentials() && !refreshed => {
                    // Temporary credentials revoked or expired early: fetch new ones once.
                    refreshed = true;
                    self.credentials.invalidate();
                }
                Err(kind) if is_retryable(&kind) && self.retry.allows_another(attempt) => {
                    tracing::debug!(secret_id, attempt, error = %kind, "GetSecretValue failed, trying again");
                    tokio::time::sleep(self.retry.backoff(attempt)).await;
                    attempt += 1;
                }
                Err(kind) => return Err(fail(kind)),
            }
        }
    }

    /// The value at `key` of secret `secret_id`; a missing key is an error naming it.
    pub async fn get_secret_key(&self, secret_id: &str, key: &str) -> Result<String, AwsError> {
        let values = self.get_secret(secret_id).await?;
        values.get(key).map(str::to_string).ok_or_else(|| {
            AwsError::new(
                secret_id,
                self.region.as_str(),
                ErrorKind::MissingKey(key.to_string()),
            )
        })
    }

    async fn attempt(&self, secret_id: &str) -> Result<SecretValues, ErrorKind> {
        let credentials = self
            .credentials
            .provide_credentials()
            .await
            .map_err(ErrorKind::Credentials)?;
        let signed = get_secret_value_request(
            &self.endpoint,
            &self.region,
            secret_id,
            &credentials,
            self.clock.now(),
        );
        let url = signed.url.clone();
        let response = self
            .http
            .send(signed.into_request()?, &url)
            .await
            .map_err(ErrorKind::Http)?;
        if response.status == 200 {
            read_secret(&response.body)
        } else {
            Err(ErrorKind::Service(service_error(
                &response,
                &credentials.secrets(),
            )))
        }
    }
}

impl fmt::Debug for SecretsManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretsManager")
            .field("region", &self.region.as_str())
            .field("endpoint", &self.endpoint.url())
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

/// A signed request, ready to send.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedRequest {
    pub url: String,
    /// Every header sent, `authorization` last.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl SignedRequest {
    fn into_request(self) -> Result<Request<Full<Bytes>>, ErrorKind> {
        let mut request = Request::post(self.url.as_str());
        for (name, value) in &self.headers {
            request = request.header(name.as_str(), value.as_str());
        }
        request
            .body(Full::new(Bytes::from(self.body)))
            .map_err(|e| ErrorKind::InvalidRequest(e.to_string()))
    }
}

/// Names only: the signature and the session token are not shown.
impl fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("SignedRequest")
            .field("url", &self.url)
            .field("headers", &names)
            .finish_non_exhaustive()
    }
}

/// The signed `GetSecretValue` request for `secret_id` at `time`. Signed headers:
/// `content-type`, `host`, `x-amz-date`, `x-amz-security-token` (temporary credentials) and
/// `x-amz-target`.
pub fn get_secret_value_request(
    endpoint: &Endpoint,
    region: &Region,
    secret_id: &str,
    credentials: &Credentials,
    time: SystemTime,
) -> SignedRequest {
    let body =
        serde_json::json!({"SecretId": secret_id, "VersionStage": VERSION_STAGE}).to_string();
    let amz_date = sigv4::amz_date(time);
    let mut headers: Vec<(&str, &str)> = vec![
        ("content-type", CONTENT_TYPE),
        ("host", endpoint.authority()),
        ("x-amz-date", &amz_date),
        ("x-amz-target", GET_SECRET_VALUE_TARGET),
    ];
    if let Some(token) = credentials.session_token() {
        headers.push(("x-amz-security-token", token));
    }
    let scope = Scope {
        amz_date: &amz_date,
        region: region.as_str(),
        service: Service::SecretsManager.signing_name(),
    };
    let request = SignableRequest {
        method: "POST",
        path: endpoint.path(),
        query: &[],
        headers: &headers,
        body: body.as_bytes(),
    };
    let signature = sigv4::sign(
        &request,
        &scope,
        credentials.access_key_id(),
        credentials.secret_access_key(),
    );
    let mut sent: Vec<(String, String)> = headers
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect();
    sent.push(("user-agent".into(), crate::USER_AGENT.into()));
    sent.push(("authorization".into(), signature.authorization));
    SignedRequest {
        url: endpoint.url(),
        headers: sent,
        body,
    }
}

fn check_secret_id(secret_id: &str) -> Result<(), String> {
    if secret_id.trim().is_empty() {
        return Err("it is empty".into());
    }
    if secret_id.chars().count() > MAX_SECRET_ID_CHARS {
        return Err(format!(
            "it is longer than {MAX_SECRET_ID_CHARS} characters"
        ));
    }
    if secret_id.chars().any(char::is_control) {
        return Err("it holds control characters".into());
    }
    Ok(())
}

fn is_retryable(kind: &ErrorKind) -> bool {
    match kind {
        ErrorKind::Service(error) => error.is_retryable(),
        ErrorKind::Http(error) => error.is_retryable(),
        // Credential providers try again themselves.
        _ => false,
    }
}

/// The SecretString of a `GetSecretValue` answer, as values.
fn read_secret(body: &[u8]) -> Result<SecretValues, ErrorKind> {
    let answer: Value = serde_json::from_slice(body).map_err(|error| {
        ErrorKind::InvalidResponse(format!(
            "not JSON (line {} column {})",
            error.line(),
            error.column()
        ))
    })?;
    match answer.get("SecretString") {
        Some(Value::String(text)) => SecretValues::parse(text).map_err(ErrorKind::NotJsonObject),
        None | Some(Value::Null) if answer.get("SecretBinary").is_some_and(|b| !b.is_null()) => {
            Err(ErrorKind::BinaryOnly)
        }
        None | Some(Value::Null) => Err(ErrorKind::InvalidResponse(
            "neither SecretString nor SecretBinary".into(),
        )),
        Some(_) => Err(ErrorKind::InvalidResponse(
            "SecretString is not a string".into(),
        )),
    }
}

/// Code and message of a JSON 1.1 error answer: `{"__type": "...#Code", "message": "..."}`,
/// the code also in the `x-amzn-ErrorType` header (`Code:http://...`).
fn service_error(response: &HttpResponse, secrets: &[&str]) -> ServiceError {
    let answer: Option<Value> = serde_json::from_slice(&response.body).ok();
    let field = |names: &[&str]| {
        names.iter().find_map(|name| {
            answer
                .as_ref()
                .and_then(|answer| answer.get(*name))
                .and_then(Value::as_str)
                .map(str::to_string)
        })
    };
    let header = response
        .headers
        .get("x-amzn-errortype")
        .and_then(|value| value.to_str().ok())
        .map(str::to_string);
    let code = field(&["__type", "code", "Code"])
        .or(header)
        .map(|raw| normalize_code(&raw))
        .filter(|code| !code.is_empty())
        .unwrap_or_else(|| format!("HTTP{}", response.status));
    let message = field(&["message", "Message"]).unwrap_or_default();
    ServiceError {
        code,
        message: service_message(&message, secrets),
        status: response.status,
    }
}

/// `aws.protocoltests#ResourceNotFoundException:http://...` -> `ResourceNotFoundException`.
fn normalize_code(raw: &str) -> String {
    let after_namespace = raw.rsplit('#').next().unwrap_or(raw);
    after_namespace
        .split(':')
        .next()
        .unwrap_or(after_namespace)
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_lose_namespace_and_uri() {
        assert_eq!(
            normalize_code("com.amazonaws.secretsmanager#ResourceNotFoundException"),
            "ResourceNotFoundException"
        );
        assert_eq!(
            normalize_code("AccessDeniedException:http://internal.amazon.com/coral/"),
            "AccessDeniedException"
        );
        assert_eq!(normalize_code("ThrottlingException"), "ThrottlingException");
    }

    #[test]
    fn secret_ids_are_checked() {
        assert!(check_secret_id("rds!db-1234-abcd").is_ok());
        assert!(check_secret_id("arn:aws:secretsmanager:us-east-2:123:secret:x-AbCdEf").is_ok());
        assert_eq!(check_secret_id(" ").unwrap_err(), "it is empty");
        assert_eq!(
            check_secret_id("a\nb").unwrap_err(),
            "it holds control characters"
        );
        assert!(
            check_secret_id(&"x".repeat(2049))
                .unwrap_err()
                .contains("2048")
        );
    }

    #[test]
    fn answers_without_a_usable_secret_string_are_named() {
        let binary = read_secret(br#"{"Name":"n","SecretBinary":"AAEC"}"#).unwrap_err();
        assert_eq!(binary, ErrorKind::BinaryOnly);
        let neither = read_secret(br#"{"Name":"n"}"#).unwrap_err();
        assert!(
            neither
                .to_string()
                .contains("neither SecretString nor SecretBinary")
        );
        let number = read_secret(br#"{"SecretString": 5}"#).unwrap_err();
        assert!(number.to_string().contains("SecretString is not a string"));
        let garbage = read_secret(b"<html>").unwrap_err();
        assert!(
            garbage.to_string().contains("not JSON (line 1 column 1)"),
            "{garbage}"
        );
    }
}
