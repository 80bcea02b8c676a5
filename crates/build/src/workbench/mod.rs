//! Workbench: a `Workbench` resource to its Kubernetes objects.
//!
//! Database, configuration files (main, session and secret), keys (generated once), login
//! hardening and login page, home and shared storage, the server Deployment with its
//! Service, Traefik middlewares, Ingress and PodDisruptionBudget, and with off-host execution
//! the launcher's account, role and the Job templates sessions run from.

pub mod config;
pub mod files;
pub mod login;
mod secrets;
mod server;
mod session;
pub mod storage;
mod validation;

use crate::environment::Environment;
use crate::error::BuildError;
use crate::inputs::{Inputs, Requirement, Vault};
use crate::labels::ComponentLabels;
use crate::meta::{self, Owner};
use crate::names::ProductNames;
use crate::object::{Desired, Object};
use crate::postgres;
use crate::product::{self, WORKBENCH_LICENSE};
use crate::web;
use k8s_openapi::api::core::v1::{ConfigMap, Secret};
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
    let owner = &workbench.owner;
    let names = &workbench.names;
    let labels = workbench.labels.full();
    let namespace = &owner.namespace;
    let mut out = Vec::new();

    // Database.
    out.push(Desired::apply(postgres::database(
        &postgres::Declaration {
            component: &names.component,
            host: &spec.database_config.host,
            schemas: Vec::new(),
            password_key: secrets::PASSWORD_KEY,
            drop_on_teardown: spec.database_config.drop_on_teardown,
            secret: &spec.secret,
            workload_secret: &spec.workload_secret,
            main_database_credential_secret: &spec.main_database_credential_secret,
        },
        owner,
        labels.clone(),
    )));

    // Configuration.
    let rendered = render_files(workbench, inputs).map_err(|error| BuildError::Invalid {
        resource: workbench.resource(),
        errors: vec![crate::error::FieldError::new(
            error.field,
            error.refused.to_string(),
        )],
    })?;
    let config_map = |name: &str, data: &BTreeMap<String, String>| {
        Desired::apply(Object::ConfigMap(Box::new(ConfigMap {
            metadata: meta::owned(name, owner, labels.clone()),
            data: Some(data.clone()),
            ..ConfigMap::default()
        })))
    };
    out.push(config_map(&names.component, &rendered.main));
    out.push(config_map(&names.with("session"), &rendered.session));
    out.push(config_map(&names.with("login"), &login::data()));
    if let Some(page) = &workbench.login_page {
        out.push(config_map(
            &names.with("auth-login-page-html"),
            &BTreeMap::from([("login.html".to_string(), page.clone())]),
        ));
    }
    if spec.non_root {
        out.push(config_map(&names.with("supervisor"), &rendered.supervisor));
    }
    out.push(Desired::apply(Object::Secret(Box::new(Secret {
        metadata: meta::owned(names.with("config"), owner, labels.clone()),
        type_: Some("Opaque".to_string()),
        string_data: Some(rendered.secret.clone()),
        ..Secret::default()
    }))));

    // Keys and vault.
    out.push(secrets::key_secret(workbench));
    if let (Some(class), Vault::Aws(vault)) =
        (secrets::provider_class(workbench, inputs), &workbench.vault)
    {
        out.push(Desired::apply(class.build(
            &names.with("secrets"),
            owner,
            labels.clone(),
            vault,
            &environment.aws_region,
        )));
    }

    // Sessions.
    let session_files: Vec<&str> = rendered.session.keys().map(String::as_str).collect();
    let defaults = session::defaults(workbench, &session_files);
    let mut template_hash = None;
    if spec.off_host_execution {
        let effective = crate::session::effective(spec.session_config.as_ref(), defaults);
        let templates = crate::session::templates_config_map(
            &names.with("templates"),
            owner,
            labels.clone(),
            &effective,
        );
        if let Object::ConfigMap(map) = &templates {
            template_hash = map.data.as_ref().map(hash);
        }
        out.push(Desired::apply(templates));
        let launcher_role = product::irsa(
            &spec.aws_account_id,
            &spec.cluster_date,
            &spec.workload_compound_name,
            "dev",
            None,
        );
        for object in product::launcher_rbac(&names.component, owner, &labels, launcher_role) {
            out.push(Desired::apply(object));
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
            "dev-ses",
            Some(&owner.name),
        ),
        &[],
    )));

    // Storage.
    for claim in workbench.storage.claims(namespace, &labels) {
        out.push(Desired::apply(claim));
    }
    for claim in product::additional_claims(&spec.additional_volumes, namespace, &labels) {
        out.push(Desired::apply(claim));
    }

    // Server.
    let hashes = server::Hashes {
        config: hash(&rendered.main),
        session: hash(&rendered.session),
        secret: hash(&rendered.secret),
        template: template_hash,
    };
    out.push(Desired::apply(server::deployment(
        workbench,
        inputs,
        &hashes,
        &rendered.main,
    )));
    out.extend(web_objects(workbench).into_iter().map(Desired::apply));
    crate::object::sort_for_apply(&mut out);
    Ok(out)
}

/// Service, Traefik middlewares, Ingress and PodDisruptionBudget.
fn web_objects(workbench: &ValidatedWorkbench) -> Vec<Object> {
    let spec = &workbench.spec;
    let owner = &workbench.owner;
    let names = &workbench.names;
    let labels = workbench.labels.full();
    let mut out = vec![web::service(
        &names.component,
        owner,
        labels.clone(),
        workbench.labels.selector(),
        &[web::Port {
            name: "http",
            port: 80,
            target: "http",
        }],
        web::sticky_session(&names.component),
    )];
    let forward = names.with("forward");
    let csp = names.with("csp");
    let headers = names.with("headers");
    out.push(web::headers_middleware(
        &forward,
        owner,
        labels.clone(),
        &web::FORWARD_HEADERS,
    ));
    out.push(web::csp_middleware(
        &csp,
        owner,
        labels.clone(),
        &frame_ancestors(&spec.parent_url),
    ));
    let mut middlewares = vec![forward, csp];
    if !spec.url.is_empty() {
        let origin = format!("https://{}", spec.url);
        out.push(web::headers_middleware(
            &headers,
            owner,
            labels.clone(),
            &[("X-Rstudio-Request", origin.as_str())],
        ));
        middlewares.push(headers);
        out.push(web::ingress(
            &names.component,
            owner,
            labels.clone(),
            &spec.url,
            &names.component,
            &spec.ingress_class,
            web::ingress_annotations(&spec.ingress_annotations, &owner.namespace, &middlewares),
        ));
    }
    out.push(web::disruption_budget(
        &names.component,
        owner,
        labels,
        workbench.labels.selector(),
        crate::connect::replicas(spec.replicas),
    ));
    out
}

/// The Content-Security-Policy letting the Site's landing page (and Workbench itself)
/// frame Workbench.
pub fn frame_ancestors(parent_url: &str) -> String {
    if parent_url.is_empty() {
        "frame-ancestors 'self';".to_string()
    } else {
        format!("frame-ancestors {parent_url} 'self';")
    }
}

/// True when the auth type needs the OIDC files.
fn is_oidc(spec: &WorkbenchSpec) -> bool {
    spec.auth.type_ == AuthType::Oidc
}

/// License constants of Workbench.
fn license() -> &'static product::LicenseFacts {
    &WORKBENCH_LICENSE
}
