//! Provisioning against the throwaway PostgreSQL 15 server of `scripts/with-postgres`, with
//! an admin that is not a superuser.

mod common;

use common::*;
use team_db::Reason;
use team_db::credentials::SecretWrite;
use team_db::resolve::{self, PasswordSource};

async fn schema_owners(pg: &Postgres, database: &str) -> Vec<String> {
    let session = login(pg, &pg.superuser, &pg.superuser_password, database)
        .await
        .unwrap();
    session
        .query(
            "SELECT nspname || '=' || pg_get_userbyid(nspowner) FROM pg_namespace \
             WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' ORDER BY 1",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect()
}

#[tokio::test]
async fn the_admin_used_by_the_tests_is_not_a_superuser() {
    let pg = postgres();
    let attributes = strings(
        &pg,
        "SELECT concat_ws(' ', rolsuper, rolcreatedb, rolcreaterole) FROM pg_roles WHERE rolname = $1",
        &[&pg.admin_user],
    )
    .await;
    assert_eq!(attributes, ["f t t"]);
}

#[tokio::test]
async fn each_product_role_owns_its_database_and_schemas_and_is_refused_by_the_others() {
    let pg = postgres();
    let connect = Product::new(
        &pg,
        &unique_name("connect"),
        &["connect", "instrumentation"],
        Some("connect-pw"),
    );
    let packages = Product::new(&pg, &unique_name("pm"), &["pm", "metrics"], Some("pm-pw"));
    connect.apply().await.unwrap();
    packages.apply().await.unwrap();

    for (product, password, schemas) in [
        (&connect, "connect-pw", ["connect", "instrumentation"]),
        (&packages, "pm-pw", ["pm", "metrics"]),
    ] {
        let session = login(&pg, &product.role, password, &product.database)
            .await
            .unwrap();
        let who = session
            .query("SELECT current_user::text", &[])
            .await
            .unwrap();
        assert_eq!(who[0].get::<_, String>(0), product.role);
        // The role can use its schemas.
        for schema in schemas {
            session
                .query(&format!("CREATE TABLE \"{schema}\".t (id int)"), &[])
                .await
                .unwrap();
        }
        let mut expected: Vec<String> = schemas
            .iter()
            .map(|schema| format!("{schema}={}", product.role))
            .collect();
        expected.push("public=pg_database_owner".to_string());
        expected.sort();
        assert_eq!(schema_owners(&pg, &product.database).await, expected);

        let attributes = strings(
            &pg,
            "SELECT concat_ws(' ', rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls) \
             FROM pg_roles WHERE rolname = $1",
            &[&product.role],
        )
        .await;
        assert_eq!(attributes, ["t f f f f f"]);
        let owner = strings(
            &pg,
            "SELECT pg_get_userbyid(datdba)::text FROM pg_database WHERE datname = $1",
            &[&product.database],
        )
        .await;
        assert_eq!(owner, std::slice::from_ref(&product.role));
    }

    // Each role is refused by the other's database.
    let refused = login(&pg, &connect.role, "connect-pw", &packages.database)
        .await
        .err()
        .expect("connect's role must not enter package manager's database");
    assert!(
        refused.message.contains("permission denied for database"),
        "{refused}"
    );
    let refused = login(&pg, &packages.role, "pm-pw", &connect.database)
        .await
        .err()
        .expect("package manager's role must not enter connect's database");
    assert!(
        refused.message.contains("permission denied for database"),
        "{refused}"
    );
}

#[tokio::test]
async fn a_second_apply_changes_nothing() {
    let pg = postgres();
    let product = Product::new(&pg, &unique_name("idem"), &["a", "b"], Some("pw-idem"));
    let first = product.apply().await.unwrap();
    assert_eq!(
        first.executed.len(),
        6,
        "role, membership, database, revoke, two schemas: {:#?}",
        first.executed
    );
    let second = product.apply().await.unwrap();
    assert!(second.is_noop(), "{:#?}", second.executed);
    assert!(!second.password_changed);
    assert_eq!((second.connections, second.queries), (3, 2));
}

#[tokio::test]
async fn rotation_replaces_the_password() {
    let pg = postgres();
    let mut product = Product::new(&pg, &unique_name("rotate"), &[], Some("first-password"));
    product.apply().await.unwrap();
    login(&pg, &product.role, "first-password", &product.database)
        .await
        .unwrap();

    product.set_password(Some("second-password"));
    let report = product.apply().await.unwrap();
    assert!(report.password_changed);
    assert_eq!(
        report.executed,
        [format!("ALTER ROLE \"{}\" PASSWORD '***'", product.role)]
    );
    let old = login(&pg, &product.role, "first-password", &product.database)
        .await
        .err()
        .expect("the old password must stop working");
    assert!(
        old.message.contains("password authentication failed"),
        "{old}"
    );
    login(&pg, &product.role, "second-password", &product.database)
        .await
        .unwrap();
    assert!(product.apply().await.unwrap().is_noop());
}

#[tokio::test]
async fn without_a_password_key_one_is_generated_kept_and_reused() {
    let pg = postgres();
    let mut product = Product::new(&pg, &unique_name("gen"), &["app"], None);
    let provisioning = resolve::for_apply(&product.pgdb, &product.secrets).unwrap();
    let Some(SecretWrite::Create(created)) = provisioning.credentials_secret.clone() else {
        panic!("a credentials Secret must be created");
    };
    let secret_name = created.metadata.name.clone().unwrap();
    assert_eq!(
        provisioning.password_source,
        PasswordSource::Generated {
            secret: secret_name.clone()
        }
    );
    team_db::apply(&provisioning).await.unwrap();

    let data =
        |key: &str| String::from_utf8(created.data.as_ref().unwrap()[key].0.clone()).unwrap();
    assert_eq!(data("username"), product.role);
    assert_eq!(data("database"), product.database);
    assert_eq!(data("host"), pg.host);
    assert_eq!(data("port"), pg.port.to_string());
    assert_eq!(data("password").len(), 32);
    login(&pg, &data("username"), &data("password"), &data("database"))
        .await
        .unwrap();
    // The uri works as is.
    let uri = team_db::url::ConnectionUrl::parse(&data("uri")).unwrap();
    team_db::session::Session::open(&uri, &product.database, Reason::RoleLoginFailed)
        .await
        .unwrap();

    // Next time the Secret exists: same password, nothing to write, nothing to execute.
    product.secrets.insert(secret_name, created.clone());
    let again = resolve::for_apply(&product.pgdb, &product.secrets).unwrap();
    assert_eq!(again.password.expose(), data("password"));
    assert_eq!(again.credentials_secret, None);
    assert!(team_db::apply(&again).await.unwrap().is_noop());

    // A product password added later wins, and the role follows it.
    product.set_password(Some("now-from-the-vault"));
    let report = product.apply().await.unwrap();
    assert!(report.password_changed);
    login(&pg, &product.role, "now-from-the-vault", &product.database)
        .await
        .unwrap();
}

#[tokio::test]
async fn no_cleartext_password_reaches_the_server_log() {
    let pg = postgres();
    let first = format!("log-check-{}", unique_name("first"));
    let second = format!("log-check-{}", unique_name("second"));
    let mut product = Product::new(&pg, &unique_name("logged"), &["s"], Some(&first));
    product.apply().await.unwrap();
    product.set_password(Some(&second));
    product.apply().await.unwrap();
    let mut generated = Product::new(&pg, &unique_name("logged_gen"), &[], None);
    let provisioning = resolve::for_apply(&generated.pgdb, &generated.secrets).unwrap();
    let generated_password = provisioning.password.expose().to_string();
    team_db::apply(&provisioning).await.unwrap();
    generated.set_password(None);

    let log = pg.log_text();
    // The statements are in the log (log_statement=all), with verifiers only.
    let create = format!("CREATE ROLE \"{}\" LOGIN", product.role);
    let line = log
        .lines()
        .find(|line| line.contains(&create))
        .unwrap_or_else(|| panic!("the log must show {create}"));
    assert!(line.contains("PASSWORD 'SCRAM-SHA-256$4096:"), "{line}");
    assert!(log.contains(&format!(
        "ALTER ROLE \"{}\" PASSWORD 'SCRAM-SHA-256$",
        product.role
    )));
    for secret in [&first, &second, &generated_password, &pg.admin_password] {
        assert!(
            !log.contains(secret.as_str()),
            "the server log contains a password"
        );
    }
}

#[tokio::test]
async fn hostile_names_are_created_exactly() {
    let pg = postgres();
    let suffix = unique_name("h");
    let role = format!("r\"; DROP ROLE {}; --{suffix}", pg.admin_user);
    let database = format!("d b;'ü\"{suffix}");
    let sixty_three = format!("{suffix}{}", "é".repeat((63 - suffix.len()) / 2));
    let sixty_three = format!("{sixty_three}{}", "x".repeat(63 - sixty_three.len()));
    assert_eq!(sixty_three.len(), 63);
    let schemas = [
        "s\"; DROP SCHEMA public CASCADE; --",
        "with space",
        "semi;colon",
        "名前",
        sixty_three.as_str(),
    ];
    let product = Product::with_names(&pg, &role, &database, &schemas, Some("pw"));
    let report = product.apply().await.unwrap();
    assert_eq!(report.executed.len(), 4 + schemas.len());

    assert!(role_exists(&pg, &role).await);
    assert!(database_exists(&pg, &database).await);
    let mut expected: Vec<String> = schemas.iter().map(|s| format!("{s}={role}")).collect();
    expected.push("public=pg_database_owner".to_string());
    expected.sort();
    assert_eq!(schema_owners(&pg, &database).await, expected);
    // Nothing else ran: the admin the hostile name tried to drop is still there.
    assert!(role_exists(&pg, &pg.admin_user).await);
    login(&pg, &role, "pw", &database).await.unwrap();
    assert!(product.apply().await.unwrap().is_noop());
    product.teardown().await.unwrap();
    assert!(!role_exists(&pg, &role).await);
    assert!(!database_exists(&pg, &database).await);
}

#[tokio::test]
async fn names_postgres_cannot_store_are_refused_before_any_statement() {
    let pg = postgres();
    let role = unique_name("refused");
    let cases: [(&str, &[&str], &str); 5] = [
        (
            &role,
            &["x".repeat(64).leak()],
            "spec.schemas[0]: schema name",
        ),
        (
            &role,
            &["ok", "nul\0byte"],
            "spec.schemas[1]: schema name \"nul\\0byte\" contains a control character",
        ),
        (&role, &["pg_mine"], "reserved by PostgreSQL"),
        (
            "pg_role",
            &[],
            "spec.url: role name \"pg_role\" is reserved",
        ),
        (
            &"r".repeat(64),
            &[],
            "is 64 bytes long; PostgreSQL keeps at most 63",
        ),
    ];
    for (role, schemas, expected) in cases {
        let product =
            Product::with_names(&pg, role, &unique_name("refused_db"), schemas, Some("pw"));
        let error = product.apply().await.unwrap_err();
        assert_eq!(error.reason, Reason::InvalidSpec);
        assert!(error.message.contains(expected), "{error}");
        assert!(
            !role_exists(&pg, role).await,
            "nothing may be created for {error}"
        );
        assert!(!database_exists(&pg, &product.database).await);
    }
}

#[tokio::test]
async fn the_admin_database_and_the_admin_role_are_protected() {
    let pg = postgres();
    let as_admin = Product::with_names(&pg, &pg.admin_user, &unique_name("p"), &[], Some("pw"));
    let error = as_admin.apply().await.unwrap_err();
    assert!(error.message.contains("is the admin user"), "{error}");
    for database in ["postgres", "template1"] {
        let product = Product::with_names(&pg, &unique_name("p"), database, &[], Some("pw"));
        let error = product.teardown().await.unwrap_err();
        assert_eq!(error.reason, Reason::InvalidSpec);
        assert!(error.message.contains("system database"), "{error}");
    }
}

#[tokio::test]
async fn ipv6_admin_url_and_credential_override() {
    let pg = postgres();
    let name = unique_name("v6");
    let mut product = Product::new(&pg, &name, &["s"], Some("pw"));
    product.pgdb.spec.url = format!("postgresql://{name}@[::1]:{}/{name}", pg.port);
    // The URL's own credentials are wrong; the override Secret (trailing newlines, as
    // `kubectl create secret --from-file` leaves them) replaces them.
    product.set_admin_url(&format!(
        "postgres://nobody:wrong@[::1]:{}/postgres",
        pg.port
    ));
    product.pgdb.spec.main_db_credential_secret = team_api::shared::SecretConfig {
        type_: team_api::enums::SecretType::Kubernetes,
        vault_name: "rds-admin".to_string(),
    };
    let admin_password = format!("{}\n", pg.admin_password);
    let admin_user = format!("{}\n", pg.admin_user);
    product.secrets.insert(
        "rds-admin".to_string(),
        secret(
            "rds-admin",
            &[("username", &admin_user), ("password", &admin_password)],
        ),
    );
    let report = product.apply().await.unwrap();
    assert_eq!(report.executed.len(), 5);
    // The role's own login went over IPv6: the log ties the client address to the session.
    let log = pg.log_text();
    let authorized = format!("connection authorized: user={name} database={name}");
    let pid = log
        .lines()
        .find(|line| line.contains(&authorized))
        .and_then(|line| line.split('[').nth(1)?.split(']').next())
        .expect("the role's login is in the log")
        .to_string();
    assert!(
        log.lines().any(|line| line.contains(&format!("[{pid}]"))
            && line.contains("connection received: host=::1")),
        "session {pid} did not come over IPv6"
    );
}
