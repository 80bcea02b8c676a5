//! One test's world on the control plane: a namespace, an operator process watching it with
//! the chart's RBAC, Sites made from the examples, and how the results are compared with what
//! `render` prints.

use super::{
    Identity, Operator, Real, RunSpec, Watch, assert_nothing_forbidden, chart_rbac,
    delete_namespace, namespace, real, requests_of, unique,
};
use crate::cluster::{self, create_in, example_in, managed_objects};
use kube::Client;
use kube::api::Api;
use serde_json::Value;
use std::collections::BTreeSet;
use std::time::Duration;
use team_api::PostgresDatabase;
use team_operator::runtime::apply::contains;
use team_operator::runtime::kinds::Kind;

/// A namespace with a Site's worth of room, operators watching it with the chart's RBAC.
pub struct Scene {
    pub real: Real,
    pub ns: String,
    pub identity: Identity,
    /// The operator processes, in the order they were launched.
    pub operators: Vec<Operator>,
    /// Audit log position when the scene was set up.
    pub start: u64,
    /// Spans of the audit log in which a forbidden request is the server's doing, not a
    /// gap in the chart's RBAC (an API server that has just started authorizes before its
    /// caches are filled).
    pub excused: Vec<(u64, u64)>,
    leader_elect: bool,
}

impl Scene {
    /// On the shared plane: a new namespace watched by a new operator.
    pub async fn start(prefix: &str) -> Scene {
        let mut scene = Scene::empty(real().await, prefix, false, false).await;
        scene.launch();
        scene
    }

    /// On `real`: a new namespace and the chart's RBAC for an operator watching that
    /// namespace (or every namespace), electing a leader or not. No operator runs yet.
    pub async fn empty(
        real: Real,
        prefix: &str,
        all_namespaces: bool,
        leader_elect: bool,
    ) -> Scene {
        let ns = namespace(&real.admin, prefix).await;
        let watch = if all_namespaces {
            Watch::All
        } else {
            Watch::Namespaces(vec![ns.clone()])
        };
        let identity = chart_rbac(&real.plane, &unique("system"), watch);
        let start = real.plane.audit_mark();
        Scene {
            real,
            ns,
            identity,
            operators: Vec::new(),
            start,
            excused: Vec::new(),
            leader_elect,
        }
    }

    /// Starts one more operator process, with a token of its own.
    pub fn launch(&mut self) -> &mut Operator {
        let operator = Operator::start(RunSpec {
            kubeconfig: self.identity.kubeconfig(&self.real.plane),
            identity: &self.identity,
            name: unique("operator"),
            leader_elect: self.leader_elect,
            resync_seconds: 10,
        });
        self.operators.push(operator);
        self.operators.last_mut().unwrap()
    }

    /// The first operator.
    pub fn operator(&mut self) -> &mut Operator {
        self.operators
            .first_mut()
            .expect("an operator was launched")
    }

    pub fn admin(&self) -> &Client {
        &self.real.admin
    }

    pub fn api<K>(&self) -> Api<K>
    where
        K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope, DynamicType = ()>,
    {
        Api::namespaced(self.real.admin.clone(), &self.ns)
    }

    /// An example's documents for a new Site, created as a user would; returns its name and
    /// the documents.
    pub async fn create_site(&self, file: &str, prefix: &str) -> (String, Vec<Value>) {
        let site = cluster::unique_site(prefix);
        let documents = example_in(&self.ns, file, &site, &test_support::postgres().admin_url());
        create_in(self.admin(), &self.ns, &documents).await;
        (site, documents)
    }

    /// What `render` prints for the Site as stored, without the kinds of other projects
    /// (Traefik, the CSI secrets store), which are not installed here and which the operator
    /// skips.
    pub async fn rendered(&self, site: &str, documents: &[Value]) -> Vec<Value> {
        cluster::rendered_in(self.admin(), &self.ns, documents, site)
            .await
            .into_iter()
            .filter(|o| {
                let kind = Kind::lookup(
                    o["apiVersion"].as_str().unwrap(),
                    o["kind"].as_str().unwrap(),
                );
                !kind.expect("a kind of the kind table").optional
            })
            .collect()
    }

    /// Waits until every object `render` prints for the Site exists; returns them.
    pub async fn converged(&self, site: &str, documents: &[Value]) -> Vec<Value> {
        let expected = self.rendered(site, documents).await;
        let wanted: BTreeSet<String> = expected.iter().map(key).collect();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
        loop {
            let live: BTreeSet<String> = managed_objects(self.admin(), &self.ns)
                .await
                .into_keys()
                .collect();
            let missing: Vec<&String> = wanted.difference(&live).collect();
            if missing.is_empty() {
                return expected;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "after 90 s these rendered objects do not exist: {missing:?}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// The operator's writes audited since `mark`.
    pub fn writes_since(&self, mark: u64) -> Vec<String> {
        requests_of(&self.real.plane, mark, &self.identity.user)
            .iter()
            .filter(|e| e.is_write())
            .map(|e| e.describe())
            .collect()
    }

    /// Stops the operators (each must still be running unless the test killed it), checks
    /// that no request was forbidden, removes the namespace.
    pub async fn finish(mut self) {
        for operator in self.operators.iter_mut().filter(|o| !o.stopped()) {
            assert!(
                operator.running(),
                "the operator {} exited:\n{}",
                operator.name,
                operator.log_text()
            );
            operator.terminate();
        }
        assert_nothing_forbidden(
            &self.real.plane,
            self.start,
            &self.identity.user,
            &self.excused,
        );
        delete_namespace(self.admin(), &self.ns).await;
    }
}

pub fn key(object: &Value) -> String {
    format!(
        "{}/{}",
        object["kind"].as_str().unwrap(),
        object["metadata"]["name"].as_str().unwrap()
    )
}

/// Placeholders of values the operator generates at creation (keys, passwords).
pub fn is_generated(object: &Value) -> bool {
    object["stringData"].as_object().is_some_and(|data| {
        data.values().any(|v| {
            v.as_str()
                .is_some_and(|s| s.starts_with("<generated by team-operator"))
        })
    })
}

/// Where `live` first fails to contain `wanted`, for messages: `path: live != wanted`.
pub fn first_difference(live: &Value, wanted: &Value, path: String) -> String {
    match (live, wanted) {
        (Value::Object(l), Value::Object(w)) => w
            .iter()
            .find(|(k, v)| !l.get(*k).is_some_and(|lv| contains(lv, v)))
            .map(|(k, v)| {
                first_difference(l.get(k).unwrap_or(&Value::Null), v, format!("{path}.{k}"))
            })
            .unwrap_or(path),
        (Value::Array(l), Value::Array(w)) if l.len() == w.len() => l
            .iter()
            .zip(w)
            .enumerate()
            .find(|(_, (lv, wv))| !contains(lv, wv))
            .map(|(i, (lv, wv))| first_difference(lv, wv, format!("{path}[{i}]")))
            .unwrap_or(path),
        _ => format!("{path}: live {live} != rendered {wanted}"),
    }
}

/// The name of the database a PostgresDatabase's URL points at.
pub fn database_of(pgdb: &PostgresDatabase) -> String {
    let url = &pgdb.spec.url;
    let path = url.rsplit('/').next().unwrap();
    path.split('?').next().unwrap().to_string()
}

pub async fn database_exists(name: &str) -> bool {
    let pg = test_support::postgres();
    let url = team_db::url::ConnectionUrl::parse(&pg.superuser_url()).unwrap();
    let session =
        team_db::session::Session::open(&url, "postgres", team_db::Reason::AdminConnectionFailed)
            .await
            .unwrap();
    !session
        .query("SELECT 1 FROM pg_database WHERE datname = $1", &[&name])
        .await
        .unwrap()
        .is_empty()
}
