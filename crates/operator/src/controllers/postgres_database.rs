//! The PostgresDatabase controller: provisions the role, database and schemas a resource
//! describes, keeps the role's password in step with its Secret, and tears the database down
//! on deletion when `teardown.drop` says so.
//!
//! read -> resolve (pure) -> credentials Secret -> SQL. Only our finalizer
//! (`posit-team.posit.co`) is added or removed. Status, Events and retries come from the
//! shared runtime, which writes only what changed.

use crate::runtime::apply::FIELD_MANAGER;
use crate::runtime::conditions::Health;
use crate::runtime::context::Context;
use crate::runtime::controller::Outcome;
use crate::runtime::error::ReconcileError;
use k8s_openapi::api::core::v1::Secret;
use kube::ResourceExt;
use kube::api::{Api, Patch, PatchParams, PostParams};
use serde_json::json;
use std::sync::Arc;
use team_api::PostgresDatabase;
use team_api::postgres_database::POSTGRES_DATABASE_FINALIZER;
use team_db::credentials::SecretWrite;
use team_db::secrets::FoundSecrets;

/// Condition reason when everything is in place.
pub const REASON_PROVISIONED: &str = "Provisioned";

/// Reconciles one PostgresDatabase.
pub async fn reconcile(
    pgdb: Arc<PostgresDatabase>,
    ctx: Arc<Context>,
) -> Result<Outcome, ReconcileError> {
    let namespace = pgdb
        .namespace()
        .ok_or_else(|| ReconcileError::InvalidSpec("metadata.namespace: required".into()))?;
    let resources: Api<PostgresDatabase> = Api::namespaced(ctx.client.clone(), &namespace);
    let secrets: Api<Secret> = Api::namespaced(ctx.client.clone(), &namespace);

    if pgdb.metadata.deletion_timestamp.is_some() {
        return finalize(&pgdb, &resources, &secrets, &ctx).await;
    }
    add_finalizer(&pgdb, &resources).await?;
    let found = read_secrets(&pgdb, &secrets, &ctx).await?;
    let message = provision(&pgdb, &found, &secrets).await?;
    Ok(Outcome::health(Health::Ready {
        reason: REASON_PROVISIONED.into(),
        message,
    }))
}

/// Creates or updates the credentials Secret when the password is generated, then applies.
/// Returns the Ready message.
async fn provision(
    pgdb: &PostgresDatabase,
    found: &FoundSecrets,
    secrets: &Api<Secret>,
) -> Result<String, ReconcileError> {
    let provisioning = team_db::resolve::for_apply(pgdb, found).map_err(database)?;
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
    team_db::apply(&provisioning).await.map_err(database)?;
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
    ctx: &Context,
) -> Result<Outcome, ReconcileError> {
    if !has_finalizer(pgdb) {
        return Ok(Outcome::gone());
    }
    if pgdb.spec.drops_on_teardown() {
        let found = read_secrets(pgdb, secrets, ctx).await?;
        let dropped = async {
            let teardown = team_db::resolve::for_teardown(pgdb, &found)?;
            team_db::teardown(&teardown).await
        }
        .await;
        if let Err(error) = dropped {
            return Err(ReconcileError::Database {
                reason: error.reason.as_str(),
                message: format!("teardown: {error}"),
            });
        }
    }
    remove_finalizer(pgdb, resources).await?;
    Ok(Outcome::gone())
}

fn database(error: team_db::Error) -> ReconcileError {
    ReconcileError::Database {
        reason: error.reason.as_str(),
        message: error.to_string(),
    }
}

/// Reads the Secrets the resource refers to; missing ones are simply absent. AWS Secrets
/// Manager secrets are read too when the operator can (their values are passed like a
/// Secret under `team_db::secrets::aws_entry`).
async fn read_secrets(
    pgdb: &PostgresDatabase,
    secrets: &Api<Secret>,
    ctx: &Context,
) -> Result<FoundSecrets, ReconcileError> {
    let mut found = FoundSecrets::new();
    for name in team_db::secrets_to_read(pgdb) {
        if let Some(secret) = secrets.get_opt(&name).await? {
            found.insert(name, secret);
        }
    }
    if let Some(aws) = &ctx.aws {
        for vault in team_db::aws_secrets_to_read(pgdb) {
            let values = aws
                .read(&vault)
                .await
                .map_err(ReconcileError::SecretMissing)?;
            let secret = Secret {
                string_data: Some(values),
                ..Secret::default()
            };
            found.insert(team_db::secrets::aws_entry(&vault), secret);
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
) -> Result<(), ReconcileError> {
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
) -> Result<(), ReconcileError> {
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
) -> Result<(), ReconcileError> {
    let patch: json_patch::Patch = serde_json::from_value(patch).expect("a well-formed JSON patch");
    resources
        .patch(name, &PatchParams::default(), &Patch::<()>::Json(patch))
        .await?;
    Ok(())
}
