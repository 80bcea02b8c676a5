//! Workbench: a `Workbench` resource to its Kubernetes objects.
//!
//! Database, configuration files (main, session and secret), keys (generated once), login
//! hardening and login page, home and shared storage, the server Deployment with its
//! Service, Traefik middlewares, Ingress and PodDisruptionBudget, and with off-host execution
//! the launcher's account, role and the Job templates sessions run from.

pub mod config;
pub mod files;
pub mod login;
mod objects;
mod secrets;
mod server;
mod session;
pub mod storage;
mod validation;

use crate::environment::Environment;
use crate::error::BuildError;
use crate::inputs::{Inputs, Requirement, Vault};
use crate::labels::ComponentLabels;
use crate::meta::Owner;
use crate::names::ProductNames;
use crate::object::Desired;
use crate::product::{self, WORKBENCH_LICENSE};
use std::collections::BTreeMap;
use storage::Storage;
use team_api::WorkbenchSpec;
use team_api::enums::AuthType;

pub use validation::validate;

/// Largest custom login page, in bytes.
pub const LOGIN_PAGE_LIMIT: usize = 65536;

/// A Workbench resource that passed validation.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidatedWorkbench {
    pub owner: Owner,
    pub names: ProductNames,
    pub labels: ComponentLabels,
    pub spec: WorkbenchSpec,
    pub vault: Vault,
    pub storage: Storage,
    /// The custom login page, when there is one (blank pages count as none).
    pub login_page: Option<String>,
}

impl ValidatedWorkbench {
    fn resource(&self) -> String {
        format!("Workbench {}/{}", self.owner.namespace, self.owner.name)
    }
}

/// The Secrets and keys a Workbench refers to.
pub fn requirements(workbench: &ValidatedWorkbench) -> Vec<Requirement> {
    secrets::requirements(workbench)
}

/// The three configuration groups as files, and their digests.
struct Rendered {
    main: BTreeMap<String, String>,
    session: BTreeMap<String, String>,
    secret: BTreeMap<String, String>,
    supervisor: BTreeMap<String, String>,
}

fn render_files(
    workbench: &ValidatedWorkbench,
    inputs: &Inputs,
) -> Result<Rendered, files::FileError> {
    let spec = &workbench.spec;
    let database = workbench.names.database();
    let client_secret = secrets::client_secret(workbench, inputs);
    let databricks = secrets::databricks_client_secrets(workbench, inputs);
    let context = config::Context {
        namespace: &workbench.owner.namespace,
        component: &workbench.names.component,
        database: &database,
        openid_client_secret: &client_secret,
        databricks_client_secrets: &databricks,
    };
    let effective = config::effective(spec, &context);
    let mut session = files::session_ini(&effective.session_ini)?;
    session.extend(files::session_newline(&effective.session_newline)?);
    session.extend(files::session_json(&effective.session_json));
    let mut main = files::ini(&effective.ini)?;
    main.extend(files::profiles(&effective.profiles)?);
    main.extend(files::dcf(&effective.dcf)?);
    main.extend(session.clone());
    let secret = files::secret_ini(&config::effective_secret(spec, &context).ini)?;
    let supervisor = if spec.non_root {
        files::supervisord(&effective.supervisord)?
    } else {
        BTreeMap::new()
    };
    Ok(Rendered {
        main,
        session,
        secret,
        supervisor,
    })
}

fn hash(data: &BTreeMap<String, String>) -> String {
    team_config::config_hash(data.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

/// Every object of a Workbench, in apply order.
pub fn build(
    workbench: &ValidatedWorkbench,
    inputs: &Inputs,
    environment: &Environment,
) -> Result<Vec<Desired>, BuildError> {
    let spec = &workbench.spec;
    let names = &workbench.names;
    let rendered = render_files(workbench, inputs).map_err(|error| BuildError::Invalid {
        resource: workbench.resource(),
        errors: vec![crate::error::FieldError::new(
            error.field,
            error.refused.to_string(),
        )],
    })?;
    let mut out = vec![
        objects::database(workbench),
        objects::config_map(workbench, &names.component, &rendered.main),
        objects::config_map(workbench, &names.with("session"), &rendered.session),
        objects::config_map(workbench, &names.with("login"), &login::data()),
        objects::config_secret(workbench, &rendered.secret),
        objects::session_account(workbench),
    ];
    if let Some(page) = &workbench.login_page {
        let data = BTreeMap::from([("login.html".to_string(), page.clone())]);
        out.push(objects::config_map(
            workbench,
            &names.with("auth-login-page-html"),
            &data,
        ));
    }
    if spec.non_root {
        out.push(objects::config_map(
            workbench,
            &names.with("supervisor"),
            &rendered.supervisor,
        ));
    }
    if let Some(class) = secrets::provider_class(workbench, inputs) {
        out.push(objects::provider_class(workbench, &class, environment));
    }
    let mut template_hash = None;
    if spec.off_host_execution {
        let session_files: Vec<&str> = rendered.session.keys().map(String::as_str).collect();
        let (templates, digest) = objects::templates(workbench, &session_files);
        template_hash = Some(digest);
        out.push(templates);
        out.extend(objects::launcher_rbac(workbench));
    }
    let labels = workbench.labels.full();
    out.extend(
        workbench
            .storage
            .claims(&workbench.owner.namespace, &labels),
    );
    out.extend(product::additional_claims(
        &spec.additional_volumes,
        &workbench.owner.namespace,
        &labels,
    ));
    let hashes = server::Hashes {
        config: hash(&rendered.main),
        session: hash(&rendered.session),
        secret: hash(&rendered.secret),
        template: template_hash,
    };
    out.push(server::deployment(
        workbench,
        inputs,
        &hashes,
        &rendered.main,
    ));
    out.extend(objects::web(workbench));
    let mut desired: Vec<Desired> = out.into_iter().map(Desired::apply).collect();
    desired.push(secrets::key_secret(workbench));
    crate::object::sort_for_apply(&mut desired);
    Ok(desired)
}

/// True when the auth type needs the OIDC files.
fn is_oidc(spec: &WorkbenchSpec) -> bool {
    spec.auth.type_ == AuthType::Oidc
}

/// License constants of Workbench.
fn license() -> &'static product::LicenseFacts {
    &WORKBENCH_LICENSE
}
