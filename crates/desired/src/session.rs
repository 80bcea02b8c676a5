//! Off-host execution: how Connect content and Workbench sessions run as Kubernetes Jobs
//! through the Posit Job Launcher. The launcher renders `job.tpl` and `service.tpl` with
//! the operator's settings, which live in `rstudio-library-templates-data.tpl` as JSON.

use crate::labels::Labels;
use crate::meta::{self, Owner};
use crate::object::Object;
use k8s_openapi::api::core::v1::{ConfigMap, Container, EnvVar, Volume, VolumeMount};
use std::collections::BTreeMap;
use team_api::enums::PullPolicy;
use team_api::session::{JobConfig, PodConfig, ServiceConfig, SessionConfig};

/// The Job template the launcher renders for every session (our own, launcher format 2.5.0).
pub const JOB_TEMPLATE: &str = include_str!("launcher/job.tpl");
/// The Service template the launcher renders for sessions that expose ports.
pub const SERVICE_TEMPLATE: &str = include_str!("launcher/service.tpl");
/// Name of the named template holding the operator's settings.
pub const TEMPLATE_DATA_NAME: &str = "rstudio-library.templates.data";

/// What the operator adds to every session of a product.
#[derive(Clone, Debug, Default)]
pub struct SessionDefaults {
    pub labels: Labels,
    pub service_account: String,
    pub image_pull_policy: PullPolicy,
    pub image_pull_secrets: Vec<String>,
    pub volumes: Vec<Volume>,
    pub volume_mounts: Vec<VolumeMount>,
    pub init_containers: Vec<Container>,
    pub env: Vec<EnvVar>,
}

/// The user's session settings with the operator's defaults merged in. Unlike the Go
/// operator, a user `pod` block does not discard the defaults it does not mention: the
/// service account and pull policy fall back to the defaults, and the default environment
/// (with `secret://` values already resolved) is merged into the user's.
pub fn effective(user: Option<&SessionConfig>, defaults: SessionDefaults) -> SessionConfig {
    let user = user.cloned().unwrap_or_default();
    let service = user.service.unwrap_or_default();
    let pod = user.pod.unwrap_or_default();
    let job = user.job.unwrap_or_default();

    let mut volumes = pod.volumes;
    for volume in defaults.volumes {
        if !volumes.iter().any(|v| v.name == volume.name) {
            volumes.push(volume);
        }
    }
    let mut volume_mounts = pod.volume_mounts;
    for mount in defaults.volume_mounts {
        if !volume_mounts
            .iter()
            .any(|m| m.mount_path == mount.mount_path)
        {
            volume_mounts.push(mount);
        }
    }
    let mut init_containers = pod.init_containers;
    init_containers.extend(defaults.init_containers);
    // The defaults carry resolved versions of user variables (`secret://` references), so
    // a default replaces the user's variable of the same name.
    let mut env = pod.env;
    for var in defaults.env {
        match env.iter_mut().find(|e| e.name == var.name) {
            Some(existing) => *existing = var,
            None => env.push(var),
        }
    }
    let image_pull_secrets = if pod.image_pull_secrets.is_empty() {
        crate::pod::pull_secrets(&defaults.image_pull_secrets).unwrap_or_default()
    } else {
        pod.image_pull_secrets
    };

    SessionConfig {
        service: Some(ServiceConfig {
            type_: if service.type_.is_empty() {
                "ClusterIP".to_string()
            } else {
                service.type_
            },
            annotations: service.annotations,
            labels: merged(service.labels, &defaults.labels),
        }),
        pod: Some(PodConfig {
            labels: merged(pod.labels, &defaults.labels),
            service_account_name: if pod.service_account_name.is_empty() {
                defaults.service_account
            } else {
                pod.service_account_name
            },
            image_pull_policy: if pod.image_pull_policy == PullPolicy::Unset {
                defaults.image_pull_policy
            } else {
                pod.image_pull_policy
            },
            image_pull_secrets,
            volumes,
            volume_mounts,
            init_containers,
            env,
            ..pod
        }),
        job: Some(JobConfig {
            annotations: job.annotations,
            labels: merged(job.labels, &defaults.labels),
        }),
    }
}

/// User labels with the operator's labels on top (they select the sessions).
fn merged(mut user: BTreeMap<String, String>, ours: &Labels) -> BTreeMap<String, String> {
    user.extend(ours.iter().map(|(k, v)| (k.clone(), v.clone())));
    user
}

/// The named template holding the settings as compact JSON with sorted keys.
pub fn templates_data(config: &SessionConfig) -> String {
    // Through a JSON value, so that object keys are sorted at every level.
    let value = serde_json::to_value(config).expect("session settings always serialize");
    let json = value.to_string();
    format!("{{{{- define \"{TEMPLATE_DATA_NAME}\" -}}}}\n{json}\n{{{{- end }}}}\n")
}

/// The templates ConfigMap (`job.tpl`, `service.tpl` and the settings) and the hash of its
/// data, for the pod template.
pub fn templates_config_map(
    name: &str,
    owner: &Owner,
    labels: Labels,
    config: &SessionConfig,
) -> (Object, String) {
    let data = templates_data(config);
    let hash = team_config::config_hash([
        ("job.tpl", JOB_TEMPLATE),
        (TEMPLATE_FILES[1], data.as_str()),
        ("service.tpl", SERVICE_TEMPLATE),
    ]);
    let config_map = Object::ConfigMap(Box::new(ConfigMap {
        metadata: meta::owned(name, owner, labels),
        data: Some(BTreeMap::from([
            ("job.tpl".to_string(), JOB_TEMPLATE.to_string()),
            (TEMPLATE_FILES[1].to_string(), data),
            ("service.tpl".to_string(), SERVICE_TEMPLATE.to_string()),
        ])),
        ..ConfigMap::default()
    }));
    (config_map, hash)
}

/// The three template files and where the launcher finds them (`<scratch>/Kubernetes/`).
pub const TEMPLATE_FILES: [&str; 3] = [
    "job.tpl",
    "rstudio-library-templates-data.tpl",
    "service.tpl",
];
