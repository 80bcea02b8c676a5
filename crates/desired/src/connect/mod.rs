//! Connect: a `Connect` resource to its Kubernetes objects.
//!
//! Database, configuration (`rstudio-connect.gcfg`), keys and license, the server
//! Deployment with its Service, Ingress and PodDisruptionBudget, and with off-host
//! execution the launcher's account, role and Job templates for content pods.

pub mod config;
mod session;

use crate::environment::Environment;
use crate::error::{BuildError, Problems};
use crate::inputs::{Inputs, Requirement, Store, Vault};
use crate::labels::{self, ComponentLabels};
use crate::meta::{self, Owner};
use crate::names::ProductNames;
use crate::object::{ApplyPolicy, Desired, Generated, Object, Recipe};
use crate::pod::{self, Volumes};
use crate::postgres;
use crate::product::{self, CONNECT_LICENSE};
use crate::secret_provider::ProviderClass;
use crate::{validate, web};
use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec};
use k8s_openapi::api::core::v1::{
    ConfigMap, Container, EnvVar, PodSpec, PodTemplateSpec, Secret, SecurityContext,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use std::collections::BTreeMap;
use team_api::enums::AuthType;
use team_api::{Connect, ConnectSpec};

pub const HTTP_PORT: i32 = 3939;
pub const METRICS_PORT: i32 = 3232;
const DATA_DIR: &str = "/var/lib/rstudio-connect";
const KEY_FILE: &str = "/var/lib/rstudio-connect/db/secret.key";
const GCFG: &str = "rstudio-connect.gcfg";

/// A Connect resource that passed validation.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidatedConnect {
    pub owner: Owner,
    pub names: ProductNames,
    pub labels: ComponentLabels,
    pub spec: ConnectSpec,
    pub vault: Vault,
    /// The data claim (`volume.pvcName` or `<name>-connect`), when there is a volume.
    pub data_claim: Option<String>,
    pub schema: String,
    pub instrumentation_schema: String,
}

impl ValidatedConnect {
    fn resource(&self) -> String {
        format!("Connect {}/{}", self.owner.namespace, self.owner.name)
    }
}

/// Checks a Connect resource; every problem is reported with its field.
pub fn validate(connect: &Connect, namespace: &str) -> Result<ValidatedConnect, BuildError> {
    let name = connect.metadata.name.clone().unwrap_or_default();
    let spec = &connect.spec;
    let mut problems = Problems::new();
    validate::product(
        &mut problems,
        &name,
        &spec.image,
        &spec.ingress_annotations,
        &spec.node_selector,
    );
    validate::host(&mut problems, "spec.url", &spec.url);
    validate::license(&mut problems, "spec.license", &spec.license);
    let vault = Vault::of(&spec.secret);
    validate::auth(&mut problems, "spec.auth", &spec.auth, vault != Vault::None);
    validate::env_names(&mut problems, "spec.addEnv", spec.add_env.keys());
    validate::additional_volumes(
        &mut problems,
        "spec.additionalVolumes",
        &spec.additional_volumes,
    );
    validate::database_config(&mut problems, "spec.databaseConfig", &spec.database_config);
    let schema = or(&spec.database_config.schema, "connect");
    let instrumentation_schema = or(
        &spec.database_config.instrumentation_schema,
        "instrumentation",
    );
    for (path, value) in [
        ("spec.databaseConfig.schema", &schema),
        (
            "spec.databaseConfig.instrumentationSchema",
            &instrumentation_schema,
        ),
    ] {
        problems.check(
            !postgres::is_plain_identifier(value),
            path,
            "must be a lowercase PostgreSQL name: letters, digits and '_', starting with a letter or '_'",
        );
    }
    problems.check(
        !spec.dsn_secret.is_empty() && vault == Vault::None,
        "spec.dsnSecret",
        "needs a vault: set secret.type and secret.vaultName",
    );
    validate::vault(&mut problems, "spec.secret", &spec.secret);
    let names = ProductNames::new(&name, "connect");
    let data_claim = spec.volume.as_ref().map(|volume| {
        if volume.pvc_name.is_empty() {
            names.component.clone()
        } else {
            volume.pvc_name.clone()
        }
    });
    let validated = ValidatedConnect {
        owner: Owner::team("Connect", &connect.metadata, namespace),
        labels: ComponentLabels::new("connect", &names.component, &name),
        names,
        spec: spec.clone(),
        vault,
        data_claim,
        schema,
        instrumentation_schema,
    };
    problems.finish(&validated.resource(), validated)
}

fn or(value: &str, default: &str) -> String {
    if value.is_empty() { default } else { value }.to_string()
}

/// The Secrets and keys a Connect refers to.
pub fn requirements(connect: &ValidatedConnect) -> Vec<Requirement> {
    let spec = &connect.spec;
    let namespace = &connect.owner.namespace;
    let mut list = product::base_requirements(
        &CONNECT_LICENSE,
        &spec.license,
        &connect.vault,
        namespace,
        &connect.names.component,
        &["pub-db-password", "pub-secret-key"],
    );
    if let Some(store) = connect.vault.store(namespace) {
        if spec.auth.type_ == AuthType::Oidc {
            list.push(Requirement::required(
                store.clone(),
                "pub-client-secret",
                "spec.auth",
            ));
        }
        if !spec.dsn_secret.is_empty() && !connect.vault.is_aws() {
            list.push(Requirement::required(
                store.clone(),
                &spec.dsn_secret,
                "spec.dsnSecret",
            ));
        }
        if !connect.vault.is_aws() {
            for key in session::site_session_keys(spec) {
                list.push(Requirement::required(
                    store.clone(),
                    &key,
                    "spec.sessionConfig.pod.env",
                ));
            }
        }
    }
    list
}

/// Where the database password comes from.
fn password_source(connect: &ValidatedConnect, inputs: &Inputs) -> (String, String) {
    match &connect.vault {
        Vault::Aws(_) => (connect.names.with("db"), "password".to_string()),
        Vault::Kubernetes(name) => {
            let store = connect
                .vault
                .store(&connect.owner.namespace)
                .expect("kubernetes vault");
            if inputs.is_available(&store, "pub-db-password") {
                (name.clone(), "pub-db-password".to_string())
            } else {
                generated_password(connect)
            }
        }
        Vault::None => generated_password(connect),
    }
}

fn generated_password(connect: &ValidatedConnect) -> (String, String) {
    (
        postgres::generated_credentials_secret(&connect.names.component),
        postgres::GENERATED_PASSWORD_KEY.to_string(),
    )
}

/// Every object of a Connect, in apply order.
pub fn build(
    connect: &ValidatedConnect,
    inputs: &Inputs,
    environment: &Environment,
) -> Result<Vec<Desired>, BuildError> {
    let spec = &connect.spec;
    let owner = &connect.owner;
    let names = &connect.names;
    let labels = connect.labels.full();
    let namespace = &owner.namespace;
    let mut out = Vec::new();

    // Database.
    let mut schemas = vec![connect.schema.clone()];
    if connect.instrumentation_schema != connect.schema {
        schemas.push(connect.instrumentation_schema.clone());
    }
    out.push(Desired::apply(postgres::database(
        &postgres::Declaration {
            component: &names.component,
            host: &spec.database_config.host,
            schemas,
            password_key: "pub-db-password",
            drop_on_teardown: spec.database_config.drop_on_teardown,
            secret: &spec.secret,
            workload_secret: &spec.workload_secret,
            main_database_credential_secret: &spec.main_database_credential_secret,
        },
        owner,
        labels.clone(),
    )));

    // Configuration.
    let effective = config::effective(connect);
    let gcfg = config::render(&effective).map_err(|source| BuildError::ConfigFile {
        resource: connect.resource(),
        file: GCFG.to_string(),
        source,
    })?;
    let mut config_data = BTreeMap::from([(GCFG.to_string(), gcfg)]);
    if spec.off_host_execution {
        config_data.insert("runtime.yaml".to_string(), config::RUNTIME_YAML.to_string());
        config_data.insert(
            "launcher.kubernetes.profiles.conf".to_string(),
            String::new(),
        );
    }
    let config_hash =
        team_config::config_hash(config_data.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    out.push(Desired::apply(Object::ConfigMap(Box::new(ConfigMap {
        metadata: meta::owned(&names.component, owner, labels.clone()),
        data: Some(config_data),
        ..ConfigMap::default()
    }))));
    let smtp = config::uses_smtp(&effective);

    // Secrets.
    let secrets = names.with("secrets");
    let vault_store = connect.vault.store(namespace);
    let key_source = match &connect.vault {
        Vault::Aws(vault) => {
            let mut class = ProviderClass::new();
            class
                .alias("secret.key", "pub-secret-key")
                .alias("pub-db-password", "pub-db-password")
                .sync(&names.with("secret-key"), "secret.key", "secret.key")
                .sync(&names.with("db"), "password", "pub-db-password");
            product::license_alias(&CONNECT_LICENSE, &spec.license, &mut class);
            if spec.license.type_ != team_api::enums::LicenseType::Key {
                class.sync(&names.with("db"), "license", "pub.lic");
            }
            if smtp {
                for key in ["smtp-host", "smtp-password", "smtp-port", "smtp-user"] {
                    class
                        .alias(key, &format!("pub-{key}"))
                        .sync(&names.with("smtp"), key, key);
                }
            }
            if spec.auth.type_ == AuthType::Oidc {
                class.alias("client-secret", "pub-client-secret");
            }
            if spec.chronicle_sidecar_product_api_key_enabled {
                class
                    .alias("pub-chronicle-api-key", "pub-chronicle-api-key")
                    .sync(
                        &names.with("chronicle"),
                        "pub-chronicle-api-key",
                        "pub-chronicle-api-key",
                    );
            }
            out.push(Desired::apply(class.build(
                &secrets,
                owner,
                labels.clone(),
                vault,
                &environment.aws_region,
            )));
            (names.with("secret-key"), "secret.key".to_string())
        }
        Vault::Kubernetes(vault)
            if vault_store
                .as_ref()
                .is_some_and(|s| inputs.is_available(s, "pub-secret-key")) =>
        {
            (vault.clone(), "pub-secret-key".to_string())
        }
        Vault::Kubernetes(_) | Vault::None => {
            // No key in the vault: the operator generates one, once, and Connect uses it.
            let key_secret = names.with("key");
            let generate = vec![Generated {
                key: "key".to_string(),
                recipe: Recipe::ProductKey,
            }];
            out.push(generated_secret(
                &key_secret,
                owner,
                labels.clone(),
                generate,
            ));
            (key_secret, "key".to_string())
        }
    };

    // Content pods.
    let session_defaults = session::defaults(connect);
    let mut template_hash = None;
    if spec.off_host_execution {
        let effective_session =
            crate::session::effective(spec.session_config.as_ref(), session_defaults.defaults);
        let (templates, hash) = crate::session::templates_config_map(
            &names.with("templates"),
            owner,
            labels.clone(),
            &effective_session,
        );
        out.push(Desired::apply(templates));
        template_hash = Some(hash);
        for object in product::launcher_rbac(
            &names.component,
            owner,
            &labels,
            product::irsa(
                &spec.aws_account_id,
                &spec.cluster_date,
                &spec.workload_compound_name,
                "pub",
                None,
            ),
        ) {
            out.push(Desired::apply(object));
        }
        if let Some(class) = session_defaults.provider_class {
            out.push(Desired::apply(class.build(
                &names.with("site-session"),
                owner,
                labels.clone(),
                &session::session_vault(connect),
                &environment.aws_region,
            )));
        }
    }
    out.push(Desired::apply(product::service_account(
        &names.with("session"),
        owner,
        labels.clone(),
        product::irsa(
            &spec.aws_account_id,
            &spec.cluster_date,
            &spec.workload_compound_name,
            "pub-ses",
            Some(&owner.name),
        ),
        &[],
    )));

    // Storage.
    if let Some(volume) = spec.volume.as_ref().filter(|v| v.create) {
        let claim = connect
            .data_claim
            .clone()
            .unwrap_or_else(|| names.component.clone());
        out.push(Desired::apply(product::claim(
            &claim,
            namespace,
            labels.clone(),
            volume,
            "2Gi",
        )));
    }
    for claim in product::additional_claims(&spec.additional_volumes, namespace, &labels) {
        out.push(Desired::apply(claim));
    }

    // Server.
    out.push(Desired::apply(deployment(
        connect,
        inputs,
        &key_source,
        smtp,
        &config_hash,
        template_hash.as_deref(),
    )));
    out.push(Desired::apply(web::service(
        &names.component,
        owner,
        labels.clone(),
        connect.labels.selector(),
        &[
            web::Port {
                name: "http",
                port: 80,
                target: "http",
            },
            web::Port {
                name: "metrics",
                port: METRICS_PORT,
                target: "metrics",
            },
        ],
        web::sticky_session(&names.component),
    )));
    let forward = names.with("forward");
    out.push(Desired::apply(web::headers_middleware(
        &forward,
        owner,
        labels.clone(),
        &web::FORWARD_HEADERS,
    )));
    if !spec.url.is_empty() {
        out.push(Desired::apply(web::ingress(
            &names.component,
            owner,
            labels.clone(),
            &spec.url,
            &names.component,
            &spec.ingress_class,
            web::ingress_annotations(&spec.ingress_annotations, namespace, &[forward]),
        )));
    }
    out.push(Desired::apply(web::disruption_budget(
        &names.component,
        owner,
        labels,
        connect.labels.selector(),
        replicas(spec.replicas),
    )));
    crate::object::sort_for_apply(&mut out);
    Ok(out)
}

/// Replicas: 0 means 1.
pub fn replicas(value: i32) -> i32 {
    value.max(1)
}

/// A Secret whose values the operator generates once. Like data claims it outlives its
/// owner (no owner reference): deleting and re-creating a Site must find the same keys, or
/// the data they protect could no longer be read.
pub(crate) fn generated_secret(
    name: &str,
    owner: &Owner,
    labels: labels::Labels,
    generate: Vec<Generated>,
) -> Desired {
    let string_data = generate
        .iter()
        .map(|g| (g.key.clone(), g.recipe.placeholder()))
        .collect();
    Desired {
        object: Object::Secret(Box::new(Secret {
            metadata: meta::kept(name, &owner.namespace, labels),
            type_: Some("Opaque".to_string()),
            string_data: Some(string_data),
            ..Secret::default()
        })),
        policy: ApplyPolicy::CreateOnce { generate },
    }
}

fn deployment(
    connect: &ValidatedConnect,
    inputs: &Inputs,
    key_source: &(String, String),
    smtp: bool,
    config_hash: &str,
    template_hash: Option<&str>,
) -> Object {
    let spec = &connect.spec;
    let names = &connect.names;
    let owner = &connect.owner;
    let mut volumes = Volumes::new();
    let mut env: Vec<EnvVar> = Vec::new();
    let secrets_class = names.with("secrets");

    // Configuration files.
    let mut config_items = vec![(GCFG, GCFG)];
    volumes.mount(
        "config-volume",
        &format!("/etc/rstudio-connect/{GCFG}"),
        Some(GCFG),
        true,
    );
    if spec.off_host_execution {
        config_items.push(("runtime.yaml", "runtime.yaml"));
        config_items.push((
            "launcher.kubernetes.profiles.conf",
            "launcher.kubernetes.profiles.conf",
        ));
        volumes
            .mount(
                "config-volume",
                config::RUNTIME_FILE,
                Some("runtime.yaml"),
                true,
            )
            .mount(
                "config-volume",
                config::PROFILES_FILE,
                Some("launcher.kubernetes.profiles.conf"),
                true,
            );
        volumes.volume(pod::config_map(
            "template-config",
            &names.with("templates"),
            &[],
            Some(0o644),
        ));
        for file in crate::session::TEMPLATE_FILES {
            volumes.mount(
                "template-config",
                &format!("{}/Kubernetes/{file}", config::SCRATCH_PATH),
                Some(file),
                true,
            );
        }
    }
    volumes.volume(pod::config_map(
        "config-volume",
        &names.component,
        &config_items,
        None,
    ));

    // Data.
    if let Some(claim) = &connect.data_claim {
        volumes
            .volume(pod::claim("data-dir-volume", claim, false))
            .mount("data-dir-volume", DATA_DIR, None, false);
    }
    product::add_additional_volumes(&spec.additional_volumes, &mut volumes);

    // Keys and secrets.
    volumes
        .volume(pod::secret(
            "key-volume",
            &key_source.0,
            &[(&key_source.1, "secret.key")],
            Some(0o600),
        ))
        .mount("key-volume", KEY_FILE, Some("secret.key"), true);
    let (password_secret, password_key) = password_source(connect, inputs);
    for variable in [
        "CONNECT_POSTGRES_PASSWORD",
        "CONNECT_POSTGRES_INSTRUMENTATIONPASSWORD",
    ] {
        env.push(pod::env_from_secret(
            variable,
            &password_secret,
            &password_key,
            false,
        ));
    }
    product::add_license(
        &CONNECT_LICENSE,
        &spec.license,
        &connect.vault,
        &names.component,
        &secrets_class,
        &mut volumes,
        &mut env,
    );
    if spec.auth.type_ == AuthType::Oidc {
        // Validation refuses oidc without a vault.
        let volume = match &connect.vault {
            Vault::Aws(_) => Some(pod::csi_secrets("client-secret-volume", &secrets_class)),
            Vault::Kubernetes(vault) => Some(pod::secret(
                "client-secret-volume",
                vault,
                &[("pub-client-secret", "client-secret")],
                Some(0o600),
            )),
            Vault::None => None,
        };
        if let Some(volume) = volume {
            volumes.volume(volume).mount(
                "client-secret-volume",
                config::CLIENT_SECRET_FILE,
                Some("client-secret"),
                true,
            );
        }
    }
    if smtp {
        for (variable, key) in [
            ("CONNECT_SMTP_HOST", "smtp-host"),
            ("CONNECT_SMTP_PASSWORD", "smtp-password"),
            ("CONNECT_SMTP_PORT", "smtp-port"),
            ("CONNECT_SMTP_USER", "smtp-user"),
        ] {
            match &connect.vault {
                Vault::Aws(_) => env.push(pod::env_from_secret(
                    variable,
                    &names.with("smtp"),
                    key,
                    false,
                )),
                Vault::Kubernetes(vault) => env.push(pod::env_from_secret(
                    variable,
                    vault,
                    &format!("pub-{key}"),
                    true,
                )),
                Vault::None => {}
            }
        }
    }
    if connect.vault.is_aws() && !volumes_use_class(&spec.license, spec.auth.type_) {
        // Pods must mount the provider class for the CSI driver to sync its Secrets.
        volumes
            .volume(pod::csi_secrets("secret-csi-volume", &secrets_class))
            .mount("secret-csi-volume", "/mnt/secrets-store", None, true);
    }
    env.extend(pod::add_env(&spec.add_env));
    env.push(pod::env("LAUNCHER_INSTANCE_ID", &names.component));

    let (pod_volumes, mounts) = volumes.finish();
    let startup = pod::startup(spec.sleep);
    let mut containers = vec![Container {
        name: "connect".to_string(),
        image: Some(spec.image.clone()),
        image_pull_policy: pod::pull_policy(spec.image_pull_policy),
        command: startup.0,
        args: startup.1,
        ports: Some(vec![
            pod::port("http", HTTP_PORT),
            pod::port("metrics", METRICS_PORT),
        ]),
        env: Some(env),
        volume_mounts: Some(mounts),
        readiness_probe: Some(pod::http_probe("/__ping__", "http", [3, 1, 3, 1, 3])),
        // Content running inside the server (no off-host execution) needs a privileged
        // sandbox.
        security_context: (!spec.off_host_execution).then(|| SecurityContext {
            privileged: Some(true),
            ..SecurityContext::default()
        }),
        ..Container::default()
    }];
    if !spec.chronicle_agent_image.is_empty() {
        let mut agent_env = vec![
            pod::env(
                "CHRONICLE_CONNECT_METRICS_URL",
                &format!("http://localhost:{METRICS_PORT}/metrics"),
            ),
            pod::env(
                "CHRONICLE_SERVER_ADDRESS",
                &product::chronicle_url(&owner.name, &owner.namespace),
            ),
        ];
        if spec.chronicle_sidecar_product_api_key_enabled {
            let (secret, key) = match &connect.vault {
                Vault::Aws(_) => (names.with("chronicle"), "pub-chronicle-api-key".to_string()),
                Vault::Kubernetes(vault) => (vault.clone(), "pub-chronicle-api-key".to_string()),
                Vault::None => (String::new(), String::new()),
            };
            if !secret.is_empty() {
                agent_env.push(pod::env_from_secret(
                    "CHRONICLE_CONNECT_APIKEY",
                    &secret,
                    &key,
                    true,
                ));
            }
        }
        containers.push(product::chronicle_agent(
            &spec.chronicle_agent_image,
            agent_env,
        ));
    }

    let mut annotations = BTreeMap::from([(
        "connect.posit.team/configmap-sha".to_string(),
        config_hash.to_string(),
    )]);
    if let Some(hash) = template_hash {
        annotations.insert(
            "connect.posit.team/template-sha".to_string(),
            hash.to_string(),
        );
    }
    Object::Deployment(Box::new(Deployment {
        metadata: meta::owned(&names.component, owner, connect.labels.full()),
        spec: Some(DeploymentSpec {
            replicas: Some(replicas(spec.replicas)),
            selector: LabelSelector {
                match_labels: Some(connect.labels.selector()),
                match_expressions: None,
            },
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(connect.labels.full()),
                    annotations: Some(annotations),
                    ..ObjectMeta::default()
                }),
                spec: Some(PodSpec {
                    enable_service_links: Some(false),
                    node_selector: pod::non_empty(&spec.node_selector),
                    image_pull_secrets: pod::pull_secrets(&spec.image_pull_secrets),
                    // Only the launcher needs the API; without off-host execution no token.
                    service_account_name: spec.off_host_execution.then(|| names.component.clone()),
                    automount_service_account_token: (!spec.off_host_execution).then_some(false),
                    affinity: Some(pod::spread_over_nodes(
                        &connect.labels.instance,
                        &connect.labels.site,
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

fn volumes_use_class(license: &team_api::shared::LicenseSpec, auth: AuthType) -> bool {
    license.type_ != team_api::enums::LicenseType::Key || auth == AuthType::Oidc
}

/// Connect's store for the AWS site-session vault (for requirements of callers).
pub fn session_store(connect: &ValidatedConnect) -> Store {
    Store::Aws {
        vault: session::session_vault(connect),
    }
}
