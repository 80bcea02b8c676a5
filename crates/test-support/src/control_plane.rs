//! The real control plane of the tests (etcd, kube-apiserver, kube-controller-manager), as
//! `scripts/control-plane` runs it: kubeconfigs for the admin and for other identities, the
//! audit log, kubectl, and the CRDs installed once.
//!
//! `scripts/test` starts the plane before the tests and stops it after them. Run alone
//! (`cargo test -p team-operator --test real_operator`), the first test starts it (building
//! it the first time) and leaves it running for the next; `scripts/control-plane down` stops it.

use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The running plane, as `scripts/control-plane env` describes it.
#[derive(Clone, Debug)]
pub struct ControlPlane {
    /// The state directory (`CONTROL_PLANE_DIR`).
    pub dir: PathBuf,
    /// The admin kubeconfig (`system:masters`).
    pub kubeconfig: PathBuf,
    pub audit_log: PathBuf,
    /// Where etcd, kube-apiserver, kube-controller-manager and kubectl are.
    pub bin: PathBuf,
}

fn script() -> PathBuf {
    crate::workspace_root().join("scripts/control-plane")
}

/// Runs `scripts/control-plane ARGS`, panicking with its output when it fails.
/// Runs `scripts/control-plane ARGS` for the plane in `dir` (the shared one when `None`).
fn run_script_in(dir: Option<&Path>, args: &[&str]) -> String {
    let mut command = Command::new(script());
    if let Some(dir) = dir {
        command.env("CONTROL_PLANE_DIR", dir);
    }
    let output = command
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run scripts/control-plane: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "scripts/control-plane {} failed:\n{stdout}{}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// The value of `KEY=value` on the last line that starts with `KEY=`.
fn last_assignment(text: &str, key: &str) -> Option<String> {
    text.lines()
        .rev()
        .find_map(|line| line.strip_prefix(&format!("{key}=")))
        .map(|value| value.trim_matches('\'').to_string())
}

/// The shared plane, started (or reused) once per test process.
pub fn control_plane() -> &'static ControlPlane {
    static PLANE: OnceLock<ControlPlane> = OnceLock::new();
    PLANE.get_or_init(|| ControlPlane::up(None))
}

/// A plane of one test's own (for what would disturb the others: restarting the API server,
/// an operator watching every namespace), stopped and removed when dropped.
pub struct PrivatePlane {
    pub plane: ControlPlane,
}

impl PrivatePlane {
    pub fn start(label: &str) -> PrivatePlane {
        let dir = crate::workspace_root()
            .join("target/control-plane")
            .join(format!("{label}-{}", std::process::id()));
        PrivatePlane {
            plane: ControlPlane::up(Some(&dir)),
        }
    }
}

impl Drop for PrivatePlane {
    fn drop(&mut self) {
        let _ = Command::new(script())
            .env("CONTROL_PLANE_DIR", &self.plane.dir)
            .arg("down")
            .output();
    }
}

impl ControlPlane {
    /// Starts (or reuses) the plane in `dir` (the shared one when `None`).
    fn up(dir: Option<&Path>) -> ControlPlane {
        run_script_in(dir, &["up"]);
        let env = run_script_in(dir, &["env"]);
        let get = |key: &str| {
            PathBuf::from(
                last_assignment(&env, key)
                    .unwrap_or_else(|| panic!("scripts/control-plane env prints no {key}")),
            )
        };
        ControlPlane {
            dir: get("CONTROL_PLANE_DIR"),
            kubeconfig: get("KUBECONFIG"),
            audit_log: get("CONTROL_PLANE_AUDIT_LOG"),
            bin: get("CONTROL_PLANE_BIN"),
        }
    }

    /// A client for the kubeconfig at `path`.
    pub async fn client_for(path: &Path) -> kube::Client {
        let kubeconfig = kube::config::Kubeconfig::read_from(path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let config = kube::Config::from_custom_kubeconfig(
            kubeconfig,
            &kube::config::KubeConfigOptions::default(),
        )
        .await
        .unwrap_or_else(|e| panic!("invalid kubeconfig {}: {e}", path.display()));
        kube::Client::try_from(config).expect("a client for the control plane")
    }

    /// A client with the admin's rights, for test set-up and checks.
    pub async fn admin(&self) -> kube::Client {
        Self::client_for(&self.kubeconfig).await
    }

    /// A kubeconfig for `user`: a ServiceAccount token for `system:serviceaccount:NS:NAME`
    /// (the namespace and ServiceAccount are created), a client certificate with `groups`
    /// otherwise.
    pub fn kubeconfig_for(&self, user: &str, groups: &[&str]) -> PathBuf {
        let joined = groups.join(",");
        let mut args = vec!["token", user];
        if !joined.is_empty() {
            args.push(&joined);
        }
        let out = run_script_in(Some(&self.dir), &args);
        PathBuf::from(last_assignment(&out, "KUBECONFIG").expect("token prints KUBECONFIG="))
    }

    /// kubectl as the admin.
    pub fn kubectl(&self) -> Command {
        let mut command = Command::new(self.bin.join("kubectl"));
        command.arg("--kubeconfig").arg(&self.kubeconfig);
        command
    }

    /// Stops and starts kube-apiserver (same port, same etcd).
    pub fn restart_apiserver(&self) {
        run_script_in(Some(&self.dir), &["restart", "kube-apiserver"]);
    }

    /// The audit log's current end: entries written after it are read with
    /// [`ControlPlane::audit_since`].
    pub fn audit_mark(&self) -> u64 {
        std::fs::metadata(&self.audit_log).map_or(0, |m| m.len())
    }

    /// Every audited request completed after `mark`.
    pub fn audit_since(&self, mark: u64) -> Vec<AuditEntry> {
        self.audit_read(mark).0
    }

    /// The requests completed after `mark` and the mark to read on from (lines still being
    /// written are left for the next read).
    pub fn audit_read(&self, mark: u64) -> (Vec<AuditEntry>, u64) {
        use std::io::{Read, Seek, SeekFrom};
        let mut file = std::fs::File::open(&self.audit_log)
            .unwrap_or_else(|e| panic!("cannot open {}: {e}", self.audit_log.display()));
        file.seek(SeekFrom::Start(mark)).unwrap();
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).unwrap();
        let complete = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        let mut entries = Vec::new();
        let mut offset = mark;
        for line in bytes[..complete].split_inclusive(|b| *b == b'\n') {
            if let Ok(mut entry) = serde_json::from_slice::<AuditEntry>(line)
                && entry.stage == "ResponseComplete"
            {
                entry.offset = offset;
                entries.push(entry);
            }
            offset += line.len() as u64;
        }
        (entries, mark + complete as u64)
    }
}

/// One request as the API server audited it.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    /// Where the entry starts in the audit log (comparable with [`ControlPlane::audit_mark`]).
    #[serde(skip)]
    pub offset: u64,
    pub stage: String,
    pub verb: String,
    #[serde(rename = "requestURI")]
    pub request_uri: String,
    pub user: AuditUser,
    #[serde(default)]
    pub object_ref: Option<AuditObject>,
    #[serde(default)]
    pub response_status: Option<AuditStatus>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct AuditUser {
    pub username: String,
    /// `authentication.kubernetes.io/credential-id` tells two tokens of one user apart.
    #[serde(default)]
    pub extra: std::collections::BTreeMap<String, Vec<String>>,
}

impl AuditUser {
    /// The credential the request was made with (`JTI=...` for a ServiceAccount token).
    pub fn credential(&self) -> Option<&str> {
        self.extra
            .get("authentication.kubernetes.io/credential-id")
            .and_then(|ids| ids.first())
            .map(String::as_str)
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditObject {
    #[serde(default)]
    pub resource: String,
    #[serde(default)]
    pub namespace: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub api_group: String,
    #[serde(default)]
    pub subresource: String,
}

#[derive(Clone, Debug, Deserialize)]
pub struct AuditStatus {
    #[serde(default)]
    pub code: u16,
}

impl AuditEntry {
    /// A request that changes state.
    pub fn is_write(&self) -> bool {
        matches!(
            self.verb.as_str(),
            "create" | "update" | "patch" | "delete" | "deletecollection"
        )
    }

    pub fn code(&self) -> u16 {
        self.response_status.as_ref().map_or(0, |s| s.code)
    }

    /// `verb group/resource[/subresource] namespace/name -> code`, for failure messages.
    pub fn describe(&self) -> String {
        let object = self.object_ref.clone().unwrap_or_default();
        let sub = if object.subresource.is_empty() {
            String::new()
        } else {
            format!("/{}", object.subresource)
        };
        format!(
            "{} {}/{}{} {}/{} -> {}",
            self.verb,
            object.api_group,
            object.resource,
            sub,
            object.namespace,
            object.name,
            self.code()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_assignment_wins() {
        let text = "building\nKUBECONFIG=/a\nnoise\nKUBECONFIG=/b\n";
        assert_eq!(last_assignment(text, "KUBECONFIG").as_deref(), Some("/b"));
        assert_eq!(last_assignment(text, "OTHER"), None);
    }

    #[test]
    fn audit_lines_parse() {
        let line = r#"{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"x","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/a/secrets/b","verb":"patch","user":{"username":"system:serviceaccount:a:b","groups":["system:serviceaccounts"]},"objectRef":{"resource":"secrets","namespace":"a","name":"b","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":200}}"#;
        let entry: AuditEntry = serde_json::from_str(line).unwrap();
        assert!(entry.is_write());
        assert_eq!(entry.describe(), "patch /secrets a/b -> 200");
    }
}
