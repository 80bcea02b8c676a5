//! The Site: one resource to the product resources (Connect, Workbench, PackageManager,
//! Chronicle, Flightdeck) and the site-level objects (storage, image pre-pull, extra
//! service accounts, network policies, Keycloak).

mod keycloak;
mod network;
mod prepull;
pub mod products;
mod storage;

use crate::environment::Environment;
use crate::error::{BuildError, FieldError, Problems};
use crate::inputs::{Found, Inputs, Requirement, Vault};
use crate::labels::ComponentLabels;
use crate::meta::Owner;
use crate::object::{Desired, Object};
use crate::postgres::{self, DbServer};
use crate::{product, validate};
use std::borrow::Cow;
use team_api::enums::{SecretType, VolumeSourceType};
use team_api::site::{InternalConnectSpec, InternalPackageManagerSpec, InternalWorkbenchSpec};
use team_api::{Site, SiteSpec};

/// The product blocks of a Site, borrowed when present, defaults (with the CRD defaults)
/// when absent: no copy of a block on every build.
pub(crate) fn connect_of(spec: &SiteSpec) -> Cow<'_, InternalConnectSpec> {
    spec.connect
        .as_ref()
        .map_or_else(|| Cow::Owned(Default::default()), Cow::Borrowed)
}

pub(crate) fn workbench_of(spec: &SiteSpec) -> Cow<'_, InternalWorkbenchSpec> {
    spec.workbench
        .as_ref()
        .map_or_else(|| Cow::Owned(Default::default()), Cow::Borrowed)
}

pub(crate) fn package_manager_of(spec: &SiteSpec) -> Cow<'_, InternalPackageManagerSpec> {
    spec.package_manager
        .as_ref()
        .map_or_else(|| Cow::Owned(Default::default()), Cow::Borrowed)
}

/// A Site that passed validation.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidatedSite {
    pub owner: Owner,
    pub spec: SiteSpec,
    pub labels: ComponentLabels,
    pub workload: Vault,
    pub vault: Vault,
}

impl ValidatedSite {
    pub fn name(&self) -> &str {
        &self.owner.name
    }

    pub fn namespace(&self) -> &str {
        &self.owner.namespace
    }

    fn resource(&self) -> String {
        format!("Site {}/{}", self.owner.namespace, self.owner.name)
    }
}

/// Checks a Site; every problem is reported with its field.
pub fn validate(site: &Site, namespace: &str) -> Result<ValidatedSite, BuildError> {
    let name = site.metadata.name.clone().unwrap_or_default();
    let spec = &site.spec;
    let mut problems = Problems::new();
    validate::resource_name(&mut problems, &name);
    problems.check(
        !validate::is_host(&spec.domain),
        "spec.domain",
        format!("{:?} is not a DNS domain", spec.domain),
    );
    problems.check(
        spec.workload_secret.type_ == SecretType::Unset,
        "spec.workloadSecret.type",
        "required: where main-database-url (the PostgreSQL admin URL) is read from (kubernetes or aws)",
    );
    validate::vault(&mut problems, "spec.workloadSecret", &spec.workload_secret);
    validate::vault(&mut problems, "spec.secret", &spec.secret);
    validate::vault(
        &mut problems,
        "spec.mainDatabaseCredentialSecret",
        &spec.main_database_credential_secret,
    );
    validate::annotations(
        &mut problems,
        "spec.ingressAnnotations",
        &spec.ingress_annotations,
    );
    for (index, account) in spec.extra_site_service_accounts.iter().enumerate() {
        validate::annotations(
            &mut problems,
            &format!("spec.extraSiteServiceAccounts[{index}].annotations"),
            &account.annotations,
        );
    }
    let connect = connect_of(spec);
    validate::node_selector(
        &mut problems,
        "spec.connect.nodeSelector",
        &connect.node_selector,
    );
    validate::image(&mut problems, "spec.connect.image", &connect.image);
    validate::license(&mut problems, "spec.connect.license", &connect.license);
    validate::auth(
        &mut problems,
        "spec.connect.auth",
        &connect.auth,
        spec.secret.type_ != SecretType::Unset,
    );
    validate::env_names(&mut problems, "spec.connect.addEnv", connect.add_env.keys());
    let workbench = workbench_of(spec);
    validate::node_selector(
        &mut problems,
        "spec.workbench.nodeSelector",
        &workbench.node_selector,
    );
    validate::image(&mut problems, "spec.workbench.image", &workbench.image);
    validate::license(&mut problems, "spec.workbench.license", &workbench.license);
    validate::auth(
        &mut problems,
        "spec.workbench.auth",
        &workbench.auth,
        spec.secret.type_ != SecretType::Unset,
    );
    validate::env_names(
        &mut problems,
        "spec.workbench.addEnv",
        workbench.add_env.keys(),
    );
    validate::additional_volumes(
        &mut problems,
        "spec.workbench.additionalVolumes",
        &workbench.additional_volumes,
    );
    let package_manager = package_manager_of(spec);
    validate::node_selector(
        &mut problems,
        "spec.packageManager.nodeSelector",
        &package_manager.node_selector,
    );
    validate::image(
        &mut problems,
        "spec.packageManager.image",
        &package_manager.image,
    );
    validate::license(
        &mut problems,
        "spec.packageManager.license",
        &package_manager.license,
    );
    validate::env_names(
        &mut problems,
        "spec.packageManager.addEnv",
        package_manager.add_env.keys(),
    );
    if let Some(chronicle) = &spec.chronicle {
        validate::node_selector(
            &mut problems,
            "spec.chronicle.nodeSelector",
            &chronicle.node_selector,
        );
        validate::env_names(
            &mut problems,
            "spec.chronicle.addEnv",
            chronicle.add_env.keys(),
        );
    }
    let mut derived_pm = team_api::PackageManagerSpec {
        git_ssh_keys: package_manager.git_ssh_keys.clone(),
        workload_compound_name: spec.workload_compound_name.clone(),
        ..Default::default()
    };
    crate::package_manager::ssh_keys(&mut problems, "spec.packageManager.gitSSHKeys", &derived_pm);
    derived_pm.git_ssh_keys.clear();
    if let Some(flightdeck) = &spec.flightdeck {
        problems.check(
            flightdeck
                .image
                .chars()
                .any(|c| c.is_whitespace() || c.is_control()),
            "spec.flightdeck.image",
            "is not an image reference or tag",
        );
    }
    let mut suffixes = std::collections::BTreeSet::new();
    for (index, account) in spec.extra_site_service_accounts.iter().enumerate() {
        problems.check(
            !suffixes.insert(account.name_suffix.clone()),
            format!("spec.extraSiteServiceAccounts[{index}].nameSuffix"),
            format!("{:?} is listed twice", account.name_suffix),
        );
    }
    problems.check(
        spec.efs_enabled && !spec.vpc_cidr.is_empty() && !network::is_cidr(&spec.vpc_cidr),
        "spec.vpcCIDR",
        format!(
            "{:?} is not an IPv4 CIDR such as 10.0.0.0/16",
            spec.vpc_cidr
        ),
    );
    problems.check(
        !spec.package_manager_url.is_empty() && !spec.package_manager_url.starts_with("http"),
        "spec.packageManagerUrl",
        "must be an http or https URL",
    );
    problems.check(
        spec.package_manager_url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control()),
        "spec.packageManagerUrl",
        "must not contain spaces or control characters",
    );
    if spec.volume_source.type_ == VolumeSourceType::FsxZfs {
        problems.check(
            spec.volume_source.volume_id.is_empty(),
            "spec.volumeSource.volumeId",
            "required for fsx-zfs",
        );
    }
    if matches!(
        spec.volume_source.type_,
        VolumeSourceType::FsxZfs | VolumeSourceType::Nfs
    ) {
        problems.check(
            !validate::is_host(&spec.volume_source.dns_name),
            "spec.volumeSource.dnsName",
            "required for fsx-zfs and nfs: the file server's DNS name",
        );
    }
    let validated = ValidatedSite {
        owner: Owner::team("Site", &site.metadata, namespace),
        labels: ComponentLabels::new("site", &name, &name),
        workload: Vault::of(&spec.workload_secret),
        vault: Vault::of(&spec.secret),
        spec: spec.clone(),
    };
    problems.finish(&validated.resource(), validated)
}

/// The key of the admin URL in the workload secret.
pub const MAIN_DATABASE_URL: &str = "main-database-url";

/// The Secrets and keys a Site refers to itself (its products have their own).
pub fn requirements(site: &ValidatedSite) -> Vec<Requirement> {
    let namespace = site.namespace();
    let mut list = Vec::new();
    if let Some(store) = site.workload.store(namespace) {
        list.push(
            Requirement::required(store, MAIN_DATABASE_URL, "spec.workloadSecret").with_value(),
        );
    }
    if let Some(store) = Vault::of(&site.spec.main_database_credential_secret).store(namespace) {
        list.push(Requirement::required(
            store.clone(),
            "username",
            "spec.mainDatabaseCredentialSecret",
        ));
        list.push(Requirement::required(
            store,
            "password",
            "spec.mainDatabaseCredentialSecret",
        ));
    }
    if keycloak::enabled(&site.spec)
        && let Some(store) = site.vault.store(namespace)
        && !site.vault.is_aws()
    {
        list.push(Requirement::optional(
            store.clone(),
            "keycloak-db-user",
            "spec.keycloak",
        ));
        list.push(Requirement::optional(
            store,
            "keycloak-db-password",
            "spec.keycloak",
        ));
    }
    list
}

/// The PostgreSQL server, from `main-database-url`; AWS values are placeholders offline.
pub fn database_server(site: &ValidatedSite, inputs: &Inputs) -> Result<DbServer, BuildError> {
    let Some(store) = site.workload.store(site.namespace()) else {
        return Err(invalid(site, "spec.workloadSecret.type", "required"));
    };
    match inputs.get(&store, MAIN_DATABASE_URL) {
        Found::Present(Some(url)) => postgres::parse_server(url.trim()).map_err(|problem| {
            invalid(
                site,
                "spec.workloadSecret",
                format!("{MAIN_DATABASE_URL} in {store} {problem}"),
            )
        }),
        Found::NotFetched => Ok(DbServer {
            host: crate::inputs::aws_placeholder(&store, MAIN_DATABASE_URL, "host"),
            ssl_mode: String::new(),
        }),
        Found::Present(None) | Found::Absent => Err(invalid(
            site,
            "spec.workloadSecret",
            format!("{store} has no key {MAIN_DATABASE_URL:?}"),
        )),
    }
}

fn invalid(site: &ValidatedSite, path: &str, message: impl Into<String>) -> BuildError {
    BuildError::Invalid {
        resource: site.resource(),
        errors: vec![FieldError::new(path, message)],
    }
}

/// Everything a Site creates directly: the product resources and the site-level objects,
/// in apply order.
pub fn build(
    site: &ValidatedSite,
    inputs: &Inputs,
    environment: &Environment,
) -> Result<Vec<Desired>, BuildError> {
    let server = database_server(site, inputs)?;
    let mut out: Vec<Desired> = products::derive(site, &server, environment)
        .into_iter()
        .map(Desired::apply)
        .collect();
    out.extend(storage::objects(site));

    if !site.spec.disable_pre_pull_images {
        out.push(Desired::apply(prepull::daemon_set(site)));
    }
    let labels = site.labels.full();
    for account in &site.spec.extra_site_service_accounts {
        out.push(Desired::apply(product::service_account(
            &crate::names::child(site.name(), &account.name_suffix),
            &site.owner,
            labels.clone(),
            account.annotations.clone(),
            &[],
        )));
    }
    if site.spec.network_trust <= 50 {
        out.extend(network::policies(site).into_iter().map(Desired::apply));
    }
    if keycloak::enabled(&site.spec) {
        out.extend(keycloak::objects(site, &server, inputs, environment));
    }
    crate::object::sort_for_apply(&mut out);

    Ok(out)
}

/// The product resources among a Site's objects.
pub fn product_resources(objects: &[Desired]) -> impl Iterator<Item = &Object> {
    objects.iter().map(|d| &d.object).filter(|o| {
        matches!(
            o,
            Object::Connect(_)
                | Object::Workbench(_)
                | Object::PackageManager(_)
                | Object::Chronicle(_)
                | Object::Flightdeck(_)
        )
    })
}
