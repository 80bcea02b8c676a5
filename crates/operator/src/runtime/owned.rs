//! What the operator knows of the objects it manages, kept current by the metadata watches
//! that also trigger reconciles. Applying and pruning read it instead of the API server, so a
//! reconcile at rest makes no request for objects that did not change and lists nothing.
//!
//! Only a summary of each object's metadata is kept (about a hundred bytes): its resource
//! version, fingerprints of its labels, its owners and the two annotations the applier reads.

use super::apply::{APPLIED_HASH_ANNOTATION, KEEP_ON_DELETE};
use super::kinds::Kind;
use kube::api::ObjectMeta;
use kube::runtime::watcher;
use std::collections::{BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, RwLock};

/// Where an object lives.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectKey {
    pub kind: &'static str,
    pub namespace: String,
    pub name: String,
}

impl ObjectKey {
    pub fn new(kind: &'static Kind, namespace: &str, name: &str) -> Self {
        Self {
            kind: kind.name,
            namespace: namespace.to_string(),
            name: name.to_string(),
        }
    }

    /// The key of the object `meta` describes.
    pub fn of(kind: &'static Kind, meta: &ObjectMeta) -> Self {
        Self::new(
            kind,
            meta.namespace.as_deref().unwrap_or(""),
            meta.name.as_deref().unwrap_or(""),
        )
    }
}

/// What is kept of one object. Compact, because there is one per managed object: labels and
/// the applied hash are kept as 64-bit fingerprints, owner uids are shared with the index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    pub resource_version: Box<str>,
    /// Fingerprints of the `key=value` label pairs, sorted.
    label_prints: Box<[u64]>,
    owner_uids: Box<[Arc<str>]>,
    /// Fingerprint of the applier's hash annotation.
    applied_print: Option<u64>,
    /// Marked never to be deleted by the operator.
    pub keep: bool,
}

/// A stable 64-bit fingerprint. A collision between two different values has a chance of
/// 2^-64, far below any other failure the cache could meet.
fn fingerprint(value: impl Hash) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

impl Summary {
    fn of(meta: &ObjectMeta, intern: impl Fn(&str) -> Arc<str>) -> Self {
        let annotation = |key: &str| meta.annotations.as_ref().and_then(|a| a.get(key));
        let mut label_prints: Vec<u64> = meta
            .labels
            .iter()
            .flatten()
            .map(|(key, value)| fingerprint((key, value)))
            .collect();
        label_prints.sort_unstable();
        Self {
            resource_version: meta.resource_version.as_deref().unwrap_or_default().into(),
            label_prints: label_prints.into(),
            owner_uids: meta
                .owner_references
                .iter()
                .flatten()
                .map(|r| intern(&r.uid))
                .collect(),
            applied_print: annotation(APPLIED_HASH_ANNOTATION).map(fingerprint),
            keep: annotation(KEEP_ON_DELETE).is_some_and(|v| v == "true"),
        }
    }

    /// Whether the labels hold every `key=value` pair.
    pub fn matches(&self, selector: &[(String, String)]) -> bool {
        selector.iter().all(|(key, value)| {
            self.label_prints
                .binary_search(&fingerprint((key, value)))
                .is_ok()
        })
    }

    /// Whether the object carries the applier's hash annotation with this value.
    pub fn applied(&self, hash: &str) -> bool {
        self.applied_print == Some(fingerprint(hash))
    }
}

/// A watch's coverage: one kind in one namespace, or in all (`None`).
type Scope = (&'static str, Option<String>);

#[derive(Default)]
struct State {
    objects: HashMap<ObjectKey, Summary>,
    /// Children by owner uid; the uids are shared with the summaries.
    by_owner: HashMap<Arc<str>, BTreeSet<ObjectKey>>,
    /// Watches whose initial list is complete: until then a kind is read from the API.
    synced: BTreeSet<Scope>,
    /// Objects seen since a watch began (re)listing; the others are gone at its end.
    relisting: HashMap<Scope, BTreeSet<ObjectKey>>,
    /// Resource version of each object when the applier last wrote it or found it current.
    /// Forgotten when the object goes, so deleted Sites leave nothing behind.
    verified: HashMap<ObjectKey, Box<str>>,
}

impl State {
    fn insert(&mut self, key: ObjectKey, summary: Summary) {
        self.remove(&key);
        for uid in &summary.owner_uids {
            self.by_owner
                .entry(uid.clone())
                .or_default()
                .insert(key.clone());
        }
        self.objects.insert(key, summary);
    }

    /// The shared copy of an owner uid.
    fn intern(&self, uid: &str) -> Arc<str> {
        match self.by_owner.get_key_value(uid) {
            Some((shared, _)) => shared.clone(),
            None => uid.into(),
        }
    }

    fn remove(&mut self, key: &ObjectKey) {
        let Some(old) = self.objects.remove(key) else {
            return;
        };
        for uid in &old.owner_uids {
            if let Some(children) = self.by_owner.get_mut(uid) {
                children.remove(key);
                if children.is_empty() {
                    self.by_owner.remove(uid);
                }
            }
        }
    }

    fn is_synced(&self, kind: &'static str, namespace: &str) -> bool {
        self.synced.contains(&(kind, None))
            || self.synced.contains(&(kind, Some(namespace.to_string())))
    }
}

/// The cache. Shared by the watches that fill it and the applier that reads it.
#[derive(Default)]
pub struct OwnedObjects {
    state: RwLock<State>,
}

impl OwnedObjects {
    /// Records a watch event of `kind` from the watch over `namespace` (all when `None`).
    pub fn observe(
        &self,
        kind: &'static Kind,
        namespace: Option<&str>,
        event: &watcher::Event<ObjectMeta>,
    ) {
        let scope: Scope = (kind.name, namespace.map(str::to_string));
        let key = |meta: &ObjectMeta| ObjectKey::of(kind, meta);
        let mut state = self.state.write().expect("cache lock");
        match event {
            watcher::Event::Init => {
                state.relisting.insert(scope, BTreeSet::new());
            }
            watcher::Event::InitApply(meta) => {
                let key = key(meta);
                if let Some(seen) = state.relisting.get_mut(&scope) {
                    seen.insert(key.clone());
                }
                let summary = Summary::of(meta, |uid| state.intern(uid));
                state.insert(key, summary);
            }
            watcher::Event::InitDone => {
                let seen = state.relisting.remove(&scope).unwrap_or_default();
                let gone: Vec<ObjectKey> = state
                    .objects
                    .keys()
                    .filter(|k| {
                        k.kind == kind.name
                            && namespace.is_none_or(|ns| k.namespace == ns)
                            && !seen.contains(k)
                    })
                    .cloned()
                    .collect();
                for key in gone {
                    state.remove(&key);
                    state.verified.remove(&key);
                }
                state.synced.insert(scope);
            }
            watcher::Event::Apply(meta) => {
                let summary = Summary::of(meta, |uid| state.intern(uid));
                state.insert(key(meta), summary);
            }
            watcher::Event::Delete(meta) => {
                let key = key(meta);
                state.remove(&key);
                state.verified.remove(&key);
            }
        }
    }

    /// Records the resource version the applier wrote or found current (`None`: forget it).
    pub fn remember(&self, key: ObjectKey, resource_version: Option<String>) {
        let mut state = self.state.write().expect("cache lock");
        match resource_version {
            Some(version) => state.verified.insert(key, version.into()),
            None => state.verified.remove(&key),
        };
    }

    /// True when `meta` is the object exactly as the applier last wrote or checked it: the
    /// echo of the operator's own write, which tells its owner nothing new.
    pub fn is_own_write(&self, kind: &'static Kind, meta: &ObjectMeta) -> bool {
        let key = ObjectKey::of(kind, meta);
        let state = self.state.read().expect("cache lock");
        meta.resource_version
            .as_deref()
            .is_some_and(|version| state.verified.get(&key).map(|v| &**v) == Some(version))
    }

    /// True when the watch shows the object at the resource version the applier last wrote
    /// or checked, and carrying `hash` as its applied hash (any version when `hash` is
    /// `None`: the object only needs to exist).
    pub fn unchanged_since_verified(&self, key: &ObjectKey, hash: Option<&str>) -> bool {
        let state = self.state.read().expect("cache lock");
        let Some(cached) = state.objects.get(key) else {
            return false;
        };
        match hash {
            None => true,
            Some(hash) => {
                cached.applied(hash) && state.verified.get(key) == Some(&cached.resource_version)
            }
        }
    }

    /// The summary of an object, if the operator manages it and a watch has seen it.
    pub fn get(&self, key: &ObjectKey) -> Option<Summary> {
        self.state
            .read()
            .expect("cache lock")
            .objects
            .get(key)
            .cloned()
    }

    /// The objects of `kind` in `namespace` that `owner_uid` owns and whose labels match
    /// `selector`, or `None` when no synced watch covers that kind there.
    pub fn owned_by(
        &self,
        kind: &'static Kind,
        namespace: &str,
        owner_uid: &str,
        selector: &[(String, String)],
    ) -> Option<Vec<(String, Summary)>> {
        let state = self.state.read().expect("cache lock");
        if !state.is_synced(kind.name, namespace) {
            return None;
        }
        let children = state.by_owner.get(owner_uid);
        Some(
            children
                .into_iter()
                .flatten()
                .filter(|k| k.kind == kind.name && k.namespace == namespace)
                .filter_map(|k| {
                    let summary = state.objects.get(k)?;
                    summary
                        .matches(selector)
                        .then(|| (k.name.clone(), summary.clone()))
                })
                .collect(),
        )
    }

    /// Number of objects held.
    pub fn len(&self) -> usize {
        self.state.read().expect("cache lock").objects.len()
    }

    /// True when nothing is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The `key=value` pairs of an equality-only label selector (`a=b,c=d`), or `None` for any
/// other form.
pub fn equality_selector(selector: &str) -> Option<Vec<(String, String)>> {
    selector
        .split(',')
        .filter(|term| !term.is_empty())
        .map(|term| {
            let (key, value) = term.split_once('=')?;
            let forbidden = |s: &str| s.contains(['!', '=', '(', ')', ' ']);
            (!forbidden(key) && !forbidden(value)).then(|| (key.to_string(), value.to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;

    fn kind(name: &str) -> &'static Kind {
        Kind::lookup("v1", name).unwrap()
    }

    fn meta(name: &str, version: &str, owner: &str, labels: &[(&str, &str)]) -> ObjectMeta {
        ObjectMeta {
            name: Some(name.into()),
            namespace: Some("ns".into()),
            resource_version: Some(version.into()),
            labels: Some(
                labels
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            ),
            owner_references: Some(vec![OwnerReference {
                uid: owner.into(),
                ..OwnerReference::default()
            }]),
            ..ObjectMeta::default()
        }
    }

    #[test]
    fn a_kind_is_answered_only_once_its_watch_has_listed_everything() {
        let cache = OwnedObjects::default();
        let configmap = kind("ConfigMap");
        assert_eq!(cache.owned_by(configmap, "ns", "u1", &[]), None);
        cache.observe(configmap, Some("ns"), &watcher::Event::Init);
        cache.observe(
            configmap,
            Some("ns"),
            &watcher::Event::InitApply(meta("a", "1", "u1", &[])),
        );
        assert_eq!(cache.owned_by(configmap, "ns", "u1", &[]), None);
        cache.observe(configmap, Some("ns"), &watcher::Event::InitDone);
        let owned = cache.owned_by(configmap, "ns", "u1", &[]).unwrap();
        assert_eq!(owned.len(), 1);
        assert_eq!(owned[0].0, "a");
        // Another namespace or kind is not covered by this watch.
        assert_eq!(cache.owned_by(configmap, "other", "u1", &[]), None);
        assert_eq!(cache.owned_by(kind("Secret"), "ns", "u1", &[]), None);
    }

    #[test]
    fn a_relist_forgets_objects_deleted_while_the_watch_was_down() {
        let cache = OwnedObjects::default();
        let configmap = kind("ConfigMap");
        for event in [
            watcher::Event::Init,
            watcher::Event::InitApply(meta("a", "1", "u1", &[])),
            watcher::Event::InitApply(meta("b", "1", "u1", &[])),
            watcher::Event::InitDone,
            watcher::Event::Init,
            watcher::Event::InitApply(meta("b", "2", "u1", &[])),
            watcher::Event::InitDone,
        ] {
            cache.observe(configmap, Some("ns"), &event);
        }
        let owned = cache.owned_by(configmap, "ns", "u1", &[]).unwrap();
        assert_eq!(owned.len(), 1);
        assert_eq!(&*owned[0].1.resource_version, "2");
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn owners_and_labels_select_children() {
        let cache = OwnedObjects::default();
        let configmap = kind("ConfigMap");
        cache.observe(configmap, None, &watcher::Event::Init);
        cache.observe(configmap, None, &watcher::Event::InitDone);
        let site = [("posit.team/site", "main")];
        cache.observe(
            configmap,
            None,
            &watcher::Event::Apply(meta("a", "1", "u1", &site)),
        );
        cache.observe(
            configmap,
            None,
            &watcher::Event::Apply(meta("b", "1", "u2", &site)),
        );
        cache.observe(
            configmap,
            None,
            &watcher::Event::Apply(meta("c", "1", "u1", &[])),
        );
        let selector = equality_selector("posit.team/site=main").unwrap();
        let owned = cache.owned_by(configmap, "ns", "u1", &selector).unwrap();
        assert_eq!(
            owned.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
            ["a"]
        );
        // A changed owner moves the object; a deletion removes it.
        cache.observe(
            configmap,
            None,
            &watcher::Event::Apply(meta("a", "2", "u2", &site)),
        );
        assert!(
            cache
                .owned_by(configmap, "ns", "u1", &selector)
                .unwrap()
                .is_empty()
        );
        cache.observe(
            configmap,
            None,
            &watcher::Event::Delete(meta("a", "2", "u2", &site)),
        );
        assert_eq!(
            cache
                .owned_by(configmap, "ns", "u2", &selector)
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn a_summary_answers_exactly_for_labels_and_the_applied_hash() {
        let mut object = meta("a", "1", "u1", &[("app", "connect"), ("site", "main")]);
        object.annotations = Some(
            [(APPLIED_HASH_ANNOTATION.to_string(), "abc".to_string())]
                .into_iter()
                .collect(),
        );
        let summary = Summary::of(&object, |uid: &str| uid.into());
        let selector = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        assert!(summary.matches(&selector(&[("site", "main"), ("app", "connect")])));
        assert!(!summary.matches(&selector(&[("site", "other")])));
        assert!(!summary.matches(&selector(&[("app", "main")])));
        // The pair is fingerprinted, not its halves: `a=bc` is not `ab=c`.
        assert!(!summary.matches(&selector(&[("sit", "emain")])));
        assert!(summary.applied("abc"));
        assert!(!summary.applied("abd"));
        assert!(!Summary::of(&meta("b", "1", "u1", &[]), |uid: &str| uid.into()).applied("abc"));
    }

    #[test]
    fn only_the_version_the_applier_wrote_is_its_own_write() {
        let cache = OwnedObjects::default();
        let configmap = kind("ConfigMap");
        let object = meta("a", "7", "u1", &[]);
        assert!(!cache.is_own_write(configmap, &object), "never written");
        cache.remember(ObjectKey::new(configmap, "ns", "a"), Some("7".into()));
        assert!(cache.is_own_write(configmap, &object));
        let mut edited = object.clone();
        edited.resource_version = Some("8".into());
        assert!(
            !cache.is_own_write(configmap, &edited),
            "someone else's change"
        );
        assert!(!cache.is_own_write(kind("Secret"), &object), "another kind");
    }

    #[test]
    fn a_verified_version_counts_until_the_object_changes_or_goes() {
        let cache = OwnedObjects::default();
        let configmap = kind("ConfigMap");
        let mut object = meta("a", "1", "u1", &[]);
        object.annotations = Some(
            [(APPLIED_HASH_ANNOTATION.to_string(), "h".to_string())]
                .into_iter()
                .collect(),
        );
        let key = ObjectKey::new(configmap, "ns", "a");
        cache.remember(key.clone(), Some("1".into()));
        assert!(
            !cache.unchanged_since_verified(&key, Some("h")),
            "not seen yet"
        );
        cache.observe(configmap, None, &watcher::Event::Apply(object.clone()));
        assert!(cache.unchanged_since_verified(&key, Some("h")));
        assert!(!cache.unchanged_since_verified(&key, Some("other")));
        let mut edited = object.clone();
        edited.resource_version = Some("2".into());
        cache.observe(configmap, None, &watcher::Event::Apply(edited));
        assert!(!cache.unchanged_since_verified(&key, Some("h")));
        assert!(cache.unchanged_since_verified(&key, None));
        // A deletion forgets the verified version: the same version seen again is not trusted.
        cache.remember(key.clone(), Some("1".into()));
        cache.observe(configmap, None, &watcher::Event::Delete(object.clone()));
        cache.observe(configmap, None, &watcher::Event::Apply(object));
        assert!(!cache.unchanged_since_verified(&key, Some("h")));
    }

    #[test]
    fn only_equality_selectors_are_evaluated_here() {
        assert_eq!(
            equality_selector("a=b,c=d"),
            Some(vec![("a".into(), "b".into()), ("c".into(), "d".into())])
        );
        assert_eq!(equality_selector("a!=b"), None);
        assert_eq!(equality_selector("a in (b)"), None);
        assert_eq!(equality_selector("a"), None);
        assert_eq!(equality_selector("a==b"), None);
    }
}
