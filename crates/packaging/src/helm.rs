//! Running the real `helm` on the chart.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Release name used in the tests; the objects are then named `team-operator...`.
pub const RELEASE: &str = "team-operator";
/// Namespace the tests install the chart into.
pub const RELEASE_NAMESPACE: &str = "posit-team-system";

/// A helm major version; the chart is checked with both that users run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Helm {
    V4,
    V3,
}

impl Helm {
    pub const ALL: [Helm; 2] = [Helm::V4, Helm::V3];

    fn binary(self) -> PathBuf {
        test_support::tool(match self {
            Helm::V4 => "bin/helm",
            Helm::V3 => "bin/helm3",
        })
    }

    /// `helm template` of the chart with the given values files and extra arguments
    /// (`--set ...`), CRDs included. The rendered YAML, or helm's error output.
    pub fn template(self, values: &[&Path], extra: &[&str]) -> Result<String, String> {
        let mut command = Command::new(self.binary());
        command.args(["template", RELEASE]).arg(chart_dir()).args([
            "--namespace",
            RELEASE_NAMESPACE,
            "--include-crds",
        ]);
        run(self, command, values, extra)
    }

    /// `helm lint --strict` of the chart with the given values.
    pub fn lint(self, values: &[&Path], extra: &[&str]) -> Result<String, String> {
        let mut command = Command::new(self.binary());
        command
            .args(["lint", "--strict"])
            .arg(chart_dir())
            .args(["--namespace", RELEASE_NAMESPACE]);
        run(self, command, values, extra)
    }
}

fn run(
    helm: Helm,
    mut command: Command,
    values: &[&Path],
    extra: &[&str],
) -> Result<String, String> {
    for file in values {
        command.arg("--values").arg(file);
    }
    command.args(extra);
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {helm:?} helm: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    if output.status.success() {
        Ok(stdout)
    } else {
        Err(format!(
            "{stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// The chart's directory.
pub fn chart_dir() -> PathBuf {
    test_support::workspace_root().join("charts/team-operator")
}

/// The values files of the supported modes (`ci/*-values.yaml`), sorted.
pub fn mode_values() -> Vec<PathBuf> {
    test_support::yaml_files_in(&chart_dir().join("ci"))
}

/// The documents of a rendered manifest, empty ones dropped.
pub fn objects(text: &str) -> Vec<Value> {
    team_api::manifest::documents(text)
        .unwrap_or_else(|e| panic!("helm rendered invalid YAML: {e}\n{text}"))
        .into_iter()
        .map(|(_, value)| value)
        .filter(|value| !value.is_null())
        .collect()
}

/// Objects of one kind.
pub fn of_kind<'a>(objects: &'a [Value], kind: &str) -> Vec<&'a Value> {
    objects.iter().filter(|o| o["kind"] == kind).collect()
}

/// The only object of a kind; panics when there is not exactly one.
pub fn single<'a>(objects: &'a [Value], kind: &str) -> &'a Value {
    let found = of_kind(objects, kind);
    assert_eq!(found.len(), 1, "expected one {kind}, found {}", found.len());
    found[0]
}

/// Renders with helm 4 and the given values, or panics with helm's message.
pub fn render(values: &[&Path], extra: &[&str]) -> Vec<Value> {
    let text = Helm::V4
        .template(values, extra)
        .unwrap_or_else(|e| panic!("helm template failed:\n{e}"));
    objects(&text)
}

/// Writes rendered text into a scratch file (for validators that read files).
pub fn write_scratch(label: &str, text: &str) -> PathBuf {
    let path = test_support::scratch_dir(label).join("rendered.yaml");
    std::fs::write(&path, text).expect("scratch file can be written");
    path
}

/// Validates ServiceMonitor objects with the prometheus-operator API schema
/// (`scripts/validate-service-monitor.mjs`); the validator's complaints on failure.
pub fn validate_service_monitors(objects: &[&Value]) -> Result<(), String> {
    use std::io::Write;
    let mut child = Command::new(test_support::tool("bin/node"))
        .arg(test_support::workspace_root().join("scripts/validate-service-monitor.mjs"))
        .arg(test_support::tool("node-validators/node_modules"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("node runs");
    let lines: String = objects.iter().map(|o| format!("{o}\n")).collect();
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(lines.as_bytes())
        .expect("the validator reads its input");
    let output = child.wait_with_output().expect("the validator finishes");
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}
