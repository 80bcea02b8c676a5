//! Desired objects: what a builder returns and a controller applies.
//!
//! Every object is complete: apiVersion and kind, name, namespace (unless cluster-scoped),
//! labels with `app.kubernetes.io/managed-by: team-operator`, owner reference when the owner
//! is known, config-hash annotations on pod templates. [`sort_for_apply`] gives the one
//! order in which they are applied: storage and secret providers, then Secrets and
//! ConfigMaps, identities, claims, custom resources, Services, workloads, Ingresses and
//! policies last.

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, StatefulSet};
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{
    ConfigMap, PersistentVolume, PersistentVolumeClaim, Secret, Service, ServiceAccount,
};
use k8s_openapi::api::networking::v1::{Ingress, NetworkPolicy};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::api::rbac::v1::{Role, RoleBinding};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::core::DynamicObject;
use serde_json::Value;
use team_api::{Chronicle, Connect, Flightdeck, PackageManager, PostgresDatabase, Workbench};

/// One Kubernetes object of any kind the operator writes.
#[derive(Clone, Debug, PartialEq)]
pub enum Object {
    PersistentVolume(Box<PersistentVolume>),
    Secret(Box<Secret>),
    ConfigMap(Box<ConfigMap>),
    ServiceAccount(Box<ServiceAccount>),
    Role(Box<Role>),
    RoleBinding(Box<RoleBinding>),
    PersistentVolumeClaim(Box<PersistentVolumeClaim>),
    PostgresDatabase(Box<PostgresDatabase>),
    Connect(Box<Connect>),
    Workbench(Box<Workbench>),
    PackageManager(Box<PackageManager>),
    Chronicle(Box<Chronicle>),
    Flightdeck(Box<Flightdeck>),
    Service(Box<Service>),
    Deployment(Box<Deployment>),
    StatefulSet(Box<StatefulSet>),
    DaemonSet(Box<DaemonSet>),
    Job(Box<Job>),
    Ingress(Box<Ingress>),
    PodDisruptionBudget(Box<PodDisruptionBudget>),
    NetworkPolicy(Box<NetworkPolicy>),
    /// Kinds of other operators: SecretProviderClass, Traefik Middleware, Keycloak.
    External(Box<DynamicObject>),
}

macro_rules! each_typed {
    ($self:expr, $value:ident => $body:expr, $external:ident => $ext:expr) => {
        match $self {
            Object::PersistentVolume($value) => $body,
            Object::Secret($value) => $body,
            Object::ConfigMap($value) => $body,
            Object::ServiceAccount($value) => $body,
            Object::Role($value) => $body,
            Object::RoleBinding($value) => $body,
            Object::PersistentVolumeClaim($value) => $body,
            Object::PostgresDatabase($value) => $body,
            Object::Connect($value) => $body,
            Object::Workbench($value) => $body,
            Object::PackageManager($value) => $body,
            Object::Chronicle($value) => $body,
            Object::Flightdeck($value) => $body,
            Object::Service($value) => $body,
            Object::Deployment($value) => $body,
            Object::StatefulSet($value) => $body,
            Object::DaemonSet($value) => $body,
            Object::Job($value) => $body,
            Object::Ingress($value) => $body,
            Object::PodDisruptionBudget($value) => $body,
            Object::NetworkPolicy($value) => $body,
            Object::External($external) => $ext,
        }
    };
}

impl Object {
    /// The object's metadata.
    pub fn metadata(&self) -> &ObjectMeta {
        each_typed!(self, o => &o.metadata, o => &o.metadata)
    }

    /// Mutable metadata (for adding annotations after building).
    pub fn metadata_mut(&mut self) -> &mut ObjectMeta {
        each_typed!(self, o => &mut o.metadata, o => &mut o.metadata)
    }

    /// `metadata.name`.
    pub fn name(&self) -> &str {
        self.metadata().name.as_deref().unwrap_or_default()
    }

    /// `metadata.namespace` (empty for cluster-scoped objects).
    pub fn namespace(&self) -> &str {
        self.metadata().namespace.as_deref().unwrap_or_default()
    }

    /// The kind, e.g. `Deployment`.
    pub fn kind(&self) -> &str {
        match self {
            Object::External(o) => o
                .types
                .as_ref()
                .map(|t| t.kind.as_str())
                .unwrap_or_default(),
            Object::PersistentVolume(_) => "PersistentVolume",
            Object::Secret(_) => "Secret",
            Object::ConfigMap(_) => "ConfigMap",
            Object::ServiceAccount(_) => "ServiceAccount",
            Object::Role(_) => "Role",
            Object::RoleBinding(_) => "RoleBinding",
            Object::PersistentVolumeClaim(_) => "PersistentVolumeClaim",
            Object::PostgresDatabase(_) => "PostgresDatabase",
            Object::Connect(_) => "Connect",
            Object::Workbench(_) => "Workbench",
            Object::PackageManager(_) => "PackageManager",
            Object::Chronicle(_) => "Chronicle",
            Object::Flightdeck(_) => "Flightdeck",
            Object::Service(_) => "Service",
            Object::Deployment(_) => "Deployment",
            Object::StatefulSet(_) => "StatefulSet",
            Object::DaemonSet(_) => "DaemonSet",
            Object::Job(_) => "Job",
            Object::Ingress(_) => "Ingress",
            Object::PodDisruptionBudget(_) => "PodDisruptionBudget",
            Object::NetworkPolicy(_) => "NetworkPolicy",
        }
    }

    /// The full JSON document, with apiVersion and kind.
    pub fn to_value(&self) -> Value {
        each_typed!(
            self,
            o => serde_json::to_value(o).expect("Kubernetes objects always serialize"),
            o => serde_json::to_value(o).expect("Kubernetes objects always serialize")
        )
    }

    /// True for custom resources validated by our own CRDs (not by the Kubernetes schemas).
    pub fn is_team_resource(&self) -> bool {
        matches!(
            self,
            Object::PostgresDatabase(_)
                | Object::Connect(_)
                | Object::Workbench(_)
                | Object::PackageManager(_)
                | Object::Chronicle(_)
                | Object::Flightdeck(_)
        )
    }

    fn apply_rank(&self) -> u8 {
        match self {
            Object::PersistentVolume(_) => 0,
            Object::External(_) if self.kind() == "SecretProviderClass" => 1,
            Object::Secret(_) => 2,
            Object::ConfigMap(_) => 3,
            Object::ServiceAccount(_) => 4,
            Object::Role(_) => 5,
            Object::RoleBinding(_) => 6,
            Object::PersistentVolumeClaim(_) => 7,
            Object::PostgresDatabase(_) => 8,
            Object::Connect(_)
            | Object::Workbench(_)
            | Object::PackageManager(_)
            | Object::Chronicle(_)
            | Object::Flightdeck(_) => 9,
            Object::External(_) => 10,
            Object::Service(_) => 11,
            Object::Deployment(_) | Object::StatefulSet(_) | Object::DaemonSet(_) => 12,
            Object::Job(_) => 13,
            Object::Ingress(_) => 14,
            Object::PodDisruptionBudget(_) => 15,
            Object::NetworkPolicy(_) => 16,
        }
    }
}

/// How a controller writes an object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApplyPolicy {
    /// Server-side apply on every reconcile (no write when unchanged).
    Apply,
    /// Create when absent, never update: PersistentVolumes, Jobs (immutable once started) and
    /// generated secrets, whose values are filled in by the controller at creation from the
    /// recipes (the object carries [`PLACEHOLDER_PREFIX`] values in their place).
    CreateOnce { generate: Vec<Generated> },
}

/// A secret value the operator generates once, at creation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Generated {
    /// Key in the Secret's `stringData`.
    pub key: String,
    pub recipe: Recipe,
}

/// How a generated value is made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recipe {
    /// A Posit product encryption key: 512 random bytes in the product's key format, hex
    /// encoded (1024 characters).
    ProductKey,
    /// `n` random bytes, hex encoded.
    RandomHex(usize),
    /// A new RSA private key of this many bits, PEM encoded (PKCS#1, `RSA PRIVATE KEY`).
    RsaPrivateKey(usize),
    /// The public key (PEM, PKCS#1 `RSA PUBLIC KEY`) of the [`Recipe::RsaPrivateKey`]
    /// generated for the named key of the same Secret.
    RsaPublicKeyOf(&'static str),
}

impl Recipe {
    /// What render shows instead of the value.
    pub fn placeholder(self) -> String {
        match self {
            Recipe::ProductKey => {
                format!("{PLACEHOLDER_PREFIX}product key, 512 random bytes as hex>")
            }
            Recipe::RandomHex(n) => format!("{PLACEHOLDER_PREFIX}{n} random bytes as hex>"),
            Recipe::RsaPrivateKey(bits) => {
                format!("{PLACEHOLDER_PREFIX}RSA private key, {bits} bits, PEM>")
            }
            Recipe::RsaPublicKeyOf(key) => {
                format!("{PLACEHOLDER_PREFIX}public key of {key}, PEM>")
            }
        }
    }
}

/// Prefix of every value render cannot know: generated once in the cluster, or read by the
/// operator from AWS Secrets Manager.
pub const PLACEHOLDER_PREFIX: &str = "<generated by team-operator: ";

/// An object and how to write it.
#[derive(Clone, Debug, PartialEq)]
pub struct Desired {
    pub object: Object,
    pub policy: ApplyPolicy,
}

impl Desired {
    /// An object applied on every reconcile.
    pub fn apply(object: Object) -> Self {
        Self {
            object,
            policy: ApplyPolicy::Apply,
        }
    }

    /// An object created once and never updated.
    pub fn create_once(object: Object) -> Self {
        Self {
            object,
            policy: ApplyPolicy::CreateOnce {
                generate: Vec::new(),
            },
        }
    }
}

/// Annotation on pod templates with [`crate::inputs::Inputs::secrets_digest`]: a changed
/// referenced Secret rolls the pods.
pub const SECRETS_DIGEST_ANNOTATION: &str = "posit.team/secrets-sha";

/// Stamps the digest of the referenced Secret values on every pod template among `objects`.
pub fn stamp_secrets_digest(objects: &mut [Desired], digest: Option<&str>) {
    let Some(digest) = digest else {
        return;
    };
    for desired in objects {
        let template = match &mut desired.object {
            Object::Deployment(o) => o.spec.as_mut().map(|s| &mut s.template),
            Object::StatefulSet(o) => o.spec.as_mut().map(|s| &mut s.template),
            Object::DaemonSet(o) => o.spec.as_mut().map(|s| &mut s.template),
            _ => None,
        };
        if let Some(template) = template {
            template
                .metadata
                .get_or_insert_with(ObjectMeta::default)
                .annotations
                .get_or_insert_with(Default::default)
                .insert(SECRETS_DIGEST_ANNOTATION.to_string(), digest.to_string());
        }
    }
}

/// Sorts objects into the order they are applied in: by kind rank, then namespace and name.
pub fn sort_for_apply(objects: &mut [Desired]) {
    objects.sort_by(|a, b| {
        (
            a.object.apply_rank(),
            a.object.kind(),
            a.object.namespace(),
            a.object.name(),
        )
            .cmp(&(
                b.object.apply_rank(),
                b.object.kind(),
                b.object.namespace(),
                b.object.name(),
            ))
    });
}

/// Wraps an external (non-Kubernetes, non-team) kind as a [`DynamicObject`].
pub fn external(api_version: &str, kind: &str, metadata: ObjectMeta, body: Value) -> Object {
    let mut object = DynamicObject {
        types: Some(kube::core::TypeMeta {
            api_version: api_version.to_string(),
            kind: kind.to_string(),
        }),
        metadata,
        data: body,
    };
    if object.data.is_null() {
        object.data = Value::Object(serde_json::Map::new());
    }
    Object::External(Box::new(object))
}
