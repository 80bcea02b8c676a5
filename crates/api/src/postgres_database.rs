//! `PostgresDatabase`: one product database with its own role and schemas.

use crate::serde_util::is_zero;
use crate::shared::SecretConfig;
use crate::status::ConditionsStatus;
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Finalizer that holds a PostgresDatabase until its teardown has run.
pub const POSTGRES_DATABASE_FINALIZER: &str = "posit-team.posit.co";

/// Desired state of a product database.
#[derive(CustomResource, Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[kube(
    group = "core.posit.team",
    version = "v1beta1",
    kind = "PostgresDatabase",
    namespaced,
    status = "ConditionsStatus",
    shortname = "pgdb",
    shortname = "pgdbs",
    category = "posit",
    derive = "Default",
    derive = "PartialEq",
    doc = "A PostgreSQL database owned by a dedicated role, on the server of the Site's main-database-url.",
    printcolumn = r#"{"name":"Ready","type":"string","jsonPath":".status.conditions[?(@.type==\"Ready\")].status"}"#,
    printcolumn = r#"{"name":"Reason","type":"string","jsonPath":".status.conditions[?(@.type==\"Ready\")].reason"}"#,
    printcolumn = r#"{"name":"Age","type":"date","jsonPath":".metadata.creationTimestamp"}"#
)]
#[serde(rename_all = "camelCase")]
pub struct PostgresDatabaseSpec {
    /// `postgres://<role>@<host>[:port]/<database>`: the role and database to provision, on the
    /// same server as `main-database-url`.
    #[schemars(regex(pattern = r"^postgres.+@.+/.+"))]
    pub url: String,
    /// Historical: the vault name. Kept for compatibility; `secret.vaultName` is used.
    pub secret_vault: String,
    /// Key in `secret` holding the role's password. When the key is absent the operator
    /// generates a password and stores it in a Secret it owns.
    pub secret_password_key: String,
    /// Vault holding the role's password.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub secret: SecretConfig,
    /// Vault holding `main-database-url` (the admin connection).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub workload_secret: SecretConfig,
    /// Optional vault with `username` and `password` replacing the admin credentials.
    #[serde(
        default,
        rename = "mainDbCredentialSecret",
        skip_serializing_if = "is_zero"
    )]
    pub main_db_credential_secret: SecretConfig,
    /// Extensions to create in the database.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub extensions: Vec<String>,
    /// Schemas to create, owned by the role.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub schemas: Vec<String>,
    /// What happens to the database when this resource is deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teardown: Option<PostgresDatabaseTeardown>,
}

impl PostgresDatabaseSpec {
    /// True when deleting the resource drops the database and role. Absent means keep.
    pub fn drops_on_teardown(&self) -> bool {
        self.teardown.as_ref().is_some_and(|t| t.drop)
    }
}

/// Teardown policy of a PostgresDatabase.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PostgresDatabaseTeardown {
    /// Drop the database and role on deletion.
    #[serde(default)]
    pub drop: bool,
}
