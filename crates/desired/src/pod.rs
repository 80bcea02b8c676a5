//! Pieces of pod templates shared by the products: environment, volumes, probes, security
//! contexts, affinity. Everything is emitted in a stable order (volumes by name, mounts by
//! path, `addEnv` by key) so an unchanged spec renders byte-identically.

use k8s_openapi::api::core::v1::{
    Affinity, Capabilities, ConfigMapVolumeSource, ContainerPort, EmptyDirVolumeSource, EnvVar,
    EnvVarSource, HTTPGetAction, KeyToPath, LocalObjectReference, ObjectFieldSelector,
    PersistentVolumeClaimVolumeSource, PodAffinityTerm, PodAntiAffinity, Probe, SeccompProfile,
    SecretKeySelector, SecretVolumeSource, SecurityContext, Volume, VolumeMount,
    WeightedPodAffinityTerm,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, LabelSelectorRequirement};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use std::collections::BTreeMap;
use team_api::enums::PullPolicy;

/// `name=value`.
pub fn env(name: &str, value: &str) -> EnvVar {
    EnvVar {
        name: name.to_string(),
        value: Some(value.to_string()),
        value_from: None,
    }
}

/// An environment variable read from a Secret key.
pub fn env_from_secret(name: &str, secret: &str, key: &str, optional: bool) -> EnvVar {
    EnvVar {
        name: name.to_string(),
        value: None,
        value_from: Some(EnvVarSource {
            secret_key_ref: Some(SecretKeySelector {
                name: secret.to_string(),
                key: key.to_string(),
                optional: optional.then_some(true),
            }),
            ..EnvVarSource::default()
        }),
    }
}

/// An environment variable from a field of the pod (downward API).
pub fn env_from_field(name: &str, field_path: &str) -> EnvVar {
    EnvVar {
        name: name.to_string(),
        value: None,
        value_from: Some(EnvVarSource {
            field_ref: Some(ObjectFieldSelector {
                api_version: None,
                field_path: field_path.to_string(),
            }),
            ..EnvVarSource::default()
        }),
    }
}

/// `addEnv` maps, sorted by name (the map is already sorted).
pub fn add_env(map: &BTreeMap<String, String>) -> impl Iterator<Item = EnvVar> + '_ {
    map.iter().map(|(name, value)| env(name, value))
}

/// Image pull Secrets, sorted and without repeats (the list is a set), `None` when there
/// are none.
pub fn pull_secrets(names: &[String]) -> Option<Vec<LocalObjectReference>> {
    let names: std::collections::BTreeSet<&String> = names.iter().collect();
    (!names.is_empty()).then(|| {
        names
            .into_iter()
            .map(|name| LocalObjectReference { name: name.clone() })
            .collect()
    })
}

/// The Kubernetes pull policy, `None` when unset.
pub fn pull_policy(policy: PullPolicy) -> Option<String> {
    policy.as_k8s().map(str::to_string)
}

/// Non-empty map or `None`.
pub fn non_empty(map: &BTreeMap<String, String>) -> Option<BTreeMap<String, String>> {
    (!map.is_empty()).then(|| map.clone())
}

/// Command and arguments of a Posit server image: its startup script under `tini`, or
/// `sleep infinity` to debug the container.
pub fn startup(sleep: bool) -> (Option<Vec<String>>, Option<Vec<String>>) {
    let args = if sleep {
        vec!["sleep".to_string(), "infinity".to_string()]
    } else {
        vec!["/usr/local/bin/startup.sh".to_string()]
    };
    (Some(vec!["tini".to_string(), "--".to_string()]), Some(args))
}

/// A named TCP container port.
pub fn port(name: &str, number: i32) -> ContainerPort {
    ContainerPort {
        name: Some(name.to_string()),
        container_port: number,
        protocol: Some("TCP".to_string()),
        ..ContainerPort::default()
    }
}

/// An HTTP GET probe on a named port.
pub fn http_probe(path: &str, port: &str, timing: [i32; 5]) -> Probe {
    let [initial_delay, timeout, period, success, failure] = timing;
    Probe {
        http_get: Some(HTTPGetAction {
            path: Some(path.to_string()),
            port: IntOrString::String(port.to_string()),
            ..HTTPGetAction::default()
        }),
        initial_delay_seconds: Some(initial_delay),
        timeout_seconds: Some(timeout),
        period_seconds: Some(period),
        success_threshold: Some(success),
        failure_threshold: Some(failure),
        ..Probe::default()
    }
}

/// A non-root container that cannot gain privileges, drops every capability and uses the
/// runtime's default seccomp profile.
pub fn restricted(uid: i64, read_only_root: bool) -> SecurityContext {
    SecurityContext {
        run_as_user: Some(uid),
        run_as_non_root: Some(true),
        allow_privilege_escalation: Some(false),
        read_only_root_filesystem: read_only_root.then_some(true),
        capabilities: Some(Capabilities {
            drop: Some(vec!["ALL".to_string()]),
            add: None,
        }),
        seccomp_profile: Some(SeccompProfile {
            type_: "RuntimeDefault".to_string(),
            localhost_profile: None,
        }),
        ..SecurityContext::default()
    }
}

/// Prefer spreading replicas of a component over nodes.
pub fn spread_over_nodes(instance: &str, site: &str, namespace: &str) -> Affinity {
    let requirement = |key: &str, value: &str| LabelSelectorRequirement {
        key: key.to_string(),
        operator: "In".to_string(),
        values: Some(vec![value.to_string()]),
    };
    Affinity {
        pod_anti_affinity: Some(PodAntiAffinity {
            preferred_during_scheduling_ignored_during_execution: Some(vec![
                WeightedPodAffinityTerm {
                    weight: 1,
                    pod_affinity_term: PodAffinityTerm {
                        topology_key: "kubernetes.io/hostname".to_string(),
                        namespaces: Some(vec![namespace.to_string()]),
                        label_selector: Some(LabelSelector {
                            match_expressions: Some(vec![
                                requirement(crate::labels::INSTANCE, instance),
                                requirement(crate::labels::SITE, site),
                            ]),
                            match_labels: None,
                        }),
                        ..PodAffinityTerm::default()
                    },
                },
            ]),
            ..PodAntiAffinity::default()
        }),
        ..Affinity::default()
    }
}

/// The volumes and mounts of one container, kept unique by name and emitted sorted.
#[derive(Debug, Default)]
pub struct Volumes {
    volumes: BTreeMap<String, Volume>,
    mounts: Vec<VolumeMount>,
}

impl Volumes {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a volume (the first definition of a name wins).
    pub fn volume(&mut self, volume: Volume) -> &mut Self {
        self.volumes.entry(volume.name.clone()).or_insert(volume);
        self
    }

    /// Mounts a volume at `path`, optionally one key (`sub_path`).
    pub fn mount(
        &mut self,
        name: &str,
        path: &str,
        sub_path: Option<&str>,
        read_only: bool,
    ) -> &mut Self {
        self.mounts.push(VolumeMount {
            name: name.to_string(),
            mount_path: path.to_string(),
            sub_path: sub_path.map(str::to_string),
            read_only: read_only.then_some(true),
            ..VolumeMount::default()
        });
        self
    }

    /// Volumes sorted by name, mounts sorted by path.
    pub fn finish(self) -> (Vec<Volume>, Vec<VolumeMount>) {
        let mut mounts = self.mounts;
        mounts.sort_by(|a, b| {
            (&a.mount_path, &a.name, &a.sub_path).cmp(&(&b.mount_path, &b.name, &b.sub_path))
        });
        mounts.dedup();
        (self.volumes.into_values().collect(), mounts)
    }

    pub fn is_empty(&self) -> bool {
        self.volumes.is_empty()
    }
}

/// A volume of the given source.
pub fn volume(name: &str) -> Volume {
    Volume {
        name: name.to_string(),
        ..Volume::default()
    }
}

pub fn empty_dir(name: &str) -> Volume {
    Volume {
        empty_dir: Some(EmptyDirVolumeSource::default()),
        ..volume(name)
    }
}

pub fn claim(name: &str, claim_name: &str, read_only: bool) -> Volume {
    Volume {
        persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
            claim_name: claim_name.to_string(),
            read_only: read_only.then_some(true),
        }),
        ..volume(name)
    }
}

/// A ConfigMap volume; `items` (key, path) selects keys, empty means all.
pub fn config_map(
    name: &str,
    config_map: &str,
    items: &[(&str, &str)],
    mode: Option<i32>,
) -> Volume {
    Volume {
        config_map: Some(ConfigMapVolumeSource {
            name: config_map.to_string(),
            items: key_paths(items),
            default_mode: mode,
            ..ConfigMapVolumeSource::default()
        }),
        ..volume(name)
    }
}

/// A Secret volume; `items` (key, path) selects keys, empty means all.
pub fn secret(name: &str, secret: &str, items: &[(&str, &str)], mode: Option<i32>) -> Volume {
    Volume {
        secret: Some(SecretVolumeSource {
            secret_name: Some(secret.to_string()),
            items: key_paths(items),
            default_mode: mode,
            optional: None,
        }),
        ..volume(name)
    }
}

fn key_paths(items: &[(&str, &str)]) -> Option<Vec<KeyToPath>> {
    (!items.is_empty()).then(|| {
        items
            .iter()
            .map(|(key, path)| KeyToPath {
                key: key.to_string(),
                path: path.to_string(),
                mode: None,
            })
            .collect()
    })
}

/// A volume of the Secrets Store CSI driver reading a SecretProviderClass.
pub fn csi_secrets(name: &str, provider_class: &str) -> Volume {
    Volume {
        csi: Some(k8s_openapi::api::core::v1::CSIVolumeSource {
            driver: "secrets-store.csi.k8s.io".to_string(),
            read_only: Some(true),
            volume_attributes: Some(BTreeMap::from([(
                "secretProviderClass".to_string(),
                provider_class.to_string(),
            )])),
            ..Default::default()
        }),
        ..volume(name)
    }
}
