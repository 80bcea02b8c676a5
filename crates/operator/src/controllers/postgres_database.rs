//! The PostgresDatabase controller: provisions the role, database and schemas a resource
//! describes, keeps the role's password in step with its Secret, and tears the database down
//! on deletion when `teardown.drop` says so.
//!
//! read -> resolve (pure) -> credentials Secret -> SQL -> status. Only our finalizer
//! (`posit-team.posit.co`) is added or removed; status is written only when it changes, so a
//! resync of an up-to-date resource writes nothing.

use crate::controllers::conditions;
use k8s_openapi::api::core::v1::Secret;
use kube::api::{Api, Patch, PatchParams, PostParams};
use kube::{Client, ResourceExt};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use team_api::postgres_database::POSTGRES_DATABASE_FINALIZER;
use team_api::status::ConditionsStatus;
use team_api::{API_VERSION, PostgresDatabase};
use team_db::credentials::SecretWrite;
use team_db::secrets::FoundSecrets;

/// Field manager of every write.
pub const FIELD_MANAGER: &str = "team-operator";
/// How often an up-to-date resource is checked again: picks up rotated passwords and repairs
/// drift made on the server behind the operator's back.
pub const RESYNC: Duration = Duration::from_secs(300);
/// Condition reason when everything is in place.
pub const REASON_PROVISIONED: &str = "Provisioned";

/// What the controller needs.
#[derive(Clone)]
pub struct Context {
    pub client: Client,
}

/// What to do after a successful reconcile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Check again after this long.
    RequeueAfter(Duration),
    /// Nothing left to do until the resource changes (it is gone or going).
    AwaitChange,
}

/// A failed reconcile. The reason is stable (condition reason, event reason, metric label).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Database(#[from] team_db::Error),
    #[error("Kubernetes API: {0}")]
    Kube(#[from] kube::Error),
    #[error("the resource has no namespace")]
    NoNamespace,
}

impl Error {
    pub fn reason(&self) -> &'static str {
        match self {
            Error::Database(error) => error.reason.as_str(),
            Error::Kube(_) => "KubernetesApiFailed",
            Error::NoNamespace => "InvalidSpec",
        }
    }
}

/// Reconciles one PostgresDatabase.
pub async fn reconcile(pgdb: Arc<PostgresDatabase>, ctx: Arc<Context>) -> Result<Outcome, Error> {
    let namespace = pgdb.namespace().ok_or(Error::NoNamespace)?;
    let resources: Api<PostgresDatabase> = Api::namespaced(ctx.client.clone(), &namespace);
    let secrets: Api<Secret> = Api::namespaced(ctx.client.clone(), &namespace);

    if pgdb.metadata.deletion_timestamp.is_some() {
        return finalize(&pgdb, &resources, &secrets).await;
    }
    add_finalizer(&pgdb, &resources).await?;
    let found = read_secrets(&pgdb, &secrets).await?;
    let result = provision(&pgdb, &found, &secrets).await;
    let status = match &result {
        Ok(message) => conditions::succeeded(
            pgdb.status.as_ref(),
            pgdb.metadata.generation,
            REASON_PROVISIONED,
            message,
        ),
        Err(error) => conditions::failed(
            pgdb.status.as_ref(),
            pgdb.metadata.generation,
            error.reason(),
            &error.to_string(),
        ),
    };
    write_status(&pgdb, &resources, status).await?;
    result.map(|_| Outcome::RequeueAfter(RESYNC))
}

/// Creates or updates the credentials Secret when the password is generated, then applies.
/// Returns the Ready message.
async fn provision(
    pgdb: &PostgresDatabase,
    found: &FoundSecrets,
    secrets: &Api<Secret>,
) -> Result<String, Error> {
    let provisioning = team_db::resolve::for_apply(pgdb, found)?;
    // The Secret first: a password must be stored before any role uses it.
    match &provisioning.credentials_secret {
        None => {}
        Some(SecretWrite::Create(secret)) => {
            secrets.create(&PostParams::default(), secret).await?;
        }
        Some(SecretWrite::Replace(secret)) => {
            let name = secret.name_any();
            secrets
                .patch(
                    &name,
                    &PatchParams::apply(FIELD_MANAGER).force(),
                    &Patch::Apply(secret),
                )
                .await?;
        }
    }
    team_db::apply(&provisioning).await?;
    Ok(format!(
        "role {} owns database {} on {}",
        provisioning.names.role, provisioning.names.database, provisioning.admin.url.endpoint
    ))
}

/// Deletion: drop when `teardown.drop` is true, then release our finalizer. A failed drop
/// keeps the finalizer and reports why.
async fn finalize(
    pgdb: &PostgresDatabase,
    resources: &Api<PostgresDatabase>,
    secrets: &Api<Secret>,
) -> Result<Outcome, Error> {
    if !has_finalizer(pgdb) {
        return Ok(Outcome::AwaitChange);
    }
    if pgdb.spec.drops_on_teardown() {
        let dropped = async {
            let found = read_secrets(pgdb, secrets).await?;
            let teardown = team_db::resolve::for_teardown(pgdb, &found)?;
            team_db::teardown(&teardown).await?;
            Ok::<_, Error>(())
        }
        .await;
        if let Err(error) = dropped {
            let message = format!("teardown: {error}");
            let status = conditions::failed(
                pgdb.status.as_ref(),
                pgdb.metadata.generation,
                error.reason(),
                &message,
            );
            write_status(pgdb, resources, status).await?;
            return Err(error);
        }
    }
    remove_finalizer(pgdb, resources).await?;
    Ok(Outcome::AwaitChange)
}

/// Reads the Secrets the resource refers to; missing ones are simply absent.
async fn read_secrets(
    pgdb: &PostgresDatabase,
    secrets: &Api<Secret>,
) -> Result<FoundSecrets, Error> {
    let mut found = FoundSecrets::new();
    for name in team_db::secrets_to_read(pgdb) {
        if let Some(secret) = secrets.get_opt(&name).await? {
            found.insert(name, secret);
        }
    }
    Ok(found)
}

fn has_finalizer(pgdb: &PostgresDatabase) -> bool {
    pgdb.finalizers()
        .iter()
        .any(|finalizer| finalizer == POSTGRES_DATABASE_FINALIZER)
}

/// Adds our finalizer next to any others, guarded by the resourceVersion so a concurrent
/// change is never overwritten.
async fn add_finalizer(
    pgdb: &PostgresDatabase,
    resources: &Api<PostgresDatabase>,
) -> Result<(), Error> {
    if has_finalizer(pgdb) {
        return Ok(());
    }
    let guard = json!({"op": "test", "path": "/metadata/resourceVersion", "value": pgdb.resource_version()});
    let add = if pgdb.finalizers().is_empty() {
        json!({"op": "add", "path": "/metadata/finalizers", "value": [POSTGRES_DATABASE_FINALIZER]})
    } else {
        json!({"op": "add", "path": "/metadata/finalizers/-", "value": POSTGRES_DATABASE_FINALIZER})
    };
    json_patch(resources, &pgdb.name_any(), json!([guard, add])).await
}

/// Removes our finalizer only, by position, checking that the position still holds it.
async fn remove_finalizer(
    pgdb: &PostgresDatabase,
    resources: &Api<PostgresDatabase>,
) -> Result<(), Error> {
    let Some(index) = pgdb
        .finalizers()
        .iter()
        .position(|finalizer| finalizer == POSTGRES_DATABASE_FINALIZER)
    else {
        return Ok(());
    };
    let path = format!("/metadata/finalizers/{index}");
    let patch = json!([
        {"op": "test", "path": path, "value": POSTGRES_DATABASE_FINALIZER},
        {"op": "remove", "path": path},
    ]);
    json_patch(resources, &pgdb.name_any(), patch).await
}

async fn json_patch(
    resources: &Api<PostgresDatabase>,
    name: &str,
    patch: serde_json::Value,
) -> Result<(), Error> {
    let patch: json_patch::Patch = serde_json::from_value(patch).expect("a well-formed JSON patch");
    resources
        .patch(name, &PatchParams::default(), &Patch::<()>::Json(patch))
        .await?;
    Ok(())
}

/// Writes the status when it differs from what the resource already shows.
async fn write_status(
    pgdb: &PostgresDatabase,
    resources: &Api<PostgresDatabase>,
    status: ConditionsStatus,
) -> Result<(), Error> {
    if pgdb.status.as_ref() == Some(&status) {
        return Ok(());
    }
    let body = json!({
        "apiVersion": API_VERSION,
        "kind": "PostgresDatabase",
        "status": status,
    });
    resources
        .patch_status(
            &pgdb.name_any(),
            &PatchParams::apply(FIELD_MANAGER).force(),
            &Patch::Apply(&body),
        )
        .await?;
    Ok(())
}
