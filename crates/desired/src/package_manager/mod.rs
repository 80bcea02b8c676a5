//! Package Manager: a `PackageManager` resource to its Kubernetes objects.
//!
//! Database, `rstudio-pm.gcfg`, encryption key, license, storage (S3, Azure Files or a
//! local claim, mounted as the data directory), Git SSH keys, the server Deployment with
//! its Service, Ingress and PodDisruptionBudget.

pub mod config;

use crate::connect::generated_secret;
use crate::environment::Environment;
use crate::error::{BuildError, Problems};
use crate::inputs::{Inputs, Requirement, Store, Vault};
use crate::labels::ComponentLabels;
use crate::meta::{self, Owner};
use crate::names::ProductNames;
use crate::object::{Desired, Generated, Object, Recipe};
use crate::pod::{self, Volumes};
use crate::postgres;
use crate::product::{self, PACKAGE_MANAGER_LICENSE};
use crate::secret_provider::ProviderClass;
use crate::{validate, web};
use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec};
use k8s_openapi::api::core::v1::{
    ConfigMap, Container, EnvVar, PodSecurityContext, PodSpec, PodTemplateSpec,
    ResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use std::collections::BTreeMap;
use team_api::enums::{LicenseType, SshKeySource};
use team_api::shared::VolumeSpec;
use team_api::{PackageManager, PackageManagerSpec};

pub const HTTP_PORT: i32 = 4242;
pub const METRICS_PORT: i32 = 2112;
/// Package Manager's default data directory, where the local claim is mounted.
pub const DATA_DIR: &str = "/var/lib/rstudio-pm";
/// Where Git SSH keys are mounted: `<dir>/<name>`.
pub const SSH_KEYS_DIR: &str = "/mnt/ssh-keys";
const GCFG: &str = "rstudio-pm.gcfg";
const SSH_CONFIG: &str = "ssh_config";
/// The server runs as this user (the image's `rstudio-pm`).
const PM_USER: i64 = 999;

/// A PackageManager resource that passed validation.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidatedPackageManager {
    pub owner: Owner,
    pub names: ProductNames,
    pub labels: ComponentLabels,
    pub spec: PackageManagerSpec,
    pub vault: Vault,
}

impl ValidatedPackageManager {
    fn resource(&self) -> String {
        format!(
            "PackageManager {}/{}",
            self.owner.namespace, self.owner.name
        )
    }
}

/// Checks a PackageManager resource.
pub fn validate(
    pm: &PackageManager,
    namespace: &str,
) -> Result<ValidatedPackageManager, BuildError> {
    let name = pm.metadata.name.clone().unwrap_or_default();
    let spec = &pm.spec;
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
    validate::env_names(&mut problems, "spec.addEnv", spec.add_env.keys());
    validate::database_config(&mut problems, "spec.databaseConfig", &spec.database_config);
    if let Some(azure) = &spec.azure_files {
        problems.check(
            azure.storage_class_name.is_empty(),
            "spec.azureFiles.storageClassName",
            "required",
        );
        problems.check(
            azure.share_size_gib < 100,
            "spec.azureFiles.shareSizeGiB",
            "Azure Files shares are at least 100 GiB",
        );
    }
    validate::vault(&mut problems, "spec.secret", &spec.secret);
    ssh_keys(&mut problems, "spec.gitSSHKeys", spec);
    let names = ProductNames::new(&name, "packagemanager");
    let validated = ValidatedPackageManager {
        owner: Owner::team("PackageManager", &pm.metadata, namespace),
        labels: ComponentLabels::new("package-manager", &names.component, &name),
        names,
        spec: spec.clone(),
        vault: Vault::of(&spec.secret),
    };
    problems.finish(&validated.resource(), validated)
}

/// Checks the Git SSH keys (`path` is where they are in the resource).
pub fn ssh_keys(problems: &mut Problems, path: &str, spec: &PackageManagerSpec) {
    let mut seen = std::collections::BTreeSet::new();
    for (index, key) in spec.git_ssh_keys.iter().enumerate() {
        let at = format!("{path}[{index}]");
        problems.check(
            !seen.insert(key.name.clone()),
            format!("{at}.name"),
            format!("{:?} is listed twice", key.name),
        );
        problems.check(
            !validate::is_host(&key.host.to_ascii_lowercase()),
            format!("{at}.host"),
            format!("{:?} is not a host name", key.host),
        );
        for (field, reference) in std::iter::once(("secretRef", &key.secret_ref)).chain(
            key.passphrase_secret_ref
                .iter()
                .map(|r| ("passphraseSecretRef", r)),
        ) {
            match reference.source {
                SshKeySource::Kubernetes => problems.check(
                    reference.key.is_empty(),
                    format!("{at}.{field}.key"),
                    "required for source kubernetes: the key in the Secret",
                ),
                SshKeySource::AwsSecretsManager => problems.check(
                    spec.workload_compound_name.is_empty(),
                    "spec.workloadCompoundName",
                    "required for SSH keys in AWS Secrets Manager (it names the SSH vault)",
                ),
                SshKeySource::AzureKeyVault => problems.add(
                    format!("{at}.{field}.source"),
                    "azure-key-vault is not supported: use kubernetes or aws-secrets-manager",
                ),
            }
        }
    }
}

/// The Secrets and keys a PackageManager refers to.
pub fn requirements(pm: &ValidatedPackageManager) -> Vec<Requirement> {
    let spec = &pm.spec;
    let namespace = &pm.owner.namespace;
    let mut list = product::base_requirements(
        &PACKAGE_MANAGER_LICENSE,
        &spec.license,
        &pm.vault,
        namespace,
        &pm.names.component,
        &["pkg-db-password", "pkg-secret-key"],
    );
    for (index, key) in spec.git_ssh_keys.iter().enumerate() {
        for (field, reference) in std::iter::once(("secretRef", &key.secret_ref)).chain(
            key.passphrase_secret_ref
                .iter()
                .map(|r| ("passphraseSecretRef", r)),
        ) {
            if reference.source == SshKeySource::Kubernetes {
                list.push(Requirement::required(
                    Store::Kubernetes {
                        namespace: namespace.clone(),
                        name: reference.name.clone(),
                    },
                    &reference.key,
                    &format!("spec.gitSSHKeys[{index}].{field}"),
                ));
            }
        }
    }
    list
}

/// The AWS vault of Git SSH keys: `<workloadCompoundName>-<site>-ssh-ppm-keys.posit.team`.
pub fn ssh_vault(pm: &ValidatedPackageManager) -> String {
    format!(
        "{}-{}-ssh-ppm-keys.posit.team",
        pm.spec.workload_compound_name, pm.owner.name
    )
}

/// Every object of a PackageManager, in apply order.
pub fn build(
    pm: &ValidatedPackageManager,
    inputs: &Inputs,
    environment: &Environment,
) -> Result<Vec<Desired>, BuildError> {
    let spec = &pm.spec;
    let owner = &pm.owner;
    let names = &pm.names;
    let labels = pm.labels.full();
    let namespace = &owner.namespace;
    let mut out = Vec::new();

    out.push(Desired::apply(postgres::database(
        &postgres::Declaration {
            component: &names.component,
            host: &spec.database_config.host,
            schemas: vec!["pm".to_string(), "metrics".to_string()],
            password_key: "pkg-db-password",
            drop_on_teardown: spec.database_config.drop_on_teardown,
            secret: &spec.secret,
            workload_secret: &spec.workload_secret,
            main_database_credential_secret: &spec.main_database_credential_secret,
        },
        owner,
        labels.clone(),
    )));

    // Secrets: the key and the database password.
    let vault_store = pm.vault.store(namespace);
    let available = |key: &str| {
        vault_store
            .as_ref()
            .is_some_and(|s| inputs.is_available(s, key))
    };
    let key_secret = names.with("key");
    let (key_source, password_source) = match &pm.vault {
        Vault::Aws(vault) => {
            let mut class = ProviderClass::new();
            class
                .alias("key", "pkg-secret-key")
                .alias("password", "pkg-db-password")
                .sync(&key_secret, "key", "key")
                .sync(&names.with("db"), "password", "password");
            product::license_alias(&PACKAGE_MANAGER_LICENSE, &spec.license, &mut class);
            if spec.license.type_ != LicenseType::Key {
                class.sync(&names.with("db"), "license", "pkg.lic");
            }
            out.push(Desired::apply(class.build(
                &names.with("secrets"),
                owner,
                labels.clone(),
                vault,
                &environment.aws_region,
            )));
            (
                (key_secret.clone(), "key".to_string()),
                (names.with("db"), "password".to_string()),
            )
        }
        Vault::Kubernetes(vault) => {
            let key = if available("pkg-secret-key") {
                (vault.clone(), "pkg-secret-key".to_string())
            } else {
                (key_secret.clone(), "key".to_string())
            };
            let password = if available("pkg-db-password") {
                (vault.clone(), "pkg-db-password".to_string())
            } else {
                generated_password(names)
            };
            (key, password)
        }
        Vault::None => (
            (key_secret.clone(), "key".to_string()),
            generated_password(names),
        ),
    };
    if key_source.0 == key_secret && !pm.vault.is_aws() {
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
    }
    let aws_keys: Vec<_> = spec
        .git_ssh_keys
        .iter()
        .filter(|k| k.secret_ref.source == SshKeySource::AwsSecretsManager)
        .collect();
    if !aws_keys.is_empty() {
        let mut class = ProviderClass::new();
        for key in &spec.git_ssh_keys {
            if key.secret_ref.source == SshKeySource::AwsSecretsManager {
                class.alias(&key.name, &key.secret_ref.name);
            }
            if let Some(passphrase) = key
                .passphrase_secret_ref
                .as_ref()
                .filter(|p| p.source == SshKeySource::AwsSecretsManager)
            {
                class.alias(&format!("{}.passphrase", key.name), &passphrase.name);
            }
        }
        out.push(Desired::apply(class.build(
            &names.with("ssh-secrets"),
            owner,
            labels.clone(),
            &ssh_vault(pm),
            &environment.aws_region,
        )));
    }

    // Configuration.
    let gcfg = config::render(&config::effective(pm)).map_err(|source| BuildError::ConfigFile {
        resource: pm.resource(),
        file: GCFG.to_string(),
        source,
    })?;
    let mut data = BTreeMap::from([(GCFG.to_string(), gcfg)]);
    if !spec.git_ssh_keys.is_empty() {
        data.insert(SSH_CONFIG.to_string(), ssh_config(spec));
    }
    let config_hash = team_config::config_hash(data.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    out.push(Desired::apply(Object::ConfigMap(Box::new(ConfigMap {
        metadata: meta::owned(&names.component, owner, labels.clone()),
        data: Some(data),
        ..ConfigMap::default()
    }))));

    out.push(Desired::apply(product::service_account(
        &names.component,
        owner,
        labels.clone(),
        product::irsa(
            &spec.aws_account_id,
            &spec.cluster_date,
            &spec.workload_compound_name,
            "pkg",
            Some(&owner.name),
        ),
        &[],
    )));

    // Storage.
    if let Some(volume) = spec.volume.as_ref().filter(|v| v.create) {
        out.push(Desired::apply(product::claim(
            &data_claim(pm, volume),
            namespace,
            labels.clone(),
            volume,
            "2Gi",
        )));
    }
    if let Some(azure) = &spec.azure_files {
        let volume = VolumeSpec {
            create: true,
            access_modes: vec![team_api::enums::AccessMode::ReadWriteMany],
            storage_class_name: azure.storage_class_name.clone(),
            size: format!("{}Gi", azure.share_size_gib),
            ..VolumeSpec::default()
        };
        out.push(Desired::apply(product::claim(
            &names.with("azure-files"),
            namespace,
            labels.clone(),
            &volume,
            "100Gi",
        )));
    }

    out.push(Desired::apply(deployment(
        pm,
        &key_source,
        &password_source,
        &config_hash,
    )));
    out.push(Desired::apply(web::service(
        &names.component,
        owner,
        labels.clone(),
        pm.labels.selector(),
        &[web::Port {
            name: "http",
            port: 80,
            target: "http",
        }],
        BTreeMap::new(),
    )));
    if !spec.url.is_empty() {
        out.push(Desired::apply(web::ingress(
            &names.component,
            owner,
            labels.clone(),
            &spec.url,
            &names.component,
            &spec.ingress_class,
            spec.ingress_annotations.clone(),
        )));
    }
    out.push(Desired::apply(web::disruption_budget(
        &names.component,
        owner,
        labels,
        pm.labels.selector(),
        crate::connect::replicas(spec.replicas),
    )));
    crate::object::sort_for_apply(&mut out);
    Ok(out)
}

fn generated_password(names: &ProductNames) -> (String, String) {
    (
        postgres::generated_credentials_secret(&names.component),
        postgres::GENERATED_PASSWORD_KEY.to_string(),
    )
}

/// The data claim: `volume.pvcName` or `<name>-packagemanager`.
fn data_claim(pm: &ValidatedPackageManager, volume: &VolumeSpec) -> String {
    if volume.pvc_name.is_empty() {
        pm.names.component.clone()
    } else {
        volume.pvc_name.clone()
    }
}

/// OpenSSH client settings: each Git host uses its own key; a host key is learned on first
/// use and checked afterwards.
fn ssh_config(spec: &PackageManagerSpec) -> String {
    let mut keys: Vec<_> = spec.git_ssh_keys.iter().collect();
    keys.sort_by(|a, b| (&a.host, &a.name).cmp(&(&b.host, &b.name)));
    let mut text = String::new();
    for key in keys {
        text.push_str(&format!(
            "Host {}\n  IdentityFile {SSH_KEYS_DIR}/{}\n  IdentitiesOnly yes\n  StrictHostKeyChecking accept-new\n\n",
            key.host.to_ascii_lowercase(),
            key.name
        ));
    }
    text
}

fn deployment(
    pm: &ValidatedPackageManager,
    key_source: &(String, String),
    password_source: &(String, String),
    config_hash: &str,
) -> Object {
    let spec = &pm.spec;
    let names = &pm.names;
    let mut volumes = Volumes::new();
    let mut env: Vec<EnvVar> = Vec::new();
    let secrets_class = names.with("secrets");

    volumes
        .volume(pod::config_map(
            "config-volume",
            &names.component,
            &[],
            None,
        ))
        .mount(
            "config-volume",
            &format!("/etc/rstudio-pm/{GCFG}"),
            Some(GCFG),
            true,
        );
    for variable in [
        "PACKAGEMANAGER_POSTGRES_PASSWORD",
        "PACKAGEMANAGER_POSTGRES_USAGEDATAPASSWORD",
    ] {
        env.push(pod::env_from_secret(
            variable,
            &password_source.0,
            &password_source.1,
            false,
        ));
    }
    env.push(pod::env_from_secret(
        "PACKAGEMANAGER_SECRET_KEY",
        &key_source.0,
        &key_source.1,
        false,
    ));
    product::add_license(
        &PACKAGE_MANAGER_LICENSE,
        &spec.license,
        &pm.vault,
        &names.component,
        &secrets_class,
        &mut volumes,
        &mut env,
    );
    if spec.license.type_ != LicenseType::Key {
        // The license file is mounted inside a writable directory of its own.
        volumes
            .volume(pod::empty_dir("license-volume-emptydir"))
            .mount(
                "license-volume-emptydir",
                "/etc/rstudio-pm/license",
                None,
                false,
            );
    }
    if pm.vault.is_aws() && spec.license.type_ == LicenseType::Key {
        volumes
            .volume(pod::csi_secrets("secret-csi-volume", &secrets_class))
            .mount("secret-csi-volume", "/mnt/secrets-store", None, true);
    }
    if let Some(volume) = spec.volume.as_ref() {
        volumes
            .volume(pod::claim("data-volume", &data_claim(pm, volume), false))
            .mount("data-volume", DATA_DIR, None, false);
    }
    if spec.azure_files.is_some() {
        volumes
            .volume(pod::claim(
                "azure-files-volume",
                &names.with("azure-files"),
                false,
            ))
            .mount("azure-files-volume", config::AZURE_FILES_DIR, None, false);
    }
    if !spec.git_ssh_keys.is_empty() {
        volumes.mount(
            "config-volume",
            "/etc/ssh/ssh_config.d/posit-team-git.conf",
            Some(SSH_CONFIG),
            true,
        );
    }
    for key in &spec.git_ssh_keys {
        add_ssh_file(
            &mut volumes,
            &names.with("ssh-secrets"),
            &key.name,
            &key.name,
            &key.secret_ref,
        );
        if let Some(passphrase) = &key.passphrase_secret_ref {
            let file = format!("{}.passphrase", key.name);
            add_ssh_file(
                &mut volumes,
                &names.with("ssh-secrets"),
                &format!("{}-passphrase", key.name),
                &file,
                passphrase,
            );
        }
    }
    env.extend(pod::add_env(&spec.add_env));

    let (pod_volumes, mounts) = volumes.finish();
    let startup = pod::startup(spec.sleep);
    let quantity = |value: &str| Quantity(value.to_string());
    Object::Deployment(Box::new(Deployment {
        metadata: meta::owned(&names.component, &pm.owner, pm.labels.full()),
        spec: Some(DeploymentSpec {
            replicas: Some(crate::connect::replicas(spec.replicas)),
            selector: LabelSelector {
                match_labels: Some(pm.labels.selector()),
                match_expressions: None,
            },
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(pm.labels.full()),
                    annotations: Some(BTreeMap::from([(
                        "package-manager.posit.team/configmap-sha".to_string(),
                        config_hash.to_string(),
                    )])),
                    ..ObjectMeta::default()
                }),
                spec: Some(PodSpec {
                    enable_service_links: Some(false),
                    node_selector: pod::non_empty(&spec.node_selector),
                    image_pull_secrets: pod::pull_secrets(&spec.image_pull_secrets),
                    service_account_name: Some(names.component.clone()),
                    affinity: Some(pod::spread_over_nodes(
                        &pm.labels.instance,
                        &pm.labels.site,
                        &pm.owner.namespace,
                    )),
                    // Claims and secret files must be readable and writable by the server's user.
                    security_context: Some(PodSecurityContext {
                        fs_group: Some(PM_USER),
                        fs_group_change_policy: Some("OnRootMismatch".to_string()),
                        ..PodSecurityContext::default()
                    }),
                    containers: vec![Container {
                        name: "rspm".to_string(),
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
                        security_context: Some(pod::restricted(PM_USER, false)),
                        resources: Some(ResourceRequirements {
                            requests: Some(BTreeMap::from([
                                ("cpu".to_string(), quantity("100m")),
                                ("ephemeral-storage".to_string(), quantity("500Mi")),
                                ("memory".to_string(), quantity("2Gi")),
                            ])),
                            limits: Some(BTreeMap::from([
                                ("cpu".to_string(), quantity("2000m")),
                                ("ephemeral-storage".to_string(), quantity("2Gi")),
                                ("memory".to_string(), quantity("4Gi")),
                            ])),
                            claims: None,
                        }),
                        readiness_probe: Some(pod::http_probe(
                            "/__ping__",
                            "http",
                            [3, 1, 3, 1, 2],
                        )),
                        ..Container::default()
                    }],
                    volumes: Some(pod_volumes),
                    ..PodSpec::default()
                }),
            },
            ..DeploymentSpec::default()
        }),
        status: None,
    }))
}

/// Mounts one SSH file (`<dir>/<file>`), from a Kubernetes Secret or the SSH vault.
fn add_ssh_file(
    volumes: &mut Volumes,
    ssh_class: &str,
    volume: &str,
    file: &str,
    reference: &team_api::shared::SecretReference,
) {
    let volume = crate::names::fit(&format!("ssh-key-{volume}"));
    let path = format!("{SSH_KEYS_DIR}/{file}");
    match reference.source {
        SshKeySource::Kubernetes => {
            volumes
                .volume(pod::secret(
                    &volume,
                    &reference.name,
                    &[(&reference.key, file)],
                    Some(0o440),
                ))
                .mount(&volume, &path, Some(file), true);
        }
        SshKeySource::AwsSecretsManager => {
            volumes.volume(pod::csi_secrets(&volume, ssh_class)).mount(
                &volume,
                &path,
                Some(file),
                true,
            );
        }
        SshKeySource::AzureKeyVault => {}
    }
}
