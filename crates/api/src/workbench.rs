//! `Workbench`: a Posit Workbench server, usually derived from a Site. Its `config` is grouped
//! by file format, and inside each group keyed by file name.

use crate::enums::PullPolicy;
use crate::serde_util::{StringMap, is_zero, json_value_map, patterns};
use crate::session::SessionConfig;
use crate::shared::{
    AuthSpec, LicenseSpec, PostgresDatabaseConfig, SecretConfig, SnowflakeConfig, VolumeSpec,
};
use crate::status::ProductStatus;
use k8s_openapi::api::core::v1::Toleration;
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// Desired state of a Posit Workbench server.
#[derive(CustomResource, Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[kube(
    group = "core.posit.team",
    version = "v1beta1",
    kind = "Workbench",
    plural = "workbenches",
    namespaced,
    status = "ProductStatus",
    shortname = "wb",
    shortname = "wbs",
    category = "posit",
    derive = "Default",
    derive = "PartialEq",
    doc = "A Posit Workbench server. Usually created and kept in sync by its Site.",
    printcolumn = r#"{"name":"Ready","type":"string","jsonPath":".status.conditions[?(@.type==\"Ready\")].status"}"#,
    printcolumn = r#"{"name":"Reason","type":"string","jsonPath":".status.conditions[?(@.type==\"Ready\")].reason"}"#,
    printcolumn = r#"{"name":"URL","type":"string","jsonPath":".spec.url"}"#,
    printcolumn = r#"{"name":"Age","type":"date","jsonPath":".metadata.creationTimestamp"}"#
)]
#[serde(rename_all = "camelCase")]
pub struct WorkbenchSpec {
    /// License.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub license: LicenseSpec,
    /// Settings rendered into the Workbench configuration files.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub config: WorkbenchConfig,
    /// Settings rendered into the Secret `<name>-workbench-config`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub secret_config: WorkbenchSecretConfig,
    /// Session pod customisation (off-host execution).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_config: Option<SessionConfig>,
    /// Home directories: PVC `<name>-workbench` mounted at `/home`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<VolumeSpec>,
    /// Secret backend of the session DSN file; otherwise `secret.type` is used.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub secret_type: String,
    /// Single sign-on.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub auth: AuthSpec,
    /// Public host name, without scheme.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub url: String,
    /// Origin allowed to frame Workbench (Content-Security-Policy frame-ancestors).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub parent_url: String,
    /// Run the server as unprivileged as possible.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub non_root: bool,
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
    /// Tolerations of the server pod.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub tolerations: Vec<Toleration>,
    /// Extra environment variables of the server.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub add_env: StringMap,
    /// Run sessions as Kubernetes Jobs.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub off_host_execution: bool,
    /// Server image.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub image: String,
    /// Server pull policy.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub image_pull_policy: PullPolicy,
    /// Debugging: the server container runs `sleep infinity` instead of Workbench.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub sleep: bool,
    /// Snowflake OAuth.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub snowflake: SnowflakeConfig,
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
    /// Extra volumes mounted in the server and sessions.
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
    /// Replicas. 0 means 1.
    #[serde(default, skip_serializing_if = "is_zero")]
    #[schemars(range(min = 0))]
    pub replicas: i32,
    /// Vault key (aws) or Secret key (kubernetes) of an ODBC DSN file for sessions.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub dsn_secret: String,
    /// Pass a Chronicle API key to the Chronicle agent sidecar.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub chronicle_sidecar_product_api_key_enabled: bool,
    /// Custom login page HTML (at most 64 KiB).
    #[serde(default, skip_serializing_if = "is_zero")]
    #[schemars(length(max = 65536))]
    pub auth_login_page_html: String,
}

/// Workbench configuration files, grouped by format.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
pub struct WorkbenchConfig {
    /// Server files in `key=value` format.
    #[serde(
        default,
        rename = "workbench-ini-config",
        skip_serializing_if = "is_zero"
    )]
    pub ini: WorkbenchIniConfig,
    /// Session files in `key=value` format.
    #[serde(
        default,
        rename = "workbench-session-ini-config",
        skip_serializing_if = "is_zero"
    )]
    pub session_ini: WorkbenchSessionIniConfig,
    /// Session files with one item per line.
    #[serde(
        default,
        rename = "workbench-session-newline-config",
        skip_serializing_if = "is_zero"
    )]
    pub session_newline: WorkbenchSessionNewlineConfig,
    /// Session files in JSON.
    #[serde(
        default,
        rename = "workbench-session-json-config",
        skip_serializing_if = "is_zero"
    )]
    pub session_json: WorkbenchSessionJsonConfig,
    /// Launcher profiles (`[section]` per user, group or `*`).
    #[serde(
        default,
        rename = "workbench-profiles-config",
        skip_serializing_if = "is_zero"
    )]
    pub profiles: WorkbenchProfilesConfig,
    /// Files in DCF (`Key: value`) format.
    #[serde(
        default,
        rename = "workbench-dcf-config",
        skip_serializing_if = "is_zero"
    )]
    pub dcf: WorkbenchDcfConfig,
    /// supervisord programs (non-root mode).
    #[serde(
        default,
        rename = "supervisord-ini-config",
        skip_serializing_if = "is_zero"
    )]
    pub supervisord: WorkbenchSupervisordConfig,
}

/// Server files in `key=value` format, keyed by file name.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
pub struct WorkbenchIniConfig {
    /// `launcher.conf`
    #[serde(
        default,
        rename = "launcher.conf",
        skip_serializing_if = "Option::is_none"
    )]
    pub launcher: Option<WorkbenchLauncherConfig>,
    /// `vscode.conf`
    #[serde(
        default,
        rename = "vscode.conf",
        skip_serializing_if = "Option::is_none"
    )]
    pub vscode: Option<WorkbenchVsCodeIniConfig>,
    /// `logging.conf`
    #[serde(
        default,
        rename = "logging.conf",
        skip_serializing_if = "Option::is_none"
    )]
    pub logging: Option<WorkbenchLoggingConfig>,
    /// `jupyter.conf`
    #[serde(
        default,
        rename = "jupyter.conf",
        skip_serializing_if = "Option::is_none"
    )]
    pub jupyter: Option<WorkbenchJupyterConfig>,
    /// `rserver.conf`
    #[serde(
        default,
        rename = "rserver.conf",
        skip_serializing_if = "Option::is_none"
    )]
    pub rserver: Option<WorkbenchRServerConfig>,
    /// `launcher.kubernetes.conf`
    #[serde(
        default,
        rename = "launcher.kubernetes.conf",
        skip_serializing_if = "Option::is_none"
    )]
    pub launcher_kubernetes: Option<WorkbenchLauncherKubernetesConfig>,
    /// `launcher.local.conf`
    #[serde(
        default,
        rename = "launcher.local.conf",
        skip_serializing_if = "Option::is_none"
    )]
    pub launcher_local: Option<WorkbenchLauncherLocalConfig>,
    /// Deprecated here: Databricks belongs in `secretConfig`. Must be empty.
    #[serde(
        default,
        rename = "databricks.conf",
        skip_serializing_if = "Option::is_none"
    )]
    pub databricks: Option<BTreeMap<String, WorkbenchDatabricksSection>>,
    /// `launcher.kubernetes.resources.conf`: resource profiles keyed by section name.
    #[serde(
        default,
        rename = "launcher.kubernetes.resources.conf",
        skip_serializing_if = "Option::is_none"
    )]
    pub launcher_kubernetes_resources: Option<BTreeMap<String, WorkbenchResourceProfile>>,
}

/// `launcher.conf`.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
pub struct WorkbenchLauncherConfig {
    /// `[server]`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<WorkbenchLauncherServerSection>,
    /// `[cluster]`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<WorkbenchLauncherClusterSection>,
}

/// `[server]` of launcher.conf.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "kebab-case")]
pub struct WorkbenchLauncherServerSection {
    /// Listen address.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub address: String,
    /// Listen port.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub port: String,
    /// User the launcher runs as.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub server_user: String,
    /// Administrator group.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub admin_group: String,
    /// Check authorization.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub authorization_enabled: i64,
    /// Worker threads.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub thread_pool_size: i64,
    /// Run unprivileged.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unprivileged: i64,
    /// Secure cookie key file.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub secure_cookie_key_file: String,
}

/// `[cluster]` of launcher.conf.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
pub struct WorkbenchLauncherClusterSection {
    /// Cluster name.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub name: String,
    /// Cluster type.
    #[serde(default, rename = "type", skip_serializing_if = "is_zero")]
    pub type_: String,
}

/// `vscode.conf`.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "kebab-case")]
pub struct WorkbenchVsCodeIniConfig {
    /// Enable VS Code sessions.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub enabled: i64,
    /// VS Code executable.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub exe: String,
    /// VS Code arguments.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub args: String,
    /// Hours before an idle VS Code session is killed.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub session_timeout_kill_hours: i64,
}

/// `logging.conf`.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
pub struct WorkbenchLoggingConfig {
    /// `[*]`: settings of every logger.
    #[serde(default, rename = "*", skip_serializing_if = "Option::is_none")]
    pub all: Option<WorkbenchLoggingSection>,
}

/// A section of logging.conf.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "kebab-case")]
pub struct WorkbenchLoggingSection {
    /// info, debug, warn or error.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub log_level: String,
    /// stderr, syslog or file.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub logger_type: String,
    /// pretty or json.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub log_message_format: String,
}

fn default_one() -> i64 {
    1
}
fn default_auto() -> String {
    "auto".into()
}
fn default_cull_minutes() -> i64 {
    120
}
fn default_shutdown_minutes() -> i64 {
    5
}

/// `jupyter.conf`.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(rename_all = "kebab-case")]
pub struct WorkbenchJupyterConfig {
    /// Enable Jupyter Notebook sessions (0 or 1).
    #[serde(default)]
    #[schemars(range(min = 0, max = 1))]
    pub notebooks_enabled: i64,
    /// Enable JupyterLab sessions (0 or 1).
    #[serde(default = "default_one")]
    #[schemars(range(min = 0, max = 1))]
    pub labs_enabled: i64,
    /// Jupyter executable.
    #[serde(default)]
    pub jupyter_exe: String,
    /// JupyterLab version, or `auto`.
    #[serde(default = "default_auto")]
    pub lab_version: String,
    /// Notebook version, or `auto`.
    #[serde(default = "default_auto")]
    pub notebook_version: String,
    /// Minutes before an idle session is culled.
    #[serde(default = "default_cull_minutes")]
    #[schemars(range(min = 0))]
    pub session_cull_minutes: i64,
    /// Minutes between culling and shutdown.
    #[serde(default = "default_shutdown_minutes")]
    #[schemars(range(min = 0))]
    pub session_shutdown_minutes: i64,
    /// Default session cluster.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub default_session_cluster: String,
    /// Default session image.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub default_session_container_image: String,
}

impl Default for WorkbenchJupyterConfig {
    fn default() -> Self {
        Self {
            notebooks_enabled: 0,
            labs_enabled: default_one(),
            jupyter_exe: String::new(),
            lab_version: default_auto(),
            notebook_version: default_auto(),
            session_cull_minutes: default_cull_minutes(),
            session_shutdown_minutes: default_shutdown_minutes(),
            default_session_cluster: String::new(),
            default_session_container_image: String::new(),
        }
    }
}

/// `rserver.conf`.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(rename_all = "kebab-case")]
pub struct WorkbenchRServerConfig {
    /// Load balancing across replicas (needs shared storage).
    #[serde(default = "default_one")]
    pub load_balancing_enabled: i64,
    /// Shared storage path.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub server_shared_storage_path: String,
    /// Serve `/health-check`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub server_health_check_enabled: i64,
    /// PAM sessions.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub auth_pam_sessions_enabled: i64,
    /// Administrator dashboard.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub admin_enabled: i64,
    /// Administrator groups, comma-separated.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub admin_group: String,
    /// Super-administrator groups, comma-separated.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub admin_superuser_group: String,
    /// HTTP port.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub www_port: i64,
    /// Project sharing.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub server_project_sharing: i64,
    /// Launcher address.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub launcher_address: String,
    /// Launcher port.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub launcher_port: i64,
    /// Launch sessions through the launcher.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub launcher_sessions_enabled: i64,
    /// URL sessions use to reach the server.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub launcher_sessions_callback_address: String,
    /// OpenID Connect login.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub auth_openid: i64,
    /// OpenID issuer.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub auth_openid_issuer: String,
    /// OpenID user name claim.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub auth_openid_username_claim: String,
    /// OpenID scopes (space-separated in the file).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub auth_openid_scopes: Vec<String>,
    /// SAML login.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub auth_saml: i64,
    /// SAML metadata URL.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub auth_saml_metadata_url: String,
    /// SAML user name attribute.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub auth_saml_sp_attribute_username: String,
    /// Origin allowed to frame Workbench.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub www_frame_origin: String,
    /// Provision users.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub user_provisioning_enabled: i64,
    /// Create users on first login.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub user_provisioning_register_on_first_login: i64,
    /// Home directory root.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub user_homedir_path: String,
    /// Secure cookie key file.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub secure_cookie_key_file: String,
    /// Prometheus metrics.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub metrics_enabled: i64,
    /// Prometheus port.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub metrics_port: i64,
    /// HTTP thread pool size.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub www_thread_pool_size: i64,
    /// Session proxy timeout in seconds.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub launcher_sessions_proxy_timeout_seconds: i64,
    /// Update sessions automatically.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub launcher_sessions_auto_update: i64,
    /// Session init container image name.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub launcher_sessions_init_container_image_name: String,
    /// Session init container image tag.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub launcher_sessions_init_container_image_tag: String,
    /// Databricks integration.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub databricks_enabled: i64,
    /// Workbench API.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub workbench_api_enabled: i64,
    /// Workbench administrator API.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub workbench_api_admin_enabled: i64,
    /// Workbench super-administrator API.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub workbench_api_super_admin_enabled: i64,
    /// Show the administrator UI to every administrator.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub force_admin_ui_enabled: i64,
}

impl Default for WorkbenchRServerConfig {
    fn default() -> Self {
        Self {
            load_balancing_enabled: default_one(),
            server_shared_storage_path: String::new(),
            server_health_check_enabled: 0,
            auth_pam_sessions_enabled: 0,
            admin_enabled: 0,
            admin_group: String::new(),
            admin_superuser_group: String::new(),
            www_port: 0,
            server_project_sharing: 0,
            launcher_address: String::new(),
            launcher_port: 0,
            launcher_sessions_enabled: 0,
            launcher_sessions_callback_address: String::new(),
            auth_openid: 0,
            auth_openid_issuer: String::new(),
            auth_openid_username_claim: String::new(),
            auth_openid_scopes: Vec::new(),
            auth_saml: 0,
            auth_saml_metadata_url: String::new(),
            auth_saml_sp_attribute_username: String::new(),
            www_frame_origin: String::new(),
            user_provisioning_enabled: 0,
            user_provisioning_register_on_first_login: 0,
            user_homedir_path: String::new(),
            secure_cookie_key_file: String::new(),
            metrics_enabled: 0,
            metrics_port: 0,
            www_thread_pool_size: 0,
            launcher_sessions_proxy_timeout_seconds: 0,
            launcher_sessions_auto_update: 0,
            launcher_sessions_init_container_image_name: String::new(),
            launcher_sessions_init_container_image_tag: String::new(),
            databricks_enabled: 0,
            workbench_api_enabled: 0,
            workbench_api_admin_enabled: 0,
            workbench_api_super_admin_enabled: 0,
            force_admin_ui_enabled: 0,
        }
    }
}

/// `launcher.kubernetes.conf`.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "kebab-case")]
pub struct WorkbenchLauncherKubernetesConfig {
    /// Namespace of session Jobs.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub kubernetes_namespace: String,
    /// Use job templates.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub use_templating: i64,
    /// Hours finished Jobs are kept.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub job_expiry_hours: i64,
}

/// `launcher.local.conf`.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
pub struct WorkbenchLauncherLocalConfig {
    /// Run the local launcher unprivileged.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unprivileged: i64,
}

/// A Databricks workspace section of `databricks.conf`.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "kebab-case")]
pub struct WorkbenchDatabricksSection {
    /// Display name.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub name: String,
    /// Workspace URL.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub url: String,
    /// OAuth client id.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub client_id: String,
    /// OAuth client secret.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub client_secret: String,
}

/// A session resource profile of `launcher.kubernetes.resources.conf`.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "kebab-case")]
pub struct WorkbenchResourceProfile {
    /// Name shown to users.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub name: String,
    /// CPU limit.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub cpus: String,
    /// CPU request.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub cpus_request: String,
    /// Memory limit in MB.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub mem_mb: String,
    /// Memory request in MB.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub mem_mb_request: String,
    /// NVIDIA GPUs.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub nvidia_gpus: String,
    /// AMD GPUs.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub amd_gpus: String,
    /// Node placement constraints: comma-separated `key:value` or `key=value`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub placement_constraints: String,
}

/// Session files in `key=value` format, keyed by file name.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
pub struct WorkbenchSessionIniConfig {
    /// `rsession.conf`
    #[serde(
        default,
        rename = "rsession.conf",
        skip_serializing_if = "Option::is_none"
    )]
    pub rsession: Option<WorkbenchRSessionConfig>,
    /// `repos.conf`
    #[serde(
        default,
        rename = "repos.conf",
        skip_serializing_if = "Option::is_none"
    )]
    pub repos: Option<WorkbenchReposConfig>,
    /// `workbench_nss.conf`
    #[serde(
        default,
        rename = "workbench_nss.conf",
        skip_serializing_if = "Option::is_none"
    )]
    pub workbench_nss: Option<WorkbenchNssConfig>,
    /// `positron.conf`
    #[serde(
        default,
        rename = "positron.conf",
        skip_serializing_if = "Option::is_none"
    )]
    pub positron: Option<WorkbenchPositronIniConfig>,
}

/// `rsession.conf`.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "kebab-case")]
pub struct WorkbenchRSessionConfig {
    /// Default Connect server for publishing.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub default_rsconnect_server: String,
    /// GitHub Copilot.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub copilot_enabled: i64,
    /// Managed credentials in Jobs.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub managed_credentials_in_jobs_enabled: i64,
    /// Template of a new user's first project.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub session_first_project_template_path: String,
    /// `no`, `ask` or `yes`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub session_save_action_default: String,
}

/// `repos.conf`.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
pub struct WorkbenchReposConfig {
    /// Posit Package Manager repository URL.
    #[serde(default, rename = "RSPM", skip_serializing_if = "is_zero")]
    pub rspm: String,
    /// CRAN repository URL.
    #[serde(default, rename = "CRAN", skip_serializing_if = "is_zero")]
    pub cran: String,
}

/// `workbench_nss.conf`.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "kebab-case")]
pub struct WorkbenchNssConfig {
    /// Server address sessions use to look up users.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub server_address: String,
}

/// `positron.conf`.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "kebab-case")]
pub struct WorkbenchPositronIniConfig {
    /// Enable Positron sessions.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub enabled: i64,
    /// Positron executable.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub exe: String,
    /// Positron arguments.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub args: String,
    /// Default session image.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub default_session_container_image: String,
    /// Session images users may choose.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub session_container_images: Vec<String>,
    /// Path of the Positron session binary.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub positron_session_path: String,
    /// User data directory.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub user_data_dir: String,
    /// Start sessions without a profile.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub session_no_profile: i64,
    /// Allow file downloads.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub allow_file_downloads: i64,
    /// Allow file uploads.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub allow_file_uploads: i64,
    /// Hours before an idle session is killed.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub session_timeout_kill_hours: i64,
}

/// Session files with one item per line, keyed by file name.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
pub struct WorkbenchSessionNewlineConfig {
    /// `vscode.extensions.conf`
    #[serde(
        default,
        rename = "vscode.extensions.conf",
        skip_serializing_if = "Option::is_none"
    )]
    pub vscode_extensions: Option<Vec<String>>,
    /// `positron.extensions.conf`
    #[serde(
        default,
        rename = "positron.extensions.conf",
        skip_serializing_if = "Option::is_none"
    )]
    pub positron_extensions: Option<Vec<String>>,
}

/// Session files in JSON, keyed by file name.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
pub struct WorkbenchSessionJsonConfig {
    /// `vscode-user-settings.json`
    #[serde(
        default,
        rename = "vscode-user-settings.json",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(schema_with = "json_value_map")]
    pub vscode_user_settings: Option<BTreeMap<String, Value>>,
    /// `positron-user-settings.json`
    #[serde(
        default,
        rename = "positron-user-settings.json",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(schema_with = "json_value_map")]
    pub positron_user_settings: Option<BTreeMap<String, Value>>,
}

/// Launcher profiles, keyed by file name.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
pub struct WorkbenchProfilesConfig {
    /// `launcher.kubernetes.profiles.conf`: sections keyed by `*`, a user or `@group`.
    #[serde(
        default,
        rename = "launcher.kubernetes.profiles.conf",
        skip_serializing_if = "Option::is_none"
    )]
    pub launcher_kubernetes_profiles: Option<BTreeMap<String, WorkbenchProfileSection>>,
}

/// A section of `launcher.kubernetes.profiles.conf`.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "kebab-case")]
pub struct WorkbenchProfileSection {
    /// Session images users may choose.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub container_images: Vec<String>,
    /// Default session image.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub default_container_image: String,
    /// Allow images not in the list.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub allow_unknown_images: i64,
    /// Node placement constraints.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub placement_constraints: Vec<String>,
    /// Default CPU limit.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub default_cpus: String,
    /// Default CPU request.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub default_cpus_request: String,
    /// Default memory limit in MB.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub default_mem_mb: String,
    /// Default memory request in MB.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub default_mem_mb_request: String,
    /// Default NVIDIA GPUs.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub default_nvidia_gpus: String,
    /// Largest CPU limit.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub max_cpus: String,
    /// Largest CPU request.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub max_cpus_request: String,
    /// Largest memory limit in MB.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub max_mem_mb: String,
    /// Largest memory request in MB.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub max_mem_mb_request: String,
    /// Largest NVIDIA GPUs.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub max_nvidia_gpus: String,
    /// Share of the CPU limit requested.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub cpu_request_ratio: String,
    /// Share of the memory limit requested.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub memory_request_ratio: String,
    /// Resource profiles offered (keys of launcher.kubernetes.resources.conf).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub resource_profiles: Vec<String>,
    /// Allow custom resource amounts.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub allow_custom_resources: i64,
}

/// DCF files, keyed by file name.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
pub struct WorkbenchDcfConfig {
    /// `launcher-env`
    #[serde(
        default,
        rename = "launcher-env",
        skip_serializing_if = "Option::is_none"
    )]
    pub launcher_env: Option<WorkbenchLauncherEnvConfig>,
}

/// `launcher-env`: environment given to launched jobs.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
pub struct WorkbenchLauncherEnvConfig {
    /// Job type the environment applies to, e.g. `session`.
    #[serde(default, rename = "JobType", skip_serializing_if = "is_zero")]
    pub job_type: String,
    /// Environment variables.
    #[serde(default, rename = "Environment", skip_serializing_if = "is_zero")]
    pub environment: StringMap,
}

/// supervisord program files, keyed by file name.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
pub struct WorkbenchSupervisordConfig {
    /// Program files: file name to program name to program.
    #[serde(
        default,
        rename = "programs.conf",
        skip_serializing_if = "Option::is_none"
    )]
    pub programs: Option<BTreeMap<String, BTreeMap<String, SupervisordProgram>>>,
}

/// A supervisord `[program:<name>]`.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
pub struct SupervisordProgram {
    /// User the program runs as.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub user: String,
    /// Command line.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub command: String,
    /// Restart when it exits.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub autorestart: bool,
    /// Number of processes.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub numprocs: i64,
    /// Standard output file.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub stdout_logfile: String,
    /// Largest standard output file; 0 for no rotation.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub stdout_logfile_maxbytes: i64,
    /// Standard error file.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub stderr_logfile: String,
    /// Largest standard error file; 0 for no rotation.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub stderr_logfile_maxbytes: i64,
    /// Environment, as supervisord writes it (`KEY="value",...`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub environment: String,
}

/// Secret Workbench configuration files.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
pub struct WorkbenchSecretConfig {
    /// Secret files in `key=value` format.
    #[serde(
        default,
        rename = "workbench-secret-ini-config",
        skip_serializing_if = "is_zero"
    )]
    pub ini: WorkbenchSecretIniConfig,
}

/// Secret files in `key=value` format, keyed by file name.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
pub struct WorkbenchSecretIniConfig {
    /// `database.conf` (filled by the operator).
    #[serde(
        default,
        rename = "database.conf",
        skip_serializing_if = "Option::is_none"
    )]
    pub database: Option<WorkbenchDatabaseConf>,
    /// `openid-client-secret` (filled by the operator for OIDC).
    #[serde(
        default,
        rename = "openid-client-secret",
        skip_serializing_if = "Option::is_none"
    )]
    pub openid_client_secret: Option<WorkbenchOpenIdClientSecret>,
    /// `databricks.conf`: workspaces keyed by section name.
    #[serde(
        default,
        rename = "databricks.conf",
        skip_serializing_if = "Option::is_none"
    )]
    pub databricks: Option<BTreeMap<String, WorkbenchDatabricksSection>>,
}

/// `database.conf`.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
pub struct WorkbenchDatabaseConf {
    /// `postgresql` or `sqlite`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub provider: String,
    /// Database name.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub database: String,
    /// Port.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub port: String,
    /// Host.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub host: String,
    /// User name.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub username: String,
    /// Password. The operator passes it through the environment instead.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub password: String,
}

/// `openid-client-secret`.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "kebab-case")]
pub struct WorkbenchOpenIdClientSecret {
    /// Client id.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub client_id: String,
    /// Client secret.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub client_secret: String,
}

/// Positron settings of a Site's Workbench.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PositronConfig {
    /// Enable Positron sessions (0 or 1).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub enabled: i64,
    /// Positron executable.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub exe: String,
    /// Positron arguments.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub args: String,
    /// Default session image.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub default_session_container_image: String,
    /// Session images users may choose.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub session_container_images: Vec<String>,
    /// Path of the Positron session binary.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub positron_session_path: String,
    /// Start sessions without a profile.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub session_no_profile: i64,
    /// User data directory.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub user_data_dir: String,
    /// Allow file downloads.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub allow_file_downloads: i64,
    /// Allow file uploads.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub allow_file_uploads: i64,
    /// Hours before an idle session is killed.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub session_timeout_kill_hours: i64,
    /// Extensions installed in sessions.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub extensions: Vec<String>,
    /// User settings (any JSON values).
    #[serde(default, skip_serializing_if = "is_zero")]
    #[schemars(schema_with = "json_value_map")]
    pub user_settings: BTreeMap<String, Value>,
}

/// VS Code settings of a Site's Workbench.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct VsCodeConfig {
    /// Accepted for compatibility; VS Code is always enabled.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub enabled: i64,
    /// Accepted for compatibility; use experimentalFeatures.vsCodePath.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub exe: String,
    /// Accepted for compatibility; not used.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub args: String,
    /// Hours before an idle VS Code session is killed.
    #[serde(default = "default_one")]
    pub session_timeout_kill_hours: i64,
}

impl Default for VsCodeConfig {
    fn default() -> Self {
        Self {
            enabled: 0,
            exe: String::new(),
            args: String::new(),
            session_timeout_kill_hours: default_one(),
        }
    }
}

/// Workbench API switches (0 or 1).
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ApiSettingsConfig {
    /// Workbench API.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub workbench_api_enabled: i64,
    /// Administrator API.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub workbench_api_admin_enabled: i64,
    /// Super-administrator API.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub workbench_api_super_admin_enabled: i64,
}
