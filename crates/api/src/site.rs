//! `Site`: one Posit Team installation. The Site controller derives every product resource
//! (Connect, Workbench, PackageManager, Chronicle, Flightdeck) and their databases from it.

use crate::enums::{FlightdeckLogFormat, FlightdeckLogLevel, PullPolicy, SiteLogFormat};
use crate::serde_util::{StringMap, is_zero, patterns};
use crate::shared::{
    AuthSpec, AzureFilesConfig, DatabricksConfig, FeatureEnablerConfig, LicenseSpec, SecretConfig,
    ServiceAccountConfig, SnowflakeConfig, SshKeyConfig, VolumeSource, VolumeSpec,
};
use crate::status::ConditionsStatus;
use crate::workbench::{
    ApiSettingsConfig, PositronConfig, VsCodeConfig, WorkbenchJupyterConfig,
    WorkbenchResourceProfile,
};
use k8s_openapi::api::core::v1::{EnvVar, Toleration};
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

fn default_network_trust() -> i32 {
    100
}
fn default_true() -> Option<bool> {
    Some(true)
}

/// Desired state of a Posit Team site.
#[derive(CustomResource, Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[kube(
    group = "core.posit.team",
    version = "v1beta1",
    kind = "Site",
    namespaced,
    status = "ConditionsStatus",
    category = "posit",
    derive = "PartialEq",
    derive = "Default",
    doc = "A Posit Team site: Workbench, Connect, Package Manager, Chronicle and the Flightdeck landing page, derived from one resource.",
    printcolumn = r#"{"name":"Ready","type":"string","jsonPath":".status.conditions[?(@.type==\"Ready\")].status"}"#,
    printcolumn = r#"{"name":"Reason","type":"string","jsonPath":".status.conditions[?(@.type==\"Ready\")].reason"}"#,
    printcolumn = r#"{"name":"Domain","type":"string","jsonPath":".spec.domain"}"#,
    printcolumn = r#"{"name":"Age","type":"date","jsonPath":".metadata.creationTimestamp"}"#
)]
#[serde(rename_all = "camelCase")]
pub struct SiteSpec {
    /// Base DNS domain. Products are served at `<domainPrefix>.<domain>` and Flightdeck at the
    /// domain itself.
    #[schemars(regex(pattern = patterns::DNS_SUBDOMAIN), length(min = 1, max = 253))]
    pub domain: String,
    /// AWS account id used in IAM role ARNs for service accounts (IRSA).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub aws_account_id: String,
    /// Cluster date id (YYYYmmdd) used in IAM role names.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub cluster_date: String,
    /// Workload name used in IAM role names and AWS vault names.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub workload_compound_name: String,
    /// Deprecated and ignored: use `secret.type`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub secret_type: String,
    /// The site vault: product database passwords, licenses, keys and client secrets.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub secret: SecretConfig,
    /// The vault holding `main-database-url`, the admin URL of the PostgreSQL server.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub workload_secret: SecretConfig,
    /// Optional vault with `username` and `password` replacing the credentials in
    /// `main-database-url` (e.g. an RDS-managed secret).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub main_database_credential_secret: SecretConfig,
    /// The Flightdeck landing page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flightdeck: Option<InternalFlightdeckSpec>,
    /// Posit Package Manager.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package_manager: Option<InternalPackageManagerSpec>,
    /// Posit Connect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connect: Option<InternalConnectSpec>,
    /// Posit Workbench.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workbench: Option<InternalWorkbenchSpec>,
    /// Posit Chronicle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chronicle: Option<InternalChronicleSpec>,
    /// Keycloak identity provider (needs the Keycloak operator).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keycloak: Option<InternalKeycloakSpec>,
    /// IngressClass of every product Ingress. Empty uses the cluster default.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub ingress_class: String,
    /// Annotations added to every product Ingress.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub ingress_annotations: StringMap,
    /// Names of existing image pull Secrets, used by every pod including sessions.
    #[serde(default, skip_serializing_if = "is_zero")]
    #[schemars(inner(regex(pattern = patterns::DNS_SUBDOMAIN)))]
    pub image_pull_secrets: Vec<String>,
    /// Site-provisioned storage for Connect, Workbench and the shared directory.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub volume_source: VolumeSource,
    /// Creates the shared PVC `<site>-shared`, mounted at `/mnt/<sharedDirectory>` in Connect
    /// and Workbench servers and sessions. A single path segment.
    #[serde(default, skip_serializing_if = "is_zero")]
    #[schemars(regex(pattern = patterns::PATH_SEGMENT_OR_EMPTY), length(max = 253))]
    pub shared_directory: String,
    /// Do not run the Job that creates the per-product subdirectories on FSx or NFS.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub volume_subdir_job_off: bool,
    /// Extra ServiceAccounts `<site>-<nameSuffix>`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub extra_site_service_accounts: Vec<ServiceAccountConfig>,
    /// Do not deploy the DaemonSet that pre-pulls product and session images on every node.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub disable_pre_pull_images: bool,
    /// Drop the product databases and roles when the products are deleted.
    #[serde(
        default,
        rename = "dropDatabaseOnTearDown",
        skip_serializing_if = "is_zero"
    )]
    pub drop_database_on_tear_down: bool,
    /// Verbose logging in every product.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub debug: bool,
    /// `JSON` switches product logs to JSON; empty keeps text.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub log_format: SiteLogFormat,
    /// 0 to 100. At 50 or below, NetworkPolicies restrict traffic between components; above 50
    /// none are created.
    #[serde(default = "default_network_trust")]
    #[schemars(range(min = 0, max = 100))]
    pub network_trust: i32,
    /// R package repository URL for Connect and Workbench. Defaults to the site's Package
    /// Manager.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub package_manager_url: String,
    /// With vpcCIDR, allows Workbench sessions to reach EFS (NFS, TCP 2049) in that range.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub efs_enabled: bool,
    /// VPC CIDR for the EFS egress rule.
    #[serde(default, rename = "vpcCIDR", skip_serializing_if = "is_zero")]
    pub vpc_cidr: String,
    /// Hint for monitoring tools to probe products by their public names. Not used by the
    /// operator.
    #[serde(default = "default_true", skip_serializing_if = "Option::is_none")]
    pub enable_fqdn_health_checks: Option<bool>,
}

/// An empty spec with the CRD defaults (the domain is required, so this is not a valid Site).
impl Default for SiteSpec {
    fn default() -> Self {
        serde_json::from_value(serde_json::json!({"domain": ""}))
            .expect("a spec with only a domain deserializes")
    }
}

impl SiteSpec {
    /// The Connect settings, with CRD defaults when the block is absent.
    pub fn connect_or_default(&self) -> InternalConnectSpec {
        self.connect.clone().unwrap_or_default()
    }
    /// The Workbench settings, with CRD defaults when the block is absent.
    pub fn workbench_or_default(&self) -> InternalWorkbenchSpec {
        self.workbench.clone().unwrap_or_default()
    }
    /// The Package Manager settings, with CRD defaults when the block is absent.
    pub fn package_manager_or_default(&self) -> InternalPackageManagerSpec {
        self.package_manager.clone().unwrap_or_default()
    }
    /// True unless Flightdeck is explicitly disabled.
    pub fn flightdeck_enabled(&self) -> bool {
        self.flightdeck
            .as_ref()
            .and_then(|f| f.enabled)
            .unwrap_or(true)
    }
}

fn default_flightdeck_log_level() -> FlightdeckLogLevel {
    FlightdeckLogLevel::Info
}
fn default_flightdeck_log_format() -> FlightdeckLogFormat {
    FlightdeckLogFormat::Text
}

/// Site settings of the Flightdeck landing page.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct InternalFlightdeckSpec {
    /// `false` disables Flightdeck. Absent means enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Image. A value without `/` is a tag of `docker.io/posit/ptd-flightdeck`; empty means
    /// `latest`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub image: String,
    /// Pull policy. Defaults to `Always`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub image_pull_policy: PullPolicy,
    /// Replicas. 0 means 1.
    #[serde(default, skip_serializing_if = "is_zero")]
    #[schemars(range(min = 0))]
    pub replicas: i32,
    /// Feature switches.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub feature_enabler: FeatureEnablerConfig,
    /// Log level: debug, info, warn or error.
    #[serde(default = "default_flightdeck_log_level")]
    pub log_level: FlightdeckLogLevel,
    /// Log format: text or json.
    #[serde(default = "default_flightdeck_log_format")]
    pub log_format: FlightdeckLogFormat,
}

impl Default for InternalFlightdeckSpec {
    fn default() -> Self {
        Self {
            enabled: None,
            image: String::new(),
            image_pull_policy: PullPolicy::Unset,
            replicas: 0,
            feature_enabler: FeatureEnablerConfig::default(),
            log_level: default_flightdeck_log_level(),
            log_format: default_flightdeck_log_format(),
        }
    }
}

fn default_packagemanager_prefix() -> String {
    "packagemanager".into()
}

/// Site settings of Package Manager.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct InternalPackageManagerSpec {
    /// License.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub license: LicenseSpec,
    /// Data volume.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<VolumeSpec>,
    /// Node selector of the server pod.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub node_selector: StringMap,
    /// Extra environment variables of the server.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub add_env: StringMap,
    /// Server image.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub image: String,
    /// Server pull policy.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub image_pull_policy: PullPolicy,
    /// S3 bucket for package storage (prefix `<site>/ppm-v0`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub s3_bucket: String,
    /// Replicas. 0 means 1.
    #[serde(default, skip_serializing_if = "is_zero")]
    #[schemars(range(min = 0))]
    pub replicas: i32,
    /// Host prefix: Package Manager is served at `<domainPrefix>.<domain>`.
    #[serde(default = "default_packagemanager_prefix")]
    #[schemars(regex(pattern = patterns::DNS_LABEL), length(min = 1, max = 63))]
    pub domain_prefix: String,
    /// SSH keys for building packages from private Git repositories.
    #[serde(default, rename = "gitSSHKeys", skip_serializing_if = "is_zero")]
    pub git_ssh_keys: Vec<SshKeyConfig>,
    /// Azure Files storage instead of a local volume or S3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub azure_files: Option<AzureFilesConfig>,
}

impl Default for InternalPackageManagerSpec {
    fn default() -> Self {
        Self {
            license: LicenseSpec::default(),
            volume: None,
            node_selector: StringMap::new(),
            add_env: StringMap::new(),
            image: String::new(),
            image_pull_policy: PullPolicy::Unset,
            s3_bucket: String::new(),
            replicas: 0,
            domain_prefix: default_packagemanager_prefix(),
            git_ssh_keys: Vec::new(),
            azure_files: None,
        }
    }
}

fn default_connect_prefix() -> String {
    "connect".into()
}
fn default_schedule_concurrency() -> i32 {
    2
}

/// Site settings of Connect.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [{
    "rule": crate::shared::CONNECT_SAML_PROFILE_RULE,
    "message": "auth.samlIdPAttributeProfile cannot be combined with the individual SAML attribute fields",
    "fieldPath": ".auth.samlIdPAttributeProfile"
}]))]
pub struct InternalConnectSpec {
    /// License.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub license: LicenseSpec,
    /// Data volume, mounted at `/var/lib/rstudio-connect`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<VolumeSpec>,
    /// Node selector of the server pod (not sessions).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub node_selector: StringMap,
    /// Single sign-on.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub auth: AuthSpec,
    /// Extra environment variables of the server.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub add_env: StringMap,
    /// Server image.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub image: String,
    /// Content runtime init image, copied into each content pod.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub session_image: String,
    /// Pull policy of the server and of content pods.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub image_pull_policy: PullPolicy,
    /// Accepted for compatibility; not used.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub databricks: DatabricksConfig,
    /// Banner shown to logged-in users.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub logged_in_warning: String,
    /// Banner shown to anonymous users.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub public_warning: String,
    /// Replicas. 0 means 1.
    #[serde(default, skip_serializing_if = "is_zero")]
    #[schemars(range(min = 0))]
    pub replicas: i32,
    /// Experimental settings. The presence of this block replaces the content pod env, pull
    /// policy and service account with the values given here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub experimental_features: Option<InternalConnectExperimentalFeatures>,
    /// Host prefix: Connect is served at `<domainPrefix>.<domain>`.
    #[serde(default = "default_connect_prefix")]
    #[schemars(regex(pattern = patterns::DNS_LABEL), length(min = 1, max = 63))]
    pub domain_prefix: String,
    /// GPU limits for content.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub gpu_settings: GpuSettings,
    /// Database schema names.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub database_settings: DatabaseSettings,
    /// Concurrent scheduled reports; 0 disables concurrency.
    #[serde(default = "default_schedule_concurrency")]
    #[schemars(range(min = 0))]
    pub schedule_concurrency: i32,
}

impl Default for InternalConnectSpec {
    fn default() -> Self {
        Self {
            license: LicenseSpec::default(),
            volume: None,
            node_selector: StringMap::new(),
            auth: AuthSpec::default(),
            add_env: StringMap::new(),
            image: String::new(),
            session_image: String::new(),
            image_pull_policy: PullPolicy::Unset,
            databricks: DatabricksConfig::default(),
            logged_in_warning: String::new(),
            public_warning: String::new(),
            replicas: 0,
            experimental_features: None,
            domain_prefix: default_connect_prefix(),
            gpu_settings: GpuSettings::default(),
            database_settings: DatabaseSettings::default(),
            schedule_concurrency: default_schedule_concurrency(),
        }
    }
}

/// GPU limits Connect may give content.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct GpuSettings {
    /// Default NVIDIA GPU limit of content.
    #[serde(default, rename = "nvidiaGPULimit", skip_serializing_if = "is_zero")]
    #[schemars(range(min = 0))]
    pub nvidia_gpu_limit: i64,
    /// Largest NVIDIA GPU limit content may ask for.
    #[serde(default, rename = "maxNvidiaGPULimit", skip_serializing_if = "is_zero")]
    #[schemars(range(min = 0))]
    pub max_nvidia_gpu_limit: i64,
    /// Default AMD GPU limit of content.
    #[serde(default, rename = "amdGPULimit", skip_serializing_if = "is_zero")]
    #[schemars(range(min = 0))]
    pub amd_gpu_limit: i64,
    /// Largest AMD GPU limit content may ask for.
    #[serde(default, rename = "maxAMDGPULimit", skip_serializing_if = "is_zero")]
    #[schemars(range(min = 0))]
    pub max_amd_gpu_limit: i64,
}

/// Schema names of the Connect database.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct DatabaseSettings {
    /// Main schema. Defaults to `connect`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub schema: String,
    /// Instrumentation schema. Defaults to `instrumentation`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub instrumentation_schema: String,
}

/// Experimental Connect settings.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct InternalConnectExperimentalFeatures {
    /// Sender address; turns on e-mail through SMTP.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub mail_sender: String,
    /// Sender display name (with mailSender).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub mail_display_name: String,
    /// Address that receives system mail (with mailSender).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub mail_target: String,
    /// Vault key (aws) or Secret key (kubernetes) of an ODBC DSN file mounted at
    /// `/etc/odbc.ini` in content pods.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub dsn_secret: String,
    /// Environment of content pods.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub session_env_vars: Vec<EnvVar>,
    /// Pull policy of content pods.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub session_image_pull_policy: PullPolicy,
    /// ServiceAccount of content pods. Empty uses `<site>-connect-session`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub session_service_account_name: String,
    /// Pass a Chronicle API key to the Chronicle agent sidecar.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub chronicle_sidecar_product_api_key_enabled: bool,
}

fn default_workbench_prefix() -> String {
    "workbench".into()
}

/// Site settings of Workbench.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct InternalWorkbenchSpec {
    /// Databricks workspaces, keyed by section name in `databricks.conf`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub databricks: BTreeMap<String, DatabricksConfig>,
    /// Snowflake OAuth.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub snowflake: SnowflakeConfig,
    /// License.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub license: LicenseSpec,
    /// Home directories, mounted at `/home`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<VolumeSpec>,
    /// Extra volumes mounted in the server and sessions.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub additional_volumes: Vec<VolumeSpec>,
    /// Node selector of the server and sessions.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub node_selector: StringMap,
    /// Tolerations of the server and of the image pre-pull DaemonSet.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub tolerations: Vec<Toleration>,
    /// Tolerations of sessions.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub session_tolerations: Vec<Toleration>,
    /// Create a local account on first login.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub create_users_automatically: bool,
    /// Administrator groups. Defaults to `[workbench-admin]`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub admin_groups: Vec<String>,
    /// Super-administrator groups.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub admin_superuser_groups: Vec<String>,
    /// Extra environment variables of the server.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub add_env: StringMap,
    /// Single sign-on.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub auth: AuthSpec,
    /// Server image.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub image: String,
    /// Pull policy of the server and sessions.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub image_pull_policy: PullPolicy,
    /// Default session image. Defaults to the server image.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub default_session_image: String,
    /// More session images users may choose.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub extra_session_images: Vec<String>,
    /// Session init container image name.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub session_init_container_image_name: String,
    /// Session init container image tag.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub session_init_container_image_tag: String,
    /// Replicas. 0 means 1.
    #[serde(default, skip_serializing_if = "is_zero")]
    #[schemars(range(min = 0))]
    pub replicas: i32,
    /// Experimental settings. The presence of this block replaces the session env and pull
    /// policy with the values given here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub experimental_features: Option<InternalWorkbenchExperimentalFeatures>,
    /// VS Code extensions installed in sessions.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub vs_code_extensions: Vec<String>,
    /// VS Code user settings (any JSON values).
    #[serde(default, skip_serializing_if = "is_zero")]
    #[schemars(schema_with = "crate::serde_util::json_value_map")]
    pub vs_code_user_settings: BTreeMap<String, serde_json::Value>,
    /// Positron settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub positron_config: Option<PositronConfig>,
    /// VS Code settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vs_code_config: Option<VsCodeConfig>,
    /// Workbench API switches.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub api_settings: ApiSettingsConfig,
    /// Host prefix: Workbench is served at `<domainPrefix>.<domain>`.
    #[serde(default = "default_workbench_prefix")]
    #[schemars(regex(pattern = patterns::DNS_LABEL), length(min = 1, max = 63))]
    pub domain_prefix: String,
    /// Custom login page HTML (at most 64 KiB).
    #[serde(default, skip_serializing_if = "is_zero")]
    #[schemars(length(max = 65536))]
    pub auth_login_page_html: String,
    /// Jupyter settings; replaces the default `jupyter.conf` when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jupyter_config: Option<WorkbenchJupyterConfig>,
}

impl Default for InternalWorkbenchSpec {
    fn default() -> Self {
        Self {
            databricks: BTreeMap::new(),
            snowflake: SnowflakeConfig::default(),
            license: LicenseSpec::default(),
            volume: None,
            additional_volumes: Vec::new(),
            node_selector: StringMap::new(),
            tolerations: Vec::new(),
            session_tolerations: Vec::new(),
            create_users_automatically: false,
            admin_groups: Vec::new(),
            admin_superuser_groups: Vec::new(),
            add_env: StringMap::new(),
            auth: AuthSpec::default(),
            image: String::new(),
            image_pull_policy: PullPolicy::Unset,
            default_session_image: String::new(),
            extra_session_images: Vec::new(),
            session_init_container_image_name: String::new(),
            session_init_container_image_tag: String::new(),
            replicas: 0,
            experimental_features: None,
            vs_code_extensions: Vec::new(),
            vs_code_user_settings: BTreeMap::new(),
            positron_config: None,
            vs_code_config: None,
            api_settings: ApiSettingsConfig::default(),
            domain_prefix: default_workbench_prefix(),
            auth_login_page_html: String::new(),
            jupyter_config: None,
        }
    }
}

fn default_cpu_request_ratio() -> String {
    "0.6".into()
}
fn default_memory_request_ratio() -> String {
    "0.8".into()
}

/// Experimental Workbench settings.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct InternalWorkbenchExperimentalFeatures {
    /// Let session Jobs use managed credentials.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub enable_managed_credential_jobs: bool,
    /// Run the server as unprivileged as possible.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub non_root: bool,
    /// ServiceAccount of sessions. Empty keeps `<site>-workbench-session`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub session_service_account_name: String,
    /// Environment of sessions.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub session_env_vars: Vec<EnvVar>,
    /// Pull policy of sessions.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub session_image_pull_policy: PullPolicy,
    /// Run session containers privileged.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub privileged_sessions: bool,
    /// Turn on the Databricks integration even without workspaces.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub databricks_force_enabled: bool,
    /// Vault key (aws) or Secret key (kubernetes) of an ODBC DSN file mounted at
    /// `/etc/odbc.ini` in sessions.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub dsn_secret: String,
    /// Server HTTP thread pool size. Defaults to 16.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub www_thread_pool_size: Option<i32>,
    /// Template of a new user's first project.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub first_project_template_path: String,
    /// Session proxy timeout in seconds. Defaults to 30.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub launcher_sessions_proxy_timeout_secs: Option<i32>,
    /// VS Code extensions directory.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub vs_code_extensions_dir: String,
    /// Session resource profiles, replacing the built-in Small/Medium/Large.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub resource_profiles: BTreeMap<String, WorkbenchResourceProfile>,
    /// Share of the CPU limit requested by sessions, 0 to 1.
    #[serde(default = "default_cpu_request_ratio")]
    #[schemars(regex(pattern = patterns::RATIO))]
    pub cpu_request_ratio: String,
    /// Share of the memory limit requested by sessions, 0 to 1.
    #[serde(default = "default_memory_request_ratio")]
    #[schemars(regex(pattern = patterns::RATIO))]
    pub memory_request_ratio: String,
    /// Default answer to "save workspace on exit": no, ask or yes. Empty means `no`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub session_save_action_default: crate::enums::SessionSaveAction,
    /// VS Code executable.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub vs_code_path: String,
    /// PATH given to sessions.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub launcher_env_path: String,
    /// Pass a Chronicle API key to the Chronicle agent sidecar.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub chronicle_sidecar_product_api_key_enabled: bool,
    /// Show the administrator UI to every administrator.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub force_admin_ui_enabled: bool,
}

impl Default for InternalWorkbenchExperimentalFeatures {
    fn default() -> Self {
        Self {
            enable_managed_credential_jobs: false,
            non_root: false,
            session_service_account_name: String::new(),
            session_env_vars: Vec::new(),
            session_image_pull_policy: PullPolicy::Unset,
            privileged_sessions: false,
            databricks_force_enabled: false,
            dsn_secret: String::new(),
            www_thread_pool_size: None,
            first_project_template_path: String::new(),
            launcher_sessions_proxy_timeout_secs: None,
            vs_code_extensions_dir: String::new(),
            resource_profiles: BTreeMap::new(),
            cpu_request_ratio: default_cpu_request_ratio(),
            memory_request_ratio: default_memory_request_ratio(),
            session_save_action_default: crate::enums::SessionSaveAction::Unset,
            vs_code_path: String::new(),
            launcher_env_path: String::new(),
            chronicle_sidecar_product_api_key_enabled: false,
            force_admin_ui_enabled: false,
        }
    }
}

/// Site settings of Chronicle.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct InternalChronicleSpec {
    /// Node selector of the Chronicle server.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub node_selector: StringMap,
    /// Chronicle server image.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub image: String,
    /// Extra environment variables of the server.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub add_env: StringMap,
    /// Pull policy of the Chronicle server.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub image_pull_policy: PullPolicy,
    /// S3 bucket for Chronicle data (prefix `<site>/chr-v0`). Empty keeps data in the pod.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub s3_bucket: String,
    /// Chronicle agent image, run as a sidecar of Connect and Workbench. Empty adds no agent.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub agent_image: String,
}

/// Site settings of Keycloak.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct InternalKeycloakSpec {
    /// Deploy a Keycloak instance at `key.<domain>`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub enabled: bool,
    /// Keycloak image. Empty uses the Keycloak operator's default.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub image: String,
    /// Accepted for compatibility; not used.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub image_pull_policy: PullPolicy,
    /// Accepted for compatibility; not used.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub node_selector: StringMap,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(yaml: &str) -> SiteSpec {
        serde_saphyr::from_str(yaml).unwrap()
    }

    #[test]
    fn absent_product_blocks_get_the_crd_defaults() {
        let spec = spec("domain: example.com\n");
        assert_eq!(spec.connect_or_default().domain_prefix, "connect");
        assert_eq!(spec.connect_or_default().schedule_concurrency, 2);
        assert_eq!(spec.workbench_or_default().domain_prefix, "workbench");
        assert_eq!(
            spec.package_manager_or_default().domain_prefix,
            "packagemanager"
        );
        assert_eq!(spec.network_trust, 100);
        assert_eq!(spec.enable_fqdn_health_checks, Some(true));
        assert!(spec.flightdeck_enabled());
    }

    #[test]
    fn a_present_block_defaults_its_own_fields() {
        let spec = spec("domain: example.com\nconnect: {}\nflightdeck: {enabled: false}\n");
        let connect = spec.connect.unwrap();
        assert_eq!(connect.domain_prefix, "connect");
        assert_eq!(connect.schedule_concurrency, 2);
        assert!(!spec.flightdeck.as_ref().unwrap().enabled.unwrap());
    }

    #[test]
    fn schedule_concurrency_zero_is_kept() {
        // The Go operator could not express 0 (omitempty plus a CRD default of 2).
        let spec = spec("domain: example.com\nconnect: {scheduleConcurrency: 0}\n");
        assert_eq!(spec.connect.unwrap().schedule_concurrency, 0);
    }
}
