//! Live product status: the server checks each product's health endpoint with a short
//! timeout and reuses the result for a while, so page views never hammer the products.
//!
//! A product is `up` when its endpoint answers with a 2xx or 3xx status within the timeout,
//! `down` when it answers with an error status, refuses the connection or does not answer in
//! time, and `unknown` before the first check has finished.

use crate::products::Product;
use crate::site_source::SiteIdentity;
use bytes::Bytes;
use http_body_util::Empty;
use hyper::Uri;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// Health check base URLs that replace the in-cluster defaults.
pub type ServiceUrls = BTreeMap<Product, String>;

/// What a card shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Up,
    Down,
    Unknown,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Up => "up",
            Status::Down => "down",
            Status::Unknown => "unknown",
        }
    }

    /// Text shown on the badge.
    pub fn label(self) -> &'static str {
        match self {
            Status::Up => "Up",
            Status::Down => "Down",
            Status::Unknown => "Unknown",
        }
    }
}

/// The health endpoint of each product the Site runs: the override when given, else the
/// product's Service in the cluster.
pub fn endpoints(site: &SiteIdentity, overrides: &ServiceUrls) -> Vec<(Product, String)> {
    Product::ALL
        .into_iter()
        .filter_map(|product| {
            let path = product.health_path()?;
            let base = match overrides.get(&product) {
                Some(url) => url.clone(),
                None => format!(
                    "http://{}-{}.{}.svc.cluster.local",
                    site.name,
                    product.service_suffix()?,
                    site.namespace
                ),
            };
            Some((product, format!("{base}{path}")))
        })
        .collect()
}

struct Probe {
    product: Product,
    url: String,
    last: Mutex<Option<Checked>>,
}

#[derive(Clone, Copy)]
struct Checked {
    status: Status,
    at: Instant,
}

/// Checks and caches product health.
pub struct HealthChecker {
    probes: Vec<Probe>,
    cache_for: Duration,
    timeout: Duration,
    client: Client<HttpConnector, Empty<Bytes>>,
}

impl HealthChecker {
    pub fn new(endpoints: Vec<(Product, String)>, cache_for: Duration, timeout: Duration) -> Self {
        let mut connector = HttpConnector::new();
        connector.set_connect_timeout(Some(timeout));
        connector.set_nodelay(true);
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .pool_max_idle_per_host(2)
            .build(connector);
        let probes = endpoints
            .into_iter()
            .map(|(product, url)| Probe {
                product,
                url,
                last: Mutex::new(None),
            })
            .collect();
        Self {
            probes,
            cache_for,
            timeout,
            client,
        }
    }

    /// How long a result is reused.
    pub fn cache_for(&self) -> Duration {
        self.cache_for
    }

    /// The status of every product that has a health endpoint, checking those whose cached
    /// result is stale. Checks run concurrently; concurrent callers share one check per
    /// product. Takes at most about the timeout.
    pub async fn statuses(&self) -> BTreeMap<Product, Status> {
        let checks = self
            .probes
            .iter()
            .map(|probe| async move { (probe.product, self.status_of(probe).await) });
        futures_util::future::join_all(checks)
            .await
            .into_iter()
            .collect()
    }

    async fn status_of(&self, probe: &Probe) -> Status {
        // Holding the lock during the check makes concurrent page views wait for one check
        // instead of each sending their own.
        let mut last = probe.last.lock().await;
        if let Some(checked) = *last
            && checked.at.elapsed() < self.cache_for
        {
            return checked.status;
        }
        let status = self.check(probe).await;
        let previous = last.map_or(Status::Unknown, |checked| checked.status);
        if previous != status {
            tracing::info!(
                product = probe.product.id(),
                from = previous.as_str(),
                to = status.as_str(),
                "product status changed"
            );
        }
        *last = Some(Checked {
            status,
            at: Instant::now(),
        });
        status
    }

    async fn check(&self, probe: &Probe) -> Status {
        let uri: Uri = match probe.url.parse() {
            Ok(uri) => uri,
            Err(error) => {
                tracing::warn!(product = probe.product.id(), %error, "invalid health check URL");
                return Status::Unknown;
            }
        };
        match tokio::time::timeout(self.timeout, self.client.get(uri)).await {
            Ok(Ok(response)) => {
                let code = response.status();
                tracing::debug!(
                    product = probe.product.id(),
                    status = code.as_u16(),
                    "health check answered"
                );
                if code.is_success() || code.is_redirection() {
                    Status::Up
                } else {
                    Status::Down
                }
            }
            Ok(Err(error)) => {
                tracing::debug!(product = probe.product.id(), %error, "health check failed");
                Status::Down
            }
            Err(_) => {
                tracing::debug!(
                    product = probe.product.id(),
                    timeout_ms = self.timeout.as_millis() as u64,
                    "health check timed out"
                );
                Status::Down
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity() -> SiteIdentity {
        SiteIdentity {
            name: "main".into(),
            namespace: "posit-team".into(),
        }
    }

    #[test]
    fn in_cluster_endpoints_are_the_product_services() {
        let endpoints = endpoints(&identity(), &ServiceUrls::new());
        assert_eq!(
            endpoints,
            vec![
                (
                    Product::Workbench,
                    "http://main-workbench.posit-team.svc.cluster.local/health-check".to_string()
                ),
                (
                    Product::Connect,
                    "http://main-connect.posit-team.svc.cluster.local/__ping__".to_string()
                ),
                (
                    Product::PackageManager,
                    "http://main-packagemanager.posit-team.svc.cluster.local/__ping__".to_string()
                ),
            ]
        );
    }

    #[test]
    fn overrides_replace_the_base_only() {
        let mut overrides = ServiceUrls::new();
        overrides.insert(Product::Connect, "http://127.0.0.1:9000".into());
        let endpoints = endpoints(&identity(), &overrides);
        assert_eq!(endpoints[1].1, "http://127.0.0.1:9000/__ping__");
        assert!(endpoints[0].1.starts_with("http://main-workbench."));
    }
}
