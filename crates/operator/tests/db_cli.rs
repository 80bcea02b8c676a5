//! `team-operator db apply|drop` against the throwaway PostgreSQL server.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use test_support::{Postgres, postgres, scratch_dir, unique_name};

struct Run {
    success: bool,
    stdout: String,
    stderr: String,
}

fn team_operator(args: &[&str], files: &[&Path]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_team-operator"));
    command.args(args);
    for file in files {
        command.arg("-f").arg(file);
    }
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().expect("team-operator runs");
    Run {
        success: status.success(),
        stdout: String::from_utf8(stdout).unwrap(),
        stderr: String::from_utf8(stderr).unwrap(),
    }
}

/// Single-quoted YAML scalar.
fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Secrets and one PostgresDatabase, written to a file.
fn manifests(pg: &Postgres, role: &str, password: Option<&str>, drop: bool, dir: &Path) -> PathBuf {
    let password_line = password
        .map(|p| format!("  pub-db-password: {}\n", quoted(p)))
        .unwrap_or_default();
    let text = format!(
        "apiVersion: v1
kind: Secret
metadata:
  name: site-workload
  namespace: posit-team
stringData:
  main-database-url: {admin_url}
---
apiVersion: v1
kind: Secret
metadata:
  name: site-secrets
  namespace: posit-team
stringData:
  unrelated: x
{password_line}---
apiVersion: core.posit.team/v1beta1
kind: PostgresDatabase
metadata:
  name: {name}
  namespace: posit-team
spec:
  url: postgres://{role}@{host}:{port}/{role}
  secretVault: site-secrets
  secretPasswordKey: pub-db-password
  secret: {{type: kubernetes, vaultName: site-secrets}}
  workloadSecret: {{type: kubernetes, vaultName: site-workload}}
  schemas: [connect, instrumentation]
  teardown: {{drop: {drop}}}
",
        admin_url = quoted(&pg.admin_url()),
        name = role.replace('_', "-"),
        host = pg.host,
        port = pg.port,
    );
    let path = dir.join(format!("{role}.yaml"));
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn apply_provisions_then_reports_up_to_date_and_drop_keeps_or_drops() {
    let pg = postgres();
    let dir = scratch_dir("db-cli");
    let role = unique_name("cli");
    let kept = manifests(&pg, &role, Some("cli-pw"), false, &dir);

    let first = team_operator(&["db", "apply"], &[&kept]);
    assert!(first.success, "{}", first.stderr);
    let label = format!(
        "{} doc 3: PostgresDatabase posit-team/{}",
        kept.display(),
        role.replace('_', "-")
    );
    assert!(
        first.stderr.starts_with(&format!(
            "{label}: role \"{role}\" and database \"{role}\" on {}:{}: 6 statements\n  CREATE ROLE \"{role}\" LOGIN",
            pg.host, pg.port
        )),
        "{}",
        first.stderr
    );
    assert!(first.stderr.contains("PASSWORD '***'"));
    assert!(!first.stderr.contains("cli-pw") && !first.stderr.contains(&pg.admin_password));
    assert_eq!(first.stdout, "", "nothing generated");

    let second = team_operator(&["db", "apply"], &[&kept]);
    assert!(second.success, "{}", second.stderr);
    assert_eq!(
        second.stderr,
        format!(
            "{label}: role \"{role}\" and database \"{role}\" on {}:{}: up to date\n",
            pg.host, pg.port
        )
    );

    let drop_kept = team_operator(&["db", "drop"], &[&kept]);
    assert!(drop_kept.success, "{}", drop_kept.stderr);
    assert_eq!(
        drop_kept.stderr,
        format!(
            "{label}: teardown.drop is not true: database \"{role}\" and role \"{role}\" on {}:{} kept\n",
            pg.host, pg.port
        )
    );
    assert!(
        team_operator(&["db", "apply"], &[&kept])
            .stderr
            .ends_with("up to date\n"),
        "still there"
    );

    let dropping = manifests(&pg, &role, Some("cli-pw"), true, &dir);
    let dropped = team_operator(&["db", "drop"], &[&dropping]);
    assert!(dropped.success, "{}", dropped.stderr);
    assert!(
        dropped.stderr.contains(": dropped\n  ALTER DATABASE"),
        "{}",
        dropped.stderr
    );
    let again = team_operator(&["db", "drop"], &[&dropping]);
    assert!(
        again.success && again.stderr.ends_with(": already gone\n"),
        "{}",
        again.stderr
    );
}

#[test]
fn a_generated_password_is_printed_as_a_secret_manifest_and_reused() {
    let pg = postgres();
    let dir = scratch_dir("db-cli-gen");
    let role = unique_name("cli_gen");
    let file = manifests(&pg, &role, None, true, &dir);

    let first = team_operator(&["db", "apply"], &[&file]);
    assert!(first.success, "{}", first.stderr);
    let secret_name = format!("{}-db-credentials", role.replace('_', "-"));
    assert!(first.stderr.contains(&format!(
        "generated a password; its Secret \"{secret_name}\""
    )));
    assert!(first.stdout.starts_with("---\n"), "{}", first.stdout);
    assert!(
        first.stdout.contains(&format!("name: {secret_name}")),
        "{}",
        first.stdout
    );
    assert!(
        first
            .stdout
            .contains("app.kubernetes.io/managed-by: team-operator")
    );
    // The printed manifest is a valid Kubernetes Secret.
    let secret_file = dir.join("credentials.yaml");
    std::fs::write(&secret_file, &first.stdout).unwrap();
    test_support::kubernetes_validate(std::slice::from_ref(&secret_file))
        .assert_success("kubernetes-validate");

    // Given back, it is reused: nothing to print, nothing to change.
    let second = team_operator(&["db", "apply"], &[&file, &secret_file]);
    assert!(second.success, "{}", second.stderr);
    assert_eq!(second.stdout, "");
    assert!(second.stderr.ends_with("up to date\n"), "{}", second.stderr);
    let cleanup = team_operator(&["db", "drop"], &[&file]);
    assert!(cleanup.success, "{}", cleanup.stderr);
}

#[test]
fn failures_name_the_resource_and_the_problem_and_exit_non_zero() {
    let pg = postgres();
    let dir = scratch_dir("db-cli-bad");
    let good = manifests(&pg, &unique_name("cli_ok"), Some("pw"), true, &dir);
    let long = "r".repeat(64);
    let bad_name = manifests(&pg, &long, Some("pw"), true, &dir);
    let run = team_operator(&["db", "apply"], &[&bad_name, &good]);
    assert!(!run.success);
    assert!(
        run.stderr.contains(&format!(
            "PostgresDatabase posit-team/{long}: InvalidSpec: spec.url: role name \"{long}\" is 64 bytes long; PostgreSQL keeps at most 63\n"
        )),
        "{}",
        run.stderr
    );
    // The other resource was still applied; the summary counts the failure.
    assert!(run.stderr.contains(": 6 statements\n"), "{}", run.stderr);
    assert!(
        run.stderr.ends_with("1 of 2 PostgresDatabases failed\n"),
        "{}",
        run.stderr
    );
    assert!(team_operator(&["db", "drop"], &[&good]).success);

    let none = dir.join("empty.yaml");
    std::fs::write(&none, "apiVersion: v1\nkind: Secret\nmetadata: {name: x}\n").unwrap();
    let run = team_operator(&["db", "apply"], &[&none]);
    assert!(!run.success);
    assert_eq!(run.stderr, "no PostgresDatabase in the given files\n");
}

#[test]
fn a_server_that_is_down_is_named_without_the_password() {
    let pg = postgres();
    let dir = scratch_dir("db-cli-down");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let down = Postgres { port, ..pg.clone() };
    let file = manifests(&down, &unique_name("cli_down"), Some("role-pw"), true, &dir);
    let run = team_operator(&["db", "apply"], &[&file]);
    assert!(!run.success);
    assert!(
        run.stderr.contains(&format!(
            "AdminConnectionFailed: cannot connect to PostgreSQL at 127.0.0.1:{port} as user \"{}\"",
            pg.admin_user
        )),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("Connection refused"), "{}", run.stderr);
    assert!(!run.stderr.contains(&pg.admin_password) && !run.stderr.contains("role-pw"));
}
