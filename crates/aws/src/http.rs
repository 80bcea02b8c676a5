//! The HTTP client: hyper 1 over rustls (ring), HTTP/1.1, a deadline on every request and a
//! cap on response size.

use crate::error::{ConfigError, HttpError};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::{HeaderMap, Request};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Deadline of one request, connection and whole response body included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Largest response body read. A secret is at most 64 KiB; STS and credential answers are a
/// few KiB.
pub const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

/// Idle pooled connections are closed after this long.
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// A shareable HTTPS client (clones share the connection pool). It also speaks plain HTTP,
/// which only endpoint overrides and the container credentials agent use.
#[derive(Clone)]
pub struct HttpClient {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    timeout: Duration,
}

/// A complete response. `Debug` shows the body's size only: it may hold secret values.
#[derive(Clone)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl HttpClient {
    /// A client trusting the system's CA certificates (`/etc/ssl/certs` on Debian), with
    /// [`DEFAULT_TIMEOUT`].
    pub fn new() -> Result<Self, ConfigError> {
        let found = rustls_native_certs::load_native_certs();
        let mut roots = rustls::RootCertStore::empty();
        for certificate in found.certs {
            // A certificate rustls cannot use is skipped, as every TLS client does.
            let _ = roots.add(certificate);
        }
        if roots.is_empty() {
            let errors: Vec<String> = found.errors.iter().map(|e| e.to_string()).collect();
            return Err(ConfigError(format!(
                "no trusted CA certificates in the system store (install ca-certificates){}",
                if errors.is_empty() {
                    String::new()
                } else {
                    format!(": {}", errors.join("; "))
                }
            )));
        }
        Self::with_root_certificates(roots)
    }

    /// A client trusting exactly `roots`.
    pub fn with_root_certificates(roots: rustls::RootCertStore) -> Result<Self, ConfigError> {
        let config = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|e| ConfigError(format!("TLS configuration: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
        Ok(Self::with_tls_config(config))
    }

    /// A client with a TLS configuration of the caller's.
    pub fn with_tls_config(config: rustls::ClientConfig) -> Self {
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(config)
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(POOL_IDLE_TIMEOUT)
            .build(connector);
        Self {
            client,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// The same client with another per-request deadline.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Sends `request` and reads the whole response within the deadline. `endpoint` names the
    /// destination in errors.
    pub async fn send(
        &self,
        request: Request<Full<Bytes>>,
        endpoint: &str,
    ) -> Result<HttpResponse, HttpError> {
        let exchange = async {
            let response =
                self.client
                    .request(request)
                    .await
                    .map_err(|error| HttpError::Transport {
                        endpoint: endpoint.to_string(),
                        reason: error_chain(&error),
                    })?;
            let (parts, body) = response.into_parts();
            let body = Limited::new(body, MAX_RESPONSE_BYTES)
                .collect()
                .await
                .map_err(|error| {
                    if error.downcast_ref::<LengthLimitError>().is_some() {
                        HttpError::TooLarge {
                            endpoint: endpoint.to_string(),
                            limit: MAX_RESPONSE_BYTES,
                        }
                    } else {
                        HttpError::Transport {
                            endpoint: endpoint.to_string(),
                            reason: error_chain(error.as_ref()),
                        }
                    }
                })?
                .to_bytes();
            Ok(HttpResponse {
                status: parts.status.as_u16(),
                headers: parts.headers,
                body,
            })
        };
        tokio::time::timeout(self.timeout, exchange)
            .await
            .map_err(|_| HttpError::Timeout {
                endpoint: endpoint.to_string(),
                timeout: self.timeout,
            })?
    }
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("body_bytes", &self.body.len())
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpClient")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// An error and its sources, `outer: inner: innermost`, without repeats.
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![error.to_string()];
    let mut source = error.source();
    while let Some(inner) = source {
        let text = inner.to_string();
        if !parts.iter().any(|part| part.contains(&text)) {
            parts.push(text);
        }
        source = inner.source();
    }
    parts.join(": ")
}
