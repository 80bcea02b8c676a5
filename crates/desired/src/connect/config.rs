//! `rstudio-connect.gcfg`: the user's settings with the operator's on top, in the section
//! and key order Connect has always received.

use super::ValidatedConnect;
use crate::postgres::{self, DbServer};
use team_api::connect::*;
use team_api::enums::AuthType;
use team_config::{Gcfg, GcfgError};

/// Where Connect finds the OIDC client secret.
pub const CLIENT_SECRET_FILE: &str = "/etc/rstudio-connect/client-secret";
/// The launcher's working directory; templates go in `<this>/Kubernetes/`.
pub const SCRATCH_PATH: &str = "/var/lib/rstudio-connect-launcher";
pub const RUNTIME_FILE: &str = "/etc/rstudio-connect/runtime.yaml";
pub const PROFILES_FILE: &str = "/etc/rstudio-connect/launcher/launcher.kubernetes.profiles.conf";

/// The settings Connect runs with.
pub fn effective(connect: &ValidatedConnect) -> ConnectConfig {
    let spec = &connect.spec;
    let mut config = spec.config.clone();
    let server = DbServer {
        host: spec.database_config.host.clone(),
        ssl_mode: spec.database_config.ssl_mode.clone(),
    };
    let component = &connect.names.component;

    if !spec.url.is_empty() {
        config.server.get_or_insert_with(Default::default).address =
            format!("https://{}", spec.url);
    }
    config.database = Some(ConnectDatabaseConfig {
        provider: "postgres".to_string(),
    });
    config.postgres = Some(ConnectPostgresConfig {
        url: postgres::product_url(component, &server, &connect.schema),
        instrumentation_url: postgres::product_url(
            component,
            &server,
            &connect.instrumentation_schema,
        ),
    });
    if spec.off_host_execution {
        config.python.get_or_insert_with(Default::default).enabled = true;
        config.launcher = Some(ConnectLauncherConfig {
            enabled: true,
            kubernetes: true,
            cluster_definition: vec![RUNTIME_FILE.to_string()],
            kubernetes_namespace: connect.owner.namespace.clone(),
            kubernetes_profiles_config: PROFILES_FILE.to_string(),
            data_dir_pvc_name: connect.data_claim.clone().unwrap_or_default(),
            kubernetes_use_templates: true,
            scratch_path: SCRATCH_PATH.to_string(),
        });
    }
    let auth = &spec.auth;
    match auth.type_ {
        AuthType::Oidc => {
            config.authentication = Some(ConnectAuthenticationConfig {
                provider: "OAuth2".to_string(),
            });
            let mut oauth = ConnectOAuth2Config {
                client_id: auth.client_id.clone(),
                client_secret_file: CLIENT_SECRET_FILE.to_string(),
                open_id_connect_issuer: auth.issuer.clone(),
                require_username_claim: true,
                unique_id_claim: "email".to_string(),
                logging: spec.debug,
                ..Default::default()
            };
            if auth.groups {
                oauth.groups_auto_provision = true;
                if auth.scopes.is_empty() {
                    oauth.custom_scope = vec!["groups".to_string()];
                }
            }
            if !auth.scopes.is_empty() {
                oauth.custom_scope = auth.scopes.clone();
            }
            if !auth.username_claim.is_empty() {
                oauth.username_claim = auth.username_claim.clone();
            }
            if !auth.email_claim.is_empty() {
                oauth.email_claim = auth.email_claim.clone();
                oauth.unique_id_claim = auth.email_claim.clone();
            }
            if !auth.unique_id_claim.is_empty() {
                oauth.unique_id_claim = auth.unique_id_claim.clone();
            }
            if auth.disable_groups_claim {
                oauth.groups_claim = Some(String::new());
            } else if !auth.groups_claim.is_empty() {
                oauth.groups_claim = Some(auth.groups_claim.clone());
            }
            config.oauth2 = Some(oauth);
        }
        AuthType::Saml => {
            config.authentication = Some(ConnectAuthenticationConfig {
                provider: "saml".to_string(),
            });
            let mut saml = ConnectSamlConfig {
                idp_metadata_url: auth.saml_metadata_url.clone(),
                ..Default::default()
            };
            if !auth.saml_idp_attribute_profile.is_empty() {
                saml.idp_attribute_profile = auth.saml_idp_attribute_profile.clone();
            } else if auth.has_saml_attributes() {
                saml.username_attribute = auth.saml_username_attribute.clone();
                saml.first_name_attribute = auth.saml_first_name_attribute.clone();
                saml.last_name_attribute = auth.saml_last_name_attribute.clone();
                saml.email_attribute = auth.saml_email_attribute.clone();
            } else {
                saml.idp_attribute_profile = "default".to_string();
            }
            config.saml = Some(saml);
        }
        AuthType::Password | AuthType::Unset | AuthType::None => {}
    }
    if !auth.viewer_role_mapping.is_empty()
        || !auth.publisher_role_mapping.is_empty()
        || !auth.administrator_role_mapping.is_empty()
    {
        let authorization = config.authorization.get_or_insert_with(Default::default);
        authorization.user_role_group_mapping = true;
        for (target, source) in [
            (
                &mut authorization.viewer_role_mapping,
                &auth.viewer_role_mapping,
            ),
            (
                &mut authorization.publisher_role_mapping,
                &auth.publisher_role_mapping,
            ),
            (
                &mut authorization.administrator_role_mapping,
                &auth.administrator_role_mapping,
            ),
        ] {
            if !source.is_empty() {
                *target = source.clone();
            }
        }
    }
    if spec.debug {
        config
            .tableau_integration
            .get_or_insert_with(Default::default)
            .logging = true;
        config
            .server
            .get_or_insert_with(Default::default)
            .proxy_header_logging = true;
    }
    config
}

/// True when Connect sends mail through SMTP.
pub fn uses_smtp(config: &ConnectConfig) -> bool {
    config
        .server
        .as_ref()
        .is_some_and(|s| s.email_provider.eq_ignore_ascii_case("smtp"))
}

/// Renders the file. Sections in Connect's order, repositories sorted by name.
pub fn render(config: &ConnectConfig) -> Result<String, GcfgError> {
    let mut file = Gcfg::new();
    if let Some(s) = &config.server {
        file.section("Server")
            .string("Address", &s.address)
            .string("DataDir", &s.data_dir)
            .string("FrameOptionsContent", &s.frame_options_content)
            .string("FrameOptionsDashboard", &s.frame_options_dashboard)
            .string("DefaultContentListView", &s.default_content_list_view)
            .string("LoggedInWarning", &s.logged_in_warning)
            .string("PublicWarning", &s.public_warning)
            .bool("ProxyHeaderLogging", s.proxy_header_logging)
            .string("EmailProvider", &s.email_provider)
            .string("SenderEmail", &s.sender_email)
            .string("SenderEmailDisplayName", &s.sender_email_display_name)
            .string("EmailTo", &s.email_to)
            .bool("HideEmailAddresses", s.hide_email_addresses);
    }
    if let Some(s) = &config.http {
        file.section("Http")
            .bool("ForceSecure", s.force_secure)
            .string("Listen", &s.listen);
    }
    if let Some(s) = &config.metrics {
        file.section("Metrics")
            .string("PrometheusListen", &s.prometheus_listen);
    }
    if let Some(s) = &config.database {
        file.section("Database").string("Provider", &s.provider);
    }
    if let Some(s) = &config.postgres {
        file.section("Postgres")
            .string("URL", &s.url)
            .string("InstrumentationURL", &s.instrumentation_url);
    }
    if let Some(s) = &config.logging {
        file.section("Logging")
            .string("ServiceLog", &s.service_log)
            .string("ServiceLogLevel", &s.service_log_level)
            .string("ServiceLogFormat", &s.service_log_format)
            .string("AccessLog", &s.access_log)
            .string("AccessLogFormat", &s.access_log_format)
            .string("AuditLog", &s.audit_log)
            .string("AuditLogFormat", &s.audit_log_format);
    }
    if let Some(s) = &config.launcher {
        file.section("Launcher")
            .bool("Enabled", s.enabled)
            .bool("Kubernetes", s.kubernetes)
            .strings("ClusterDefinition", &s.cluster_definition)
            .string("KubernetesNamespace", &s.kubernetes_namespace)
            .string("KubernetesProfilesConfig", &s.kubernetes_profiles_config)
            .string("DataDirPVCName", &s.data_dir_pvc_name)
            .bool("KubernetesUseTemplates", s.kubernetes_use_templates)
            .string("ScratchPath", &s.scratch_path);
    }
    if let Some(s) = &config.authentication {
        file.section("Authentication")
            .string("Provider", &s.provider);
    }
    if let Some(s) = &config.authorization {
        file.section("Authorization")
            .string("DefaultUserRole", &s.default_user_role)
            .bool(
                "PublishersCanManageVanities",
                s.publishers_can_manage_vanities,
            )
            .bool(
                "ViewersCanOnlySeeThemselves",
                s.viewers_can_only_see_themselves,
            )
            .bool("UserRoleGroupMapping", s.user_role_group_mapping)
            .strings("ViewerRoleMapping", &s.viewer_role_mapping)
            .strings("PublisherRoleMapping", &s.publisher_role_mapping)
            .strings("AdministratorRoleMapping", &s.administrator_role_mapping);
    }
    if let Some(s) = &config.applications {
        file.section("Applications")
            .int("BundleRetentionLimit", s.bundle_retention_limit)
            .bool("PythonEnvironmentReaping", s.python_environment_reaping)
            .bool("OAuthIntegrationsEnabled", s.o_auth_integrations_enabled)
            .int("ScheduleConcurrency", s.schedule_concurrency);
    }
    if let Some(s) = &config.oauth2 {
        file.section("OAuth2")
            .string("ClientId", &s.client_id)
            .string("ClientSecretFile", &s.client_secret_file)
            .string("OpenIDConnectIssuer", &s.open_id_connect_issuer)
            .bool("RequireUsernameClaim", s.require_username_claim)
            .strings("CustomScope", &s.custom_scope)
            .bool("GroupsAutoProvision", s.groups_auto_provision)
            .string("UniqueIdClaim", &s.unique_id_claim)
            .string("EmailClaim", &s.email_claim)
            .string("UsernameClaim", &s.username_claim);
        if let Some(groups) = &s.groups_claim {
            file.string_always("GroupsClaim", groups);
        }
        file.bool("Logging", s.logging);
    }
    if let Some(s) = &config.r {
        file.section("R").bool("Enabled", s.enabled).string(
            "PositPackageManagerURLRewriting",
            &s.posit_package_manager_url_rewriting,
        );
    }
    if let Some(s) = &config.python {
        file.section("Python").bool("Enabled", s.enabled);
    }
    if let Some(s) = &config.quarto {
        file.section("Quarto").bool("Enabled", s.enabled);
    }
    if let Some(s) = &config.saml {
        file.section("SAML")
            .string("IdPMetaDataURL", &s.idp_metadata_url)
            .string("IdPAttributeProfile", &s.idp_attribute_profile)
            .string("UsernameAttribute", &s.username_attribute)
            .string("FirstNameAttribute", &s.first_name_attribute)
            .string("LastNameAttribute", &s.last_name_attribute)
            .string("EmailAttribute", &s.email_attribute);
    }
    if let Some(s) = &config.scheduler {
        file.section("Scheduler")
            .int("MaxCPURequest", s.max_cpu_request)
            .int("MaxCPULimit", s.max_cpu_limit)
            .int("MaxMemoryRequest", s.max_memory_request)
            .int("MaxMemoryLimit", s.max_memory_limit)
            .int("NvidiaGPULimit", s.nvidia_gpu_limit)
            .int("MaxNvidiaGPULimit", s.max_nvidia_gpu_limit)
            .int("AMDGPULimit", s.amd_gpu_limit)
            .int("MaxAMDGPULimit", s.max_amd_gpu_limit);
    }
    for (name, repository) in &config.r_package_repositories {
        file.subsection("RPackageRepository", name)
            .string_always("Url", &repository.url);
    }
    if let Some(s) = &config.tableau_integration {
        file.section("TableauIntegration")
            .bool("Logging", s.logging);
    }
    file.finish()
}

/// `runtime.yaml`: the content images Connect may run (the same two images as the Go
/// operator).
pub const RUNTIME_YAML: &str = "name: Kubernetes
images:
  - name: ghcr.io/rstudio/content-pro:r4.4.1-py3.12.4-ubuntu2204
    python:
      installations:
        - path: /opt/python/3.12.4/bin/python3
          version: 3.12.4
    r:
      installations:
        - path: /opt/R/4.4.1/bin/R
          version: 4.4.1
    quarto:
      installations:
        - path: /opt/quarto/1.4.557/bin/quarto
          version: 1.4.557
  - name: ghcr.io/rstudio/content-pro:r4.2.2-py3.11.3-ubuntu2204
    python:
      installations:
        - path: /opt/python/3.11.3/bin/python3
          version: 3.11.3
    r:
      installations:
        - path: /opt/R/4.2.2/bin/R
          version: 4.2.2
    quarto:
      installations:
        - path: /opt/quarto/1.3.340/bin/quarto
          version: 1.3.340
";
