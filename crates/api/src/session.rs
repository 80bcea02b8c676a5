//! Session (off-host execution) settings: how Connect content and Workbench sessions run as
//! Kubernetes Jobs. Rendered into the launcher templates data.

use crate::enums::PullPolicy;
use crate::serde_util::{StringMap, is_zero};
use k8s_openapi::api::core::v1::{
    Affinity, Container, EnvVar, LocalObjectReference, SecurityContext, Toleration, Volume,
    VolumeMount,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Customisation of the Service, Pod and Job of each session.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SessionConfig {
    /// The session Service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<ServiceConfig>,
    /// The session Pod.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod: Option<PodConfig>,
    /// The session Job.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job: Option<JobConfig>,
}

/// Session Service settings.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ServiceConfig {
    /// Service type; `ClusterIP` when empty.
    #[serde(default, rename = "type", skip_serializing_if = "is_zero")]
    pub type_: String,
    /// Annotations on the Service.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub annotations: StringMap,
    /// Labels on the Service; the operator's session labels win on conflict.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub labels: StringMap,
}

/// Session Pod settings.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PodConfig {
    /// Annotations on the Pod.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub annotations: StringMap,
    /// Labels on the Pod; the operator's session labels win on conflict.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub labels: StringMap,
    /// ServiceAccount of the session. Defaults to `<component>-session`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub service_account_name: String,
    /// Extra volumes; the operator's session volumes are added after them.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub volumes: Vec<Volume>,
    /// Extra mounts of the session container; the operator's mounts are added after them.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub volume_mounts: Vec<VolumeMount>,
    /// Environment of the session container.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub env: Vec<EnvVar>,
    /// Pull policy of the session image.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub image_pull_policy: PullPolicy,
    /// Pull secrets of the session Pod.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub image_pull_secrets: Vec<LocalObjectReference>,
    /// Init containers; Connect adds its runtime init container after them.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub init_containers: Vec<Container>,
    /// Sidecar containers.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub extra_containers: Vec<Container>,
    /// Security context of the session container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_security_context: Option<SecurityContext>,
    /// Base security context; `securityContext` is merged over it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_security_context: Option<SecurityContext>,
    /// Security context merged over `defaultSecurityContext`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_context: Option<SecurityContext>,
    /// Tolerations of the session Pod.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub tolerations: Vec<Toleration>,
    /// Affinity of the session Pod.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affinity: Option<Affinity>,
    /// Node selector of the session Pod.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub node_selector: StringMap,
    /// Priority class of the session Pod.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub priority_class_name: String,
    /// Command of the session container, replacing the image default.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub command: Vec<String>,
}

/// Session Job settings.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct JobConfig {
    /// Annotations on the Job.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub annotations: StringMap,
    /// Labels on the Job; the operator's session labels win on conflict.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub labels: StringMap,
}
