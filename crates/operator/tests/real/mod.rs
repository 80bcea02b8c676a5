//! The real control plane of `scripts/control-plane` (etcd, kube-apiserver,
//! kube-controller-manager) with our CRDs installed, the chart's RBAC for an operator
//! identity, and the operator binary run as its own process.
#![allow(dead_code)]

pub mod scene;

use k8s_openapi::api::core::v1::Namespace;
use kube::Client;
use kube::api::{Api, DeleteParams, PostParams};
use serde_json::{Value, json};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use test_support::control_plane::{AuditEntry, ControlPlane, PrivatePlane, control_plane};

/// The plane with our CRDs installed, and an admin client.
pub struct Real {
    pub plane: ControlPlane,
    pub admin: Client,
}

/// The shared plane, CRDs installed (once per test process).
pub async fn real() -> Real {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let plane = control_plane();
    static CRDS: OnceLock<()> = OnceLock::new();
    CRDS.get_or_init(|| install_crds(plane));
    Real {
        plane: plane.clone(),
        admin: plane.admin().await,
    }
}

/// A plane of the test's own, CRDs installed; stopped when the returned guard is dropped.
pub async fn private(label: &str) -> (Real, PrivatePlane) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let private = PrivatePlane::start(label);
    install_crds(&private.plane);
    let real = Real {
        plane: private.plane.clone(),
        admin: private.plane.admin().await,
    };
    (real, private)
}

/// `team-operator crds` applied server-side, as the README tells users, then waited for.
pub fn install_crds(plane: &ControlPlane) {
    let crds = crate::common::run(&["crds"], None);
    assert!(crds.status.success(), "team-operator crds failed");
    kubectl_stdin(
        plane,
        &[
            "apply",
            "--server-side",
            "--field-manager=team-test",
            "-f",
            "-",
        ],
        &crds.stdout,
    );
    let names: Vec<String> = team_api::crd::all()
        .iter()
        .map(|crd| format!("crd/{}", crd["metadata"]["name"].as_str().unwrap()))
        .collect();
    let mut args = vec!["wait", "--for=condition=Established", "--timeout=60s"];
    args.extend(names.iter().map(String::as_str));
    kubectl(plane, &args);
}

/// kubectl as the admin; panics with its output when it fails. Returns standard output.
pub fn kubectl(plane: &ControlPlane, args: &[&str]) -> String {
    kubectl_stdin(plane, args, b"")
}

pub fn kubectl_stdin(plane: &ControlPlane, args: &[&str], stdin: &[u8]) -> String {
    let mut child = plane
        .kubectl()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kubectl runs");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "kubectl {} failed:\n{}{}",
        args.join(" "),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A name no other test of this run uses, as a DNS label: `<prefix>-<pid>-<n>`.
pub fn unique(prefix: &str) -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    )
}

/// Creates a namespace with a fresh name.
pub async fn namespace(client: &Client, prefix: &str) -> String {
    let name = unique(prefix);
    let namespace: Namespace = serde_json::from_value(json!({"metadata": {"name": name}})).unwrap();
    Api::<Namespace>::all(client.clone())
        .create(&PostParams::default(), &namespace)
        .await
        .unwrap();
    name
}

/// Deletes a namespace (the namespace controller empties it).
pub async fn delete_namespace(client: &Client, name: &str) {
    let _ = Api::<Namespace>::all(client.clone())
        .delete(name, &DeleteParams::background())
        .await;
}

/// Which namespaces the operator watches.
#[derive(Clone, Debug)]
pub enum Watch {
    Namespaces(Vec<String>),
    All,
}

/// The operator's identity with the chart's RBAC: its ServiceAccount, Roles and bindings as
/// `helm template` renders them, applied to the server.
pub struct Identity {
    /// Release name, also the ServiceAccount's name.
    pub release: String,
    /// Where the chart is installed (the ServiceAccount and the leader Lease live there).
    pub namespace: String,
    /// `system:serviceaccount:<namespace>:<release>`.
    pub user: String,
    pub watch: Watch,
}

impl Identity {
    /// A kubeconfig with a fresh token of the ServiceAccount.
    pub fn kubeconfig(&self, plane: &ControlPlane) -> PathBuf {
        let path = plane.kubeconfig_for(&self.user, &[]);
        // Each call makes a new token; keep this one apart from the next.
        let copy = path.with_file_name(format!("{}.kubeconfig", unique(&self.release)));
        std::fs::copy(&path, &copy).unwrap();
        copy
    }
}

/// Installs the chart's RBAC (and ServiceAccount) for a new release into `namespace`.
pub fn chart_rbac(plane: &ControlPlane, namespace: &str, watch: Watch) -> Identity {
    let release = unique("team-operator");
    let mut command = Command::new(test_support::tool("bin/helm"));
    command
        .args(["template", &release])
        .arg(test_support::workspace_root().join("charts/team-operator"))
        .args(["--namespace", namespace]);
    match &watch {
        Watch::Namespaces(names) => {
            command.arg("--set-json").arg(format!(
                "watch.namespaces={}",
                serde_json::to_string(names).unwrap()
            ));
        }
        Watch::All => {
            command.args([
                "--set",
                "watch.allNamespaces=true",
                "--set",
                "watch.namespaces=null",
            ]);
        }
    }
    let output = command.output().expect("helm runs");
    assert!(
        output.status.success(),
        "helm template failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).unwrap();
    let rbac: Vec<Value> = team_api::manifest::documents(&text)
        .unwrap()
        .into_iter()
        .map(|(_, doc)| doc)
        .filter(|doc| {
            matches!(
                doc["kind"].as_str(),
                Some(
                    "ServiceAccount"
                        | "Role"
                        | "RoleBinding"
                        | "ClusterRole"
                        | "ClusterRoleBinding"
                )
            )
        })
        .collect();
    assert!(
        rbac.iter().any(|d| d["kind"] == "RoleBinding"),
        "the chart renders RBAC"
    );
    // The release namespace may exist already (created by an earlier release).
    let _ = plane
        .kubectl()
        .args(["create", "namespace", namespace])
        .output();
    let list = json!({"apiVersion": "v1", "kind": "List", "items": rbac});
    kubectl_stdin(
        plane,
        &["apply", "--server-side", "--field-manager=helm", "-f", "-"],
        list.to_string().as_bytes(),
    );
    Identity {
        user: format!("system:serviceaccount:{namespace}:{release}"),
        release,
        namespace: namespace.to_string(),
        watch,
    }
}

/// `team-operator run` as its own process, logging to a file. Killed when dropped.
pub struct Operator {
    child: Option<Child>,
    pub kubeconfig: PathBuf,
    pub log: PathBuf,
    pub http_port: u16,
    pub name: String,
}

/// How to run an operator process.
pub struct RunSpec<'a> {
    pub identity: &'a Identity,
    pub kubeconfig: PathBuf,
    /// The replica's name (its identity in the Lease).
    pub name: String,
    pub leader_elect: bool,
    pub resync_seconds: u64,
}

impl Operator {
    pub fn start(spec: RunSpec<'_>) -> Operator {
        let http_port = free_port();
        let log = test_support::artifacts_dir("operator-logs").join(format!("{}.log", spec.name));
        let file = std::fs::File::create(&log).unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_team-operator"));
        command
            .arg("run")
            .args(["--http-address", &format!("127.0.0.1:{http_port}")])
            .args(["--resync-seconds", &spec.resync_seconds.to_string()]);
        match &spec.identity.watch {
            Watch::Namespaces(names) => {
                for name in names {
                    command.args(["--watch-namespace", name]);
                }
            }
            Watch::All => {
                command.arg("--all-namespaces");
            }
        }
        if spec.leader_elect {
            command
                .arg("--leader-elect")
                .args(["--leader-election-namespace", &spec.identity.namespace]);
        }
        command
            .env("KUBECONFIG", &spec.kubeconfig)
            .env("POD_NAME", &spec.name)
            .env("LOG_LEVEL", "info,team_operator=debug")
            .env_remove("WATCH_NAMESPACES")
            .env_remove("LEADER_ELECT")
            .env_remove("POD_NAMESPACE")
            .env_remove("AWS_REGION")
            .env_remove("AWS_DEFAULT_REGION")
            .stdin(Stdio::null())
            .stdout(file.try_clone().unwrap())
            .stderr(file);
        let child = command.spawn().expect("team-operator starts");
        Operator {
            child: Some(child),
            kubeconfig: spec.kubeconfig,
            log,
            http_port,
            name: spec.name,
        }
    }

    /// Stopped by the test (killed or terminated).
    pub fn stopped(&self) -> bool {
        self.child.is_none()
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("running").id()
    }

    /// Still running (not exited).
    pub fn running(&mut self) -> bool {
        matches!(self.child.as_mut().map(|c| c.try_wait()), Some(Ok(None)))
    }

    /// `kill -9`: no chance to release the Lease.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// SIGTERM, then waits for the process to end.
    pub fn terminate(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            let _ = child.wait();
        }
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Peak resident memory so far, in KiB (`VmHWM`).
    pub fn peak_rss_kib(&self) -> Option<u64> {
        let pid = self.child.as_ref()?.id();
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    }
}

impl Drop for Operator {
    fn drop(&mut self) {
        self.kill();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The requests of `user` audited after `mark`.
pub fn requests_of(plane: &ControlPlane, mark: u64, user: &str) -> Vec<AuditEntry> {
    plane
        .audit_since(mark)
        .into_iter()
        .filter(|entry| entry.user.username == user)
        .collect()
}

/// Panics unless none of `user`'s requests since `mark` were forbidden, except in the
/// `excused` spans of the audit log (`(from, to)` marks).
pub fn assert_nothing_forbidden(
    plane: &ControlPlane,
    mark: u64,
    user: &str,
    excused: &[(u64, u64)],
) {
    let forbidden: Vec<String> = plane
        .audit_since(mark)
        .iter()
        .filter(|e| {
            !excused
                .iter()
                .any(|(from, to)| (*from..*to).contains(&e.offset))
        })
        .filter(|e| e.user.username == user && e.code() == 403)
        .map(AuditEntry::describe)
        .collect();
    assert!(
        forbidden.is_empty(),
        "requests of {user} the chart's RBAC forbids:\n  {}",
        forbidden.join("\n  ")
    );
}
