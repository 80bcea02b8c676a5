//! The product resources a Site derives: what each product gets from the Site's settings.

use super::ValidatedSite;
use crate::environment::Environment;
use crate::labels;
use crate::meta;
use crate::names;
use crate::object::Object;
use crate::postgres::DbServer;
use k8s_openapi::api::core::v1::{LocalObjectReference, SecurityContext};
use std::collections::BTreeMap;
use team_api::chronicle::*;
use team_api::connect::*;
use team_api::enums::{AccessMode, SecretType, SiteLogFormat, VolumeSourceType};
use team_api::package_manager::*;
use team_api::session::{PodConfig, SessionConfig};
use team_api::shared::{PostgresDatabaseConfig, SecretConfig, VolumeSpec};
use team_api::workbench::*;
use team_api::{
    Chronicle, ChronicleSpec, Connect, ConnectSpec, Flightdeck, FlightdeckSpec, PackageManager,
    PackageManagerSpec, Workbench, WorkbenchSpec,
};

/// Flightdeck image when the Site names none, and the repository of a bare tag.
pub const FLIGHTDECK_REPOSITORY: &str = "docker.io/posit/ptd-flightdeck";

/// Host names of the products.
pub struct Hosts {
    pub connect: String,
    pub workbench: String,
    pub package_manager: String,
    /// The R package repository Connect and Workbench use.
    pub repository: String,
}

pub fn hosts(site: &ValidatedSite) -> Hosts {
    let spec = &site.spec;
    let domain = &spec.domain;
    let package_manager = format!("{}.{domain}", super::package_manager_of(spec).domain_prefix);
    let repository = if spec.package_manager_url.is_empty() {
        format!("https://{package_manager}/cran/__linux__/jammy/latest")
    } else {
        spec.package_manager_url.clone()
    };
    Hosts {
        connect: format!("{}.{domain}", super::connect_of(spec).domain_prefix),
        workbench: format!("{}.{domain}", super::workbench_of(spec).domain_prefix),
        package_manager,
        repository,
    }
}

/// Every product resource of the Site.
pub fn derive(site: &ValidatedSite, server: &DbServer, environment: &Environment) -> Vec<Object> {
    let hosts = hosts(site);
    let mut out = vec![
        Object::Connect(Box::new(connect(site, server, &hosts))),
        Object::PackageManager(Box::new(package_manager(site, server, &hosts, environment))),
        Object::Workbench(Box::new(workbench(site, server, &hosts))),
    ];
    if let Some(chronicle) = chronicle(site, environment) {
        out.push(Object::Chronicle(Box::new(chronicle)));
    }
    if site.spec.flightdeck_enabled() {
        out.push(Object::Flightdeck(Box::new(flightdeck(site))));
    }
    out
}

/// Product resources carry the managed-by label, as with the Go operator, and the site
/// label, so the Site's controller finds what it owns with a label selector.
fn metadata(site: &ValidatedSite) -> k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
    let mut product_labels = labels::managed_only();
    product_labels.insert(labels::SITE.to_string(), site.labels.site.clone());
    meta::owned(site.name(), &site.owner, product_labels)
}

/// A list that is a set: sorted, without repeats, so its order in the Site never matters.
fn set(items: &[String]) -> Vec<String> {
    let mut items = items.to_vec();
    items.sort();
    items.dedup();
    items
}

fn secret_type(config: &SecretConfig) -> String {
    match config.type_ {
        SecretType::Unset => String::new(),
        SecretType::Kubernetes => "kubernetes".to_string(),
        SecretType::Aws => "aws".to_string(),
        SecretType::Test => "test".to_string(),
    }
}

fn pull_secrets(site: &ValidatedSite) -> Vec<LocalObjectReference> {
    crate::pod::pull_secrets(&site.spec.image_pull_secrets).unwrap_or_default()
}

fn database(site: &ValidatedSite, server: &DbServer) -> PostgresDatabaseConfig {
    PostgresDatabaseConfig {
        host: server.host.clone(),
        ssl_mode: server.ssl_mode.clone(),
        drop_on_teardown: site.spec.drop_database_on_tear_down,
        schema: String::new(),
        instrumentation_schema: String::new(),
    }
}

/// The storage class and volume of a product on the Site's storage, if it has one.
fn forced_volume(
    site: &ValidatedSite,
    existing: Option<&VolumeSpec>,
    suffix: &str,
) -> Option<VolumeSpec> {
    let source = &site.spec.volume_source;
    let volume_name = names::child(site.name(), suffix);
    let (class, bound_name, size) = match source.type_ {
        VolumeSourceType::Unset => return existing.cloned(),
        VolumeSourceType::FsxZfs => (volume_name.clone(), volume_name, None),
        VolumeSourceType::Nfs => (names::fit(&format!("{volume_name}-nfs")), volume_name, None),
        // Dynamically provisioned: no PersistentVolume to bind to, NetApp's minimum size.
        VolumeSourceType::AzureNetapp => (
            "azure-netapp-files".to_string(),
            String::new(),
            Some("50Gi"),
        ),
    };
    let mut volume = existing.cloned().unwrap_or_default();
    volume.create = true;
    volume.access_modes = vec![AccessMode::ReadWriteMany];
    volume.volume_name = bound_name;
    volume.storage_class_name = class;
    if let Some(size) = size {
        volume.size = size.to_string();
    }
    Some(volume)
}

/// The shared directory volume (the Site creates its claim; products only mount it).
pub fn shared_volume(site: &ValidatedSite) -> Option<VolumeSpec> {
    let directory = &site.spec.shared_directory;
    if directory.is_empty() {
        return None;
    }
    Some(VolumeSpec {
        create: false,
        access_modes: vec![AccessMode::ReadWriteMany],
        pvc_name: names::child(site.name(), "shared"),
        mount_path: format!("/mnt/{directory}"),
        read_only: false,
        ..VolumeSpec::default()
    })
}

fn connect(site: &ValidatedSite, server: &DbServer, hosts: &Hosts) -> Connect {
    let spec = &site.spec;
    let c = super::connect_of(spec);
    let json = spec.log_format == SiteLogFormat::Json;
    let log_format = if json { "JSON" } else { "TEXT" };
    let gpu = &c.gpu_settings;
    let mut server_config = ConnectServerConfig {
        frame_options_dashboard: "NONE".to_string(),
        frame_options_content: "NONE".to_string(),
        default_content_list_view: "compact".to_string(),
        logged_in_warning: c.logged_in_warning.clone(),
        public_warning: c.public_warning.clone(),
        hide_email_addresses: true,
        ..Default::default()
    };
    let mut pod = PodConfig {
        image_pull_policy: c.image_pull_policy,
        image_pull_secrets: pull_secrets(site),
        service_account_name: names::child(site.name(), "connect-session"),
        ..Default::default()
    };
    let mut dsn_secret = String::new();
    let mut api_key = false;
    if let Some(experimental) = &c.experimental_features {
        if !experimental.mail_sender.is_empty() {
            server_config.email_provider = "SMTP".to_string();
            server_config.sender_email = experimental.mail_sender.clone();
            server_config.sender_email_display_name = experimental.mail_display_name.clone();
            server_config.email_to = experimental.mail_target.clone();
        }
        dsn_secret = experimental.dsn_secret.clone();
        crate::product::override_session(
            &mut pod,
            &experimental.session_env_vars,
            experimental.session_image_pull_policy,
            &experimental.session_service_account_name,
        );
        api_key = experimental.chronicle_sidecar_product_api_key_enabled;
    }
    let repository = ConnectRPackageRepositoryConfig {
        url: hosts.repository.clone(),
    };
    let mut database = database(site, server);
    database.schema = c.database_settings.schema.clone();
    database.instrumentation_schema = c.database_settings.instrumentation_schema.clone();
    Connect {
        metadata: metadata(site),
        spec: ConnectSpec {
            license: c.license.clone(),
            config: ConnectConfig {
                server: Some(server_config),
                http: Some(ConnectHttpConfig {
                    force_secure: true,
                    listen: format!(":{}", crate::connect::HTTP_PORT),
                }),
                metrics: Some(ConnectMetricsConfig {
                    prometheus_listen: format!(":{}", crate::connect::METRICS_PORT),
                }),
                logging: Some(ConnectLoggingConfig {
                    service_log: "STDERR".to_string(),
                    service_log_level: "INFO".to_string(),
                    service_log_format: log_format.to_string(),
                    access_log: "STDERR".to_string(),
                    access_log_format: if json { "JSON" } else { "COMMON" }.to_string(),
                    audit_log: String::new(),
                    audit_log_format: log_format.to_string(),
                }),
                authorization: Some(ConnectAuthorizationConfig {
                    default_user_role: "publisher".to_string(),
                    publishers_can_manage_vanities: true,
                    ..Default::default()
                }),
                applications: Some(ConnectApplicationsConfig {
                    bundle_retention_limit: 2,
                    python_environment_reaping: true,
                    o_auth_integrations_enabled: true,
                    schedule_concurrency: i64::from(c.schedule_concurrency),
                }),
                r: Some(ConnectRConfig {
                    enabled: true,
                    posit_package_manager_url_rewriting: "force-binary".to_string(),
                }),
                quarto: Some(ConnectEnabledConfig { enabled: true }),
                scheduler: Some(ConnectSchedulerConfig {
                    max_cpu_request: 4,
                    max_cpu_limit: 4,
                    max_memory_request: 8_589_934_592,
                    max_memory_limit: 8_589_934_592,
                    nvidia_gpu_limit: gpu.nvidia_gpu_limit.max(0),
                    max_nvidia_gpu_limit: gpu.max_nvidia_gpu_limit.max(0),
                    amd_gpu_limit: gpu.amd_gpu_limit.max(0),
                    max_amd_gpu_limit: gpu.max_amd_gpu_limit.max(0),
                }),
                r_package_repositories: BTreeMap::from([
                    ("CRAN".to_string(), repository.clone()),
                    ("RSPM".to_string(), repository),
                ]),
                ..Default::default()
            },
            session_config: Some(SessionConfig {
                pod: Some(pod),
                ..Default::default()
            }),
            volume: forced_volume(site, c.volume.as_ref(), "connect"),
            secret_type: secret_type(&spec.secret),
            auth: c.auth.clone(),
            url: hosts.connect.clone(),
            database_config: database,
            ingress_class: spec.ingress_class.clone(),
            ingress_annotations: spec.ingress_annotations.clone(),
            image_pull_secrets: set(&spec.image_pull_secrets),
            node_selector: c.node_selector.clone(),
            add_env: c.add_env.clone(),
            off_host_execution: true,
            image: c.image.clone(),
            image_pull_policy: c.image_pull_policy,
            sleep: false,
            session_image: c.session_image.clone(),
            aws_account_id: spec.aws_account_id.clone(),
            cluster_date: spec.cluster_date.clone(),
            workload_compound_name: spec.workload_compound_name.clone(),
            chronicle_agent_image: spec
                .chronicle
                .as_ref()
                .map(|ch| ch.agent_image.clone())
                .unwrap_or_default(),
            additional_volumes: shared_volume(site).into_iter().collect(),
            secret: spec.secret.clone(),
            workload_secret: spec.workload_secret.clone(),
            main_database_credential_secret: spec.main_database_credential_secret.clone(),
            debug: spec.debug,
            replicas: c.replicas.max(1),
            dsn_secret,
            chronicle_sidecar_product_api_key_enabled: api_key,
        },
        status: None,
    }
}

fn package_manager(
    site: &ValidatedSite,
    server: &DbServer,
    hosts: &Hosts,
    environment: &Environment,
) -> PackageManager {
    let spec = &site.spec;
    let p = super::package_manager_of(spec);
    let s3 = !p.s3_bucket.is_empty();
    PackageManager {
        metadata: metadata(site),
        spec: PackageManagerSpec {
            license: p.license.clone(),
            config: Some(PackageManagerConfig {
                server: Some(PackageManagerServerConfig {
                    r_version: vec!["/opt/R/default".to_string()],
                    launcher_dir: "/var/lib/rstudio-pm/launcher_internal".to_string(),
                    access_log_format: "common".to_string(),
                    ..Default::default()
                }),
                http: Some(PackageManagerHttpConfig {
                    listen: format!(":{}", crate::package_manager::HTTP_PORT),
                }),
                git: Some(PackageManagerGitConfig {
                    allow_unsandboxed_git_builds: true,
                }),
                storage: s3.then(|| PackageManagerStorageConfig {
                    default: "S3".to_string(),
                }),
                s3_storage: s3.then(|| PackageManagerS3StorageConfig {
                    bucket: p.s3_bucket.clone(),
                    prefix: format!("{}/ppm-v0", site.name()),
                    region: environment.aws_region.clone(),
                }),
                metrics: Some(PackageManagerMetricsConfig { enabled: true }),
                repos: Some(PackageManagerReposConfig {
                    pypi: "pypi".to_string(),
                    cran: "cran".to_string(),
                    bioconductor: "bioconductor".to_string(),
                }),
                debug: Some(PackageManagerDebugConfig {
                    log: if spec.debug { "verbose" } else { "" }.to_string(),
                }),
                ..Default::default()
            }),
            volume: p.volume.clone(),
            secret_type: secret_type(&spec.secret),
            url: hosts.package_manager.clone(),
            database_config: database(site, server),
            ingress_class: spec.ingress_class.clone(),
            ingress_annotations: spec.ingress_annotations.clone(),
            image_pull_secrets: set(&spec.image_pull_secrets),
            node_selector: p.node_selector.clone(),
            add_env: p.add_env.clone(),
            image: p.image.clone(),
            image_pull_policy: p.image_pull_policy,
            sleep: false,
            aws_account_id: spec.aws_account_id.clone(),
            workload_compound_name: spec.workload_compound_name.clone(),
            cluster_date: spec.cluster_date.clone(),
            chronicle_agent_image: spec
                .chronicle
                .as_ref()
                .map(|ch| ch.agent_image.clone())
                .unwrap_or_default(),
            secret: spec.secret.clone(),
            workload_secret: spec.workload_secret.clone(),
            main_database_credential_secret: spec.main_database_credential_secret.clone(),
            replicas: p.replicas.max(1),
            git_ssh_keys: {
                let mut keys = p.git_ssh_keys.clone();
                keys.sort_by(|a, b| a.name.cmp(&b.name));
                keys
            },
            azure_files: p.azure_files.clone(),
        },
        status: None,
    }
}

/// Default session resource profiles (Small, Medium, Large).
fn default_profiles() -> BTreeMap<String, WorkbenchResourceProfile> {
    let profile = |name: &str, cpus: &str, mem: &str| WorkbenchResourceProfile {
        name: name.to_string(),
        cpus: cpus.to_string(),
        mem_mb: mem.to_string(),
        ..Default::default()
    };
    BTreeMap::from([
        ("default".to_string(), profile("Small", "1", "2000")),
        ("medium".to_string(), profile("Medium", "2", "4000")),
        ("zz-large".to_string(), profile("Large", "4", "8000")),
    ])
}

fn workbench(site: &ValidatedSite, server: &DbServer, hosts: &Hosts) -> Workbench {
    let spec = &site.spec;
    let w = super::workbench_of(spec);
    let experimental = w.experimental_features.clone();
    let ex = experimental.clone().unwrap_or_default();
    let default_image = if w.default_session_image.is_empty() {
        w.image.clone()
    } else {
        w.default_session_image.clone()
    };
    let mut vscode_args = "--host=0.0.0.0".to_string();
    if !ex.vs_code_extensions_dir.is_empty() {
        vscode_args.push_str(&format!(" --extensions-dir={}", ex.vs_code_extensions_dir));
    }
    let profiles = if ex.resource_profiles.is_empty() {
        default_profiles()
    } else {
        ex.resource_profiles.clone()
    };
    let admin_group = if w.admin_groups.is_empty() {
        "workbench-admin".to_string()
    } else {
        w.admin_groups.join(",")
    };
    let mut images = vec![default_image.clone()];
    images.extend(w.extra_session_images.iter().cloned());
    let mut rsession = WorkbenchRSessionConfig {
        default_rsconnect_server: format!("https://{}", hosts.connect),
        copilot_enabled: 1,
        ..Default::default()
    };
    let mut rserver = WorkbenchRServerConfig {
        load_balancing_enabled: 1,
        server_shared_storage_path: "/mnt/shared-storage".to_string(),
        server_health_check_enabled: 1,
        auth_pam_sessions_enabled: 1,
        admin_enabled: 1,
        admin_group,
        admin_superuser_group: w.admin_superuser_groups.join(","),
        www_port: 8787,
        server_project_sharing: 0,
        launcher_address: "127.0.0.1".to_string(),
        launcher_port: 5559,
        launcher_sessions_enabled: 1,
        www_frame_origin: format!("https://{}", spec.domain),
        user_provisioning_enabled: 1,
        user_provisioning_register_on_first_login: i64::from(w.create_users_automatically),
        user_homedir_path: "/home".to_string(),
        www_thread_pool_size: i64::from(ex.www_thread_pool_size.unwrap_or(16)),
        launcher_sessions_proxy_timeout_seconds: i64::from(
            ex.launcher_sessions_proxy_timeout_secs.unwrap_or(30),
        ),
        launcher_sessions_auto_update: 1,
        launcher_sessions_init_container_image_name: w.session_init_container_image_name.clone(),
        launcher_sessions_init_container_image_tag: w.session_init_container_image_tag.clone(),
        databricks_enabled: i64::from(!w.databricks.is_empty() || ex.databricks_force_enabled),
        workbench_api_enabled: w.api_settings.workbench_api_enabled,
        workbench_api_admin_enabled: w.api_settings.workbench_api_admin_enabled,
        workbench_api_super_admin_enabled: w.api_settings.workbench_api_super_admin_enabled,
        force_admin_ui_enabled: i64::from(ex.force_admin_ui_enabled),
        ..Default::default()
    };
    let mut pod = PodConfig {
        node_selector: w.node_selector.clone(),
        tolerations: w.session_tolerations.clone(),
        image_pull_policy: w.image_pull_policy,
        image_pull_secrets: pull_secrets(site),
        service_account_name: names::child(site.name(), "workbench-session"),
        ..Default::default()
    };
    let mut vscode_exe = String::new();
    let mut launcher_env = None;
    if let Some(ex) = &experimental {
        rsession.managed_credentials_in_jobs_enabled = i64::from(ex.enable_managed_credential_jobs);
        rsession.session_save_action_default = match ex.session_save_action_default.as_str() {
            "" => "no",
            other => other,
        }
        .to_string();
        rsession.session_first_project_template_path = ex.first_project_template_path.clone();
        if ex.privileged_sessions {
            pod.container_security_context = Some(SecurityContext {
                privileged: Some(true),
                ..Default::default()
            });
        }
        vscode_exe = ex.vs_code_path.clone();
        crate::product::override_session(
            &mut pod,
            &ex.session_env_vars,
            ex.session_image_pull_policy,
            &ex.session_service_account_name,
        );
        if !ex.launcher_env_path.is_empty() {
            launcher_env = Some(WorkbenchLauncherEnvConfig {
                job_type: "session".to_string(),
                environment: BTreeMap::from([("PATH".to_string(), ex.launcher_env_path.clone())]),
            });
        }
    }
    rserver.metrics_enabled = 1;
    rserver.metrics_port = 8989;
    let positron = w.positron_config.clone().unwrap_or_default();
    let databricks: BTreeMap<String, WorkbenchDatabricksSection> = w
        .databricks
        .iter()
        .map(|(key, d)| {
            (
                key.clone(),
                WorkbenchDatabricksSection {
                    name: d.name.clone(),
                    url: d.url.clone(),
                    client_id: d.client_id.clone(),
                    client_secret: String::new(),
                },
            )
        })
        .collect();
    let mut additional_volumes: Vec<VolumeSpec> = shared_volume(site).into_iter().collect();
    let mut extra = w.additional_volumes.clone();
    extra.sort_by(|a, b| a.pvc_name.cmp(&b.pvc_name));
    additional_volumes.extend(extra);
    let log_json = spec.log_format == SiteLogFormat::Json;
    let jupyter = w.jupyter_config.clone().unwrap_or(WorkbenchJupyterConfig {
        notebooks_enabled: 1,
        labs_enabled: 1,
        ..Default::default()
    });
    Workbench {
        metadata: metadata(site),
        spec: WorkbenchSpec {
            license: w.license.clone(),
            config: WorkbenchConfig {
                ini: WorkbenchIniConfig {
                    launcher: Some(WorkbenchLauncherConfig {
                        server: Some(WorkbenchLauncherServerSection {
                            address: "127.0.0.1".to_string(),
                            port: "5559".to_string(),
                            server_user: "rstudio-server".to_string(),
                            admin_group: "rstudio-server".to_string(),
                            authorization_enabled: 1,
                            thread_pool_size: 4,
                            ..Default::default()
                        }),
                        cluster: Some(WorkbenchLauncherClusterSection {
                            name: "Kubernetes".to_string(),
                            type_: "Kubernetes".to_string(),
                        }),
                    }),
                    vscode: Some(WorkbenchVsCodeIniConfig {
                        enabled: 1,
                        exe: vscode_exe,
                        args: vscode_args,
                        session_timeout_kill_hours: w
                            .vs_code_config
                            .as_ref()
                            .map_or(1, |v| v.session_timeout_kill_hours),
                    }),
                    logging: Some(WorkbenchLoggingConfig {
                        all: Some(WorkbenchLoggingSection {
                            log_level: if spec.debug { "debug" } else { "info" }.to_string(),
                            logger_type: "stderr".to_string(),
                            log_message_format: if log_json { "json" } else { "pretty" }
                                .to_string(),
                        }),
                    }),
                    jupyter: Some(jupyter),
                    rserver: Some(rserver),
                    launcher_kubernetes: Some(WorkbenchLauncherKubernetesConfig::default()),
                    launcher_local: None,
                    databricks: None,
                    launcher_kubernetes_resources: Some(profiles.clone()),
                },
                session_ini: WorkbenchSessionIniConfig {
                    rsession: Some(rsession),
                    repos: Some(WorkbenchReposConfig {
                        rspm: String::new(),
                        cran: hosts.repository.clone(),
                    }),
                    workbench_nss: None,
                    positron: Some(WorkbenchPositronIniConfig {
                        enabled: positron.enabled,
                        exe: positron.exe.clone(),
                        args: positron.args.clone(),
                        default_session_container_image: positron
                            .default_session_container_image
                            .clone(),
                        session_container_images: positron.session_container_images.clone(),
                        positron_session_path: positron.positron_session_path.clone(),
                        user_data_dir: positron.user_data_dir.clone(),
                        session_no_profile: positron.session_no_profile,
                        allow_file_downloads: positron.allow_file_downloads,
                        allow_file_uploads: positron.allow_file_uploads,
                        session_timeout_kill_hours: positron.session_timeout_kill_hours,
                    }),
                },
                session_newline: WorkbenchSessionNewlineConfig {
                    vscode_extensions: (!w.vs_code_extensions.is_empty())
                        .then(|| w.vs_code_extensions.clone()),
                    positron_extensions: (!positron.extensions.is_empty())
                        .then(|| positron.extensions.clone()),
                },
                session_json: WorkbenchSessionJsonConfig {
                    vscode_user_settings: (!w.vs_code_user_settings.is_empty())
                        .then(|| w.vs_code_user_settings.clone()),
                    positron_user_settings: (!positron.user_settings.is_empty())
                        .then(|| positron.user_settings.clone()),
                },
                profiles: WorkbenchProfilesConfig {
                    launcher_kubernetes_profiles: Some(BTreeMap::from([(
                        "*".to_string(),
                        WorkbenchProfileSection {
                            container_images: images,
                            default_container_image: default_image,
                            allow_unknown_images: 1,
                            cpu_request_ratio: ex.cpu_request_ratio.clone(),
                            memory_request_ratio: ex.memory_request_ratio.clone(),
                            // Sorted: the Go operator listed them in random order.
                            resource_profiles: profiles.keys().cloned().collect(),
                            ..Default::default()
                        },
                    )])),
                },
                dcf: WorkbenchDcfConfig { launcher_env },
                supervisord: WorkbenchSupervisordConfig::default(),
            },
            secret_config: WorkbenchSecretConfig {
                ini: WorkbenchSecretIniConfig {
                    database: None,
                    openid_client_secret: None,
                    databricks: Some(databricks),
                },
            },
            session_config: Some(SessionConfig {
                pod: Some(pod),
                ..Default::default()
            }),
            volume: forced_volume(site, w.volume.as_ref(), "workbench"),
            secret_type: secret_type(&spec.secret),
            auth: w.auth.clone(),
            url: hosts.workbench.clone(),
            parent_url: spec.domain.clone(),
            non_root: ex.non_root && experimental.is_some(),
            database_config: database(site, server),
            ingress_class: spec.ingress_class.clone(),
            ingress_annotations: spec.ingress_annotations.clone(),
            image_pull_secrets: set(&spec.image_pull_secrets),
            node_selector: w.node_selector.clone(),
            tolerations: w.tolerations.clone(),
            add_env: w.add_env.clone(),
            off_host_execution: true,
            image: w.image.clone(),
            image_pull_policy: w.image_pull_policy,
            sleep: false,
            snowflake: w.snowflake.clone(),
            aws_account_id: spec.aws_account_id.clone(),
            cluster_date: spec.cluster_date.clone(),
            workload_compound_name: spec.workload_compound_name.clone(),
            chronicle_agent_image: spec
                .chronicle
                .as_ref()
                .map(|ch| ch.agent_image.clone())
                .unwrap_or_default(),
            additional_volumes,
            secret: spec.secret.clone(),
            workload_secret: spec.workload_secret.clone(),
            main_database_credential_secret: spec.main_database_credential_secret.clone(),
            replicas: w.replicas.max(1),
            dsn_secret: ex.dsn_secret.clone(),
            chronicle_sidecar_product_api_key_enabled: ex.chronicle_sidecar_product_api_key_enabled,
            auth_login_page_html: w.auth_login_page_html.clone(),
        },
        status: None,
    }
}

/// Chronicle, when the Site gives it an image (the Go operator created a server without
/// an image, which never started).
fn chronicle(site: &ValidatedSite, environment: &Environment) -> Option<Chronicle> {
    let spec = &site.spec;
    let c = spec.chronicle.as_ref().filter(|c| !c.image.is_empty())?;
    let s3 = !c.s3_bucket.is_empty();
    Some(Chronicle {
        metadata: metadata(site),
        spec: ChronicleSpec {
            config: ChronicleConfig {
                http: Some(ChronicleListenConfig {
                    listen: format!(":{}", crate::chronicle::HTTP_PORT),
                }),
                metrics: Some(ChronicleSwitchListenConfig {
                    enabled: true,
                    listen: String::new(),
                }),
                profiling: Some(ChronicleSwitchListenConfig {
                    enabled: false,
                    listen: format!(":{}", crate::chronicle::PROFILING_PORT),
                }),
                s3_storage: s3.then(|| ChronicleS3StorageConfig {
                    enabled: true,
                    bucket: c.s3_bucket.clone(),
                    region: environment.aws_region.clone(),
                    prefix: format!("{}/chr-v0", site.name()),
                }),
                local_storage: (!s3).then(|| ChronicleLocalStorageConfig {
                    enabled: true,
                    location: "/var/lib/posit-chronicle/data".to_string(),
                }),
                logging: Some(ChronicleLoggingConfig {
                    service_log: "STDOUT".to_string(),
                    service_log_level: if spec.debug { "DEBUG" } else { "INFO" }.to_string(),
                    service_log_format: if spec.log_format == SiteLogFormat::Json {
                        "JSON"
                    } else {
                        "TEXT"
                    }
                    .to_string(),
                }),
            },
            image_pull_secrets: set(&spec.image_pull_secrets),
            node_selector: c.node_selector.clone(),
            add_env: c.add_env.clone(),
            image: c.image.clone(),
            aws_account_id: spec.aws_account_id.clone(),
            cluster_date: spec.cluster_date.clone(),
            workload_compound_name: spec.workload_compound_name.clone(),
        },
        status: None,
    })
}

/// The Flightdeck image: empty is `latest`, a value with `/` is a full reference, anything
/// else a tag.
pub fn flightdeck_image(value: &str) -> String {
    if value.is_empty() {
        format!("{FLIGHTDECK_REPOSITORY}:latest")
    } else if value.contains('/') {
        value.to_string()
    } else {
        format!("{FLIGHTDECK_REPOSITORY}:{value}")
    }
}

fn flightdeck(site: &ValidatedSite) -> Flightdeck {
    let spec = &site.spec;
    let f = spec.flightdeck.clone().unwrap_or_default();
    Flightdeck {
        metadata: metadata(site),
        spec: FlightdeckSpec {
            site_name: site.name().to_string(),
            image: flightdeck_image(&f.image),
            image_pull_policy: if f.image_pull_policy == team_api::enums::PullPolicy::Unset {
                team_api::enums::PullPolicy::Always
            } else {
                f.image_pull_policy
            },
            port: crate::flightdeck::DEFAULT_PORT,
            replicas: f.replicas.max(1),
            feature_enabler: f.feature_enabler.clone(),
            domain: spec.domain.clone(),
            ingress_class: spec.ingress_class.clone(),
            ingress_annotations: spec.ingress_annotations.clone(),
            image_pull_secrets: set(&spec.image_pull_secrets),
            aws_account_id: spec.aws_account_id.clone(),
            cluster_date: spec.cluster_date.clone(),
            workload_compound_name: spec.workload_compound_name.clone(),
            log_level: f.log_level,
            log_format: f.log_format,
        },
        status: None,
    }
}
