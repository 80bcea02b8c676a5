//! The Workbench server Deployment `<name>-workbench`: supervisord running Workbench (and
//! the launcher), its configuration, keys, storage and secrets, and the Chronicle agent.

use super::config::{
    CONFIG_DIR, HTTP_PORT, KEY_DIR, METRICS_PORT, SCRATCH_PATH, SECRET_CONFIG_DIR, XDG_CONFIG_DIRS,
};
use super::secrets::{self, ADMIN_TOKEN_KEY, CHRONICLE_KEY, SNOWFLAKE_KEY, USER_TOKEN_KEY};
use super::{ValidatedWorkbench, is_oidc, license, login};
use crate::inputs::{Inputs, Vault};
use crate::meta;
use crate::object::Object;
use crate::pod::{self, Volumes};
use crate::product;
use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec};
use k8s_openapi::api::core::v1::{
    Capabilities, Container, EnvVar, KeyToPath, PodSpec, PodTemplateSpec, SecretVolumeSource,
    SecurityContext, Volume, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use std::collections::BTreeMap;
use team_api::enums::LicenseType;

/// Digests of the configuration, put on the pod template so a change rolls the pods.
pub struct Hashes {
    pub config: String,
    pub session: String,
    pub secret: String,
    pub template: Option<String>,
}

/// Files of the main ConfigMap also mounted in `/etc/rstudio`, where Workbench reads them.
const ETC_FILES: [&str; 4] = [
    "launcher-env",
    "positron-user-settings.json",
    "positron.conf",
    "workbench_nss.conf",
];
const AUDIT_DIR: &str = "/var/lib/rstudio-server/audit";

/// The server Deployment; `main_files` are the files of the main ConfigMap.
pub fn deployment(
    workbench: &ValidatedWorkbench,
    inputs: &Inputs,
    hashes: &Hashes,
    main_files: &BTreeMap<String, String>,
) -> Object {
    let spec = &workbench.spec;
    let names = &workbench.names;
    let owner = &workbench.owner;
    let mut volumes = Volumes::new();
    let mut env = vec![
        pod::env("XDG_CONFIG_DIRS", XDG_CONFIG_DIRS),
        pod::env_from_secret(
            "RSW_TESTUSER_PASSWD",
            &names.with("key"),
            "testuser-password",
            false,
        ),
    ];

    // Configuration.
    volumes
        .volume(pod::config_map(
            "config-volume",
            &names.component,
            &[],
            Some(0o644),
        ))
        .mount("config-volume", CONFIG_DIR, None, true);
    for file in ETC_FILES {
        if main_files.contains_key(file) {
            volumes.mount(
                "config-volume",
                &format!("/etc/rstudio/{file}"),
                Some(file),
                true,
            );
        }
    }
    login::mount(&mut volumes, names);
    if workbench.login_page.is_some() {
        volumes
            .volume(pod::config_map(
                "auth-login-page-html-volume",
                &names.with("auth-login-page-html"),
                &[],
                Some(0o644),
            ))
            .mount(
                "auth-login-page-html-volume",
                "/etc/rstudio/login.html",
                Some("login.html"),
                true,
            );
    }
    if spec.non_root {
        volumes
            .volume(pod::config_map(
                "supervisor-volume",
                &names.with("supervisor"),
                &[],
                Some(0o644),
            ))
            .mount("supervisor-volume", "/startup/custom", None, true)
            .volume(pod::empty_dir("supervisor-cover-volume"))
            .mount("supervisor-cover-volume", "/startup/launcher", None, false);
    }
    if spec.off_host_execution {
        volumes.volume(pod::config_map(
            "template-config",
            &names.with("templates"),
            &[],
            Some(0o644),
        ));
        for file in crate::session::TEMPLATE_FILES {
            volumes.mount(
                "template-config",
                &format!("{SCRATCH_PATH}/Kubernetes/{file}"),
                Some(file),
                true,
            );
        }
    }

    // Storage.
    let storage = &workbench.storage;
    if let Some((claim, _)) = &storage.home {
        volumes
            .volume(pod::claim("home-dir-volume", claim, false))
            .mount("home-dir-volume", "/home", None, false);
    }
    match &storage.shared {
        Some((claim, _)) => {
            volumes.volume(pod::claim("server-shared-storage-volume", claim, false))
        }
        None => volumes.volume(pod::empty_dir("server-shared-storage-volume")),
    }
    .mount(
        "server-shared-storage-volume",
        &storage.shared_path,
        None,
        false,
    );
    product::add_additional_volumes(&spec.additional_volumes, &mut volumes);
    volumes.volume(pod::empty_dir("chronicle-logs")).mount(
        "chronicle-logs",
        AUDIT_DIR,
        None,
        false,
    );

    // Keys and secrets.
    volumes
        .volume(key_volume(&names.with("key")))
        .mount("key-volume", KEY_DIR, None, true)
        .volume(pod::secret(
            "secret-config",
            &names.with("config"),
            &[],
            Some(0o600),
        ))
        .mount("secret-config", SECRET_CONFIG_DIR, None, true)
        .volume(pod::empty_dir("license-emptydir"))
        .mount("license-emptydir", "/etc/rstudio-server", None, false);
    let secrets_class = names.with("secrets");
    product::add_license(
        license(),
        &spec.license,
        &workbench.vault,
        &names.component,
        &secrets_class,
        &mut volumes,
        &mut env,
    );
    let (password_secret, password_key) = secrets::password_source(workbench, inputs);
    env.push(pod::env_from_secret(
        "WORKBENCH_POSTGRES_PASSWORD",
        &password_secret,
        &password_key,
        false,
    ));
    let mut uses_class = spec.license.type_ != LicenseType::Key;
    if is_oidc(spec) {
        uses_class |= add_api_tokens(workbench, inputs, &mut volumes);
    }
    if secrets::snowflake(workbench) {
        let secret = match &workbench.vault {
            Vault::Aws(_) => secrets::synced_secret(workbench),
            Vault::Kubernetes(vault) => vault.clone(),
            Vault::None => String::new(),
        };
        env.push(pod::env("SNOWFLAKE_ACCOUNT", &spec.snowflake.account_id));
        env.push(pod::env("SNOWFLAKE_CLIENT_ID", &spec.snowflake.client_id));
        env.push(pod::env_from_secret(
            "SNOWFLAKE_CLIENT_SECRET",
            &secret,
            SNOWFLAKE_KEY,
            false,
        ));
    }
    if workbench.vault.is_aws() && !uses_class {
        // Pods must mount the provider class for the CSI driver to sync its Secrets.
        volumes
            .volume(pod::csi_secrets("secret-csi-volume", &secrets_class))
            .mount("secret-csi-volume", "/mnt/secrets-store", None, true);
    }
    env.extend(pod::add_env(&spec.add_env));
    env.push(pod::env("LAUNCHER_INSTANCE_ID", &names.component));

    let (pod_volumes, mounts) = volumes.finish();
    let mut containers = vec![Container {
        name: "workbench".to_string(),
        image: Some(spec.image.clone()),
        image_pull_policy: pod::pull_policy(spec.image_pull_policy),
        command: Some(if spec.sleep {
            vec!["sleep".to_string(), "infinity".to_string()]
        } else {
            vec!["supervisord".to_string()]
        }),
        ports: Some(vec![
            pod::port("http", HTTP_PORT),
            pod::port("metrics", METRICS_PORT),
        ]),
        env: Some(env),
        volume_mounts: Some(mounts),
        readiness_probe: Some(pod::http_probe("/health-check", "http", [3, 1, 3, 1, 3])),
        // The server switches to each user to run sessions and manage their files.
        security_context: Some(SecurityContext {
            run_as_non_root: Some(false),
            allow_privilege_escalation: Some(true),
            capabilities: Some(Capabilities::default()),
            ..SecurityContext::default()
        }),
        ..Container::default()
    }];
    if let Some(agent) = chronicle_agent(workbench) {
        containers.push(agent);
    }

    let mut annotations = BTreeMap::from([
        (
            "workbench.posit.team/configmap-sha".to_string(),
            hashes.config.clone(),
        ),
        (
            "workbench.posit.team/secret-sha".to_string(),
            hashes.secret.clone(),
        ),
        (
            "workbench.posit.team/session-sha".to_string(),
            hashes.session.clone(),
        ),
    ]);
    if let Some(hash) = &hashes.template {
        annotations.insert(
            "workbench.posit.team/template-sha".to_string(),
            hash.clone(),
        );
    }
    Object::Deployment(Box::new(Deployment {
        metadata: meta::owned(&names.component, owner, workbench.labels.full()),
        spec: Some(DeploymentSpec {
            replicas: Some(crate::connect::replicas(spec.replicas)),
            selector: LabelSelector {
                match_labels: Some(workbench.labels.selector()),
                match_expressions: None,
            },
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(workbench.labels.full()),
                    annotations: Some(annotations),
                    ..ObjectMeta::default()
                }),
                spec: Some(PodSpec {
                    enable_service_links: Some(false),
                    node_selector: pod::non_empty(&spec.node_selector),
                    image_pull_secrets: pod::pull_secrets(&spec.image_pull_secrets),
                    // Only the launcher needs the API, and only with off-host execution.
                    service_account_name: spec.off_host_execution.then(|| names.component.clone()),
                    automount_service_account_token: Some(spec.off_host_execution),
                    tolerations: (!spec.tolerations.is_empty()).then(|| spec.tolerations.clone()),
                    affinity: Some(pod::spread_over_nodes(
                        &workbench.labels.instance,
                        &workbench.labels.site,
                        &owner.namespace,
                    )),
                    containers,
                    volumes: Some(pod_volumes),
                    ..PodSpec::default()
                }),
            },
            ..DeploymentSpec::default()
        }),
        status: None,
    }))
}

/// The keys, each readable by its owner only.
fn key_volume(secret: &str) -> Volume {
    let item = |key: &str, path: &str| KeyToPath {
        key: key.to_string(),
        path: path.to_string(),
        mode: Some(0o600),
    };
    Volume {
        secret: Some(SecretVolumeSource {
            secret_name: Some(secret.to_string()),
            items: Some(vec![
                item("key", "secure-cookie-key"),
                item("launcher.pem", "launcher.pem"),
                item("launcher.pub", "launcher.pub"),
            ]),
            default_mode: Some(0o600),
            optional: None,
        }),
        ..pod::volume("key-volume")
    }
}

/// Mounts the Workbench API tokens the vault has; true when the provider class is mounted.
fn add_api_tokens(workbench: &ValidatedWorkbench, inputs: &Inputs, volumes: &mut Volumes) -> bool {
    let tokens: Vec<(&str, &str)> = [
        ("admin_token", ADMIN_TOKEN_KEY),
        ("user_token", USER_TOKEN_KEY),
    ]
    .into_iter()
    .filter(|(_, key)| secrets::available(workbench, inputs, key))
    .collect();
    if tokens.is_empty() {
        return false;
    }
    let volume = match &workbench.vault {
        Vault::Aws(_) => pod::csi_secrets("secret-volume", &workbench.names.with("secrets")),
        Vault::Kubernetes(vault) => {
            let items: Vec<(&str, &str)> = tokens.iter().map(|(file, key)| (*key, *file)).collect();
            pod::secret("secret-volume", vault, &items, Some(0o600))
        }
        Vault::None => return false,
    };
    volumes.volume(volume);
    for (file, _) in &tokens {
        volumes.mount(
            "secret-volume",
            &format!("/etc/rstudio/{file}"),
            Some(file),
            true,
        );
    }
    workbench.vault.is_aws()
}

/// The Chronicle agent, reading Workbench's audit logs.
fn chronicle_agent(workbench: &ValidatedWorkbench) -> Option<Container> {
    let spec = &workbench.spec;
    if spec.chronicle_agent_image.is_empty() {
        return None;
    }
    let owner = &workbench.owner;
    let mut env: Vec<EnvVar> = vec![pod::env(
        "CHRONICLE_SERVER_ADDRESS",
        &product::chronicle_url(&owner.name, &owner.namespace),
    )];
    if secrets::chronicle_api_key(workbench) {
        let secret = match &workbench.vault {
            Vault::Aws(_) => secrets::synced_secret(workbench),
            Vault::Kubernetes(vault) => vault.clone(),
            Vault::None => String::new(),
        };
        env.push(pod::env_from_secret(
            "CHRONICLE_WORKBENCH_APIKEY",
            &secret,
            CHRONICLE_KEY,
            true,
        ));
    }
    let mut agent = product::chronicle_agent(&spec.chronicle_agent_image, env);
    agent.volume_mounts = Some(vec![VolumeMount {
        name: "chronicle-logs".to_string(),
        mount_path: AUDIT_DIR.to_string(),
        read_only: Some(true),
        ..VolumeMount::default()
    }]);
    Some(agent)
}
