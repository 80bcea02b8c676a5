//! Keycloak for a Site (`spec.keycloak.enabled`): its database, account, credentials and
//! the Keycloak resource of the Keycloak operator, served at `key.<domain>`.

use super::ValidatedSite;
use crate::environment::Environment;
use crate::inputs::{Inputs, Vault};
use crate::meta;
use crate::names;
use crate::object::{self, Desired, Object};
use crate::postgres::{self, DbServer};
use crate::secret_provider::ProviderClass;
use crate::{pod, product, web};
use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec};
use k8s_openapi::api::core::v1::{
    Capabilities, Container, PodSpec, PodTemplateSpec, SecurityContext,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use serde_json::json;
use team_api::SiteSpec;

const FEATURES: [&str; 27] = [
    "account-api",
    "account",
    "admin-api",
    "admin-fine-grained-authz",
    "admin",
    "authorization",
    "ciba",
    "client-policies",
    "client-secret-rotation",
    "client-types",
    "declarative-ui",
    "device-flow",
    "docker",
    "dpop",
    "dynamic-scopes",
    "login",
    "oid4vc-vci",
    "par",
    "passkeys",
    "persistent-user-sessions",
    "preview",
    "recovery-codes",
    "scripts",
    "step-up-authentication",
    "token-exchange",
    "update-email",
    "web-authn",
];

pub fn enabled(spec: &SiteSpec) -> bool {
    spec.keycloak.as_ref().is_some_and(|k| k.enabled)
}

/// Host and port of `host[:port]` (IPv6 in brackets); 5432 when no port is given.
pub fn split_host(host: &str) -> (String, i64) {
    let (name, port) = if let Some(rest) = host.strip_prefix('[') {
        match rest.split_once(']') {
            Some((address, tail)) => (address.to_string(), tail.strip_prefix(':')),
            None => (host.to_string(), None),
        }
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) => (name.to_string(), Some(port)),
            None => (host.to_string(), None),
        }
    };
    (name, port.and_then(|p| p.parse().ok()).unwrap_or(5432))
}

pub fn objects(
    site: &ValidatedSite,
    server: &DbServer,
    inputs: &Inputs,
    environment: &Environment,
) -> Vec<Desired> {
    let spec = &site.spec;
    let name = site.name();
    let owner = &site.owner;
    let labels = site.labels.full();
    let component = names::child(name, "keycloak");
    let host = format!("key.{}", spec.domain);
    let mut out = vec![Desired::apply(postgres::database(
        &postgres::Declaration {
            component: &component,
            // host:port like every product (the Go operator dropped the port here).
            host: &server.host,
            schemas: vec!["keycloak".to_string()],
            password_key: "keycloak-db-password",
            drop_on_teardown: spec.drop_database_on_tear_down,
            secret: &spec.secret,
            workload_secret: &spec.workload_secret,
            main_database_credential_secret: &spec.main_database_credential_secret,
        },
        owner,
        labels.clone(),
    ))];
    out.push(Desired::apply(product::service_account(
        &component,
        owner,
        labels.clone(),
        product::irsa(
            &spec.aws_account_id,
            &spec.cluster_date,
            &spec.workload_compound_name,
            "keycloak",
            None,
        ),
        &[],
    )));

    // Where the Keycloak operator reads the database login.
    let login = names::child(name, "keycloak-db-login");
    let (credentials, user_key, password_key) = match &site.vault {
        Vault::Aws(vault) => {
            let mut class = ProviderClass::new();
            for key in ["keycloak-db-user", "keycloak-db-password"] {
                class.alias(key, key).sync(&login, key, key);
            }
            out.push(Desired::apply(class.build(
                &component,
                owner,
                labels.clone(),
                vault,
                &environment.aws_region,
            )));
            out.push(Desired::apply(secret_consumer(site, &component)));
            (login, "keycloak-db-user", "keycloak-db-password")
        }
        Vault::Kubernetes(vault)
            if site.vault.store(site.namespace()).is_some_and(|store| {
                inputs.is_available(&store, "keycloak-db-user")
                    && inputs.is_available(&store, "keycloak-db-password")
            }) =>
        {
            (vault.clone(), "keycloak-db-user", "keycloak-db-password")
        }
        Vault::Kubernetes(_) | Vault::None => (
            postgres::generated_credentials_secret(&component),
            "username",
            "password",
        ),
    };

    let forward = names::child(name, "keycloak-forward");
    out.push(Desired::apply(web::headers_middleware(
        &forward,
        owner,
        labels.clone(),
        &[
            ("X-Forwarded-Port", "443"),
            ("X-Forwarded-Proto", "https"),
            ("X-Forwarded-Host", &host),
            ("X-Forwarded-For", &format!("https://{host}")),
        ],
    )));
    let (db_host, port) = split_host(&server.host);
    let mut keycloak_spec = json!({
        "db": {
            "vendor": "postgres",
            "usernameSecret": { "name": credentials, "key": user_key },
            "passwordSecret": { "name": credentials, "key": password_key },
            "host": db_host,
            "database": names::database_name(&component),
            "port": port,
            "schema": "keycloak",
            "poolInitialSize": 1,
            "poolMinSize": 2,
            "poolMaxSize": 5,
        },
        "http": { "httpEnabled": true, "httpPort": 8080, "httpsPort": 8443 },
        "hostname": { "hostname": host, "strict": true, "strictBackchannel": true },
        "features": { "enabled": FEATURES, "disabled": [] },
        "transaction": { "xaEnabled": true },
        "instances": 1,
        "ingress": {
            "enabled": true,
            "annotations": web::ingress_annotations(&spec.ingress_annotations, site.namespace(), &[forward]),
        },
        "unsupported": { "podTemplate": { "spec": {
            "serviceAccountName": component,
            "containers": [{ "env": [
                { "name": "KC_PROXY", "value": "edge" },
                { "name": "KC_PROXY_HEADERS", "value": "xforwarded" },
            ] }],
        } } },
    });
    if !spec.ingress_class.is_empty() {
        keycloak_spec["ingress"]["className"] = json!(spec.ingress_class);
    }
    if let Some(image) = spec
        .keycloak
        .as_ref()
        .map(|k| &k.image)
        .filter(|i| !i.is_empty())
    {
        keycloak_spec["image"] = json!(image);
    }
    out.push(Desired::apply(object::external(
        &team_api::kind::KEYCLOAK,
        meta::owned(&component, owner, labels),
        json!({ "spec": keycloak_spec }),
    )));
    out
}

/// A pod that mounts the provider class so the CSI driver syncs the login Secret.
fn secret_consumer(site: &ValidatedSite, class: &str) -> Object {
    let name = names::child(site.name(), "keycloak-spc-consumer");
    let labels = crate::labels::ComponentLabels::new("keycloak", &name, site.name());
    let mut volumes = pod::Volumes::new();
    volumes
        .volume(pod::csi_secrets("keycloak-csi-volume", class))
        .mount("keycloak-csi-volume", "/mnt/secrets-store", None, true);
    let (pod_volumes, mounts) = volumes.finish();
    Object::Deployment(Box::new(Deployment {
        metadata: meta::owned(&name, &site.owner, labels.full()),
        spec: Some(DeploymentSpec {
            replicas: Some(1),
            selector: LabelSelector {
                match_labels: Some(labels.selector()),
                match_expressions: None,
            },
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(labels.full()),
                    ..ObjectMeta::default()
                }),
                spec: Some(PodSpec {
                    service_account_name: Some(names::child(site.name(), "keycloak")),
                    containers: vec![Container {
                        name: "dummy".to_string(),
                        image: Some(super::storage::BUSYBOX.to_string()),
                        command: Some(vec!["sleep".to_string(), "infinity".to_string()]),
                        security_context: Some(SecurityContext {
                            run_as_user: Some(1000),
                            run_as_non_root: Some(true),
                            allow_privilege_escalation: Some(false),
                            privileged: Some(false),
                            capabilities: Some(Capabilities {
                                drop: Some(vec!["ALL".to_string()]),
                                add: None,
                            }),
                            ..SecurityContext::default()
                        }),
                        volume_mounts: Some(mounts),
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
