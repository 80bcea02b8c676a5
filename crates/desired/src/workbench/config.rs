//! The settings Workbench runs with: the resource's `spec.config` and `spec.secretConfig`
//! with the operator's settings on top (metrics, launcher, callback address, login,
//! non-root mode, database, placement constraints of resource profiles).

use std::collections::{BTreeMap, BTreeSet};
use team_api::WorkbenchSpec;
use team_api::enums::AuthType;
use team_api::workbench::*;

/// Port of the Workbench server.
pub const HTTP_PORT: i32 = 8787;
/// Port of the Prometheus metrics.
pub const METRICS_PORT: i32 = 8989;
/// Where the secure-cookie key and the launcher keys are mounted.
pub const KEY_DIR: &str = "/mnt/secure/rstudio";
/// Where the main ConfigMap is mounted.
pub const CONFIG_DIR: &str = "/mnt/config/rstudio";
/// Where the config Secret is mounted.
pub const SECRET_CONFIG_DIR: &str = "/mnt/secure-config/rstudio";
/// Where sessions find the session ConfigMap.
pub const SESSION_CONFIG_DIR: &str = "/mnt/session/rstudio";
/// The configuration search path of the server and of supervisord programs.
pub const XDG_CONFIG_DIRS: &str =
    "/mnt/config/rstudio:/mnt/config:/mnt/secure:/mnt/secure-config:/mnt/session";
/// The launcher's working directory; templates go in `<this>/Kubernetes/`.
pub const SCRATCH_PATH: &str = "/var/lib/rstudio-launcher";
/// Workbench's own default of `server-shared-storage-path`.
pub const DEFAULT_SHARED_STORAGE_PATH: &str = "/var/lib/rstudio-server/shared-storage";

/// What the effective settings depend on besides the spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Context<'a> {
    /// Namespace of the Workbench (and of its sessions).
    pub namespace: &'a str,
    /// The component name, `<name>-workbench`: the Service sessions call back.
    pub component: &'a str,
    /// Database and role name.
    pub database: &'a str,
    /// OIDC client secret, as read from the vault (or a placeholder offline).
    pub openid_client_secret: &'a str,
    /// Client secrets of Azure Databricks workspaces by client id (read from the vault).
    pub databricks_client_secrets: &'a BTreeMap<String, String>,
}

/// The callback address sessions reach the server at.
pub fn service_url(component: &str, namespace: &str) -> String {
    format!("http://{component}.{namespace}.svc.cluster.local:80")
}

/// The settings Workbench runs with.
pub fn effective(spec: &WorkbenchSpec, context: &Context<'_>) -> WorkbenchConfig {
    let mut config = spec.config.clone();
    let ini = &mut config.ini;
    let rserver = ini.rserver.get_or_insert_with(Default::default);
    rserver.metrics_enabled = 1;
    rserver.metrics_port = i64::from(METRICS_PORT);

    if spec.off_host_execution {
        ini.launcher_kubernetes = Some(WorkbenchLauncherKubernetesConfig {
            kubernetes_namespace: context.namespace.to_string(),
            use_templating: 1,
            job_expiry_hours: 1,
        });
        let url = service_url(context.component, context.namespace);
        rserver.launcher_sessions_callback_address = url.clone();
        config
            .session_ini
            .workbench_nss
            .get_or_insert_with(Default::default)
            .server_address = url;
    } else {
        rserver.launcher_sessions_callback_address = format!("http://localhost:{HTTP_PORT}");
        ini.launcher_local = Some(WorkbenchLauncherLocalConfig { unprivileged: 1 });
    }

    let auth = &spec.auth;
    match auth.type_ {
        AuthType::Oidc => {
            rserver.auth_openid = 1;
            rserver.auth_openid_issuer = auth.issuer.clone();
            if !auth.username_claim.is_empty() {
                rserver.auth_openid_username_claim = auth.username_claim.clone();
            }
            if !auth.scopes.is_empty() {
                rserver.auth_openid_scopes = auth.scopes.clone();
            }
        }
        AuthType::Saml => {
            rserver.auth_saml = 1;
            rserver.auth_saml_metadata_url = auth.saml_metadata_url.clone();
            rserver.auth_saml_sp_attribute_username = auth.username_claim.clone();
        }
        AuthType::Password | AuthType::Unset | AuthType::None => {}
    }

    if spec.non_root {
        let key_file = format!("{KEY_DIR}/secure-cookie-key");
        if let Some(server) = ini.launcher.as_mut().and_then(|l| l.server.as_mut()) {
            server.unprivileged = 1;
            server.secure_cookie_key_file = key_file.clone();
            rserver.secure_cookie_key_file = key_file;
        }
        add_launcher_program(&mut config.supervisord);
    }

    sync_placement_constraints(&mut config);
    config
}

/// The files of the config Secret.
pub fn effective_secret(spec: &WorkbenchSpec, context: &Context<'_>) -> WorkbenchSecretConfig {
    let mut secret = spec.secret_config.clone();
    let (host, port) = split_host(&spec.database_config.host);
    secret.ini.database = Some(WorkbenchDatabaseConf {
        provider: "postgresql".to_string(),
        database: context.database.to_string(),
        port,
        host,
        username: context.database.to_string(),
        // The password comes from the environment (WORKBENCH_POSTGRES_PASSWORD).
        password: String::new(),
    });
    if spec.auth.type_ == AuthType::Oidc {
        secret.ini.openid_client_secret = Some(WorkbenchOpenIdClientSecret {
            client_id: spec.auth.client_id.clone(),
            client_secret: context.openid_client_secret.to_string(),
        });
    }
    if let Some(workspaces) = secret.ini.databricks.as_mut() {
        for workspace in workspaces.values_mut() {
            if let Some(value) = context.databricks_client_secrets.get(&workspace.client_id)
                && is_azure_databricks(&workspace.url)
            {
                workspace.client_secret = value.clone();
            }
        }
    }
    secret
}

/// Azure Databricks workspaces get their client secret from the vault.
pub fn is_azure_databricks(url: &str) -> bool {
    url.contains("azuredatabricks.net")
}

/// `host[:port]`, optionally after `scheme://`, as (host, port); IPv6 hosts in brackets.
pub fn split_host(value: &str) -> (String, String) {
    let value = value.split_once("://").map_or(value, |(_, rest)| rest);
    let value = value.split(['/', '?']).next().unwrap_or_default();
    if let Some(rest) = value.strip_prefix('[')
        && let Some((host, after)) = rest.split_once(']')
    {
        let port = after.strip_prefix(':').unwrap_or_default();
        return (host.to_string(), port.to_string());
    }
    match value.rsplit_once(':') {
        Some((host, port)) if port.chars().all(|c| c.is_ascii_digit()) => {
            (host.to_string(), port.to_string())
        }
        _ => (value.to_string(), String::new()),
    }
}

/// The supervisord program running the launcher in non-root mode.
pub const LAUNCHER_PROGRAM_FILE: &str = "launcher.conf";

/// Adds the launcher program, unless the user runs their own launcher (a file or program
/// whose name mentions `launcher`).
fn add_launcher_program(supervisord: &mut WorkbenchSupervisordConfig) {
    let files = supervisord.programs.get_or_insert_with(BTreeMap::new);
    let user_has_launcher = files.iter().any(|(file, programs)| {
        file.contains("launcher") || programs.keys().any(|p| p.contains("launcher"))
    });
    if user_has_launcher {
        return;
    }
    files.insert(
        LAUNCHER_PROGRAM_FILE.to_string(),
        BTreeMap::from([(
            "rstudio-launcher".to_string(),
            SupervisordProgram {
                user: "root".to_string(),
                command: "/usr/lib/rstudio-server/bin/rstudio-launcher".to_string(),
                autorestart: false,
                numprocs: 1,
                stdout_logfile: "/dev/stdout".to_string(),
                stdout_logfile_maxbytes: 0,
                stderr_logfile: "/dev/stderr".to_string(),
                stderr_logfile_maxbytes: 0,
                environment: format!("XDG_CONFIG_DIRS=\"{XDG_CONFIG_DIRS}\""),
            },
        )]),
    );
}

/// A placement constraint Workbench accepts: `key:value` or `key=value`, one separator,
/// both sides non-empty, no spaces.
pub fn is_placement_constraint(text: &str) -> bool {
    let separators = text.matches([':', '=']).count();
    separators == 1
        && !text.chars().any(char::is_whitespace)
        && text.split([':', '=']).all(|side| !side.is_empty())
}

/// Every profile section offering resource profiles gets the placement constraints of those
/// profiles (after its own, without repeats), so sessions of a GPU profile land on GPU
/// nodes. Invalid constraints are refused by validation, so all are valid here.
pub fn sync_placement_constraints(config: &mut WorkbenchConfig) {
    let Some(resources) = config.ini.launcher_kubernetes_resources.as_ref() else {
        return;
    };
    let Some(sections) = config.profiles.launcher_kubernetes_profiles.as_mut() else {
        return;
    };
    for section in sections.values_mut() {
        let mut seen: BTreeSet<String> = section.placement_constraints.iter().cloned().collect();
        for key in &section.resource_profiles {
            let Some(profile) = resources.get(key) else {
                continue;
            };
            for constraint in constraints(&profile.placement_constraints) {
                if is_placement_constraint(constraint) && seen.insert(constraint.to_string()) {
                    section.placement_constraints.push(constraint.to_string());
                }
            }
        }
    }
}

/// The comma-separated constraints of a resource profile, trimmed, empty parts dropped.
pub fn constraints(text: &str) -> impl Iterator<Item = &str> {
    text.split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_and_port() {
        let cases = [
            ("db:5432", ("db", "5432")),
            ("db", ("db", "")),
            ("postgres://db.example.com:6543", ("db.example.com", "6543")),
            ("[::1]:5432", ("::1", "5432")),
            ("[fd00::2]", ("fd00::2", "")),
        ];
        for (input, (host, port)) in cases {
            assert_eq!(
                split_host(input),
                (host.to_string(), port.to_string()),
                "{input}"
            );
        }
    }

    #[test]
    fn placement_constraint_syntax() {
        for valid in ["gpu:true", "node.kubernetes.io/instance-type=p3.2xlarge"] {
            assert!(is_placement_constraint(valid), "{valid}");
        }
        for invalid in ["", "gpu", "a:b:c", "a=b:c", ":b", "a:", "a: b"] {
            assert!(!is_placement_constraint(invalid), "{invalid}");
        }
    }

    #[test]
    fn profiles_inherit_the_constraints_of_their_resource_profiles() {
        let mut config = WorkbenchConfig::default();
        config.ini.launcher_kubernetes_resources = Some(BTreeMap::from([
            (
                "gpu".to_string(),
                WorkbenchResourceProfile {
                    placement_constraints: " gpu:true , pool=gpu,gpu:true".into(),
                    ..Default::default()
                },
            ),
            (
                "default".to_string(),
                WorkbenchResourceProfile {
                    placement_constraints: "pool=gpu".into(),
                    ..Default::default()
                },
            ),
        ]));
        config.profiles.launcher_kubernetes_profiles = Some(BTreeMap::from([(
            "*".to_string(),
            WorkbenchProfileSection {
                placement_constraints: vec!["zone:a".into(), "pool=gpu".into()],
                resource_profiles: vec!["gpu".into(), "missing".into(), "default".into()],
                ..Default::default()
            },
        )]));
        sync_placement_constraints(&mut config);
        let star = &config
            .profiles
            .launcher_kubernetes_profiles
            .as_ref()
            .unwrap()["*"];
        assert_eq!(
            star.placement_constraints,
            ["zone:a", "pool=gpu", "gpu:true"]
        );
    }
}
