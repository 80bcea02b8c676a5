//! Runs one kind's reconcile function as a kube-runtime Controller.
//!
//! Watches: the primary kind (full objects, one reflector per watched namespace) and reconcile
//! triggers from the kinds it owns (see `watches::OwnedWatches`: metadata only, filtered by
//! our label, shared by every controller). Streams are parameters, so tests and the benchmark
//! feed the same controller from an in-memory API.

use super::conditions::Health;
use super::context::{Context, StatusShape};
use super::error::ReconcileError;
use crate::runtime::kinds::Addressed;
use futures::stream::{BoxStream, SelectAll};
use futures::{Stream, StreamExt};
use k8s_openapi::NamespaceResourceScope;
use kube::api::Api;
use kube::api::ObjectMeta;
use kube::core::{ApiResource, DynamicObject, DynamicResourceScope, PartialObjectMeta};
use kube::runtime::controller::{Action, Config as ControllerConfig, Controller};
use kube::runtime::reflector::{self, ObjectRef, Store};
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Client, Resource};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt::Debug;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A kind with its own controller.
pub trait Managed:
    Resource<DynamicType = (), Scope = NamespaceResourceScope>
    + Clone
    + Debug
    + Serialize
    + DeserializeOwned
    + Send
    + Sync
    + 'static
{
    /// Controller name, used in logs and metrics.
    const CONTROLLER: &'static str;
    /// The legacy status fields this kind carries.
    fn status_shape(&self) -> StatusShape;
}

/// What a successful reconcile concluded.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// The health to report; `None` when the resource is gone (nothing to report).
    pub health: Option<Health>,
    /// Overrides the status shape (e.g. to report the key Secret).
    pub shape: Option<StatusShape>,
}

impl Outcome {
    /// Reports `health` with the kind's usual status shape.
    pub fn health(health: Health) -> Self {
        Self {
            health: Some(health),
            shape: None,
        }
    }

    /// The resource finished (deleted): no status, no requeue.
    pub fn gone() -> Self {
        Self {
            health: None,
            shape: None,
        }
    }
}

/// The Api of `K` in `namespace`, or in every namespace when `None`.
pub fn api_in<K: Managed>(client: &Client, namespace: Option<&str>) -> Api<K> {
    match namespace {
        Some(ns) => Api::namespaced(client.clone(), ns),
        None => Api::all(client.clone()),
    }
}

/// The Api of the objects of `kind`, as `T` (whole or metadata only), in `namespace` or in
/// every namespace when `None`.
pub fn kind_api_in<T>(client: &Client, namespace: Option<&str>, kind: &super::kinds::Kind) -> Api<T>
where
    T: Resource<DynamicType = ApiResource, Scope = DynamicResourceScope>,
{
    let resource = kind.api_resource();
    match namespace {
        Some(ns) => Api::namespaced_with(client.clone(), ns, &resource),
        None => Api::all_with(client.clone(), &resource),
    }
}

/// Watch events of `K` in one namespace (or all when `namespace` is None), with back-off on
/// errors.
pub fn primary_events<K: Managed>(
    client: &Client,
    namespace: Option<&str>,
) -> BoxStream<'static, Result<watcher::Event<K>, watcher::Error>> {
    watcher(
        api_in::<K>(client, namespace),
        watcher::Config::default().any_semantic(),
    )
    .default_backoff()
    .boxed()
}

/// Metadata-only watch events of the objects of `kind` that carry our label.
pub fn owned_metadata_events(
    client: &Client,
    namespace: Option<&str>,
    kind: &'static super::kinds::Kind,
) -> BoxStream<'static, watcher::Event<ObjectMeta>> {
    // An Api of PartialObjectMeta makes metadata-only requests.
    let api: Api<PartialObjectMeta<DynamicObject>> = kind_api_in(client, namespace, kind);
    let config = watcher::Config::default()
        .labels(&team_api::labels::managed_selector())
        .any_semantic();
    watcher(api, config)
        .default_backoff()
        .filter_map(|event| async move { event.ok() })
        .map(|event| map_event(event, |partial| partial.metadata))
        .boxed()
}

/// A watch event with its object transformed.
pub fn map_event<A, B>(event: watcher::Event<A>, f: impl Fn(A) -> B) -> watcher::Event<B> {
    match event {
        watcher::Event::Apply(o) => watcher::Event::Apply(f(o)),
        watcher::Event::Delete(o) => watcher::Event::Delete(f(o)),
        watcher::Event::Init => watcher::Event::Init,
        watcher::Event::InitApply(o) => watcher::Event::InitApply(f(o)),
        watcher::Event::InitDone => watcher::Event::InitDone,
    }
}

/// The owners of kind `K` named in an object's owner references.
pub fn owners_of<K: Managed>(child: &ObjectMeta) -> Vec<ObjectRef<K>> {
    child
        .owner_references
        .iter()
        .flatten()
        .filter(|r| r.kind == K::kind(&()) && r.api_version == K::api_version(&()))
        .map(|r| {
            let owner = ObjectRef::new(&r.name);
            match &child.namespace {
                Some(ns) => owner.within(ns),
                None => owner,
            }
        })
        .collect()
}

/// Runs the controller until `shutdown` resolves. `ready` resolves... through `store`, which
/// the caller may await (`Store::wait_until_ready`) to know the cache is synced.
pub fn run<K, R, Fut>(
    events: impl Stream<Item = Result<watcher::Event<K>, watcher::Error>> + Send + 'static,
    triggers: SelectAll<BoxStream<'static, ObjectRef<K>>>,
    reconcile: R,
    context: Arc<Context>,
    concurrency: u16,
    shutdown: impl Future<Output = ()> + Send + Sync + 'static,
) -> (Store<K>, impl Future<Output = ()>)
where
    K: Managed,
    K::DynamicType: Default + Eq + std::hash::Hash + Clone + Unpin,
    R: Fn(Arc<K>, Arc<Context>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Outcome, ReconcileError>> + Send + 'static,
{
    let (reader, writer) = reflector::store::<K>();
    let events = events.map(|event| event.map(|event| event.modify(drop_unread_metadata)));
    let stream = reflector::reflector(writer, events).applied_objects();
    let controller = Controller::for_stream(stream, reader.clone())
        .with_config(ControllerConfig::default().concurrency(concurrency))
        .reconcile_on(triggers)
        .graceful_shutdown_on(shutdown);
    let reconcile = Arc::new(reconcile);
    let driver = controller
        .run(
            move |object: Arc<K>, context: Arc<Context>| {
                let reconcile = reconcile.clone();
                async move { reconcile_and_report(object, context, reconcile.as_ref()).await }
            },
            |object: Arc<K>, error: &ReconcileError, context: Arc<Context>| {
                Action::requeue(context.retry_delay(object.as_ref(), error))
            },
            context,
        )
        .for_each(|result| async move {
            if let Err(error) = result {
                tracing::debug!(controller = K::CONTROLLER, error = %error, "reconcile failed");
            }
        });
    (reader, driver)
}

/// Annotation in which client-side `kubectl apply` keeps a copy of the whole object.
const LAST_APPLIED_ANNOTATION: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Drops what the operator never reads from an object before the store keeps it: managed
/// fields and kubectl's last-applied copy can each outweigh the spec itself.
fn drop_unread_metadata<K: Resource>(object: &mut K) {
    let meta = object.meta_mut();
    meta.managed_fields = None;
    if let Some(annotations) = meta.annotations.as_mut() {
        annotations.remove(LAST_APPLIED_ANNOTATION);
    }
}

/// One reconcile with its bookkeeping: status, Events, metrics, retry delay. Public so that
/// tests drive exactly what the controller runs.
pub async fn reconcile_and_report<K, R, Fut>(
    object: Arc<K>,
    context: Arc<Context>,
    reconcile: &R,
) -> Result<Action, ReconcileError>
where
    K: Managed,
    R: Fn(Arc<K>, Arc<Context>) -> Fut,
    Fut: Future<Output = Result<Outcome, ReconcileError>>,
{
    let started = Instant::now();
    let result = reconcile(object.clone(), context.clone()).await;
    let (health, shape) = match &result {
        Ok(outcome) => (
            outcome.health.clone(),
            outcome
                .shape
                .clone()
                .unwrap_or_else(|| object.status_shape()),
        ),
        Err(error) => (
            Some(Health::Degraded {
                reason: error.category().to_string(),
                message: error.to_string(),
            }),
            object.status_shape(),
        ),
    };
    let report = match &health {
        Some(health) => context.report(object.as_ref(), &shape, health).await,
        None => Ok(false),
    };
    let category = result.as_ref().err().map(ReconcileError::category);
    let elapsed = started.elapsed();
    context.metrics.observe(K::CONTROLLER, elapsed, category);
    match result {
        Ok(_) => {
            report?;
            tracing::debug!(
                controller = K::CONTROLLER,
                namespace = object.meta().namespace.as_deref().unwrap_or(""),
                name = object.meta().name.as_deref().unwrap_or(""),
                elapsed_us = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX),
                "reconciled"
            );
            context.succeeded(object.as_ref());
            Ok(match health {
                None => Action::await_change(),
                Some(Health::Progressing { .. }) => Action::requeue(Duration::from_secs(15)),
                Some(_) => Action::requeue(context.settings.resync),
            })
        }
        Err(error) => {
            if let Err(status_error) = report {
                tracing::warn!(error = %status_error, "cannot record the failure in the status");
            }
            tracing::warn!(
                controller = K::CONTROLLER,
                namespace = object.meta().namespace.as_deref().unwrap_or(""),
                name = object.meta().name.as_deref().unwrap_or(""),
                reason = error.category(),
                error = %error,
                "reconcile failed"
            );
            Err(error)
        }
    }
}
