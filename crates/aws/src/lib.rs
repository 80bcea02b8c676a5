//! A lean AWS Secrets Manager client: it reads one secret's `SecretString`, at version stage
//! `AWSCURRENT`, as a JSON object of string values.
//!
//! Built on the HTTP stack the operator already has (hyper 1, hyper-util, rustls with ring)
//! instead of the AWS SDK. It does three things:
//!
//! - **SigV4 signing** ([`sigv4`]) of `secretsmanager.GetSecretValue` (JSON 1.1 protocol),
//!   checked against the official SigV4 test suite.
//! - **Credentials** ([`credentials`]) in the order the AWS SDKs' default chain uses for pods:
//!   environment (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), web
//!   identity / IRSA (`AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN`, `AWS_ROLE_SESSION_NAME`,
//!   through STS `AssumeRoleWithWebIdentity` at the regional endpoint), then the container
//!   endpoint / EKS Pod Identity (`AWS_CONTAINER_CREDENTIALS_FULL_URI` with
//!   `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`). Temporary credentials are cached until five
//!   minutes before they expire.
//! - **Endpoints** ([`endpoint`]): `https://secretsmanager.<region>.amazonaws.com` (`.com.cn`
//!   in China), `AWS_USE_FIPS_ENDPOINT`, and the overrides `AWS_ENDPOINT_URL_SECRETS_MANAGER`,
//!   `AWS_ENDPOINT_URL_STS` and `AWS_ENDPOINT_URL` as the SDKs read them.
//!
//! # Use
//!
//! ```no_run
//! use team_aws::{Environment, HttpClient, Region, SecretsManager};
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! // AWS_REGION, else AWS_DEFAULT_REGION, else us-east-2 (the Go operator's rule).
//! let region = Region::from_environment(&Environment::from_process())?;
//! let secrets = SecretsManager::new(region, HttpClient::new()?)?;
//! let values = secrets.get_secret("my-site-workload").await?;
//! let url = values.get("main-database-url");
//! // Or one key, a missing key being an error that names it:
//! let password = secrets.get_secret_key("rds!db-0123", "password").await?;
//! # Ok(()) }
//! ```
//!
//! Tests and callers with their own credentials use the builder:
//!
//! ```no_run
//! # use team_aws::*;
//! # fn example(http: HttpClient) -> Result<(), ConfigError> {
//! let secrets = SecretsManager::builder(Region::new("eu-west-1")?, http)
//!     .credentials(Credentials::new("AKID", "secret", None, None))
//!     .endpoint(Endpoint::parse("http://127.0.0.1:4566")?)
//!     .retry(RetryPolicy::none())
//!     .build()?;
//! # Ok(()) }
//! ```
//!
//! # Errors
//!
//! [`AwsError`] names the secret id, the region and what failed: the AWS error code and
//! message ([`AwsError::code`]: `ResourceNotFoundException`, `AccessDeniedException`, ...), the
//! credential source, a timeout, a SecretString that is not a JSON object of strings (with the
//! offending key and JSON type, never the value) or a secret holding only SecretBinary.
//! [`AwsError::reason`] is a stable category for event reasons and metric labels. Messages never
//! contain a secret value or a credential: AWS messages are cut to their first line and
//! scrubbed of the secret key, the session token and the web identity token.
//! [`SecretValues`], [`Credentials`] and [`Environment`] print keys or names only in `Debug`.
//!
//! # Behaviour
//!
//! Every request has a deadline ([`http::DEFAULT_TIMEOUT`], 10 s, connection included) and a
//! response size cap. Throttling, 5xx answers, timeouts and connection failures are tried
//! again ([`RetryPolicy`]: three attempts, 200 ms then 400 ms apart); an
//! `ExpiredTokenException` makes the cache fetch new credentials once. Nothing is cached but
//! credentials: each [`SecretsManager::get_secret`] reads the current version.

pub mod clock;
pub mod credentials;
pub mod endpoint;
pub mod environment;
pub mod error;
pub mod http;
pub mod redact;
pub mod retry;
pub mod secret;
pub mod secrets_manager;
pub mod sigv4;
pub mod sts;
mod xml;

pub use clock::{Clock, SystemClock};
pub use credentials::{CachedCredentials, Credentials, DefaultChain, ProvideCredentials};
pub use endpoint::{Endpoint, Region};
pub use environment::Environment;
pub use error::{
    AwsError, ConfigError, CredentialsError, ErrorKind, HttpError, Reason, ServiceError,
};
pub use http::HttpClient;
pub use retry::RetryPolicy;
pub use secret::SecretValues;
pub use secrets_manager::SecretsManager;

/// `User-Agent` of every request, so that CloudTrail shows who called.
pub const USER_AGENT: &str = concat!("team-operator/", env!("CARGO_PKG_VERSION"));
