//! `team-operator run`: connects, checks the cluster, serves the endpoints, waits for
//! leadership, runs the controllers and shuts down gracefully on SIGTERM or SIGINT.

use super::context::{Context, Settings};
use super::controller::Managed;
use super::http::{self, Endpoints};
use super::leader::{Elector, Timing};
use super::metrics::Metrics;
use super::options::{RunOptions, Scope};
use super::telemetry::Logging;
use crate::runtime::kinds::Addressed;
use futures::future::{BoxFuture, FutureExt, join_all};
use kube::api::{Api, ListParams};
use kube::{Client, Config};
use prometheus_client::registry::Registry;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// What the controllers need to start: the context, the watch scope, and a shutdown signal.
pub struct Launch {
    pub context: Arc<Context>,
    pub scope: Scope,
    pub concurrency: u16,
    pub shutdown: Shutdown,
    /// Optional kinds of other projects found installed (e.g. `SecretProviderClass`).
    pub installed: std::collections::BTreeSet<&'static str>,
}

/// Running controllers: their drivers and the futures that resolve once their caches are
/// synced.
#[derive(Default)]
pub struct Running {
    pub drivers: Vec<BoxFuture<'static, ()>>,
    pub synced: Vec<BoxFuture<'static, ()>>,
}

/// A shutdown signal any number of tasks can wait on.
#[derive(Clone)]
pub struct Shutdown(watch::Receiver<bool>);

impl Shutdown {
    /// A signal that fires when `receiver` sees `true`.
    pub fn new(receiver: watch::Receiver<bool>) -> Self {
        Self(receiver)
    }

    /// Resolves when shutdown was requested.
    pub fn requested(&self) -> impl std::future::Future<Output = ()> + Send + Sync + 'static {
        let mut receiver = self.0.clone();
        async move {
            let _ = receiver.wait_for(|stop| *stop).await;
        }
    }
}

/// Runs the operator until a signal stops it. Errors are one line for the user.
///
/// With leader election the controllers run only while this replica holds the Lease (a
/// term). A leader that cannot renew in time (the API server restarting, a network
/// partition) stops its controllers and stands by again instead of exiting, so it resumes
/// when the API server is back, whether or not another replica led in between.
pub async fn run(
    options: RunOptions,
    logging: Logging,
    start: impl Fn(Launch) -> Running,
) -> Result<(), String> {
    let scope = options.scope(std::env::var("WATCH_NAMESPACES").ok().as_deref());
    let environment = options.environment(|name| std::env::var(name).ok());
    let client = connect().await?;
    check_crds(&client, &scope).await?;
    logging.install();
    let identity = identity();
    tracing::info!(version = env!("CARGO_PKG_VERSION"), identity = %identity, scope = ?scope, "starting");

    let mut registry = Registry::default();
    let metrics = Metrics::register(&mut registry);
    let endpoints = Endpoints::new(registry);
    let (stop, stopped) = watch::channel(false);
    let shutdown = Shutdown(stopped);
    tokio::spawn(wait_for_signal(stop));
    let server = tokio::spawn(http::serve(
        options.http_address,
        endpoints.clone(),
        shutdown.requested(),
    ));

    let elector = options.leader_elect.then(|| {
        let namespace = options
            .leader_election_namespace
            .clone()
            .or_else(own_namespace)
            .unwrap_or_else(|| "posit-team-system".to_string());
        Elector::new(
            client.clone(),
            &namespace,
            &options.leader_election_id,
            &identity,
            Timing::default(),
        )
    });
    let settings = Settings::new(environment, options.resync());
    let installed = installed_optional_kinds(&client, &scope).await;
    let mut context = Context::new(client, metrics.clone(), settings, &identity);
    match super::aws::AwsSecrets::new(&context.settings.environment.aws_region) {
        Ok(aws) => context.aws = Some(Arc::new(aws)),
        Err(error) => tracing::warn!(error = %error, "AWS Secrets Manager cannot be read"),
    }
    let context = Arc::new(context);

    loop {
        // A standby is ready (it serves), it just does not write.
        endpoints.set_ready(elector.is_some());
        let leadership = match &elector {
            Some(elector) => {
                tokio::select! {
                    lead = elector.clone().lead() => Some(lead),
                    () = shutdown.requested() => break,
                }
            }
            None => None,
        };
        metrics.leader.set(1);
        let (end_term, term_ended) = watch::channel(false);
        let running = start(Launch {
            context: context.clone(),
            scope: scope.clone(),
            concurrency: options.concurrency,
            shutdown: Shutdown(term_ended),
            installed: installed.clone(),
        });
        endpoints.set_ready(false);
        let ready = endpoints.clone();
        let synced = join_all(running.synced);
        tokio::spawn(async move {
            synced.await;
            ready.set_ready(true);
            tracing::info!("caches synced, reconciling");
        });
        let drivers = join_all(running.drivers);
        tokio::pin!(drivers);
        let lost = async {
            match leadership {
                Some(mut lead) => drop(lead.wait_for(|leading| !*leading).await),
                None => std::future::pending().await,
            }
        };
        let end = tokio::select! {
            () = shutdown.requested() => Term::Shutdown,
            () = lost => Term::LeaseLost,
            _ = &mut drivers => Term::Shutdown,
        };
        let _ = end_term.send(true);
        drivers.await;
        metrics.leader.set(0);
        match end {
            Term::LeaseLost => {
                tracing::warn!("lost the leader lease; controllers stopped, standing by");
            }
            Term::Shutdown => {
                if let Some(elector) = &elector
                    && let Err(error) = elector.release().await
                {
                    tracing::warn!(error = %error, "cannot release the leader lease");
                }
                break;
            }
        }
    }
    finish(server).await
}

/// How a term of leadership ended.
enum Term {
    Shutdown,
    LeaseLost,
}

async fn finish(server: tokio::task::JoinHandle<std::io::Result<()>>) -> Result<(), String> {
    match server.await {
        Ok(Ok(())) => {
            tracing::info!("stopped");
            Ok(())
        }
        Ok(Err(error)) => Err(format!("the HTTP endpoints failed: {error}")),
        Err(error) => Err(format!("the HTTP endpoints failed: {error}")),
    }
}

/// A client for the configured cluster, checked with one request.
async fn connect() -> Result<Client, String> {
    let config = Config::infer().await.map_err(|e| {
        format!("cannot load a Kubernetes configuration (in-cluster or KUBECONFIG): {e}")
    })?;
    let url = config.cluster_url.to_string();
    let client = Client::try_from(config)
        .map_err(|e| format!("cannot create a Kubernetes client for {url}: {e}"))?;
    match tokio::time::timeout(Duration::from_secs(15), client.apiserver_version()).await {
        Ok(Ok(_)) => Ok(client),
        Ok(Err(error)) => Err(format!(
            "cannot reach the Kubernetes API at {url}: {}",
            one_line(&error.to_string())
        )),
        Err(_) => Err(format!(
            "cannot reach the Kubernetes API at {url}: no answer within 15 s"
        )),
    }
}

/// The operator's own CRDs must be installed and readable in the watched namespaces.
async fn check_crds(client: &Client, scope: &Scope) -> Result<(), String> {
    let namespaces: Vec<Option<&str>> = match scope {
        Scope::All => vec![None],
        Scope::Namespaces(names) => names.iter().map(|n| Some(n.as_str())).collect(),
    };
    for namespace in namespaces {
        let api: Api<team_api::Site> = match namespace {
            Some(ns) => Api::namespaced(client.clone(), ns),
            None => Api::all(client.clone()),
        };
        let place = namespace.map_or("all namespaces".to_string(), |ns| format!("namespace {ns}"));
        match api.list(&ListParams::default().limit(1)).await {
            Ok(_) => {}
            Err(kube::Error::Api(status)) if status.code == 404 => {
                return Err(format!(
                    "the CRD sites.{} is not installed: install the chart's CRDs (team-operator crds | kubectl apply --server-side -f -)",
                    team_api::GROUP
                ));
            }
            Err(kube::Error::Api(status)) if status.code == 403 => {
                return Err(format!(
                    "the operator may not list {} in {place}: grant its ServiceAccount the chart's RBAC",
                    <team_api::Site as Managed>::CONTROLLER
                ));
            }
            Err(error) => {
                return Err(format!(
                    "cannot list Sites in {place}: {}",
                    one_line(&error.to_string())
                ));
            }
        }
    }
    Ok(())
}

/// Which optional kinds (installed by other projects) the cluster serves, so that only those
/// are watched.
pub async fn installed_optional_kinds(
    client: &Client,
    scope: &Scope,
) -> std::collections::BTreeSet<&'static str> {
    let namespace = match scope {
        Scope::All => None,
        Scope::Namespaces(names) => names.first().cloned(),
    };
    let mut installed = std::collections::BTreeSet::new();
    for kind in super::kinds::ALL.iter().filter(|k| k.optional) {
        let resource = kind.api_resource();
        let api: Api<kube::core::DynamicObject> = match &namespace {
            Some(ns) => Api::namespaced_with(client.clone(), ns, &resource),
            None => Api::all_with(client.clone(), &resource),
        };
        match api.list(&ListParams::default().limit(1)).await {
            Ok(_) => {
                installed.insert(kind.name);
            }
            Err(error) => {
                tracing::info!(kind = kind.name, error = %one_line(&error.to_string()), "optional kind not available; not watched")
            }
        }
    }
    installed
}

async fn wait_for_signal(stop: watch::Sender<bool>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let Ok(mut terminate) = signal(SignalKind::terminate()) else {
            return;
        };
        tokio::select! {
            _ = terminate.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
    tracing::info!("shutting down");
    let _ = stop.send(true);
}

/// This replica's identity in the Lease and in Events.
fn identity() -> String {
    std::env::var("POD_NAME")
        .ok()
        .filter(|n| !n.is_empty())
        .or_else(|| {
            std::fs::read_to_string("/etc/hostname")
                .ok()
                .map(|h| h.trim().to_string())
        })
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| format!("team-operator-{}", std::process::id()))
}

/// The namespace this pod runs in, when in a cluster.
fn own_namespace() -> Option<String> {
    std::fs::read_to_string("/var/run/secrets/kubernetes.io/serviceaccount/namespace")
        .ok()
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Keeps the compiler honest about the futures `start` hands back being sendable.
pub fn boxed<F: std::future::Future<Output = ()> + Send + 'static>(
    future: F,
) -> BoxFuture<'static, ()> {
    future.boxed()
}
