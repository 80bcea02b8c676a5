//! What every Workbench session pod gets: the session labels and account, the user's home
//! and the server's shared storage (only when those claims exist), the session settings,
//! the account hardening files, the additional volumes and the ODBC DSN file.

use super::ValidatedWorkbench;
use super::config::SESSION_CONFIG_DIR;
use super::login;
use crate::inputs::Vault;
use crate::labels;
use crate::pod::{self, Volumes};
use crate::product;
use crate::session::SessionDefaults;
use team_api::enums::PullPolicy;

/// Session files also mounted in `/etc/rstudio` when present.
pub const EXTENSION_FILES: [&str; 2] = ["positron.extensions.conf", "vscode.extensions.conf"];

/// The defaults of every session; `session_files` are the keys of the session ConfigMap.
pub fn defaults(workbench: &ValidatedWorkbench, session_files: &[&str]) -> SessionDefaults {
    let spec = &workbench.spec;
    let names = &workbench.names;
    let mut volumes = Volumes::new();
    product::add_additional_volumes(&spec.additional_volumes, &mut volumes);
    if let Some((claim, _)) = &workbench.storage.home {
        volumes
            .volume(pod::claim("home-dir-volume", claim, false))
            .mount("home-dir-volume", "/home", None, false);
    }
    if let Some((claim, _)) = &workbench.storage.shared {
        volumes
            .volume(pod::claim("server-shared-storage-volume", claim, false))
            .mount(
                "server-shared-storage-volume",
                &workbench.storage.shared_path,
                None,
                false,
            );
    }
    login::mount(&mut volumes, names);
    volumes
        .volume(pod::config_map(
            "session-config-volume",
            &names.with("session"),
            &[],
            Some(0o644),
        ))
        .mount("session-config-volume", SESSION_CONFIG_DIR, None, true);
    for file in EXTENSION_FILES {
        if session_files.contains(&file) {
            volumes.mount(
                "session-config-volume",
                &format!("/etc/rstudio/{file}"),
                Some(file),
                true,
            );
        }
    }
    if !spec.dsn_secret.is_empty() {
        let volume = match &workbench.vault {
            Vault::Aws(_) => Some(pod::csi_secrets("dsn-volume", &names.with("secrets"))),
            Vault::Kubernetes(vault) => Some(pod::secret(
                "dsn-volume",
                vault,
                &[(&spec.dsn_secret, "odbc.ini")],
                Some(0o644),
            )),
            Vault::None => None,
        };
        if let Some(volume) = volume {
            volumes
                .volume(volume)
                .mount("dsn-volume", "/etc/odbc.ini", Some("odbc.ini"), true);
        }
    }
    let (volumes, volume_mounts) = volumes.finish();
    SessionDefaults {
        labels: labels::session(&workbench.owner.name, "workbench-session"),
        service_account: names.with("session"),
        image_pull_policy: PullPolicy::Unset,
        image_pull_secrets: spec.image_pull_secrets.clone(),
        volumes,
        volume_mounts,
        init_containers: Vec::new(),
        env: Vec::new(),
    }
}
