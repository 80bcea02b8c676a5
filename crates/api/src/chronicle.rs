//! `Chronicle`: the Posit Chronicle usage-data server, derived from a Site.

use crate::serde_util::{StringMap, is_zero, patterns};
use crate::status::ReadyStatus;
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Desired state of a Posit Chronicle server.
#[derive(CustomResource, Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[kube(
    group = "core.posit.team",
    version = "v1beta1",
    kind = "Chronicle",
    namespaced,
    status = "ReadyStatus",
    shortname = "pcr",
    shortname = "chr",
    category = "posit",
    derive = "Default",
    derive = "PartialEq",
    doc = "A Posit Chronicle server. Created and kept in sync by its Site.",
    printcolumn = r#"{"name":"Ready","type":"string","jsonPath":".status.conditions[?(@.type==\"Ready\")].status"}"#,
    printcolumn = r#"{"name":"Reason","type":"string","jsonPath":".status.conditions[?(@.type==\"Ready\")].reason"}"#,
    printcolumn = r#"{"name":"Age","type":"date","jsonPath":".metadata.creationTimestamp"}"#
)]
#[serde(rename_all = "camelCase")]
pub struct ChronicleSpec {
    /// Settings rendered into `posit-chronicle.gcfg`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub config: ChronicleConfig,
    /// Names of image pull Secrets.
    #[serde(default, skip_serializing_if = "is_zero")]
    #[schemars(inner(regex(pattern = patterns::DNS_SUBDOMAIN)))]
    pub image_pull_secrets: Vec<String>,
    /// Node selector.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub node_selector: StringMap,
    /// Extra environment variables.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub add_env: StringMap,
    /// Image.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub image: String,
    /// AWS account id for IAM roles.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub aws_account_id: String,
    /// Cluster date id for IAM roles.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub cluster_date: String,
    /// Workload name for IAM roles.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub workload_compound_name: String,
}

/// `posit-chronicle.gcfg` settings. Section and key names are the gcfg names.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
pub struct ChronicleConfig {
    /// `[Http]`
    #[serde(default, rename = "Http", skip_serializing_if = "Option::is_none")]
    pub http: Option<ChronicleListenConfig>,
    /// `[Metrics]`
    #[serde(default, rename = "Metrics", skip_serializing_if = "Option::is_none")]
    pub metrics: Option<ChronicleSwitchListenConfig>,
    /// `[Profiling]`
    #[serde(default, rename = "Profiling", skip_serializing_if = "Option::is_none")]
    pub profiling: Option<ChronicleSwitchListenConfig>,
    /// `[S3Storage]`
    #[serde(default, rename = "S3Storage", skip_serializing_if = "Option::is_none")]
    pub s3_storage: Option<ChronicleS3StorageConfig>,
    /// `[LocalStorage]`
    #[serde(
        default,
        rename = "LocalStorage",
        skip_serializing_if = "Option::is_none"
    )]
    pub local_storage: Option<ChronicleLocalStorageConfig>,
    /// `[Logging]`
    #[serde(default, rename = "Logging", skip_serializing_if = "Option::is_none")]
    pub logging: Option<ChronicleLoggingConfig>,
}

/// A section with a listen address (`[Http]`).
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ChronicleListenConfig {
    /// Listen address, e.g. `:5252`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub listen: String,
}

/// A section with a switch and a listen address (`[Metrics]`, `[Profiling]`).
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ChronicleSwitchListenConfig {
    /// Enabled.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub enabled: bool,
    /// Listen address.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub listen: String,
}

/// `[S3Storage]` of posit-chronicle.gcfg.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ChronicleS3StorageConfig {
    /// Store data in S3.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub enabled: bool,
    /// Bucket.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub bucket: String,
    /// AWS region.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub region: String,
    /// Key prefix.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub prefix: String,
}

/// `[LocalStorage]` of posit-chronicle.gcfg.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ChronicleLocalStorageConfig {
    /// Store data on local disk.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub enabled: bool,
    /// Directory.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub location: String,
}

/// `[Logging]` of posit-chronicle.gcfg.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ChronicleLoggingConfig {
    /// Log destination.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub service_log: String,
    /// `INFO` or `DEBUG`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub service_log_level: String,
    /// `TEXT` or `JSON`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub service_log_format: String,
}
