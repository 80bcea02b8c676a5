//! Workbench's configuration files, rendered from the (effective) `spec.config` and
//! `spec.secretConfig`.
//!
//! One function per group of `WorkbenchConfig`; each returns the files of the group by file
//! name. A file is written only when its field is present; settings are written in the
//! order Workbench has always received them (strings when non-empty, integers always), maps
//! in byte order of their keys (resource profiles by size, `default` first). A value a file
//! cannot carry is refused with an error naming the field; nothing is written then.

use std::collections::BTreeMap;
use team_api::workbench::*;
use team_config::{Dcf, Ini, Refused, Supervisord};

/// The files of one group, by file name.
pub type Files = BTreeMap<String, String>;

/// A value a configuration file cannot carry.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {refused}")]
pub struct FileError {
    /// The file's field, e.g. `spec.config.workbench-ini-config.rserver.conf`.
    pub field: String,
    pub refused: Refused,
}

const INI: &str = "spec.config.workbench-ini-config";
const SESSION_INI: &str = "spec.config.workbench-session-ini-config";
const NEWLINE: &str = "spec.config.workbench-session-newline-config";
const PROFILES: &str = "spec.config.workbench-profiles-config";
const DCF: &str = "spec.config.workbench-dcf-config";
const SUPERVISORD: &str = "spec.config.supervisord-ini-config.programs.conf";
const SECRET_INI: &str = "spec.secretConfig.workbench-secret-ini-config";

/// Collects the files of a group, stopping at the first refusal.
struct Group {
    prefix: &'static str,
    files: Files,
}

impl Group {
    fn new(prefix: &'static str) -> Self {
        Self {
            prefix,
            files: Files::new(),
        }
    }

    fn add(&mut self, name: &str, text: Result<String, Refused>) -> Result<(), FileError> {
        let text = text.map_err(|refused| FileError {
            field: format!("{}.{name}", self.prefix),
            refused,
        })?;
        self.files.insert(name.to_string(), text);
        Ok(())
    }
}

/// `workbench-ini-config`: the server's key=value files.
pub fn ini(config: &WorkbenchIniConfig) -> Result<Files, FileError> {
    let mut group = Group::new(INI);
    if let Some(launcher) = &config.launcher {
        group.add("launcher.conf", launcher_conf(launcher))?;
    }
    if let Some(vscode) = &config.vscode {
        let mut file = Ini::new();
        file.int("enabled", vscode.enabled)
            .string("exe", &vscode.exe)
            .string("args", &vscode.args)
            .int(
                "session-timeout-kill-hours",
                vscode.session_timeout_kill_hours,
            );
        group.add("vscode.conf", file.finish())?;
    }
    if let Some(logging) = &config.logging {
        let mut file = Ini::new();
        if let Some(all) = &logging.all {
            file.section("*")
                .string("log-level", &all.log_level)
                .string("logger-type", &all.logger_type)
                .string("log-message-format", &all.log_message_format);
        }
        group.add("logging.conf", file.finish())?;
    }
    if let Some(jupyter) = &config.jupyter {
        group.add("jupyter.conf", jupyter_conf(jupyter))?;
    }
    if let Some(rserver) = &config.rserver {
        group.add("rserver.conf", rserver_conf(rserver))?;
    }
    if let Some(kubernetes) = &config.launcher_kubernetes {
        let mut file = Ini::new();
        file.string("kubernetes-namespace", &kubernetes.kubernetes_namespace)
            .int("use-templating", kubernetes.use_templating)
            .int("job-expiry-hours", kubernetes.job_expiry_hours);
        group.add("launcher.kubernetes.conf", file.finish())?;
    }
    if let Some(local) = &config.launcher_local {
        let mut file = Ini::new();
        file.int("unprivileged", local.unprivileged);
        group.add("launcher.local.conf", file.finish())?;
    }
    if let Some(resources) = &config.launcher_kubernetes_resources {
        group.add(
            "launcher.kubernetes.resources.conf",
            resources_conf(resources),
        )?;
    }
    Ok(group.files)
}

fn launcher_conf(launcher: &WorkbenchLauncherConfig) -> Result<String, Refused> {
    let mut file = Ini::new();
    if let Some(server) = &launcher.server {
        file.section("server")
            .string("address", &server.address)
            .string("port", &server.port)
            .string("server-user", &server.server_user)
            .string("admin-group", &server.admin_group)
            .int("authorization-enabled", server.authorization_enabled)
            .int("thread-pool-size", server.thread_pool_size)
            .int("unprivileged", server.unprivileged)
            .string("secure-cookie-key-file", &server.secure_cookie_key_file);
    }
    if let Some(cluster) = &launcher.cluster {
        file.section("cluster")
            .string("name", &cluster.name)
            .string("type", &cluster.type_);
    }
    file.finish()
}

fn jupyter_conf(jupyter: &WorkbenchJupyterConfig) -> Result<String, Refused> {
    let mut file = Ini::new();
    file.int("notebooks-enabled", jupyter.notebooks_enabled)
        .int("labs-enabled", jupyter.labs_enabled)
        .string("jupyter-exe", &jupyter.jupyter_exe)
        .string("lab-version", &jupyter.lab_version)
        .string("notebook-version", &jupyter.notebook_version)
        .int("session-cull-minutes", jupyter.session_cull_minutes)
        .int("session-shutdown-minutes", jupyter.session_shutdown_minutes)
        .string("default-session-cluster", &jupyter.default_session_cluster)
        .string(
            "default-session-container-image",
            &jupyter.default_session_container_image,
        );
    file.finish()
}

fn rserver_conf(r: &WorkbenchRServerConfig) -> Result<String, Refused> {
    let mut file = Ini::new();
    file.int("load-balancing-enabled", r.load_balancing_enabled)
        .string("server-shared-storage-path", &r.server_shared_storage_path)
        .int("server-health-check-enabled", r.server_health_check_enabled)
        .int("auth-pam-sessions-enabled", r.auth_pam_sessions_enabled)
        .int("admin-enabled", r.admin_enabled)
        .string("admin-group", &r.admin_group)
        .string("admin-superuser-group", &r.admin_superuser_group)
        .int("www-port", r.www_port)
        .int("server-project-sharing", r.server_project_sharing)
        .string("launcher-address", &r.launcher_address)
        .int("launcher-port", r.launcher_port)
        .int("launcher-sessions-enabled", r.launcher_sessions_enabled)
        .string(
            "launcher-sessions-callback-address",
            &r.launcher_sessions_callback_address,
        )
        .int("auth-openid", r.auth_openid)
        .string("auth-openid-issuer", &r.auth_openid_issuer)
        .string("auth-openid-username-claim", &r.auth_openid_username_claim)
        .list("auth-openid-scopes", &r.auth_openid_scopes, ' ')
        .int("auth-saml", r.auth_saml)
        .string("auth-saml-metadata-url", &r.auth_saml_metadata_url)
        .string(
            "auth-saml-sp-attribute-username",
            &r.auth_saml_sp_attribute_username,
        )
        .string("www-frame-origin", &r.www_frame_origin)
        .int("user-provisioning-enabled", r.user_provisioning_enabled)
        .int(
            "user-provisioning-register-on-first-login",
            r.user_provisioning_register_on_first_login,
        )
        .string("user-homedir-path", &r.user_homedir_path)
        .string("secure-cookie-key-file", &r.secure_cookie_key_file)
        .int("metrics-enabled", r.metrics_enabled)
        .int("metrics-port", r.metrics_port)
        .int("www-thread-pool-size", r.www_thread_pool_size)
        .int(
            "launcher-sessions-proxy-timeout-seconds",
            r.launcher_sessions_proxy_timeout_seconds,
        )
        .int(
            "launcher-sessions-auto-update",
            r.launcher_sessions_auto_update,
        )
        .string(
            "launcher-sessions-init-container-image-name",
            &r.launcher_sessions_init_container_image_name,
        )
        .string(
            "launcher-sessions-init-container-image-tag",
            &r.launcher_sessions_init_container_image_tag,
        )
        .int("databricks-enabled", r.databricks_enabled)
        .int("workbench-api-enabled", r.workbench_api_enabled)
        .int("workbench-api-admin-enabled", r.workbench_api_admin_enabled)
        .int(
            "workbench-api-super-admin-enabled",
            r.workbench_api_super_admin_enabled,
        )
        .int("force-admin-ui-enabled", r.force_admin_ui_enabled);
    file.finish()
}

/// Resource profiles, `default` first, then from small to large.
fn resources_conf(
    profiles: &BTreeMap<String, WorkbenchResourceProfile>,
) -> Result<String, Refused> {
    let mut file = Ini::new();
    for (key, profile) in sorted_profiles(profiles) {
        file.section(key)
            .string("name", &profile.name)
            .string("cpus", &profile.cpus)
            .string("cpus-request", &profile.cpus_request)
            .string("mem-mb", &profile.mem_mb)
            .string("mem-mb-request", &profile.mem_mb_request)
            .string("nvidia-gpus", &profile.nvidia_gpus)
            .string("amd-gpus", &profile.amd_gpus)
            .string("placement-constraints", &profile.placement_constraints);
    }
    file.finish()
}

/// The profiles in the order users see them: `default` first, then by the larger of CPU
/// limit and request, then by the larger of memory limit and request, then by key.
pub fn sorted_profiles(
    profiles: &BTreeMap<String, WorkbenchResourceProfile>,
) -> Vec<(&String, &WorkbenchResourceProfile)> {
    let mut sorted: Vec<_> = profiles.iter().collect();
    sorted.sort_by(|(a_key, a), (b_key, b)| {
        let rank = |key: &str, p: &WorkbenchResourceProfile| {
            (
                key != "default",
                larger(&p.cpus, &p.cpus_request),
                larger(&p.mem_mb, &p.mem_mb_request),
            )
        };
        rank(a_key, a)
            .partial_cmp(&rank(b_key, b))
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| a_key.cmp(b_key))
    });
    sorted
}

fn larger(a: &str, b: &str) -> f64 {
    quantity(a).max(quantity(b))
}

/// A Kubernetes quantity (`2`, `500m`, `1.5`, `4Gi`) as a number; 0 when it is not one.
pub fn quantity(text: &str) -> f64 {
    team_api::quantity::amount(text).unwrap_or(0.0)
}

/// `workbench-session-ini-config`: key=value files read by sessions.
pub fn session_ini(config: &WorkbenchSessionIniConfig) -> Result<Files, FileError> {
    let mut group = Group::new(SESSION_INI);
    if let Some(rsession) = &config.rsession {
        let mut file = Ini::new();
        file.string(
            "default-rsconnect-server",
            &rsession.default_rsconnect_server,
        )
        .int("copilot-enabled", rsession.copilot_enabled)
        .int(
            "managed-credentials-in-jobs-enabled",
            rsession.managed_credentials_in_jobs_enabled,
        )
        .string(
            "session-first-project-template-path",
            &rsession.session_first_project_template_path,
        )
        .string(
            "session-save-action-default",
            &rsession.session_save_action_default,
        );
        group.add("rsession.conf", file.finish())?;
    }
    if let Some(repos) = &config.repos {
        let mut file = Ini::new();
        file.string("RSPM", &repos.rspm).string("CRAN", &repos.cran);
        group.add("repos.conf", file.finish())?;
    }
    if let Some(nss) = &config.workbench_nss {
        let mut file = Ini::new();
        file.string("server-address", &nss.server_address);
        group.add("workbench_nss.conf", file.finish())?;
    }
    if let Some(positron) = &config.positron {
        let mut file = Ini::new();
        file.int("enabled", positron.enabled)
            .string("exe", &positron.exe)
            .string("args", &positron.args)
            .string(
                "default-session-container-image",
                &positron.default_session_container_image,
            )
            .list_always(
                "session-container-images",
                &positron.session_container_images,
                ',',
            )
            .string("positron-session-path", &positron.positron_session_path)
            .string("user-data-dir", &positron.user_data_dir)
            .int("session-no-profile", positron.session_no_profile)
            .int("allow-file-downloads", positron.allow_file_downloads)
            .int("allow-file-uploads", positron.allow_file_uploads)
            .int(
                "session-timeout-kill-hours",
                positron.session_timeout_kill_hours,
            );
        group.add("positron.conf", file.finish())?;
    }
    Ok(group.files)
}

/// `workbench-session-newline-config`: extension lists, one per line.
pub fn session_newline(config: &WorkbenchSessionNewlineConfig) -> Result<Files, FileError> {
    let mut group = Group::new(NEWLINE);
    if let Some(items) = &config.vscode_extensions {
        group.add(
            "vscode.extensions.conf",
            team_config::lines::one_per_line(items),
        )?;
    }
    if let Some(items) = &config.positron_extensions {
        group.add(
            "positron.extensions.conf",
            team_config::lines::one_per_line(items),
        )?;
    }
    Ok(group.files)
}

/// `workbench-session-json-config`: user settings as JSON objects.
pub fn session_json(config: &WorkbenchSessionJsonConfig) -> Files {
    let mut files = Files::new();
    if let Some(settings) = &config.vscode_user_settings {
        files.insert(
            "vscode-user-settings.json".to_string(),
            team_config::json::object(settings),
        );
    }
    if let Some(settings) = &config.positron_user_settings {
        files.insert(
            "positron-user-settings.json".to_string(),
            team_config::json::object(settings),
        );
    }
    files
}

/// `workbench-profiles-config`: `launcher.kubernetes.profiles.conf`, sections in byte order
/// (`*` first, then `@groups`, then users).
pub fn profiles(config: &WorkbenchProfilesConfig) -> Result<Files, FileError> {
    let mut group = Group::new(PROFILES);
    if let Some(sections) = &config.launcher_kubernetes_profiles {
        let mut file = Ini::new();
        for (name, s) in sections {
            file.section(name)
                .list("container-images", &s.container_images, ',')
                .string("default-container-image", &s.default_container_image)
                .int("allow-unknown-images", s.allow_unknown_images)
                .list("placement-constraints", &s.placement_constraints, ',')
                .string("default-cpus", &s.default_cpus)
                .string("default-cpus-request", &s.default_cpus_request)
                .string("default-mem-mb", &s.default_mem_mb)
                .string("default-mem-mb-request", &s.default_mem_mb_request)
                .string("default-nvidia-gpus", &s.default_nvidia_gpus)
                .string("max-cpus", &s.max_cpus)
                .string("max-cpus-request", &s.max_cpus_request)
                .string("max-mem-mb", &s.max_mem_mb)
                .string("max-mem-mb-request", &s.max_mem_mb_request)
                .string("max-nvidia-gpus", &s.max_nvidia_gpus)
                .string("cpu-request-ratio", &s.cpu_request_ratio)
                .string("memory-request-ratio", &s.memory_request_ratio)
                .list("resource-profiles", &s.resource_profiles, ',')
                .int("allow-custom-resources", s.allow_custom_resources);
        }
        group.add("launcher.kubernetes.profiles.conf", file.finish())?;
    }
    Ok(group.files)
}

/// `workbench-dcf-config`: `launcher-env`.
pub fn dcf(config: &WorkbenchDcfConfig) -> Result<Files, FileError> {
    let mut group = Group::new(DCF);
    if let Some(env) = &config.launcher_env {
        let mut file = Dcf::new();
        file.record()
            .field("JobType", &env.job_type)
            .environment("Environment", &env.environment);
        group.add("launcher-env", file.finish())?;
    }
    Ok(group.files)
}

/// `supervisord-ini-config`: every program file on its own (no file repeats another's
/// programs), with the log file keys supervisord knows. Integers and booleans are always
/// written, except an unset `numprocs` (0 would start no process).
pub fn supervisord(config: &WorkbenchSupervisordConfig) -> Result<Files, FileError> {
    let mut files = Files::new();
    for (file_name, programs) in config.programs.iter().flatten() {
        let mut file = Supervisord::new();
        for (name, p) in programs {
            file.program(name)
                .string("user", &p.user)
                .string("command", &p.command)
                .bool("autorestart", p.autorestart);
            // numprocs=0 would run no process at all: unset means supervisord's default, 1.
            if p.numprocs != 0 {
                file.int("numprocs", p.numprocs);
            }
            file.string("stdout_logfile", &p.stdout_logfile)
                .int("stdout_logfile_maxbytes", p.stdout_logfile_maxbytes)
                .string("stderr_logfile", &p.stderr_logfile)
                .int("stderr_logfile_maxbytes", p.stderr_logfile_maxbytes)
                .string("environment", &p.environment);
        }
        let text = file.finish().map_err(|refused| FileError {
            field: format!("{SUPERVISORD}.{file_name}"),
            refused,
        })?;
        files.insert(file_name.clone(), text);
    }
    Ok(files)
}

/// `workbench-secret-ini-config`: the files of the config Secret.
pub fn secret_ini(config: &WorkbenchSecretIniConfig) -> Result<Files, FileError> {
    let mut group = Group::new(SECRET_INI);
    if let Some(db) = &config.database {
        let mut file = Ini::new();
        file.string("provider", &db.provider)
            .string("database", &db.database)
            .string("port", &db.port)
            .string("host", &db.host)
            .string("username", &db.username)
            .string("password", &db.password);
        group.add("database.conf", file.finish())?;
    }
    if let Some(openid) = &config.openid_client_secret {
        let mut file = Ini::new();
        file.string("client-id", &openid.client_id)
            .string("client-secret", &openid.client_secret);
        group.add("openid-client-secret", file.finish())?;
    }
    if let Some(databricks) = &config.databricks {
        group.add("databricks.conf", databricks_conf(databricks))?;
    }
    Ok(group.files)
}

fn databricks_conf(
    workspaces: &BTreeMap<String, WorkbenchDatabricksSection>,
) -> Result<String, Refused> {
    let mut file = Ini::new();
    for (name, w) in workspaces {
        file.section(name)
            .string("name", &w.name)
            .string("url", &w.url)
            .string("client-id", &w.client_id)
            .string("client-secret", &w.client_secret);
    }
    file.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(cpus: &str, cpus_request: &str, mem: &str) -> WorkbenchResourceProfile {
        WorkbenchResourceProfile {
            cpus: cpus.into(),
            cpus_request: cpus_request.into(),
            mem_mb: mem.into(),
            ..Default::default()
        }
    }

    #[test]
    fn resource_profiles_sort_default_first_then_by_size() {
        let profiles = BTreeMap::from([
            ("a-huge".to_string(), profile("16", "", "64000")),
            ("b-gpu".to_string(), profile("4", "", "16000")),
            ("default".to_string(), profile("8", "", "1")),
            ("c-tiny".to_string(), profile("500m", "", "500")),
            ("d-requested".to_string(), profile("", "2", "100")),
            ("e-same-cpu".to_string(), profile("4", "", "8000")),
            ("f-bad".to_string(), profile("lots", "", "")),
        ]);
        let order: Vec<&str> = sorted_profiles(&profiles)
            .into_iter()
            .map(|(k, _)| k.as_str())
            .collect();
        assert_eq!(
            order,
            [
                "default",
                "f-bad",
                "c-tiny",
                "d-requested",
                "e-same-cpu",
                "b-gpu",
                "a-huge"
            ]
        );
    }

    #[test]
    fn quantities() {
        assert_eq!(quantity("2"), 2.0);
        assert_eq!(quantity("500m"), 0.5);
        assert_eq!(quantity("1.5"), 1.5);
        assert_eq!(quantity("1Gi"), 1073741824.0);
        for bad in ["", "x", "2x", "1e400"] {
            assert_eq!(quantity(bad), 0.0, "{bad}");
        }
    }

    #[test]
    fn supervisord_files_do_not_repeat_each_other() {
        let program = |command: &str| SupervisordProgram {
            command: command.into(),
            stdout_logfile: "/dev/stdout".into(),
            ..Default::default()
        };
        let config = WorkbenchSupervisordConfig {
            programs: Some(BTreeMap::from([
                (
                    "a.conf".to_string(),
                    BTreeMap::from([("one".to_string(), program("/bin/one"))]),
                ),
                (
                    "b.conf".to_string(),
                    BTreeMap::from([("two".to_string(), program("/bin/two"))]),
                ),
            ])),
        };
        let files = supervisord(&config).unwrap();
        assert!(!files["b.conf"].contains("one"), "{}", files["b.conf"]);
        assert!(!files["a.conf"].contains("two"), "{}", files["a.conf"]);
        assert!(files["a.conf"].contains("\nstdout_logfile=/dev/stdout\n"));
        assert!(!files["a.conf"].contains("stdout_logfile_="));
    }

    #[test]
    fn errors_name_the_file_field_and_key() {
        let config = WorkbenchIniConfig {
            rserver: Some(WorkbenchRServerConfig {
                admin_group: "admins\nauth-none=1".into(),
                ..Default::default()
            }),
            ..Default::default()
        };
        let error = ini(&config).unwrap_err();
        assert_eq!(
            error.to_string(),
            "spec.config.workbench-ini-config.rserver.conf: admin-group: contains a line break (U+000A), which the file cannot carry: it would end the line and start another setting"
        );
    }
}
