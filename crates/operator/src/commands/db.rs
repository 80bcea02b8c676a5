//! `team-operator db apply|drop`: act on the PostgreSQL server of PostgresDatabase manifests,
//! reading the Secrets they refer to from the same files.
//!
//! Standard output carries only generated credentials Secrets (YAML manifests); everything
//! else goes to standard error, so `db apply -f x.yaml > credentials.yaml` keeps them.

use super::CommandError;
use crate::input::{self, Sourced};
use k8s_openapi::api::core::v1::Secret;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use team_api::PostgresDatabase;
use team_api::manifest::Resource;
use team_db::credentials::SecretWrite;
use team_db::secrets::FoundSecrets;

/// What to do with each PostgresDatabase.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Apply,
    Drop,
}

/// Namespace of objects that name none, as kubectl assumes.
const DEFAULT_NAMESPACE: &str = "default";

pub fn run(action: Action, files: &[PathBuf]) -> Result<(), CommandError> {
    let resources = input::read_files(files)?;
    let databases: Vec<(String, &PostgresDatabase)> = resources
        .iter()
        .filter_map(|sourced| match &sourced.decoded.resource {
            Resource::PostgresDatabase(pgdb) => Some((label(sourced, pgdb), pgdb.as_ref())),
            _ => None,
        })
        .collect();
    if databases.is_empty() {
        return Err("no PostgresDatabase in the given files".into());
    }
    let secrets = secrets_by_namespace(&resources);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut failed = 0;
    for (label, pgdb) in &databases {
        let found = secrets
            .get(namespace(&pgdb.metadata.namespace))
            .cloned()
            .unwrap_or_default();
        let result = match action {
            Action::Apply => runtime.block_on(apply(label, pgdb, &found)),
            Action::Drop => runtime.block_on(drop(label, pgdb, &found)),
        };
        if let Err(error) = result {
            eprintln!("{label}: {}: {error}", error.reason);
            failed += 1;
        }
    }
    match failed {
        0 => Ok(()),
        n => Err(format!("{n} of {} PostgresDatabases failed", databases.len()).into()),
    }
}

async fn apply(
    label: &str,
    pgdb: &PostgresDatabase,
    found: &FoundSecrets,
) -> Result<(), team_db::Error> {
    let provisioning = team_db::resolve::for_apply(pgdb, found)?;
    // The password is printed before it is used, so a failure later cannot lose it.
    if let Some(write) = &provisioning.credentials_secret {
        print_secret(label, write);
    }
    let report = team_db::apply(&provisioning).await?;
    let target = format!(
        "role {} and database {} on {}",
        provisioning.names.role, provisioning.names.database, provisioning.admin.url.endpoint
    );
    if report.is_noop() {
        eprintln!("{label}: {target}: up to date");
    } else {
        eprintln!("{label}: {target}: {} statements", report.executed.len());
        for statement in &report.executed {
            eprintln!("  {statement}");
        }
    }
    Ok(())
}

async fn drop(
    label: &str,
    pgdb: &PostgresDatabase,
    found: &FoundSecrets,
) -> Result<(), team_db::Error> {
    let teardown = team_db::resolve::for_teardown(pgdb, found)?;
    let target = format!(
        "database {} and role {} on {}",
        teardown.names.database, teardown.names.role, teardown.admin.url.endpoint
    );
    if !pgdb.spec.drops_on_teardown() {
        eprintln!("{label}: teardown.drop is not true: {target} kept");
        return Ok(());
    }
    let report = team_db::teardown(&teardown).await?;
    if report.is_noop() {
        eprintln!("{label}: {target}: already gone");
    } else {
        eprintln!("{label}: {target}: dropped");
        for statement in &report.executed {
            eprintln!("  {statement}");
        }
    }
    Ok(())
}

fn print_secret(label: &str, write: &SecretWrite) {
    let secret = write.secret();
    let name = secret.metadata.name.as_deref().unwrap_or_default();
    let verb = match write {
        SecretWrite::Create(_) => "generated a password; its Secret",
        SecretWrite::Replace(_) => "connection details changed; the updated Secret",
    };
    eprintln!(
        "{label}: {verb} {name:?} is on standard output: keep it (pass it with -f next time) or \
         apply it to the cluster"
    );
    let yaml = serde_saphyr::to_string(secret).expect("a Secret serializes");
    let mut stdout = std::io::stdout().lock();
    // A closed stdout is the caller's choice; the message above already says where it went.
    let newline = if yaml.ends_with('\n') { "" } else { "\n" };
    let _ = write!(stdout, "---\n{yaml}{newline}");
    let _ = stdout.flush();
}

fn label(sourced: &Sourced, pgdb: &PostgresDatabase) -> String {
    format!(
        "{} doc {}: PostgresDatabase {}/{}",
        sourced.source,
        sourced.decoded.document,
        namespace(&pgdb.metadata.namespace),
        pgdb.metadata.name.as_deref().unwrap_or_default()
    )
}

fn namespace(namespace: &Option<String>) -> &str {
    namespace.as_deref().unwrap_or(DEFAULT_NAMESPACE)
}

/// The Secrets of the files, per namespace and name; a later document wins.
fn secrets_by_namespace(resources: &[Sourced]) -> BTreeMap<String, FoundSecrets> {
    let mut secrets: BTreeMap<String, FoundSecrets> = BTreeMap::new();
    for sourced in resources {
        if let Resource::Secret(secret) = &sourced.decoded.resource {
            let secret: &Secret = secret;
            let Some(name) = secret.metadata.name.clone() else {
                continue;
            };
            secrets
                .entry(namespace(&secret.metadata.namespace).to_string())
                .or_default()
                .insert(name, secret.clone());
        }
    }
    secrets
}
