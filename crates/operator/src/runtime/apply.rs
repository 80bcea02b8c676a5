//! Applying desired objects.
//!
//! - Server-side apply with one field manager, forced: the operator owns what it writes.
//! - No write when the live object already matches: it carries the hash of what was last
//!   applied and still contains every desired field (so edits by others are repaired, and an
//!   unchanged resync writes nothing).
//! - Objects lacking `app.kubernetes.io/managed-by: team-operator` are never modified; they are
//!   reported instead.
//! - Create-once objects (generated secrets) are created when missing and never rewritten.
//! - Pruning deletes what carries our label and the owner's reference but is no longer desired,
//!   except objects marked as retained (data volumes, generated secrets).
//! - Where a watch covers a kind, the owned-object cache answers: an object whose resource
//!   version is the one last written or checked is current without a request, and stale
//!   objects are found without listing. Elsewhere the API server is asked.

use super::adopt;
pub use super::containment::contains;
use super::kinds::Kind;
use super::owned::{ObjectKey, OwnedObjects, equality_selector};
use crate::runtime::kinds::Addressed;
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use kube::core::DynamicObject;
use kube::{Client, Error as KubeError};
use serde_json::Value;
use std::collections::BTreeSet;
use std::sync::Arc;
use team_desired::object::Generated;

/// Field manager of every write.
pub const FIELD_MANAGER: &str = team_api::labels::OPERATOR;
/// Hash of the desired object last applied.
pub const APPLIED_HASH_ANNOTATION: &str = "team-operator.posit.team/applied-hash";
/// Objects with this annotation set to `"true"` are never pruned: the one the builders put
/// on data volumes and generated secrets, which users may add to anything they want kept.
pub use team_api::labels::KEEP_ON_DELETE;

/// How a desired object is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Policy {
    /// Kept equal to the desired state.
    Apply,
    /// Created when missing, never changed afterwards (generated secrets).
    CreateOnce,
}

/// One object to apply: a complete Kubernetes object (apiVersion, kind, metadata, ...).
#[derive(Clone, Debug, PartialEq)]
pub struct DesiredObject {
    pub object: Value,
    pub policy: Policy,
    /// Values generated into `stringData` when a create-once object is created (and only
    /// then: an RSA key pair takes time).
    pub generate: Vec<Generated>,
}

impl DesiredObject {
    /// An object kept equal to `object`.
    pub fn apply(object: Value) -> Self {
        Self {
            object,
            policy: Policy::Apply,
            generate: Vec::new(),
        }
    }

    /// An object created once as `object`, never changed afterwards.
    pub fn create_once(object: Value) -> Self {
        Self {
            object,
            policy: Policy::CreateOnce,
            generate: Vec::new(),
        }
    }
}

/// What applying did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub deleted: usize,
    /// Best-effort objects whose kind is not installed, as `Kind/namespace/name`.
    pub skipped: Vec<String>,
    /// Objects with our names that the operator did not create, as `Kind/namespace/name`.
    pub foreign: Vec<String>,
}

impl Report {
    /// Number of write requests made.
    pub fn writes(&self) -> usize {
        self.created + self.updated + self.deleted
    }
}

/// Why applying failed.
#[derive(Debug)]
pub enum ApplyError {
    /// The object's kind is not in the operator's kind table (a builder bug).
    UnknownKind(String),
    /// The kind is not installed in the cluster.
    MissingApi(String),
    /// A value could not be generated.
    Generate { object: String, message: String },
    /// The API server failed a request.
    Api {
        object: String,
        source: Box<KubeError>,
    },
}

impl std::fmt::Display for ApplyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApplyError::UnknownKind(kind) => write!(f, "no API is known for kind {kind}"),
            ApplyError::MissingApi(kind) => write!(
                f,
                "{kind} is not installed in the cluster; install the project that provides it"
            ),
            ApplyError::Generate { object, message } => write!(f, "{object}: {message}"),
            ApplyError::Api { object, source } => match source.as_ref() {
                KubeError::Api(status) => {
                    write!(f, "{object}: {} ({})", status.message, status.code)
                }
                other => write!(f, "{object}: {other}"),
            },
        }
    }
}

impl std::error::Error for ApplyError {}

/// Writes desired objects and prunes stale ones.
#[derive(Clone)]
pub struct Applier {
    client: Client,
    owned: Arc<OwnedObjects>,
    /// Optional kinds the API server answered 404 for: not asked again (their watches are
    /// set up at start, so installing one takes a restart of the operator anyway).
    not_installed: Arc<std::sync::RwLock<BTreeSet<&'static str>>>,
}

impl Applier {
    pub fn new(client: Client) -> Self {
        Self {
            client,
            owned: Arc::default(),
            not_installed: Arc::default(),
        }
    }

    fn installed(&self, kind: &Kind) -> bool {
        !kind.optional || !self.not_installed.read().unwrap().contains(kind.name)
    }

    fn learn_not_installed(&self, kind: &'static Kind) {
        if kind.optional {
            self.not_installed.write().unwrap().insert(kind.name);
        }
    }

    /// The owned-object cache this applier reads; the watches fill it.
    pub fn owned(&self) -> &Arc<OwnedObjects> {
        &self.owned
    }

    /// True when the cache shows the object unchanged since it was last written or checked
    /// and still carrying `hash` (create-once objects only need to exist).
    fn known_current(&self, key: &ObjectKey, policy: Policy, hash: &str) -> bool {
        let hash = match policy {
            Policy::CreateOnce => None,
            Policy::Apply => Some(hash),
        };
        self.owned.unchanged_since_verified(key, hash)
    }

    /// Applies every object in order, stopping at the first API error. Foreign objects are
    /// skipped and listed in the report.
    pub async fn apply_all(&self, desired: &[DesiredObject]) -> Result<Report, ApplyError> {
        let mut report = Report::default();
        for object in desired {
            match self.apply_one(object, &mut report).await {
                Err(ApplyError::MissingApi(_))
                    if Identity::of(&object.object)?.kind.best_effort =>
                {
                    let identity = Identity::of(&object.object)?;
                    self.learn_not_installed(identity.kind);
                    report.skipped.push(identity.to_string());
                }
                other => other?,
            }
        }
        Ok(report)
    }

    async fn apply_one(
        &self,
        desired: &DesiredObject,
        report: &mut Report,
    ) -> Result<(), ApplyError> {
        let identity = Identity::of(&desired.object)?;
        if !self.installed(identity.kind) {
            return Err(identity.missing_api());
        }
        let key = identity.key();
        let hash = content_hash(&desired.object);
        if self.known_current(&key, desired.policy, &hash) {
            report.unchanged += 1;
            return Ok(());
        }
        let api = self.api(identity.kind, &identity.namespace);
        let live = api
            .get_opt(&identity.name)
            .await
            .map_err(|source| identity.api_error(source))?;
        if let Some(live) = live {
            if !is_managed(&live) {
                report.foreign.push(identity.to_string());
                return Ok(());
            }
            let live_value = serde_json::to_value(&live).expect("objects serialize");
            let current = desired.policy == Policy::CreateOnce
                || (annotation(&live_value, APPLIED_HASH_ANNOTATION) == Some(hash.as_str())
                    && contains(&live_value, &desired.object));
            if current {
                self.owned.remember(key, live.metadata.resource_version);
                report.unchanged += 1;
                return Ok(());
            }
            self.take_over(&api, &identity, &live_value).await?;
            let written = self
                .server_side_apply(&api, &identity, desired, &hash)
                .await?;
            self.owned.remember(key, written);
            report.updated += 1;
        } else {
            let written = match desired.policy {
                Policy::Apply => {
                    self.server_side_apply(&api, &identity, desired, &hash)
                        .await?
                }
                Policy::CreateOnce => self.create(&api, &identity, desired, &hash).await?,
            };
            self.owned.remember(key, written);
            report.created += 1;
        }
        Ok(())
    }

    /// Makes the fields another writer of ours left (the Go operator) our own, so that the
    /// apply that follows removes those we no longer set (see [`super::adopt`]).
    async fn take_over(
        &self,
        api: &Api<DynamicObject>,
        identity: &Identity,
        live: &Value,
    ) -> Result<(), ApplyError> {
        let Some(fields) =
            adopt::adopted_managed_fields(live, FIELD_MANAGER, &identity.kind.api_version())
        else {
            return Ok(());
        };
        let version = live
            .pointer("/metadata/resourceVersion")
            .and_then(Value::as_str)
            .unwrap_or_default();
        api.patch(
            &identity.name,
            &PatchParams::default(),
            &Patch::Json::<()>(adopt::patch(version, fields)),
        )
        .await
        .map(|_| ())
        .map_err(|source| identity.api_error(source))
    }

    /// Returns the resource version written.
    async fn server_side_apply(
        &self,
        api: &Api<DynamicObject>,
        identity: &Identity,
        desired: &DesiredObject,
        hash: &str,
    ) -> Result<Option<String>, ApplyError> {
        let body = with_annotation(&desired.object, APPLIED_HASH_ANNOTATION, hash);
        let params = PatchParams::apply(FIELD_MANAGER).force();
        api.patch(&identity.name, &params, &Patch::Apply(&body))
            .await
            .map(|written| written.metadata.resource_version)
            .map_err(|source| identity.api_error(source))
    }

    /// Returns the resource version written (none when another writer created it first).
    async fn create(
        &self,
        api: &Api<DynamicObject>,
        identity: &Identity,
        desired: &DesiredObject,
        hash: &str,
    ) -> Result<Option<String>, ApplyError> {
        let mut body = with_annotation(&desired.object, APPLIED_HASH_ANNOTATION, hash);
        generate_into(&mut body, &desired.generate).map_err(|message| ApplyError::Generate {
            object: identity.to_string(),
            message,
        })?;
        let object: DynamicObject =
            serde_json::from_value(body).expect("desired objects are objects");
        match api.create(&PostParams::default(), &object).await {
            Ok(created) => Ok(created.metadata.resource_version),
            // Created concurrently: create-once means the existing one wins.
            Err(KubeError::Api(status)) if status.code == 409 => Ok(None),
            Err(source) => Err(identity.api_error(source)),
        }
    }

    /// Deletes objects of `kinds` in `namespace` that match `selector`, are owned by
    /// `owner_uid` and are not in `desired`. Objects marked retained are kept. Kinds not
    /// installed in the cluster are skipped.
    pub async fn prune(
        &self,
        owner_uid: &str,
        namespace: &str,
        selector: &str,
        kinds: &[&'static Kind],
        desired: &[DesiredObject],
    ) -> Result<usize, ApplyError> {
        let wanted: BTreeSet<(String, String)> = desired
            .iter()
            .filter_map(|d| Identity::of(&d.object).ok())
            .map(|i| (i.kind.name.to_string(), i.name))
            .collect();
        let mut deleted = 0;
        for kind in kinds.iter().filter(|kind| self.installed(kind)) {
            let candidates = self
                .prune_candidates(kind, namespace, owner_uid, selector)
                .await?;
            let api = self.api(kind, namespace);
            for name in candidates {
                if wanted.contains(&(kind.name.to_string(), name.clone())) {
                    continue;
                }
                match api.delete(&name, &DeleteParams::background()).await {
                    Ok(_) => deleted += 1,
                    Err(KubeError::Api(status)) if status.code == 404 => {}
                    Err(source) => {
                        return Err(ApplyError::Api {
                            object: format!("{}/{namespace}/{name}", kind.name),
                            source: Box::new(source),
                        });
                    }
                }
                self.owned
                    .remember(ObjectKey::new(kind, namespace, &name), None);
            }
        }
        Ok(deleted)
    }

    /// Names of the objects of `kind` that carry our label, match `selector`, are owned by
    /// `owner_uid` and are not marked to be kept: from the cache when a watch covers the
    /// kind, else listed.
    async fn prune_candidates(
        &self,
        kind: &'static Kind,
        namespace: &str,
        owner_uid: &str,
        selector: &str,
    ) -> Result<Vec<String>, ApplyError> {
        let cached = equality_selector(selector)
            .and_then(|pairs| self.owned.owned_by(kind, namespace, owner_uid, &pairs));
        if let Some(cached) = cached {
            // The watches only see objects with our label.
            return Ok(cached
                .into_iter()
                .filter(|(_, summary)| !summary.keep)
                .map(|(name, _)| name)
                .collect());
        }
        let api = self.api(kind, namespace);
        let listed = match api.list(&ListParams::default().labels(selector)).await {
            Ok(list) => list,
            Err(KubeError::Api(status)) if status.code == 404 && kind.optional => {
                self.learn_not_installed(kind);
                return Ok(Vec::new());
            }
            Err(source) => {
                return Err(ApplyError::Api {
                    object: format!("{} list in {namespace}", kind.name),
                    source: Box::new(source),
                });
            }
        };
        Ok(listed
            .items
            .into_iter()
            .filter(|live| {
                let owned = live
                    .metadata
                    .owner_references
                    .iter()
                    .flatten()
                    .any(|r| r.uid == owner_uid);
                let kept = live
                    .metadata
                    .annotations
                    .as_ref()
                    .and_then(|a| a.get(KEEP_ON_DELETE))
                    .is_some_and(|v| v == "true");
                owned && !kept && is_managed(live)
            })
            .filter_map(|live| live.metadata.name)
            .collect())
    }

    fn api(&self, kind: &Kind, namespace: &str) -> Api<DynamicObject> {
        let resource = kind.api_resource();
        if kind.namespaced {
            Api::namespaced_with(self.client.clone(), namespace, &resource)
        } else {
            Api::all_with(self.client.clone(), &resource)
        }
    }
}

/// Where an object lives.
struct Identity {
    kind: &'static Kind,
    namespace: String,
    name: String,
}

impl Identity {
    fn of(object: &Value) -> Result<Self, ApplyError> {
        let text = |pointer: &str| {
            object
                .pointer(pointer)
                .and_then(Value::as_str)
                .unwrap_or("")
        };
        let (api_version, kind) = (text("/apiVersion"), text("/kind"));
        let kind = Kind::lookup(api_version, kind)
            .ok_or_else(|| ApplyError::UnknownKind(format!("{api_version} {kind}")))?;
        Ok(Self {
            kind,
            namespace: text("/metadata/namespace").to_string(),
            name: text("/metadata/name").to_string(),
        })
    }

    fn key(&self) -> ObjectKey {
        ObjectKey::new(self.kind, &self.namespace, &self.name)
    }

    fn missing_api(&self) -> ApplyError {
        ApplyError::MissingApi(format!("{} ({})", self.kind.name, self.kind.api_version()))
    }

    fn api_error(&self, source: KubeError) -> ApplyError {
        match &source {
            KubeError::Api(status) if status.code == 404 && self.kind.optional => {
                self.missing_api()
            }
            _ => ApplyError::Api {
                object: self.to_string(),
                source: Box::new(source),
            },
        }
    }
}

impl std::fmt::Display for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.namespace.is_empty() {
            write!(f, "{}/{}", self.kind.name, self.name)
        } else {
            write!(f, "{}/{}/{}", self.kind.name, self.namespace, self.name)
        }
    }
}

fn is_managed(object: &DynamicObject) -> bool {
    object
        .metadata
        .labels
        .as_ref()
        .is_some_and(|labels| team_api::labels::is_managed(labels.iter()))
}

fn annotation<'a>(object: &'a Value, key: &str) -> Option<&'a str> {
    object
        .pointer("/metadata/annotations")
        .and_then(|a| a.get(key))
        .and_then(Value::as_str)
}

fn with_annotation(object: &Value, key: &str, value: &str) -> Value {
    let mut object = object.clone();
    let metadata = object
        .as_object_mut()
        .expect("desired objects are JSON objects")
        .entry("metadata")
        .or_insert_with(|| Value::Object(Default::default()));
    let annotations = metadata
        .as_object_mut()
        .expect("metadata is an object")
        .entry("annotations")
        .or_insert_with(|| Value::Object(Default::default()));
    annotations
        .as_object_mut()
        .expect("annotations are an object")
        .insert(key.to_string(), Value::from(value));
    object
}

/// Puts freshly generated values into `stringData` (replacing the builders' placeholders).
fn generate_into(object: &mut Value, generate: &[Generated]) -> Result<(), String> {
    if generate.is_empty() {
        return Ok(());
    }
    let values = super::generate::values(generate)?;
    let data = object
        .as_object_mut()
        .expect("desired objects are JSON objects")
        .entry("stringData")
        .or_insert_with(|| Value::Object(Default::default()))
        .as_object_mut()
        .ok_or("stringData is not a map")?;
    for (key, value) in values {
        data.insert(key, Value::String(value));
    }
    Ok(())
}

/// sha256 of the object's JSON: builders render deterministically, so equal desired states
/// hash equally.
pub fn content_hash(object: &Value) -> String {
    let bytes = serde_json::to_vec(object).expect("JSON values serialize");
    team_config::hash::sha256_hex_bytes(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn hashes_follow_content() {
        let a = json!({"kind": "ConfigMap", "data": {"k": "v"}});
        let b = json!({"kind": "ConfigMap", "data": {"k": "w"}});
        assert_eq!(content_hash(&a), content_hash(&a.clone()));
        assert_ne!(content_hash(&a), content_hash(&b));
        assert_eq!(content_hash(&a).len(), 64);
    }

    #[test]
    fn annotation_is_added_without_losing_others() {
        let object = json!({"metadata": {"name": "x", "annotations": {"keep": "me"}}});
        let annotated = with_annotation(&object, APPLIED_HASH_ANNOTATION, "abc");
        assert_eq!(annotated["metadata"]["annotations"]["keep"], "me");
        assert_eq!(annotation(&annotated, APPLIED_HASH_ANNOTATION), Some("abc"));
    }
}
