//! The API permissions the operator's code needs, derived from its kind table: the chart's
//! RBAC is checked against this list, and the controller tests check every request the
//! controllers make against it.

use super::kinds::{self, Kind};
use std::collections::BTreeSet;

/// Where the operator needs a permission.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Place {
    /// In every namespace it watches.
    Watched,
    /// Cluster-scoped resources.
    Cluster,
    /// The leader-election namespace (the release namespace).
    LeaseNamespace,
}

/// A permission the code needs, before it is placed in namespaces.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Need {
    pub place: Place,
    pub group: String,
    /// Plural resource, with `/subresource` when there is one.
    pub resource: String,
    pub verb: String,
    /// Limited to one object name.
    pub name: Option<String>,
}

impl Need {
    /// Whether this permission allows `verb` on `group`/`resource` (named `name`, empty
    /// for collections).
    pub fn allows(&self, verb: &str, group: &str, resource: &str, name: &str) -> bool {
        self.verb == verb
            && self.group == group
            && self.resource == resource
            && self.name.as_deref().is_none_or(|only| only == name)
    }
}

/// Verbs of a kind the operator keeps in its desired state: read and watch it, apply it
/// (patch), create it once, prune it (delete).
pub const MANAGED_VERBS: [&str; 6] = ["get", "list", "watch", "create", "patch", "delete"];

fn need(place: Place, kind: &Kind, resource: &str, verb: &str, name: Option<&str>) -> Need {
    Need {
        place,
        group: kind.group.to_string(),
        resource: resource.to_string(),
        verb: verb.to_string(),
        name: name.map(str::to_string),
    }
}

/// What the controllers need for one kind of the kind table.
fn kind_needs(kind: &Kind, lease_name: &str) -> Vec<Need> {
    let mut out = Vec::new();
    match kind.name {
        "Lease" => {
            // Created when missing, then read and replaced by name.
            out.push(need(
                Place::LeaseNamespace,
                kind,
                kind.plural,
                "create",
                None,
            ));
            for verb in ["get", "update"] {
                out.push(need(
                    Place::LeaseNamespace,
                    kind,
                    kind.plural,
                    verb,
                    Some(lease_name),
                ));
            }
        }
        "Event" => {
            // The event recorder creates Events and patches repeats into series.
            for verb in ["create", "patch"] {
                out.push(need(Place::Watched, kind, kind.plural, verb, None));
            }
        }
        _ if !kind.namespaced => {
            // Persistent volumes hold data: created once, never changed or deleted.
            for verb in ["get", "list", "watch", "create"] {
                out.push(need(Place::Cluster, kind, kind.plural, verb, None));
            }
        }
        _ => {
            for verb in MANAGED_VERBS {
                out.push(need(Place::Watched, kind, kind.plural, verb, None));
            }
            if kind.group == team_api::GROUP {
                for verb in ["get", "patch"] {
                    out.push(need(
                        Place::Watched,
                        kind,
                        &format!("{}/status", kind.plural),
                        verb,
                        None,
                    ));
                }
                // Owner references with blockOwnerDeletion need this on the owner.
                out.push(need(
                    Place::Watched,
                    kind,
                    &format!("{}/finalizers", kind.plural),
                    "update",
                    None,
                ));
            }
        }
    }
    out
}

/// Everything the controllers need, with the leader-election Lease named `lease_name`.
pub fn controller_needs(lease_name: &str) -> BTreeSet<Need> {
    kinds::ALL
        .iter()
        .flat_map(|k| kind_needs(k, lease_name))
        .collect()
}

/// Whether `needs` allow a request in `namespace` (empty for cluster-scoped requests),
/// for an operator that watches that namespace and keeps its Lease in `lease_namespace`.
pub fn allowed(
    needs: &BTreeSet<Need>,
    verb: &str,
    group: &str,
    resource: &str,
    namespace: &str,
    name: &str,
    lease_namespace: &str,
) -> bool {
    needs.iter().any(|need| {
        let placed = match need.place {
            Place::Watched => !namespace.is_empty(),
            Place::Cluster => namespace.is_empty(),
            Place::LeaseNamespace => namespace == lease_namespace,
        };
        placed && need.allows(verb, group, resource, name)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lease_is_limited_to_its_name_and_namespace() {
        let needs = controller_needs("lock");
        let lease = |verb, namespace, name| {
            allowed(
                &needs,
                verb,
                "coordination.k8s.io",
                "leases",
                namespace,
                name,
                "ops",
            )
        };
        assert!(lease("get", "ops", "lock"));
        assert!(lease("update", "ops", "lock"));
        assert!(!lease("update", "ops", "another"));
        assert!(!lease("get", "posit-team", "lock"));
        assert!(lease("create", "ops", ""));
    }

    #[test]
    fn volumes_are_cluster_scoped_and_never_deleted() {
        let needs = controller_needs("lock");
        let pv =
            |verb, namespace| allowed(&needs, verb, "", "persistentvolumes", namespace, "v", "ops");
        assert!(pv("create", ""));
        assert!(!pv("delete", ""));
        assert!(!pv("create", "posit-team"));
    }

    #[test]
    fn events_come_from_the_events_api() {
        let needs = controller_needs("lock");
        assert!(allowed(
            &needs,
            "create",
            "events.k8s.io",
            "events",
            "posit-team",
            "",
            "ops"
        ));
        assert!(!allowed(
            &needs,
            "create",
            "",
            "events",
            "posit-team",
            "",
            "ops"
        ));
    }
}
