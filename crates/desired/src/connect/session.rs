//! Connect's content pods: the runtime init container, volumes and environment the
//! operator adds to every content Job, and the `secret://site-session/<key>` convention.

use super::ValidatedConnect;
use crate::inputs::Vault;
use crate::labels;
use crate::pod;
use crate::product;
use crate::secret_provider::ProviderClass;
use crate::session::SessionDefaults;
use k8s_openapi::api::core::v1::{Container, EnvVar, VolumeMount};
use team_api::ConnectSpec;
use team_api::enums::PullPolicy;

/// Runtime init image when none is set.
pub const DEFAULT_SESSION_IMAGE: &str =
    "ghcr.io/rstudio/rstudio-connect-content-init:ubuntu2204-2024.06.0";
const SITE_SESSION_PREFIX: &str = "secret://site-session/";
const RUNTIME_DIRS: [&str; 4] = ["R", "python", "scripts", "ext"];

/// The defaults and, with AWS secrets, the provider class of the site-session vault.
pub struct Session {
    pub defaults: SessionDefaults,
    pub provider_class: Option<ProviderClass>,
}

/// Keys referred to as `secret://site-session/<key>` in the session environment.
pub fn site_session_keys(spec: &ConnectSpec) -> Vec<String> {
    let mut keys: Vec<String> = session_env(spec)
        .iter()
        .filter_map(|var| var.value.as_deref()?.strip_prefix(SITE_SESSION_PREFIX))
        .filter(|key| !key.is_empty())
        .map(str::to_string)
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

fn session_env(spec: &ConnectSpec) -> &[EnvVar] {
    spec.session_config
        .as_ref()
        .and_then(|c| c.pod.as_ref())
        .map(|p| p.env.as_slice())
        .unwrap_or_default()
}

/// The AWS vault of site-session secrets: `<workloadCompoundName>-<site>.sessions.posit.team`.
pub fn session_vault(connect: &ValidatedConnect) -> String {
    format!(
        "{}-{}.sessions.posit.team",
        connect.spec.workload_compound_name, connect.owner.name
    )
}

/// What every content pod gets.
pub fn defaults(connect: &ValidatedConnect) -> Session {
    let spec = &connect.spec;
    let names = &connect.names;
    let site_session = names.with("site-session");
    let image = if spec.session_image.is_empty() {
        DEFAULT_SESSION_IMAGE
    } else {
        &spec.session_image
    };
    let mut volumes = vec![pod::empty_dir("init-volume")];
    let mut mounts: Vec<VolumeMount> = RUNTIME_DIRS
        .iter()
        .map(|dir| VolumeMount {
            name: "init-volume".to_string(),
            mount_path: format!("/opt/rstudio-connect/{dir}"),
            sub_path: Some(dir.to_string()),
            ..VolumeMount::default()
        })
        .collect();
    let mut additional: Vec<_> = spec.additional_volumes.iter().collect();
    additional.sort_by(|a, b| a.pvc_name.cmp(&b.pvc_name));
    for volume in additional {
        let name = product::additional_volume_name(volume);
        volumes.push(pod::claim(&name, &volume.pvc_name, volume.read_only));
        mounts.push(VolumeMount {
            name,
            mount_path: volume.mount_path.clone(),
            read_only: volume.read_only.then_some(true),
            ..VolumeMount::default()
        });
    }

    // `secret://site-session/<key>` values become references to the key: with AWS through
    // the synced Secret of the site-session vault, with Kubernetes in the product vault.
    let keys = site_session_keys(spec);
    let env: Vec<EnvVar> = session_env(spec)
        .iter()
        .map(|var| {
            match var
                .value
                .as_deref()
                .and_then(|v| v.strip_prefix(SITE_SESSION_PREFIX))
            {
                Some(key) if !key.is_empty() => match &connect.vault {
                    Vault::Aws(_) => pod::env_from_secret(&var.name, &site_session, key, false),
                    Vault::Kubernetes(vault) => pod::env_from_secret(&var.name, vault, key, false),
                    Vault::None => var.clone(),
                },
                _ => var.clone(),
            }
        })
        .collect();

    let mut provider_class = None;
    if connect.vault.is_aws() && (!keys.is_empty() || !spec.dsn_secret.is_empty()) {
        let mut class = ProviderClass::new();
        for key in &keys {
            class.alias(key, key).sync(&site_session, key, key);
        }
        if !spec.dsn_secret.is_empty() {
            class.alias("odbc.ini", &spec.dsn_secret);
        }
        volumes.push(pod::csi_secrets("session-csi", &site_session));
        mounts.push(VolumeMount {
            name: "session-csi".to_string(),
            mount_path: "/mnt/secrets-store".to_string(),
            read_only: Some(true),
            ..VolumeMount::default()
        });
        provider_class = Some(class);
    }
    if !spec.dsn_secret.is_empty() {
        let volume = match &connect.vault {
            Vault::Aws(_) => Some(pod::csi_secrets("dsn-volume", &site_session)),
            Vault::Kubernetes(vault) => Some(pod::secret(
                "dsn-volume",
                vault,
                &[(&spec.dsn_secret, "odbc.ini")],
                Some(0o644),
            )),
            Vault::None => None,
        };
        if let Some(volume) = volume {
            volumes.push(volume);
            mounts.push(VolumeMount {
                name: "dsn-volume".to_string(),
                mount_path: "/etc/odbc.ini".to_string(),
                sub_path: Some("odbc.ini".to_string()),
                read_only: Some(true),
                ..VolumeMount::default()
            });
        }
    }

    let init = Container {
        name: "init-runtime".to_string(),
        image: Some(image.to_string()),
        image_pull_policy: Some("Always".to_string()),
        volume_mounts: Some(vec![VolumeMount {
            name: "init-volume".to_string(),
            mount_path: "/mnt/rstudio-connect-runtime".to_string(),
            ..VolumeMount::default()
        }]),
        ..Container::default()
    };
    let site = &connect.owner.name;
    Session {
        defaults: SessionDefaults {
            labels: labels::session(site, "connect-session"),
            service_account: names.with("session"),
            image_pull_policy: PullPolicy::Unset,
            image_pull_secrets: spec.image_pull_secrets.clone(),
            volumes,
            volume_mounts: mounts,
            init_containers: vec![init],
            env,
        },
        provider_class,
    }
}
