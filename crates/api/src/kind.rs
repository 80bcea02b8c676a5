//! Every kind the operator reads or writes, with what addressing it needs and the order in
//! which the builders' objects are applied. One table for the builders (apply order), the
//! controllers (what each kind owns, watches and prunes) and the runtime (API paths and the
//! RBAC the chart grants): a kind is named by a constant, so a typo does not compile.

/// One kind of object.
#[derive(Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Kind {
    /// `kind`, e.g. `Deployment`.
    pub name: &'static str,
    /// API group, empty for the core group.
    pub group: &'static str,
    pub version: &'static str,
    /// The resource's plural, as in API paths and RBAC rules.
    pub plural: &'static str,
    pub namespaced: bool,
    /// Installed by another project (CSI driver, Traefik, Keycloak operator); may be absent.
    pub optional: bool,
    /// Only useful when its project is installed: skipped, not an error, when it is absent
    /// (Traefik middlewares on a cluster with another ingress controller).
    pub best_effort: bool,
    /// Rank in the apply order: storage and secret providers, then Secrets and ConfigMaps,
    /// identities, claims, custom resources, Services, workloads, Ingresses and policies
    /// last, so that what a workload mounts or runs as exists before it starts.
    pub apply_rank: u8,
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

    /// The kind with the given `apiVersion` and `kind`, if the operator knows it.
    pub fn lookup(api_version: &str, kind: &str) -> Option<&'static Kind> {
        ALL.iter()
            .copied()
            .find(|k| k.name == kind && k.api_version() == api_version)
    }

    /// True for the kinds of this project, validated by our own CRDs.
    pub fn is_team_resource(&self) -> bool {
        self.group == crate::GROUP
    }
}

/// A kind equals its name (`kind == "Deployment"`).
impl PartialEq<str> for Kind {
    fn eq(&self, name: &str) -> bool {
        self.name == name
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

const fn kind(
    group: &'static str,
    version: &'static str,
    name: &'static str,
    plural: &'static str,
    apply_rank: u8,
) -> Kind {
    Kind {
        name,
        group,
        version,
        plural,
        namespaced: true,
        optional: false,
        best_effort: false,
        apply_rank,
    }
}

const fn core(name: &'static str, plural: &'static str, apply_rank: u8) -> Kind {
    kind("", "v1", name, plural, apply_rank)
}

const fn team(name: &'static str, plural: &'static str, apply_rank: u8) -> Kind {
    kind(crate::GROUP, crate::VERSION, name, plural, apply_rank)
}

const fn cluster_scoped(mut kind: Kind) -> Kind {
    kind.namespaced = false;
    kind
}

const fn optional(mut kind: Kind) -> Kind {
    kind.optional = true;
    kind
}

const fn best_effort(mut kind: Kind) -> Kind {
    kind.best_effort = true;
    optional(kind)
}

pub const PERSISTENT_VOLUME: Kind =
    cluster_scoped(core("PersistentVolume", "persistentvolumes", 0));
pub const SECRET_PROVIDER_CLASS: Kind = optional(kind(
    "secrets-store.csi.x-k8s.io",
    "v1",
    "SecretProviderClass",
    "secretproviderclasses",
    1,
));
pub const SECRET: Kind = core("Secret", "secrets", 2);
pub const CONFIG_MAP: Kind = core("ConfigMap", "configmaps", 3);
pub const SERVICE_ACCOUNT: Kind = core("ServiceAccount", "serviceaccounts", 4);
pub const ROLE: Kind = kind("rbac.authorization.k8s.io", "v1", "Role", "roles", 5);
pub const ROLE_BINDING: Kind = kind(
    "rbac.authorization.k8s.io",
    "v1",
    "RoleBinding",
    "rolebindings",
    6,
);
pub const PERSISTENT_VOLUME_CLAIM: Kind =
    core("PersistentVolumeClaim", "persistentvolumeclaims", 7);
pub const POSTGRES_DATABASE: Kind = team("PostgresDatabase", "postgresdatabases", 8);
pub const SITE: Kind = team("Site", "sites", 9);
pub const CONNECT: Kind = team("Connect", "connects", 9);
pub const WORKBENCH: Kind = team("Workbench", "workbenches", 9);
pub const PACKAGE_MANAGER: Kind = team("PackageManager", "packagemanagers", 9);
pub const CHRONICLE: Kind = team("Chronicle", "chronicles", 9);
pub const FLIGHTDECK: Kind = team("Flightdeck", "flightdecks", 9);
pub const MIDDLEWARE: Kind = best_effort(kind(
    "traefik.io",
    "v1alpha1",
    "Middleware",
    "middlewares",
    10,
));
pub const KEYCLOAK: Kind = optional(kind(
    "k8s.keycloak.org",
    "v2alpha1",
    "Keycloak",
    "keycloaks",
    10,
));
pub const SERVICE: Kind = core("Service", "services", 11);
pub const DEPLOYMENT: Kind = kind("apps", "v1", "Deployment", "deployments", 12);
pub const STATEFUL_SET: Kind = kind("apps", "v1", "StatefulSet", "statefulsets", 12);
pub const DAEMON_SET: Kind = kind("apps", "v1", "DaemonSet", "daemonsets", 12);
pub const JOB: Kind = kind("batch", "v1", "Job", "jobs", 13);
pub const INGRESS: Kind = kind("networking.k8s.io", "v1", "Ingress", "ingresses", 14);
pub const POD_DISRUPTION_BUDGET: Kind = kind(
    "policy",
    "v1",
    "PodDisruptionBudget",
    "poddisruptionbudgets",
    15,
);
pub const NETWORK_POLICY: Kind = kind(
    "networking.k8s.io",
    "v1",
    "NetworkPolicy",
    "networkpolicies",
    16,
);
/// Leader election (never built; the rank does not matter).
pub const LEASE: Kind = kind("coordination.k8s.io", "v1", "Lease", "leases", u8::MAX);
/// Events on the resources (never built; the rank does not matter).
pub const EVENT: Kind = kind("events.k8s.io", "v1", "Event", "events", u8::MAX);

// What a workload mounts, runs as or is reached through is applied before it: checked by
// the compiler.
const _: () = {
    let workload = DEPLOYMENT.apply_rank;
    assert!(SECRET_PROVIDER_CLASS.apply_rank < SECRET.apply_rank);
    assert!(SECRET.apply_rank < workload);
    assert!(CONFIG_MAP.apply_rank < workload);
    assert!(SERVICE_ACCOUNT.apply_rank < workload);
    assert!(PERSISTENT_VOLUME_CLAIM.apply_rank < workload);
    assert!(SERVICE.apply_rank < INGRESS.apply_rank);
};

/// Every kind the operator reads or writes.
pub const ALL: [&Kind; 27] = [
    &PERSISTENT_VOLUME,
    &PERSISTENT_VOLUME_CLAIM,
    &CONFIG_MAP,
    &SECRET,
    &SERVICE_ACCOUNT,
    &SERVICE,
    &DEPLOYMENT,
    &STATEFUL_SET,
    &DAEMON_SET,
    &JOB,
    &INGRESS,
    &NETWORK_POLICY,
    &POD_DISRUPTION_BUDGET,
    &ROLE,
    &ROLE_BINDING,
    &SITE,
    &CONNECT,
    &WORKBENCH,
    &PACKAGE_MANAGER,
    &CHRONICLE,
    &FLIGHTDECK,
    &POSTGRES_DATABASE,
    &SECRET_PROVIDER_CLASS,
    &MIDDLEWARE,
    &KEYCLOAK,
    &LEASE,
    &EVENT,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_unique_and_found_by_api_version() {
        for (i, kind) in ALL.iter().enumerate() {
            assert!(
                ALL[..i].iter().all(|other| other.name != kind.name),
                "{kind}"
            );
            assert_eq!(Kind::lookup(&kind.api_version(), kind.name), Some(*kind));
        }
        assert_eq!(Kind::lookup("v1", "ConfigMap"), Some(&CONFIG_MAP));
        assert_eq!(Kind::lookup("apps/v1beta1", "Deployment"), None);
    }
}
