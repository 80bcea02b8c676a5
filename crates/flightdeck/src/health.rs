//! Live product status: the server checks each product's health endpoint with a short
//! timeout and reuses the result for a while, so page views never hammer the products.
//!
//! A product is `up` when its endpoint answers with a 2xx or 3xx status within the timeout,
//! and `down` when it answers with an error status, refuses the connection or does not answer
//! in time. `unknown` is what the page shows when Flightdeck itself cannot be reached, and
//! what a check reports when its URL is unusable.

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
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
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
                    "http://{}.{}.svc.cluster.local",
                    team_api::names::child(&site.name, product.service_suffix()?),
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
    last: std::sync::Mutex<Option<Checked>>,
    /// Serialises the first check, so concurrent first page views share it.
    first_check: Mutex<()>,
    /// A background refresh is running.
    refreshing: AtomicBool,
}

#[derive(Clone, Copy)]
struct Checked {
    status: Status,
    at: Instant,
}

/// Checks and caches product health. Cheap to clone: clones share the cache.
#[derive(Clone)]
pub struct HealthChecker(Arc<Shared>);

struct Shared {
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
                last: std::sync::Mutex::new(None),
                first_check: Mutex::new(()),
                refreshing: AtomicBool::new(false),
            })
            .collect();
        Self(Arc::new(Shared {
            probes,
            cache_for,
            timeout,
            client,
        }))
    }

    /// How long a result is reused.
    pub fn cache_for(&self) -> Duration {
        self.0.cache_for
    }

    /// The status of every product that has a health endpoint.
    ///
    /// A fresh result is returned as is. A stale one is returned too, while one background
    /// check per product refreshes it, so a page view never waits for a slow product. Only
    /// the very first check of a product is waited for (at most about the timeout), and
    /// concurrent callers share it.
    pub async fn statuses(&self) -> BTreeMap<Product, Status> {
        let checks = (0..self.0.probes.len()).map(|index| async move {
            (self.0.probes[index].product, self.status_of(index).await)
        });
        futures_util::future::join_all(checks)
            .await
            .into_iter()
            .collect()
    }

    async fn status_of(&self, index: usize) -> Status {
        let probe = &self.0.probes[index];
        if let Some(checked) = probe.last() {
            if checked.at.elapsed() >= self.0.cache_for {
                self.refresh_in_background(index);
            }
            return checked.status;
        }
        let _first = probe.first_check.lock().await;
        if let Some(checked) = probe.last() {
            return checked.status; // another caller finished the first check
        }
        let status = self.0.check(probe).await;
        probe.record(status);
        status
    }

    fn refresh_in_background(&self, index: usize) {
        let probe = &self.0.probes[index];
        if probe.refreshing.swap(true, Ordering::AcqRel) {
            return;
        }
        let shared = self.0.clone();
        tokio::spawn(async move {
            let probe = &shared.probes[index];
            let status = shared.check(probe).await;
            probe.record(status);
            probe.refreshing.store(false, Ordering::Release);
        });
    }
}

impl Probe {
    fn last(&self) -> Option<Checked> {
        *self
            .last
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn record(&self, status: Status) {
        let mut last = self
            .last
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let previous = last.map_or(Status::Unknown, |checked| checked.status);
        if previous != status {
            tracing::info!(
                product = self.product.id(),
                from = previous.as_str(),
                to = status.as_str(),
                "product status changed"
            );
        }
        *last = Some(Checked {
            status,
            at: Instant::now(),
        });
    }
}

impl Shared {
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
    fn long_site_names_probe_the_shortened_service_names() {
        let site = SiteIdentity {
            name: "s".repeat(63),
            namespace: "posit-team".into(),
        };
        for (product, url) in endpoints(&site, &ServiceUrls::new()) {
            let host = url.trim_start_matches("http://").split('.').next().unwrap();
            let service = team_api::names::child(&site.name, product.service_suffix().unwrap());
            assert_eq!(host, service);
            assert!(host.len() <= 63, "{host}");
        }
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
