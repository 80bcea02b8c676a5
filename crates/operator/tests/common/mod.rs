//! Running the `team-operator` binary from tests.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Runs `team-operator` with the arguments and optional standard input.
pub fn run(args: &[&str], stdin: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_team-operator"));
    command
        .args(args)
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("team-operator runs");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("team-operator finishes")
}

/// `render -f FILE...`, asserting success; returns standard output.
pub fn render(files: &[&Path]) -> String {
    let mut args = vec!["render".to_string()];
    for file in files {
        args.push("-f".to_string());
        args.push(file.display().to_string());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = run(&args, None);
    assert!(
        output.status.success(),
        "render {files:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("render prints UTF-8")
}

/// `render` of manifest text given on standard input.
pub fn render_text(text: &str) -> Output {
    run(&["render", "-f", "-"], Some(text))
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The documents of a multi-document YAML stream.
pub fn documents(yaml: &str) -> Vec<serde_json::Value> {
    serde_saphyr::from_multiple::<serde_json::Value>(yaml)
        .expect("render output is valid YAML")
        .into_iter()
        .filter(|d| !d.is_null())
        .collect()
}

/// Writes text into a fresh scratch file.
pub fn scratch_file(label: &str, name: &str, text: &str) -> PathBuf {
    let path = test_support::scratch_dir(label).join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// The documents of a given kind and name.
pub fn find<'a>(docs: &'a [serde_json::Value], kind: &str, name: &str) -> &'a serde_json::Value {
    docs.iter()
        .find(|d| d["kind"] == kind && d["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} {name} in the output"))
}

/// `git config --file F --list -z` as (key, value) pairs.
pub fn git_config(text: &str) -> Vec<(String, String)> {
    let path = scratch_file("gcfg", "file.gcfg", text);
    let output = Command::new("git")
        .args(["config", "--file"])
        .arg(&path)
        .args(["--list", "-z"])
        .output()
        .expect("git is installed (scripts/install-test-tools)");
    assert!(
        output.status.success(),
        "git config refused the file:\n{}\n--- file\n{text}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .split('\0')
        .filter(|e| !e.is_empty())
        .map(|entry| {
            let (key, value) = entry.split_once('\n').unwrap_or((entry, ""));
            (key.to_string(), value.to_string())
        })
        .collect()
}

/// Every value of one key.
pub fn values<'a>(entries: &'a [(String, String)], key: &str) -> Vec<&'a str> {
    entries
        .iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .collect()
}

/// A minimal valid Site (Kubernetes secrets) with its Secret, for variations in tests.
pub const MINIMAL_SITE: &str = r#"apiVersion: v1
kind: Secret
metadata:
  name: site-secrets
  namespace: posit-team
stringData:
  main-database-url: postgres://admin:pw@db.example.com:5432/postgres?sslmode=require
  connect.lic: x
  workbench.lic: x
  packagemanager.lic: x
---
apiVersion: core.posit.team/v1beta1
kind: Site
metadata:
  name: main
  namespace: posit-team
spec:
  domain: example.com
  secret:
    type: kubernetes
    vaultName: site-secrets
  workloadSecret:
    type: kubernetes
    vaultName: site-secrets
  connect:
    image: posit/connect:1
    license: {existingSecretName: site-secrets, existingSecretKey: connect.lic}
  workbench:
    image: posit/workbench:1
    license: {existingSecretName: site-secrets, existingSecretKey: workbench.lic}
  packageManager:
    image: posit/package-manager:1
    license: {existingSecretName: site-secrets, existingSecretKey: packagemanager.lic}
"#;
