//! One function per Kubernetes object of a Workbench (besides the Deployment, in
//! [`super::server`], the claims, in [`super::storage`], and the key Secret, in
//! [`super::secrets`]).

use super::{ValidatedWorkbench, secrets, session};
use crate::environment::Environment;
use crate::inputs::Vault;
use crate::meta;
use crate::object::Object;
use crate::postgres;
use crate::product;
use crate::secret_provider::ProviderClass;
use crate::web;
use k8s_openapi::api::core::v1::{ConfigMap, Secret};
use std::collections::BTreeMap;

/// The PostgresDatabase `<name>-workbench` (no schemas: Workbench uses `public`).
pub fn database(workbench: &ValidatedWorkbench) -> Object {
    let spec = &workbench.spec;
    postgres::database(
        &postgres::Declaration {
            component: &workbench.names.component,
            host: &spec.database_config.host,
            schemas: Vec::new(),
            password_key: secrets::PASSWORD_KEY,
            drop_on_teardown: spec.database_config.drop_on_teardown,
            secret: &spec.secret,
            workload_secret: &spec.workload_secret,
            main_database_credential_secret: &spec.main_database_credential_secret,
        },
        &workbench.owner,
        workbench.labels.full(),
    )
}

/// A ConfigMap of configuration files.
pub fn config_map(
    workbench: &ValidatedWorkbench,
    name: &str,
    data: &BTreeMap<String, String>,
) -> Object {
    Object::ConfigMap(Box::new(ConfigMap {
        metadata: meta::owned(name, &workbench.owner, workbench.labels.full()),
        data: Some(data.clone()),
        ..ConfigMap::default()
    }))
}

/// The Secret `<name>-workbench-config`: `database.conf`, `openid-client-secret`,
/// `databricks.conf`.
pub fn config_secret(workbench: &ValidatedWorkbench, files: &BTreeMap<String, String>) -> Object {
    Object::Secret(Box::new(Secret {
        metadata: meta::owned(
            workbench.names.with("config"),
            &workbench.owner,
            workbench.labels.full(),
        ),
        type_: Some("Opaque".to_string()),
        string_data: Some(files.clone()),
        ..Secret::default()
    }))
}

/// The SecretProviderClass `<name>-workbench-secrets` (AWS vaults).
pub fn provider_class(
    workbench: &ValidatedWorkbench,
    class: &ProviderClass,
    environment: &Environment,
) -> Object {
    let vault = match &workbench.vault {
        Vault::Aws(vault) => vault.as_str(),
        Vault::Kubernetes(_) | Vault::None => "",
    };
    class.build(
        &workbench.names.with("secrets"),
        &workbench.owner,
        workbench.labels.full(),
        vault,
        &environment.aws_region,
    )
}

/// The templates ConfigMap `<name>-workbench-templates` and the digest of its data.
pub fn templates(workbench: &ValidatedWorkbench, session_files: &[&str]) -> (Object, String) {
    let defaults = session::defaults(workbench, session_files);
    let effective = crate::session::effective(workbench.spec.session_config.as_ref(), defaults);
    crate::session::templates_config_map(
        &workbench.names.with("templates"),
        &workbench.owner,
        workbench.labels.full(),
        &effective,
    )
}

/// The launcher's ServiceAccount, Role and RoleBinding `<name>-workbench`.
pub fn launcher_rbac(workbench: &ValidatedWorkbench) -> Vec<Object> {
    let spec = &workbench.spec;
    let role = product::irsa(
        &spec.aws_account_id,
        &spec.cluster_date,
        &spec.workload_compound_name,
        "dev",
        None,
    );
    product::launcher_rbac(
        &workbench.names.component,
        &workbench.owner,
        &workbench.labels.full(),
        role,
    )
}

/// The sessions' ServiceAccount `<name>-workbench-session`.
pub fn session_account(workbench: &ValidatedWorkbench) -> Object {
    let spec = &workbench.spec;
    product::service_account(
        &workbench.names.with("session"),
        &workbench.owner,
        workbench.labels.full(),
        product::irsa(
            &spec.aws_account_id,
            &spec.cluster_date,
            &spec.workload_compound_name,
            "dev-ses",
            Some(&workbench.owner.name),
        ),
        &[],
    )
}

/// The Service: port 80 to the server, sessions sticky to one replica.
pub fn service(workbench: &ValidatedWorkbench) -> Object {
    let name = &workbench.names.component;
    web::service(
        name,
        &workbench.owner,
        workbench.labels.full(),
        workbench.labels.selector(),
        &[web::Port {
            name: "http",
            port: 80,
            target: "http",
        }],
        web::sticky_session(name),
    )
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

/// Service, Traefik middlewares (forwarded headers, framing policy, Workbench's public
/// origin), Ingress and PodDisruptionBudget.
pub fn web(workbench: &ValidatedWorkbench) -> Vec<Object> {
    let spec = &workbench.spec;
    let owner = &workbench.owner;
    let names = &workbench.names;
    let labels = workbench.labels.full();
    let forward = names.with("forward");
    let csp = names.with("csp");
    let mut out = vec![
        service(workbench),
        web::headers_middleware(&forward, owner, labels.clone(), &web::FORWARD_HEADERS),
        web::csp_middleware(
            &csp,
            owner,
            labels.clone(),
            &frame_ancestors(&spec.parent_url),
        ),
    ];
    let mut middlewares = vec![forward, csp];
    if !spec.url.is_empty() {
        let headers = names.with("headers");
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
