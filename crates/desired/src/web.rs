//! How products are reached: Services, Ingresses, PodDisruptionBudgets and the Traefik
//! middlewares the Go operator adds.

use crate::labels::Labels;
use crate::meta::{self, Owner};
use crate::object::{self, Object};
use k8s_openapi::api::core::v1::{Service, ServicePort, ServiceSpec};
use k8s_openapi::api::networking::v1::{
    HTTPIngressPath, HTTPIngressRuleValue, Ingress, IngressBackend, IngressRule,
    IngressServiceBackend, IngressSpec, ServiceBackendPort,
};
use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde_json::json;
use std::collections::BTreeMap;

/// Annotation listing the Traefik middlewares of a router.
pub const MIDDLEWARES_ANNOTATION: &str = "traefik.ingress.kubernetes.io/router.middlewares";

/// A port of a Service: name, port, and the container port name it targets.
pub struct Port<'a> {
    pub name: &'a str,
    pub port: i32,
    pub target: &'a str,
}

/// A ClusterIP Service.
pub fn service(
    name: &str,
    owner: &Owner,
    labels: Labels,
    selector: Labels,
    ports: &[Port<'_>],
    annotations: BTreeMap<String, String>,
) -> Object {
    let mut metadata = meta::owned(name, owner, labels);
    if !annotations.is_empty() {
        meta::annotate(&mut metadata, annotations);
    }
    Object::Service(Box::new(Service {
        metadata,
        spec: Some(ServiceSpec {
            type_: Some("ClusterIP".to_string()),
            selector: Some(selector),
            ports: Some(
                ports
                    .iter()
                    .map(|p| ServicePort {
                        name: Some(p.name.to_string()),
                        port: p.port,
                        protocol: Some("TCP".to_string()),
                        target_port: Some(IntOrString::String(p.target.to_string())),
                        ..ServicePort::default()
                    })
                    .collect(),
            ),
            ..ServiceSpec::default()
        }),
        status: None,
    }))
}

/// An Ingress with one rule: `host`, path `/` to port `http` of `service`.
pub fn ingress(
    name: &str,
    owner: &Owner,
    labels: Labels,
    host: &str,
    service: &str,
    class: &str,
    annotations: BTreeMap<String, String>,
) -> Object {
    let mut metadata = meta::owned(name, owner, labels);
    if !annotations.is_empty() {
        meta::annotate(&mut metadata, annotations);
    }
    Object::Ingress(Box::new(Ingress {
        metadata,
        spec: Some(IngressSpec {
            ingress_class_name: (!class.is_empty()).then(|| class.to_string()),
            rules: Some(vec![IngressRule {
                host: Some(host.to_string()),
                http: Some(HTTPIngressRuleValue {
                    paths: vec![HTTPIngressPath {
                        path: Some("/".to_string()),
                        path_type: "Prefix".to_string(),
                        backend: IngressBackend {
                            service: Some(IngressServiceBackend {
                                name: service.to_string(),
                                port: Some(ServiceBackendPort {
                                    name: Some("http".to_string()),
                                    number: None,
                                }),
                            }),
                            resource: None,
                        },
                    }],
                }),
            }]),
            ..IngressSpec::default()
        }),
        status: None,
    }))
}

/// A PodDisruptionBudget in the owner's namespace: one pod must stay up when there are
/// several replicas, none otherwise.
pub fn disruption_budget(
    name: &str,
    owner: &Owner,
    labels: Labels,
    selector: Labels,
    replicas: i32,
) -> Object {
    Object::PodDisruptionBudget(Box::new(PodDisruptionBudget {
        metadata: meta::owned(name, owner, labels),
        spec: Some(PodDisruptionBudgetSpec {
            min_available: Some(IntOrString::Int(if replicas > 1 { 1 } else { 0 })),
            selector: Some(LabelSelector {
                match_labels: Some(selector),
                match_expressions: None,
            }),
            ..PodDisruptionBudgetSpec::default()
        }),
        status: None,
    }))
}

/// A Traefik Middleware adding request headers.
pub fn headers_middleware(
    name: &str,
    owner: &Owner,
    labels: Labels,
    headers: &[(&str, &str)],
) -> Object {
    let headers: serde_json::Map<String, serde_json::Value> = headers
        .iter()
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    object::external(
        &team_api::kind::MIDDLEWARE,
        meta::owned(name, owner, labels),
        json!({ "spec": { "headers": { "customRequestHeaders": headers } } }),
    )
}

/// A Traefik Middleware setting a Content-Security-Policy.
pub fn csp_middleware(name: &str, owner: &Owner, labels: Labels, policy: &str) -> Object {
    object::external(
        &team_api::kind::MIDDLEWARE,
        meta::owned(name, owner, labels),
        json!({ "spec": { "headers": { "contentSecurityPolicy": policy } } }),
    )
}

/// The forwarding headers Connect and Workbench need behind a TLS-terminating proxy.
pub const FORWARD_HEADERS: [(&str, &str); 2] =
    [("X-Forwarded-Port", "443"), ("X-Forwarded-Proto", "https")];

/// Ingress annotations: the user's, with the operator's middlewares appended to a user
/// middleware list (`<ns>-<middleware>@kubernetescrd`).
pub fn ingress_annotations(
    user: &BTreeMap<String, String>,
    namespace: &str,
    middlewares: &[String],
) -> BTreeMap<String, String> {
    let mut annotations = user.clone();
    if !middlewares.is_empty() {
        let ours: Vec<String> = middlewares
            .iter()
            .map(|m| format!("{namespace}-{m}@kubernetescrd"))
            .collect();
        let value = match user.get(MIDDLEWARES_ANNOTATION) {
            Some(theirs) if !theirs.is_empty() => format!("{theirs},{}", ours.join(",")),
            _ => ours.join(","),
        };
        annotations.insert(MIDDLEWARES_ANNOTATION.to_string(), value);
    }
    annotations
}

/// Traefik sticky-session annotations of a Service (cookie named after the component).
pub fn sticky_session(cookie: &str) -> BTreeMap<String, String> {
    let prefix = "traefik.ingress.kubernetes.io/service.sticky.cookie";
    BTreeMap::from([
        (prefix.to_string(), "true".to_string()),
        (format!("{prefix}.httponly"), "true".to_string()),
        (format!("{prefix}.name"), cookie.to_string()),
        (format!("{prefix}.samesite"), "none".to_string()),
        (format!("{prefix}.secure"), "true".to_string()),
    ])
}
