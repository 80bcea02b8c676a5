//! Where controllers get their events from. In a cluster: watches ([`ApiWatches`]). Against an
//! in-memory API that cannot watch (tests, the benchmark): polling ([`PollingWatches`]), which
//! turns list results into the same events, so the same controllers run unchanged.

use super::controller::{self, Managed};
use super::kinds::Kind;
use futures::StreamExt;
use futures::stream::BoxStream;
use kube::api::{Api, ListParams};
use kube::core::DynamicObject;
use kube::runtime::reflector::ObjectRef;
use kube::runtime::watcher;
use kube::{Client, ResourceExt};
use std::collections::HashMap;
use std::time::Duration;

/// A source of primary events and owned-object triggers.
pub trait WatchSource: Clone + Send + Sync + 'static {
    /// Events of the primary kind in one namespace (all when `None`).
    fn primary<K: Managed>(
        &self,
        namespace: Option<&str>,
    ) -> BoxStream<'static, Result<watcher::Event<K>, watcher::Error>>;

    /// Reconcile requests from changes of owned objects of `kind`.
    fn owned<K: Managed>(
        &self,
        namespace: Option<&str>,
        kind: &'static Kind,
    ) -> BoxStream<'static, ObjectRef<K>>;
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

    fn owned<K: Managed>(
        &self,
        namespace: Option<&str>,
        kind: &'static Kind,
    ) -> BoxStream<'static, ObjectRef<K>> {
        controller::owned_triggers(&self.client, namespace, kind)
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
        let api: Api<K> = match namespace {
            Some(ns) => Api::namespaced(self.client.clone(), ns),
            None => Api::all(self.client.clone()),
        };
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

    fn owned<K: Managed>(
        &self,
        namespace: Option<&str>,
        kind: &'static Kind,
    ) -> BoxStream<'static, ObjectRef<K>> {
        let resource = kind.api_resource();
        let api: Api<DynamicObject> = match namespace {
            Some(ns) => Api::namespaced_with(self.client.clone(), ns, &resource),
            None => Api::all_with(self.client.clone(), &resource),
        };
        let interval = self.interval;
        let seen: HashMap<String, String> = HashMap::new();
        futures::stream::unfold((api, seen), move |(api, seen)| async move {
            tokio::time::sleep(interval).await;
            let params = ListParams::default().labels(controller::MANAGED_SELECTOR);
            let Ok(list) = api.list(&params).await else {
                return Some((Vec::new(), (api, seen)));
            };
            let mut triggers = Vec::new();
            let mut current = HashMap::new();
            for object in list.items {
                let version = object.resource_version().unwrap_or_default();
                let key = key(&object);
                if seen.get(&key) != Some(&version) {
                    triggers.extend(controller::owners_of::<K, _>(&object));
                }
                current.insert(key, version);
            }
            Some((triggers, (api, current)))
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
