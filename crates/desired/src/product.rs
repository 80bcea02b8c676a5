//! What Connect, Package Manager and Workbench share: licenses, data volumes, claims, IAM
//! roles for service accounts, the Chronicle agent sidecar, launcher RBAC.

use crate::inputs::{Requirement, Store, Vault};
use crate::labels::Labels;
use crate::meta::{self, Owner};
use crate::object::Object;
use crate::pod::{self, Volumes};
use crate::secret_provider::ProviderClass;
use k8s_openapi::api::core::v1::{
    Container, EnvVar, PersistentVolumeClaim, PersistentVolumeClaimSpec, ServiceAccount,
    VolumeResourceRequirements,
};
use k8s_openapi::api::rbac::v1::{PolicyRule, Role, RoleBinding, RoleRef, Subject};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use std::collections::BTreeMap;
use team_api::enums::LicenseType;
use team_api::shared::{LicenseSpec, VolumeSpec};

/// License constants of one product.
pub struct LicenseFacts {
    /// Where the license file is mounted.
    pub file_path: &'static str,
    /// Env var pointing the product at the file.
    pub file_env: &'static str,
    /// Env var carrying a license key.
    pub key_env: &'static str,
    /// Short product name of the vault keys (`pub`, `dev`, `pkg`).
    pub short: &'static str,
}

pub const CONNECT_LICENSE: LicenseFacts = LicenseFacts {
    file_path: "/etc/rstudio-connect/license.lic",
    file_env: "RSC_LICENSE_FILE_PATH",
    key_env: "RSC_LICENSE",
    short: "pub",
};

pub const PACKAGE_MANAGER_LICENSE: LicenseFacts = LicenseFacts {
    file_path: "/etc/rstudio-pm/license/license.lic",
    file_env: "RSPM_LICENSE_FILE_PATH",
    key_env: "RSPM_LICENSE",
    short: "pkg",
};

pub const WORKBENCH_LICENSE: LicenseFacts = LicenseFacts {
    file_path: "/etc/rstudio-server/license.lic",
    file_env: "RSW_LICENSE_FILE_PATH",
    key_env: "RSW_LICENSE",
    short: "dev",
};

/// The Kubernetes Secret holding a license file (`existingSecretName` or
/// `<component>-license`) and its key (`existingSecretKey` or `license.lic`).
pub fn license_secret(license: &LicenseSpec, component: &str) -> (String, String) {
    let name = if license.existing_secret_name.is_empty() {
        crate::names::fit(&format!("{component}-license"))
    } else {
        license.existing_secret_name.clone()
    };
    let key = if license.existing_secret_key.is_empty() {
        "license.lic".to_string()
    } else {
        license.existing_secret_key.clone()
    };
    (name, key)
}

/// Adds the license to a server container: a key in the environment (type `KEY`), or a
/// license file from the vault (AWS) or from a Kubernetes Secret.
pub fn add_license(
    facts: &LicenseFacts,
    license: &LicenseSpec,
    vault: &Vault,
    component: &str,
    provider_class: &str,
    volumes: &mut Volumes,
    env: &mut Vec<EnvVar>,
) {
    if license.type_ == LicenseType::Key {
        env.push(pod::env(facts.key_env, &license.key));
        return;
    }
    env.push(pod::env(facts.file_env, facts.file_path));
    let file = format!("{}.lic", facts.short);
    match vault {
        Vault::Aws(_) => {
            volumes
                .volume(pod::csi_secrets("license-volume", provider_class))
                .mount("license-volume", facts.file_path, Some(&file), true);
        }
        Vault::Kubernetes(_) | Vault::None => {
            let (secret, key) = license_secret(license, component);
            volumes
                .volume(pod::secret("license-volume", &secret, &[], None))
                .mount("license-volume", facts.file_path, Some(&key), true);
        }
    }
}

/// What the license needs from the stores.
pub fn license_requirements(
    facts: &LicenseFacts,
    license: &LicenseSpec,
    vault: &Vault,
    namespace: &str,
    component: &str,
    field: &str,
) -> Option<Requirement> {
    if license.type_ == LicenseType::Key {
        return None;
    }
    match vault {
        Vault::Aws(vault) => Some(Requirement::required(
            Store::Aws {
                vault: vault.clone(),
            },
            &format!("{}-license", facts.short),
            field,
        )),
        Vault::Kubernetes(_) | Vault::None => {
            let (secret, key) = license_secret(license, component);
            Some(Requirement::required(
                Store::Kubernetes {
                    namespace: namespace.to_string(),
                    name: secret,
                },
                &key,
                field,
            ))
        }
    }
}

/// What every product needs from its stores: the license, and the vault keys it uses when
/// present (`optional`, e.g. the database password, generated otherwise).
pub fn base_requirements(
    facts: &LicenseFacts,
    license: &LicenseSpec,
    vault: &Vault,
    namespace: &str,
    component: &str,
    optional: &[&str],
) -> Vec<Requirement> {
    let mut list: Vec<Requirement> =
        license_requirements(facts, license, vault, namespace, component, "spec.license")
            .into_iter()
            .collect();
    if let Some(store) = vault.store(namespace) {
        for key in optional {
            list.push(Requirement::optional(store.clone(), key, "spec.secret"));
        }
    }
    list
}

/// Session settings of the experimental blocks: only values actually given replace the
/// defaults (the Go operator overwrote them even with empty values).
pub fn override_session(
    pod: &mut team_api::session::PodConfig,
    env: &[EnvVar],
    pull_policy: team_api::enums::PullPolicy,
    service_account: &str,
) {
    if !env.is_empty() {
        pod.env = env.to_vec();
    }
    if pull_policy != team_api::enums::PullPolicy::Unset {
        pod.image_pull_policy = pull_policy;
    }
    if !service_account.is_empty() {
        pod.service_account_name = service_account.to_string();
    }
}

/// Adds the license file alias to a product's SecretProviderClass.
pub fn license_alias(facts: &LicenseFacts, license: &LicenseSpec, class: &mut ProviderClass) {
    if license.type_ != LicenseType::Key {
        class.alias(
            &format!("{}.lic", facts.short),
            &format!("{}-license", facts.short),
        );
    }
}

/// A PersistentVolumeClaim for a product volume. Claims hold user data and are kept when
/// the product is deleted (no owner reference).
pub fn claim(
    name: &str,
    namespace: &str,
    labels: Labels,
    volume: &VolumeSpec,
    default_size: &str,
) -> Object {
    let access_modes = if volume.access_modes.is_empty() {
        vec!["ReadWriteOnce".to_string()]
    } else {
        volume
            .access_modes
            .iter()
            .map(|m| m.as_str().to_string())
            .collect()
    };
    let size = if volume.size.is_empty() {
        default_size
    } else {
        &volume.size
    };
    Object::PersistentVolumeClaim(Box::new(PersistentVolumeClaim {
        metadata: meta::kept(name, namespace, labels),
        spec: Some(PersistentVolumeClaimSpec {
            access_modes: Some(access_modes),
            storage_class_name: (!volume.storage_class_name.is_empty())
                .then(|| volume.storage_class_name.clone()),
            volume_name: (!volume.volume_name.is_empty()).then(|| volume.volume_name.clone()),
            resources: Some(VolumeResourceRequirements {
                requests: Some(BTreeMap::from([(
                    "storage".to_string(),
                    Quantity(size.to_string()),
                )])),
                limits: None,
            }),
            ..PersistentVolumeClaimSpec::default()
        }),
        status: None,
    }))
}

/// Pod volume name of an additional volume.
pub fn additional_volume_name(volume: &VolumeSpec) -> String {
    crate::names::fit(&format!("addl-{}", volume.pvc_name))
}

/// Mounts the additional volumes (claims `pvcName` at `mountPath`).
pub fn add_additional_volumes(additional: &[VolumeSpec], volumes: &mut Volumes) {
    for volume in additional {
        let name = additional_volume_name(volume);
        volumes
            .volume(pod::claim(&name, &volume.pvc_name, volume.read_only))
            .mount(&name, &volume.mount_path, None, volume.read_only);
    }
}

/// Claims of the additional volumes marked `create`.
pub fn additional_claims(
    additional: &[VolumeSpec],
    namespace: &str,
    labels: &Labels,
) -> Vec<Object> {
    additional
        .iter()
        .filter(|v| v.create)
        .map(|v| claim(&v.pvc_name, namespace, labels.clone(), v, "10Gi"))
        .collect()
}

/// IAM role (IRSA) of a ServiceAccount, only when the account id and cluster date are set:
/// `arn:aws:iam::<account>:role/<name>.<date>[.<site>].<workload>.posit.team`.
pub fn irsa(
    aws_account_id: &str,
    cluster_date: &str,
    workload: &str,
    role: &str,
    site: Option<&str>,
) -> BTreeMap<String, String> {
    if aws_account_id.is_empty() || cluster_date.is_empty() {
        return BTreeMap::new();
    }
    let role_name = match site {
        Some(site) => format!("{role}.{cluster_date}.{site}.{workload}.posit.team"),
        None => format!("{role}.{cluster_date}.{workload}.posit.team"),
    };
    BTreeMap::from([(
        "eks.amazonaws.com/role-arn".to_string(),
        format!("arn:aws:iam::{aws_account_id}:role/{role_name}"),
    )])
}

/// A ServiceAccount with optional annotations and pull secrets.
pub fn service_account(
    name: &str,
    owner: &Owner,
    labels: Labels,
    annotations: BTreeMap<String, String>,
    pull_secrets: &[String],
) -> Object {
    let mut metadata = meta::owned(name, owner, labels);
    if !annotations.is_empty() {
        meta::annotate(&mut metadata, annotations);
    }
    Object::ServiceAccount(Box::new(ServiceAccount {
        metadata,
        automount_service_account_token: Some(true),
        image_pull_secrets: pod::pull_secrets(pull_secrets),
        secrets: None,
    }))
}

/// What the Posit Job Launcher needs to run sessions and content as Jobs: its account and a
/// Role in the namespace.
pub fn launcher_rbac(
    name: &str,
    owner: &Owner,
    labels: &Labels,
    sa_annotations: BTreeMap<String, String>,
) -> Vec<Object> {
    let rule = |group: &str, resources: &[&str], verbs: &[&str]| PolicyRule {
        api_groups: Some(vec![group.to_string()]),
        resources: Some(resources.iter().map(|r| r.to_string()).collect()),
        verbs: verbs.iter().map(|v| v.to_string()).collect(),
        ..PolicyRule::default()
    };
    let full = [
        "get", "create", "update", "patch", "watch", "list", "delete",
    ];
    vec![
        service_account(name, owner, labels.clone(), sa_annotations, &[]),
        Object::Role(Box::new(Role {
            metadata: meta::owned(name, owner, labels.clone()),
            rules: Some(vec![
                rule("", &["serviceaccounts"], &["list"]),
                rule("", &["pods/log"], &["get", "watch", "list"]),
                rule("", &["pods", "pods/attach", "pods/exec"], &full),
                rule("", &["events"], &["watch"]),
                rule(
                    "",
                    &["services"],
                    &["get", "create", "watch", "list", "delete"],
                ),
                rule("batch", &["jobs"], &full),
                rule("metrics.k8s.io", &["pods"], &["get"]),
            ]),
        })),
        role_binding(name, owner, labels.clone(), "Role", name, name),
    ]
}

/// A RoleBinding of `role` to the ServiceAccount `account` of the owner's namespace.
pub fn role_binding(
    name: &str,
    owner: &Owner,
    labels: Labels,
    role_kind: &str,
    role: &str,
    account: &str,
) -> Object {
    Object::RoleBinding(Box::new(RoleBinding {
        metadata: meta::owned(name, owner, labels),
        role_ref: RoleRef {
            api_group: "rbac.authorization.k8s.io".to_string(),
            kind: role_kind.to_string(),
            name: role.to_string(),
        },
        subjects: Some(vec![Subject {
            kind: "ServiceAccount".to_string(),
            name: account.to_string(),
            namespace: Some(owner.namespace.clone()),
            api_group: None,
        }]),
    }))
}

/// The Chronicle server as the products' agents reach it.
pub fn chronicle_url(instance: &str, namespace: &str) -> String {
    format!(
        "http://{}.{namespace}.svc.cluster.local",
        crate::names::child(instance, "chronicle")
    )
}

/// The Chronicle agent sidecar.
pub fn chronicle_agent(image: &str, env: Vec<EnvVar>) -> Container {
    Container {
        name: "chronicle".to_string(),
        image: Some(image.to_string()),
        env: Some(env),
        ..Container::default()
    }
}
