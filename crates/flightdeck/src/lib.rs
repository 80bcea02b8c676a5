//! Flightdeck: the landing page of a Posit Team Site.
//!
//! Served on the Site's bare domain, it shows one card per product (Workbench, Connect,
//! Package Manager, and Posit Academy when enabled) with a link to `https://<prefix>.<domain>`
//! and the product's live status, checked by the server against the product's health
//! endpoint and cached for a few seconds. When `showConfig` is on, `/config` lists the product
//! images and their configuration, HTML-escaped and with secrets redacted.
//!
//! # Deployment contract
//!
//! The operator's Flightdeck Deployment relies on exactly this; changing it breaks running
//! Sites:
//!
//! - the container runs `flightdeck --listen 0.0.0.0:<port>`, where `<port>` is the
//!   Flightdeck's `spec.port` (8080 by default) and the container port is named `http`;
//! - environment: `SITE_NAME` (the Site to show), `NAMESPACE` (its namespace, from the
//!   downward API `metadata.namespace`), `SHOW_CONFIG` and `SHOW_ACADEMY` (`true` or
//!   `false`), `LOG_LEVEL` (`debug`, `info`, `warn` or `error`) and `LOG_FORMAT` (`text` or
//!   `json`);
//! - liveness and readiness probes: `GET /healthz` on port `http`;
//! - the process runs as uid 999 on a read-only root filesystem: it writes no files;
//! - its ServiceAccount may `get`, `list` and `watch` `sites.core.posit.team` in the
//!   namespace; nothing else is read from the API server. The Site is watched, not fetched
//!   per request.
//!
//! Health endpoints are the product Services of the Site:
//! `http://<site>-workbench.<ns>.svc.cluster.local/health-check`,
//! `http://<site>-connect.<ns>.svc.cluster.local/__ping__` and
//! `http://<site>-packagemanager.<ns>.svc.cluster.local/__ping__`. Their base URLs can be
//! overridden (`--workbench-service-url`, `--connect-service-url`,
//! `--package-manager-service-url` or the matching `*_SERVICE_URL` variables).
//!
//! Start-up failures (bad flags or environment, unreadable Site file, no Kubernetes
//! configuration, address in use) print one line to standard error and exit non-zero.

pub mod assets;
pub mod cli;
pub mod health;
pub mod html;
pub mod logging;
pub mod pages;
pub mod products;
pub mod redact;
pub mod server;
pub mod site_file;
pub mod site_source;
pub mod site_watch;

use cli::Cli;
use health::HealthChecker;
use server::AppState;
use site_source::SiteSource;
use std::net::SocketAddr;
use thiserror::Error;
use tokio::net::TcpListener;

/// Why Flightdeck could not start. Displayed as one line.
#[derive(Debug, Error)]
pub enum StartupError {
    #[error(transparent)]
    SiteFile(#[from] site_file::SiteFileError),
    #[error("SITE_NAME is not set: name the Site to show (--site-name or SITE_NAME)")]
    MissingSiteName,
    #[error("cannot connect to Kubernetes: {0}")]
    Kubernetes(String),
    #[error("cannot listen on {address}: {source}")]
    Listen {
        address: SocketAddr,
        source: std::io::Error,
    },
    #[error("server failed: {0}")]
    Serve(std::io::Error),
}

/// Runs Flightdeck until SIGTERM or Ctrl-C.
pub async fn run(cli: Cli) -> Result<(), StartupError> {
    // Everything that can fail comes before anything starts in the background, so a failed
    // start-up prints its one line and nothing else.
    let site = match &cli.site_file {
        Some(path) => SiteOrigin::File(SiteSource::from_file(
            path,
            cli.site_name.as_deref(),
            cli.namespace.as_deref(),
        )?),
        None => {
            let name = cli.site_name.clone().ok_or(StartupError::MissingSiteName)?;
            let (client, identity) = site_watch::connect(name, cli.namespace.clone()).await?;
            SiteOrigin::Cluster(client, identity)
        }
    };
    let listener = TcpListener::bind(cli.listen)
        .await
        .map_err(|source| StartupError::Listen {
            address: cli.listen,
            source,
        })?;
    let source = match site {
        SiteOrigin::File(source) => source,
        SiteOrigin::Cluster(client, identity) => site_watch::watch_with(client, identity),
    };
    let identity = source.identity();
    let health = HealthChecker::new(
        health::endpoints(&identity, &cli.service_urls()),
        cli.health_cache,
        cli.health_timeout,
    );
    // Check the products right away, so the first visitor does not wait for it.
    tokio::spawn({
        let health = health.clone();
        async move { health.statuses().await }
    });
    let state = AppState::new(source, cli.features(), health, cli.academy_url.clone());
    let address = listener.local_addr().unwrap_or(cli.listen);
    tracing::info!(
        %address,
        site = %identity.name,
        namespace = %identity.namespace,
        "flightdeck listening"
    );
    server::serve(listener, state, shutdown_signal())
        .await
        .map_err(StartupError::Serve)
}

/// Where the Site comes from, once start-up checks have passed.
enum SiteOrigin {
    File(SiteSource),
    Cluster(kube::Client, site_source::SiteIdentity),
}

/// Resolves on SIGTERM (how Kubernetes stops a pod) or Ctrl-C.
async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(error) => {
                    tracing::warn!(%error, "cannot listen for SIGTERM; stopping on Ctrl-C only");
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
    tracing::info!("shutting down");
}
