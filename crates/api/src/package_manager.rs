//! `PackageManager`: a Posit Package Manager server, usually derived from a Site.

use crate::enums::PullPolicy;
use crate::serde_util::{StringMap, is_zero, patterns};
use crate::shared::{
    AzureFilesConfig, LicenseSpec, PostgresDatabaseConfig, SecretConfig, SshKeyConfig, VolumeSpec,
};
use crate::status::ProductStatus;
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Desired state of a Posit Package Manager server.
#[derive(CustomResource, Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[kube(
    group = "core.posit.team",
    version = "v1beta1",
    kind = "PackageManager",
    namespaced,
    status = "ProductStatus",
    shortname = "pm",
    shortname = "pms",
    category = "posit",
    derive = "Default",
    derive = "PartialEq",
    doc = "A Posit Package Manager server. Usually created and kept in sync by its Site.",
    printcolumn = r#"{"name":"Ready","type":"string","jsonPath":".status.conditions[?(@.type==\"Ready\")].status"}"#,
    printcolumn = r#"{"name":"Reason","type":"string","jsonPath":".status.conditions[?(@.type==\"Ready\")].reason"}"#,
    printcolumn = r#"{"name":"URL","type":"string","jsonPath":".spec.url"}"#,
    printcolumn = r#"{"name":"Age","type":"date","jsonPath":".metadata.creationTimestamp"}"#
)]
#[serde(rename_all = "camelCase")]
pub struct PackageManagerSpec {
    /// License.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub license: LicenseSpec,
    /// Settings rendered into `rstudio-pm.gcfg` (after the operator's own settings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<PackageManagerConfig>,
    /// Data volume: PVC `<name>-packagemanager`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<VolumeSpec>,
    /// Deprecated; `secret.type` is used.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub secret_type: String,
    /// Public host name, without scheme.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub url: String,
    /// Database settings.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub database_config: PostgresDatabaseConfig,
    /// IngressClass. Empty uses the cluster default.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub ingress_class: String,
    /// Ingress annotations.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub ingress_annotations: StringMap,
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
    /// Pull policy.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub image_pull_policy: PullPolicy,
    /// Debugging: the container runs `sleep infinity` instead of Package Manager.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub sleep: bool,
    /// AWS account id for IAM roles.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub aws_account_id: String,
    /// Workload name for IAM roles and AWS vault names.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub workload_compound_name: String,
    /// Cluster date id for IAM roles.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub cluster_date: String,
    /// Chronicle agent image (accepted; Package Manager runs no agent).
    #[serde(default, rename = "chronicleImage", skip_serializing_if = "is_zero")]
    pub chronicle_agent_image: String,
    /// Product vault.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub secret: SecretConfig,
    /// Vault holding `main-database-url`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub workload_secret: SecretConfig,
    /// Optional admin credential override of `main-database-url`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub main_database_credential_secret: SecretConfig,
    /// Replicas. 0 means 1.
    #[serde(default, skip_serializing_if = "is_zero")]
    #[schemars(range(min = 0))]
    pub replicas: i32,
    /// SSH keys for private Git repositories.
    #[serde(default, rename = "gitSSHKeys", skip_serializing_if = "is_zero")]
    pub git_ssh_keys: Vec<SshKeyConfig>,
    /// Azure Files storage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub azure_files: Option<AzureFilesConfig>,
}

/// `rstudio-pm.gcfg` settings. Section and key names are the gcfg names.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
pub struct PackageManagerConfig {
    /// `[Server]`
    #[serde(default, rename = "Server", skip_serializing_if = "Option::is_none")]
    pub server: Option<PackageManagerServerConfig>,
    /// `[Http]`
    #[serde(default, rename = "Http", skip_serializing_if = "Option::is_none")]
    pub http: Option<PackageManagerHttpConfig>,
    /// `[Git]`
    #[serde(default, rename = "Git", skip_serializing_if = "Option::is_none")]
    pub git: Option<PackageManagerGitConfig>,
    /// `[Database]` (the provider is always postgres)
    #[serde(default, rename = "Database", skip_serializing_if = "Option::is_none")]
    pub database: Option<PackageManagerDatabaseConfig>,
    /// `[Postgres]` (URLs are generated by the operator)
    #[serde(default, rename = "Postgres", skip_serializing_if = "Option::is_none")]
    pub postgres: Option<PackageManagerPostgresConfig>,
    /// `[Storage]`
    #[serde(default, rename = "Storage", skip_serializing_if = "Option::is_none")]
    pub storage: Option<PackageManagerStorageConfig>,
    /// `[S3Storage]`
    #[serde(default, rename = "S3Storage", skip_serializing_if = "Option::is_none")]
    pub s3_storage: Option<PackageManagerS3StorageConfig>,
    /// `[Metrics]`
    #[serde(default, rename = "Metrics", skip_serializing_if = "Option::is_none")]
    pub metrics: Option<PackageManagerMetricsConfig>,
    /// `[Repos]`
    #[serde(default, rename = "Repos", skip_serializing_if = "Option::is_none")]
    pub repos: Option<PackageManagerReposConfig>,
    /// `[Cran]` (deprecated)
    #[serde(default, rename = "CRAN", skip_serializing_if = "Option::is_none")]
    pub cran: Option<PackageManagerCranConfig>,
    /// `[Debug]`
    #[serde(default, rename = "Debug", skip_serializing_if = "Option::is_none")]
    pub debug: Option<PackageManagerDebugConfig>,
}

/// `[Server]` of rstudio-pm.gcfg.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
pub struct PackageManagerServerConfig {
    /// Public URL; set by the operator from `url`.
    #[serde(default, rename = "Address", skip_serializing_if = "is_zero")]
    pub address: String,
    /// R installations used to build packages.
    #[serde(default, rename = "RVersion", skip_serializing_if = "is_zero")]
    pub r_version: Vec<String>,
    /// Launcher directory.
    #[serde(default, rename = "LauncherDir", skip_serializing_if = "is_zero")]
    pub launcher_dir: String,
    /// Access log destination.
    #[serde(default, rename = "AccessLog", skip_serializing_if = "is_zero")]
    pub access_log: String,
    /// `common` or `combined`.
    #[serde(default, rename = "AccessLogFormat", skip_serializing_if = "is_zero")]
    pub access_log_format: String,
    /// Data directory.
    #[serde(default, rename = "DataDir", skip_serializing_if = "is_zero")]
    pub data_dir: String,
}

/// `[Http]` of rstudio-pm.gcfg.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
pub struct PackageManagerHttpConfig {
    /// Listen address, e.g. `:4242`.
    #[serde(default, rename = "Listen", skip_serializing_if = "is_zero")]
    pub listen: String,
}

/// `[Git]` of rstudio-pm.gcfg.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
pub struct PackageManagerGitConfig {
    /// Build Git packages without a sandbox.
    #[serde(
        default,
        rename = "AllowUnsandboxedGitBuilds",
        skip_serializing_if = "is_zero"
    )]
    pub allow_unsandboxed_git_builds: bool,
}

/// `[Database]` of rstudio-pm.gcfg.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
pub struct PackageManagerDatabaseConfig {
    /// Always `postgres`.
    #[serde(default, rename = "Provider", skip_serializing_if = "is_zero")]
    pub provider: String,
}

/// `[Postgres]` of rstudio-pm.gcfg.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
pub struct PackageManagerPostgresConfig {
    /// Main database URL (generated).
    #[serde(default, rename = "URL", skip_serializing_if = "is_zero")]
    pub url: String,
    /// Usage data database URL (generated).
    #[serde(default, rename = "UsageDataURL", skip_serializing_if = "is_zero")]
    pub usage_data_url: String,
}

/// `[Storage]` of rstudio-pm.gcfg.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
pub struct PackageManagerStorageConfig {
    /// Default storage: `file` or `S3`.
    #[serde(default, rename = "Default", skip_serializing_if = "is_zero")]
    pub default: String,
}

/// `[S3Storage]` of rstudio-pm.gcfg.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
pub struct PackageManagerS3StorageConfig {
    /// Bucket.
    #[serde(default, rename = "Bucket", skip_serializing_if = "is_zero")]
    pub bucket: String,
    /// Key prefix.
    #[serde(default, rename = "Prefix", skip_serializing_if = "is_zero")]
    pub prefix: String,
    /// AWS region.
    #[serde(default, rename = "Region", skip_serializing_if = "is_zero")]
    pub region: String,
}

/// `[Metrics]` of rstudio-pm.gcfg.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
pub struct PackageManagerMetricsConfig {
    /// Serve Prometheus metrics.
    #[serde(default, rename = "Enabled", skip_serializing_if = "is_zero")]
    pub enabled: bool,
}

/// `[Repos]` of rstudio-pm.gcfg.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
pub struct PackageManagerReposConfig {
    /// Default PyPI repository.
    #[serde(default, rename = "PyPI", skip_serializing_if = "is_zero")]
    pub pypi: String,
    /// Default CRAN repository.
    #[serde(default, rename = "CRAN", skip_serializing_if = "is_zero")]
    pub cran: String,
    /// Default Bioconductor repository.
    #[serde(default, rename = "Bioconductor", skip_serializing_if = "is_zero")]
    pub bioconductor: String,
}

/// `[Cran]` of rstudio-pm.gcfg (deprecated).
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
pub struct PackageManagerCranConfig {
    /// Deprecated.
    #[serde(default, rename = "RSF", skip_serializing_if = "is_zero")]
    pub rsf: bool,
}

/// `[Debug]` of rstudio-pm.gcfg.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
pub struct PackageManagerDebugConfig {
    /// `verbose` for debug logs.
    #[serde(default, rename = "Log", skip_serializing_if = "is_zero")]
    pub log: String,
}
