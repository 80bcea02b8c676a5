//! Watches over the in-memory API's change feed (`test_support::feed`): one list, then every
//! write the API accepts, as an API server's watch delivers them. Their cost follows the
//! changes, not the size of the cluster, as a real watch's does; polling lists instead would
//! spend the benchmark's CPU re-reading ~57,000 unchanged objects at 1,000 Sites.

use futures::stream::{self, BoxStream};
use futures::{Stream, StreamExt};
use kube::Client;
use kube::api::{Api, DynamicObject, ListParams, ObjectMeta};
use kube::runtime::watcher;
use serde_json::Value;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use team_operator::runtime::controller::{self, Managed};
use team_operator::runtime::kinds::Addressed;
use team_operator::runtime::kinds::Kind;
use team_operator::runtime::watches::WatchSource;
use test_support::feed::{Change, Feed};

const MANAGED_BY: (&str, &str) = ("app.kubernetes.io/managed-by", "team-operator");

#[derive(Clone)]
pub struct FeedWatches {
    pub client: Client,
    pub feed: Feed,
}

impl WatchSource for FeedWatches {
    fn primary<K: Managed>(
        &self,
        namespace: Option<&str>,
    ) -> BoxStream<'static, Result<watcher::Event<K>, watcher::Error>> {
        // Subscribed before listing, so nothing written in between is missed.
        let changes = self
            .feed
            .subscribe(&K::group(&()), &K::plural(&()), namespace);
        let api: Api<K> = controller::api_in(&self.client, namespace);
        let listed = async move {
            api.list(&ListParams::default())
                .await
                .map(|l| l.items)
                .unwrap_or_default()
        };
        let decode = |object: &Value| serde_json::from_value::<K>(object.clone()).ok();
        events(listed, changes, decode, K::meta).map(Ok).boxed()
    }

    fn metadata(
        &self,
        namespace: Option<&str>,
        kind: &'static Kind,
    ) -> BoxStream<'static, watcher::Event<ObjectMeta>> {
        let resource = kind.api_resource();
        let changes = self
            .feed
            .subscribe(&resource.group, &resource.plural, namespace);
        let api: Api<DynamicObject> = controller::kind_api_in(&self.client, namespace, kind);
        let listed = async move {
            let params =
                ListParams::default().labels(&format!("{}={}", MANAGED_BY.0, MANAGED_BY.1));
            api.list(&params)
                .await
                .map(|l| l.items.into_iter().map(|o| o.metadata).collect())
                .unwrap_or_default()
        };
        let decode = |object: &Value| {
            let meta: ObjectMeta = serde_json::from_value(object["metadata"].clone()).ok()?;
            let labels = meta.labels.as_ref()?;
            (labels.get(MANAGED_BY.0).map(String::as_str) == Some(MANAGED_BY.1)).then_some(meta)
        };
        events(listed, changes, decode, |meta| meta).boxed()
    }
}

/// The listed objects as the initial events, then the changes, dropping any the list or an
/// earlier change already carried (resource versions grow with every write).
fn events<T: Send + 'static>(
    listed: impl Future<Output = Vec<T>> + Send + 'static,
    changes: impl Stream<Item = Change> + Send + 'static,
    decode: impl Fn(&Value) -> Option<T> + Send + 'static,
    meta: fn(&T) -> &ObjectMeta,
) -> impl Stream<Item = watcher::Event<T>> + Send + 'static {
    let seen: Arc<Mutex<HashMap<String, u64>>> = Arc::default();
    let initial = {
        let seen = seen.clone();
        stream::once(listed).flat_map(move |items| {
            let mut seen = seen.lock().unwrap();
            for item in &items {
                seen.insert(key(meta(item)), version(meta(item)));
            }
            stream::iter(
                std::iter::once(watcher::Event::Init)
                    .chain(items.into_iter().map(watcher::Event::InitApply))
                    .chain(std::iter::once(watcher::Event::InitDone)),
            )
        })
    };
    let updates = changes.filter_map(move |change| {
        let event = decode(&change.object).and_then(|object| {
            let (key, version) = (key(meta(&object)), version(meta(&object)));
            let mut seen = seen.lock().unwrap();
            if change.deleted {
                seen.remove(&key);
                return Some(watcher::Event::Delete(object));
            }
            if seen.get(&key).is_some_and(|known| *known >= version) {
                return None;
            }
            seen.insert(key, version);
            Some(watcher::Event::Apply(object))
        });
        futures::future::ready(event)
    });
    initial.chain(updates)
}

fn key(meta: &ObjectMeta) -> String {
    format!(
        "{}/{}",
        meta.namespace.as_deref().unwrap_or_default(),
        meta.name.as_deref().unwrap_or_default()
    )
}

fn version(meta: &ObjectMeta) -> u64 {
    meta.resource_version
        .as_deref()
        .and_then(|v| v.parse().ok())
        .unwrap_or_default()
}
