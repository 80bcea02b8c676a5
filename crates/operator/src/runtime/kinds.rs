//! The kinds the operator writes, with what the API needs to address them. A static table
//! instead of discovery: no start-up round trips, and the RBAC the chart grants can be derived
//! from it.

use kube::core::{ApiResource, GroupVersionKind};

/// One kind the operator may create, update or delete.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Kind {
    pub group: &'static str,
    pub version: &'static str,
    pub kind: &'static str,
    pub plural: &'static str,
    pub namespaced: bool,
    /// Installed by another project (CSI driver, Traefik, Keycloak operator); may be absent.
    pub optional: bool,
    /// Only useful when its project is installed: skipped, not an error, when it is absent
    /// (Traefik middlewares on a cluster with another ingress controller).
    pub best_effort: bool,
}

impl Kind {
    /// `group/version`, or `version` for the core group.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// The kube resource description of this kind.
    pub fn api_resource(&self) -> ApiResource {
        ApiResource::from_gvk_with_plural(
            &GroupVersionKind::gvk(self.group, self.version, self.kind),
            self.plural,
        )
    }

    /// The kind with the given `apiVersion` and `kind`, if the operator writes it.
    pub fn lookup(api_version: &str, kind: &str) -> Option<&'static Kind> {
        ALL.iter()
            .find(|k| k.kind == kind && k.api_version() == api_version)
    }
}

const fn core(kind: &'static str, plural: &'static str, namespaced: bool) -> Kind {
    Kind {
        group: "",
        version: "v1",
        kind,
        plural,
        namespaced,
        optional: false,
        best_effort: false,
    }
}

const fn of(
    group: &'static str,
    version: &'static str,
    kind: &'static str,
    plural: &'static str,
) -> Kind {
    Kind {
        group,
        version,
        kind,
        plural,
        namespaced: true,
        optional: false,
        best_effort: false,
    }
}

const fn optional(mut kind: Kind) -> Kind {
    kind.optional = true;
    kind
}

const fn best_effort(mut kind: Kind) -> Kind {
    kind.best_effort = true;
    optional(kind)
}

/// Every kind the operator writes.
pub const ALL: [Kind; 27] = [
    core("PersistentVolume", "persistentvolumes", false),
    core("PersistentVolumeClaim", "persistentvolumeclaims", true),
    core("ConfigMap", "configmaps", true),
    core("Secret", "secrets", true),
    core("ServiceAccount", "serviceaccounts", true),
    core("Service", "services", true),
    of("apps", "v1", "Deployment", "deployments"),
    of("apps", "v1", "StatefulSet", "statefulsets"),
    of("apps", "v1", "DaemonSet", "daemonsets"),
    of("batch", "v1", "Job", "jobs"),
    of("networking.k8s.io", "v1", "Ingress", "ingresses"),
    of(
        "networking.k8s.io",
        "v1",
        "NetworkPolicy",
        "networkpolicies",
    ),
    of(
        "policy",
        "v1",
        "PodDisruptionBudget",
        "poddisruptionbudgets",
    ),
    of("rbac.authorization.k8s.io", "v1", "Role", "roles"),
    of(
        "rbac.authorization.k8s.io",
        "v1",
        "RoleBinding",
        "rolebindings",
    ),
    of("core.posit.team", "v1beta1", "Site", "sites"),
    of("core.posit.team", "v1beta1", "Connect", "connects"),
    of("core.posit.team", "v1beta1", "Workbench", "workbenches"),
    of(
        "core.posit.team",
        "v1beta1",
        "PackageManager",
        "packagemanagers",
    ),
    of("core.posit.team", "v1beta1", "Chronicle", "chronicles"),
    of("core.posit.team", "v1beta1", "Flightdeck", "flightdecks"),
    of(
        "core.posit.team",
        "v1beta1",
        "PostgresDatabase",
        "postgresdatabases",
    ),
    optional(of(
        "secrets-store.csi.x-k8s.io",
        "v1",
        "SecretProviderClass",
        "secretproviderclasses",
    )),
    best_effort(of("traefik.io", "v1alpha1", "Middleware", "middlewares")),
    optional(of("k8s.keycloak.org", "v2alpha1", "Keycloak", "keycloaks")),
    of("coordination.k8s.io", "v1", "Lease", "leases"),
    of("events.k8s.io", "v1", "Event", "events"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_unique_and_found_by_api_version() {
        for kind in &ALL {
            let found = Kind::lookup(&kind.api_version(), kind.kind).unwrap();
            assert_eq!(found, kind);
        }
        assert_eq!(
            Kind::lookup("v1", "ConfigMap").unwrap().plural,
            "configmaps"
        );
        assert!(Kind::lookup("apps/v1beta1", "Deployment").is_none());
    }
}
