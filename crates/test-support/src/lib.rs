//! Helpers shared by the test suites of the workspace.
//!
//! External validators (kubernetes-validate, jsonschema) are installed by
//! `scripts/install-test-tools` into `$TEAM_TEST_TOOLS` (default `target/test-tools`). A test
//! that needs one fails, with the command to run, when it is missing: such checks are never
//! skipped.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The oldest Kubernetes version the operator supports; rendered manifests are validated
/// against its schemas.
pub const KUBERNETES_VERSION: &str = "1.32";

/// Root of the Cargo workspace.
pub fn workspace_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .ancestors()
        .find(|dir| {
            std::fs::read_to_string(dir.join("Cargo.toml"))
                .is_ok_and(|text| text.contains("[workspace]"))
        })
        .expect("the test-support crate lives inside the workspace")
        .to_path_buf()
}

/// Every manifest under `examples/`, sorted by name.
pub fn examples() -> Vec<PathBuf> {
    yaml_files_in(&workspace_root().join("examples"))
}

/// The `.yaml` files of a directory, sorted by name.
pub fn yaml_files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    files.sort();
    files
}

/// Where the test tools are installed.
pub fn tools_dir() -> PathBuf {
    std::env::var_os("TEAM_TEST_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/test-tools"))
}

/// Path of an installed tool, or a panic telling how to install it.
pub fn tool(relative: &str) -> PathBuf {
    let path = tools_dir().join(relative);
    assert!(
        path.exists(),
        "{} is missing: run scripts/install-test-tools (or scripts/test) first",
        path.display()
    );
    path
}

/// A fresh, empty scratch directory under `target/test-scratch`.
pub fn scratch_dir(label: &str) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = workspace_root()
        .join("target/test-scratch")
        .join(format!("{label}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch directory can be created");
    dir
}

/// A directory for files a reviewer may want to look at after the run (screenshots, ...).
pub fn artifacts_dir(label: &str) -> PathBuf {
    let dir = workspace_root().join("target/test-artifacts").join(label);
    std::fs::create_dir_all(&dir).expect("artifacts directory can be created");
    dir
}

/// Result of running an external validator.
#[derive(Debug)]
pub struct ToolRun {
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

impl ToolRun {
    /// Panics with the tool's output unless it succeeded.
    pub fn assert_success(&self, what: &str) {
        assert!(
            self.success,
            "{what} failed\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
    }
}

fn run(mut command: Command) -> ToolRun {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    ToolRun {
        success: output.status.success(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Validates built-in Kubernetes objects with the official schemas, strictly (unknown fields
/// are errors), against [`KUBERNETES_VERSION`].
pub fn kubernetes_validate(files: &[PathBuf]) -> ToolRun {
    let mut command = Command::new(tool("venv/bin/kubernetes-validate"));
    command
        .args(["--strict", "-k", KUBERNETES_VERSION])
        .args(files);
    run(command)
}

/// Writes the generated CRDs into a scratch directory and returns their paths.
pub fn write_generated_crds() -> Vec<PathBuf> {
    let dir = scratch_dir("crds");
    team_api::crd::all()
        .iter()
        .map(|crd| {
            let name = crd["metadata"]["name"].as_str().unwrap_or("crd");
            let path = dir.join(format!("{name}.yaml"));
            let yaml = serde_saphyr::to_string(crd).expect("CRD renders");
            std::fs::write(&path, yaml).expect("CRD file can be written");
            path
        })
        .collect()
}

/// Validates the custom resources in `files` against the generated CRDs (OpenAPI part;
/// CEL rules are checked by the Rust schema checker).
pub fn validate_custom_resources(files: &[PathBuf]) -> ToolRun {
    let mut command = Command::new(tool("venv/bin/python"));
    command.arg(workspace_root().join("scripts/validate-custom-resources.py"));
    for crd in write_generated_crds() {
        command.arg("--crd").arg(crd);
    }
    command.args(files);
    run(command)
}

/// Reads a key=value file back as Workbench does (Boost.Program_options): every setting as
/// (`key` or `section.key`, value), in file order. Panics with the parser's message when it
/// rejects the file.
pub fn boost_config_read(path: &Path) -> Vec<(String, String)> {
    let mut command = Command::new(tool("bin/boost-config-read"));
    command.arg(path);
    let run = run(command);
    run.assert_success(&format!("boost-config-read {}", path.display()));
    let fields: Vec<&str> = run.stdout.split('\0').collect();
    fields
        .chunks(2)
        .filter(|pair| pair.len() == 2)
        .map(|pair| (pair[0].to_string(), pair[1].to_string()))
        .collect()
}

/// Reads Workbench files back with `scripts/config-readers/read-config.py` (`supervisord`:
/// programs as supervisord loads them; `dcf`: DCF records). The JSON it prints, or the
/// parser's failure.
pub fn read_config(format: &str, files: &[PathBuf]) -> Result<serde_json::Value, String> {
    let mut command = Command::new(tool("venv/bin/python"));
    command
        .arg(workspace_root().join("scripts/config-readers/read-config.py"))
        .arg(format)
        .args(files);
    let run = run(command);
    if !run.success {
        return Err(run.stderr);
    }
    serde_json::from_str(&run.stdout).map_err(|e| format!("{e}: {}", run.stdout))
}
