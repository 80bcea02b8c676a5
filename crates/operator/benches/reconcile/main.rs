//! The real controllers at scale over the in-memory API: N Sites from an example are
//! created, the controllers converge them, then the cluster is left alone for a resync
//! period, in which nothing may be written.
//!
//! `cargo bench -p team-operator --bench reconcile -- --sites 200` prints, as its last line,
//! one JSON object. Options: `--example FILE` (default minimal.yaml), `--resync-seconds S`
//! (default 30), `--real` (the operator process against a real API server instead, see
//! `real.rs`).
//!
//! The controllers' watches are fed by the in-memory API's change feed (see
//! `feed_watches.rs`): a list, then each accepted write, as an API server's watch would.
//!
//! The Sites' database server is unreachable: provisioning is PostgreSQL's cost (see the
//! team-db benchmark), so PostgresDatabases stay Degraded and retry with backoff, and the
//! products wait for them, requeueing as they would in a cluster.
//!
//! Memory: `peak_rss_mib` is the whole process's, in-memory API included; the heap figures
//! separate the two (see `heap.rs`): `operator_heap_mib` is what the operator holds at the end
//! (caches, stores, queues), `operator_heap_peak_mib` its highest, `api_heap_mib` the API's
//! (with the benchmark's log of requests).
//!
//! Figures: `objects` counts what the operator manages; `writes_first` its object writes
//! until the cluster is quiet (status updates and Events are reported apart, as
//! `status_writes_first` and `events_first`); `writes_resync` every write, status and Events
//! included, during the resync period, and `requests_resync` every request the controllers
//! made in it (the watches are not counted); the percentiles are those of the successful
//! reconciles of that period; `peak_rss_mib` covers the whole process, in-memory API included.

#[path = "../../tests/cluster/mod.rs"]
#[allow(unused_imports)]
mod cluster;
#[path = "../../tests/common/mod.rs"]
mod common;
mod feed_watches;
mod heap;
#[path = "../../tests/real/mod.rs"]
mod real;
#[path = "real.rs"]
mod real_api;

#[global_allocator]
static ALLOCATOR: heap::CountingAllocator = heap::CountingAllocator;

use feed_watches::FeedWatches;
use futures::StreamExt;
use futures::stream::BoxStream;
use kube::Client;
use kube::api::ObjectMeta;
use kube::api::{Api, DynamicObject, ListParams};
use kube::runtime::watcher;
use prometheus_client::registry::Registry;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use team_api::Site;
use team_api::manifest::Resource;
use team_operator::runtime::context::{Context, Settings};
use team_operator::runtime::controller::{Managed, map_event};
use team_operator::runtime::kinds::ALL;
use team_operator::runtime::kinds::Addressed;
use team_operator::runtime::kinds::Kind;
use team_operator::runtime::metrics::Metrics;
use team_operator::runtime::operator::{Launch, Shutdown};
use team_operator::runtime::options::Scope;
use team_operator::runtime::watches::WatchSource;
use test_support::api::{Call, Recorder};
use tracing::field::{Field, Visit};
use tracing_subscriber::Layer;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;

struct Options {
    sites: usize,
    example: String,
    resync: Duration,
    real: bool,
}

fn options() -> Options {
    let mut options = Options {
        sites: 200,
        example: "minimal.yaml".into(),
        resync: Duration::from_secs(30),
        real: false,
    };
    let mut args = std::env::args().skip(1);
    let number = |value: Option<String>, flag: &str| -> u64 {
        value
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{flag} takes a number"))
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--sites" => options.sites = number(args.next(), "--sites") as usize,
            "--example" => options.example = args.next().expect("--example takes a file name"),
            "--real" => options.real = true,
            "--resync-seconds" => {
                options.resync = Duration::from_secs(number(args.next(), "--resync-seconds"))
            }
            // `cargo bench` adds `--bench`; other harness flags do not apply.
            _ => {}
        }
    }
    options
}

/// Collects the durations the controllers log with each successful reconcile.
#[derive(Clone, Default)]
struct Durations(Arc<Mutex<Vec<u64>>>);

struct ElapsedField(Option<u64>);

impl Visit for ElapsedField {
    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == "elapsed_us" {
            self.0 = Some(value);
        }
    }
    fn record_debug(&mut self, _: &Field, _: &dyn std::fmt::Debug) {}
}

impl<S: tracing::Subscriber> Layer<S> for Durations {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        let mut field = ElapsedField(None);
        event.record(&mut field);
        if let Some(micros) = field.0 {
            self.0.lock().unwrap().push(micros);
        }
    }
}

impl Durations {
    fn take(&self) -> Vec<u64> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

/// The in-memory API as a client whose work is on the API's account.
#[derive(Clone)]
struct ApiAccount(Client);

impl tower::Service<http::Request<kube::client::Body>> for ApiAccount {
    type Response = http::Response<kube::client::Body>;
    type Error = kube::Error;
    type Future = heap::Api<dyn Future<Output = Result<Self::Response, kube::Error>> + Send>;

    fn poll_ready(
        &mut self,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), kube::Error>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<kube::client::Body>) -> Self::Future {
        let client = self.0.clone();
        heap::Api(Box::pin(async move { client.send(request).await }))
    }
}

/// The feed's watches on the API's account (they stand in for the API server's watches); what
/// they deliver is copied into the operator's memory, as a watch event would be decoded.
#[derive(Clone)]
struct WatchStandIn(FeedWatches);

impl WatchSource for WatchStandIn {
    fn primary<K: Managed>(
        &self,
        namespace: Option<&str>,
    ) -> BoxStream<'static, Result<watcher::Event<K>, watcher::Error>> {
        heap::ApiStream(Box::pin(self.0.primary::<K>(namespace)))
            .map(|event| event.map(|e| map_event(e, |o| o.clone())))
            .boxed()
    }

    fn metadata(
        &self,
        namespace: Option<&str>,
        kind: &'static Kind,
    ) -> BoxStream<'static, watcher::Event<ObjectMeta>> {
        heap::ApiStream(Box::pin(self.0.metadata(namespace, kind)))
            .map(|e| map_event(e, |o| o.clone()))
            .boxed()
    }
}

fn mib(bytes: usize) -> f64 {
    round(bytes as f64 / (1024.0 * 1024.0))
}

fn percentile_ms(sorted: &[u64], fraction: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() as f64 - 1.0) * fraction).round() as usize;
    round(sorted[index] as f64 / 1000.0)
}

fn round(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

fn is_status(call: &Call) -> bool {
    call.resource.ends_with("/status")
}

fn is_event(call: &Call) -> bool {
    call.resource == "events"
}

/// How many objects `render` makes of one Site's documents (of the kinds a cluster without
/// other projects' CRDs serves, unless `optional`).
fn rendered_objects(documents: &[Value], optional: bool) -> usize {
    let resources: Vec<Resource> = documents
        .iter()
        .filter_map(|doc| match doc["kind"].as_str() {
            Some("Site") => Some(Resource::Site(Box::new(
                serde_json::from_value(doc.clone()).expect("a Site"),
            ))),
            Some("Secret") => Some(Resource::Secret(Box::new(
                serde_json::from_value(doc.clone()).expect("a Secret"),
            ))),
            _ => None,
        })
        .collect();
    team_desired::render::render(
        &resources,
        cluster::NS,
        &team_desired::Environment::default(),
    )
    .expect("the example renders")
    .objects()
    .filter(|desired| {
        let object = desired.object.to_value();
        optional
            || !Kind::lookup(
                object["apiVersion"].as_str().unwrap_or_default(),
                object["kind"].as_str().unwrap_or_default(),
            )
            .is_some_and(|kind| kind.optional)
    })
    .count()
}

/// Waits until every Site has a status, every rendered object exists and no write happened
/// for `quiet`.
async fn converge(
    raw: &Client,
    recorder: &Recorder,
    sites: usize,
    objects: usize,
    quiet: Duration,
) {
    let site_api: Api<Site> = Api::namespaced(raw.clone(), cluster::NS);
    let mut writes = usize::MAX;
    loop {
        tokio::time::sleep(quiet).await;
        let now = recorder.writes().len();
        if now != writes {
            writes = now;
            continue;
        }
        let reported = site_api
            .list(&ListParams::default())
            .await
            .map(|l| l.items.iter().filter(|s| s.status.is_some()).count())
            .unwrap_or(0);
        if reported == sites && managed_objects(raw).await >= objects {
            return;
        }
    }
}

async fn managed_objects(client: &Client) -> usize {
    let mut count = 0;
    for kind in ALL
        .iter()
        .filter(|k| k.name != "Event" && k.name != "Lease")
    {
        let resource = kind.api_resource();
        let api: Api<DynamicObject> = if kind.namespaced {
            Api::namespaced_with(client.clone(), cluster::NS, &resource)
        } else {
            Api::all_with(client.clone(), &resource)
        };
        let params = ListParams::default().labels("app.kubernetes.io/managed-by=team-operator");
        if let Ok(list) = api.list(&params).await {
            count += list.items.len();
        }
    }
    count
}

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kib| round(kib / 1024.0))
}

fn main() {
    let options = options();
    if options.real {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let database = "postgres://admin:admin@127.0.0.1:9/postgres?sslmode=disable";
        let documents = cluster::example_with_database(&options.example, "site0000", database);
        let per_site = rendered_objects(&documents, false);
        let report = runtime.block_on(real_api::run(
            options.sites,
            &options.example,
            options.resync,
            per_site,
        ));
        println!("{report}");
        return;
    }
    let durations = Durations::default();
    let filter =
        Targets::new().with_target("team_operator::runtime::controller", tracing::Level::DEBUG);
    tracing::subscriber::set_global_default(
        tracing_subscriber::registry().with(durations.clone().with_filter(filter)),
    )
    .unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run(options, durations));
}

async fn run(options: Options, durations: Durations) {
    let fake = heap::Api(Box::pin(cluster::in_memory_api())).await;
    // The request log is the benchmark's, not the operator's: it is kept on the API's
    // account, behind `ApiAccount`.
    let (fed, feed) = test_support::feed::feeding(fake);
    let (recorded, recorder) = test_support::api::recording(fed.clone());
    let client = Client::new(ApiAccount(recorded), "default");
    let raw = Client::new(ApiAccount(fed), "default");
    // Connection refused at once: no database work, no DNS wait.
    let database = "postgres://admin:admin@127.0.0.1:9/postgres?sslmode=disable";
    let sites: Vec<String> = (0..options.sites).map(|i| format!("site{i:04}")).collect();
    let mut expected_objects = 0;
    for site in &sites {
        let documents = cluster::example_with_database(&options.example, site, database);
        expected_objects += rendered_objects(&documents, true);
        cluster::create(&raw, &documents).await;
    }

    let mut registry = Registry::default();
    let settings = Settings::new(team_desired::Environment::default(), options.resync);
    let context = Arc::new(Context::new(
        client.clone(),
        Metrics::register(&mut registry),
        settings,
        "bench",
    ));
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let launch = Launch {
        context,
        scope: Scope::Namespaces(vec![cluster::NS.to_string()]),
        concurrency: 4,
        shutdown: Shutdown::new(stopped),
        installed: BTreeSet::from(["Middleware", "SecretProviderClass"]),
    };
    // The watches list straight from the in-memory API: their cost is not the controllers'
    // requests.
    let watches = WatchStandIn(FeedWatches {
        client: raw.clone(),
        feed,
    });
    let running = team_operator::controllers::start_with(launch, &watches);
    let tasks: Vec<_> = running.drivers.into_iter().map(tokio::spawn).collect();

    let quiet = Duration::from_secs(3);
    let started = Instant::now();
    converge(&raw, &recorder, sites.len(), expected_objects, quiet).await;
    let converge_seconds = started.elapsed().as_secs_f64();
    let first = recorder.calls();
    let objects = managed_objects(&raw).await;
    let count =
        |pred: &dyn Fn(&Call) -> bool| first.iter().filter(|c| c.is_write() && pred(c)).count();
    let writes_first = count(&|c| !is_status(c) && !is_event(c));
    let status_writes_first = count(&is_status);
    let events_first = count(&is_event);
    let first_durations = durations.take();
    // A resync period and a little more: every resource is reconciled again.
    recorder.clear();
    tokio::time::sleep(options.resync + quiet).await;
    let resync_writes = recorder.writes();
    let resync_requests = recorder.calls().len();
    let mut resync_durations = durations.take();
    resync_durations.sort_unstable();

    let (operator_heap, api_heap) = heap::live();
    let (operator_heap_peak, _) = heap::peak();
    let _ = stop.send(true);
    for task in tasks {
        let _ = tokio::time::timeout(Duration::from_secs(10), task).await;
    }
    let report = json!({
        "example": options.example,
        "sites": options.sites,
        "objects": objects,
        "writes_first": writes_first,
        "status_writes_first": status_writes_first,
        "events_first": events_first,
        "reconciles_first": first_durations.len(),
        "converge_s": round(converge_seconds),
        "writes_resync": resync_writes.len(),
        "requests_resync": resync_requests,
        "reconciles_resync": resync_durations.len(),
        "reconcile_p50_ms": percentile_ms(&resync_durations, 0.5),
        "reconcile_p99_ms": percentile_ms(&resync_durations, 0.99),
        "peak_rss_mib": peak_rss_mib(),
        "operator_heap_mib": mib(operator_heap),
        "operator_heap_peak_mib": mib(operator_heap_peak),
        "api_heap_mib": mib(api_heap),
    });
    if !resync_writes.is_empty() {
        eprintln!("a resync of an unchanged cluster wrote: {resync_writes:?}");
    }
    println!("{report}");
}
