//! Flightdeck: a `Flightdeck` resource to the landing page's objects.
//!
//! Contract with the `flightdeck` binary: the container runs the image's entrypoint with
//! `--listen 0.0.0.0:<port>`; it reads its Site (`SITE_NAME` in `NAMESPACE`) from the API
//! with get/list/watch on `sites` granted by its Role; `SHOW_CONFIG`, `SHOW_ACADEMY`,
//! `LOG_LEVEL` and `LOG_FORMAT` set its features and logs; probes are `GET /healthz` on port
//! `http`; it runs as uid 999 with a read-only root filesystem.

use crate::error::{BuildError, Problems};
use crate::labels::ComponentLabels;
use crate::meta::{self, Owner};
use crate::names::ProductNames;
use crate::object::{Desired, Object};
use crate::{pod, product, validate, web};
use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec};
use k8s_openapi::api::core::v1::{
    Container, PodSecurityContext, PodSpec, PodTemplateSpec, ResourceRequirements, SeccompProfile,
};
use k8s_openapi::api::rbac::v1::{PolicyRule, Role};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use std::collections::BTreeMap;
use team_api::{Flightdeck, FlightdeckSpec};

/// Port Flightdeck listens on when the resource does not say.
pub const DEFAULT_PORT: i32 = 8080;
const USER: i64 = 999;

/// A Flightdeck resource that passed validation.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidatedFlightdeck {
    pub owner: Owner,
    pub names: ProductNames,
    pub labels: ComponentLabels,
    pub spec: FlightdeckSpec,
}

/// Checks a Flightdeck resource.
pub fn validate(
    flightdeck: &Flightdeck,
    namespace: &str,
) -> Result<ValidatedFlightdeck, BuildError> {
    let name = flightdeck.metadata.name.clone().unwrap_or_default();
    let spec = &flightdeck.spec;
    let mut problems = Problems::new();
    validate::product(
        &mut problems,
        &name,
        &spec.image,
        &spec.ingress_annotations,
        &Default::default(),
    );
    validate::host(&mut problems, "spec.domain", &spec.domain);
    problems.check(
        spec.site_name.is_empty(),
        "spec.siteName",
        "required: the Site the page shows",
    );
    problems.check(
        !(1..=65535).contains(&spec.port),
        "spec.port",
        "must be a port number (1-65535)",
    );
    let names = ProductNames::new(&name, "flightdeck");
    let site = if spec.site_name.is_empty() {
        &name
    } else {
        &spec.site_name
    };
    let validated = ValidatedFlightdeck {
        owner: Owner::team("Flightdeck", &flightdeck.metadata, namespace),
        labels: ComponentLabels::new("flightdeck", &names.component, site),
        names,
        spec: spec.clone(),
    };
    problems.finish(&format!("Flightdeck {namespace}/{name}"), validated)
}

/// Every object of a Flightdeck, in apply order.
pub fn build(flightdeck: &ValidatedFlightdeck) -> Result<Vec<Desired>, BuildError> {
    let spec = &flightdeck.spec;
    let owner = &flightdeck.owner;
    let names = &flightdeck.names;
    let labels = flightdeck.labels.full();
    let account = names.component.clone();
    let role = names.with("role");
    let mut out = vec![
        Desired::apply(product::service_account(
            &account,
            owner,
            labels.clone(),
            BTreeMap::new(),
            &spec.image_pull_secrets,
        )),
        Desired::apply(Object::Role(Box::new(Role {
            metadata: meta::owned(&role, owner, labels.clone()),
            rules: Some(vec![PolicyRule {
                api_groups: Some(vec![team_api::GROUP.to_string()]),
                resources: Some(vec!["sites".to_string()]),
                verbs: vec!["get".to_string(), "list".to_string(), "watch".to_string()],
                ..PolicyRule::default()
            }]),
        }))),
        Desired::apply(product::role_binding(
            &names.with("rolebinding"),
            owner,
            labels.clone(),
            "Role",
            &role,
            &account,
        )),
        Desired::apply(deployment(flightdeck)),
        Desired::apply(web::service(
            &names.component,
            owner,
            labels.clone(),
            flightdeck.labels.selector(),
            &[web::Port {
                name: "http",
                port: 80,
                target: "http",
            }],
            BTreeMap::new(),
        )),
    ];
    if !spec.domain.is_empty() {
        out.push(Desired::apply(web::ingress(
            &names.component,
            owner,
            labels,
            &spec.domain,
            &names.component,
            &spec.ingress_class,
            spec.ingress_annotations.clone(),
        )));
    }
    crate::object::sort_for_apply(&mut out);
    Ok(out)
}

fn deployment(flightdeck: &ValidatedFlightdeck) -> Object {
    let spec = &flightdeck.spec;
    let names = &flightdeck.names;
    let port = if spec.port > 0 {
        spec.port
    } else {
        DEFAULT_PORT
    };
    let quantity = |v: &str| Quantity(v.to_string());
    let flag = |on: bool| if on { "true" } else { "false" };
    let env = vec![
        pod::env("SITE_NAME", &spec.site_name),
        pod::env_from_field("NAMESPACE", "metadata.namespace"),
        pod::env("SHOW_CONFIG", flag(spec.feature_enabler.show_config)),
        pod::env("SHOW_ACADEMY", flag(spec.feature_enabler.show_academy)),
        pod::env("LOG_LEVEL", spec.log_level.as_str()),
        pod::env("LOG_FORMAT", spec.log_format.as_str()),
    ];
    Object::Deployment(Box::new(Deployment {
        metadata: meta::owned(
            &names.component,
            &flightdeck.owner,
            flightdeck.labels.full(),
        ),
        spec: Some(DeploymentSpec {
            replicas: Some(if spec.replicas > 0 { spec.replicas } else { 1 }),
            selector: LabelSelector {
                match_labels: Some(flightdeck.labels.selector()),
                match_expressions: None,
            },
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(flightdeck.labels.full()),
                    ..ObjectMeta::default()
                }),
                spec: Some(PodSpec {
                    enable_service_links: Some(false),
                    image_pull_secrets: pod::pull_secrets(&spec.image_pull_secrets),
                    service_account_name: Some(names.component.clone()),
                    security_context: Some(PodSecurityContext {
                        run_as_non_root: Some(true),
                        seccomp_profile: Some(SeccompProfile {
                            type_: "RuntimeDefault".to_string(),
                            localhost_profile: None,
                        }),
                        ..PodSecurityContext::default()
                    }),
                    containers: vec![Container {
                        name: "flightdeck".to_string(),
                        image: Some(spec.image.clone()),
                        image_pull_policy: Some(
                            pod::pull_policy(spec.image_pull_policy)
                                .unwrap_or_else(|| "Always".to_string()),
                        ),
                        args: Some(vec!["--listen".to_string(), format!("0.0.0.0:{port}")]),
                        env: Some(env),
                        ports: Some(vec![pod::port("http", port)]),
                        security_context: Some(pod::restricted(USER, true)),
                        resources: Some(ResourceRequirements {
                            requests: Some(BTreeMap::from([
                                ("cpu".to_string(), quantity("50m")),
                                ("memory".to_string(), quantity("64Mi")),
                            ])),
                            limits: Some(BTreeMap::from([
                                ("cpu".to_string(), quantity("200m")),
                                ("memory".to_string(), quantity("256Mi")),
                            ])),
                            claims: None,
                        }),
                        liveness_probe: Some(pod::http_probe(
                            "/healthz",
                            "http",
                            [10, 3, 10, 1, 3],
                        )),
                        readiness_probe: Some(pod::http_probe("/healthz", "http", [3, 1, 3, 1, 2])),
                        ..Container::default()
                    }],
                    ..PodSpec::default()
                }),
            },
            ..DeploymentSpec::default()
        }),
        status: None,
    }))
}
