//! Object metadata: names, namespaces, labels, annotations and owner references.

use crate::labels::Labels;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use std::collections::BTreeMap;

/// The resource that owns (and whose deletion removes) the objects built from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owner {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub namespace: String,
    /// Known in a cluster; offline (`render` of a manifest without `metadata.uid`) there is
    /// none, and objects are then rendered without an owner reference rather than with an
    /// invented one, which the garbage collector would treat as a deleted owner.
    pub uid: Option<String>,
}

impl Owner {
    /// A resource of ours (`core.posit.team/v1beta1`).
    pub fn team(kind: &str, metadata: &ObjectMeta, namespace: &str) -> Self {
        Self {
            api_version: team_api::API_VERSION.to_string(),
            kind: kind.to_string(),
            name: metadata.name.clone().unwrap_or_default(),
            namespace: namespace.to_string(),
            uid: metadata.uid.clone(),
        }
    }

    /// Owner reference with `controller: true` and `blockOwnerDeletion: true`.
    pub fn reference(&self) -> Option<OwnerReference> {
        self.uid.as_ref().map(|uid| OwnerReference {
            api_version: self.api_version.clone(),
            kind: self.kind.clone(),
            name: self.name.clone(),
            uid: uid.clone(),
            controller: Some(true),
            block_owner_deletion: Some(true),
        })
    }
}

/// Metadata of a namespaced object owned by `owner`.
pub fn owned(name: impl Into<String>, owner: &Owner, labels: Labels) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.into()),
        namespace: Some(owner.namespace.clone()),
        labels: Some(labels),
        owner_references: owner.reference().map(|r| vec![r]),
        ..ObjectMeta::default()
    }
}

/// Metadata of a namespaced object that outlives its owner on purpose (claims holding user
/// data: deleting a product must never delete its data).
pub fn kept(name: impl Into<String>, namespace: &str, labels: Labels) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.into()),
        namespace: Some(namespace.to_string()),
        labels: Some(labels),
        annotations: Some(BTreeMap::from([(
            team_api::labels::KEEP_ON_DELETE.to_string(),
            "true".to_string(),
        )])),
        ..ObjectMeta::default()
    }
}

/// Adds annotations (a `None` map becomes `Some`).
pub fn annotate(meta: &mut ObjectMeta, annotations: impl IntoIterator<Item = (String, String)>) {
    meta.annotations
        .get_or_insert_with(BTreeMap::new)
        .extend(annotations);
}
