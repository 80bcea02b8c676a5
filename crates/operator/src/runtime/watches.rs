//! Where controllers get their events from. In a cluster: watches ([`ApiWatches`]). Against an
//! in-memory API that cannot watch (tests, the benchmark): polling ([`PollingWatches`]), which
//! turns list results into the same events, so the same controllers run unchanged.
//!
//! Owned objects are watched once per kind and namespace, whatever the number of controllers
//! owning that kind ([`OwnedWatches`]): each watch keeps the owned-object cache current, then
//! hands every changed object to the controllers that own objects of its kind, which turn its
//! owner references into reconcile requests.

use super::controller::{self, Managed};
use super::kinds::Kind;
use super::operator::Shutdown;
use super::owned::OwnedObjects;
use futures::StreamExt;
use futures::future::BoxFuture;
use futures::stream::BoxStream;
use kube::api::{Api, ListParams, ObjectMeta};
use kube::core::DynamicObject;
use kube::runtime::reflector::ObjectRef;
use kube::runtime::watcher;
use kube::{Client, ResourceExt};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// A source of primary events and of owned-object metadata events.
pub trait WatchSource: Clone + Send + Sync + 'static {
    /// Events of the primary kind in one namespace (all when `None`).
    fn primary<K: Managed>(
        &self,
        namespace: Option<&str>,
    ) -> BoxStream<'static, Result<watcher::Event<K>, watcher::Error>>;

    /// Metadata events of the objects of `kind` that carry our label.
    fn metadata(
        &self,
        namespace: Option<&str>,
        kind: &'static Kind,
    ) -> BoxStream<'static, watcher::Event<ObjectMeta>>;
}

/// Watches against the API server.
#[derive(Clone)]
pub struct ApiWatches {
    pub client: Client,
}

impl WatchSource for ApiWatches {
    fn primary<K: Managed>(
        &self,
        namespace: Option<&str>,
    ) -> BoxStream<'static, Result<watcher::Event<K>, watcher::Error>> {
        controller::primary_events(&self.client, namespace)
    }

    fn metadata(
        &self,
        namespace: Option<&str>,
        kind: &'static Kind,
    ) -> BoxStream<'static, watcher::Event<ObjectMeta>> {
        controller::owned_metadata_events(&self.client, namespace, kind)
    }
}

type Route = (Option<String>, &'static str);

/// The controllers told of changes on one route.
type Subscribers = Vec<mpsc::UnboundedSender<Arc<ObjectMeta>>>;

/// The owned-object watches of a set of controllers, one per kind and namespace.
pub struct OwnedWatches {
    cache: Arc<OwnedObjects>,
    routes: BTreeMap<Route, (&'static Kind, Subscribers)>,
}

impl OwnedWatches {
    /// Watches that keep `cache` current.
    pub fn new(cache: Arc<OwnedObjects>) -> Self {
        Self {
            cache,
            routes: BTreeMap::new(),
        }
    }

    /// Reconcile requests for owners of kind `K` from changes of `kind` in `namespace`.
    pub fn subscribe<K: Managed>(
        &mut self,
        namespace: Option<&str>,
        kind: &'static Kind,
    ) -> BoxStream<'static, ObjectRef<K>> {
        let (sender, receiver) = mpsc::unbounded_channel();
        self.routes
            .entry((namespace.map(str::to_string), kind.name))
            .or_insert_with(|| (kind, Vec::new()))
            .1
            .push(sender);
        // Unbounded: a burst of changes must not drop a trigger; the controller's queue
        // deduplicates them.
        futures::stream::unfold(receiver, |mut receiver| async move {
            receiver.recv().await.map(|meta| (meta, receiver))
        })
        .flat_map(|meta| futures::stream::iter(controller::owners_of::<K>(&meta)))
        .boxed()
    }

    /// One driver per watch, running until `shutdown`.
    pub fn drivers<W: WatchSource>(
        self,
        watches: &W,
        shutdown: &Shutdown,
    ) -> Vec<BoxFuture<'static, ()>> {
        self.routes
            .into_iter()
            .map(|((namespace, _), (kind, subscribers))| {
                let cache = self.cache.clone();
                let scope = namespace.clone();
                let driver = watches
                    .metadata(namespace.as_deref(), kind)
                    .take_until(shutdown.requested())
                    .for_each(move |event| {
                        cache.observe(kind, scope.as_deref(), &event);
                        let touched = match event {
                            // The echo of our own write: the owner's reconcile that made it
                            // knows already, and retriggering it would let a busy operator's
                            // own writes crowd out resources not yet reconciled.
                            watcher::Event::Apply(meta) if cache.is_own_write(kind, &meta) => None,
                            watcher::Event::Apply(meta)
                            | watcher::Event::InitApply(meta)
                            | watcher::Event::Delete(meta) => Some(Arc::new(owner_part(meta))),
                            watcher::Event::Init | watcher::Event::InitDone => None,
                        };
                        if let Some(meta) = touched {
                            for subscriber in &subscribers {
                                let _ = subscriber.send(meta.clone());
                            }
                        }
                        futures::future::ready(())
                    });
                super::operator::boxed(driver)
            })
            .collect()
    }
}

/// What subscribers read of a changed object: where it is and who owns it. Queued triggers
/// hold only this, however large the object's metadata.
fn owner_part(meta: ObjectMeta) -> ObjectMeta {
    ObjectMeta {
        namespace: meta.namespace,
        owner_references: meta.owner_references,
        ..ObjectMeta::default()
    }
}

/// Polls lists at a fixed interval and emits what changed, for APIs without watch.
#[derive(Clone)]
pub struct PollingWatches {
    pub client: Client,
    pub interval: Duration,
}

impl WatchSource for PollingWatches {
    fn primary<K: Managed>(
        &self,
        namespace: Option<&str>,
    ) -> BoxStream<'static, Result<watcher::Event<K>, watcher::Error>> {
        let api: Api<K> = controller::api_in(&self.client, namespace);
        let interval = self.interval;
        let state: Option<HashMap<String, (String, K)>> = None;
        futures::stream::unfold((api, state), move |(api, seen)| async move {
            if seen.is_some() {
                tokio::time::sleep(interval).await;
            }
            let listed = match api.list(&ListParams::default()).await {
                Ok(list) => list.items,
                Err(_) => return Some((Vec::new(), (api, seen))),
            };
            let current: HashMap<String, (String, K)> = listed
                .into_iter()
                .map(|o| (key(&o), (o.resource_version().unwrap_or_default(), o)))
                .collect();
            let events = match &seen {
                None => {
                    let mut events = vec![Ok(watcher::Event::Init)];
                    events.extend(
                        current
                            .values()
                            .map(|(_, o)| Ok(watcher::Event::InitApply(o.clone()))),
                    );
                    events.push(Ok(watcher::Event::InitDone));
                    events
                }
                Some(before) => {
                    let mut events: Vec<_> = current
                        .iter()
                        .filter(|(k, (version, _))| before.get(*k).map(|(v, _)| v) != Some(version))
                        .map(|(_, (_, o))| Ok(watcher::Event::Apply(o.clone())))
                        .collect();
                    events.extend(
                        before
                            .iter()
                            .filter(|(k, _)| !current.contains_key(*k))
                            .map(|(_, (_, o))| Ok(watcher::Event::Delete(o.clone()))),
                    );
                    events
                }
            };
            Some((events, (api, Some(current))))
        })
        .flat_map(futures::stream::iter)
        .boxed()
    }

    fn metadata(
        &self,
        namespace: Option<&str>,
        kind: &'static Kind,
    ) -> BoxStream<'static, watcher::Event<ObjectMeta>> {
        let api: Api<DynamicObject> = controller::kind_api_in(&self.client, namespace, kind);
        let interval = self.interval;
        let state: Option<HashMap<String, ObjectMeta>> = None;
        futures::stream::unfold((api, state), move |(api, seen)| async move {
            if seen.is_some() {
                tokio::time::sleep(interval).await;
            }
            let params = ListParams::default().labels(&team_api::labels::managed_selector());
            let Ok(list) = api.list(&params).await else {
                return Some((Vec::new(), (api, seen)));
            };
            let current: HashMap<String, ObjectMeta> = list
                .items
                .into_iter()
                .map(|o| (key(&o), o.metadata))
                .collect();
            let events = match &seen {
                None => {
                    let mut events = vec![watcher::Event::Init];
                    events.extend(current.values().cloned().map(watcher::Event::InitApply));
                    events.push(watcher::Event::InitDone);
                    events
                }
                Some(before) => {
                    let mut events: Vec<_> = current
                        .iter()
                        .filter(|(k, meta)| {
                            before.get(*k).map(|b| &b.resource_version)
                                != Some(&meta.resource_version)
                        })
                        .map(|(_, meta)| watcher::Event::Apply(meta.clone()))
                        .collect();
                    events.extend(
                        before
                            .iter()
                            .filter(|(k, _)| !current.contains_key(*k))
                            .map(|(_, meta)| watcher::Event::Delete(meta.clone())),
                    );
                    events
                }
            };
            Some((events, (api, Some(current))))
        })
        .flat_map(futures::stream::iter)
        .boxed()
    }
}

fn key<K: kube::Resource>(object: &K) -> String {
    format!(
        "{}/{}",
        object.meta().namespace.as_deref().unwrap_or(""),
        object.meta().name.as_deref().unwrap_or("")
    )
}
