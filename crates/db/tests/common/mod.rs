//! Fixtures for the tests against the throwaway PostgreSQL server.
// Each test binary uses a different part of these fixtures.
#![allow(dead_code, unused_imports)]

use k8s_openapi::api::core::v1::Secret;
use std::collections::BTreeMap;
use team_api::PostgresDatabase;
use team_db::secrets::FoundSecrets;
use team_db::session::Session;
use team_db::url::ConnectionUrl;
use team_db::{Error, Reason};
pub use test_support::{Postgres, postgres, unique_name, url_encode};

pub use test_support::{PASSWORD_KEY, PRODUCT_SECRET, WORKLOAD_SECRET};

/// A Secret in the fixtures' namespace.
pub fn secret(name: &str, data: &[(&str, &str)]) -> Secret {
    test_support::secret(name, Some("posit-team"), data)
}

/// One product database: the resource and the Secrets it reads.
pub struct Product {
    pub pgdb: PostgresDatabase,
    pub secrets: FoundSecrets,
    pub role: String,
    pub database: String,
}

impl Product {
    /// A PostgresDatabase for role and database `name` on the test server, with the admin URL
    /// in the workload Secret and `password` (if any) in the product Secret.
    pub fn new(pg: &Postgres, name: &str, schemas: &[&str], password: Option<&str>) -> Self {
        Self::with_names(pg, name, name, schemas, password)
    }

    pub fn with_names(
        pg: &Postgres,
        role: &str,
        database: &str,
        schemas: &[&str],
        password: Option<&str>,
    ) -> Self {
        let name = format!("pgdb-{}", unique_name("x"));
        let mut pgdb = pg.database_resource(&name, role, database, schemas, true);
        pgdb.metadata.namespace = Some("posit-team".to_string());
        let mut product = Self {
            pgdb,
            secrets: BTreeMap::new(),
            role: role.to_string(),
            database: database.to_string(),
        };
        product.set_admin_url(&pg.admin_url());
        product.set_password(password);
        product
    }

    pub fn set_admin_url(&mut self, url: &str) {
        self.secrets.insert(
            WORKLOAD_SECRET.to_string(),
            secret(WORKLOAD_SECRET, &[("main-database-url", url)]),
        );
    }

    /// Puts `password` under the product key, or leaves the key out.
    pub fn set_password(&mut self, password: Option<&str>) {
        let secret = test_support::product_secret(Some("posit-team"), password);
        self.secrets.insert(PRODUCT_SECRET.to_string(), secret);
    }

    pub async fn apply(&self) -> Result<team_db::Report, Error> {
        let provisioning = team_db::resolve::for_apply(&self.pgdb, &self.secrets)?;
        team_db::apply(&provisioning).await
    }

    pub async fn teardown(&self) -> Result<team_db::Report, Error> {
        let teardown = team_db::resolve::for_teardown(&self.pgdb, &self.secrets)?;
        team_db::teardown(&teardown).await
    }
}

/// Logs in as `user` to `database` on the test server.
pub async fn login(
    pg: &Postgres,
    user: &str,
    password: &str,
    database: &str,
) -> Result<Session, Error> {
    let url = ConnectionUrl::parse(&pg.url(user, password, database)).unwrap();
    Session::open(&url, database, Reason::RoleLoginFailed).await
}

/// A superuser session for assertions.
pub async fn superuser(pg: &Postgres) -> Session {
    login(pg, &pg.superuser, &pg.superuser_password, "postgres")
        .await
        .expect("the superuser can log in")
}

/// Runs a one-column text query as the superuser, with text parameters.
pub async fn strings(pg: &Postgres, sql: &str, params: &[&str]) -> Vec<String> {
    let session = superuser(pg).await;
    let params: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = params
        .iter()
        .map(|p| p as &(dyn tokio_postgres::types::ToSql + Sync))
        .collect();
    session
        .query(sql, &params)
        .await
        .unwrap()
        .iter()
        .map(|row| row.get::<_, String>(0))
        .collect()
}

pub async fn role_exists(pg: &Postgres, role: &str) -> bool {
    !strings(
        pg,
        "SELECT rolname::text FROM pg_roles WHERE rolname::text = $1::text",
        &[role],
    )
    .await
    .is_empty()
}

pub async fn database_exists(pg: &Postgres, database: &str) -> bool {
    !strings(
        pg,
        "SELECT datname::text FROM pg_database WHERE datname::text = $1::text",
        &[database],
    )
    .await
    .is_empty()
}
