//! NetworkPolicies of a Site with `networkTrust` of 50 or less: each component accepts
//! traffic only from the components that talk to it, the ingress controller (namespace
//! `traefik`) and the metrics collector (namespace `alloy`).

use super::ValidatedSite;
use crate::labels::{self, Labels};
use crate::meta;
use crate::names;
use crate::object::Object;
use k8s_openapi::api::networking::v1::{
    IPBlock, NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyIngressRule, NetworkPolicyPeer,
    NetworkPolicyPort, NetworkPolicySpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// True for an IPv4 CIDR such as `10.0.0.0/16`.
pub fn is_cidr(value: &str) -> bool {
    let Some((address, prefix)) = value.split_once('/') else {
        return false;
    };
    address.parse::<std::net::Ipv4Addr>().is_ok() && prefix.parse::<u8>().is_ok_and(|p| p <= 32)
}

fn pods(site: &str, pairs: &[(&str, &str)]) -> NetworkPolicyPeer {
    let mut selector: Labels = labels::of([(labels::SITE, site)]);
    selector.extend(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    NetworkPolicyPeer {
        pod_selector: Some(LabelSelector {
            match_labels: Some(selector),
            match_expressions: None,
        }),
        ..NetworkPolicyPeer::default()
    }
}

fn namespace(name: &str) -> NetworkPolicyPeer {
    NetworkPolicyPeer {
        namespace_selector: Some(LabelSelector {
            match_labels: Some(labels::of([(labels::NAMESPACE_NAME, name)])),
            match_expressions: None,
        }),
        ..NetworkPolicyPeer::default()
    }
}

fn cidr(cidr: &str, except: &[&str]) -> NetworkPolicyPeer {
    NetworkPolicyPeer {
        ip_block: Some(IPBlock {
            cidr: cidr.to_string(),
            except: (!except.is_empty()).then(|| except.iter().map(|e| e.to_string()).collect()),
        }),
        ..NetworkPolicyPeer::default()
    }
}

fn ports(numbers: &[i32]) -> Option<Vec<NetworkPolicyPort>> {
    (!numbers.is_empty()).then(|| {
        numbers
            .iter()
            .map(|port| NetworkPolicyPort {
                port: Some(IntOrString::Int(*port)),
                protocol: Some("TCP".to_string()),
                end_port: None,
            })
            .collect()
    })
}

fn ingress(from: Vec<NetworkPolicyPeer>, numbers: &[i32]) -> NetworkPolicyIngressRule {
    NetworkPolicyIngressRule {
        from: Some(from),
        ports: ports(numbers),
    }
}

fn egress(to: Vec<NetworkPolicyPeer>, numbers: &[i32]) -> NetworkPolicyEgressRule {
    NetworkPolicyEgressRule {
        to: Some(to),
        ports: ports(numbers),
    }
}

/// Everything outside the private 10/8 and 192.168/16 ranges.
fn private_egress() -> NetworkPolicyEgressRule {
    egress(
        vec![cidr("0.0.0.0/0", &["10.0.0.0/8", "192.168.0.0/16"])],
        &[],
    )
}

/// The internet only: no private range.
fn internet_only() -> NetworkPolicyEgressRule {
    egress(
        vec![cidr(
            "0.0.0.0/0",
            &["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"],
        )],
        &[],
    )
}

/// Name resolution, which restricted egress would otherwise block.
fn dns() -> NetworkPolicyEgressRule {
    NetworkPolicyEgressRule {
        to: None,
        ports: Some(
            ["UDP", "TCP"]
                .iter()
                .map(|protocol| NetworkPolicyPort {
                    port: Some(IntOrString::Int(53)),
                    protocol: Some(protocol.to_string()),
                    end_port: None,
                })
                .collect(),
        ),
    }
}

fn allow_all_egress() -> NetworkPolicyEgressRule {
    NetworkPolicyEgressRule {
        to: None,
        ports: None,
    }
}

struct Policy {
    suffix: &'static str,
    selector: Vec<(&'static str, String)>,
    ingress: Vec<NetworkPolicyIngressRule>,
    egress: Vec<NetworkPolicyEgressRule>,
}

/// The policies, one per component.
pub fn policies(site: &ValidatedSite) -> Vec<Object> {
    let name = site.name();
    let site_label = site.labels.site.as_str();
    let instance = |product: &str| names::label_value(&names::child(name, product));
    let component = |c: &str| pods(site_label, &[(labels::COMPONENT, c)]);
    let launched_by = |product: &str| {
        pods(
            site_label,
            &[(labels::LAUNCHER_INSTANCE, &instance(product))],
        )
    };
    let flightdeck = component("flightdeck");
    let (traefik, alloy) = (namespace("traefik"), namespace("alloy"));
    let connect = crate::connect::HTTP_PORT;
    let pm = crate::package_manager::HTTP_PORT;
    // The Site always runs Flightdeck on its default port.
    let flightdeck_port = crate::flightdeck::DEFAULT_PORT;

    let mut workbench_session_egress = vec![
        dns(),
        egress(vec![component("workbench")], &[]),
        internet_only(),
    ];
    if site.spec.efs_enabled && !site.spec.vpc_cidr.is_empty() {
        workbench_session_egress.push(egress(vec![cidr(&site.spec.vpc_cidr, &[])], &[2049]));
    }
    let list = vec![
        Policy {
            suffix: "chronicle",
            selector: vec![(labels::INSTANCE, instance("chronicle"))],
            ingress: vec![ingress(
                vec![pods(site_label, &[]), alloy.clone()],
                &[5252, 3030],
            )],
            egress: vec![allow_all_egress()],
        },
        Policy {
            suffix: "connect",
            selector: vec![(labels::INSTANCE, instance("connect"))],
            ingress: vec![
                ingress(
                    vec![
                        component("workbench"),
                        component("connect"),
                        launched_by("workbench"),
                        launched_by("connect"),
                        traefik.clone(),
                        alloy.clone(),
                    ],
                    &[connect, 3232, 5559],
                ),
                ingress(vec![flightdeck.clone()], &[connect]),
            ],
            egress: vec![
                dns(),
                egress(vec![cidr("10.0.0.0/8", &[])], &[443, 5432]),
                egress(vec![component("connect-session")], &[]),
                private_egress(),
            ],
        },
        Policy {
            suffix: "connect-session",
            selector: vec![(labels::COMPONENT, "connect-session".to_string())],
            ingress: vec![ingress(
                vec![component("connect"), alloy.clone()],
                &[connect, 50734],
            )],
            egress: vec![
                dns(),
                internet_only(),
                egress(vec![component("connect")], &[]),
            ],
        },
        Policy {
            suffix: "flightdeck",
            selector: vec![(labels::COMPONENT, "flightdeck".to_string())],
            ingress: vec![ingress(
                vec![traefik.clone(), alloy.clone()],
                &[flightdeck_port],
            )],
            egress: vec![allow_all_egress()],
        },
        Policy {
            suffix: "home",
            selector: vec![(labels::INSTANCE, instance("home"))],
            ingress: vec![ingress(vec![traefik.clone(), alloy.clone()], &[8080])],
            egress: vec![allow_all_egress()],
        },
        Policy {
            suffix: "keycloak",
            // Pods of the Keycloak operator carry the Keycloak resource's name.
            selector: vec![
                ("app", "keycloak".to_string()),
                (labels::INSTANCE, instance("keycloak")),
            ],
            ingress: vec![ingress(vec![traefik.clone(), alloy.clone()], &[8080, 8443])],
            egress: vec![dns(), egress(vec![cidr("10.0.0.0/8", &[])], &[5432])],
        },
        Policy {
            suffix: "packagemanager",
            selector: vec![(labels::INSTANCE, instance("packagemanager"))],
            ingress: vec![ingress(
                vec![
                    pods(site_label, &[(labels::INSTANCE, &instance("workbench"))]),
                    launched_by("workbench"),
                    pods(site_label, &[(labels::INSTANCE, &instance("connect"))]),
                    component("connect-session"),
                    flightdeck.clone(),
                    traefik.clone(),
                    alloy.clone(),
                ],
                &[pm, 2112],
            )],
            egress: vec![allow_all_egress()],
        },
        Policy {
            suffix: "workbench",
            selector: vec![(labels::COMPONENT, "workbench".to_string())],
            ingress: vec![
                ingress(
                    vec![
                        component("workbench"),
                        component("workbench-session"),
                        traefik.clone(),
                        alloy.clone(),
                    ],
                    &[5559, 8787, 8989],
                ),
                ingress(vec![flightdeck], &[8787]),
            ],
            egress: vec![allow_all_egress()],
        },
        Policy {
            suffix: "workbench-session",
            selector: vec![(labels::COMPONENT, "workbench-session".to_string())],
            ingress: vec![ingress(vec![component("workbench"), alloy], &[8788, 8789])],
            egress: workbench_session_egress,
        },
    ];
    list.into_iter()
        .map(|policy| {
            let mut selector: Labels = labels::of([(labels::SITE, site_label)]);
            selector.extend(policy.selector.into_iter().map(|(k, v)| (k.to_string(), v)));
            if policy.suffix == "keycloak" {
                selector.remove(labels::SITE);
            }
            Object::NetworkPolicy(Box::new(NetworkPolicy {
                metadata: meta::owned(
                    names::child(name, policy.suffix),
                    &site.owner,
                    site.labels.full(),
                ),
                spec: Some(NetworkPolicySpec {
                    pod_selector: Some(LabelSelector {
                        match_labels: Some(selector),
                        match_expressions: None,
                    }),
                    policy_types: Some(vec!["Ingress".to_string(), "Egress".to_string()]),
                    ingress: Some(policy.ingress),
                    egress: Some(policy.egress),
                }),
            }))
        })
        .collect()
}
