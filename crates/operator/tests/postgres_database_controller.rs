//! The PostgresDatabase controller over an in-memory API server (kube-fake-client) and the
//! real throwaway PostgreSQL server of `scripts/with-postgres`.
//!
//! kube-fake-client deletes at once on DELETE and ignores finalizers then, so deletion is
//! tested with resources seeded with a deletionTimestamp and finalizers, as the API server
//! leaves them while finalizers remain.

use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::api::{Api, PostParams};
use kube::runtime::controller::Action;
use kube::{Client, ResourceExt};
use kube_fake_client::ClientBuilder;
use kube_fake_client::interceptor::Funcs;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use team_api::PostgresDatabase;
use team_api::postgres_database::{POSTGRES_DATABASE_FINALIZER, PostgresDatabaseTeardown};
use team_api::status::{CONDITION_DEGRADED, CONDITION_READY, HasConditions};
use team_db::session::Session;
use team_db::url::ConnectionUrl;
use team_operator::controllers::postgres_database::reconcile;
use team_operator::runtime::context::{Context, Settings};
use team_operator::runtime::controller::reconcile_and_report;
use team_operator::runtime::metrics::Metrics;
use test_support::{Postgres, postgres, unique_name, url_encode};

const NAMESPACE: &str = "posit-team";
const OTHER_FINALIZER: &str = "example.com/keep-me";

fn secret(name: &str, data: &[(&str, &str)]) -> Secret {
    test_support::secret(name, Some(NAMESPACE), data)
}

/// A PostgresDatabase for a fresh role and database on the test server.
fn resource(pg: &Postgres, role: &str, drop: bool) -> PostgresDatabase {
    let mut pgdb = pg.database_resource(
        &role.replace('_', "-"),
        role,
        role,
        &["connect", "instrumentation"],
        drop,
    );
    pgdb.metadata.namespace = Some(NAMESPACE.to_string());
    pgdb.metadata.uid = Some(format!("uid-{role}"));
    pgdb.metadata.generation = Some(1);
    pgdb
}

/// A resource as the first reconcile leaves it; seeded like this, generation stays put in
/// kube-fake-client (which bumps it on any metadata update).
fn with_our_finalizer(mut pgdb: PostgresDatabase) -> PostgresDatabase {
    pgdb.metadata.finalizers = Some(vec![POSTGRES_DATABASE_FINALIZER.to_string()]);
    pgdb
}

fn workload(pg: &Postgres) -> Secret {
    pg.workload_secret(Some(NAMESPACE))
}

fn product_secret(password: Option<&str>) -> Secret {
    test_support::product_secret(Some(NAMESPACE), password)
}

/// Every write the controller sends, as `verb resource/name`.
#[derive(Clone, Default)]
struct Writes(Arc<Mutex<Vec<String>>>);

impl Writes {
    /// The writes so far, except Events (see [`Writes::take_events`]).
    fn take(&self) -> Vec<String> {
        let all = std::mem::take(&mut *self.0.lock().unwrap());
        let (events, others): (Vec<String>, Vec<String>) = all
            .into_iter()
            .partition(|w| w.starts_with("create Event/"));
        self.0.lock().unwrap().extend(events);
        others
    }

    /// How many Events were created so far.
    fn take_events(&self) -> usize {
        let all = std::mem::take(&mut *self.0.lock().unwrap());
        all.iter()
            .filter(|w| w.starts_with("create Event/"))
            .count()
    }

    fn interceptors(&self) -> Funcs {
        let record = || {
            let writes = self.0.clone();
            move |entry: String| writes.lock().unwrap().push(entry)
        };
        let (create, patch, status, replace) = (record(), record(), record(), record());
        Funcs::new()
            .create(move |ctx| {
                let kind = ctx.object["kind"].as_str().unwrap_or("?").to_string();
                let name = ctx.object["metadata"]["name"]
                    .as_str()
                    .unwrap_or("?")
                    .to_string();
                create(format!("create {kind}/{name}"));
                Ok(None)
            })
            .patch(move |ctx| {
                patch(format!("patch {}", ctx.name));
                Ok(None)
            })
            .patch_status(move |ctx| {
                status(format!("patch status {}", ctx.name));
                Ok(None)
            })
            .replace(move |ctx| {
                replace(format!("replace {}", ctx.name));
                Ok(None)
            })
    }
}

/// An in-memory API server holding `pgdb` and `secrets`, recording writes; returns it with
/// the resource's name.
async fn start(pgdb: PostgresDatabase, secrets: Vec<Secret>) -> (Client, Writes, String) {
    let name = pgdb.name_any();
    let writes = Writes::default();
    let client = ClientBuilder::new()
        .with_resource::<PostgresDatabase>()
        .with_status_subresource::<PostgresDatabase>()
        .with_object(pgdb)
        .with_objects(secrets)
        .with_interceptor_funcs(writes.interceptors())
        .build()
        .await
        .expect("fake client");
    (client, writes, name)
}

/// How often an up-to-date resource is checked again (the operator's resync interval).
const RESYNC: Duration = Duration::from_secs(300);

/// What a reconcile asks the controller to do next, as the tests compare it.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    RequeueAfter(Duration),
    AwaitChange,
}

/// One reconcile as the controller runs it: the reconcile, then status, metrics and the
/// retry decision of the shared runtime.
async fn run(client: &Client, name: &str) -> (Result<Outcome, String>, Option<PostgresDatabase>) {
    let api: Api<PostgresDatabase> = Api::namespaced(client.clone(), NAMESPACE);
    let current = api.get(name).await.expect("the resource exists");
    let settings = Settings::new(team_desired::Environment::default(), RESYNC);
    let metrics = Metrics::register(&mut prometheus_client::registry::Registry::default());
    let ctx = Arc::new(Context::new(client.clone(), metrics, settings, "test"));
    let outcome = reconcile_and_report(Arc::new(current), ctx, &reconcile)
        .await
        .map(|action| {
            if action == Action::await_change() {
                Outcome::AwaitChange
            } else {
                assert_eq!(action, Action::requeue(RESYNC));
                Outcome::RequeueAfter(RESYNC)
            }
        })
        .map_err(|e| format!("{}: {e}", e.category()));
    (outcome, api.get_opt(name).await.unwrap())
}

async fn login(pg: &Postgres, role: &str, password: &str) -> Result<Session, team_db::Error> {
    let url = ConnectionUrl::parse(&pg.url(role, password, role)).unwrap();
    Session::open(&url, role, team_db::Reason::RoleLoginFailed).await
}

async fn exists(pg: &Postgres, catalog: &str, column: &str, name: &str) -> bool {
    let su = ConnectionUrl::parse(&pg.superuser_url()).unwrap();
    let session = Session::open(&su, "postgres", team_db::Reason::AdminConnectionFailed)
        .await
        .unwrap();
    !session
        .query(
            &format!("SELECT 1 FROM {catalog} WHERE {column} = $1"),
            &[&name],
        )
        .await
        .unwrap()
        .is_empty()
}

#[tokio::test]
async fn provisions_adds_only_its_finalizer_reports_ready_and_then_writes_nothing() {
    let pg = postgres();
    let role = unique_name("ctl_ready");
    let mut pgdb = resource(&pg, &role, false);
    pgdb.metadata.finalizers = Some(vec![OTHER_FINALIZER.to_string()]);
    let (client, writes, name) =
        start(pgdb, vec![workload(&pg), product_secret(Some("pw-1"))]).await;

    let (outcome, after) = run(&client, &name).await;
    assert_eq!(outcome, Ok(Outcome::RequeueAfter(RESYNC)));
    assert_eq!(
        writes.take(),
        [format!("patch {name}"), format!("patch status {name}")]
    );
    assert_eq!(writes.take_events(), 1, "becoming Ready is published once");
    let after = after.unwrap();
    assert_eq!(
        after.finalizers(),
        [
            OTHER_FINALIZER.to_string(),
            POSTGRES_DATABASE_FINALIZER.to_string()
        ]
    );
    let status = after.status.clone().unwrap();
    assert_eq!(status.observed_generation, Some(1));
    let ready = status.condition(CONDITION_READY).unwrap();
    assert_eq!(
        (ready.status.as_str(), ready.reason.as_str()),
        ("True", "Provisioned")
    );
    assert_eq!(
        ready.message,
        format!(
            "role \"{role}\" owns database \"{role}\" on {}:{}",
            pg.host, pg.port
        )
    );
    assert_eq!(
        status.condition(CONDITION_DEGRADED).unwrap().status,
        "False"
    );
    login(&pg, &role, "pw-1").await.unwrap();

    // kube-fake-client bumps metadata.generation on any update, the finalizer patch included
    // (an API server bumps it for spec changes only), so the next reconcile records the new
    // generation once.
    let (outcome, again) = run(&client, &name).await;
    assert_eq!(outcome, Ok(Outcome::RequeueAfter(RESYNC)));
    assert_eq!(writes.take(), [format!("patch status {name}")]);
    let again = again.unwrap();
    assert_eq!(
        again.status.as_ref().unwrap().observed_generation,
        again.metadata.generation
    );

    // A resync of the up-to-date resource: no write at all.
    let (outcome, last) = run(&client, &name).await;
    assert_eq!(outcome, Ok(Outcome::RequeueAfter(RESYNC)));
    assert_eq!(writes.take(), Vec::<String>::new());
    assert_eq!(writes.take_events(), 0, "no Event without a transition");
    assert_eq!(last.unwrap().status, again.status);
}

#[tokio::test]
async fn a_generated_password_lives_in_an_owned_secret_and_survives_resyncs() {
    let pg = postgres();
    let role = unique_name("ctl_gen");
    let pgdb = with_our_finalizer(resource(&pg, &role, false));
    let (client, writes, name) = start(pgdb, vec![workload(&pg), product_secret(None)]).await;

    let (outcome, _) = run(&client, &name).await;
    assert_eq!(outcome, Ok(Outcome::RequeueAfter(RESYNC)));
    let secret_name = format!("{name}-db-credentials");
    assert_eq!(
        writes.take(),
        [
            format!("create Secret/{secret_name}"),
            format!("patch status {name}")
        ]
    );
    let secrets: Api<Secret> = Api::namespaced(client.clone(), NAMESPACE);
    let stored = secrets.get(&secret_name).await.unwrap();
    let owner = &stored.metadata.owner_references.as_ref().unwrap()[0];
    assert_eq!(
        (owner.kind.as_str(), owner.name.as_str(), owner.uid.clone()),
        ("PostgresDatabase", name.as_str(), format!("uid-{role}"))
    );
    assert_eq!(
        stored
            .labels()
            .get("app.kubernetes.io/managed-by")
            .map(String::as_str),
        Some("team-operator")
    );
    let value =
        |key: &str| String::from_utf8(stored.data.as_ref().unwrap()[key].0.clone()).unwrap();
    let mut keys: Vec<&String> = stored.data.as_ref().unwrap().keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        ["database", "host", "password", "port", "uri", "username"]
    );
    login(&pg, &role, &value("password")).await.unwrap();

    let (outcome, _) = run(&client, &name).await;
    assert_eq!(outcome, Ok(Outcome::RequeueAfter(RESYNC)));
    assert_eq!(
        writes.take(),
        Vec::<String>::new(),
        "the password is never regenerated"
    );
    assert_eq!(secrets.get(&secret_name).await.unwrap().data, stored.data);
}

#[tokio::test]
async fn a_rotated_secret_password_is_applied_on_the_next_reconcile() {
    let pg = postgres();
    let role = unique_name("ctl_rotate");
    let pgdb = with_our_finalizer(resource(&pg, &role, false));
    let (client, writes, name) =
        start(pgdb, vec![workload(&pg), product_secret(Some("old-pw"))]).await;
    run(&client, &name).await.0.unwrap();

    let secrets: Api<Secret> = Api::namespaced(client.clone(), NAMESPACE);
    let mut rotated = secrets.get("site-secrets").await.unwrap();
    rotated.data = product_secret(Some("new-pw")).data;
    secrets
        .replace("site-secrets", &PostParams::default(), &rotated)
        .await
        .unwrap();
    writes.take();

    let (outcome, _) = run(&client, &name).await;
    assert_eq!(outcome, Ok(Outcome::RequeueAfter(RESYNC)));
    assert_eq!(
        writes.take(),
        Vec::<String>::new(),
        "status unchanged: still Ready"
    );
    assert!(login(&pg, &role, "old-pw").await.is_err());
    login(&pg, &role, "new-pw").await.unwrap();
}

#[tokio::test]
async fn a_missing_secret_is_reported_as_secret_missing() {
    let pg = postgres();
    let role = unique_name("ctl_nosecret");
    let pgdb = resource(&pg, &role, false);
    let (client, _, name) = start(pgdb, vec![product_secret(Some("pw"))]).await;

    let (outcome, after) = run(&client, &name).await;
    assert_eq!(
        outcome,
        Err(
            "SecretMissing: Secret \"site-workload\" (spec.workloadSecret) was not found"
                .to_string()
        )
    );
    let status = after.unwrap().status.unwrap();
    let ready = status.condition(CONDITION_READY).unwrap();
    assert_eq!(
        (ready.status.as_str(), ready.reason.as_str()),
        ("False", "SecretMissing")
    );
    let degraded = status.condition(CONDITION_DEGRADED).unwrap();
    assert_eq!(
        (degraded.status.as_str(), degraded.reason.as_str()),
        ("True", "SecretMissing")
    );
    assert!(!exists(&pg, "pg_roles", "rolname", &role).await);
}

#[tokio::test]
async fn an_unreachable_server_is_reported_with_host_and_port_but_no_password() {
    let pg = postgres();
    let role = unique_name("ctl_down");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut pgdb = resource(&pg, &role, false);
    pgdb.spec.url = format!("postgres://{role}@127.0.0.1:{port}/{role}");
    let admin_url = format!(
        "postgresql://{}:{}@127.0.0.1:{port}/postgres",
        pg.admin_user,
        url_encode(&pg.admin_password)
    );
    let secrets = vec![
        secret("site-workload", &[("main-database-url", &admin_url)]),
        product_secret(Some("role-pw")),
    ];
    let (client, _, name) = start(pgdb, secrets).await;

    let (outcome, after) = run(&client, &name).await;
    let error = outcome.unwrap_err();
    assert!(
        error.starts_with("AdminConnectionFailed: cannot connect to PostgreSQL at 127.0.0.1:"),
        "{error}"
    );
    let after = after.unwrap();
    let ready = after
        .status
        .as_ref()
        .unwrap()
        .condition(CONDITION_READY)
        .unwrap()
        .clone();
    assert_eq!(ready.reason, "AdminConnectionFailed");
    assert!(
        ready.message.contains(&format!("127.0.0.1:{port}")),
        "{}",
        ready.message
    );
    let everything = serde_json::to_string(&after).unwrap();
    for password in [
        pg.admin_password.as_str(),
        &url_encode(&pg.admin_password),
        "role-pw",
    ] {
        assert!(
            !everything.contains(password),
            "a password leaked into the resource"
        );
    }
}

/// Provisions `role` directly (as the CLI would) and returns a resource that is being
/// deleted, carrying our finalizer and another controller's.
async fn provisioned_and_deleted(
    pg: &Postgres,
    role: &str,
    teardown: Option<bool>,
) -> PostgresDatabase {
    let mut pgdb = resource(pg, role, teardown.unwrap_or(false));
    pgdb.spec.teardown = teardown.map(|drop| PostgresDatabaseTeardown { drop });
    let found = [
        ("site-workload", workload(pg)),
        ("site-secrets", product_secret(Some("pw"))),
    ]
    .into_iter()
    .map(|(name, secret)| (name.to_string(), secret))
    .collect();
    let provisioning = team_db::resolve::for_apply(&pgdb, &found).unwrap();
    team_db::apply(&provisioning).await.unwrap();
    pgdb.metadata.finalizers = Some(vec![
        POSTGRES_DATABASE_FINALIZER.to_string(),
        OTHER_FINALIZER.to_string(),
    ]);
    pgdb.metadata.deletion_timestamp = Some(Time(k8s_openapi::jiff::Timestamp::now()));
    pgdb
}

#[tokio::test]
async fn deletion_keeps_the_database_unless_teardown_drop_and_releases_only_our_finalizer() {
    let pg = postgres();
    for teardown in [Some(false), None] {
        let role = unique_name("ctl_keep");
        let pgdb = provisioned_and_deleted(&pg, &role, teardown).await;
        let (client, writes, name) =
            start(pgdb, vec![workload(&pg), product_secret(Some("pw"))]).await;

        let (outcome, after) = run(&client, &name).await;
        assert_eq!(outcome, Ok(Outcome::AwaitChange));
        assert_eq!(writes.take(), [format!("patch {name}")]);
        assert_eq!(after.unwrap().finalizers(), [OTHER_FINALIZER.to_string()]);
        assert!(exists(&pg, "pg_database", "datname", &role).await, "kept");
        login(&pg, &role, "pw")
            .await
            .expect("the kept role still works");
    }
}

#[tokio::test]
async fn deletion_with_teardown_drop_drops_database_and_role_despite_a_live_session() {
    let pg = postgres();
    let role = unique_name("ctl_drop");
    let mut pgdb = provisioned_and_deleted(&pg, &role, Some(true)).await;
    pgdb.metadata.finalizers = Some(vec![POSTGRES_DATABASE_FINALIZER.to_string()]);
    let live = login(&pg, &role, "pw").await.unwrap();
    let (client, _, name) = start(pgdb, vec![workload(&pg), product_secret(Some("pw"))]).await;

    let (outcome, after) = run(&client, &name).await;
    assert_eq!(outcome, Ok(Outcome::AwaitChange));
    assert!(
        after.is_none(),
        "the last finalizer is gone, so is the resource"
    );
    assert!(!exists(&pg, "pg_database", "datname", &role).await);
    assert!(!exists(&pg, "pg_roles", "rolname", &role).await);
    assert!(
        live.query("SELECT 1", &[]).await.is_err(),
        "the live session was ended"
    );
}

#[tokio::test]
async fn a_failed_teardown_keeps_the_finalizer_and_says_why() {
    let pg = postgres();
    let role = unique_name("ctl_stuck");
    let pgdb = provisioned_and_deleted(&pg, &role, Some(true)).await;
    // The workload Secret with the admin URL is gone.
    let (client, _, name) = start(pgdb, vec![product_secret(Some("pw"))]).await;

    let (outcome, after) = run(&client, &name).await;
    assert_eq!(
        outcome,
        Err(
            "SecretMissing: teardown: Secret \"site-workload\" (spec.workloadSecret) was not found"
                .to_string()
        )
    );
    let after = after.unwrap();
    assert_eq!(
        after.finalizers(),
        [
            POSTGRES_DATABASE_FINALIZER.to_string(),
            OTHER_FINALIZER.to_string()
        ]
    );
    let degraded = after
        .status
        .unwrap()
        .condition(CONDITION_DEGRADED)
        .unwrap()
        .clone();
    assert_eq!(degraded.reason, "SecretMissing");
    assert!(
        degraded
            .message
            .starts_with("teardown: Secret \"site-workload\""),
        "{}",
        degraded.message
    );
    assert!(exists(&pg, "pg_database", "datname", &role).await);
}

#[tokio::test]
async fn stale_connection_details_in_the_owned_secret_are_rewritten_with_the_same_password() {
    let pg = postgres();
    let role = unique_name("ctl_stale");
    let pgdb = with_our_finalizer(resource(&pg, &role, false));
    let (client, writes, name) = start(pgdb, vec![workload(&pg), product_secret(None)]).await;
    run(&client, &name).await.0.unwrap();
    let secrets: Api<Secret> = Api::namespaced(client.clone(), NAMESPACE);
    let secret_name = format!("{name}-db-credentials");
    let mut stale = secrets.get(&secret_name).await.unwrap();
    let data = stale.data.as_mut().unwrap();
    let password = data["password"].clone();
    data.insert("port".to_string(), ByteString(b"1".to_vec()));
    secrets
        .replace(&secret_name, &PostParams::default(), &stale)
        .await
        .unwrap();
    writes.take();

    let (outcome, _) = run(&client, &name).await;
    assert_eq!(outcome, Ok(Outcome::RequeueAfter(RESYNC)));
    assert_eq!(writes.take(), [format!("patch {secret_name}")]);
    let repaired = secrets.get(&secret_name).await.unwrap().data.unwrap();
    assert_eq!(
        repaired["port"],
        ByteString(pg.port.to_string().into_bytes())
    );
    assert_eq!(repaired["password"], password, "the password is kept");
}
