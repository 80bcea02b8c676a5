//! `Connect`: a Posit Connect server, usually derived from a Site.

use crate::enums::PullPolicy;
use crate::serde_util::{StringMap, is_zero, patterns};
use crate::session::SessionConfig;
use crate::shared::{AuthSpec, LicenseSpec, PostgresDatabaseConfig, SecretConfig, VolumeSpec};
use crate::status::ProductStatus;
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Desired state of a Posit Connect server.
#[derive(CustomResource, Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[kube(
    group = "core.posit.team",
    version = "v1beta1",
    kind = "Connect",
    namespaced,
    status = "ProductStatus",
    shortname = "con",
    shortname = "cons",
    category = "posit",
    derive = "Default",
    derive = "PartialEq",
    doc = "A Posit Connect server. Usually created and kept in sync by its Site.",
    printcolumn = r#"{"name":"Ready","type":"string","jsonPath":".status.conditions[?(@.type==\"Ready\")].status"}"#,
    printcolumn = r#"{"name":"Reason","type":"string","jsonPath":".status.conditions[?(@.type==\"Ready\")].reason"}"#,
    printcolumn = r#"{"name":"URL","type":"string","jsonPath":".spec.url"}"#,
    printcolumn = r#"{"name":"Age","type":"date","jsonPath":".metadata.creationTimestamp"}"#
)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [{
    "rule": crate::shared::CONNECT_SAML_PROFILE_RULE,
    "message": "auth.samlIdPAttributeProfile cannot be combined with the individual SAML attribute fields",
    "fieldPath": ".auth.samlIdPAttributeProfile"
}]))]
pub struct ConnectSpec {
    /// License.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub license: LicenseSpec,
    /// Settings rendered into `rstudio-connect.gcfg` (after the operator's own settings).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub config: ConnectConfig,
    /// Content pod customisation (off-host execution).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_config: Option<SessionConfig>,
    /// Data volume: PVC `<name>-connect` mounted at `/var/lib/rstudio-connect`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<VolumeSpec>,
    /// Deprecated; `secret.type` is used.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub secret_type: String,
    /// Single sign-on.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub auth: AuthSpec,
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
    /// Names of image pull Secrets of the server pod.
    #[serde(default, skip_serializing_if = "is_zero")]
    #[schemars(inner(regex(pattern = patterns::DNS_SUBDOMAIN)))]
    pub image_pull_secrets: Vec<String>,
    /// Node selector of the server pod.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub node_selector: StringMap,
    /// Extra environment variables of the server.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub add_env: StringMap,
    /// Run content as Kubernetes Jobs instead of inside the server pod.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub off_host_execution: bool,
    /// Server image.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub image: String,
    /// Server pull policy.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub image_pull_policy: PullPolicy,
    /// Debugging: the server container runs `sleep infinity` instead of Connect.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub sleep: bool,
    /// Content runtime init image.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub session_image: String,
    /// AWS account id for IAM roles.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub aws_account_id: String,
    /// Cluster date id for IAM roles.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub cluster_date: String,
    /// Workload name for IAM roles and AWS vault names.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub workload_compound_name: String,
    /// Chronicle agent image; adds the agent sidecar when set.
    #[serde(default, rename = "chronicleImage", skip_serializing_if = "is_zero")]
    pub chronicle_agent_image: String,
    /// Extra volumes mounted in the server and content pods.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub additional_volumes: Vec<VolumeSpec>,
    /// Product vault.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub secret: SecretConfig,
    /// Vault holding `main-database-url`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub workload_secret: SecretConfig,
    /// Optional admin credential override of `main-database-url`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub main_database_credential_secret: SecretConfig,
    /// Verbose logging.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub debug: bool,
    /// Replicas. 0 means 1.
    #[serde(default, skip_serializing_if = "is_zero")]
    #[schemars(range(min = 0))]
    pub replicas: i32,
    /// Vault key (aws) or Secret key (kubernetes) of an ODBC DSN file for content pods.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub dsn_secret: String,
    /// Pass a Chronicle API key to the Chronicle agent sidecar.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub chronicle_sidecar_product_api_key_enabled: bool,
}

/// `rstudio-connect.gcfg` settings. Section and key names are the gcfg names.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
pub struct ConnectConfig {
    /// `[Server]`
    #[serde(default, rename = "Server", skip_serializing_if = "Option::is_none")]
    pub server: Option<ConnectServerConfig>,
    /// `[Http]`
    #[serde(default, rename = "Http", skip_serializing_if = "Option::is_none")]
    pub http: Option<ConnectHttpConfig>,
    /// `[Metrics]`
    #[serde(default, rename = "Metrics", skip_serializing_if = "Option::is_none")]
    pub metrics: Option<ConnectMetricsConfig>,
    /// `[Database]` (the provider is always postgres)
    #[serde(default, rename = "Database", skip_serializing_if = "Option::is_none")]
    pub database: Option<ConnectDatabaseConfig>,
    /// `[Postgres]` (URLs are generated by the operator)
    #[serde(default, rename = "Postgres", skip_serializing_if = "Option::is_none")]
    pub postgres: Option<ConnectPostgresConfig>,
    /// `[Logging]`
    #[serde(default, rename = "Logging", skip_serializing_if = "Option::is_none")]
    pub logging: Option<ConnectLoggingConfig>,
    /// `[Launcher]` (replaced by the operator with off-host execution)
    #[serde(default, rename = "Launcher", skip_serializing_if = "Option::is_none")]
    pub launcher: Option<ConnectLauncherConfig>,
    /// `[Authentication]`
    #[serde(
        default,
        rename = "Authentication",
        skip_serializing_if = "Option::is_none"
    )]
    pub authentication: Option<ConnectAuthenticationConfig>,
    /// `[Authorization]`
    #[serde(
        default,
        rename = "Authorization",
        skip_serializing_if = "Option::is_none"
    )]
    pub authorization: Option<ConnectAuthorizationConfig>,
    /// `[Applications]`
    #[serde(
        default,
        rename = "Applications",
        skip_serializing_if = "Option::is_none"
    )]
    pub applications: Option<ConnectApplicationsConfig>,
    /// `[OAuth2]` (replaced by the operator when auth.type is oidc)
    #[serde(default, rename = "OAuth2", skip_serializing_if = "Option::is_none")]
    pub oauth2: Option<ConnectOAuth2Config>,
    /// `[R]`
    #[serde(default, rename = "R", skip_serializing_if = "Option::is_none")]
    pub r: Option<ConnectRConfig>,
    /// `[Python]`
    #[serde(default, rename = "Python", skip_serializing_if = "Option::is_none")]
    pub python: Option<ConnectEnabledConfig>,
    /// `[Quarto]`
    #[serde(default, rename = "Quarto", skip_serializing_if = "Option::is_none")]
    pub quarto: Option<ConnectEnabledConfig>,
    /// `[SAML]` (replaced by the operator when auth.type is saml)
    #[serde(default, rename = "SAML", skip_serializing_if = "Option::is_none")]
    pub saml: Option<ConnectSamlConfig>,
    /// `[Scheduler]`
    #[serde(default, rename = "Scheduler", skip_serializing_if = "Option::is_none")]
    pub scheduler: Option<ConnectSchedulerConfig>,
    /// One `[RPackageRepository "<name>"]` section per entry.
    #[serde(
        default,
        rename = "RPackageRepositories",
        skip_serializing_if = "is_zero"
    )]
    pub r_package_repositories: BTreeMap<String, ConnectRPackageRepositoryConfig>,
    /// `[TableauIntegration]`
    #[serde(
        default,
        rename = "TableauIntegration",
        skip_serializing_if = "Option::is_none"
    )]
    pub tableau_integration: Option<ConnectLoggingSwitchConfig>,
}

/// `[Server]` of rstudio-connect.gcfg.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ConnectServerConfig {
    /// Public URL; set by the operator from `url`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub address: String,
    /// Data directory.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub data_dir: String,
    /// X-Frame-Options of content.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub frame_options_content: String,
    /// X-Frame-Options of the dashboard.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub frame_options_dashboard: String,
    /// `compact` or `expanded`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub default_content_list_view: String,
    /// Banner shown to logged-in users.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub logged_in_warning: String,
    /// Banner shown to anonymous users.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub public_warning: String,
    /// Log proxy headers.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub proxy_header_logging: bool,
    /// `SMTP` to send mail.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub email_provider: String,
    /// Sender address.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub sender_email: String,
    /// Sender display name.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub sender_email_display_name: String,
    /// Address receiving system mail.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub email_to: String,
    /// Hide users' e-mail addresses.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub hide_email_addresses: bool,
}

/// `[Http]` of rstudio-connect.gcfg.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ConnectHttpConfig {
    /// Mark cookies secure and redirect to HTTPS.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub force_secure: bool,
    /// Listen address, e.g. `:3939`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub listen: String,
}

/// `[Metrics]` of rstudio-connect.gcfg.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ConnectMetricsConfig {
    /// Prometheus listen address, e.g. `:3232`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub prometheus_listen: String,
}

/// `[Database]` of rstudio-connect.gcfg.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ConnectDatabaseConfig {
    /// Always `postgres`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub provider: String,
}

/// `[Postgres]` of rstudio-connect.gcfg.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
pub struct ConnectPostgresConfig {
    /// Main database URL (generated).
    #[serde(default, rename = "URL", skip_serializing_if = "is_zero")]
    pub url: String,
    /// Instrumentation database URL (generated).
    #[serde(
        default,
        rename = "InstrumentationURL",
        skip_serializing_if = "is_zero"
    )]
    pub instrumentation_url: String,
}

/// `[Logging]` of rstudio-connect.gcfg.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ConnectLoggingConfig {
    /// Service log destination.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub service_log: String,
    /// Service log level.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub service_log_level: String,
    /// `TEXT` or `JSON`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub service_log_format: String,
    /// Access log destination.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub access_log: String,
    /// `COMMON`, `COMBINED` or `JSON`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub access_log_format: String,
    /// Audit log destination.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub audit_log: String,
    /// `TEXT` or `JSON`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub audit_log_format: String,
}

/// `[Launcher]` of rstudio-connect.gcfg.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
pub struct ConnectLauncherConfig {
    /// Use the Job Launcher.
    #[serde(default, rename = "Enabled", skip_serializing_if = "is_zero")]
    pub enabled: bool,
    /// Launch on Kubernetes.
    #[serde(default, rename = "Kubernetes", skip_serializing_if = "is_zero")]
    pub kubernetes: bool,
    /// Cluster definition files.
    #[serde(default, rename = "ClusterDefinition", skip_serializing_if = "is_zero")]
    pub cluster_definition: Vec<String>,
    /// Namespace of content Jobs.
    #[serde(
        default,
        rename = "KubernetesNamespace",
        skip_serializing_if = "is_zero"
    )]
    pub kubernetes_namespace: String,
    /// Launcher profiles file.
    #[serde(
        default,
        rename = "KubernetesProfilesConfig",
        skip_serializing_if = "is_zero"
    )]
    pub kubernetes_profiles_config: String,
    /// PVC of the data directory, mounted into content pods.
    #[serde(default, rename = "DataDirPVCName", skip_serializing_if = "is_zero")]
    pub data_dir_pvc_name: String,
    /// Use job templates.
    #[serde(
        default,
        rename = "KubernetesUseTemplates",
        skip_serializing_if = "is_zero"
    )]
    pub kubernetes_use_templates: bool,
    /// Launcher scratch directory.
    #[serde(default, rename = "ScratchPath", skip_serializing_if = "is_zero")]
    pub scratch_path: String,
}

/// `[Authentication]` of rstudio-connect.gcfg.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ConnectAuthenticationConfig {
    /// Provider, e.g. `OAuth2`, `saml`, `password`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub provider: String,
}

/// `[Authorization]` of rstudio-connect.gcfg.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ConnectAuthorizationConfig {
    /// `viewer`, `publisher` or `administrator`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub default_user_role: String,
    /// Publishers may manage vanity URLs.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub publishers_can_manage_vanities: bool,
    /// Viewers see only themselves in user lists.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub viewers_can_only_see_themselves: bool,
    /// Map identity-provider groups to roles.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub user_role_group_mapping: bool,
    /// Groups mapped to the viewer role.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub viewer_role_mapping: Vec<String>,
    /// Groups mapped to the publisher role.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub publisher_role_mapping: Vec<String>,
    /// Groups mapped to the administrator role.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub administrator_role_mapping: Vec<String>,
}

/// `[Applications]` of rstudio-connect.gcfg.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ConnectApplicationsConfig {
    /// Bundles kept per content item.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub bundle_retention_limit: i64,
    /// Reap unused Python environments.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub python_environment_reaping: bool,
    /// Allow OAuth integrations.
    #[serde(
        default,
        rename = "OAuthIntegrationsEnabled",
        skip_serializing_if = "is_zero"
    )]
    pub o_auth_integrations_enabled: bool,
    /// Concurrent scheduled reports.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub schedule_concurrency: i64,
}

/// `[OAuth2]` of rstudio-connect.gcfg.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ConnectOAuth2Config {
    /// Client id.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub client_id: String,
    /// File holding the client secret.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub client_secret_file: String,
    /// Issuer URL.
    #[serde(
        default,
        rename = "OpenIDConnectIssuer",
        skip_serializing_if = "is_zero"
    )]
    pub open_id_connect_issuer: String,
    /// Require the user name claim.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub require_username_claim: bool,
    /// Extra scopes.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub custom_scope: Vec<String>,
    /// Create groups from the groups claim.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub groups_auto_provision: bool,
    /// Claim with the unique user id.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unique_id_claim: String,
    /// Claim with the e-mail address.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub email_claim: String,
    /// Claim with the user name.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub username_claim: String,
    /// Claim with the groups. Written whenever set, even when empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups_claim: Option<String>,
    /// Log OAuth2 exchanges.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub logging: bool,
}

/// `[R]` of rstudio-connect.gcfg.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
pub struct ConnectRConfig {
    /// Run R content.
    #[serde(default, rename = "Enabled", skip_serializing_if = "is_zero")]
    pub enabled: bool,
    /// `auto`, `force-source`, `force-binary` or `none`.
    #[serde(
        default,
        rename = "PositPackageManagerURLRewriting",
        skip_serializing_if = "is_zero"
    )]
    pub posit_package_manager_url_rewriting: String,
}

/// A section with a single `Enabled` switch (`[Python]`, `[Quarto]`).
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ConnectEnabledConfig {
    /// Enable this runtime.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub enabled: bool,
}

/// A section with a single `Logging` switch (`[TableauIntegration]`).
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ConnectLoggingSwitchConfig {
    /// Verbose logging.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub logging: bool,
}

/// `[SAML]` of rstudio-connect.gcfg.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
pub struct ConnectSamlConfig {
    /// Identity provider metadata URL.
    #[serde(default, rename = "IdPMetaDataURL", skip_serializing_if = "is_zero")]
    pub idp_metadata_url: String,
    /// Attribute profile.
    #[serde(
        default,
        rename = "IdPAttributeProfile",
        skip_serializing_if = "is_zero"
    )]
    pub idp_attribute_profile: String,
    /// User name attribute.
    #[serde(default, rename = "UsernameAttribute", skip_serializing_if = "is_zero")]
    pub username_attribute: String,
    /// First name attribute.
    #[serde(
        default,
        rename = "FirstNameAttribute",
        skip_serializing_if = "is_zero"
    )]
    pub first_name_attribute: String,
    /// Last name attribute.
    #[serde(default, rename = "LastNameAttribute", skip_serializing_if = "is_zero")]
    pub last_name_attribute: String,
    /// E-mail attribute.
    #[serde(default, rename = "EmailAttribute", skip_serializing_if = "is_zero")]
    pub email_attribute: String,
}

/// `[Scheduler]` of rstudio-connect.gcfg.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
pub struct ConnectSchedulerConfig {
    /// Largest CPU request of content.
    #[serde(default, rename = "MaxCPURequest", skip_serializing_if = "is_zero")]
    pub max_cpu_request: i64,
    /// Largest CPU limit of content.
    #[serde(default, rename = "MaxCPULimit", skip_serializing_if = "is_zero")]
    pub max_cpu_limit: i64,
    /// Largest memory request of content, in bytes.
    #[serde(default, rename = "MaxMemoryRequest", skip_serializing_if = "is_zero")]
    pub max_memory_request: i64,
    /// Largest memory limit of content, in bytes.
    #[serde(default, rename = "MaxMemoryLimit", skip_serializing_if = "is_zero")]
    pub max_memory_limit: i64,
    /// Default NVIDIA GPU limit.
    #[serde(default, rename = "NvidiaGPULimit", skip_serializing_if = "is_zero")]
    pub nvidia_gpu_limit: i64,
    /// Largest NVIDIA GPU limit.
    #[serde(default, rename = "MaxNvidiaGPULimit", skip_serializing_if = "is_zero")]
    pub max_nvidia_gpu_limit: i64,
    /// Default AMD GPU limit.
    #[serde(default, rename = "AMDGPULimit", skip_serializing_if = "is_zero")]
    pub amd_gpu_limit: i64,
    /// Largest AMD GPU limit.
    #[serde(default, rename = "MaxAMDGPULimit", skip_serializing_if = "is_zero")]
    pub max_amd_gpu_limit: i64,
}

/// One `[RPackageRepository "<name>"]` section.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ConnectRPackageRepositoryConfig {
    /// Repository URL.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub url: String,
}
