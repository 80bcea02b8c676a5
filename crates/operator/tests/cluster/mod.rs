//! An in-memory cluster running the real controllers: kube-fake-client behind the recording,
//! fault-injecting wrapper of test-support, fed to `controllers::start_with` through polling
//! watches, with the throwaway PostgreSQL server as the Sites' database server.
#![allow(dead_code)]

use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use kube::api::{Api, DynamicObject, ListParams, Patch, PatchParams, PostParams};
use kube::{Client, CustomResource, ResourceExt};
use kube_fake_client::ClientBuilder;
use prometheus_client::registry::Registry;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use team_api::{Chronicle, Connect, Flightdeck, PackageManager, PostgresDatabase, Site, Workbench};
use team_operator::runtime::context::{Context, Settings};
use team_operator::runtime::kinds::Addressed;
use team_operator::runtime::kinds::{ALL, Kind};
use team_operator::runtime::metrics::Metrics;
use team_operator::runtime::operator::{Launch, Shutdown};
use team_operator::runtime::options::Scope;
use team_operator::runtime::permissions;
use team_operator::runtime::watches::PollingWatches;
use test_support::api::Recorder;

pub const NS: &str = "posit-team";

/// The Secrets Store CSI driver's SecretProviderClass, for clusters reading AWS secrets.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default)]
#[kube(
    group = "secrets-store.csi.x-k8s.io",
    version = "v1",
    kind = "SecretProviderClass",
    namespaced,
    schema = "disabled"
)]
pub struct SecretProviderClassSpec {
    #[serde(flatten)]
    pub fields: BTreeMap<String, Value>,
}

/// Traefik's Middleware, so the in-memory API serves it like a cluster with Traefik.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default)]
#[kube(
    group = "traefik.io",
    version = "v1alpha1",
    kind = "Middleware",
    namespaced,
    schema = "disabled"
)]
pub struct MiddlewareSpec {
    #[serde(flatten)]
    pub fields: BTreeMap<String, Value>,
}

/// A running in-memory cluster.
pub struct Cluster {
    /// Goes through the recorder (what the controllers use).
    pub client: Client,
    /// Straight to the in-memory API (what the test uses to act as a user).
    pub raw: Client,
    pub recorder: Recorder,
    pub registry: Arc<Registry>,
    stop: Option<tokio::sync::watch::Sender<bool>>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

/// A fresh Site name, unique on the shared PostgreSQL server.
pub fn unique_site(prefix: &str) -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    format!(
        "{prefix}{}x{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    )
}

/// The documents of an example, with the Site renamed to `site` and the main database URL
/// pointing at the test PostgreSQL server.
pub fn example(file: &str, site: &str) -> Vec<Value> {
    example_with_database(file, site, &test_support::postgres().admin_url())
}

/// The documents of an example, with the Site renamed to `site` and the main database URL
/// set to `database_url`.
pub fn example_with_database(file: &str, site: &str, database_url: &str) -> Vec<Value> {
    example_in(NS, file, site, database_url)
}

/// The documents of an example in `namespace`, with the Site renamed to `site`, its Secrets
/// prefixed with it, and the main database URL set to `database_url`.
pub fn example_in(namespace: &str, file: &str, site: &str, database_url: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(test_support::workspace_root().join("examples").join(file))
        .unwrap();
    team_api::manifest::documents(&text)
        .unwrap()
        .into_iter()
        .map(|(_, mut doc)| {
            doc["metadata"]["namespace"] = json!(namespace);
            if doc["kind"] == "Site" {
                doc["metadata"]["name"] = json!(site);
            }
            if doc["kind"] == "Secret" {
                let name = doc["metadata"]["name"].as_str().unwrap().to_string();
                doc["metadata"]["name"] = json!(format!("{site}-{name}"));
                if let Some(data) = doc.get_mut("stringData").and_then(Value::as_object_mut)
                    && data.contains_key("main-database-url")
                {
                    data.insert("main-database-url".into(), json!(database_url));
                }
            }
            doc
        })
        .map(|mut doc| {
            // Secret references follow the rename.
            if doc["kind"] == "Site" {
                rename_secret_references(&mut doc["spec"], site);
            }
            doc
        })
        .collect()
}

fn rename_secret_references(value: &mut Value, site: &str) {
    match value {
        Value::Object(map) => {
            for key in ["vaultName", "existingSecretName"] {
                if let Some(Value::String(name)) = map.get_mut(key)
                    && !name.is_empty()
                {
                    *name = format!("{site}-{name}");
                }
            }
            map.values_mut()
                .for_each(|v| rename_secret_references(v, site));
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|v| rename_secret_references(v, site)),
        _ => {}
    }
}

/// An empty in-memory API serving our kinds, the Secrets Store CSI driver's and Traefik's.
pub async fn in_memory_api() -> Client {
    ClientBuilder::new()
        .with_resource::<Site>()
        .with_status_subresource::<Site>()
        .with_resource::<Connect>()
        .with_status_subresource::<Connect>()
        .with_resource::<Workbench>()
        .with_status_subresource::<Workbench>()
        .with_resource::<PackageManager>()
        .with_status_subresource::<PackageManager>()
        .with_resource::<Chronicle>()
        .with_status_subresource::<Chronicle>()
        .with_resource::<Flightdeck>()
        .with_status_subresource::<Flightdeck>()
        .with_resource::<PostgresDatabase>()
        .with_status_subresource::<PostgresDatabase>()
        .with_resource::<Middleware>()
        .with_resource::<SecretProviderClass>()
        .with_status_subresource::<Deployment>()
        .with_status_subresource::<StatefulSet>()
        .build()
        .await
        .expect("in-memory API")
}

/// Creates the documents in the test namespace as a user would (`kubectl create`).
pub async fn create(client: &Client, documents: &[Value]) {
    create_in(client, NS, documents).await
}

/// Creates the documents in `namespace` as a user would (`kubectl create`).
pub async fn create_in(client: &Client, namespace: &str, documents: &[Value]) {
    for doc in documents {
        let kind = Kind::lookup(
            doc["apiVersion"].as_str().unwrap(),
            doc["kind"].as_str().unwrap(),
        )
        .expect("a kind the operator knows");
        let api: Api<DynamicObject> =
            Api::namespaced_with(client.clone(), namespace, &kind.api_resource());
        let object: DynamicObject = serde_json::from_value(doc.clone()).unwrap();
        api.create(&PostParams::default(), &object)
            .await
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", doc["metadata"]["name"]));
    }
}

impl Cluster {
    /// Starts the controllers over an empty in-memory API serving our kinds and Traefik.
    pub async fn start() -> Cluster {
        Self::start_with_aws(None).await
    }

    /// Starts the controllers, reading AWS Secrets Manager through `aws` when given.
    pub async fn start_with_aws(
        aws: Option<Arc<dyn team_operator::runtime::inputs::SecretSource>>,
    ) -> Cluster {
        if let Ok(filter) = std::env::var("TEAM_TEST_LOG") {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(filter)
                .with_test_writer()
                .try_init();
        }
        let raw = in_memory_api().await;
        let (client, recorder) = test_support::api::recording(raw.clone());
        let mut registry = Registry::default();
        let metrics = Metrics::register(&mut registry);
        let mut settings = Settings::new(
            team_desired::Environment::default(),
            Duration::from_millis(700),
        );
        settings.retry_base = Duration::from_millis(100);
        let mut context = Context::new(client.clone(), metrics, settings, "test");
        context.aws = aws;
        let context = Arc::new(context);
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let launch = Launch {
            context,
            scope: Scope::Namespaces(vec![NS.to_string()]),
            concurrency: 4,
            shutdown: Shutdown::new(stopped),
            installed: BTreeSet::from(["Middleware", "SecretProviderClass"]),
        };
        let watches = PollingWatches {
            client: client.clone(),
            interval: Duration::from_millis(40),
        };
        let running = team_operator::controllers::start_with(launch, &watches);
        let tasks = running.drivers.into_iter().map(tokio::spawn).collect();
        Cluster {
            client,
            raw,
            recorder,
            registry: Arc::new(registry),
            stop: Some(stop),
            tasks,
        }
    }

    /// Creates the documents as a user would (`kubectl create`).
    pub async fn create(&self, documents: &[Value]) {
        create(&self.raw, documents).await
    }

    pub fn api<K>(&self) -> Api<K>
    where
        K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope, DynamicType = ()>
            + Clone
            + serde::de::DeserializeOwned
            + std::fmt::Debug,
    {
        Api::namespaced(self.raw.clone(), NS)
    }

    /// Every object the operator manages in the namespace, as JSON, by `Kind/name`.
    pub async fn managed_objects(&self) -> BTreeMap<String, Value> {
        managed_objects(&self.raw, NS).await
    }

    /// Marks every Deployment and StatefulSet as rolled out with all replicas available, as
    /// the Kubernetes controllers would once the pods run.
    pub async fn mark_workloads_available(&self) {
        mark_workloads_available(&self.raw, NS).await
    }

    /// The Ready condition of a resource of ours: (status, reason, message).
    pub async fn ready<K>(&self, name: &str) -> Option<(String, String, String)>
    where
        K: Namespaced,
    {
        ready_in::<K>(&self.raw, NS, name).await
    }

    /// The Degraded condition's (reason, message) when it is True.
    pub async fn degraded<K>(&self, name: &str) -> Option<(String, String)>
    where
        K: Namespaced,
    {
        degraded_in::<K>(&self.raw, NS, name).await
    }

    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
        for task in self.tasks.drain(..) {
            let _ = tokio::time::timeout(Duration::from_secs(5), task).await;
        }
        self.assert_every_call_is_permitted();
    }

    /// Every request the controllers made is one the chart's RBAC grants (the chart is
    /// checked against the same list), so a new call without its permission fails here
    /// instead of on a real cluster.
    fn assert_every_call_is_permitted(&self) {
        let needs = permissions::controller_needs("unused-lease");
        let refused: Vec<String> = self
            .recorder
            .distinct_calls()
            .into_iter()
            .filter(|c| {
                !permissions::allowed(
                    &needs,
                    &c.verb,
                    &c.group,
                    &c.resource,
                    &c.namespace,
                    &c.name,
                    "no-lease-namespace",
                )
            })
            .map(|c| {
                format!(
                    "{} {}/{} in {:?} named {:?}",
                    c.verb, c.group, c.resource, c.namespace, c.name
                )
            })
            .collect();
        assert!(
            refused.is_empty(),
            "requests outside the operator's permissions:\n  {}",
            refused.join("\n  ")
        );
    }
}

/// Waits (up to `seconds`) until `check` returns `Some`, returning its value.
pub async fn eventually<T, F, Fut>(what: &str, seconds: u64, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(seconds);
    loop {
        if let Some(value) = check().await {
            return value;
        }
        if tokio::time::Instant::now() > deadline {
            panic!("timed out after {seconds} s waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Marks every Deployment and StatefulSet in `namespace` as rolled out with all replicas
/// available, as the Kubernetes controllers would once the pods run.
pub async fn mark_workloads_available(client: &Client, namespace: &str) {
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), namespace);
    for d in deployments
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
    {
        let replicas = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
        mark_available(&deployments, &d.name_any(), d.metadata.generation, replicas).await;
    }
    let sets: Api<StatefulSet> = Api::namespaced(client.clone(), namespace);
    for s in sets.list(&ListParams::default()).await.unwrap().items {
        let replicas = s.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
        mark_available(&sets, &s.name_any(), s.metadata.generation, replicas).await;
    }
}

async fn mark_available<K>(api: &Api<K>, name: &str, generation: Option<i64>, replicas: i32)
where
    K: kube::Resource + Clone + serde::de::DeserializeOwned + std::fmt::Debug,
{
    let status = json!({"status": {"observedGeneration": generation, "replicas": replicas,
        "updatedReplicas": replicas, "availableReplicas": replicas, "readyReplicas": replicas}});
    api.patch_status(name, &PatchParams::default(), &Patch::Merge(&status))
        .await
        .unwrap();
}

/// Every object the operator manages in `namespace` (and cluster-scoped ones), as JSON, by
/// `Kind/name`.
pub async fn managed_objects(client: &Client, namespace: &str) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for kind in ALL
        .iter()
        .filter(|k| k.name != "Lease" && k.name != "Event")
    {
        let api: Api<DynamicObject> = if kind.namespaced {
            Api::namespaced_with(client.clone(), namespace, &kind.api_resource())
        } else {
            Api::all_with(client.clone(), &kind.api_resource())
        };
        let Ok(list) = api
            .list(&ListParams::default().labels("app.kubernetes.io/managed-by=team-operator"))
            .await
        else {
            continue;
        };
        for item in list.items {
            let mut value = serde_json::to_value(&item).unwrap();
            value["kind"] = json!(kind.name);
            value["apiVersion"] = json!(kind.api_version());
            out.insert(format!("{}/{}", kind.name, item.name_any()), value);
        }
    }
    out
}

/// What `render` prints for the Site as it is stored in `namespace` (with its uid, so owner
/// references match), from the Secrets among `documents`.
pub async fn rendered_in(
    client: &Client,
    namespace: &str,
    documents: &[Value],
    site: &str,
) -> Vec<Value> {
    use team_api::manifest::Resource;
    let live_site = Api::<Site>::namespaced(client.clone(), namespace)
        .get(site)
        .await
        .unwrap();
    let mut resources = vec![Resource::Site(Box::new(live_site))];
    for doc in documents.iter().filter(|d| d["kind"] == "Secret") {
        resources.push(Resource::Secret(Box::new(
            serde_json::from_value(doc.clone()).unwrap(),
        )));
    }
    let rendered =
        team_desired::render::render(&resources, namespace, &team_desired::Environment::default())
            .unwrap_or_else(|e| panic!("render failed: {e:?}"));
    rendered.objects().map(|d| d.object.to_value()).collect()
}

/// A condition of a resource of ours in `namespace`, as JSON.
pub async fn condition_in<K>(
    client: &Client,
    namespace: &str,
    name: &str,
    condition: &str,
) -> Option<Value>
where
    K: Namespaced,
{
    let live = Api::<K>::namespaced(client.clone(), namespace)
        .get_opt(name)
        .await
        .ok()??;
    let value = serde_json::to_value(live).unwrap();
    value["status"]["conditions"]
        .as_array()?
        .iter()
        .find(|c| c["type"] == condition)
        .cloned()
}

/// The Ready condition of a resource of ours in `namespace`: (status, reason, message).
pub async fn ready_in<K>(
    client: &Client,
    namespace: &str,
    name: &str,
) -> Option<(String, String, String)>
where
    K: Namespaced,
{
    let ready = condition_in::<K>(client, namespace, name, "Ready").await?;
    Some((
        ready["status"].as_str()?.to_string(),
        ready["reason"].as_str()?.to_string(),
        ready["message"].as_str()?.to_string(),
    ))
}

/// The Degraded condition's (reason, message) in `namespace`, when it is True.
pub async fn degraded_in<K>(
    client: &Client,
    namespace: &str,
    name: &str,
) -> Option<(String, String)>
where
    K: Namespaced,
{
    let degraded = condition_in::<K>(client, namespace, name, "Degraded")
        .await
        .filter(|c| c["status"] == "True")?;
    Some((
        degraded["reason"].as_str()?.to_string(),
        degraded["message"].as_str()?.to_string(),
    ))
}

/// A namespaced kind read as typed objects and as JSON.
pub trait Namespaced:
    kube::Resource<Scope = k8s_openapi::NamespaceResourceScope, DynamicType = ()>
    + Clone
    + serde::de::DeserializeOwned
    + serde::Serialize
    + std::fmt::Debug
{
}

impl<K> Namespaced for K where
    K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope, DynamicType = ()>
        + Clone
        + serde::de::DeserializeOwned
        + serde::Serialize
        + std::fmt::Debug
{
}
