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
use team_api::kind::{self, Kind};
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
    External(&'static Kind, Box<DynamicObject>),
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
            Object::External(_, $external) => $ext,
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

    /// The kind, e.g. [`kind::DEPLOYMENT`].
    pub fn kind(&self) -> &'static Kind {
        match self {
            Object::External(kind, _) => kind,
            Object::PersistentVolume(_) => &kind::PERSISTENT_VOLUME,
            Object::Secret(_) => &kind::SECRET,
            Object::ConfigMap(_) => &kind::CONFIG_MAP,
            Object::ServiceAccount(_) => &kind::SERVICE_ACCOUNT,
            Object::Role(_) => &kind::ROLE,
            Object::RoleBinding(_) => &kind::ROLE_BINDING,
            Object::PersistentVolumeClaim(_) => &kind::PERSISTENT_VOLUME_CLAIM,
            Object::PostgresDatabase(_) => &kind::POSTGRES_DATABASE,
            Object::Connect(_) => &kind::CONNECT,
            Object::Workbench(_) => &kind::WORKBENCH,
            Object::PackageManager(_) => &kind::PACKAGE_MANAGER,
            Object::Chronicle(_) => &kind::CHRONICLE,
            Object::Flightdeck(_) => &kind::FLIGHTDECK,
            Object::Service(_) => &kind::SERVICE,
            Object::Deployment(_) => &kind::DEPLOYMENT,
            Object::StatefulSet(_) => &kind::STATEFUL_SET,
            Object::DaemonSet(_) => &kind::DAEMON_SET,
            Object::Job(_) => &kind::JOB,
            Object::Ingress(_) => &kind::INGRESS,
            Object::PodDisruptionBudget(_) => &kind::POD_DISRUPTION_BUDGET,
            Object::NetworkPolicy(_) => &kind::NETWORK_POLICY,
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
        self.kind().is_team_resource()
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
                .insert(
                    team_api::labels::SECRETS_DIGEST.to_string(),
                    digest.to_string(),
                );
        }
    }
}

/// Sorts objects into the order they are applied in: by kind rank, then namespace and name.
pub fn sort_for_apply(objects: &mut [Desired]) {
    objects.sort_by(|a, b| {
        (
            a.object.kind().apply_rank,
            a.object.kind().name,
            a.object.namespace(),
            a.object.name(),
        )
            .cmp(&(
                b.object.kind().apply_rank,
                b.object.kind().name,
                b.object.namespace(),
                b.object.name(),
            ))
    });
}

/// Wraps an object of another project's kind as a [`DynamicObject`].
pub fn external(kind: &'static Kind, metadata: ObjectMeta, body: Value) -> Object {
    let mut object = DynamicObject {
        types: Some(kube::core::TypeMeta {
            api_version: kind.api_version(),
            kind: kind.name.to_string(),
        }),
        metadata,
        data: body,
    };
    if object.data.is_null() {
        object.data = Value::Object(serde_json::Map::new());
    }
    Object::External(kind, Box::new(object))
}
