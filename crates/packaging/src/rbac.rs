//! RBAC as sets of grants: what rendered Roles and bindings give a ServiceAccount, and what
//! the operator's code needs.

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

pub use team_operator::runtime::permissions::{Need, Place, controller_needs};

/// One permission: a verb on a resource, in a namespace or cluster-wide (`namespace: None`),
/// optionally limited to one object name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Grant {
    pub namespace: Option<String>,
    pub group: String,
    pub resource: String,
    pub verb: String,
    pub name: Option<String>,
}

impl std::fmt::Display for Grant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let group = if self.group.is_empty() {
            "core"
        } else {
            &self.group
        };
        write!(f, "{} {group}/{}", self.verb, self.resource)?;
        if let Some(name) = &self.name {
            write!(f, " named {name}")?;
        }
        match &self.namespace {
            Some(namespace) => write!(f, " in {namespace}"),
            None => write!(f, " cluster-wide"),
        }
    }
}

/// The grants of a rule, scoped to `namespace`.
pub fn rule_grants(rule: &Value, namespace: Option<&str>) -> Vec<Grant> {
    let list = |key: &str| -> Vec<String> {
        rule[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect()
    };
    let names = list("resourceNames");
    let names: Vec<Option<String>> = if names.is_empty() {
        vec![None]
    } else {
        names.into_iter().map(Some).collect()
    };
    let mut out = Vec::new();
    for group in list("apiGroups") {
        for resource in list("resources") {
            for verb in list("verbs") {
                for name in &names {
                    out.push(Grant {
                        namespace: namespace.map(str::to_string),
                        group: group.clone(),
                        resource: resource.clone(),
                        verb: verb.clone(),
                        name: name.clone(),
                    });
                }
            }
        }
    }
    out
}

/// Everything the rendered bindings give the ServiceAccount `namespace/name`.
pub fn service_account_grants(objects: &[Value], namespace: &str, name: &str) -> BTreeSet<Grant> {
    let mut out = BTreeSet::new();
    for binding in objects {
        let kind = binding["kind"].as_str().unwrap_or_default();
        if kind != "RoleBinding" && kind != "ClusterRoleBinding" {
            continue;
        }
        let bound = binding["subjects"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|s| {
                s["kind"] == "ServiceAccount" && s["name"] == name && s["namespace"] == namespace
            });
        if !bound {
            continue;
        }
        let binding_namespace = binding["metadata"]["namespace"].as_str();
        let role_kind = binding["roleRef"]["kind"].as_str().unwrap_or_default();
        let role_name = &binding["roleRef"]["name"];
        let role = objects.iter().find(|o| {
            o["kind"] == role_kind
                && o["metadata"]["name"] == *role_name
                && (role_kind == "ClusterRole"
                    || o["metadata"]["namespace"].as_str() == binding_namespace)
        });
        let role = role.unwrap_or_else(|| {
            panic!("{kind} binds {role_kind} {role_name}, which is not rendered")
        });
        let scope = if kind == "RoleBinding" {
            binding_namespace
        } else {
            None
        };
        for rule in role["rules"].as_array().into_iter().flatten() {
            out.extend(rule_grants(rule, scope));
        }
    }
    out
}

/// Rules of every Role and ClusterRole that use `*` anywhere, as `Kind/name: rule`.
pub fn wildcard_rules(objects: &[Value]) -> Vec<String> {
    let mut out = Vec::new();
    for role in objects
        .iter()
        .filter(|o| o["kind"] == "Role" || o["kind"] == "ClusterRole")
    {
        for rule in role["rules"].as_array().into_iter().flatten() {
            let wild = [
                "apiGroups",
                "resources",
                "verbs",
                "resourceNames",
                "nonResourceURLs",
            ]
            .iter()
            .flat_map(|key| rule[*key].as_array().into_iter().flatten())
            .any(|v| v.as_str().is_some_and(|s| s.contains('*')));
            if wild {
                out.push(format!(
                    "{}/{}: {rule}",
                    role["kind"], role["metadata"]["name"]
                ));
            }
        }
    }
    out
}

/// The rules of every Role the builders create for the given manifests (launcher and
/// Flightdeck Roles): the operator must hold each permission it grants.
pub fn builder_role_needs(manifests: &[&Path]) -> BTreeSet<Need> {
    let mut out = BTreeSet::new();
    for manifest in manifests {
        let sourced = team_operator::input::read_files(&[manifest.to_path_buf()])
            .unwrap_or_else(|e| panic!("{}: {e}", manifest.display()));
        let resources: Vec<_> = sourced.into_iter().map(|s| s.decoded.resource).collect();
        let environment = team_desired::Environment::from_lookup(|_| None);
        let rendered = team_desired::render::render(&resources, "posit-team", &environment)
            .unwrap_or_else(|e| panic!("{}: {}", manifest.display(), e.join("\n")));
        for desired in rendered.objects() {
            let object = desired.object.to_value();
            if object["kind"] != "Role" {
                continue;
            }
            for rule in object["rules"].as_array().into_iter().flatten() {
                out.extend(rule_grants(rule, None).into_iter().map(|g| Need {
                    place: Place::Watched,
                    group: g.group,
                    resource: g.resource,
                    verb: g.verb,
                    name: g.name,
                }));
            }
        }
    }
    out
}

/// The grants `needs` become for an operator watching `watched` (`None`: all namespaces)
/// with its Lease in `lease_namespace`.
pub fn place(
    needs: &BTreeSet<Need>,
    watched: Option<&[&str]>,
    lease_namespace: &str,
) -> BTreeSet<Grant> {
    let mut out = BTreeSet::new();
    for need in needs {
        let namespaces: Vec<Option<String>> = match (need.place, watched) {
            (Place::Watched, Some(list)) => list.iter().map(|n| Some(n.to_string())).collect(),
            (Place::Watched, None) | (Place::Cluster, _) => vec![None],
            (Place::LeaseNamespace, _) => vec![Some(lease_namespace.to_string())],
        };
        for namespace in namespaces {
            out.insert(Grant {
                namespace,
                group: need.group.clone(),
                resource: need.resource.clone(),
                verb: need.verb.clone(),
                name: need.name.clone(),
            });
        }
    }
    out
}
