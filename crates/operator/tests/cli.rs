//! The `team-operator` command line: CRD output, manifest checks, and error reporting on bad
//! input (never a panic, always the file, document, field and problem, non-zero exit).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn team_operator(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_team-operator"))
        .args(args)
        .output()
        .expect("team-operator runs")
}

fn with_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_team-operator"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("team-operator runs");
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn write(dir: &Path, name: &str, contents: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

/// Runs `validate` on a file and returns (exit code, stderr), checking there was no panic.
fn validate_file(path: &Path) -> (i32, String) {
    let output = team_operator(&["validate", "-f", path.to_str().unwrap()]);
    let stderr = text(&output.stderr);
    assert!(
        !stderr.contains("panicked"),
        "panic on {}: {stderr}",
        path.display()
    );
    (output.status.code().unwrap_or(-1), stderr)
}

#[test]
fn crds_prints_the_committed_crds() {
    let output = team_operator(&["crds"]);
    assert!(output.status.success());
    let printed = text(&output.stdout);
    assert_eq!(printed.matches("kind: CustomResourceDefinition").count(), 7);
    let chart = test_support::workspace_root().join("charts/team-operator/crds");
    for file in test_support::yaml_files_in(&chart) {
        let committed = std::fs::read_to_string(&file).unwrap();
        assert!(
            printed.contains(&committed),
            "{} differs from `crds`",
            file.display()
        );
    }
}

#[test]
fn crds_output_dir_writes_the_chart_layout() {
    let dir = test_support::scratch_dir("crds-out");
    let output = team_operator(&["crds", "--output-dir", dir.to_str().unwrap()]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let chart = test_support::workspace_root().join("charts/team-operator/crds");
    let written = test_support::yaml_files_in(&dir);
    let committed = test_support::yaml_files_in(&chart);
    assert_eq!(written.len(), 7);
    for (new, old) in written.iter().zip(&committed) {
        assert_eq!(new.file_name(), old.file_name());
        assert_eq!(std::fs::read(new).unwrap(), std::fs::read(old).unwrap());
    }
}

#[test]
fn validate_accepts_every_example() {
    for example in test_support::examples() {
        let output = team_operator(&["validate", "-f", example.to_str().unwrap()]);
        assert!(
            output.status.success(),
            "{}: {}",
            example.display(),
            text(&output.stderr)
        );
        assert!(text(&output.stdout).contains("Site ok"));
    }
}

#[test]
fn a_wrong_type_names_file_document_field_and_problem() {
    let dir = test_support::scratch_dir("cli-wrong-type");
    let site = write(
        &dir,
        "site.yaml",
        b"apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n---\n\
          apiVersion: core.posit.team/v1beta1\nkind: Site\nmetadata: {name: main}\n\
          spec:\n  domain: example.com\n  connect:\n    replicas: two\n",
    );
    let (code, stderr) = validate_file(&site);
    assert_eq!(code, 1);
    assert_eq!(
        stderr.trim(),
        format!(
            "{} doc 2: spec.connect.replicas: invalid type: string \"two\", expected integer",
            site.display()
        )
    );
}

#[test]
fn every_problem_of_a_document_is_reported() {
    let dir = test_support::scratch_dir("cli-many");
    let site = write(
        &dir,
        "site.yaml",
        b"apiVersion: core.posit.team/v1beta1\nkind: Site\nmetadata: {name: main}\n\
          spec:\n  domain: example.com\n  networkTrust: 150\n  logFormat: yaml\n",
    );
    let (code, stderr) = validate_file(&site);
    assert_eq!(code, 1);
    assert!(stderr.contains("doc 1: spec.networkTrust: 150 is greater than the maximum 100"));
    assert!(stderr.contains("doc 1: spec.logFormat: unsupported value \"yaml\""));
}

#[test]
fn unknown_fields_are_warnings_not_errors() {
    let dir = test_support::scratch_dir("cli-unknown");
    let site = write(
        &dir,
        "site.yaml",
        b"apiVersion: core.posit.team/v1beta1\nkind: Site\nmetadata: {name: main}\n\
          spec:\n  domain: example.com\n  siteHome: {image: x}\n",
    );
    let (code, stderr) = validate_file(&site);
    assert_eq!(code, 0);
    assert!(
        stderr.contains("doc 1: warning: spec.siteHome: unknown field, ignored"),
        "{stderr}"
    );
}

#[test]
fn hostile_and_broken_inputs_fail_cleanly() {
    let dir = test_support::scratch_dir("cli-hostile");
    let deep = format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    let mut bomb = String::from("a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n");
    let mut previous = 'a';
    for name in 'b'..='j' {
        let refs = vec![format!("*{previous}"); 9].join(",");
        bomb.push_str(&format!("{name}: &{name} [{refs}]\n"));
        previous = name;
    }
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "garbage.yaml",
            (0..=255u8).cycle().take(4096).collect(),
            "stream did not contain valid UTF-8",
        ),
        ("empty.yaml", Vec::new(), "no resources found"),
        (
            "comments.yaml",
            b"# nothing here\n---\n".to_vec(),
            "no resources found",
        ),
        ("deep.yaml", deep.into_bytes(), "invalid YAML"),
        ("bomb.yaml", bomb.into_bytes(), "invalid YAML"),
        (
            "unclosed.yaml",
            b"kind: Site\nspec: [\n".to_vec(),
            "invalid YAML",
        ),
        (
            "scalar.yaml",
            b"just a string\n".to_vec(),
            "kind: required field is missing",
        ),
        (
            "list.yaml",
            b"- a\n- b\n".to_vec(),
            "kind: required field is missing",
        ),
        (
            "no-name.yaml",
            b"apiVersion: core.posit.team/v1beta1\nkind: Site\nspec: {domain: example.com}\n"
                .to_vec(),
            "metadata.name: required field is missing",
        ),
        (
            "spec-string.yaml",
            b"apiVersion: core.posit.team/v1beta1\nkind: Site\nmetadata: {name: a}\nspec: hello\n"
                .to_vec(),
            "spec: invalid type: string \"hello\", expected object",
        ),
        (
            "secret-v2.yaml",
            b"apiVersion: v2\nkind: Secret\nmetadata: {name: a}\n".to_vec(),
            "a Secret must have apiVersion v1",
        ),
        (
            "secret-bad-data.yaml",
            b"apiVersion: v1\nkind: Secret\nmetadata: {name: a}\ndata: {key: \"not base64!\"}\n"
                .to_vec(),
            "data.key",
        ),
    ];
    for (name, contents, expected) in cases {
        let path = write(&dir, name, &contents);
        let (code, stderr) = validate_file(&path);
        assert_eq!(code, 1, "{name} was accepted");
        assert!(
            stderr.starts_with(&path.display().to_string()),
            "{name}: the error does not name the file: {stderr}"
        );
        assert!(
            stderr.contains(expected),
            "{name}: expected `{expected}` in: {stderr}"
        );
        assert!(
            stderr.lines().all(|l| l.len() < 400),
            "{name}: unreadably long error"
        );
    }
}

#[test]
fn a_missing_file_is_named() {
    let (code, stderr) = validate_file(Path::new("no-such-dir/site.yaml"));
    assert_eq!(code, 1);
    assert!(stderr.starts_with("no-such-dir/site.yaml: "), "{stderr}");
}

#[test]
fn standard_input_is_read_with_a_dash() {
    let example =
        std::fs::read(test_support::workspace_root().join("examples/minimal.yaml")).unwrap();
    let output = with_stdin(&["validate", "-f", "-"], &example);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("<stdin> doc 3: Site ok"));
    let output = with_stdin(&["validate", "-f", "-"], b"kind: Site\n");
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).starts_with("<stdin> doc 1: "));
}

#[test]
fn usage_errors_exit_with_two() {
    let output = team_operator(&["frobnicate"]);
    assert_eq!(output.status.code(), Some(2));
    let output = team_operator(&["validate"]);
    assert_eq!(output.status.code(), Some(2));
}
