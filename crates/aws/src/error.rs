//! Errors. Every message names what failed (secret id, region, provider, endpoint) and the AWS
//! error code when AWS gave one; none carries a secret value or a credential.

use std::fmt;
use std::time::Duration;

/// Bad configuration: a region, an endpoint URL, the TLS trust store.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

/// An HTTP exchange that produced no AWS answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HttpError {
    #[error("request to {endpoint} timed out after {}s", timeout.as_secs_f64())]
    Timeout { endpoint: String, timeout: Duration },
    #[error("cannot reach {endpoint}: {reason}")]
    Transport { endpoint: String, reason: String },
    #[error("the response from {endpoint} is larger than {limit} bytes")]
    TooLarge { endpoint: String, limit: usize },
}

impl HttpError {
    /// Timeouts and connection failures may succeed when tried again.
    pub fn is_retryable(&self) -> bool {
        !matches!(self, HttpError::TooLarge { .. })
    }
}

/// An error answer from an AWS service: its code (`ResourceNotFoundException`), its message
/// (first line only, credentials removed) and the HTTP status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message} (HTTP {status})")]
pub struct ServiceError {
    pub code: String,
    pub message: String,
    pub status: u16,
}

/// Codes after which the same request may succeed.
const RETRYABLE_CODES: &[&str] = &[
    "ThrottlingException",
    "Throttling",
    "ThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "InternalServiceError",
    "InternalFailure",
    "InternalServerError",
    "ServiceUnavailable",
    "ServiceUnavailableException",
    "RequestTimeout",
    "RequestTimeoutException",
    "IDPCommunicationError",
];

impl ServiceError {
    /// Throttling, server-side failures and identity-provider hiccups.
    pub fn is_retryable(&self) -> bool {
        self.status >= 500 || self.status == 429 || RETRYABLE_CODES.contains(&self.code.as_str())
    }

    /// The caller's temporary credentials expired: fresh ones may succeed.
    pub fn is_expired_credentials(&self) -> bool {
        matches!(self.code.as_str(), "ExpiredTokenException" | "ExpiredToken")
    }
}

/// Credentials could not be had.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialsError {
    /// No provider of the chain is configured; one reason per provider.
    #[error("no AWS credentials found ({})", .0.join("; "))]
    NotFound(Vec<String>),
    /// A provider is configured but unusable (unreadable token file, bad URI, bad answer).
    #[error("{provider} credentials: {message}")]
    Invalid {
        provider: &'static str,
        message: String,
    },
    #[error("{provider} credentials: {source}")]
    Http {
        provider: &'static str,
        source: HttpError,
    },
    #[error("{provider} credentials: {source}")]
    Service {
        provider: &'static str,
        source: ServiceError,
    },
}

impl CredentialsError {
    pub fn is_retryable(&self) -> bool {
        match self {
            CredentialsError::Http { source, .. } => source.is_retryable(),
            CredentialsError::Service { source, .. } => source.is_retryable(),
            CredentialsError::NotFound(_) | CredentialsError::Invalid { .. } => false,
        }
    }
}

/// Reading one secret failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("AWS Secrets Manager secret {secret_id:?} in {region}: {kind}")]
pub struct AwsError {
    pub secret_id: String,
    pub region: String,
    pub kind: ErrorKind,
}

/// What went wrong, without the secret id and region that [`AwsError`] adds.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ErrorKind {
    /// AWS answered with an error (`ResourceNotFoundException`, `AccessDeniedException`, ...).
    #[error("{0}")]
    Service(ServiceError),
    #[error("{0}")]
    Credentials(CredentialsError),
    #[error("{0}")]
    Http(HttpError),
    #[error("the secret has no SecretString (only SecretBinary); store a JSON object of strings")]
    BinaryOnly,
    /// The SecretString is not a JSON object of strings; the text says where, never what.
    #[error("SecretString is not a JSON object of string values: {0}")]
    NotJsonObject(String),
    #[error("the secret has no key {0:?}")]
    MissingKey(String),
    #[error("invalid GetSecretValue response: {0}")]
    InvalidResponse(String),
    #[error("invalid secret id: {0}")]
    InvalidSecretId(String),
    /// The request could not be formed (a credential unfit for an HTTP header, ...).
    #[error("cannot form the request: {0}")]
    InvalidRequest(String),
}

impl AwsError {
    pub(crate) fn new(secret_id: &str, region: &str, kind: ErrorKind) -> Self {
        Self {
            secret_id: secret_id.to_string(),
            region: region.to_string(),
            kind,
        }
    }

    /// The AWS error code, when AWS answered with one.
    pub fn code(&self) -> Option<&str> {
        match &self.kind {
            ErrorKind::Service(error) => Some(&error.code),
            ErrorKind::Credentials(CredentialsError::Service { source, .. }) => Some(&source.code),
            _ => None,
        }
    }

    /// A stable category, usable as an event reason or a metric label.
    pub fn reason(&self) -> Reason {
        match &self.kind {
            ErrorKind::Service(error) => match error.code.as_str() {
                "ResourceNotFoundException" => Reason::SecretNotFound,
                "AccessDeniedException"
                | "UnrecognizedClientException"
                | "InvalidSignatureException"
                | "ExpiredTokenException"
                | "IncompleteSignature"
                | "MissingAuthenticationToken" => Reason::AccessDenied,
                "DecryptionFailure" => Reason::DecryptionFailed,
                _ if error.is_retryable() => Reason::Unavailable,
                _ => Reason::ServiceError,
            },
            ErrorKind::Credentials(_) => Reason::NoCredentials,
            ErrorKind::Http(_) => Reason::Unavailable,
            ErrorKind::BinaryOnly | ErrorKind::NotJsonObject(_) | ErrorKind::MissingKey(_) => {
                Reason::InvalidSecret
            }
            ErrorKind::InvalidResponse(_) => Reason::ServiceError,
            ErrorKind::InvalidSecretId(_) | ErrorKind::InvalidRequest(_) => Reason::InvalidRequest,
        }
    }

    /// Whether trying again later may succeed without anyone changing anything.
    pub fn is_retryable(&self) -> bool {
        match &self.kind {
            ErrorKind::Service(error) => error.is_retryable(),
            ErrorKind::Credentials(error) => error.is_retryable(),
            ErrorKind::Http(error) => error.is_retryable(),
            _ => false,
        }
    }
}

/// Stable categories of [`AwsError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    SecretNotFound,
    AccessDenied,
    DecryptionFailed,
    NoCredentials,
    Unavailable,
    InvalidSecret,
    InvalidRequest,
    ServiceError,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::SecretNotFound => "AwsSecretNotFound",
            Reason::AccessDenied => "AwsAccessDenied",
            Reason::DecryptionFailed => "AwsDecryptionFailed",
            Reason::NoCredentials => "AwsNoCredentials",
            Reason::Unavailable => "AwsUnavailable",
            Reason::InvalidSecret => "AwsInvalidSecret",
            Reason::InvalidRequest => "AwsInvalidRequest",
            Reason::ServiceError => "AwsServiceError",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
