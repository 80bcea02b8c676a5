//! Connection failures, TLS modes and missing privileges, against the throwaway server.

mod common;

use common::*;
use team_db::Reason;

fn closed_port() -> u16 {
    // Bind and release: nothing listens there afterwards.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Applies a product whose admin URL and spec URL point at `host:port`.
async fn apply_against(pg: &Postgres, host: &str, port: u16, password: &str) -> team_db::Error {
    let name = unique_name("fail");
    let mut product = Product::new(pg, &name, &[], Some("role-secret-pw"));
    product.pgdb.spec.url = format!("postgres://{name}@{host}:{port}/{name}");
    product.set_admin_url(&format!(
        "postgresql://{}:{}@{host}:{port}/postgres?connect_timeout=3",
        pg.admin_user,
        url_encode(password)
    ));
    product.apply().await.unwrap_err()
}

fn assert_no_secret(error: &team_db::Error, pg: &Postgres) {
    for secret in [pg.admin_password.as_str(), "role-secret-pw"] {
        assert!(!error.message.contains(secret), "password in: {error}");
    }
}

#[tokio::test]
async fn a_wrong_admin_password_names_host_port_and_user() {
    let pg = postgres();
    let error = apply_against(&pg, &pg.host, pg.port, "not-the-password").await;
    assert_eq!(error.reason, Reason::AdminConnectionFailed);
    assert_eq!(
        error.message,
        format!(
            "cannot connect to PostgreSQL at {}:{} as user \"{}\" to database \"postgres\": \
             FATAL: password authentication failed for user \"{}\" (SQLSTATE 28P01)",
            pg.host, pg.port, pg.admin_user, pg.admin_user
        )
    );
    assert!(!error.message.contains("not-the-password"));
    assert_no_secret(&error, &pg);
}

#[tokio::test]
async fn a_server_that_is_down_is_reported_with_host_and_port() {
    let pg = postgres();
    let port = closed_port();
    let error = apply_against(&pg, "127.0.0.1", port, &pg.admin_password).await;
    assert_eq!(error.reason, Reason::AdminConnectionFailed);
    assert!(
        error.message.contains(&format!("at 127.0.0.1:{port} ")),
        "{error}"
    );
    assert!(error.message.contains("Connection refused"), "{error}");
    assert_no_secret(&error, &pg);
}

#[tokio::test]
async fn a_wrong_host_is_reported_with_host_and_port() {
    let pg = postgres();
    // A loopback address where no PostgreSQL listens.
    let error = apply_against(&pg, "127.0.0.3", pg.port, &pg.admin_password).await;
    assert_eq!(error.reason, Reason::AdminConnectionFailed);
    assert!(
        error
            .message
            .contains(&format!("at 127.0.0.3:{} ", pg.port)),
        "{error}"
    );
    assert_no_secret(&error, &pg);
}

#[tokio::test]
async fn a_mismatched_server_is_refused_before_connecting() {
    let pg = postgres();
    let name = unique_name("mismatch");
    let mut product = Product::new(&pg, &name, &[], Some("pw"));
    product.pgdb.spec.url = format!("postgres://{name}@other.example:5432/{name}");
    let error = product.apply().await.unwrap_err();
    assert_eq!(error.reason, Reason::InvalidSpec);
    assert_eq!(
        error.message,
        format!(
            "spec.url names the server other.example:5432, but main-database-url connects to \
             {}:{}: both must be the same server",
            pg.host, pg.port
        )
    );
    // An explicit default port and an omitted one are the same server.
    let mut product = Product::new(&pg, &name, &[], Some("pw"));
    product.set_admin_url("postgres://a:b@db.internal/postgres");
    product.pgdb.spec.url = format!("postgres://{name}@DB.internal:5432/{name}");
    assert!(team_db::resolve::for_apply(&product.pgdb, &product.secrets).is_ok());
}

#[tokio::test]
async fn missing_secrets_are_named() {
    let pg = postgres();
    let mut product = Product::new(&pg, &unique_name("nosecret"), &[], Some("pw"));
    product.secrets.remove(WORKLOAD_SECRET);
    let error = product.apply().await.unwrap_err();
    assert_eq!(error.reason, Reason::SecretMissing);
    assert_eq!(
        error.message,
        "Secret \"site-workload\" (spec.workloadSecret) was not found"
    );
    product
        .secrets
        .insert(WORKLOAD_SECRET.into(), secret(WORKLOAD_SECRET, &[]));
    let error = product.apply().await.unwrap_err();
    assert_eq!(error.reason, Reason::SecretMissing);
    assert_eq!(
        error.message,
        "key \"main-database-url\" of Secret \"site-workload\" (spec.workloadSecret) is missing or empty"
    );
    product.set_admin_url(&pg.admin_url());
    product.secrets.remove(PRODUCT_SECRET);
    let error = product.apply().await.unwrap_err();
    assert_eq!(error.reason, Reason::SecretMissing);
    assert_eq!(
        error.message,
        "Secret \"site-secrets\" (spec.secret) was not found"
    );
}

#[tokio::test]
async fn a_bad_admin_url_is_reported_without_its_text() {
    let pg = postgres();
    let mut product = Product::new(&pg, &unique_name("badurl"), &[], Some("pw"));
    product.set_admin_url("postgres://admin:hunter2@db:notaport/postgres");
    let error = product.apply().await.unwrap_err();
    assert_eq!(error.reason, Reason::InvalidSpec);
    assert_eq!(
        error.message,
        "key \"main-database-url\" of Secret \"site-workload\": the URL has an invalid port \
         \"notaport\" (expected 1 to 65535)"
    );
}

#[tokio::test]
async fn an_admin_without_createrole_gets_insufficient_privilege() {
    let pg = postgres();
    let weak = unique_name("weak_admin");
    let su = superuser(&pg).await;
    su.query(
        &format!("CREATE ROLE \"{weak}\" LOGIN CREATEDB PASSWORD 'weak-pw'"),
        &[],
    )
    .await
    .unwrap();
    let name = unique_name("needs_role");
    let mut product = Product::new(&pg, &name, &[], Some("pw"));
    product.set_admin_url(&pg.url(&weak, "weak-pw", "postgres"));
    let error = product.apply().await.unwrap_err();
    assert_eq!(error.reason, Reason::InsufficientPrivilege, "{error}");
    assert!(
        error.message.starts_with(&format!(
            "CREATE ROLE \"{name}\" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION \
             NOBYPASSRLS PASSWORD '***' (database \"postgres\" on {}:{}): ERROR: permission denied to create role",
            pg.host, pg.port
        )),
        "{error}"
    );
}

async fn ssl_in_use(pg: &Postgres, parameters: &str) -> Result<bool, team_db::Error> {
    let url =
        team_db::url::ConnectionUrl::parse(&format!("{}?{parameters}", pg.admin_url())).unwrap();
    let session =
        team_db::session::Session::open(&url, "postgres", Reason::AdminConnectionFailed).await?;
    let rows = session
        .query(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .await?;
    Ok(rows[0].get(0))
}

#[tokio::test]
async fn sslmode_is_honoured() {
    let pg = postgres();
    let ca = pg.ca.display().to_string();
    assert!(!ssl_in_use(&pg, "sslmode=disable").await.unwrap());
    assert!(ssl_in_use(&pg, "sslmode=prefer").await.unwrap());
    assert!(ssl_in_use(&pg, "sslmode=require").await.unwrap());
    assert!(
        ssl_in_use(&pg, &format!("sslmode=verify-ca&sslrootcert={ca}"))
            .await
            .unwrap()
    );
    assert!(
        ssl_in_use(&pg, &format!("sslmode=verify-full&sslrootcert={ca}"))
            .await
            .unwrap()
    );

    // The test CA is not in the system store.
    let error = ssl_in_use(&pg, "sslmode=verify-full").await.unwrap_err();
    assert_eq!(error.reason, Reason::AdminConnectionFailed);
    assert!(
        error.message.contains("error performing TLS handshake"),
        "{error}"
    );
    assert!(error.message.contains("UnknownIssuer"), "{error}");
    assert!(!error.message.contains(&pg.admin_password));
}

#[tokio::test]
async fn verify_full_checks_the_host_name_and_verify_ca_does_not() {
    let pg = postgres();
    let ca = pg.ca.display().to_string();
    // The server certificate names localhost, 127.0.0.1 and ::1, but not 127.0.0.2.
    let other = Postgres {
        host: "127.0.0.2".to_string(),
        ..pg.clone()
    };
    assert!(
        ssl_in_use(&other, &format!("sslmode=verify-ca&sslrootcert={ca}"))
            .await
            .unwrap()
    );
    let error = ssl_in_use(&other, &format!("sslmode=verify-full&sslrootcert={ca}"))
        .await
        .unwrap_err();
    assert!(
        error
            .message
            .contains("certificate not valid for name \"127.0.0.2\""),
        "{error}"
    );
    assert!(
        error.message.contains(&format!("at 127.0.0.2:{}", pg.port)),
        "{error}"
    );
}
